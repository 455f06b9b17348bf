"""Print the NLU data counts as Markdown tables (for nlu/data/README.md).

Usage: .venv/bin/python scripts/nlu_data_stats.py
"""

from __future__ import annotations

from collections import Counter

from nlu.categories import CATEGORY_CODES, CONVERSATION_INTENTS, LANGUAGES
from nlu.training_data import NluData, NluExample, load, split_dir

SPLITS = ("train", "test")


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def table(examples: dict[str, list[NluExample]], intents: tuple[str, ...]) -> list[str]:
    header = ["intent"]
    for split in SPLITS:
        header += [f"{split} {lang}" for lang in LANGUAGES]
        header += [f"{split} total", f"{split} urgent", f"{split} with place"]
    header.append("test share")
    lines = [_row(header), _row(["---"] * len(header))]
    totals: Counter[str] = Counter()
    for intent in (*intents, "TOTAL"):
        cells = [intent if intent != "TOTAL" else "**total**"]
        for split in SPLITS:
            rows = [e for e in examples[split] if intent in ("TOTAL", e.intent)]
            rows = [e for e in rows if e.intent in intents]
            by_lang = Counter(e.lang for e in rows)
            cells += [str(by_lang[lang]) for lang in LANGUAGES]
            cells += [
                str(len(rows)),
                str(sum(e.urgent for e in rows)),
                str(sum(bool(e.locations) for e in rows)),
            ]
            totals[f"{intent}:{split}"] = len(rows)
        all_rows = totals[f"{intent}:train"] + totals[f"{intent}:test"]
        share = totals[f"{intent}:test"] / all_rows if all_rows else 0.0
        cells.append(f"{share:.0%}")
        lines.append(_row(cells))
    return lines


def main() -> None:
    data: dict[str, NluData] = {split: load(split_dir(split)) for split in SPLITS}
    examples = {split: data[split].examples for split in SPLITS}
    print("### Report categories\n")
    print("\n".join(table(examples, CATEGORY_CODES)))
    print("\n### Conversational intents\n")
    print("\n".join(table(examples, CONVERSATION_INTENTS)))
    reports = [e for s in SPLITS for e in examples[s] if e.intent in CATEGORY_CODES]
    langs = Counter(e.lang for e in reports)
    placed = sum(bool(e.locations) for e in reports)
    print("\n### Totals\n")
    print(f"- examples: {sum(len(v) for v in examples.values())} ", end="")
    print(f"(train {len(examples['train'])}, test {len(examples['test'])})")
    shares = ", ".join(f"{lang} {langs[lang] / len(reports):.0%}" for lang in LANGUAGES)
    print(f"- report examples: {len(reports)}; languages: {shares}")
    print(f"- report examples naming a place: {placed / len(reports):.0%}")
    synonyms = sum(len(forms) for forms in data["train"].synonyms.values())
    print(f"- `location` lookup entries: {len(data['train'].lookups['location'])}", end="")
    print(f"; synonym forms: {synonyms}")


if __name__ == "__main__":
    main()
