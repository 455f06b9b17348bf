"""Text clean-up shared by every engine: nothing here may raise on any str."""

from __future__ import annotations

import re
import unicodedata

MAX_PARSE_CHARS = 2000

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?", re.UNICODE)


def clean(text: str) -> str:
    """Drop control and invisible characters, collapse whitespace, cap the length."""
    text = text.encode("utf-8", "replace").decode("utf-8")
    text = _CONTROL.sub(" ", text)
    text = _SPACES.sub(" ", text).strip()
    return text[:MAX_PARSE_CHARS]


def fold(text: str) -> str:
    """Lower case without accents: 'Frente al Hospital' -> 'frente al hospital'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)
