"""The NLU training/test data: complete, well-formed, split cleanly (nlu/data/README.md)."""

from __future__ import annotations

import csv
import importlib.util
import re
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from nlu.categories import CATEGORY_CODES, CONVERSATION_INTENTS, LANGUAGES
from nlu.training_data import NluExample, load, parse_annotated, split_dir

SPLITS = ("train", "test")
DEV_SPLITS = ("dev4",)

# Categories where someone can be in danger right now (CATEGORIES.md, issue 3).
URGENT_CATEGORIES = (
    "criminal_activity",
    "violence",
    "harassment",
    "human_trafficking",
    "road_safety",
    "stray_animals",
    "other_unsafe",
)
# Words that only attach a place to the sentence: they stay outside the location span.
ATTACHING = {
    "on", "in", "at", "to", "from", "by", "near", "around", "inna", "pan", "eena", "da",
    "nier", "en", "a", "al", "por", "cerca", "del", "de", "junto", "next", "close",
    "along", "beside", "roun", "round", "through", "tru", "outside", "inside", "side",
    "afuera", "fram",
}  # fmt: skip
# ...unless they begin a relation that moves the point ("in front of the school",
# "a dos cuadras del mercado").
RELATIONS = re.compile(
    r"(in front of|in between|a (una|media|dos|tres|\d+) (cuadras?|millas?)"
    r"|a (few|couple of) \w+|a (block|mile)) "
)


@pytest.fixture(scope="module")
def data() -> dict[str, list[NluExample]]:
    return {split: load(split_dir(split)).examples for split in SPLITS}


def norm(text: str) -> str:
    return " ".join(text.casefold().split())


def test_every_intent_is_in_both_splits(data: dict[str, list[NluExample]]) -> None:
    for split in SPLITS:
        intents = {e.intent for e in data[split]}
        assert set(CATEGORY_CODES) | set(CONVERSATION_INTENTS) <= intents, split
        assert intents <= set(CATEGORY_CODES) | set(CONVERSATION_INTENTS), split


def test_volume_and_split_ratio_per_category(data: dict[str, list[NluExample]]) -> None:
    train = Counter(e.intent for e in data["train"])
    test = Counter(e.intent for e in data["test"])
    for code in CATEGORY_CODES:
        assert train[code] >= 60, (code, train[code])
        assert train[code] + test[code] >= 80, code
        assert test[code] / (train[code] + test[code]) >= 0.2, (code, test[code])
    for intent in CONVERSATION_INTENTS:
        assert train[intent] + test[intent] >= 30, (intent, train[intent], test[intent])
        assert test[intent] / (train[intent] + test[intent]) >= 0.2, intent


def test_languages_are_valid_and_cover_every_category(data: dict[str, list[NluExample]]) -> None:
    for split in SPLITS:
        assert {e.lang for e in data[split]} <= set(LANGUAGES), split
        seen = {(e.intent, e.lang) for e in data[split]}
        for code in CATEGORY_CODES:
            for lang in LANGUAGES:
                assert (code, lang) in seen, (split, code, lang)
        reports = [e for e in data[split] if e.intent in CATEGORY_CODES]
        shares = Counter(e.lang for e in reports)
        for lang in LANGUAGES:
            assert shares[lang] / len(reports) >= 0.2, (split, lang, shares)


def test_no_example_is_in_both_splits_or_twice_in_one(data: dict[str, list[NluExample]]) -> None:
    for split in SPLITS:
        counts = Counter(norm(e.text) for e in data[split])
        assert [t for t, n in counts.items() if n > 1] == [], split
    overlap = {norm(e.text) for e in data["train"]} & {norm(e.text) for e in data["test"]}
    assert overlap == set()


@pytest.mark.parametrize("dev_split", DEV_SPLITS)
def test_the_dev_splits_are_apart_and_follow_the_convention(
    data: dict[str, list[NluExample]], dev_split: str
) -> None:
    dev = load(split_dir(dev_split)).examples
    assert len(dev) >= 200
    others = [s for s in DEV_SPLITS if s != dev_split]
    seen = {norm(e.text) for split in SPLITS for e in data[split]}
    seen |= {norm(e.text) for other in others for e in load(split_dir(other)).examples}
    assert {norm(e.text) for e in dev} & seen == set()
    for e in dev:
        assert e.intent in CATEGORY_CODES and e.lang in LANGUAGES, e.text
        assert len(e.locations) <= 1, e.text
        for span in e.locations:
            first = span.text.split()[0].casefold()
            assert first not in ATTACHING or RELATIONS.match(span.text.casefold()), e.text


