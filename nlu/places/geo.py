"""Plane and sphere geometry the gazetteer needs: distances, midpoints, point in polygon.

Written for Belize-sized areas: distances are great-circle (haversine); distances to polygon
edges use a local equirectangular projection, which is accurate to well under 1 % at these
latitudes and distances.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

EARTH_RADIUS_M = 6_371_008.8

Ring = tuple[tuple[float, float], ...]  # (lon, lat) pairs, as in GeoJSON


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def fast_distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Equirectangular distance in metres: within 0.5 % of haversine over a few hundred km
    at Belize's latitudes, and several times cheaper (for nearest-place searches)."""
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    y = math.radians(lat2 - lat1)
    return EARTH_RADIUS_M * math.hypot(x, y)


def midpoint(lat1: float, lon1: float, lat2: float, lon2: float) -> tuple[float, float]:
    """The midpoint of two nearby points (plain average: exact enough within a country)."""
    return (lat1 + lat2) / 2, (lon1 + lon2) / 2


def along(
    lat1: float, lon1: float, lat2: float, lon2: float, fraction: float
) -> tuple[float, float]:
    """The point `fraction` of the way from point 1 to point 2 (short distances)."""
    return lat1 + (lat2 - lat1) * fraction, lon1 + (lon2 - lon1) * fraction


def point_in_ring(lat: float, lon: float, ring: Ring) -> bool:
    """Even-odd rule ray casting; points exactly on an edge may fall either way."""
    inside = False
    n = len(ring)
    j = n - 1
    for i in range(n):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > lat) != (yj > lat):
            x_cross = xi + (lat - yi) * (xj - xi) / (yj - yi)
            if lon < x_cross:
                inside = not inside
        j = i
    return inside


def _segment_distance_m(
    lat: float, lon: float, a: tuple[float, float], b: tuple[float, float]
) -> float:
    # Local projection centred on the point: x east, y north, in metres.
    k = math.cos(math.radians(lat)) * math.pi * EARTH_RADIUS_M / 180
    m = math.pi * EARTH_RADIUS_M / 180
    ax, ay = (a[0] - lon) * k, (a[1] - lat) * m
    bx, by = (b[0] - lon) * k, (b[1] - lat) * m
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / length2))
    px, py = ax + t * dx, ay + t * dy
    return math.hypot(px, py)


@dataclass(frozen=True, slots=True)
class Polygon:
    """One polygon: an outer ring and its holes, with a bounding box for quick rejection."""

    outer: Ring
    holes: tuple[Ring, ...]
    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float

    @classmethod
    def from_geojson(cls, rings: Sequence[Sequence[Sequence[float]]]) -> Polygon:
        converted = [tuple((float(p[0]), float(p[1])) for p in ring) for ring in rings]
        outer = converted[0]
        lons = [p[0] for p in outer]
        lats = [p[1] for p in outer]
        return cls(outer, tuple(converted[1:]), min(lats), max(lats), min(lons), max(lons))

    def contains(self, lat: float, lon: float) -> bool:
        if not (self.min_lat <= lat <= self.max_lat and self.min_lon <= lon <= self.max_lon):
            return False
        if not point_in_ring(lat, lon, self.outer):
            return False
        return not any(point_in_ring(lat, lon, hole) for hole in self.holes)

    def bbox_distance_m(self, lat: float, lon: float) -> float:
        """A lower bound of the distance to the polygon: the distance to its bounding box."""
        dlat = max(self.min_lat - lat, 0.0, lat - self.max_lat)
        dlon = max(self.min_lon - lon, 0.0, lon - self.max_lon)
        k = math.cos(math.radians(lat))
        return math.hypot(dlat, dlon * k) * math.pi * EARTH_RADIUS_M / 180 * 0.99

    def distance_m(self, lat: float, lon: float, limit: float = math.inf) -> float:
        """0 inside, else the distance to the nearest edge (inf when surely beyond `limit`)."""
        if self.bbox_distance_m(lat, lon) > limit:
            return math.inf
        if self.contains(lat, lon):
            return 0.0
        best = math.inf
        for ring in (self.outer, *self.holes):
            for i in range(len(ring) - 1):
                best = min(best, _segment_distance_m(lat, lon, ring[i], ring[i + 1]))
        return best

    def centroid(self) -> tuple[float, float]:
        """Area centroid of the outer ring, as (lat, lon)."""
        area = cx = cy = 0.0
        ring = self.outer
        for i in range(len(ring) - 1):
            x0, y0 = ring[i]
            x1, y1 = ring[i + 1]
            cross = x0 * y1 - x1 * y0
            area += cross
            cx += (x0 + x1) * cross
            cy += (y0 + y1) * cross
        if area == 0:
            return ring[0][1], ring[0][0]
        return cy / (3 * area), cx / (3 * area)


@dataclass(frozen=True, slots=True)
class District:
    name: str
    polygons: tuple[Polygon, ...]

    def contains(self, lat: float, lon: float) -> bool:
        return any(p.contains(lat, lon) for p in self.polygons)

    def distance_m(self, lat: float, lon: float, limit: float = math.inf) -> float:
        return min(p.distance_m(lat, lon, limit) for p in self.polygons)

    def centroid(self) -> tuple[float, float]:
        """The centroid of the largest part (the mainland, for Belize District)."""
        largest = max(
            self.polygons, key=lambda p: (p.max_lat - p.min_lat) * (p.max_lon - p.min_lon)
        )
        return largest.centroid()

    def radius_m(self) -> float:
        """Half the diagonal of the largest part's bounding box: a district's precision."""
        largest = max(
            self.polygons, key=lambda p: (p.max_lat - p.min_lat) * (p.max_lon - p.min_lon)
        )
        return haversine_m(largest.min_lat, largest.min_lon, largest.max_lat, largest.max_lon) / 2


def load_districts() -> tuple[District, ...]:
    """The six districts from the packaged GeoJSON (geoBoundaries ADM1, simplified)."""
    data = resources.files("nlu.places") / "data" / "belize_districts.geojson"
    with data.open(encoding="utf-8") as fh:
        collection = json.load(fh)
    districts: list[District] = []
    for feature in collection["features"]:
        geometry = feature["geometry"]
        parts = (
            geometry["coordinates"]
            if geometry["type"] == "MultiPolygon"
            else [geometry["coordinates"]]
        )
        polygons = tuple(Polygon.from_geojson(rings) for rings in parts)
        districts.append(District(str(feature["properties"]["name"]), polygons))
    return tuple(districts)
