"""How people place something relative to a named place, in English, Kriol and Spanish.

Each phrase maps to a relation code and the extra uncertainty it adds to the named place's own
radius: "next to" a landmark is within about 100 m of it, "near" within about 300 m. Phrases are
written as folded tokens (lower case, no accents, no apostrophes).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from typing import Protocol, TypeVar


class _Span(Protocol):
    @property
    def first(self) -> int: ...

    @property
    def last(self) -> int: ...


NEAR_M = 300.0
NEXT_TO_M = 100.0
BEHIND_M = 150.0
FRONT_M = 100.0
ACROSS_M = 150.0

_PHRASES: dict[str, tuple[str, float]] = {}


def _add(code: str, extra_m: float, *phrases: str) -> None:
    for phrase in phrases:
        _PHRASES[phrase] = (code, extra_m)
        if phrase.endswith(" de"):  # Spanish "de" + "el" = "del"
            _PHRASES[phrase + "l"] = (code, extra_m)


_add(
    "near",
    NEAR_M,
    # English
    "near",
    "near to",
    "nearby",
    "near by",
    "close to",
    "close by",
    "by",
    "around",
    "round",
    "somewhere near",
    "somewhere around",
    "not far from",
    "in the area of",
    "down by",
    "up by",
    "over by",
    "down the road from",
    "up the road from",
    "down the street from",
    "up the street from",
    "a block from",
    "one block from",
    "a block away from",
    "past",
    "just past",
    "just after",
    "right after",
    # Kriol
    "roun",
    "roun by",
    "ova by",
    "ovah by",
    "ova",
    "dung by",
    "op by",
    "nier",
    "nyaa",
    "neer",
    "close",
    "kloas to",
    # Spanish
    "cerca de",
    "cerca del",
    "cerca",
    "por",
    "por el",
    "por la",
    "alrededor de",
    "alrededor del",
    "a una cuadra de",
    "pasando",
    "despues de",
    "dong di road fram",
    "dong di street fram",
    "op di road fram",
    "up di road fram",
    "down di road fram",
    "pass",
    "jos pass",
    "a un lado de",
    "no lejos de",
)
_add(
    "next_to",
    NEXT_TO_M,
    "next to",
    "right next to",
    "beside",
    "besides",
    "right by",
    "side of",
    "by the side of",
    "nex to",
    "side",
    "rait side",
    "rait by",
    "rait nex to",
    "kaana a",
    "corna a",
    "corner of",
    "at the corner of",
    "esquina de",
    "nex",
    "side a",
    "saida",
    "al lado de",
    "al lado del",
    "junto a",
    "junto al",
    "pegado a",
    "pegado al",
    "a la par de",
    "a la par del",
)
_add(
    "behind",
    BEHIND_M,
    "behind",
    "back of",
    "in back of",
    "round the back of",
    "backa",
    "back a",
    "bak a",
    "baka",
    "behin",
    "atras de",
    "atras del",
    "detras de",
    "detras del",
    "por detras de",
)
_add(
    "in_front_of",
    FRONT_M,
    "in front of",
    "infront of",
    "front of",
    "in fronta",
    "front a",
    "rait front a",
    "eena front a",
    "inna front a",
    "in front a",
    "fronta",
    "fronta di",
    "frente a",
    "frente al",
    "frente de",
    "frente del",
    "enfrente de",
    "enfrente del",
    "en frente de",
    "en frente del",
)
_add(
    "across_from",
    ACROSS_M,
    "across from",
    "across the street from",
    "across the road from",
    "opposite",
    "opposite to",
    "opposite of",
    "cross fram",
    "cross from",
    "across fram",
    "crass fram",
    "kraas fram",
    "cross di street fram",
    "cross di road fram",
    "al otro lado de",
    "al cruzar",
    "cruzando",
)
_add("on", 0.0, "on", "pan", "along", "alang", "up", "down", "en la calle", "sobre")
_add(
    "at",
    0.0,
    "in",
    "at",
    "inna",
    "ina",
    "eena",
    "een",
    "iina",
    "da",
    "en",
    "inside",
    "within",
)

_ARTICLES = frozenset({"the", "di", "de", "el", "la", "los", "las", "a", "da", "dat", "that"})
_CONJUNCTIONS = frozenset({"and", "an", "y", "e", "with", "n", "nd", "&"})
_CORNER_BEFORE = {
    ("corner",),
    ("corner", "of"),
    ("kaana",),
    ("kaana", "a"),
    ("kaana", "of"),
    ("corna",),
    ("corna", "a"),
    ("corna", "of"),
    ("esquina",),
    ("esquina", "de"),
    ("junction", "of"),
    ("junction",),
    ("intersection", "of"),
    ("intersection",),
    ("crossing", "of"),
    ("where",),
}
_CORNER_AFTER = {
    ("corner",),
    ("kaana",),
    ("corna",),
    ("esquina",),
    ("junction",),
    ("intersection",),
    ("crossing",),
    ("meet",),
    ("cross",),
}
_BETWEEN_BEFORE = {
    ("between",),
    ("in", "between"),
    ("betwiin",),
    ("bitwiin",),
    ("betwen",),
    ("inbetween",),
    ("entre",),
    ("en", "medio", "de"),
    ("midway", "between"),
}
# "two doors from", "3 houses down from", "a few doors from"
_DOORS = re.compile(
    r"^(?:(\d+|one|two|three|four|five|six|wan|tu|tree|fo|faiv|a couple|couple|a few|few|"
    r"some|dos|tres|cuatro|cinco|unas|unos)\s+)?(?:doors?|houses?|lots?|casas?|yaads?|yards?)"
    r"(?:\s+(?:down|up|away))?\s+(?:from|fram|of|de|del|to)$"
)
_NUMBER_WORDS = {
    "one": 1,
    "wan": 1,
    "two": 2,
    "tu": 2,
    "dos": 2,
    "three": 3,
    "tree": 3,
    "tres": 3,
    "four": 4,
    "fo": 4,
    "cuatro": 4,
    "five": 5,
    "faiv": 5,
    "cinco": 5,
    "six": 6,
}

# Words that are never (the start of) a fuzzy place name.
_STOPWORDS = frozenset(
    {
        # English
        "the",
        "and",
        "near",
        "behind",
        "front",
        "across",
        "corner",
        "between",
        "there",
        "their",
        "where",
        "which",
        "street",
        "house",
        "people",
        "please",
        "thanks",
        "thank",
        "about",
        "again",
        "every",
        "night",
        "light",
        "lights",
        "water",
        "garbage",
        "broken",
        "since",
        "today",
        "yesterday",
        "morning",
        "evening",
        "somebody",
        "someone",
        "police",
        "station",
        "school",
        "schools",
        "hospital",
        "market",
        "right",
        "left",
        "block",
        "close",
        "after",
        "before",
        "under",
        "other",
        "still",
        "being",
        "would",
        "could",
        "should",
        "these",
        "those",
        "three",
        "seven",
        "report",
        "problem",
        "village",
        "town",
        "city",
        "district",
        "place",
        "road",
        "drive",
        "avenue",
        "outside",
        "inside",
        "around",
        "beside",
        "opposite",
        "along",
        "cross",
        "crossing",
        "junction",
        "little",
        "really",
        "never",
        "always",
        "children",
        "women",
        "woman",
        "drunk",
        "fight",
        "stole",
        "stolen",
        "robbery",
        "robbed",
        "flooded",
        "flooding",
        "pothole",
        "potholes",
        "sewage",
        "drain",
        "drains",
        "lamp",
        "dark",
        "danger",
        "dangerous",
        "sometimes",
        # Kriol
        "backa",
        "fronta",
        "ova",
        "deh",
        "dehn",
        "wahn",
        "gwain",
        "bout",
        "neva",
        "sohn",
        "yaad",
        "skool",
        "haspital",
        "maakit",
        "kaana",
        "fram",
        "nyaa",
        "betwiin",
        # Spanish
        "cerca",
        "frente",
        "atras",
        "detras",
        "esquina",
        "entre",
        "calle",
        "casa",
        "donde",
        "escuela",
        "mercado",
        "parque",
        "tienda",
        "porque",
        "cuando",
        "desde",
        "hasta",
        "noche",
        "basura",
        "aguas",
        "lado",
        "otro",
        "otra",
        "todos",
        "todas",
        "siempre",
        "nunca",
        "personas",
        "gente",
        "mucho",
        "mucha",
        "muchos",
    }
)


def is_stopword(key: str) -> bool:
    return key in _STOPWORDS


def _match_phrase_ending(words: Sequence[str], end: int, floor: int) -> tuple[str, int] | None:
    """The longest relation phrase that ends just before token `end` (not before `floor`)."""
    best: tuple[str, int] | None = None
    for length in range(min(5, end - floor), 0, -1):
        phrase = " ".join(words[end - length : end])
        if phrase in _PHRASES or _DOORS.match(phrase):
            best = (phrase, end - length)
            break
    return best


def _skip_articles(words: Sequence[str], end: int, floor: int) -> int:
    while end > floor and words[end - 1] in _ARTICLES:
        end -= 1
    return end


def relation_before(
    words: Sequence[str], anchor: _Span, mentions: Sequence[_Span]
) -> tuple[str | None, float, int | None]:
    """(relation code, extra metres, first token of the cue) of the phrase before `anchor`."""
    floor = max((m.last for m in mentions if m.last <= anchor.first), default=0)
    floor = max(floor, anchor.first - 7)
    ends = [anchor.first]
    while ends[-1] > floor and words[ends[-1] - 1] in _ARTICLES:
        ends.append(ends[-1] - 1)
    for end in ends:
        found = _match_phrase_ending(words, end, floor)
        if found is None:
            continue
        phrase, start = found
        doors = _DOORS.match(phrase)
        if doors:
            count = doors.group(1) or "two"
            n = int(count) if count.isdigit() else _NUMBER_WORDS.get(count, 3)
            return "next_to", 50.0 + 30.0 * min(n, 20), start
        code, extra = _PHRASES[phrase]
        if code == "at":
            return None, 0.0, start
        return code, extra, start
    return None, 0.0, None


_DEFINITE = frozenset({"the", "di", "la", "el", "los", "las", "dat", "that"})


def has_cue(words: Sequence[str], mention: _Span, *, article: bool = False) -> bool:
    """A place cue right before the mention ("in", "near"...) or after it ("village"); with
    `article`, a definite article is cue enough ("the school", but not "to school")."""
    if article and mention.first > 0 and words[mention.first - 1] in _DEFINITE:
        return True
    code, _, start = relation_before(words, mention, [])
    if start is not None and (code is not None or start < mention.first):
        return True
    after = words[mention.last : mention.last + 1]
    return bool(after) and after[0] in {"village", "town", "city", "area", "community"}


_MEETS = frozenset({"meets", "meet", "crosses", "cross", "intersects", "hits", "cruza"})


def conjoined(words: Sequence[str], a: _Span, b: _Span) -> bool:
    """Two mentions joined by "and" (or "&", which is not a token: nothing between them)."""
    between = [w for w in words[a.last : b.first] if w not in _ARTICLES]
    return len(between) <= 1 and all(w in _CONJUNCTIONS for w in between)


def _meet(words: Sequence[str], a: _Span, b: _Span) -> bool:
    """ "Ring Road meets Constitution Drive", "where X crosses Y"."""
    between = [w for w in words[a.last : b.first] if w not in _ARTICLES]
    return len(between) == 1 and between[0] in _MEETS


def _ends_with(
    words: Sequence[str], end: int, floor: int, phrases: set[tuple[str, ...]]
) -> int | None:
    for e in dict.fromkeys((end, _skip_articles(words, end, floor))):
        for length in (3, 2, 1):
            if e - length >= floor and tuple(words[e - length : e]) in phrases:
                return e - length
    return None


def pair_cue_start(words: Sequence[str], a: _Span) -> int | None:
    floor = max(0, a.first - 6)
    return _ends_with(words, a.first, floor, _CORNER_BEFORE | _BETWEEN_BEFORE)


def pair_cue_end(words: Sequence[str], b: _Span) -> int:
    after = tuple(words[b.last : b.last + 1])
    return b.last + 1 if after in _CORNER_AFTER else b.last


_S = TypeVar("_S", bound=_Span)


def pair_relation(words: Sequence[str], mentions: Sequence[_S]) -> tuple[str, _S, _S] | None:
    """("corner" | "between", a, b) when two mentions are joined as a corner or a stretch."""
    for a, b in itertools.pairwise(mentions):
        if _meet(words, a, b):
            return "corner", a, b
        if not conjoined(words, a, b):
            continue
        floor = max(0, a.first - 6)
        if _ends_with(words, a.first, floor, _BETWEEN_BEFORE) is not None:
            return "between", a, b
        if _ends_with(words, a.first, floor, _CORNER_BEFORE) is not None:
            return "corner", a, b
        if tuple(words[b.last : b.last + 1]) in _CORNER_AFTER:
            return "corner", a, b
    return None


_ORDINALS = {
    1: {"1", "one", "wan", "uno", "una", "first", "1st", "primero", "primera", "fos"},
    2: {"2", "two", "tu", "dos", "second", "2nd", "segundo", "segunda", "sekan", "sekand"},
    3: {"3", "three", "tree", "tres", "third", "3rd", "tercero", "tercera", "terd", "tord"},
    4: {"4", "four", "fo", "cuatro", "fourth", "4th", "cuarto", "cuarta"},
    5: {"5", "five", "faiv", "cinco", "fifth", "5th", "quinto", "quinta"},
}
_CHOICE_TOKEN = re.compile(r"[a-z0-9]+")


def choice_number(answer: str) -> int | None:
    """The number a short answer picks: "2", "#2", "number two", "di sekand wan", "el segundo"."""
    tokens = _CHOICE_TOKEN.findall(answer.casefold())
    if not tokens or len(tokens) > 5:
        return None
    for token in tokens:
        for number, forms in _ORDINALS.items():
            if token in forms:
                return number
        if token.isdigit():
            return int(token)
    return None