def _word_distance(a: list[str], b: list[str]) -> int:
    previous = list(range(len(b) + 1))
    for i, word in enumerate(a, 1):
        current = [i]
        for j, other in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (word != other))
            )
        previous = current
    return previous[-1]


def test_test_split_is_not_a_one_word_paraphrase_of_training(
    data: dict[str, list[NluExample]],
) -> None:
    train: dict[str, list[list[str]]] = {}
    for e in data["train"]:
        train.setdefault(e.intent, []).append(norm(e.text).split())
    close = []
    for example in data["test"]:
        words = norm(example.text).split()
        if len(words) < 4:
            # short ones: no training example of the intent holds all of their words
            close += [
                (example.text, " ".join(other))
                for other in train[example.intent]
                if len(other) <= 4 and set(words) <= set(other)
            ]
            continue
        for other in train[example.intent]:
            if abs(len(other) - len(words)) <= 1 and _word_distance(words, other) <= 1:
                close.append((example.text, " ".join(other)))
    assert close == []


def test_location_annotations_follow_the_convention(data: dict[str, list[NluExample]]) -> None:
    for split in SPLITS:
        for e in data[split]:
            assert all(s.entity == "location" for s in e.entities), e.text
            assert len(e.entities) <= 1, e.text  # one place phrase per message
            for span in e.entities:
                assert e.text[span.start : span.end] == span.text
                first = span.text.split()[0].casefold()
                relation = RELATIONS.match(span.text.casefold()) is not None
                assert first not in ATTACHING or relation, e.text
                assert not re.search(r"[.,!?]$", span.text), e.text
                # "my house", "mi yaad": only a friend could find it, so it is no place span.
                assert not re.search(r"\b(my|mi|our|wi)\b", span.text.casefold()), e.text


def test_reports_name_a_place_about_sixty_percent_of_the_time(
    data: dict[str, list[NluExample]],
) -> None:
    for split in SPLITS:
        reports = [e for e in data[split] if e.intent in CATEGORY_CODES]
        share = sum(1 for e in reports if e.locations) / len(reports)
        assert 0.45 <= share <= 0.75, (split, share)


def test_urgent_examples_where_urgency_applies(data: dict[str, list[NluExample]]) -> None:
    for split in SPLITS:
        urgent = Counter(e.intent for e in data[split] if e.urgent)
        for code in URGENT_CATEGORIES:
            assert urgent[code] >= 2, (split, code)
        assert not any(e.urgent for e in data[split] if e.intent in CONVERSATION_INTENTS)


def well_formed(raw: str) -> bool:
    text, spans = parse_annotated(raw)
    leftover = re.search(r"[\[\]{}]|\(location\)", text)
    return leftover is None and all(s.text == s.text.strip() != "" for s in spans)


@pytest.mark.parametrize(
    ("raw", "ok"),
    [
        ("lite out [backa di market](location)", True),
        ("lite out [backa di market(location)", False),
        ("lite out backa di market](location)", False),
        ("lite out [backa di market] (location)", False),
        ("lite out [ backa di market](location)", False),
    ],
)
def test_the_annotation_check_catches_malformed_spans(raw: str, ok: bool) -> None:
    assert well_formed(raw) is ok


def test_every_example_is_well_formed() -> None:
    bad = []
    for split in SPLITS:
        for path in sorted(split_dir(split).glob("*.yml")):
            for line in path.read_text(encoding="utf-8").splitlines():
                stripped = line.strip()
                if stripped.startswith("- ") and not well_formed(stripped[2:]):
                    bad.append((path.name, stripped))
    assert bad == []


def test_annotation_parses_to_plain_text_and_offsets() -> None:
    text, spans = parse_annotated("di lite pos [backa di market](location) noh di wok")
    assert text == "di lite pos backa di market noh di wok"
    assert [(s.start, s.end, s.text) for s in spans] == [(12, 27, "backa di market")]


def test_places_lookup_covers_the_gazetteer_and_synonyms_are_consistent() -> None:
    train = load(split_dir("train"))
    lookup = {norm(x) for x in train.lookups["location"]}
    points = resources.files("nlu.places") / "data" / "belmopan_reference_points.csv"
    with points.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        forms = {norm(row["name"]), *(norm(a) for a in row["aliases"].split(";") if a)}
        assert forms & lookup, row["name"]
    synonyms = {
        norm(form): canonical for canonical, forms in train.synonyms.items() for form in forms
    }
    assert synonyms["camelote"] == "Camalote"
    assert synonyms["wrh"] == "Western Regional Hospital"
    names = {row["name"] for row in rows}
    # A synonym that maps onto a Belmopan place uses the gazetteer's exact name.
    for form, canonical in synonyms.items():
        for name in names:
            if norm(name) == norm(canonical):
                assert canonical == name, form
    assert not load(split_dir("test")).lookups  # place knowledge lives in training only


