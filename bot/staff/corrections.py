"""Staff corrections as NLU training data: Rasa 3.x NLU YAML, the format of nlu/data/train.

One intent block per (intent, language, urgency), `metadata.lang` set, `metadata.urgent`
when true; the place the citizen named is annotated `[span](location)` when its words occur
in the message. A report a reviewer marked as "not a report" becomes `not_report`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from nlu.categories import CATEGORY_CODES, LANGUAGES
from storage.models import NluCorrection

NOT_REPORT = "not_report"
HEADER = (
    "# SaferCity NLU data, Rasa 3.x NLU YAML: staff corrections exported by\n"
    "# `safercity nlu export-corrections` (review before adding them to nlu/data/train).\n"
)


@dataclass(frozen=True, slots=True)
class Example:
    intent: str
    lang: str
    urgent: bool
    text: str  # annotated


def _clean(text: str) -> str:
    """One line, no characters that Rasa's inline annotation would misread."""
    text = "".join(ch for ch in " ".join(text.split()) if ch.isprintable())
    return text.replace("[", "(").replace("]", ")").replace("{", "(").replace("}", ")")


def annotate(text: str, location_text: str | None) -> str:
    """The message with the citizen's place phrase marked as a location entity."""
    text = _clean(text)
    if not location_text:
        return text
    span = _clean(location_text).strip()
    if not span:
        return text
    match = re.search(re.escape(span), text, flags=re.IGNORECASE)
    if match is None:
        return text
    return f"{text[: match.start()]}[{match.group(0)}](location){text[match.end() :]}"


def examples(corrections: Iterable[NluCorrection]) -> list[Example]:
    """The latest correction of each distinct message wins; order of first appearance kept."""
    latest: dict[tuple[str, str], Example] = {}
    for correction in corrections:
        text = _clean(correction.text)
        if not text:
            continue
        category = correction.category
        intent = category if category in CATEGORY_CODES else NOT_REPORT
        lang = correction.language if correction.language in LANGUAGES else "en"
        key = (text.casefold(), lang)
        latest.pop(key, None)  # a later correction moves the message to its new block
        latest[key] = Example(
            intent=intent,
            lang=lang,
            urgent=bool(correction.urgent) and intent != NOT_REPORT,
            text=annotate(correction.text, correction.location_text),
        )
    return list(latest.values())


def to_rasa_yaml(corrections: Iterable[NluCorrection]) -> tuple[str, int]:
    """The YAML document and the number of examples in it."""
    blocks: dict[tuple[str, str, bool], list[str]] = {}
    items = examples(corrections)
    for example in items:
        blocks.setdefault((example.intent, example.lang, example.urgent), []).append(example.text)
    lines = [HEADER.rstrip("\n"), 'version: "3.1"', "nlu:" if blocks else "nlu: []"]
    for (intent, lang, urgent), texts in blocks.items():
        lines.append(f"- intent: {intent}")
        lines.append("  metadata:")
        lines.append(f"    lang: {lang}")
        if urgent:
            lines.append("    urgent: true")
        lines.append("  examples: |")
        lines.extend(f"    - {text}" for text in texts)
    return "\n".join(lines) + "\n", len(items)
