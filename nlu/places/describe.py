"""Words for a resolved place: the address of a geopy Location and the confirmation line the
conversation shows ("behind Belmopan Comprehensive School, Cayo District (within about 400 m)"),
in English, Spanish and Belizean Kriol."""

from __future__ import annotations

from nlu.types import LocationResult

_RELATIONS: dict[str, dict[str, str]] = {
    "en": {
        "near": "near {}",
        "next_to": "next to {}",
        "behind": "behind {}",
        "in_front_of": "in front of {}",
        "across_from": "across from {}",
        "on": "on {}",
    },
    "es": {
        "near": "cerca de {}",
        "next_to": "al lado de {}",
        "behind": "detrás de {}",
        "in_front_of": "frente a {}",
        "across_from": "enfrente de {}",
        "on": "en {}",
    },
    "bzj": {
        "near": "nier {}",
        "next_to": "nex to {}",
        "behind": "backa {}",
        "in_front_of": "fronta {}",
        "across_from": "cross fram {}",
        "on": "pan {}",
    },
}
_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "district": "{} District",
        "within": "within about {}",
        "outside": "{}: outside Belize",
        "outside_unnamed": "a place outside Belize",
        "pin": "the point you sent",
        "choose": "Which one do you mean? Answer with the number:",
    },
    "es": {
        "district": "distrito de {}",
        "within": "a unos {}",
        "outside": "{}: fuera de Belice",
        "outside_unnamed": "un lugar fuera de Belice",
        "pin": "el punto que envió",
        "choose": "¿Cuál de estos? Responda con el número:",
    },
    "bzj": {
        "district": "{} District",
        "within": "bout {}",
        "outside": "{}: owtsaid Belize",
        "outside_unnamed": "wahn place owtsaid Belize",
        "pin": "di point weh yu sen",
        "choose": "Wich wan yu mean? Ansa wid di nomba:",
    },
}


def _lang(language: str) -> str:
    return language if language in _WORDS else "en"


def distance_text(metres: float) -> str:
    if metres < 1000:
        return f"{max(10, round(metres, -1)):.0f} m"
    return f"{metres / 1000:.0f} km" if metres >= 10_000 else f"{metres / 1000:.1f} km"


def place_phrase(result: LocationResult, language: str = "en") -> str | None:
    """ "behind Western Regional Hospital": the place with its relation, or None if unnamed."""
    if result.place is None:
        return None
    template = _RELATIONS[_lang(language)].get(result.relation or "")
    return template.format(result.place) if template else result.place


def describe(result: LocationResult, language: str = "en") -> str:
    """The confirmation line for a location (resolved, outside Belize, or a bare pin)."""
    words = _WORDS[_lang(language)]
    phrase = place_phrase(result, language)
    if result.outside_belize:
        return words["outside"].format(phrase) if phrase else words["outside_unnamed"]
    parts: list[str] = []
    if result.street and phrase and result.street not in phrase:
        parts.append(result.street)
    if result.relation == "pin" and phrase is None:
        parts.append(words["pin"])
    elif phrase is not None:
        parts.append(phrase)
    else:
        parts.append(result.text)
    if result.district and not (result.place or "").endswith("District"):
        parts.append(words["district"].format(result.district))
    line = ", ".join(parts)
    if result.precision_m:
        line += f" ({words['within'].format(distance_text(result.precision_m))})"
    return line


def candidate_menu(result: LocationResult, language: str = "en") -> str:
    """The numbered choice for an ambiguous name ("1. San Jose, Orange Walk District ...")."""
    words = _WORDS[_lang(language)]
    lines = [words["choose"]]
    lines += [f"{i}. {c.name}" for i, c in enumerate(result.candidates, start=1)]
    return "\n".join(lines)


def address(result: LocationResult) -> str:
    """A one-line address for a geopy Location ("next to Western Regional Hospital, Cayo
    District, Belize")."""
    phrase = place_phrase(result) or result.text
    if result.outside_belize:
        return phrase
    parts = [result.street, phrase] if result.street and result.street not in phrase else [phrase]
    if result.district and not phrase.endswith("District"):
        parts.append(f"{result.district} District")
    parts.append("Belize")
    return ", ".join(parts)
