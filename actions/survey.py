"""The optional, skippable, anonymous age group and gender questions after a report."""

from __future__ import annotations

from actions.keywords import normalise

AGE_GROUPS = ("under_18", "18_29", "30_49", "50_plus")
GENDERS = ("female", "male", "other")

_AGE_WORDS: dict[str, str] = {
    "1": "under_18",
    "2": "18_29",
    "3": "30_49",
    "4": "50_plus",
    "under 18": "under_18",
    "18-29": "18_29",
    "18 29": "18_29",
    "30-49": "30_49",
    "30 49": "30_49",
    "50+": "50_plus",
    "50": "50_plus",
}
_GENDER_WORDS: dict[str, str] = {
    "1": "female",
    "woman": "female",
    "female": "female",
    "f": "female",
    "mujer": "female",
    "ooman": "female",
    "gyal": "female",
    "femenino": "female",
    "2": "male",
    "man": "male",
    "male": "male",
    "m": "male",
    "hombre": "male",
    "masculino": "male",
    "bwai": "male",
    "3": "other",
    "other": "other",
    "otro": "other",
    "ada": "other",
    "otra": "other",
}


def parse_age_group(text: str) -> str | None:
    folded = normalise(text)
    return _AGE_WORDS.get(folded) or _AGE_WORDS.get(folded.split(" ")[0] if folded else "")


def parse_gender(text: str) -> str | None:
    folded = normalise(text)
    return _GENDER_WORDS.get(folded) or _GENDER_WORDS.get(folded.split(" ")[0] if folded else "")
