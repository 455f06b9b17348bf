"""Scores an NLU engine on labelled Rasa YAML data (`safercity nlu evaluate`).

Labels: a report example's label is its category; a conversational example's label is
`none` for the category metrics (the engine must give no category) and its intent for the
intent accuracy. Figures:
- per-category precision, recall and F1, macro-F1 over the report categories;
- accuracy per language (the `category` field right: the code, or null for non-reports);
- intent accuracy (conversational intents included), language identification accuracy;
- urgency precision and recall;
- location span F1: exact (the predicted span equals an annotated one, character for
  character) and token-overlap (micro precision/recall over the words inside spans);
- expected calibration error of the confidence (10 equal-width bins);
- a confusion matrix (rows gold, columns predicted).
"""

from __future__ import annotations

import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from nlu.categories import CATEGORY_CODES, LANGUAGES
from nlu.engine import NluEngine
from nlu.training_data import NluExample
from nlu.types import ParseResult

NONE = "none"
_TOKEN = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Prf:
    precision: float
    recall: float
    f1: float
    support: int

    def to_json(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "support": self.support,
        }


def prf(tp: int, fp: int, fn: int) -> Prf:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Prf(precision, recall, f1, tp + fn)


@dataclass(slots=True)
class Report:
    engine: str
    examples: int
    per_category: dict[str, Prf]
    macro_f1: float
    accuracy: float
    accuracy_by_language: dict[str, float]
    intent_accuracy: float
    language_accuracy: float
    urgency: Prf
    location_exact: Prf
    location_token: Prf
    ece: float
    confusion: dict[str, dict[str, int]]
    labels: list[str]
    seconds: float
    errors: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "examples": self.examples,
            "macro_f1": round(self.macro_f1, 4),
            "accuracy": round(self.accuracy, 4),
            "accuracy_by_language": {k: round(v, 4) for k, v in self.accuracy_by_language.items()},
            "intent_accuracy": round(self.intent_accuracy, 4),
            "language_accuracy": round(self.language_accuracy, 4),
            "urgency": self.urgency.to_json(),
            "location_span_exact": self.location_exact.to_json(),
            "location_span_token": self.location_token.to_json(),
            "expected_calibration_error": round(self.ece, 4),
            "per_category": {k: v.to_json() for k, v in self.per_category.items()},
            "confusion": self.confusion,
            "seconds": round(self.seconds, 2),
        }

    def to_markdown(self) -> str:
        lines = [
            f"### Engine `{self.engine}`: {self.examples} examples",
            "",
            "| measure | value |",
            "| --- | --- |",
            f"| macro-F1 (report categories) | {self.macro_f1:.3f} |",
            f"| accuracy (category or none) | {self.accuracy:.3f} |",
        ]
        for lang, acc in self.accuracy_by_language.items():
            lines.append(f"| accuracy, `{lang}` | {acc:.3f} |")
        lines += [
            f"| intent accuracy (with conversational intents) | {self.intent_accuracy:.3f} |",
            f"| language identification accuracy | {self.language_accuracy:.3f} |",
            f"| urgency recall | {self.urgency.recall:.3f} ({self.urgency.support} urgent) |",
            f"| urgency precision | {self.urgency.precision:.3f} |",
            f"| location span F1, exact | {self.location_exact.f1:.3f} "
            f"(P {self.location_exact.precision:.3f}, R {self.location_exact.recall:.3f}) |",
            f"| location span F1, token overlap | {self.location_token.f1:.3f} "
            f"(P {self.location_token.precision:.3f}, R {self.location_token.recall:.3f}) |",
            f"| expected calibration error | {self.ece:.3f} |",
            "",
            "| category | precision | recall | F1 | support |",
            "| --- | --- | --- | --- | --- |",
        ]
        for code, m in self.per_category.items():
            lines.append(
                f"| {code} | {m.precision:.3f} | {m.recall:.3f} | {m.f1:.3f} | {m.support} |"
            )
        short = {label: _abbrev(label) for label in self.labels}
        lines += [
            "",
            "Confusion matrix (rows: gold, columns: predicted; "
            + ", ".join(f"{v} = {k}" for k, v in short.items())
            + ")",
            "",
            "| gold \\ predicted | " + " | ".join(short[label] for label in self.labels) + " |",
            "| --- |" + " --- |" * len(self.labels),
        ]
        for gold in self.labels:
            row = self.confusion.get(gold, {})
            cells = [str(row.get(pred, 0)) or "0" for pred in self.labels]
            lines.append(f"| {short[gold]} | " + " | ".join(cells) + " |")
        return "\n".join(lines) + "\n"


def _abbrev(label: str) -> str:
    return "".join(part[0] for part in label.split("_")).upper() if "_" in label else label[:4]


def gold_label(example: NluExample) -> str:
    return example.intent if example.intent in CATEGORY_CODES else NONE


def _tokens(text: str, start: int, end: int) -> set[int]:
    return {m.start() for m in _TOKEN.finditer(text) if m.start() >= start and m.end() <= end}


