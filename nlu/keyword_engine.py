"""A small rule-based engine: the first embedded NLU, and the baseline the trained one beats.

Every rule is a stem matched at the start of a folded word, so "lites", "lite", "light"
and "luces" all count; multi-word phrases are matched as folded substrings.
"""

from __future__ import annotations

from nlu.language import detect_language
from nlu.places.gazetteer import Gazetteer, get_gazetteer
from nlu.text import clean, fold, has_letters, words
from nlu.types import LocationResult, ParseResult

_CATEGORY_STEMS: dict[str, tuple[str, ...]] = {
    "street_lighting": (
        "light",
        "lite",
        "lamp",
        "streetlight",
        "dark",
        "daak",
        "luz",
        "luces",
        "poste",
        "oscur",
        "alumbrad",
        "bulb",
        "bombill",
    ),
    "overgrown_vegetation": (
        "bush",
        "grass",
        "overgrown",
        "weed",
        "monte",
        "zacate",
        "hierba",
        "maleza",
        "yerba",
        "jungle",
        "lot",
        "chapi",
        "bushy",
    ),
    "criminal_activity": (
        "drug",
        "weed sell",
        "thief",
        "tief",
        "steal",
        "stole",
        "rob",
        "break in",
        "broke",
        "burglar",
        "gang",
        "gun",
        "shot",
        "gunshot",
        "droga",
        "robo",
        "robaron",
        "ladron",
        "pandill",
        "vandal",
        "crack",
        "sell",
        "selling",
        "vend",
        "arma",
        "pistol",
        "bala",
    ),
    "violence": (
        "fight",
        "fite",
        "beat",
        "bit",
        "stab",
        "juk",
        "assault",
        "pelea",
        "golpe",
        "apuñal",
        "apunal",
        "kill",
        "violen",
        "hit",
        "lick",
        "chop",
        "machete",
        "threat",
        "amenaz",
        "matar",
    ),
    "harassment": (
        "harass",
        "catcall",
        "whistl",
        "grope",
        "touch",
        "follow",
        "stalk",
        "acos",
        "piropo",
        "manose",
        "sigu",
        "expos",
        "flash",
        "molest",
        "pester",
        "hiss",
    ),
    "human_trafficking": (
        "traffick",
        "trata",
        "passport",
        "pasaporte",
        "locked",
        "lock up",
        "encerrad",
        "minor",
        "menor",
        "underage",
        "pay debt",
        "deuda",
        "forced",
        "forzad",
        "no let",
        "noh mek",
        "no dejan",
    ),
    "liquor_establishment": (
        "bar",
        "liquor",
        "rum",
        "beer",
        "cantina",
        "licor",
        "cerveza",
        "drink",
        "drunk",
        "club",
        "music loud",
        "rowdy",
        "borrach",
    ),
    "abandoned_property": (
        "abandon",
        "empty house",
        "derelict",
        "squat",
        "old house",
        "casa vacia",
        "abandonad",
        "unfinish",
        "ruin",
        "car wreck",
        "wreck",
    ),
    "road_safety": (
        "pothole",
        "pot hole",
        "hole",
        "speed",
        "crash",
        "accident",
        "drain",
        "manhole",
        "bache",
        "hueco",
        "choque",
        "velocidad",
        "sign",
        "crossing",
        "reckless",
        "road",
        "traffic",
        "trafico",
        "driv",
        "hoyo",
    ),
    "stray_animals": (
        "dog",
        "dawg",
        "perro",
        "stray",
        "cow",
        "horse",
        "caballo",
        "vaca",
        "animal",
        "livestock",
        "callejer",
    ),
    "other_unsafe": (
        "suspicious",
        "sospech",
        "loiter",
        "unsafe",
        "scared",
        "fraid",
        "miedo",
        "patrol",
        "patrulla",
        "bus stop",
        "parada",
        "strange",
        "stranger",
        "inseguro",
    ),
}

_URGENT_STEMS = (
    "now",
    "right now",
    "help me",
    "ayuda",
    "ahora",
    "gun",
    "pistol",
    "arma",
    "knife",
    "cuchill",
    "machete",
    "bleed",
    "sangr",
    "hurt",
    "heridas",
    "herido",
    "dying",
    "shoot",
    "dispar",
    "stab",
    "juk",
    "rape",
    "violand",
    "kidnap",
    "secuestr",
    "trap",
    "atrapad",
    "emergency",
    "emergencia",
    "rite now",
    "deh happen",
    "is happening",
    "esta pasando",
)

_INTENT_WORDS: dict[str, frozenset[str]] = {
    "greet": frozenset({"hi", "hello", "hey", "hola", "buenas", "wahgwan", "gud", "morning"}),
    "thanks": frozenset({"thanks", "thank", "thx", "gracias", "tanks", "tenk"}),
    "affirm": frozenset(
        {
            "yes",
            "y",
            "yeah",
            "yep",
            "ok",
            "okay",
            "si",
            "correct",
            "correcto",
            "right",
            "ya",
            "yah",
            "sure",
            "confirm",
            "send",
        }
    ),
    "deny": frozenset({"no", "n", "nope", "nah", "wrong", "incorrect", "noh"}),
    "help": frozenset({"help", "ayuda", "info"}),
    "human": frozenset({"person", "human", "agent", "persona", "humano", "agente", "smadi"}),
}


def _stem_hits(folded_words: list[str], folded_text: str, stems: tuple[str, ...]) -> int:
    hits = 0
    for stem in stems:
        if " " in stem:
            hits += folded_text.count(stem)
        else:
            hits += sum(1 for w in folded_words if w.startswith(stem))
    return hits


def _without_span(text: str, location: LocationResult | None) -> str:
    """Place names ("Las Flores") must not vote for a language."""
    if location is None or location.start is None or location.end is None:
        return text
    return text[: location.start] + " " + text[location.end :]


class KeywordEngine:
    name = "keywords"

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        self.gazetteer = gazetteer or get_gazetteer()

    def parse(self, text: str) -> ParseResult:
        text = clean(text) if isinstance(text, str) else ""
        if not has_letters(text):
            return ParseResult(text=text)
        folded = fold(text)
        tokens = words(text)
        location = self.gazetteer.find_in_text(text)
        language, _ = detect_language(_without_span(text, location))
        # Place names must not vote for categories ("Ring Road" is not road safety).
        if location is not None and location.start is not None and location.end is not None:
            rest = folded[: location.start] + " " + folded[location.end :]
            tokens = words(rest)
            folded = rest
        scores = {
            code: _stem_hits(tokens, folded, stems) for code, stems in _CATEGORY_STEMS.items()
        }
        total = sum(scores.values())
        category: str | None = None
        confidence = 0.0
        ranking: tuple[tuple[str, float], ...] = ()
        if total:
            ordered = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
            category, best = ordered[0]
            confidence = best / total
            ranking = tuple((code, score / total) for code, score in ordered if score)
        urgent = _stem_hits(words(text), fold(text), _URGENT_STEMS) > 0 and (
            category is not None or "help" in tokens or "ayuda" in tokens
        )
        intent: str | None = "report" if category else None
        intent_conf = confidence
        if category is None and len(tokens) <= 6:
            for name, vocab in _INTENT_WORDS.items():
                if any(t in vocab for t in tokens):
                    intent, intent_conf = name, 0.8
                    break
        return ParseResult(
            text=text,
            category=category,
            confidence=confidence,
            urgent=urgent,
            language=language,
            intent=intent,
            intent_confidence=intent_conf,
            location=location,
            ranking=ranking,
        )
