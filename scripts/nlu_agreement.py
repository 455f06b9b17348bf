"""How far the annotators of a split agree on location spans, and the engine with each.

    .venv/bin/python scripts/nlu_agreement.py            # the held-out split, with the engine
    .venv/bin/python scripts/nlu_agreement.py --no-engine
    .venv/bin/python scripts/nlu_agreement.py --split train --no-engine

`nlu/data/test` is the held-out split as annotated (and adjudicated by
scripts/nlu_adjudicate.py); `nlu/data/test-annotator2`, `-annotator3` (626 messages) and
`-annotator4`, `-annotator5` (659) hold its first messages annotated again, blind, from
nlu/data/README.md's convention alone (its section "More annotators"). Each pair is scored
on the messages both hold, with the evaluation's own span figures (nlu/evaluate.py), the
first of the pair taken as gold; exact F1 is symmetric.
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
    parser.add_argument("--split", choices=("test", "train", "dev4"), default="test")
    args = parser.parse_args()
    names = sorted(path.name for path in DATA_DIR.glob(f"{args.split}-annotator*"))
    split = load(split_dir(args.split)).examples
    annotations = [(f"nlu/data/{args.split}", split)]
    for name in names:
        examples = load(DATA_DIR / name).examples
        texts = {ex.text for ex in examples}
        # messages added to the split after an annotator worked are not theirs to compare
        if [ex.text for ex in examples] != [ex.text for ex in split if ex.text in texts]:
            raise SystemExit(f"{name} no longer holds the split's messages in order")
        annotations.append((name, examples))
    held = {ex.text for _, examples in annotations[1:] for ex in examples}
    # the split's messages some annotator holds (not those written after they all worked)
    annotations[0] = (annotations[0][0], [ex for ex in split if ex.text in held])
    pairs = [
        (gold_name, *_common(gold, other), other_name)
        for i, (gold_name, gold) in enumerate(annotations)
        for other_name, other in annotations[i + 1 :]
    ]
    if not args.no_engine:
        from nlu.loader import load_engine

        engine = load_engine("embedded")
        parsed = {ex.text: engine.parse(ex.text) for ex in split}
        pairs += [
            (name, gold, [parsed[ex.text] for ex in gold], "embedded engine")
            for name, gold in annotations
        ]
    print("| gold | compared | messages | exact span F1 | token-overlap F1 |")
    print("| --- | --- | --- | --- | --- |")
    for gold_name, gold, results, other_name in pairs:
        if not gold:  # two annotators of different parts of the split
            continue
        report = score(gold, results)
        exact, token = report.location_exact, report.location_token
        print(f"| {gold_name} | {other_name} | {len(gold)} | {exact.f1:.3f} | {token.f1:.3f} |")


def _common(
    gold: Sequence[NluExample], other: Sequence[NluExample]
) -> tuple[list[NluExample], list[ParseResult]]:
    """The messages both annotations hold, in the split's order: gold and the other's spans."""
    theirs = {ex.text: ex for ex in other}
    both = [ex for ex in gold if ex.text in theirs]
    return both, as_results([theirs[ex.text] for ex in both])


if __name__ == "__main__":
    main()
