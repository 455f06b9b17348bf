"""Geocoders with geopy's interface: `geocode(query, exactly_one=True)` and `reverse(point)`
returning `geopy.location.Location` objects.

- `OfflineGeocoder` (the default) answers from the packaged gazetteer: no network, ever.
- `NominatimGeocoder` asks an OpenStreetMap Nominatim server through geopy, for deployments with
  internet: one request per second at most (Nominatim's usage policy, through geopy's
  RateLimiter), an in-memory LRU cache, and a User-Agent naming the deployment (required).

`make_resolver(backend, ...)` gives what the conversation calls (`resolve(text)`,
`reverse(lat, lon)` returning `LocationResult`): the gazetteer itself offline; with Nominatim,
the gazetteer first (it knows Kriol and Spanish forms and Belmopan's landmarks) and Nominatim
only for what the gazetteer does not know.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import asdict
from typing import Any, Protocol, TypeAlias

from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim
from geopy.location import Location
from geopy.point import Point

from nlu.places.describe import address
from nlu.places.gazetteer import DEFAULT_CITY, Gazetteer, get_gazetteer
from nlu.places.geo import haversine_m
from nlu.types import LocationResult

GEOCODER_BACKENDS = ("offline", "nominatim")
NOMINATIM_DOMAIN = "nominatim.openstreetmap.org"
# Nominatim's usage policy: an absolute maximum of one request per second.
NOMINATIM_MIN_DELAY_S = 1.0

PointLike: TypeAlias = Point | tuple[float, float] | str


class PlaceResolver(Protocol):
    def resolve(self, query: str) -> LocationResult | None: ...

    def reverse(self, lat: float, lon: float) -> LocationResult: ...


def _point(query: PointLike) -> Point:
    return query if isinstance(query, Point) else Point(query)


def _location(result: LocationResult) -> Location | None:
    if result.lat is None or result.lon is None:
        return None
    raw = asdict(result)
    raw["candidates"] = [asdict(c) for c in result.candidates]
    return Location(address(result), Point(result.lat, result.lon), raw)


class OfflineGeocoder:
    """geopy-style geocoder over the packaged gazetteer."""

    def __init__(self, gazetteer: Gazetteer | None = None, *, default_city: str = DEFAULT_CITY):
        self.gazetteer = gazetteer or get_gazetteer(default_city)

    def geocode(self, query: str, exactly_one: bool = True) -> Location | list[Location] | None:
        """The place `query` names; an ambiguous name gives its candidates in order (the first
        when exactly_one). None when nothing is recognised or it has no point (a country)."""
        result = self.gazetteer.resolve(query)
        if result is None:
            return None
        if result.resolved:
            location = _location(result)
            if location is None:
                return None
            return location if exactly_one else [location]
        locations: list[Location] = []
        for c in result.candidates:
            one = LocationResult(
                text=result.text,
                place=c.name,
                lat=c.lat,
                lon=c.lon,
                district=c.district,
                precision_m=c.precision_m,
                relation=result.relation,
            )
            loc = _location(one)
            if loc is not None:
                locations.append(loc)
        if not locations:
            return None
        return locations[0] if exactly_one else locations

    def reverse(
        self, query: PointLike, exactly_one: bool = True
    ) -> Location | list[Location] | None:
        point = _point(query)
        location = _location(self.gazetteer.reverse(point.latitude, point.longitude))
        if location is None:
            return None
        return location if exactly_one else [location]


class _LRU:
    """A small thread-safe LRU cache of answers (None answers are cached too)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_call(self, key: Hashable, call: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
        value = call()
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)
        return value


