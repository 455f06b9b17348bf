"""Tells English, Spanish and Belizean Kriol apart by their function words."""

from __future__ import annotations

from nlu.text import words

_MARKERS: dict[str, frozenset[str]] = {
    "bzj": frozenset(
        [
            "di",
            "da",
            "mi",
            "wi",
            "unu",
            "yu",
            "noh",
            "nuh",
            "gyal",
            "bwai",
            "pikni",
            "wah",
            "weh",
            "deh",
            "dah",
            "fi",
            "gaan",
            "mek",
            "tek",
            "ih",
            "som",
            "bak",
            "backa",
            "kaana",
            "likl",
            "wen",
            "lite",
            "ahn",
            "tuh",
            "hoh",
            "seh",
            "bout",
            "wa",
            "tan",
            "dehn",
            "mo",
            "neva",
            "nobadi",
            "sumbadi",
            "evry",
            "chrou",
            "chroo",
            "haas",
            "kyaa",
            "kaa",
            "gat",
            "wok",
        ]
    ),
    "es": frozenset(
        [
            "el",
            "la",
            "los",
            "las",
            "un",
            "una",
            "que",
            "de",
            "del",
            "en",
            "hay",
            "por",
            "para",
            "con",
            "esta",
            "estan",
            "calle",
            "cerca",
            "frente",
            "luz",
            "poste",
            "mercado",
            "hombres",
            "mujer",
            "ayuda",
            "gracias",
            "hola",
            "si",
            "no",
            "tengo",
            "miedo",
            "robo",
            "y",
            "es",
            "son",
            "muy",
            "noche",
            "escuela",
            "al",
            "pero",
            "donde",
            "aqui",
            "ahi",
        ]
    ),
    "en": frozenset(
        [
            "the",
            "is",
            "are",
            "a",
            "an",
            "there",
            "street",
            "light",
            "near",
            "by",
            "in",
            "on",
            "at",
            "of",
            "and",
            "it",
            "i",
            "my",
            "someone",
            "people",
            "help",
            "thanks",
            "hello",
            "yes",
            "no",
            "please",
            "with",
            "was",
            "has",
            "been",
            "not",
            "out",
            "broken",
            "dark",
            "behind",
            "front",
            "school",
            "market",
            "road",
        ]
    ),
}
# Words shared by two languages count for neither.
_AMBIGUOUS = frozenset({"no", "a", "de", "si", "di", "in"})


def detect_language(text: str, default: str = "en") -> tuple[str, float]:
    """Return (language code, share of marker words that voted for it)."""
    tokens = [t for t in words(text) if t not in _AMBIGUOUS]
    scores = {lang: sum(1 for t in tokens if t in vocab) for lang, vocab in _MARKERS.items()}
    total = sum(scores.values())
    if total == 0:
        return default, 0.0
    # Kriol shares much of English's vocabulary: a few Kriol markers decide it.
    if scores["bzj"] and scores["bzj"] >= scores["es"]:
        return "bzj", scores["bzj"] / total
    best = max(scores, key=lambda lang: scores[lang])
    return best, scores[best] / total
