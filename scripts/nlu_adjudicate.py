"""Majority of three for location spans: where two blind annotators agree and the split differs.

    .venv/bin/python scripts/nlu_adjudicate.py test          # list what would change
    .venv/bin/python scripts/nlu_adjudicate.py test --write  # rewrite nlu/data/test
    .venv/bin/python scripts/nlu_adjudicate.py train --write # the same for the training split
    .venv/bin/python scripts/nlu_adjudicate.py test --pair 4 5 --write  # a later pair
    .venv/bin/python scripts/nlu_adjudicate.py test --blank DIR  # the files for new annotators
    .venv/bin/python scripts/nlu_adjudicate.py dev4 --blank DIR --select  # only the lines
        # naming a landmark with its place, not after a preposition (pair 6 7)

`nlu/data/<split>-annotator2/` and `nlu/data/<split>-annotator3/` hold the split's messages
annotated again by two annotators who saw them without spans and read only the data README's
convention, CATEGORIES.md and the gazetteer's names (nlu/data/README.md, "More annotators").
A file of the split that neither annotator of the pair holds is left alone (the training
split's conversation.yml and places.yml hold no report spans; its writers/ files came after
the first pair, and only writers 1-3 went to the second).
A line whose span markup the two give alike, and the split otherwise, takes theirs: two
readers of the written rule against one. Nothing else changes (text, order, intents,
metadata); lines where the two differ keep the split's span, and so do messages added after
they annotated. Neither engine, model nor prediction is read here.

`--pair 4 5` adjudicates with `<split>-annotator4/` and `-annotator5/`, a pair who read the
convention as it was written later (nlu/data/README.md, "More annotators"); where the later
pair agrees, its reading is the split's, also over the earlier pair's. `--blank DIR` writes
the split's files with every span's markup taken out, for a new annotator; with `--select`,
only the report lines `names_landmark_with_place` picks from the text alone (no span, model or
prediction read), which `--pair 6 7` adjudicates (nlu/data/README.md, "The sixth and seventh
annotators"); the pair's agreement wins over every earlier pair's.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nlu.training_data import DATA_DIR as DATA  # noqa: E402
from nlu.training_data import parse_annotated  # noqa: E402

EXAMPLE = re.compile(r"^\s+- ")  # an example line (comments may quote spans: left alone)
BLOCK = re.compile(r"^- intent: ")
WORD = re.compile(r"[\w'’]+")

# What may open the landmark's phrase, link it to its place, or put the phrase after a
# preposition (the scene of something else, which the earlier convention already settled).
_OPENERS = frozenset(
    {"the", "di", "de", "da", "dat", "that", "this", "dis", "el", "la", "los", "las", "ese",
     "esa", "este", "esta", "aquel", "aquella", "dem", "dehn", "those", "these", "our", "wi",
     "we", "ah"}
)  # fmt: skip
_LINKS = frozenset(
    {"in", "inna", "eena", "ina", "at", "on", "pan", "en", "de", "del", "by", "for", "a", "da",
     "of", "near", "pas", "past"}
)  # fmt: skip
_BEFORE_A_SCENE = _LINKS | frozenset(
    {"to", "from", "fram", "behind", "outside", "inside", "around", "roun", "side", "into",
     "frente", "cerca", "junto", "detras", "atras", "with", "wid", "con", "sobre", "under",
     "over", "across", "between", "beside", "tu", "al", "backa", "front"}
)  # fmt: skip


def plain(line: str) -> str:
    """The line without its span markup (the loader's own reading of it)."""
    return parse_annotated(line)[0]


def _examples(path: Path) -> dict[str, str]:
    """An annotator's example lines, keyed by their text without markup."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return {plain(line): line for line in lines if EXAMPLE.match(line)}


Changes = dict[Path, list[tuple[int, str, str]]]


# Every pair of annotators, earliest first: a later pair read the convention as it was
# written later, so where it agrees its reading stands over an earlier pair's.
PAIRS = ((2, 3), (4, 5), (6, 7))


def _pair_lines(
    split: str, pair: tuple[int, int], name: Path
) -> tuple[dict[str, str], dict[str, str]] | None:
    """The two annotators' example lines for one file of the split, each keyed by text;
    None when neither holds the file."""
    files = [DATA / f"{split}-annotator{number}" / name for number in pair]
    if not any(path.exists() for path in files):
        return None
    two, three = (_examples(path) for path in files)
    if two.keys() != three.keys():
        raise SystemExit(f"{split} {name}: annotators {pair} hold different messages")
    return two, three


def _agreeing(lines: tuple[dict[str, str], dict[str, str]] | None) -> dict[str, str]:
    """The lines, by text, that both annotators of a pair mark alike."""
    if lines is None:
        return {}
    two, three = lines
    return {key: line for key, line in two.items() if three[key] == line}


def adjudicate(split: str, pair: tuple[int, int] = (2, 3)) -> Changes:
    """Per file of the split: (line number, the split's line, the two annotators' line).

    Lines are matched by their text: messages added to the split after the annotators worked
    (and so not in their files) keep their spans, and so do lines a later pair agrees on."""
    changes: Changes = {}
    later = [other for other in PAIRS if other > pair]
    for path in sorted((DATA / split).rglob("*.yml")):
        name = path.relative_to(DATA / split)  # writers/ files sit in a writers/ of theirs
        lines = _pair_lines(split, pair, name)
        if lines is None:
            continue
        held = lines[0].keys()
        agreed = _agreeing(lines)
        settled = set().union(*(_agreeing(_pair_lines(split, o, name)).keys() for o in later))
        ours = path.read_text(encoding="utf-8").splitlines()
        found = 0
        for number, line in enumerate(ours, 1):
            key = plain(line)
            if not EXAMPLE.match(line) or key not in held:
                continue
            found += 1
            if key in agreed and agreed[key] != line and key not in settled:
                changes.setdefault(path, []).append((number, line, agreed[key]))
        if found != len(held):
            raise SystemExit(f"{name}: the annotators hold messages the split does not")
    return changes


def names_landmark_with_place(text: str) -> bool:
    """True where a phrase that may be a landmark is linked to a known place and does not
    follow a preposition: "the old school in camalote is falling down", "cut the park in las
    flores", "old hotel in corozal falling apart". Over-inclusive by design: the annotators
    read each line whole. Reads the text and the gazetteer only."""
    from nlu.places import get_gazetteer

    # Split as when the pick was made (2026-12-06): the gazetteer's own tokens
    # (`gazetteer.normalise`) differ after an accent in one held-out line, and would change it.
    words = [w.lower() for w in WORD.findall(text)]
    for mention in get_gazetteer().mentions(text):
        if all(place.outside for place in mention.places):
            continue
        i = mention.first
        if i >= 1 and words[i - 1] in _LINKS:
            link = i - 1
        elif i >= 2 and words[i - 1] in _OPENERS and words[i - 2] in _LINKS:
            link = i - 2
        else:
            continue
        if 1 <= link <= 4 and not any(w in _BEFORE_A_SCENE for w in words[:link]):
            return True  # the message opens with the phrase
        for back in range(2, 6):
            opener = link - back
            if opener >= 0 and words[opener] in _OPENERS:
                return not (opener >= 1 and words[opener - 1] in _BEFORE_A_SCENE)
    return False


def _selected_blocks(lines: list[str]) -> list[str]:
    """The file's header and each intent block with only its selected example lines (a
    block with none is left out)."""
    kept: list[str] = []
    block: list[str] = []
    chosen = 0
    header = True
    for line in [*lines, "- intent: (end)"]:
        if BLOCK.match(line):
            if chosen or header:
                kept.extend(block)
            block, chosen, header = [line], 0, False
            continue
        if EXAMPLE.match(line):
            if not names_landmark_with_place(plain(line)):
                continue
            chosen += 1
        block.append(line)
    return kept


def blank(split: str, out: Path, *, select: bool = False) -> int:
    """Write the split's files without span markup into `out`; the number of messages.

    Only example lines change: an annotator gets the same files, blocks, metadata and order
    (`writers/` files in a `writers/` of their own). With `select`, only the report lines
    that name a landmark with its place (conversation.yml and places.yml hold none)."""
    messages = 0
    for path in sorted((DATA / split).rglob("*.yml")):
        lines = path.read_text(encoding="utf-8").splitlines()
        if select:
            if path.name in {"conversation.yml", "places.yml"}:
                continue
            lines = _selected_blocks(lines)
            if not any(EXAMPLE.match(line) for line in lines):
                continue
        bare = []
        for line in lines:
            if EXAMPLE.match(line):
                messages += 1
                line = plain(line)
            bare.append(line)
        target = out / path.relative_to(DATA / split)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("\n".join(bare) + "\n", encoding="utf-8")
    return messages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("split", choices=["test", "train", "dev4"])
    parser.add_argument("--write", action="store_true", help="rewrite the split's files")
    parser.add_argument("--pair", nargs=2, type=int, default=(2, 3), metavar="N")
    parser.add_argument("--blank", type=Path, metavar="DIR", help="write files for annotators")
    parser.add_argument("--select", action="store_true", help="with --blank: the pair 6 7 lines")
    args = parser.parse_args()
    if args.blank:
        count = blank(args.split, args.blank, select=args.select)
        print(f"{count} messages without spans in {args.blank}", file=sys.stderr)
        return
    changes = adjudicate(args.split, tuple(args.pair))
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
