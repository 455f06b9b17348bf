"""Every reply fits one GSM-7 SMS segment in every language, with real values filled in."""

from __future__ import annotations

import string

import pytest

from actions.texts import CATEGORY_LABELS, STATUS_LABELS, TEXTS, category_label, text
from bot.channels.outbound_text import gsm7_length, is_gsm7, to_gsm7
from nlu.categories import CATEGORY_CODES

# The longest values each placeholder takes in practice.
WORST_CASE = {
    "reference": "BZ-WWWW",
    "emergency": "911",
    "helpline": "0-800-7233-669",
    "text": "x" * 40,
    "place": "x" * 70,
    "category": max(
        (label for labels in CATEGORY_LABELS.values() for label in labels.values()), key=len
    ),
    "status": max(
        (label for labels in STATUS_LABELS.values() for label in labels.values()), key=len
    ),
    "options": "1 San Antonio (Cayo), 2 San Antonio (Toledo), 3 San Antonio (Orange Walk)",
}


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(TEXTS))
@pytest.mark.parametrize("language", ["en", "es", "bzj"])
def test_text_fits_one_sms_segment(key: str, language: str) -> None:
    template = TEXTS[key][language]
    filled = text(key, language, **{name: WORST_CASE[name] for name in _fields(template)})
    assert is_gsm7(filled), filled
    assert gsm7_length(filled) <= 160, (len(filled), filled)


def test_every_category_has_a_label_in_every_language() -> None:
    for code in CATEGORY_CODES:
        for language in ("en", "es", "bzj"):
            assert category_label(code, language)


def test_gsm7_transliteration() -> None:
    assert to_gsm7("Está allá, señor 😀 ¿sí?") == "Esta alla, señor ¿si?"
    assert to_gsm7("“quoted” — dash…") == '"quoted" - dash...'
    assert is_gsm7(to_gsm7("a\x00b\u200bc"))
