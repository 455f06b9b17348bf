"""`load_engine` builds the engine named in settings."""

from __future__ import annotations

import pytest

from nlu.loader import load_engine
from nlu.types import ParseResult


def test_keywords_baseline_is_still_available() -> None:
    engine = load_engine("keywords")
    assert engine.name == "keywords"
    assert isinstance(engine.parse("lites out"), ParseResult)


def test_an_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown NLU engine"):
        load_engine("gpt")


def test_rasa_engine_falls_back_to_the_embedded_one_when_rasa_is_down(
    nlu_engine: object,
) -> None:
    # nothing listens on port 9 of localhost: every parse goes to the fallback
    engine = load_engine("rasa", rasa_url="http://127.0.0.1:9")
    assert engine.name == "rasa"
    result = engine.parse("stray dogs biting kids by the school")
    assert result.category == "stray_animals"
