"""The embedded NLU engine: a spaCy 3.8 pipeline trained on the project's own data.

See docs/nlu-evaluation.md for what it reaches and nlu/embedded/train.py for how it learns.
"""

from __future__ import annotations

from nlu.embedded.engine import EmbeddedEngine

__all__ = ["EmbeddedEngine"]
