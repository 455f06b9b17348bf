"""What the conversation needs to know about its deployment (built from bot settings)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ConversationConfig:
    secret_key: str
    emergency_number: str = "911"
    # Helplines for sensitive categories, by category code; numbers are configuration.
    helplines: dict[str, str] = field(default_factory=dict)
    default_city: str = "Belmopan"
    # A conversation idle longer than this restarts; its half-finished report is kept.
    idle_hours: float = 6.0
    # Below this NLU confidence a report is flagged for staff.
    low_confidence: float = 0.5
    # A first message's category below this confidence is asked, not assumed (on the
    # held-out split predictions under 0.6 are right about 70% of the time).
    ask_category_below: float = 0.6
