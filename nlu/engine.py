"""The seam every NLU engine sits behind."""

from __future__ import annotations

from typing import Protocol

from nlu.types import ParseResult


class NluEngine(Protocol):
    """Turns one message's text into a ParseResult. Must never raise on any str input."""

    name: str

    def parse(self, text: str) -> ParseResult: ...
