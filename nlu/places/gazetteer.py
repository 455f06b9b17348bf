"""A first small gazetteer of Belmopan: finds a place name in text and resolves it.

Issue 4 grows this into the full offline Belize gazetteer and geocoder; the seam is
`Gazetteer.find_in_text(text) -> LocationResult | None`.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from importlib import resources

from nlu.text import fold
from nlu.types import LocationResult


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    kind: str
    lat: float
    lon: float
    precision_m: float
    district: str | None
    aliases: tuple[str, ...]


def _load_reference_points() -> list[Place]:
    places: list[Place] = []
    data = resources.files("nlu.places") / "data" / "belmopan_reference_points.csv"
    with data.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if not row["lat"] or not row["lon"]:
                continue  # position unknown in open data: never guess one
            aliases = tuple(a.strip() for a in row["aliases"].split(";") if a.strip())
            places.append(
                Place(
                    name=row["name"],
                    kind=row["kind"],
                    lat=float(row["lat"]),
                    lon=float(row["lon"]),
                    precision_m=float(row["precision_m"] or 1000),
                    district="Cayo",
                    aliases=aliases,
                )
            )
    return places


# Kriol and Spanish forms of the commonest landmarks.
_EXTRA_ALIASES: dict[str, tuple[str, ...]] = {
    "Belmopan Market and bus terminal": ("di market", "el mercado", "mercado", "market"),
    "Western Regional Hospital": ("hospital", "di hospital", "el hospital"),
    "Ring Road": ("ring rd",),
}


class Gazetteer:
    def __init__(self, places: list[Place] | None = None) -> None:
        self.places = places if places is not None else _load_reference_points()
        names: list[tuple[str, Place]] = []
        for place in self.places:
            forms = {place.name, *place.aliases, *_EXTRA_ALIASES.get(place.name, ())}
            names.extend((fold(form), place) for form in forms)
        names.sort(key=lambda item: len(item[0]), reverse=True)
        self._names = names
        alternatives = "|".join(re.escape(n) for n, _ in names)
        self._pattern = re.compile(rf"\b(?:{alternatives})\b")
        self._by_name = {n: p for n, p in names}

    def find_in_text(self, text: str) -> LocationResult | None:
        folded = fold(text)
        if len(folded) != len(text):  # casefold changed length (e.g. 'ß'): spans by folded text
            text = folded
        match = self._pattern.search(folded)
        if match is None:
            return None
        place = self._by_name[match.group(0)]
        return LocationResult(
            text=text[match.start() : match.end()],
            place=place.name,
            lat=place.lat,
            lon=place.lon,
            district=place.district,
            precision_m=place.precision_m,
            start=match.start(),
            end=match.end(),
        )

    def resolve(self, query: str) -> LocationResult | None:
        """Resolve a whole answer ("the market") to a place, or None."""
        return self.find_in_text(query)

    def reverse(self, lat: float, lon: float) -> LocationResult:
        """The nearest known place to a pin (a first approximation: no district polygons)."""
        nearest = min(self.places, key=lambda p: (p.lat - lat) ** 2 + (p.lon - lon) ** 2)
        return LocationResult(
            text=f"{lat:.5f}, {lon:.5f}",
            place=nearest.name,
            lat=lat,
            lon=lon,
            district=nearest.district,
            precision_m=50.0,
        )


_DEFAULT: Gazetteer | None = None


def get_gazetteer() -> Gazetteer:
    """The process-wide gazetteer, loaded once."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Gazetteer()
    return _DEFAULT
