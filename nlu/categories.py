"""The report categories: codes are part of the public interface (CATEGORIES.md)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Category:
    code: str
    sensitive: bool


CATEGORIES: tuple[Category, ...] = (
    Category("street_lighting", False),
    Category("overgrown_vegetation", False),
    Category("criminal_activity", False),
    Category("violence", True),
    Category("harassment", True),
    Category("human_trafficking", True),
    Category("liquor_establishment", False),
    Category("abandoned_property", False),
    Category("road_safety", False),
    Category("stray_animals", False),
    Category("other_unsafe", False),
)

CATEGORY_CODES: tuple[str, ...] = tuple(c.code for c in CATEGORIES)
SENSITIVE_CODES: frozenset[str] = frozenset(c.code for c in CATEGORIES if c.sensitive)

# Conversational intents the dialogue understands besides report categories.
CONVERSATION_INTENTS: tuple[str, ...] = (
    "greet",
    "thanks",
    "help",
    "affirm",
    "deny",
    "status",
    "stop",
    "cancel",
    "human",
    "not_report",
)

LANGUAGES: tuple[str, ...] = ("en", "es", "bzj")


def is_sensitive(code: str | None) -> bool:
    return code in SENSITIVE_CODES
