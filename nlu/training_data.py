"""Reads the project's NLU data (Rasa 3.x NLU YAML) into typed examples.

Shared by the embedded engine (training), the evaluation and the Rasa adapter. A split is a
directory of `*.yml` files (`nlu/data/train`, `nlu/data/test`) or one file. Each intent block
may carry `metadata: {lang: en|es|bzj, urgent: true}`; entities are written inline as
`[span](location)` or `[span]{"entity": "location", "value": "Canonical"}`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"

# [text](entity) or [text](entity:value) or [text]{"entity": ..., "value": ...}
_ANNOTATION = re.compile(
    r"\[(?P<text>[^\[\]]+)\](?:\((?P<entity>[^()]+)\)|(?P<json>\{[^{}]*\}))",
)
_LIST_ITEM = re.compile(r"^\s*-\s?(.*)$")


class TrainingDataError(ValueError):
    """The data files cannot be read as Rasa NLU YAML."""


@dataclass(frozen=True, slots=True)
class EntitySpan:
    start: int
    end: int
    entity: str
    text: str
    value: str | None = None


@dataclass(frozen=True, slots=True)
class NluExample:
    text: str
    intent: str
    lang: str | None = None
    urgent: bool = False
    entities: tuple[EntitySpan, ...] = ()
    source: str = ""

    @property
    def locations(self) -> tuple[EntitySpan, ...]:
        return tuple(e for e in self.entities if e.entity == "location")


@dataclass(slots=True)
class NluData:
    examples: list[NluExample] = field(default_factory=list)
    lookups: dict[str, list[str]] = field(default_factory=dict)
    synonyms: dict[str, list[str]] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)

    @property
    def intents(self) -> list[str]:
        return sorted({ex.intent for ex in self.examples})


def split_dir(split: str) -> Path:
    """The directory of a named split: "train", "test", or the dev split "dev4"."""
    return DATA_DIR / split


def parse_annotated(line: str) -> tuple[str, tuple[EntitySpan, ...]]:
    """Strip inline entity annotations, returning the plain text and the entity offsets."""
    out: list[str] = []
    spans: list[EntitySpan] = []
    pos = 0
    length = 0
    for match in _ANNOTATION.finditer(line):
        before = line[pos : match.start()]
        out.append(before)
        length += len(before)
        span_text = match.group("text")
        value: str | None = None
        if match.group("entity") is not None:
            entity, _, raw_value = match.group("entity").partition(":")
            value = raw_value.strip() or None
        else:
            try:
                meta = json.loads(match.group("json"))
            except json.JSONDecodeError as exc:
                raise TrainingDataError(f"bad entity annotation {match.group(0)!r}") from exc
            if not isinstance(meta, dict) or not isinstance(meta.get("entity"), str):
                raise TrainingDataError(f"bad entity annotation {match.group(0)!r}")
            entity = meta["entity"]
            raw = meta.get("value")
            value = raw if isinstance(raw, str) else None
        spans.append(EntitySpan(length, length + len(span_text), entity.strip(), span_text, value))
        out.append(span_text)
        length += len(span_text)
        pos = match.end()
    out.append(line[pos:])
    return "".join(out), tuple(spans)


def _items(block: dict[str, Any], where: str) -> list[str]:
    raw = block.get("examples", "")
    if isinstance(raw, list):  # tolerated: a YAML list instead of Rasa's block string
        return [str(item).strip() for item in raw if str(item).strip()]
    if not isinstance(raw, str):
        raise TrainingDataError(f"{where}: 'examples' must be a block string")
    items: list[str] = []
    for line in raw.splitlines():
        if not line.strip():
            continue
        match = _LIST_ITEM.match(line)
        if match is None:
            raise TrainingDataError(f"{where}: example line without '- ': {line!r}")
        text = match.group(1).strip()
        if text:
            items.append(text)
    return items


def load_file(path: Path, into: NluData | None = None) -> NluData:
    data = into if into is not None else NluData()
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise TrainingDataError(f"{path}: {exc}") from exc
    data.files.append(path)
    if doc is None:
        return data
    if not isinstance(doc, dict):
        raise TrainingDataError(f"{path}: not a Rasa NLU file (top level is not a mapping)")
    blocks = doc.get("nlu") or []
    if not isinstance(blocks, list):
        raise TrainingDataError(f"{path}: 'nlu' must be a list")
    for number, block in enumerate(blocks, 1):
        where = f"{path.name} block {number}"
        if not isinstance(block, dict):
            raise TrainingDataError(f"{where}: not a mapping")
        if "intent" in block:
            meta = block.get("metadata") or {}
            if not isinstance(meta, dict):
                raise TrainingDataError(f"{where}: 'metadata' must be a mapping")
            lang = meta.get("lang")
            urgent = bool(meta.get("urgent", False))
            intent = str(block["intent"]).strip()
            for item in _items(block, where):
                text, entities = parse_annotated(item)
                data.examples.append(
                    NluExample(
                        text=text,
                        intent=intent,
                        lang=str(lang) if lang is not None else None,
                        urgent=urgent,
                        entities=entities,
                        source=where,
                    )
                )
        elif "lookup" in block:
            data.lookups.setdefault(str(block["lookup"]), []).extend(_items(block, where))
        elif "synonym" in block:
            data.synonyms.setdefault(str(block["synonym"]), []).extend(_items(block, where))
        # regex blocks and anything else are Rasa-only: ignored here
    return data


def data_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.suffix in {".yml", ".yaml"} and p.is_file())
    if path.is_file():
        return [path]
    raise TrainingDataError(f"{path}: no such file or directory")


def load(path: Path | str) -> NluData:
    """Every example, lookup table and synonym in a split directory or one file."""
    data = NluData()
    for file in data_files(Path(path)):
        load_file(file, data)
    return data


def fingerprint(paths: Iterable[Path]) -> str:
    """A hash of the files' names and contents: changes whenever the data changes."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode("utf-8"))
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()
