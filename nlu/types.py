"""The result of understanding one message: the contract of `safercity nlu parse`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class PlaceCandidate:
    """One place a name may refer to (for a numbered choice when a name is ambiguous)."""

    name: str
    lat: float
    lon: float
    district: str | None
    precision_m: float
    kind: str | None = None  # village, town, city, neighbourhood, street, landmark, ...


@dataclass(frozen=True, slots=True)
class LocationResult:
    """A place named in a message: the span as written and, when resolved, where it is."""

    text: str
    place: str | None = None
    lat: float | None = None
    lon: float | None = None
    district: str | None = None
    precision_m: float | None = None
    start: int | None = None
    end: int | None = None
    outside_belize: bool = False
    candidates: tuple[PlaceCandidate, ...] = ()
    # How the place relates to the named one: near, next_to, behind, in_front_of, across_from,
    # on, corner, between, pin (a reverse-geocoded point), or None for the place itself.
    relation: str | None = None
    # The street named along with a more specific place ("Ring Road near the market").
    street: str | None = None

    @property
    def resolved(self) -> bool:
        return self.lat is not None and self.lon is not None

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "place": self.place,
            "lat": self.lat,
            "lon": self.lon,
        }


@dataclass(frozen=True, slots=True)
class ParseResult:
    """What the NLU understood of one message.

    `category` is a CATEGORIES.md code or None when the message is not a report;
    `intent` is a conversational intent (greet, affirm, ...) or "report".
    """

    text: str
    category: str | None = None
    confidence: float = 0.0
    urgent: bool = False
    language: str = "en"
    intent: str | None = None
    intent_confidence: float = 0.0
    location: LocationResult | None = None
    ranking: tuple[tuple[str, float], ...] = field(default=())

    def to_json(self, message_id: Any = None) -> dict[str, Any]:
        return {
            "id": message_id,
            "category": self.category,
            "confidence": round(self.confidence, 4),
            "urgent": self.urgent,
            "language": self.language,
            "location": self.location.to_json() if self.location else None,
        }
