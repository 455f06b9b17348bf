"""Chooses and builds the NLU engine named in settings."""

from __future__ import annotations

from pathlib import Path

from nlu.engine import NluEngine

ENGINES = ("embedded", "rasa", "keywords")


def load_engine(
    name: str = "embedded", *, rasa_url: str | None = None, cache: Path | None = None
) -> NluEngine:
    """Build the engine called `name`.

    - "embedded": the trained spaCy pipeline (trained first if no model is cached for the
      current data; see nlu/embedded/store.py for where the cache lives);
    - "rasa": a Rasa 3.6 server at `rasa_url`, falling back to the embedded engine when it
      is down;
    - "keywords": the small rule-based baseline.
    """
    if name == "embedded":
        from nlu.embedded.engine import EmbeddedEngine

        return EmbeddedEngine.load(cache=cache)
    if name == "rasa":
        from nlu.rasa_engine import DEFAULT_URL, RasaEngine

        return RasaEngine(
            rasa_url or DEFAULT_URL,
            fallback=lambda: load_engine("embedded", cache=cache),
        )
    if name == "keywords":
        from nlu.keyword_engine import KeywordEngine

        return KeywordEngine()
    raise ValueError(f"unknown NLU engine {name!r}: use one of {', '.join(ENGINES)}")