class NominatimGeocoder:
    """geopy's Nominatim with the usage policy's rate limit and an LRU cache.

    Errors (timeouts, HTTP errors) are logged by geopy's RateLimiter and give None, so a
    network failure never breaks a conversation.
    """

    def __init__(
        self,
        user_agent: str,
        *,
        domain: str = NOMINATIM_DOMAIN,
        scheme: str = "https",
        timeout: float = 5.0,
        min_delay_seconds: float = NOMINATIM_MIN_DELAY_S,
        cache_size: int = 1024,
        country_codes: str | None = None,
    ) -> None:
        if not user_agent or not user_agent.strip():
            raise ValueError("Nominatim needs a User-Agent naming the deployment")
        self._nominatim = Nominatim(
            user_agent=user_agent, domain=domain, scheme=scheme, timeout=timeout
        )
        self._geocode = RateLimiter(
            self._nominatim.geocode,
            min_delay_seconds=min_delay_seconds,
            max_retries=0,
            swallow_exceptions=True,
        )
        self._reverse = RateLimiter(
            self._nominatim.reverse,
            min_delay_seconds=min_delay_seconds,
            max_retries=0,
            swallow_exceptions=True,
        )
        self._cache = _LRU(cache_size)
        self.country_codes = country_codes

    def geocode(self, query: str, exactly_one: bool = True) -> Location | list[Location] | None:
        key = ("geocode", " ".join(query.casefold().split()), exactly_one)
        return self._cache.get_or_call(
            key,
            lambda: self._geocode(query, exactly_one=exactly_one, country_codes=self.country_codes),
        )

    def reverse(
        self, query: PointLike, exactly_one: bool = True
    ) -> Location | list[Location] | None:
        point = _point(query)
        key = ("reverse", round(point.latitude, 6), round(point.longitude, 6), exactly_one)
        return self._cache.get_or_call(
            key,
            lambda: self._reverse(f"{point.latitude}, {point.longitude}", exactly_one=exactly_one),
        )


def _precision_from_bbox(raw: dict[str, Any]) -> float | None:
    box = raw.get("boundingbox")
    try:
        south, north, west, east = (float(v) for v in box)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        return None
    return max(25.0, round(haversine_m(south, west, north, east) / 2))


class NominatimResolver:
    """The conversation's resolver with Nominatim behind the gazetteer."""

    def __init__(self, gazetteer: Gazetteer, nominatim: NominatimGeocoder) -> None:
        self.gazetteer = gazetteer
        self.nominatim = nominatim

    def resolve(self, query: str) -> LocationResult | None:
        result = self.gazetteer.resolve(query)
        if result is not None:
            return result
        found = self.nominatim.geocode(query, exactly_one=True)
        if not isinstance(found, Location):
            return None
        lat, lon = found.latitude, found.longitude
        inside, district = self.gazetteer.locate(lat, lon)
        return LocationResult(
            text=query,
            place=found.address,
            lat=lat,
            lon=lon,
            district=district,
            precision_m=_precision_from_bbox(found.raw),
            outside_belize=not inside,
        )

    def reverse(self, lat: float, lon: float) -> LocationResult:
        return self.gazetteer.reverse(lat, lon)


def make_resolver(
    backend: str = "offline",
    *,
    default_city: str = DEFAULT_CITY,
    nominatim_user_agent: str | None = None,
    nominatim_domain: str = NOMINATIM_DOMAIN,
    nominatim_scheme: str = "https",
) -> PlaceResolver:
    """The resolver for SAFERCITY_GEOCODER (`offline` or `nominatim`)."""
    gazetteer = get_gazetteer(default_city)
    if backend == "offline":
        return gazetteer
    if backend == "nominatim":
        if not nominatim_user_agent:
            raise ValueError("SAFERCITY_GEOCODER=nominatim needs SAFERCITY_NOMINATIM_USER_AGENT")
        nominatim = NominatimGeocoder(
            nominatim_user_agent, domain=nominatim_domain, scheme=nominatim_scheme
        )
        return NominatimResolver(gazetteer, nominatim)
    raise ValueError(f"unknown geocoder {backend!r}: choose one of {', '.join(GEOCODER_BACKENDS)}")
