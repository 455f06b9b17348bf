"""Rules that fix the edges of a predicted location span to the data's convention.

The convention (nlu/data/README.md): the span is the place phrase as a person points at it,
with relation words that move the point ("behind", "backa", "frente a", "corner of X and
Y", "between X and Y") and articles, but without words that only attach it to the sentence
("on", "pan", "en"). The tagger learns most of this; these rules repair what it gets wrong
most often on a few hundred examples:
- a span that stops on a connector ("atras del", "la terminal de") is extended over the
  noun that follows, or trimmed back when nothing place-like follows;
- relation words just before a span ("corner of", "behind", "frente a") are pulled in;
- a leading attaching preposition is dropped, and so is motion ("walk past", "across" without
  "from");
- "between X and Y" and "corner of X and Y" are made whole from either half;
- a reported thing ("the lamp post by", "the curve by") gives way to the landmark that
  places it; vehicles, people and bare parts ("the back") are no place;
- when the tagger finds nothing but the gazetteer knows a place in the message, that place
  (with its relation words and article) is the span;
- when neither finds anything, an unnamed landmark may be (nlu/embedded/landmark_fallback.py).
Token classes come from the lexicon component (`token.lemma_`: PLACE_B/PLACE_I/REL/DET/
ATT/LM/NUM/O) and folded forms from `token.norm_`.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from nlu.embedded.rules import word_class

# Words after which a place phrase continues ("la calle de ...", "corner of ...").
_CONNECTORS = frozenset({"de", "del", "of", "a", "al", "to", "di", "the", "la", "el", "los", "las"})
# "and"/"y" continue a span only after a pair relation ("corner of X and Y").
_PAIR_HEADS = frozenset({"corner", "kaana", "esquina", "between", "entre", "betwiin"})
_AND = frozenset({"and", "an", "ahn", "y", "&"})
# Relation words that move the point and belong to the span when they precede it.
LEFT_RELATIONS = frozenset(
    {
        "behind",
        "backa",
        "bak",
        "corner",
        "kaana",
        "esquina",
        "between",
        "entre",
        "opposite",
        "across",
        "past",
        "pas",
        "before",
        "after",
        "atras",
        "detras",
        "frente",
        "enfrente",
        "front",
        "cross",
        "upstairs",
        "downstairs",
        "arriba",
        "despues",
        "antes",
        "over",
        "above",
        "under",
        "unda",
        "onda",
        "below",
        "debajo",
        "encima",
    }
)
_UNDER_OVER = frozenset({"under", "unda", "onda", "over", "ova"})
RELATION_LINKS = frozenset({"of", "de", "del", "a", "al", "fram", "from", "in", "eena"})
# Relation words that move the point only with their link: "across from the park" does,
# "overturned across the highway" does not.
_LINKED_ONLY = frozenset({"across", "cross"})
# After a verb of motion "past" says which way someone went, not where: "walk past [the
# taxi stand]" (but "the curve [past the cemetery]").
_MOTION_VERBS = frozenset(
    {"walk", "walks", "walking", "walked", "pass", "passes", "passing", "drive", "drives",
     "driving", "drove", "race", "races", "racing", "speed", "speeds", "speeding", "run",
     "runs", "running", "ride", "rides", "riding", "go", "goes", "going", "went", "waak",
     "fly", "flying", "zoom", "zooming", "ron", "paas"}
)  # fmt: skip
# Words that only attach a place to the sentence: never the first word of a span.
_LEADING_ATTACH = frozenset(
    {"on", "in", "at", "by", "near", "pan", "eena", "inna", "en", "por", "cerca", "around", "junto",
     "from", "fram", "frum", "to", "outside", "along", "roun", "inside", "adentro", "dentro",
     "afuera", "fuera"}
)  # fmt: skip
# Spanish "a" and Kriol "a" before an article attach too: "camino [a la escuela]".
_ATTACH_BEFORE_ARTICLE = frozenset({"a", "al"})
_KRIOL_TO = frozenset({"tu", "tuh"})
# Nouns that are no landmark and only carry the place after them: "the houses behind ...",
# "a yard in ...", "the middle of ...", "la casa azul atras de ..."
_GENERIC_HEADS = frozenset(
    {"house", "houses", "haus", "yard", "yards", "yaad", "room", "middle", "medio", "view",
     "sidewalk", "casa", "casas", "lot", "lote", "side", "sides", "orilla", "banqueta"}
)  # fmt: skip
# Roads and streets carry the place after them: "the road in [cotton tree]", "the road to
# [armenia]", "la calle del [hospital]" (the training split's majority of three).
_GENERIC_ROADS = frozenset({"road", "street", "roads", "streets"})
# A road nobody named: "the highway", "di hywe" (NORM "highway": kriol_spelling), "la
# carretera". Before a relation or a distance it only carries the place phrase ("the road
# [behind the market]").
_ANY_ROAD = _GENERIC_ROADS | frozenset(
    {"highway", "hwy", "carretera", "calle", "camino", "callejon"}
)
# Paths nobody named lead to the place: "the walkway to [the market]", "di path to [di skool]".
_PATHS = frozenset(
    {"path", "paths", "walkway", "andador", "trail", "trak", "track", "sendero", "vereda"}
)
_UNNAMED_WAYS = _ANY_ROAD | _PATHS
# What leads from an unnamed road or path to its place, and stays out of the span.
_ROAD_TO = frozenset(
    {"to", "tu", "a", "al", "hacia", "pa", "de", "del", "through", "thru", "chru", "by"}
)
_CLAUSE_OPENERS = frozenset({"that", "dat", "que", "weh"})
_ROAD_IN = frozenset({"in", "eena", "en", "inna"})
_GENERIC_LINKS = frozenset({"in", "eena", "en", "at", "on", "pan", "of", "de", "del", "a", "by"})
_STOP_AFTER = frozenset(
    {"and", "y", "an", "ahn", "but", "pero", "right", "now", "every", "evry", "since", "desde"}
)
# A span never runs over these: they start the rest of the sentence ("the corner is dark").
_CUT = frozenset(
    {
        "is", "are", "was", "were", "es", "esta", "estan", "son", "right", "now", "every",
        "evry", "since", "desde", "hace", "when", "wen", "cuando", "cada", "todas", "todos",
        "all", "always", "aalweez", "for", "para", "fi", "because", "bcuz", "porque", "ahora",
        "ahorita",
        "help", "pls", "plz", "please", "ayuda", "porfa", "agen", "again", "otra",
        "call", "kaal", "llamen", "send", "sen", "manden", "hurry", "quick", "kwik", "fass",
    }
)  # fmt: skip
# Time words end a place phrase: "frente a la escuela [a la hora de salida]".
_TIME = frozenset(
    {"night", "nite", "nites", "nights", "noche", "noches", "hora", "morning", "mawnin",
     "evening", "ivnin", "afternoon", "tarde", "tardes", "weekend", "weekends", "saturday",
     "saturdays", "sunday", "sundays", "friday", "fridays", "today", "tonight", "2nite",
     "madrugada", "mediodia", "midnight", "dark", "daak", "daytime", "time"}
)  # fmt: skip
# "two doors from the shop", "a una cuadra del mercado": a distance that moves the point.
_DISTANCE_UNITS = frozenset(
    {"door", "doors", "block", "blocks", "cuadra", "cuadras", "mile", "miles", "minute",
     "minutes", "metros", "meters", "milla", "millas", "km", "kilometros", "yards", "houses",
     "lots"}
)  # fmt: skip
_DISTANCE_LINKS = frozenset(
    {"from", "fram", "frum", "of", "de", "del", "away", "down", "up", "past", "pas"}
)
_COUNT_WORDS = frozenset(
    {"a", "an", "one", "wan", "two", "tu", "three", "tree", "few", "couple", "un", "una", "media",
     "dos", "tres", "cuatro", "some", "sum"}
)  # fmt: skip
# "the corner of ...", "la orilla de ...": a noun naming part of a place, which needs its "of".
_PART_NOUNS = frozenset(
    {"corner", "kaana", "esquina", "side", "end", "final", "orilla", "entrance", "entrada",
     "back", "top", "middle", "medio"}
)  # fmt: skip
# "the corner of mahogany [street]", "the school [yard]": a noun that finishes the place name.
_NAME_ENDINGS = frozenset(
    {"street", "st", "road", "rd", "avenue", "ave", "drive", "dr", "highway", "hwy", "lane",
     "parade", "yard", "yaad", "parking", "grounds", "grown", "compound", "campus", "route",
     "ruta", "border", "boulevard", "blvd"}
)  # fmt: skip
# The part of a place that follows its name: "the park entrance", "the school gate".
_PARTS_AFTER = frozenset({"entrance", "gate", "curve", "junction", "turnoff", "crossing"})
# Words between a place's name and a landmark noun that join two phrases, not one name.
_NOT_MODIFIERS = frozenset(
    {"and", "an", "or", "y", "o", "but", "pero", "bot", "then", "den", "also", "too", "near",
     "when", "wen", "cuando", "where", "weh", "donde", "is", "da", "es", "was", "has", "have",
     "today", "tonight", "tonite", "yesterday", "now", "nou", "again", "agen", "every", "evry",
     "last", "this", "dis", "hoy", "ayer", "anoche", "ahora", "ahorita", "always", "never",
     "still", "already", "all", "aal", "at", "by", "bai", "the", "di", "el", "la", "its",
     "it's", "it", "ih", "he", "she", "they", "dehn", "dem", "we", "wi", "you", "yu", "u",
     "i", "mi", "there", "deh", "here", "ya", "so", "soh", "very", "real", "muy"}
)  # fmt: skip
# "the road to armenia", "el patio de la escuela": a landmark linked to the place it names.
_COMPOUND_LINKS = frozenset({"to", "hacia", "through", "thru", "chru", "by", "past", "pas"})
# "the bar on ring road", "the dancehall in benque": a landmark placed by a named place.
_PLACED_BY = frozenset({"on", "in", "at", "pan", "eena", "en", "de", "del", "by", "inna"})


_HOURS = frozenset(
    {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
     "twelve", "una", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve",
     "diez", "once", "doce", "midnight", "medianoche", "dark", "daak", "sunset", "sundown"}
)  # fmt: skip


def _clock(norms: list[str], i: int) -> bool:
    """True at "after 8", "despues de las ocho", "before dark": a time, not a place."""
    if norms[i] not in {"after", "afta", "despues", "before", "bifo", "antes"}:
        return False
    for j in range(i + 1, min(i + 4, len(norms))):
        if norms[j].isdigit() or norms[j] in _HOURS:
            return True
        if norms[j] not in {"de", "la", "las", "the", "di"}:
            return False
    return False


def _distance_at(norms: list[str], k: int) -> bool:
    """True when a distance starts at `k`: "two doors from", "una cuadra del"."""
    return (
        k + 2 < len(norms)
        and (norms[k] in _COUNT_WORDS or norms[k].isdigit())
        and norms[k + 1] in _DISTANCE_UNITS
        and norms[k + 2] in _DISTANCE_LINKS
        # "two houses from", not "three houses of [salvapan]" (houses, not a distance)
        and not (norms[k + 1] in {"houses", "lots"} and norms[k + 2] in {"of", "de", "del"})
    )


def _distance_opens(norms: list[str], k: int) -> int | None:
    """Where the count of a distance opening at `k` stands ("two doors from" at `k`, "a dos
    cuadras de" one word on: the Spanish `a` belongs to the distance), else None."""
    count = k + 1 if norms[k] == "a" else k
    return count if _distance_at(norms, count) else None


def _in_front_at(norms: list[str], i: int) -> bool:
    """True when "in front" starts at `i` (one relation: "in" is not an attaching word)."""
    return i + 1 < len(norms) and norms[i] == "in" and norms[i + 1] == "front"


def _relation_before(norms: list[str], i: int) -> bool:
    """True when the word at `i` is a relation word that moves the point where it stands."""
    if norms[i] not in LEFT_RELATIONS or norms[i] in _LINKED_ONLY or _all_over(norms, i):
        return False
    return not (norms[i] in {"past", "pas"} and _after_motion(norms, i))


# How someone moves, between the verb of motion and "past": "speed like crazy past",
# "ron laik mad pas", "drive op an dong pas".
_MANNER = frozenset(
    {"like", "laik", "crazy", "mad", "fast", "fass", "so", "too", "tu", "real", "rial", "up",
     "op", "down", "dung", "dong", "and", "an", "right", "straight", "slow", "quick"}
)  # fmt: skip


def _after_motion(norms: list[str], i: int) -> bool:
    """True when a verb of motion comes before `i`, over at most three words of manner."""
    j = i - 1
    while j >= 0 and i - j <= 3 and norms[j] in _MANNER:
        j -= 1
    return j >= 0 and norms[j] in _MOTION_VERBS


def _pair_after(norms: list[str], classes: list[str], start: int, end: int) -> int:
    """The end over "and Y" when the span is the first half of "between X and Y"."""
    n = len(norms)
    heads = [i for i in range(start, end) if norms[i] in _PAIR_HEADS]
    if not heads or any(norms[i] in _AND for i in range(start, end)):
        return end
    if end + 1 >= n or norms[end] not in _AND:
        return end
    j = end + 1
    article = classes[j] == "DET" and j + 1 < n
    if article:
        j += 1
    # "corner of mahogany and cohune street": street names the lexicon may not know, without
    # an article, after a first half that is a name too (not "la esquina del parque y hay")
    named = not article and all(
        classes[i] in {"O", "PLACE_B", "PLACE_I", "NUM"} for i in range(heads[0] + 2, end)
    )
    wanted = {"PLACE_B", "PLACE_I", "LM"} | ({"O", "NUM"} if named else set())
    if classes[j] not in wanted or norms[j] in _CUT:
        return end
    j += 1
    while j < n and classes[j] in {"PLACE_I", "LM"} and j - start < 12:
        j += 1
    return j


_UP_DOWN = frozenset({"up", "down", "dung", "op"})
# Parts that locate within a place ("the end of bliss parade"); the data leaves the side of
# a road out ("on the side of [ring road]").
_PART_OF = frozenset({"end", "final", "entrance", "entrada", "top", "back"})


def _stretch_before(norms: list[str], classes: list[str], start: int) -> int:
    """The start of "up the road from" or "the end of" before a place phrase, else `start`."""
    if (
        start >= 4
        and norms[start - 1] in _DISTANCE_LINKS
        and norms[start - 2] in _GENERIC_ROADS | {"calle"}
        and classes[start - 3] == "DET"
        and norms[start - 4] in _UP_DOWN
    ):
        return start - 4
    if start >= 2 and norms[start - 1] in {"of", "de", "del", "a"} and norms[start - 2] in _PART_OF:
        return start - 2
    # "mile 52 on the george price highway", "mile 47 western highway"
    k = start - 1 if start >= 1 and norms[start - 1] in {"on", "pan", "en", "of", "de"} else start
    if k >= 2 and norms[k - 1].isdigit() and norms[k - 2] in {"mile", "milla", "km"}:
        return k - 2
    return start


def _pair_before(norms: list[str], classes: list[str], start: int) -> int:
    """The start of "between X and" when the span is the second half of the pair."""
    if start < 3 or norms[start - 1] not in _AND:
        return start
    for j in range(start - 2, max(-1, start - 7), -1):
        if norms[j] in _PAIR_HEADS:
            return j
        # names the lexicon does not know count too ("kaana a [forest] drive and ...")
        named = classes[j] == "O" and norms[j].isalpha() and norms[j] not in _CUT
        if (
            classes[j] not in {"PLACE_B", "PLACE_I", "LM", "DET"}
            and norms[j] not in {"of", "de", "a"}
            and not named
        ):
            return start
    return start


def refine(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """Repair a predicted span (token offsets); None when nothing place-like remains."""
    norms = [t.norm_ for t in doc]
    classes = [t.lemma_ for t in doc]
    n = len(doc)
    # a known place name is never cut in two ("di [bridge]", "the spanish lookout [ferry]")
    while start > 0 and classes[start] == "PLACE_I":
        start -= 1
    while end < n and classes[end] == "PLACE_I":
        end += 1
    # 0. cut where the rest of the sentence starts, or where a time expression does
    for i in range(start + 1, end):
        if classes[i] == "PLACE_I":
            continue  # inside a known name: "the belmopan market and bus terminal"
        landmark_follows = i + 1 < n and classes[i + 1] == "LM"
        new_phrase = (  # "en camalote [una tienda vende ...]": a new noun phrase
            norms[i] in {"un", "una", "an", "wan"}
            and classes[i - 1] in {"PLACE_B", "PLACE_I"}
            and not (i + 1 < n and norms[i + 1] in _DISTANCE_UNITS)
        )
        if (
            norms[i] in _CUT
            or (norms[i] in _INTO and classes[i - 1] in {"PLACE_B", "PLACE_I"})
            or (norms[i] in _TIME and not landmark_follows)
            or _clock(norms, i)
            or new_phrase
        ):
            end = i
            break
        if norms[i] in _AND and not any(norms[j] in _PAIR_HEADS for j in range(start, i)):
            end = i  # "the pool and posted it": "and" starts the rest of the sentence
            break
    # 1. "the corner [of mahogany street]": a part-of noun takes its complement
    if end < n - 1 and norms[end - 1] in _PART_NOUNS and norms[end] in {"of", "de", "del", "a"}:
        end += 1
    # a dangling connector at the end: extend over what follows, or trim it; so does the
    # link of a distance ("[two door fram] di chainee shop": the distance needs its place)
    steps = 0
    while (
        end < n
        and end > start
        and (norms[end - 1] in _CONNECTORS or (end - 3 >= start and _distance_at(norms, end - 3)))
        and steps < 4
    ):
        if (
            not doc[end].is_alpha
            or norms[end] in _STOP_AFTER
            or norms[end] in _CUT
            or norms[end] in _TIME
            or classes[end] == "ATT"
        ):
            break
        end += 1
        steps += 1
        while end < n and classes[end] == "PLACE_I":
            end += 1
        if (  # "two door fram di chainee [shop]": the landmark noun the word describes
            end < n
            and classes[end - 1] == "O"
            and word_class(norms[end]) == "LM"
            and norms[end] not in _NOT_NAME_NOUNS
        ):
            end += 1
    while end > start + 1 and norms[end - 1] in _AND:
        end -= 1  # "the corner of hibiscus [and]": the pair rule below decides
    end = _pair_after(norms, classes, start, end)
    while end > start and (
        norms[end - 1] in _CONNECTORS
        or norms[end - 1] in _AND
        or norms[end - 1] in _WITH
        or classes[end - 1] in {"ATT", "DET"}
        or doc[end - 1].is_punct
    ):
        end -= 1
    # "backa di market [tree] time", "[tu] bwai": Kriol three and two count what follows
    if (
        end - start >= 2
        and end < n
        and norms[end - 1] in {"tree", "tu", "two", "three"}
        and classes[end - 1] not in {"PLACE_B", "PLACE_I"}
        and word_class(norms[end - 2]) == "LM"
        and doc[end].is_alpha
        and word_class(norms[end]) == "O"
        and norms[end] not in _CONNECTORS | _LEADING_ATTACH | _CUT | _STOP_AFTER
    ):
        end -= 1
    # 1b. "robbers in the gas station on the western highway": a landmark placed by a
    # named place is one pointer; but a landmark that is the subject, the thing reported
    # ("the bar in cotton tree sells to kids"), gives way to its place
    if end < n - 1 and word_class(norms[end - 1]) == "LM" and norms[end] in _PLACED_BY:
        j = end + 1
        if j < n - 1 and classes[j] == "DET":
            j += 1
        road = _road_name_end(doc, norms, j) or _mile_marker_end(norms, j)
        if j < n and (classes[j] == "PLACE_B" or road):
            place = j - 1 if classes[j - 1] == "DET" else j
            j = road or j + 1
            while j < n and classes[j] == "PLACE_I":
                j += 1
            if _is_subject(doc, norms, start):
                start = place
            end = j
    # 1e. "stabbed at [the bar near the market]", "en [la parada frente al hospital]":
    # where something happens, a landmark and what places it are one pointer
    if word_class(norms[end - 1]) == "LM" and not _is_subject(doc, norms, start):
        end = _placing_phrase_after(norms, classes, start, end)
    # 1f. "behind [St. Martin's school]", "outside [Sta. Elena market]": an abbreviated
    # saint's name goes on past its full stop
    end = _abbreviation_after(doc, norms, end)
    # 1b'. "la carretera [del colibri]", "la calle [del cementerio]", "la carretera
    # [costera]": a Spanish road is named by what follows it
    end = _road_name_after(norms, classes, end)
    # "[the bar at mile 49]": a mile marker keeps its number
    if end < n and norms[end - 1] in {"mile", "milla"} and norms[end].isdigit():
        end += 1
    # 1c. "the corner of mahogany street", "di hospital parking": the name's last noun;
    # "the orange walk toll [booth]", "the belmopan [market]": a landmark noun after a
    # name or a landmark finishes it
    if end < n and norms[end] in _NAME_ENDINGS and classes[end - 1] != "ATT":
        end += 1
    # "kaana a [di primary] skool", "[the old] bank": an article and a word before a
    # landmark noun are its start, not the whole
    if (
        end < n
        and end - start >= 2
        and word_class(norms[end - 2]) == "DET"
        and classes[end - 1] == "O"
        and doc[end - 1].is_alpha
        and word_class(norms[end]) == "LM"
        and norms[end] not in _NOT_NAME_NOUNS
    ):
        end += 1
    # "la iglesia [adventista]", "el centro [de salud]", "la terminal [de buses]"
    if end < n and word_class(norms[end - 1]) == "LM":
        if norms[end] in LANDMARK_TAILS:
            end += 1
        elif end + 1 < n and norms[end] == "de" and norms[end + 1] in _ES_COMPOUND_TAILS:
            end += 2
    # "the belmopan [fire station]", "St. Michael's [RC School]": a place's name, one
    # word and a landmark noun are one landmark
    if (
        end < n - 1
        and (classes[end - 1] in {"PLACE_B", "PLACE_I"} or norms[end - 1] == "'s")
        and classes[end] == "O"
        and doc[end].is_alpha
        and norms[end] not in _NOT_MODIFIERS
        and word_class(norms[end + 1]) == "LM"
        and norms[end + 1] not in _NOT_NAME_NOUNS
    ):
        end += 2
    while (
        end < n
        and word_class(norms[end]) == "LM"
        and classes[end - 1] in {"PLACE_B", "PLACE_I", "LM"}
        and norms[end] not in _NOT_NAME_NOUNS
        and end - start < 12
    ):
        end += 1
    # "[the park entrance]", "[the hummingbird highway curve]": the part of a named place
    # where it happens is still that place
    if end < n and norms[end] in _PARTS_AFTER and classes[end - 1] in {"PLACE_B", "PLACE_I", "LM"}:
        end += 1
    # 1d. "the houses [behind salvapan]", "a yard in [roaring creek]": a generic noun that
    # only carries the place phrase after it is not part of the place
    start = _drop_generic_head(norms, classes, start, end)
    # 1g. "no police patrol [ever] in salvapan", "set up [up] at the court": a word before
    # an attaching preposition and the place after it is not part of the place
    if end - start >= 3 and _stray_before_attach(doc, norms, classes, start):
        start += 1
    # "around [2am] in valley of peace": an hour is no place
    if end - start >= 2 and _HOUR_TOKEN.fullmatch(norms[start]):
        start += 1
    # "di bush [tu tall] backa di market": "too" and what it says before a relation word
    if (
        end - start >= 4
        and norms[start] in _TOO
        and classes[start + 1] == "O"
        and classes[start + 2] == "REL"
    ):
        start += 2
    # 2. a leading attaching word is dropped ("in front of" keeps its "in"; Kriol says
    # "front a di bank", so "eena front a" loses its "eena")
    while (
        start < end - 1
        and (
            norms[start] in _LEADING_ATTACH
            or (
                norms[start] in _ATTACH_BEFORE_ARTICLE
                and word_class(norms[start + 1]) == "DET"
                and norms[start + 1] not in _COUNT_WORDS  # "a una cuadra del": a distance
            )
            # Kriol "tu" is "to" before an article or a place ("di road [tu spanish
            # lookout]"), and "two" before a count noun ("tu blak fram")
            or (
                norms[start] in _KRIOL_TO
                and (word_class(norms[start + 1]) == "DET" or classes[start + 1] == "PLACE_B")
            )
        )
        and not _in_front_at(norms, start)
    ):
        start += 1
        if start < end - 1 and norms[start] in {"de", "del", "of"}:
            start += 1  # "adentro de", "cerca del", "outside of"
        elif start < end - 1 and norms[start - 1] == "junto" and norms[start] in {"a", "al"}:
            start += 1  # "junto al mercado"
    # 2b. "[roams] the park", "[race] front a di skool", "[up] maya mopan": a verb or
    # particle the tagger took in before the place phrase is dropped
    if end - start >= 2 and (
        (
            classes[start] == "O"
            and (classes[start + 1] in {"DET", "REL"} or word_class(norms[start + 1]) == "DET")
            and doc[start].is_lower
            and norms[start] not in _COUNT_WORDS
        )
        or (norms[start] in {"up", "dung", "down"} and classes[start + 1] == "PLACE_B")
    ):
        start += 1
    # "[went off] the bridge": a verb and its particle
    if (
        end - start >= 3
        and classes[start] == "O"
        and doc[start].is_lower
        and norms[start + 1] in {"off", "out", "outta"}
        and word_class(norms[start + 2]) == "DET"
    ):
        start += 2
    # "[in front of everybody at] the park": a person is no place, the place after is
    start = _past_a_person(norms, start, end)
    # "she said that [the bar in san ignacio]", "dice que [el bar]": the word that opens a
    # clause is not part of the place
    if (
        end - start >= 2
        and norms[start] in _CLAUSE_OPENERS
        and word_class(norms[start + 1]) == "DET"
    ):
        start += 1
    # 2c. "across the highway", "walk past the shop": motion, not a relation
    while (
        end - start >= 2 and norms[start] in LEFT_RELATIONS and not _relation_before(norms, start)
    ):
        if norms[start] in _LINKED_ONLY and norms[start + 1] in RELATION_LINKS:
            break
        start += 1
    # "[all over] the highway between ...": a road nobody named may lead only now
    if start + 1 < end and word_class(norms[start]) == "DET" and norms[start + 1] in _ANY_ROAD:
        start = _drop_generic_head(norms, classes, start, end)
    start = _before_the_place(norms, classes, start)
    # 4b. "la avenida [del cementerio]": a Spanish avenue named by a landmark is one name
    # (but "la calle del [hospital]": a street nobody named only leads to its place)
    if (
        start >= 2
        and norms[start - 1] in {"de", "del"}
        and norms[start - 2] in _NAMED_BY_LANDMARK_ES
    ):
        start -= 2
        if start >= 1 and word_class(norms[start - 1]) == "DET":
            start -= 1
    # 5. "the junction to teakettle": a landmark noun linked to the predicted place comes
    # along (not a road or path nobody named: "the road to [armenia]")
    if (
        start >= 2
        and norms[start - 1] in _COMPOUND_LINKS
        and classes[start - 2] == "LM"
        and not (norms[start - 1] in _PLACING_LINKS and norms[start - 2] in _REPORTED_HEADS)
        and not (norms[start - 1] in _ROAD_TO and norms[start - 2] in _UNNAMED_WAYS)
    ):
        j = start - 2
        k = j
        while k >= 1 and j - k < 2 and classes[k - 1] in {"O", "LM"} and doc[k - 1].is_alpha:
            k -= 1
        if k >= 1 and classes[k - 1] == "DET":
            first = k - 1
        elif j >= 1 and classes[j - 1] == "DET":
            first = j - 1
        else:
            first = j
        # "a bar in [santa elena]": no place of its own; "send more police to
        # [hattieville]": a landmark word with no article before it is people or a kind
        if norms[first] not in _INDEFINITE and classes[first] == "DET":
            start = first
    # 5b. "[the hardware store in] spanish lookout": the landmark the place locates (and
    # the relation before it: "[across from] the health centre in armenia")
    moved = _landmark_before(norms, classes, start)
    if moved != start:
        start = _before_the_place(norms, classes, moved)
    start = _over_under_before(norms, classes, start)
    # 5c. "entre [la terminal] y el mercado": the pair is whole once its head is in
    end = _pair_after(norms, classes, start, end)
    # 5c'. "robbing [the gas station in front of the hospital]": where something happens,
    # the landmark the relation places comes along
    start = _scene_before_relation(doc, norms, classes, start)
    # 5d. "the bridge [at teakettle] was damaged", "di chiney shop [kaana a di skool] sell
    # rum": the landmark the message is about gives way to the phrase that places it
    start = _subject_gives_way(doc, norms, classes, start, end)
    if start >= end:
        return None
    end = _direction_after_place(norms, classes, start, end)
    end = _unnamed_road_after_place(norms, classes, start, end)
    start = _past_a_personal_place(norms, classes, start, end)
    if (
        _personal(norms, classes, start, end)
        or _origin(norms, start, end)
        or _generic_only(norms, classes, start, end)
        or _about_a_person(norms, start, end)
        or _establishment_reported(doc, norms, start, end)
        or _school_attended(norms, start, end)
        # "ya es [un basurero]": an indefinite noun alone is no place ("a bar")
        or (
            norms[start] in _INDEFINITE - {"a"}
            and end - start <= 3
            and all(classes[i] in {"O", "LM"} for i in range(start + 1, end))
        )
        # "minors working in [bar]", "pikni wok eena [bar]": a landmark word with no
        # article is a kind of place, not one a stranger could find
        or (
            end - start == 1
            and start >= 1
            and classes[start] == "LM"
            and norms[start - 1] in _IN_LINKS
            and doc[start].is_lower
        )
        # "at [3] in the morning": a number alone is a time or a count, not a place
        or all(norms[i].isdigit() for i in range(start, end))
        # "no entiendo como se usa": a verb after a clitic, not the USA
        or (end - start == 1 and start >= 1 and norms[start - 1] in _CLITICS)
    ):
        return None
    return _named_colonia(norms, classes, start), end


def _named_colonia(norms: list[str], classes: list[str], start: int) -> int:
    """The start over "la colonia" right before a place's name: the neighbourhood's name
    ("en [la colonia las flores]"; but "la colonia de [san martin]")."""
    if start >= 1 and norms[start - 1] in {"colonia", "barrio"} and classes[start] == "PLACE_B":
        return start - 2 if start >= 2 and norms[start - 2] in {"la", "el"} else start - 1
    return start


def _after_front_of(norms: list[str], start: int, end: int) -> int | None:
    """The word after a span-opening "[in] front of", "frente a", "enfrente de" with at
    least one word inside the span after it; None when the span opens otherwise."""
    i = start + 1 if _in_front_at(norms, start) else start
    if i + 2 < end and norms[i] in _FRONT and norms[i + 1] in {"of", "a", "de"}:
        return i + 2
    return None


def _past_a_person(norms: list[str], start: int, end: int) -> int:
    """The start after "in front of everybody at": where a relation places a person."""
    k = _after_front_of(norms, start, end)
    if k is not None:
        if norms[k] in {"the", "di", "la", "las", "el"} and k + 1 < end and norms[k + 1] in _PEOPLE:
            k += 1
        if norms[k] in _EVERYONE and k + 2 < end and norms[k + 1] in _IN_LINKS:
            return k + 2
    return start


_HOUR_TOKEN = re.compile(r"\d{1,2}(?::\d{2})?(?:am|pm|hrs)")
_TOO = frozenset({"too", "tu", "so", "very", "veri"})


def _stray_before_attach(doc: Doc, norms: list[str], classes: list[str], start: int) -> bool:
    """True when the span's first word is a particle ("up at") or a stray lower-case word
    ("ever in salvapan") before an attaching preposition and a place."""
    if norms[start] in _PARTICLES - _UNDER_OVER and norms[start + 1] in LEFT_RELATIONS:
        return True  # "locked up [above the club]": the verb's particle, then the relation
    if norms[start + 1] not in _IN_LINKS:
        return False
    return norms[start] in _PARTICLES | _UNDER_OVER or (
        classes[start] == "O"
        and word_class(norms[start]) == "O"
        and doc[start].is_lower
        and doc[start].is_alpha
        and norms[start] not in _COUNT_WORDS | LEFT_RELATIONS | _LEADING_ATTACH | _CONNECTORS
        and classes[start + 2] in {"PLACE_B", "DET"}
    )


# Directions of travel: "heading down [the hummingbird highway] toward dangriga"
_TOWARD = frozenset({"toward", "towards", "tuwaad", "hacia", "rumbo"})


def _direction_after_place(norms: list[str], classes: list[str], start: int, end: int) -> int:
    """The end before a direction of travel that follows a known place inside the span."""
    for i in range(start + 1, end):
        if norms[i] in _TOWARD and classes[i - 1] in {"PLACE_B", "PLACE_I"}:
            return i
    return end


def _unnamed_road_after_place(norms: list[str], classes: list[str], start: int, end: int) -> int:
    """The end before "on the highway", "en la carretera" after a named place ("wi deh [pas
    hattieville] pan di highway"): a road nobody named adds nothing to the place (but "[the
    bar on the highway]": a landmark word is no place's name)."""
    if (
        end - start >= 4
        and norms[end - 1] in _ANY_ROAD
        and classes[end - 2] == "DET"
        and norms[end - 3] in _IN_LINKS
        and classes[end - 4] in {"PLACE_B", "PLACE_I"}
        and word_class(norms[end - 4]) != "LM"
    ):
        return end - 3
    return end


def choose(doc: Doc, candidates: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The candidate span (refined, in message order) that answers "where?": the first,
    unless it only says where someone comes from ("mi cousin fram [san ignacio] get beat up
    eena [roaring creek]"), is the unnamed landmark the message is about ("[di ole skool
    bildin] armenia di fall dung"), describes people ("[the school] kids across from ..."),
    is an unnamed landmark before a named place ("en [la carretera] por [georgeville]"), or
    lies inside a later one, and a later one remains. Chosen on 3-fold CV on the training
    split: 0.9269 -> 0.9326."""
    if len(candidates) < 2:
        return candidates[0] if candidates else None
    norms = [t.norm_ for t in doc]
    classes = [t.lemma_ for t in doc]
    for k, (start, end) in enumerate(candidates[:-1]):
        origin = start >= 1 and norms[start - 1] in _FROM
        unnamed_subject = _is_subject(doc, norms, start) and not any(
            classes[i] in {"PLACE_B", "PLACE_I"} for i in range(start, end)
        )
        named_later = any(
            classes[i] in {"PLACE_B", "PLACE_I"}
            for b, e in candidates[k + 1 :]
            for i in range(b, e)
        )
        unnamed = not any(
            classes[i] in {"PLACE_B", "PLACE_I"} or norms[i] in LEFT_RELATIONS
            for i in range(start, end)
        )
        # "the school [kids]", "bar [gyal]": a landmark word describing people
        describes = end < len(norms) and norms[end] in _PEOPLE
        # a later span the rules extended over this one ("[the corner of east] collet canal
        # and [vernon street]" refined to the whole corner): the whole of it
        covered = any(b <= start and end <= e for b, e in candidates[k + 1 :])
        if not (origin or unnamed_subject or describes or covered or (unnamed and named_later)):
            return start, end
    return candidates[-1]


_PEOPLE = frozenset(
    {"kids", "pikni", "children", "girls", "boys", "gyal", "bwai", "students", "chamacos",
     "niños", "muchachas", "muchachos", "women", "ladies", "señoras", "senoras", "mujeres"}
)  # fmt: skip
_FRONT = frozenset({"front", "frente", "enfrente"})
# Whoever a relation can place instead of a place: "in front of [everybody] at the park"
_EVERYONE = _PEOPLE | frozenset(
    {"everybody", "everyone", "evrybady", "people", "ppl", "me", "mi", "us", "we", "them",
     "dehn", "her", "him", "todos", "todo", "mundo", "nosotros", "ellos", "gente"}
)  # fmt: skip


_FROM = frozenset({"from", "fram", "frum"})


def _before_the_place(norms: list[str], classes: list[str], start: int) -> int:
    """The start over the relation words, distances and article before a place phrase."""
    # 3. relation words just before are pulled in ("corner of", "in front of", "frente a")
    start = _pair_before(norms, classes, start)
    i = start
    if (
        i >= 2
        and norms[i - 1] in RELATION_LINKS
        and norms[i - 2] in LEFT_RELATIONS
        # "went under in the river": a direction, then where
        and not (norms[i - 1] in {"in", "eena"} and norms[i - 2] in _UNDER_OVER)
    ):
        i -= 2
        if i >= 1 and _in_front_at(norms, i - 1):
            i -= 1
    elif i >= 1 and _relation_before(norms, i - 1):
        i -= 1
    start = i
    # 3b. "in front of": the whole relation ("front of the bank" alone is half of it)
    if start >= 1 and _in_front_at(norms, start - 1):
        start -= 1
    # "[cuadra del parque]" predicted without its count: "a media cuadra del parque"
    if (
        start >= 1
        and norms[start] in _DISTANCE_UNITS
        and (norms[start - 1] in _COUNT_WORDS or norms[start - 1].isdigit())
    ):
        start -= 1
        if start >= 1 and norms[start - 1] == "a" and norms[start] in _COUNT_WORDS:
            start -= 1
    # "[dos cuadras de la iglesia]" predicted without its "a": "a dos cuadras de ...", "a una
    # milla de ..."
    elif (
        start >= 1
        and start + 1 < len(norms)
        and norms[start - 1] == "a"
        and norms[start] in (_COUNT_WORDS - _INDEFINITE) | {"una", "un"}
        and norms[start + 1] in _DISTANCE_UNITS
    ):
        start -= 1
    # 3c. "two doors from the shop", "a una cuadra del mercado": the distance comes along
    # ("two houses down from": with its direction)
    if start >= 3 and _distance_at(norms, start - 3):
        start -= 3
        if (
            start >= 1
            and norms[start - 1] == "a"
            and norms[start] in {"una", "un", "dos", "tres", "media"}
        ):
            start -= 1
    elif (
        start >= 4
        and norms[start - 1] in _FROM
        and norms[start - 2] in {"down", "up", "dung"}
        and _distance_at(norms, start - 4)
    ):
        start -= 4
    elif start >= 2 and norms[start] in _DISTANCE_LINKS and _distance_at(norms, start - 2):
        start -= 2  # "[a mile] past armenia": the tagger took the relation, not its distance
    # 3d. "up the road from the junction", "the end of bliss parade": a stretch of road or
    # a part of the place comes along
    start = _stretch_before(norms, classes, start)
    # "next to [st michaels] school": a saint's name keeps its "st"
    if (
        start >= 1
        and norms[start - 1] in _SAINTS
        and classes[start] == "O"
        and word_class(norms[start]) == "O"
    ):
        start -= 1
    # 4. "la esquina" not "esquina": the article belongs to the span
    if (
        start >= 1
        and classes[start - 1] == "DET"
        and classes[start] != "DET"
        and word_class(norms[start]) != "DET"  # "that [the park]": one article is enough
        and norms[start - 1] not in _POSSESSIVES  # "show mi [backa di bos stap]": a person
    ):
        start -= 1
    return _over_under_before(norms, classes, start)


def _over_under_before(norms: list[str], classes: list[str], start: int) -> int:
    """4c. "[under] the tree by the market", "[over] the footbridge": over and under move
    the point, so they join a span that opens with an article."""
    if (
        start >= 1
        and norms[start - 1] in _UNDER_OVER
        and classes[start] == "DET"
        and not _all_over(norms, start - 1)
    ):
        return start - 1
    return start


def _all_over(norms: list[str], i: int) -> bool:
    """True at the "over" of "all over the road": everywhere on it, not above it."""
    return i >= 1 and norms[i] in {"over", "ova"} and norms[i - 1] in {"all", "aal"}


def _scene_before_relation(doc: Doc, norms: list[str], classes: list[str], start: int) -> int:
    """The start of "the gas station" before a span that opens with a relation ("in front
    of the hospital") or a distance ("two blocks from the cinema", "a dos cuadras del
    parque"), when that landmark is not what the message is about; else `start`."""
    if start < 2 or not (
        _relation_before(norms, start)
        or _in_front_at(norms, start)
        or (norms[start] in _LINKED_ONLY and norms[start + 1] in RELATION_LINKS)
        or _distance_opens(norms, start) is not None
    ):
        return start
    k = start - 1
    # a house, a road, a lot only carry the place after them ("the road [behind the hospital]")
    if word_class(norms[k]) != "LM" or norms[k] in _CARRIERS:
        return start
    while k >= 1 and word_class(norms[k - 1]) == "LM":
        k -= 1
    if k >= 2 and word_class(norms[k - 1]) == "O" and word_class(norms[k - 2]) == "DET":
        k -= 1  # "the chinese shop"
    if k < 1 or word_class(norms[k - 1]) != "DET" or norms[k - 1] not in DEFINITE:
        return start
    first = k - 1
    return start if _is_subject(doc, norms, first) else first


def _subject_gives_way(doc: Doc, norms: list[str], classes: list[str], start: int, end: int) -> int:
    """The start of the locating phrase when the span is, or begins inside, the landmark
    that opens the message followed by where it is; else `start`."""
    n = len(norms)
    k = _clause_start(doc, start)
    if start >= 1 and norms[start - 1] in _ASKED_TO_MEND:
        k = start  # "send somebody to cut [the park in las flores]": what is reported
    while k < n and (norms[k] in _SUBJECT_BEFORE or doc[k].is_punct):
        k += 1
    if k > start or k >= n or (classes[k] != "DET" and word_class(norms[k]) != "DET"):
        return start
    k += 1
    skipped = 0
    while k < n and word_class(norms[k]) == "O" and skipped < 2 and doc[k].is_alpha:
        k += 1
        skipped += 1
    if k >= n or word_class(norms[k]) != "LM":
        return start
    while k < n and (word_class(norms[k]) == "LM" or norms[k] in {"building", "bildin"}):
        k += 1
    # "el edificio viejo del banco en", "el hotel abandonado enfrente de": Spanish
    # describes the landmark after its noun
    while k < n - 1 and norms[k] in _AFTER_NOUN:
        k += 1
    if k >= n - 1:
        return start
    if classes[k] == "PLACE_B":
        place = k  # Kriol leaves the preposition out: "di bar [san martin] gat big noise"
    elif norms[k] in {"de", "del"}:
        # "el bar de [san antonio]", but "la estacion de policia" is one name
        named = k + 2 if classes[k + 1] == "DET" and k + 2 < n else k + 1
        if classes[named] != "PLACE_B":
            return start
        place = k + 1
    elif _in_front_at(norms, k):
        place = k  # "the road [in front of the clinic]"
    elif norms[k] in _PLACED_BY:
        place = k + 1
    elif _relation_before(norms, k) or (
        norms[k] in _LINKED_ONLY and norms[k + 1] in RELATION_LINKS
    ):
        place = k
    else:
        return start
    # the span holds the landmark, or starts within the locating phrase's first words
    return place if start <= place + 2 and place < end else start


# Words that describe a landmark after its noun ("la escuela vieja", "el hotel abandonado").
_AFTER_NOUN = frozenset(
    {"viejo", "vieja", "viejos", "viejas", "abandonado", "abandonada", "abandonados",
     "abandonadas", "principal", "central", "quemado", "quemada", "vacio", "vacia"}
)  # fmt: skip
_SENTENCE_ENDS = frozenset({".", "?", "!"})
# Verbs that ask for a reported thing to be mended or looked at: their object is the thing.
_ASKED_TO_MEND = frozenset(
    {"cut", "kot", "chapear", "chapeen", "check", "chek", "fix", "clean", "limpiar", "limpien",
     "arreglar", "arreglen", "report", "reportar", "repair"}
)  # fmt: skip


def _clause_start(doc: Doc, start: int) -> int:
    """The first token of the sentence `start` is in ("weh unu deh? [di bridge ...]")."""
    for i in range(start - 1, -1, -1):
        if doc[i].is_punct and set(doc[i].text) <= _SENTENCE_ENDS:  # ".", "?", "?!"
            return i + 1
    return 0


# Things reported with their place, not landmarks people meet at: "the sidewalk on ring
# road" points at ring road.
_REPORTED_HEADS = _GENERIC_HEADS | _GENERIC_ROADS | frozenset(
    {"building", "bildin", "garage", "drain", "drains", "crossing", "post", "pole", "curve",
     "parking", "calle", "camino", "area", "bridge", "lamp", "light", "lite", "poste"}
)  # fmt: skip
# Landmark nouns that do not finish a place's name: a reported thing or a count.
_NOT_NAME_NOUNS = _REPORTED_HEADS | _COUNT_WORDS


# Greetings that open a message before its subject ("good evening the club ...").
GREETINGS = frozenset(
    {"hi", "hello", "gud", "good", "morning", "evening", "afternoon", "buenas", "buenos", "dias",
     "tardes", "noches"}
)  # fmt: skip
# Words after which a noun phrase is still the subject of the message.
_SUBJECT_BEFORE = GREETINGS | frozenset(
    {"why", "does", "do", "and", "an", "ahn", "y", "but", "pero", "ivnin", "que", "that", "dat",
     "weekend", "evry", "every", "now", "ahora", "ahorita"}
)  # fmt: skip


_NEAR = frozenset({"near", "nier", "cerca", "close", "next", "beside", "junto"})


def _link_after(norms: list[str], j: int) -> int | None:
    """The index after the words at `j` that place one thing by another ("near", "frente
    al", "across from", "a dos cuadras del", "in front of"), or None."""
    n = len(norms)
    if j >= n - 1:
        return None
    if _in_front_at(norms, j):
        j += 1
    if norms[j] in _NEAR or (norms[j] in LEFT_RELATIONS and _relation_before(norms, j)):
        j += 1
        if j < n - 1 and norms[j] in RELATION_LINKS | {"to"}:
            j += 1
        return j
    if norms[j] in _LINKED_ONLY and norms[j + 1] in RELATION_LINKS:
        return j + 2
    if norms[j] in _PLACED_BY:
        return j + 1
    count = _distance_opens(norms, j)
    return count + 3 if count is not None else None


def _named_place_end(norms: list[str], classes: list[str], j: int) -> int | None:
    """The end of a place phrase at `j`: a known place, or a landmark with its article."""
    n = len(norms)
    article = j < n - 1 and classes[j] == "DET" and word_class(norms[j]) == "DET"
    if classes[j] == "PLACE_B":
        j += 1
    elif article or norms[j - 1] in {"del", "al"}:
        j += 1 if article else 0
        if j < n - 1 and word_class(norms[j]) == "O" and word_class(norms[j + 1]) == "LM":
            j += 1  # "the fiesta grounds", "the chinese shop"
        if j >= n or (classes[j] != "PLACE_B" and word_class(norms[j]) != "LM"):
            return None
        j += 1
    else:
        return None
    while j < n and (classes[j] == "PLACE_I" or word_class(norms[j]) == "LM"):
        j += 1
    return j


# Links after a landmark's place to the named place that places it in turn.
_TAIL_LINKS = frozenset(
    {"de", "del", "in", "en", "eena", "by", "near", "nier", "on", "pan", "at"}
)  # fmt: skip


def _placing_phrase_after(norms: list[str], classes: list[str], start: int, end: int) -> int:
    """The end over "near the market", "frente al hospital", "del parque de benque" after
    a landmark, when a place phrase follows its link; else `end`."""
    n = len(norms)
    after = _link_after(norms, end)
    if after is None or after >= n:
        return end
    place_end = _named_place_end(norms, classes, after)
    if place_end is None or place_end - start > 12:
        return end
    # "del parque [de benque]": a named place that places the landmark comes along
    if place_end < n - 1 and norms[place_end] in _TAIL_LINKS:
        tail = place_end + 1
        if classes[tail] == "DET" and tail + 1 < n:
            tail += 1
        if classes[tail] == "PLACE_B":
            tail += 1
            while tail < n and classes[tail] == "PLACE_I":
                tail += 1
            place_end = tail
    return place_end


_SAINTS = frozenset({"st", "sta", "sto", "ste"})  # "st michael's", "sta elena"
_ABBREVIATIONS = _SAINTS | {"mt", "ft"}
_POSSESSIVE_S = frozenset({"'s", "’s"})


def _saint_named_at(doc: Doc, norms: list[str], i: int) -> bool:
    """True when the word at `i`, after "st", names a saint: a word (not a function word)
    followed by a possessive or a landmark noun ("st michael's", "st joseph school")."""
    n = len(norms)
    return (
        doc[i].is_alpha
        and word_class(norms[i]) == "O"
        and norms[i] not in _CUT | _CONNECTORS | _LEADING_ATTACH | _TIME | _STOP_AFTER
        and i + 1 < n
        and (norms[i + 1] in _POSSESSIVE_S or word_class(norms[i + 1]) == "LM")
    )


def _abbreviation_after(doc: Doc, norms: list[str], end: int) -> int:
    """The end over ". Martin's school" (or " michael's") after a span that stops on "St",
    and over a possessive "'s" and the landmark nouns after it ("[st martin's] school"),
    else `end`."""
    n = len(norms)
    if end < n and end >= 1 and norms[end] in _POSSESSIVE_S and doc[end - 1].is_alpha:
        j = end + 1  # "behind [st martin]'s"
        while j < n and word_class(norms[j]) == "LM" and j - end < 4:
            j += 1
        return j
    if end < n and norms[end - 1] in _ABBREVIATIONS and _saint_named_at(doc, norms, end):
        j = end + 1  # "two blocks from st [michael's]": a saint's name without its stop
    elif end + 1 < n and norms[end - 1] in _ABBREVIATIONS and doc[end].text == ".":
        if not doc[end + 1].is_alpha or norms[end + 1] in _CUT:
            return end
        j = end + 2
    else:
        return end
    while j < n and (norms[j] in _POSSESSIVE_S | {"s"} or (doc[j].is_alpha and doc[j].is_title)):
        j += 1  # "St. Martin's", "Sta. Elena"
    while j < n and word_class(norms[j]) == "LM" and j - end < 6:
        j += 1  # "school", "market"
    return j


# What a Spanish landmark is "de": "el centro de salud", "la estacion de policia".
_ES_COMPOUND_TAILS = frozenset(
    {"salud", "buses", "bus", "futbol", "policia", "bomberos", "basket", "basketball", "licor",
     "juegos", "gobierno", "taxis", "gasolina", "abarrotes"}
)  # fmt: skip
_ROADS_ES = frozenset({"calle", "carretera", "camino", "callejon", "avenida"})
# The Spanish roads a landmark after "del" names ("la avenida del cementerio"); a calle,
# carretera or camino nobody named only leads to it ("la calle del [hospital]").
_NAMED_BY_LANDMARK_ES = _ROADS_ES - _ANY_ROAD
_ROAD_NAMES_ES = frozenset(
    {"costera", "principal", "norte", "sur", "este", "oeste", "vieja", "nueva", "colibri",
     "occidental", "panamericana"}
)  # fmt: skip


def _road_name_after(norms: list[str], classes: list[str], end: int) -> int:
    """The end over the name after a Spanish road word that ends the span, else `end`."""
    n = len(norms)
    if end >= n or norms[end - 1] not in _ROADS_ES:
        return end
    if norms[end] in _ROAD_NAMES_ES:
        return end + 1
    if norms[end] not in {"de", "del"} or end + 1 >= n:
        return end
    j = end + 1
    if norms[end] == "de" and j < n - 1 and classes[j] == "DET":
        j += 1
    if norms[j] in _ROAD_NAMES_ES:
        return j + 1
    if classes[j] in {"PLACE_B", "LM"} or word_class(norms[j]) == "LM":
        j += 1
        while j < n and classes[j] in {"PLACE_I", "LM"}:
            j += 1
        return j
    return end


def _is_subject(doc: Doc, norms: list[str], start: int) -> bool:
    """True when the phrase at `start` opens the message or follows only a greeting or a
    subject word ("why does the bar ..."): what the message is about, not where."""
    if start >= 1 and norms[start - 1] in _SUBJECT_BEFORE:
        return True
    return all(norms[k] in _SUBJECT_BEFORE or doc[k].is_punct for k in range(start))


def _landmark_before(norms: list[str], classes: list[str], start: int) -> int:
    """The start of "the shop on" before a predicted "hummingbird hwy", else `start`."""
    if start < 2 or norms[start - 1] not in _PLACED_BY:
        return start
    k = start - 2
    # the landmark may be a phrase the gazetteer knows ("the river" at roaring creek)
    landmark = classes[k] == "LM" or (classes[k] == "PLACE_I" and word_class(norms[k]) == "LM")
    if not landmark or classes[start] not in {"PLACE_B", "DET"} or norms[k] in _REPORTED_HEADS:
        return start
    if norms[k] in _NO_LANDMARK_HEADS:
        return start  # "di farm eena [spanish lookout]", "la colonia de [san martin]"
    if norms[k] in _UNNAMED_SPOTS and norms[start - 1] not in _NAMING_LINKS:
        return start  # "the junction by [the market]" (but "la curva del cementerio")
    if norms[k] in _UNNAMED_WAYS and norms[start - 1] in _ROAD_IN | _ROAD_TO:
        # "di hywe eena [double head cabbage]", "la carretera de [orange walk]": a road
        # nobody named, in or leading to its place
        return start
    if k >= 2 and classes[k - 1] == "O" and word_class(norms[k - 2]) == "DET":
        first = k - 2  # "the chinese shop in"
    elif k >= 1 and word_class(norms[k - 1]) == "DET":
        first = k - 1
    else:
        return start
    if norms[first] in _INDEFINITE:
        return start  # "a bar in [santa elena]": an indefinite landmark is no place
    if first == 0 or norms[first - 1] in _SUBJECT_BEFORE:
        # "the old hotel on the highway is abandoned": the landmark is what is reported,
        # and only its place is the span
        return start
    return first


# Spots on a road that only something else names: "the curve past ...", "the junction by"
_UNNAMED_SPOTS = frozenset(
    {"curve", "curva", "junction", "cruce", "crossing", "krasin", "entrance", "entrada"}
)
_NAMING_LINKS = frozenset({"of", "de", "del", "to", "a", "al", "tu"})


def _drop_generic_head(norms: list[str], classes: list[str], start: int, end: int) -> int:
    """The start after a leading generic noun and its link word, when a place follows."""
    indefinite = _indefinite_head(norms, classes, start, end)
    if indefinite != start:
        return indefinite
    i = start
    if i < end and (
        classes[i] == "DET"
        or norms[i] in _COUNT_WORDS
        # "the junction" is a known name too (a gazetteer alias), and still no place
        or (word_class(norms[i]) == "DET" and i + 1 < end and norms[i + 1] in _UNNAMED_SPOTS)
    ):
        i += 1
    if (
        i + 1 < end
        and classes[i] == "O"
        and norms[i + 1] in _GENERIC_HEADS | _UNNAMED_SPOTS | _NO_LANDMARK
    ):
        i += 1  # "a locked room", "the empty house", "the blind curve"
    elif (
        i + 2 < end
        and classes[i] in {"O", "REL"}
        and norms[i + 1] in _UNNAMED_WAYS
        and norms[i + 2] in _ROAD_TO
    ):
        i += 1  # "the back road to [roaring creek]"
    if i >= end - 1:
        return start
    head = norms[i]
    j = i + 1
    if (
        head in _UNNAMED_WAYS
        and j < end - 1
        and classes[j] == "O"
        and (norms[j] not in _ROAD_NAMES_ES or head not in {"carretera", "highway"})
        and norms[j + 1] in _ROAD_TO
    ):
        # "la calle principal de [valley of peace]": an adjective after a street (but "la
        # carretera costera" is a name)
        j += 1
    if (
        head in _GENERIC_HEADS
        and j < end - 1
        and classes[j] == "O"
        and norms[j + 1] in (LEFT_RELATIONS | _GENERIC_LINKS)
    ):
        j += 1  # "la casa azul atras de"
    if j >= end - 1:
        return start
    if head in _MOVERS and norms[j] in {"de", "del", "to", "fram", "from", "frum"}:
        return j + 1  # "el bus de [corozal]", "the bus to [san ignacio]"
    if head in _BODY_PARTS and norms[j] in _PLACING_LINKS:
        # "shot in the back near [the bridge]", "foaming at the mouth near [the library]":
        # a part of a body is no place
        return j + 1
    if head in _GENERIC_HEADS:
        if norms[j] in LEFT_RELATIONS:
            return j
        if norms[j] in _GENERIC_LINKS:
            return j + 1
    elif head in _UNNAMED_SPOTS and norms[j] not in _NAMING_LINKS:
        # "the blind curve [past the baptist high school]", "the junction by [the market]":
        # a curve or junction nobody named is no place, what places it is ("the junction
        # to teakettle", "la curva del cementerio": named by it, stay whole)
        if norms[j] in LEFT_RELATIONS:
            return j
        if norms[j] in _PLACING_LINKS:
            return j + 1
    elif head in _ANY_ROAD and (
        (norms[j] in LEFT_RELATIONS and norms[j] not in _LINKED_ONLY) or _distance_at(norms, j)
    ):
        return j  # "the highway [a mile past armenia]", "la carretera [entre X y Y]"
    elif head in _ANY_ROAD and norms[j] in _ROAD_IN | {"into"}:
        if j + 1 < end - 1 and _in_front_at(norms, j):
            return j  # "the road [in front of the clinic]"
        return j + 1
    elif (
        head in _UNNAMED_WAYS
        and norms[j] in _ROAD_TO
        and j + 1 < end
        and norms[j + 1] not in _ROAD_NAMES_ES  # "la carretera del norte" is a name
    ):
        return j + 1  # "the road to [armenia]", "el camino a [camalote]", "the highway by [X]"
    elif head in _REPORTED_HEADS and norms[j] in _PLACING_LINKS:
        return j + 1  # "lamp [post by] the taxi stand", "the bridge at teakettle"
    elif head in _NO_LANDMARK_HEADS and norms[j] in _PLACING_LINKS | {"de", "del", "of"}:
        return j + 1  # "the orange farm near [san antonio]", "la colonia de [san martin]"
    return start


def _indefinite_head(norms: list[str], classes: list[str], start: int, end: int) -> int:
    """The start after "a bar in", "una construccion en", "wan shop eena": an indefinite
    landmark is no place ("a bar"), the place after it is; else `start`."""
    if norms[start] not in _INDEFINITE or start + 3 > end - 1:
        return start
    first = norms[start + 1]
    if classes[start + 1] == "DET" or first in _COUNT_WORDS | _DISTANCE_UNITS:
        return start  # "a la escuela" (a preposition), "a mile from", "a una cuadra"
    for k in (start + 2, start + 3):
        if k < end - 1 and norms[k] in _INDEFINITE_LINKS:
            if all(classes[m] in {"O", "LM"} for m in range(start + 1, k)):
                return k + 1
            return start
    return start


_INDEFINITE = frozenset({"a", "an", "wan", "un", "una"})
_IN_LINKS = frozenset({"in", "inna", "eena", "ina", "en", "on", "pan", "at", "da"})
# what an indefinite landmark is "of": "una finca de [san antonio]"
_INDEFINITE_LINKS = _IN_LINKS | {"de", "del"}
_INTO = frozenset({"into", "onto"})
_WITH = frozenset({"with", "wid", "con", "sin", "without"})
# Particles of a verb before "at"/"in": "set up at", "hang out in", "dung eena".
_PARTICLES = frozenset({"up", "down", "dung", "out", "back", "round", "over"})
_BODY_PARTS = frozenset({"back", "mouth", "face", "head", "boca", "cara", "cabeza"})


# Links after which a reported thing's place follows: "the curve by [the clinic]".
_PLACING_LINKS = frozenset({"by", "near", "at", "in", "eena", "inna", "en", "cerca"})


# "mi kaana", "behind our houses": a personal place only a friend could find is no span.
_POSSESSIVES = frozenset(
    {"my", "mi", "our", "wi", "we", "nuestra", "nuestro", "nuestras", "his", "their", "su", "sus"}
)
# "girls from honduras": where people come from, not where the report happens.
_ORIGINS = frozenset(
    {"guatemala", "honduras", "salvador", "mexico", "nicaragua", "china", "india", "jamaica",
     "haiti", "venezuela", "colombia", "cuba", "taiwan", "usa", "canada",
     "states"}  # "gone to the states": the United States
)  # fmt: skip


def _past_a_personal_place(norms: list[str], classes: list[str], start: int, end: int) -> int:
    """The start of the named place after a personal one ("in front of his house in
    [belize city]"): a house only a friend could find is no span, its village is."""
    for i in range(start, end - 2):
        if norms[i] in _POSSESSIVES:
            for j in range(i + 1, end - 1):
                if norms[j] in _IN_LINKS and classes[j + 1] == "PLACE_B":
                    return j + 1
            break
    return start


def _personal(norms: list[str], classes: list[str], start: int, end: int) -> bool:
    return any(norms[i] in _POSSESSIVES for i in range(start, end)) and not any(
        classes[i] == "PLACE_B" for i in range(start, end)
    )


# Vehicles and people move: "a taxi", "the driver", "el bus de [corozal]" locate nothing.
_MOVERS = frozenset(
    {"bus", "buses", "car", "cars", "kyar", "van", "truck", "trucks", "taxi", "taxis", "carro",
     "camion", "moto", "bike", "driver", "drivers", "chofer", "man", "woman", "people", "gente"}
)  # fmt: skip
# Words that alone locate nothing: "the road", "di whole street", "this area", "entre"; a
# corner, curve, junction or entrance nobody named ("los borrachos de la esquina", "cows on
# the curve", "the stop sign at the junction": never a span alone in the training split).
NOWHERE = (
    _GENERIC_HEADS
    | _GENERIC_ROADS
    | _MOVERS
    | _PATHS
    | frozenset(
        {
            "calle",
            "calles",
            "camino",
            "area",
            "bus",
            "neighbourhood",
            "neighborhood",
            "way",
            "lote",
            "door",
            "doors",
            "wall",
            "whole",
            "this",
            "that",
            "dis",
            "dat",
            "all",
            "curve",
            "curva",
            "intersection",
            "junction",
            "construccion",
            "construction",
            "parking",
            "entrada",
            "entrance",
        }
    )
    | (_BODY_PARTS - {"back"})
)  # "foaming at the mouth" ("the back" is a part: _PART_NOUNS)


# Relation words that are places of their own: "a una cuadra del parque" (but not a bare
# "la esquina", "the corner" or "la entrada": which one?).
# ("the back", "the top" alone are parts of something unnamed: a window, a van, a body.)
# A distance unit alone is none either ("outside the door", "into the houses"): only with
# its count and link ("two doors from ...").
_PLACE_RELATIONS = (_PART_NOUNS | _PAIR_HEADS) - {
    "back",
    "top",
    "end",
    "side",
    "middle",
    "corner",
    "kaana",
    "esquina",
    "entrance",
    "entrada",
}


def _generic_only(norms: list[str], classes: list[str], start: int, end: int) -> bool:
    """Nothing but articles, relation words and generic nouns: no place anyone could find."""
    return all(
        (
            classes[i] in {"DET", "REL", "ATT"}
            or word_class(norms[i]) == "DET"  # "the" of a nameless "the junction"
            or norms[i] in _NO_PLACE_WORDS
        )
        and norms[i] not in _PLACE_RELATIONS
        for i in range(start, end)
    )


# Nouns that name no landmark a stranger could find, alone with an article: "the village",
# "the farm", "di drain", "el terreno", "di place" (the convention's own examples).
_NO_LANDMARK = frozenset(
    {"village", "villages", "aldea", "farm", "finca", "drain", "drains", "alcantarilla",
     "terreno", "potrero", "community", "town", "city", "ciudad", "gate", "place", "patio",
     "pueblo", "border", "frontera", "parqueo", "rancho", "colonia", "barrio"}
)  # fmt: skip
# with an unnamed road and a count: "la curva de la carretera", "the two streets"
_NO_PLACE_WORDS = NOWHERE | _NO_LANDMARK | _ANY_ROAD | _COUNT_WORDS
# No landmark alone, but a part of the one they are "of": "[el patio de la escuela]"
_PARTS = frozenset({"patio", "gate"})
# The no-landmark nouns that give way to the place after them ("la colonia de [X]")
_NO_LANDMARK_HEADS = _NO_LANDMARK - _PARTS
# School as the institution one attends ("no la manda a la escuela", "walk to school") is
# no place; the building is ("outside the school", "robaron a la escuela").
SCHOOLS = frozenset({"school", "skool", "skul", "escuela", "colegio", "college", "university"})
# Going to school: "no va a la escuela", "caminen solos a la escuela".
_GO_VERBS = frozenset(
    {"va", "van", "ir", "iba", "iban", "fue", "fueron", "vaya", "vayan", "voy", "vamos",
     "manda", "mandan", "mandar", "lleva", "llevan", "llevar", "camina", "caminan", "caminen",
     "caminar", "regresa", "regresan", "vuelve", "vuelven"}
)  # fmt: skip


# "el camino", "del camino": a road, not "on the way" ("camino a la escuela")
_ROAD_ARTICLES = frozenset({"el", "del", "al", "un", "ese", "este"})


# Coming back from school: "cuando vuelven de la escuela", "no ha regresado de la escuela".
_BACK_VERBS = frozenset(
    {"vuelve", "vuelven", "volvio", "volver", "regresa", "regresan", "regreso", "regresado",
     "regresar", "sale", "salen", "salio", "salir", "llega", "llegan", "llego"}
)  # fmt: skip


def _school_attended(norms: list[str], start: int, end: int) -> bool:
    """True for "[la escuela]" after a verb of going and "a" (or "camino a": on the way to
    it), after a verb of coming back and "de", or after pupils and "de": the institution
    attended. "el camino a [la escuela]" is the road to the building: a road nobody named
    leads to its place."""
    first = start + 1 if word_class(norms[start]) == "DET" else start
    if not (end - first == 1 and norms[first] in SCHOOLS and start >= 2):
        return False
    # "caminen solos a la escuela", "van a pie a la escuela": two words may stand between
    before = range(max(0, start - 4), start - 1)
    if norms[start - 1] in {"a", "al"}:
        return any(
            norms[k] in _GO_VERBS
            or (norms[k] == "camino" and (k == 0 or norms[k - 1] not in _ROAD_ARTICLES))
            for k in before
        )
    if norms[start - 1] in {"de", "del"}:
        # "cuando vuelven de la escuela"; "los chamacos de la escuela": the pupils
        return norms[start - 2] in _PEOPLE or any(norms[k] in _BACK_VERBS for k in before)
    return False


# "behind me", "backa ahn": a relation to a person locates nothing.
_PRONOUNS = frozenset(
    {"me", "him", "ih", "her", "ahn", "us", "wi", "them", "dehn", "you", "yu", "unu", "ella",
     "nosotros", "ellos"}
)  # fmt: skip


# Places people go to drink and dance: as the subject with no place named, what the message
# reports, not where ("la discoteca nunca cierra a tiempo", "the club plays music till 4").
VENUES = frozenset(
    {"bar", "bars", "club", "clubs", "disco", "discoteca", "cantina", "canteen", "nightclub",
     "dancehall", "billar"}
)  # fmt: skip


def _establishment_reported(doc: Doc, norms: list[str], start: int, end: int) -> bool:
    """True for "[the club]" alone as the message's subject, nothing placing it after."""
    first = start + 1 if word_class(norms[start]) == "DET" else start
    return (
        end - first == 1
        and norms[first] in VENUES
        and _is_subject(doc, norms, start)
        and not (end < len(norms) and norms[end] in _PLACED_BY)
    )


def _about_a_person(norms: list[str], start: int, end: int) -> bool:
    """True for "[behind him]" and "[in front of the kids]": a relation that places people."""
    if start + 1 < len(norms) and norms[start] in LEFT_RELATIONS and norms[start + 1] in _PRONOUNS:
        return True
    k = _after_front_of(norms, start, end)
    if k is None:
        return False
    if norms[k] in {"the", "di", "la", "las", "los", "el"}:
        k += 1
    return k == end - 1 and norms[k] in _EVERYONE


def _origin(norms: list[str], start: int, end: int) -> bool:
    """A foreign country alone: where someone comes from or is taken to ("girls from
    [honduras]", "la van a pasar a [guatemala]"), never where the hazard is (but "afuera de
    [la tienda china]": a shop the country's name only describes)."""
    first = start + 1 if start + 1 < end and norms[start] in {"la", "el", "the", "di"} else start
    return end - first == 1 and norms[first] in _ORIGINS


def from_gazetteer(doc: Doc) -> tuple[int, int] | None:
    """The first known place the message attaches with a preposition or relation word."""
    for i, token in enumerate(doc):
        if token.lemma_ != "PLACE_B":
            continue
        end = i + 1
        while end < len(doc) and doc[end].lemma_ == "PLACE_I":
            end += 1
        start = i
        if start >= 1 and doc[start - 1].lemma_ == "DET":
            start -= 1
        whole = all(t.lemma_ in _FILLER or t.is_punct for t in doc[:start]) and all(
            t.lemma_ in _FILLER or t.is_punct for t in doc[end:]
        )
        # "salvapan", not "di market"; "se cayo" (it fell) is a verb, not the Cayo District
        proper = word_class(token.norm_) == "O" and (i == 0 or doc[i - 1].norm_ not in _CLITICS)
        attached = start >= 1 and (
            doc[start - 1].lemma_ in _FILLER or doc[start - 1].norm_ in MOTION_PREPOSITIONS
        )
        if not whole and not proper and not attached:
            continue  # the subject of the sentence ("the bar sells to kids"), not a place
        return refine(doc, start, end)
    return None


# What ends a street's name: "forest drive", "mahogany st", "hummingbird avenue".
_ROAD_SUFFIXES = frozenset(
    {"drive", "dr", "street", "st", "avenue", "ave", "boulevard", "blvd", "road", "rd",
     "parade", "lane", "crescent"}
)  # fmt: skip
# Words before a street's name that place something on it ("on forest drive", "the whole
# stretch of forest drive"); an article before it makes it generic ("the main road").
_ON_A_STREET = frozenset(
    {"on", "pan", "along", "of", "in", "eena", "inna", "en", "at", "da", "by", "near", "off",
     "down", "up", "dung", "to", "from", "fram"}
)  # fmt: skip


def from_road_name(doc: Doc) -> tuple[int, int] | None:
    """A street the gazetteer does not know, by the shape of its name: one or two plain words
    and a street word, after a preposition ("on [forest drive]", "of [mahogany street]")."""
    norms = [t.norm_ for t in doc]
    for i in range(2, len(doc)):
        if norms[i] not in _ROAD_SUFFIXES:
            continue
        k = i
        while k > 0 and i - k < 2 and _name_word(doc, norms, k - 1):
            k -= 1
        if k == i or k == 0 or norms[k - 1] not in _ON_A_STREET:
            continue
        bounds = refine(doc, k, i + 1)
        if bounds is not None:
            return bounds
    return _spanish_road(doc, norms)


# "en la carretera costera", "por la carretera del norte": a Spanish road and its name
_ES_ON_A_ROAD = frozenset({"en", "por", "de", "a", "sobre", "hacia"})
# the names that make one road of it ("la calle principal" is any village's main street)
_SPANISH_ROAD_NAMES = _ROAD_NAMES_ES - {"principal"}


def _spanish_road(doc: Doc, norms: list[str]) -> tuple[int, int] | None:
    """A Spanish road by its name ("[la carretera costera]", "[la carretera del colibri]",
    "[la carretera hummingbird]"): not "la calle principal", which the data leaves generic."""
    n = len(norms)
    for i in range(2, n - 1):
        if norms[i] not in _ROADS_ES or norms[i - 1] not in {"la", "el"}:
            continue
        if norms[i - 2] not in _ES_ON_A_ROAD:
            continue
        j = i + 1
        if norms[j] == "del" and j + 1 < n:
            j += 1
        named = (norms[j] in _SPANISH_ROAD_NAMES) or (
            doc[j].lemma_ in {"PLACE_B", "PLACE_I"} and j == i + 1
        )
        if named:
            return i - 1, j + 1
    return None


def _mile_marker_end(norms: list[str], j: int) -> int:
    """The end of "mile 49" starting at `j`, else 0."""
    if j + 1 < len(norms) and norms[j] in {"mile", "milla"} and norms[j + 1].isdigit():
        return j + 2
    return 0


def _road_name_end(doc: Doc, norms: list[str], j: int) -> int:
    """The end of a street name the gazetteer does not know starting at `j` ("burns
    avenue", "forest drive"), else 0."""
    k = j
    while k < len(norms) and k - j < 2 and _name_word(doc, norms, k):
        k += 1
    return k + 1 if j < k < len(norms) and norms[k] in _ROAD_SUFFIXES else 0


def _name_word(doc: Doc, norms: list[str], i: int) -> bool:
    word = norms[i]
    return (
        doc[i].is_alpha
        and len(word) >= 3
        and doc[i].lemma_ == "O"
        and word_class(word) == "O"
        and word not in _CUT | _TIME | _STOP_AFTER | _PRONOUNS | _COUNT_WORDS | NOWHERE
    )


_FILLER = frozenset({"ATT", "DET", "REL"})
# Where someone is heading or coming from: "ran toward [las flores]", "since [the bus
# terminal]".
MOTION_PREPOSITIONS = frozenset(
    {"since", "desde", "toward", "towards", "hacia", "into", "onto", "through", "thru",
     "chru", "til", "till", "until", "hasta"}
)  # fmt: skip
_CLITICS = frozenset({"se", "me", "le", "te", "nos", "les", "lo"})


def only_a_place(doc: Doc, start_char: int | None, end_char: int | None) -> bool:
    """True when the message is nothing but a place phrase ("behind the hospital")."""
    if start_char is None or end_char is None:
        return False
    for token in doc:
        inside = token.idx >= start_char and token.idx + len(token.text) <= end_char
        if inside or token.is_punct or token.is_space or token.lemma_ in _FILLER:
            continue
        if token.norm_ in {"pls", "please", "plz", "porfa", "ok", "okay", "si", "yes"}:
            continue
        return False
    return True


def span_of(doc: Doc, bounds: tuple[int, int]) -> Span:
    return doc[bounds[0] : bounds[1]]


# "the", "di", "el", "that": a landmark someone points at ("a bar", "los bares" are any).
DEFINITE = frozenset({"the", "di", "dah", "el", "la", "this", "that", "dis", "dat", "esa",
                       "ese", "este", "esta"})  # fmt: skip
# Landmark words that alone point nowhere a stranger could find: "la calle", "the village",
# "the empty lot", "el edificio", "the farm", "di drain".
UNPLACED = NOWHERE | frozenset(
    {"aldea", "village", "villages", "terreno", "lots", "building", "bildin", "edificio",
     "drain", "drains", "alcantarilla", "semaforo", "police", "policia", "tree", "trees",
     "gate", "patio", "potrero", "pump", "farm", "finca", "warehouse", "bodega", "shed",
     "tank", "tanque", "rowd", "carretera", "highway", "two", "community", "barrio",
     "colonia", "town", "city", "ciudad", "drive", "avenue", "ave", "lane", "parade",
     "route", "ruta"}
)  # fmt: skip
# Landmark nouns that only carry the relation after them, never a scene of their own.
_CARRIERS = _REPORTED_HEADS | _ANY_ROAD | UNPLACED

# What finishes a landmark's name after it: "the old bank [building]", "la panaderia
# [cerrada]", "el puente [peatonal]".
LANDMARK_TAILS = frozenset(
    {"building", "bildin", "buildings", "cerrada", "cerrado", "abandonada", "abandonado",
     "viejo", "vieja", "peatonal", "principal", "central", "nuevo", "nueva", "quemada",
     "quemado", "catolica", "adventista", "metodista", "anglicana", "bautista", "evangelica",
     "nazarena", "menonita", "pentecostal", "publica", "publico", "municipal", "primaria",
     "secundaria", "colgante", "comunitario", "comunal"}
)  # fmt: skip
