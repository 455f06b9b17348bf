"""How far the annotators of a split agree on location spans, and the engine with each.

    .venv/bin/python scripts/nlu_agreement.py            # the held-out split, with the engine
    .venv/bin/python scripts/nlu_agreement.py --no-engine
    .venv/bin/python scripts/nlu_agreement.py --split train --no-engine

`nlu/data/test` is the held-out split as annotated (and adjudicated by
scripts/nlu_adjudicate.py); `nlu/data/test-annotator2` and `-annotator3` hold the same
messages annotated again, blind, from nlu/data/README.md's convention alone (its section
"More annotators"). Each pair is scored with the evaluation's own span figures
(nlu/evaluate.py), the first of the pair taken as gold; exact F1 is symmetric.
`nlu/data/train-annotator2` and `-annotator3` do the same for the training split's report
files (not its conversation or writers/ files); the engine has trained on those messages,
so `--split train` is for the annotators.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nlu.evaluate import score  # noqa: E402
from nlu.training_data import DATA_DIR, NluExample, load, split_dir  # noqa: E402
from nlu.types import LocationResult, ParseResult  # noqa: E402


def as_results(examples: Sequence[NluExample]) -> list[ParseResult]:
    """One annotator's spans as if an engine had predicted them."""
    return [
        ParseResult(
            text=ex.text,
            location=LocationResult(text=span.text, start=span.start, end=span.end)
            if (span := next(iter(ex.locations), None))
            else None,
        )
        for ex in examples
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-engine", action="store_true", help="the annotators only")
    parser.add_argument("--split", choices=("test", "train"), default="test")
    args = parser.parse_args()
    names = (f"{args.split}-annotator2", f"{args.split}-annotator3")
    others = [(name, load(DATA_DIR / name).examples) for name in names]
    annotated = {ex.text for ex in others[0][1]}
    # messages added to the split after the annotators worked are not theirs to compare
    split = [ex for ex in load(split_dir(args.split)).examples if ex.text in annotated]
    annotations = [(f"nlu/data/{args.split}", split)]
    for name, examples in others:
        if [ex.text for ex in examples] != [ex.text for ex in split]:
            raise SystemExit(f"{name} no longer holds the held-out split's messages in order")
        annotations.append((name, examples))
    pairs = [
        (gold_name, gold, other_name, as_results(other))
        for i, (gold_name, gold) in enumerate(annotations)
        for other_name, other in annotations[i + 1 :]
    ]
    if not args.no_engine:
        from nlu.loader import load_engine

        engine = load_engine("embedded")
        predicted = [engine.parse(ex.text) for ex in annotations[0][1]]
        pairs += [(name, gold, "embedded engine", predicted) for name, gold in annotations]
    print("| gold | compared | exact span F1 | token-overlap F1 |")
    print("| --- | --- | --- | --- |")
    for gold_name, gold, other_name, results in pairs:
        report = score(gold, results)
        exact, token = report.location_exact, report.location_token
        print(f"| {gold_name} | {other_name} | {exact.f1:.3f} | {token.f1:.3f} |")


if __name__ == "__main__":
    main()
