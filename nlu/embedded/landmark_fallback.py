"""The last resort for a place: an unnamed landmark the tagger and the gazetteer missed.

nlu/data/README.md makes a landmark without a name ("the bar", "di cemetery", "la
escuela") a location span in some sentences and not in others; this module decides, on
the lexicon's word classes alone, the cases the convention settles by syntax:
- after a preposition it is the scene ("girls at [that club]", "del [basurero]");
- opening the message it is a place reported for itself ("[the underpass] is dark"), but
  not an establishment reported for what it does ("the bar serves minors");
- never a modifier ("the bar owner"), school as an institution ("walk to school"), or a
  word that locates nothing ("la calle", "the village").
"""

from __future__ import annotations

from spacy.tokens import Doc

from nlu.embedded.rules import word_class
from nlu.embedded.spans import (
    DEFINITE,
    GREETINGS,
    LANDMARK_TAILS,
    LEFT_RELATIONS,
    MOTION_PREPOSITIONS,
    NOWHERE,
    RELATION_LINKS,
    SCHOOLS,
    UNPLACED,
    VENUES,
    refine,
)

# Words after which a landmark is where something happens ("weed dealers at the court",
# "drunks from the rum shop", "los borrachos de la cantina").
_SCENE_BEFORE = frozenset(
    {"at", "in", "inna", "eena", "ina", "da", "on", "pan", "en", "from", "fram", "frum", "de",
     "outside", "inside", "afuera", "adentro", "by", "near", "nier", "round", "around", "roun",
     "of", "lef", "leave", "leaving", "sale", "salen", "saliendo"}
)  # fmt: skip
# Establishments that are what a report is about ("the bar sells to kids"): as the subject
# they are the reported thing, not its place.
_ESTABLISHMENTS = VENUES | frozenset(
    {"shop", "store", "tienda", "pool", "rum", "liquor", "licoreria", "restaurant",
     "restaurante", "hotel", "motel", "farm", "finca", "company", "factory"}
)  # fmt: skip
# Nouns a landmark only qualifies: "the bar owner", "the school bus", "di skool gyal dehn".
_QUALIFIED = frozenset(
    {"owner", "owners", "owna", "bus", "buses", "pikni", "gyal", "bwai", "girl", "girls",
     "boy", "boys", "kid", "kids", "children", "worker", "workers", "teacher", "teachers",
     "guard", "guards", "security", "fence", "gate", "student", "students", "night",
     "nights", "time", "hours", "light", "lights", "lite", "lites", "sign", "signs"}
)  # fmt: skip
# Openers before a subject ("good morning the park has no lights").
_OPENERS = GREETINGS | frozenset({"mawnin", "pls", "please"})


# Words that point at a building, not the institution ("near the school", "roun di skool";
# but "at school", "fram skool", "a la escuela").
_OUTSIDE = frozenset(
    {"outside", "afuera", "fuera", "front", "frente", "enfrente", "around", "round", "roun",
     "near", "nier", "nearby", "by", "cerca", "alrededor"}
)  # fmt: skip


def _building_meant(norms: list[str], i: int) -> bool:
    """True when a relation word before the article at `i` points at a building ("behind
    the high school", "afuera de la escuela"; not the institution: "at school")."""
    if i >= 1 and (norms[i - 1] in LEFT_RELATIONS or norms[i - 1] in _OUTSIDE):
        return True
    return (
        i >= 2
        and norms[i - 1] in RELATION_LINKS
        and (norms[i - 2] in LEFT_RELATIONS or norms[i - 2] in _OUTSIDE)
    )


def from_landmark(doc: Doc) -> tuple[int, int] | None:
    """An unnamed landmark the tagger missed, where the data's convention makes it a span:
    after a preposition it is the scene ("girls at [that club]", "del [basurero]"); as the
    subject it is a place reported for itself ("[the underpass] is dark"), unless it is an
    establishment reported for what it does ("the bar serves minors")."""
    norms = [t.norm_ for t in doc]
    n = len(doc)
    for i in range(n):
        contracted = norms[i] in {"del", "al"}
        if norms[i] not in DEFINITE and not contracted:
            continue
        j = i + 1
        while (
            j < n
            and j - i <= 2
            and word_class(norms[j]) == "O"
            and doc[j].is_alpha
            and (
                norms[j] not in NOWHERE | _QUALIFIED
                # "di bus terminal", "the bus stop": a generic word a landmark noun finishes
                or (j + 1 < n and word_class(norms[j + 1]) == "LM")
            )
        ):
            j += 1  # "the old bank building", "di ole bakery"
        if j >= n or word_class(norms[j]) != "LM":
            continue
        end = j + 1
        while end < n and word_class(norms[end]) == "LM" and end - i < 5:
            end += 1
        heads = set(norms[j:end])
        if end < n and norms[end] in LANDMARK_TAILS:
            end += 1
        if (
            (heads & SCHOOLS and not _building_meant(norms, i))
            or heads <= UNPLACED
            or (end < n and norms[end] in _QUALIFIED)
        ):
            continue
        before = norms[i - 1] if i >= 1 else ""
        if contracted:
            start = i + 1  # "los perros del [basurero]"
            if i == 0 or before in _QUALIFIED:
                continue
        else:
            scene = (
                before in _SCENE_BEFORE
                or before in MOTION_PREPOSITIONS
                or _building_meant(norms, i)
            )
            opening = all(norms[k] in _OPENERS or doc[k].is_punct for k in range(i))
            if not scene and not (opening and not heads & _ESTABLISHMENTS):
                continue
            start = i
        bounds = refine(doc, start, end)
        if bounds is not None:
            return bounds
    return None