def test_every_synonym_resolves_in_the_gazetteer() -> None:
    from nlu.places import get_gazetteer

    gazetteer = get_gazetteer()
    roads = {"George Price Highway", "Hummingbird Highway", "Coastal Road"}
    roads |= {"Philip Goldson Highway", "Southern Highway", "Cemetery Road"}
    unresolved = [
        canonical
        for canonical in load(split_dir("train")).synonyms
        if canonical not in roads and gazetteer.resolve(canonical) is None
    ]
    assert unresolved == []


def _script(name: str) -> Any:
    """A module of scripts/, loaded from its file (scripts/ is not a package)."""
    path = Path(__file__).resolve().parents[2] / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_places_yml_is_regenerated_from_the_current_gazetteer() -> None:
    module = _script("nlu_places_yml")
    expected = module.render(*module.build())
    actual = module.OUT.read_text(encoding="utf-8")
    assert actual == expected, "run: .venv/bin/python scripts/nlu_places_yml.py"


@pytest.mark.parametrize(
    ("split", "annotator", "messages", "places"),
    [
        # the 626 messages the held-out split held when they were annotated
        ("test", "test-annotator2", 626, 250),
        ("test", "test-annotator3", 626, 250),
        # its first 659 (those 626 and 33 Kriol), again on 2026-12-06 by a later pair
        ("test", "test-annotator4", 659, 250),
        ("test", "test-annotator5", 659, 250),
        # the training split's eleven report files as they were on 2026-12-04 (not writers/)
        ("train", "train-annotator2", 1850, 800),
        ("train", "train-annotator3", 1850, 800),
        # the eleven report files and writers 1-3's, again on 2026-12-06 by a later pair
        ("train", "train-annotator4", 2704, 1300),
        ("train", "train-annotator5", 2704, 1300),
        # the lines naming a landmark with its place, picked from the text on 2026-12-06
        ("train", "train-annotator6", 399, 390),
        ("train", "train-annotator7", 399, 390),
        ("test", "test-annotator6", 103, 100),
        ("test", "test-annotator7", 103, 100),
        ("dev4", "dev4-annotator6", 53, 50),
        ("dev4", "dev4-annotator7", 53, 50),
    ],
)
def test_the_other_annotations_hold_the_split_s_messages(
    data: dict[str, list[NluExample]], split: str, annotator: str, messages: int, places: int
) -> None:
    other = load(split_dir(annotator)).examples
    texts = {e.text for e in other}
    examples = data[split] if split in data else load(split_dir(split)).examples
    annotated = [e for e in examples if e.text in texts]
    assert len(other) == len(annotated) == messages
    assert [e.text for e in other] == [e.text for e in annotated]  # in the split's order
    assert [e.intent for e in other] == [e.intent for e in annotated]
    assert set(CATEGORY_CODES) <= {e.intent for e in other}
    assert all(len(e.locations) <= 1 for e in other)
    assert sum(1 for e in other if e.locations) >= places


@pytest.mark.parametrize("split", ["test", "train", "dev4"])
@pytest.mark.parametrize("pair", [(2, 3), (4, 5), (6, 7)])
def test_where_two_blind_annotators_agree_the_split_agrees_with_them(
    split: str, pair: tuple[int, int]
) -> None:
    # the majority of three (scripts/nlu_adjudicate.py): a span two readers of the written
    # convention give alike is the split's span; undoing one fails here. A later pair (who
    # read the convention as it was written later) wins where it agrees; an earlier pair
    # only where no later one agrees
    assert _script("nlu_adjudicate").adjudicate(split, pair) == {}


@pytest.mark.parametrize("split", ["train", "test", "dev4"])
def test_the_sixth_and_seventh_annotators_hold_exactly_the_lines_the_pick_selects(
    split: str,
) -> None:
    # scripts/nlu_adjudicate.py --blank DIR --select picked their lines from the text alone;
    # the pick must still give the same lines, or the procedure could not be run again
    pick = _script("nlu_adjudicate").names_landmark_with_place
    reports = [e for e in load(split_dir(split)).examples if e.intent in CATEGORY_CODES]
    picked = [e.text for e in reports if pick(e.text)]
    for number in (6, 7):
        assert [e.text for e in load(split_dir(f"{split}-annotator{number}")).examples] == picked
