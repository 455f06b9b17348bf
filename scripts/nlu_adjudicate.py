"""Majority of three for location spans: where two blind annotators agree and the split differs.

    .venv/bin/python scripts/nlu_adjudicate.py test          # list what would change
    .venv/bin/python scripts/nlu_adjudicate.py test --write  # rewrite nlu/data/test

`nlu/data/<split>-annotator2/` and `nlu/data/<split>-annotator3/` hold the split's messages
annotated again by two annotators who saw them without spans and read only the data README's
convention, CATEGORIES.md and the gazetteer's names (nlu/data/README.md, "More annotators").
A line whose span markup the two give alike, and the split otherwise, takes theirs: two
readers of the written rule against one. Nothing else changes (text, order, intents,
metadata); lines where the two differ keep the split's span. Neither engine, model nor
prediction is read here.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "nlu" / "data"
MARKUP = re.compile(r"\[([^\]]*)\]\(location\)")
EXAMPLE = re.compile(r"^\s+- ")  # an example line (comments may quote spans: left alone)


def plain(line: str) -> str:
    return MARKUP.sub(r"\1", line)


def adjudicate(split: str) -> dict[Path, list[tuple[int, str, str]]]:
    """Per file of the split: (line number, the split's line, the two annotators' line)."""
    changes: dict[Path, list[tuple[int, str, str]]] = {}
    second, third = DATA / f"{split}-annotator2", DATA / f"{split}-annotator3"
    for path in sorted((DATA / split).glob("*.yml")):
        ours = path.read_text(encoding="utf-8").splitlines()
        theirs = [
            (folder / path.name).read_text(encoding="utf-8").splitlines()
            for folder in (second, third)
        ]
        if not all(len(lines) == len(ours) for lines in theirs):
            raise SystemExit(f"{path.name}: the annotators' files do not hold its lines")
        for number, (line, two, three) in enumerate(zip(ours, *theirs, strict=True), 1):
            if not plain(line) == plain(two) == plain(three):
                raise SystemExit(f"{path.name}:{number}: the annotators changed more than spans")
            if EXAMPLE.match(line) and two == three != line:
                changes.setdefault(path, []).append((number, line, two))
    return changes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("split", choices=["test"])
    parser.add_argument("--write", action="store_true", help="rewrite the split's files")
    args = parser.parse_args()
    changes = adjudicate(args.split)
    for path, rows in changes.items():
        for number, before, after in rows:
            print(f"{path.relative_to(ROOT)}:{number}\n  - {before.strip()}\n  + {after.strip()}")
        if args.write:
            lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
            for number, _, after in rows:
                lines[number - 1] = after + "\n"
            path.write_text("".join(lines), encoding="utf-8")
    total = sum(len(rows) for rows in changes.values())
    print(f"{total} lines {'changed' if args.write else 'would change'}", file=sys.stderr)


if __name__ == "__main__":
    main()