def _span_tokens(text: str, spans: set[tuple[int, int]]) -> set[int]:
    out: set[int] = set()
    for start, end in spans:
        out |= _tokens(text, start, end)
    return out


def expected_calibration_error(confidence: Sequence[float], correct: Sequence[bool]) -> float:
    """ECE over 10 equal-width confidence bins."""
    if not confidence:
        return 0.0
    bins: dict[int, list[tuple[float, bool]]] = defaultdict(list)
    for conf, ok in zip(confidence, correct, strict=True):
        bins[min(int(conf * 10), 9)].append((conf, ok))
    total = len(confidence)
    ece = 0.0
    for items in bins.values():
        mean_conf = sum(c for c, _ in items) / len(items)
        acc = sum(1 for _, ok in items if ok) / len(items)
        ece += len(items) / total * abs(acc - mean_conf)
    return ece


def score(
    examples: Sequence[NluExample],
    results: Sequence[ParseResult],
    engine: str = "",
    seconds: float = 0.0,
) -> Report:
    """The evaluation figures of `results` (one per example, in order)."""
    labels = [*CATEGORY_CODES, NONE]
    confusion: dict[str, Counter[str]] = {label: Counter() for label in labels}
    per_lang_total: Counter[str] = Counter()
    per_lang_right: Counter[str] = Counter()
    right = intent_right = lang_right = lang_total = 0
    u_tp = u_fp = u_fn = 0
    e_tp = e_fp = e_fn = 0
    t_tp = t_fp = t_fn = 0
    confidences: list[float] = []
    correct: list[bool] = []
    errors: list[dict[str, Any]] = []
    for ex, res in zip(examples, results, strict=True):
        gold = gold_label(ex)
        pred = res.category if res.category in CATEGORY_CODES else NONE
        confusion[gold][pred] += 1
        ok = gold == pred
        right += ok
        lang = ex.lang or "unknown"
        per_lang_total[lang] += 1
        per_lang_right[lang] += ok
        predicted_intent = res.category or res.intent or NONE
        intent_right += predicted_intent == ex.intent
        confidences.append(res.confidence if res.category else res.intent_confidence)
        correct.append(predicted_intent == ex.intent)
        if ex.lang in LANGUAGES:
            lang_total += 1
            lang_right += res.language == ex.lang
        u_tp += ex.urgent and res.urgent
        u_fp += res.urgent and not ex.urgent
        u_fn += ex.urgent and not res.urgent
        gold_spans = {(s.start, s.end) for s in ex.locations}
        loc = res.location
        pred_spans: set[tuple[int, int]] = set()
        if loc is not None and loc.start is not None and loc.end is not None:
            pred_spans.add((loc.start, loc.end))
        e_tp += len(gold_spans & pred_spans)
        e_fp += len(pred_spans - gold_spans)
        e_fn += len(gold_spans - pred_spans)
        gold_tok = (
            set().union(*(_tokens(ex.text, s, e) for s, e in gold_spans)) if gold_spans else set()
        )
        pred_tok = (
            set().union(*(_tokens(ex.text, s, e) for s, e in pred_spans)) if pred_spans else set()
        )
        t_tp += len(gold_tok & pred_tok)
        t_fp += len(pred_tok - gold_tok)
        t_fn += len(gold_tok - pred_tok)
        if not ok or gold_spans != pred_spans or ex.urgent != res.urgent:
            errors.append(
                {
                    "text": ex.text,
                    "gold": gold,
                    "predicted": pred,
                    "urgent": [ex.urgent, res.urgent],
                    "gold_location": [ex.text[s:e] for s, e in sorted(gold_spans)],
                    "location": loc.text if loc else None,
                }
            )
    per_category = {}
    for code in CATEGORY_CODES:
        tp = confusion[code][code]
        fp = sum(confusion[g][code] for g in labels if g != code)
        fn = sum(n for p, n in confusion[code].items() if p != code)
        per_category[code] = prf(tp, fp, fn)
    present = [m for m in per_category.values() if m.support]
    n = len(examples)
    return Report(
        engine=engine,
        examples=n,
        per_category=per_category,
        macro_f1=sum(m.f1 for m in present) / len(present) if present else 0.0,
        accuracy=right / n if n else 0.0,
        accuracy_by_language={
            lang: per_lang_right[lang] / per_lang_total[lang] for lang in sorted(per_lang_total)
        },
        intent_accuracy=intent_right / n if n else 0.0,
        language_accuracy=lang_right / lang_total if lang_total else 0.0,
        urgency=prf(u_tp, u_fp, u_fn),
        location_exact=prf(e_tp, e_fp, e_fn),
        location_token=prf(t_tp, t_fp, t_fn),
        ece=expected_calibration_error(confidences, correct),
        confusion={g: {p: c for p, c in row.items() if c} for g, row in confusion.items()},
        labels=labels,
        seconds=seconds,
        errors=errors,
    )


def evaluate(engine: NluEngine, examples: Iterable[NluExample]) -> Report:
    items = list(examples)
    started = time.perf_counter()
    results = [engine.parse(ex.text) for ex in items]
    return score(items, results, engine=engine.name, seconds=time.perf_counter() - started)
