"""Places: the offline Belize gazetteer and geocoder.

The public API:

- `get_gazetteer(default_city="Belmopan") -> Gazetteer` (cached): `.resolve(answer)`,
  `.find_in_text(message)`, `.reverse(lat, lon)`, `.choose(result, answer)`,
  `.district_of(lat, lon)`;
- `OfflineGeocoder`, `NominatimGeocoder` (geopy's `geocode`/`reverse` interface) and
  `make_resolver(backend, ...)` for SAFERCITY_GEOCODER;
- `describe(result, language)` and `candidate_menu(result, language)` for the confirmation;
- `parse_coordinates(text)` / `find_coordinates(text)` for typed coordinates.
"""

from nlu.places.coords import Coordinates, find_coordinates, parse_coordinates
from nlu.places.describe import address, candidate_menu, describe
from nlu.places.gazetteer import DEFAULT_CITY, Gazetteer, get_gazetteer
from nlu.places.geocoder import (
    GEOCODER_BACKENDS,
    NominatimGeocoder,
    NominatimResolver,
    OfflineGeocoder,
    make_resolver,
)

__all__ = [
    "DEFAULT_CITY",
    "GEOCODER_BACKENDS",
    "Coordinates",
    "Gazetteer",
    "NominatimGeocoder",
    "NominatimResolver",
    "OfflineGeocoder",
    "address",
    "candidate_menu",
    "describe",
    "find_coordinates",
    "get_gazetteer",
    "make_resolver",
    "parse_coordinates",
]
