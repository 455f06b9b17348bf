"""Chooses and builds the NLU engine named in settings."""

from __future__ import annotations

from nlu.engine import NluEngine
from nlu.keyword_engine import KeywordEngine


def load_engine(name: str = "embedded", *, rasa_url: str | None = None) -> NluEngine:
    """Build the engine called `name` ("embedded" or "rasa")."""
    if name not in {"embedded", "rasa", "keywords"}:
        raise ValueError(f"unknown NLU engine {name!r}: use 'embedded' or 'rasa'")
    return KeywordEngine()
