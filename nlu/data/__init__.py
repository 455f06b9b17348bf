"""The NLU training and held-out test data, and a small typed reader for it.

The data is Rasa 3.x NLU YAML (``version: "3.1"``) under ``train/`` and ``test/``; see
``README.md`` next to this file for the conventions (language and urgency metadata, the
location span convention, how the split was made). Both engines read the same files: Rasa
directly, the embedded engine and the evaluation through :func:`load_examples`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any, Literal

import yaml

Split = Literal["train", "test"]
SPLITS: tuple[Split, ...] = ("train", "test")

# `[span](entity)`: the only annotation form the data uses.
_ANNOTATION = re.compile(r"\[(?P<text>[^\[\]()]+)\]\((?P<entity>[a-z_]+)\)")
_STRAY = re.compile(r"[\[\]]|\(location\)")


class DataError(ValueError):
    """A data file or an example in it does not follow the format."""


@dataclass(frozen=True, slots=True)
class Span:
    """An entity annotated in an example: character offsets into the plain text."""

    start: int
    end: int
    text: str
    entity: str


@dataclass(frozen=True, slots=True)
class Example:
    text: str  # the message as a person sent it (annotations removed)
    raw: str  # as written in the data file, with `[..](location)` annotations
    intent: str
    lang: str
    urgent: bool
    entities: tuple[Span, ...]
    source: str  # "<split>/<file name>"

    @property
    def location(self) -> Span | None:
        for span in self.entities:
            if span.entity == "location":
                return span
        return None


def parse_annotated(raw: str) -> tuple[str, tuple[Span, ...]]:
    """Split an annotated example into its plain text and its entity spans.

    Raises DataError when brackets or `(entity)` markers are left over, i.e. when an
    annotation is malformed.
    """
    parts: list[str] = []
    spans: list[Span] = []
    pos = 0
    length = 0
    for match in _ANNOTATION.finditer(raw):
        before = raw[pos : match.start()]
        parts.append(before)
        length += len(before)
        text = match.group("text")
        if text != text.strip() or not text.strip():
            raise DataError(f"entity span with outer whitespace or empty: {raw!r}")
        spans.append(Span(length, length + len(text), text, match.group("entity")))
        parts.append(text)
        length += len(text)
        pos = match.end()
    parts.append(raw[pos:])
    plain = "".join(parts)
    if _STRAY.search(plain):
        raise DataError(f"malformed annotation: {raw!r}")
    return plain, tuple(spans)


def data_files(split: Split) -> list[Traversable]:
    """The YAML files of one split, sorted by name."""
    folder = resources.files(__name__) / split
    return sorted(
        (f for f in folder.iterdir() if f.name.endswith((".yml", ".yaml"))),
        key=lambda f: f.name,
    )


def _load(file: Traversable) -> list[dict[str, Any]]:
    with file.open(encoding="utf-8") as fh:
        doc = yaml.safe_load(fh)
    if not isinstance(doc, dict) or str(doc.get("version")) != "3.1":
        raise DataError(f"{file.name}: not Rasa NLU YAML version 3.1")
    blocks = doc.get("nlu") or []
    if not isinstance(blocks, list) or not all(isinstance(b, dict) for b in blocks):
        raise DataError(f"{file.name}: `nlu` must be a list of blocks")
    return blocks


def _lines(block: dict[str, Any], where: str) -> list[str]:
    examples = block.get("examples")
    if not isinstance(examples, str):
        raise DataError(f"{where}: `examples` must be a block string")
    out: list[str] = []
    for line in examples.splitlines():
        if not line.strip():
            continue
        if not line.startswith("- "):
            raise DataError(f"{where}: example line must start with '- ': {line!r}")
        out.append(line[2:].strip())
    return out


def load_examples(split: Split) -> list[Example]:
    """Every intent example of a split, in file order."""
    examples: list[Example] = []
    for file in data_files(split):
        for block in _load(file):
            intent = block.get("intent")
            if intent is None:
                continue  # lookup tables, synonyms
            where = f"{split}/{file.name}: intent {intent}"
            meta = block.get("metadata") or {}
            if not isinstance(meta, dict):
                raise DataError(f"{where}: metadata must be a mapping")
            lang = meta.get("lang")
            urgent = meta.get("urgent", False)
            if not isinstance(lang, str) or not isinstance(urgent, bool):
                raise DataError(f"{where}: needs metadata lang (str) and urgent (bool)")
            for raw in _lines(block, where):
                text, spans = parse_annotated(raw)
                examples.append(
                    Example(
                        text=text,
                        raw=raw,
                        intent=str(intent),
                        lang=lang,
                        urgent=urgent,
                        entities=spans,
                        source=f"{split}/{file.name}",
                    )
                )
    return examples


def load_lookups(split: Split = "train") -> dict[str, list[str]]:
    """Lookup tables by name (e.g. "location": place names and forms)."""
    tables: dict[str, list[str]] = {}
    for file in data_files(split):
        for block in _load(file):
            name = block.get("lookup")
            if name is not None:
                tables.setdefault(str(name), []).extend(_lines(block, f"{file.name}: {name}"))
    return tables


def load_synonyms(split: Split = "train") -> dict[str, str]:
    """Synonyms: lower-cased form -> canonical value (a gazetteer name)."""
    synonyms: dict[str, str] = {}
    for file in data_files(split):
        for block in _load(file):
            canonical = block.get("synonym")
            if canonical is not None:
                for form in _lines(block, f"{file.name}: {canonical}"):
                    synonyms[form.casefold()] = str(canonical)
    return synonyms


def fingerprint(split: Split = "train") -> str:
    """SHA-256 over a split's files: a model cache key that changes when the data does."""
    digest = hashlib.sha256()
    for file in data_files(split):
        digest.update(file.name.encode())
        digest.update(b"\0")
        digest.update(file.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()
