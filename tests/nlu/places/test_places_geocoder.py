"""The geopy-style geocoders: offline by default, Nominatim through a fake local server."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from geopy.location import Location
from geopy.point import Point

from nlu.places import (
    NominatimGeocoder,
    NominatimResolver,
    OfflineGeocoder,
    get_gazetteer,
    make_resolver,
)


def test_offline_geocode_returns_geopy_locations():
    geocoder = OfflineGeocoder()
    location = geocoder.geocode("frente al hospital")
    assert isinstance(location, Location)
    assert (location.latitude, location.longitude) == (17.2533, -88.7757)
    assert location.address == "in front of Western Regional Hospital, Cayo District, Belize"
    assert location.raw["precision_m"] == 350
    assert location.raw["district"] == "Cayo"


def test_offline_geocode_ambiguous_name_lists_candidates():
    geocoder = OfflineGeocoder()
    locations = geocoder.geocode("San Jose", exactly_one=False)
    assert isinstance(locations, list)
    assert [loc.raw["district"] for loc in locations] == ["Orange Walk", "Toledo"]
    assert geocoder.geocode("San Jose") == locations[0]


def test_offline_geocode_unknown_and_pointless():
    geocoder = OfflineGeocoder()
    assert geocoder.geocode("nowhere at all") is None
    assert geocoder.geocode("Mexico") is None  # a country: no point to give


@pytest.mark.parametrize(
    "query", [Point(17.2534, -88.7756), (17.2534, -88.7756), "17.2534, -88.7756"]
)
def test_offline_reverse_accepts_geopy_points(query):
    location = OfflineGeocoder().reverse(query)
    assert isinstance(location, Location)
    assert location.raw["place"] == "Western Regional Hospital, Belmopan"
    assert location.raw["district"] == "Cayo"
    assert location.address.endswith("Cayo District, Belize")


def test_offline_reverse_outside():
    location = OfflineGeocoder().reverse((18.5196, -88.3040))
    assert location is not None
    assert location.raw["outside_belize"] is True
    assert location.address == "near Chetumal, Mexico"


class _FakeNominatim(BaseHTTPRequestHandler):
    requests: list[dict[str, Any]] = []

    def log_message(self, format: str, *args: Any) -> None:  # silence the test output
        pass

    def do_GET(self) -> None:
        url = urlparse(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        self.requests.append(
            {"path": url.path, "query": query, "user_agent": self.headers.get("User-Agent")}
        )
        if url.path == "/search":
            if "Hummingbird" in query.get("q", ""):
                body: Any = [
                    {
                        "place_id": 1,
                        "lat": "17.1500",
                        "lon": "-88.6500",
                        "display_name": "Hummingbird Highway, Cayo District, Belize",
                        "boundingbox": ["17.10", "17.20", "-88.70", "-88.60"],
                    }
                ]
            elif "Tikal" in query.get("q", ""):
                body = [
                    {
                        "place_id": 2,
                        "lat": "17.2220",
                        "lon": "-89.6237",
                        "display_name": "Tikal, Petén, Guatemala",
                        "boundingbox": ["17.21", "17.23", "-89.63", "-89.61"],
                    }
                ]
            else:
                body = []
        elif url.path == "/reverse":
            body = {
                "place_id": 3,
                "lat": query["lat"],
                "lon": query["lon"],
                "display_name": "Somewhere, Belize",
                "address": {"country": "Belize"},
            }
        else:
            self.send_response(404)
            self.end_headers()
            return
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def nominatim_server(monkeypatch) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    # The fake server is local: no proxy from the environment may stand in between.
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    _FakeNominatim.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeNominatim)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}", _FakeNominatim.requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _nominatim(domain: str, **kwargs: Any) -> NominatimGeocoder:
    return NominatimGeocoder(
        "safercity-tests", domain=domain, scheme="http", min_delay_seconds=0.0, **kwargs
    )


def test_nominatim_geocode_through_the_fake_server(nominatim_server):
    domain, requests = nominatim_server
    geocoder = _nominatim(domain)
    location = geocoder.geocode("Hummingbird Highway")
    assert isinstance(location, Location)
    assert (location.latitude, location.longitude) == (17.15, -88.65)
    assert requests[0]["path"] == "/search"
    assert requests[0]["query"]["q"] == "Hummingbird Highway"
    assert requests[0]["user_agent"] == "safercity-tests"


def test_nominatim_answers_are_cached(nominatim_server):
    domain, requests = nominatim_server
    geocoder = _nominatim(domain)
    first = geocoder.geocode("Hummingbird Highway")
    second = geocoder.geocode("  hummingbird   highway ")
    assert first == second
    assert geocoder.geocode("nothing here") is None
    assert geocoder.geocode("nothing here") is None  # "not found" is cached too
    assert len(requests) == 2
    geocoder.reverse((17.25, -88.77))
    geocoder.reverse(Point(17.25, -88.77))
    assert [r["path"] for r in requests] == ["/search", "/search", "/reverse"]


def test_nominatim_cache_is_bounded(nominatim_server):
    domain, requests = nominatim_server
    geocoder = _nominatim(domain, cache_size=1)
    geocoder.geocode("Hummingbird Highway")
    geocoder.geocode("Tikal")
    geocoder.geocode("Hummingbird Highway")  # evicted by Tikal: asked again
    assert len(requests) == 3


def test_nominatim_is_rate_limited_by_default():
    geocoder = NominatimGeocoder("safercity-tests")
    assert geocoder._geocode.min_delay_seconds == 1.0
    assert geocoder._reverse.min_delay_seconds == 1.0


def test_nominatim_down_gives_none_not_an_error():
    # Nothing listens on port 9 (discard) of 127.0.0.1 in the test environment.
    geocoder = NominatimGeocoder(
        "safercity-tests", domain="127.0.0.1:9", scheme="http", min_delay_seconds=0.0, timeout=2
    )
    assert geocoder.geocode("Hummingbird Highway") is None


def test_nominatim_needs_a_user_agent():
    with pytest.raises(ValueError, match="User-Agent"):
        NominatimGeocoder(" ")


def test_nominatim_resolver_asks_only_for_what_the_gazetteer_does_not_know(nominatim_server):
    domain, requests = nominatim_server
    resolver = NominatimResolver(get_gazetteer(), _nominatim(domain))
    local = resolver.resolve("backa di hospital")
    assert local is not None and local.place == "Western Regional Hospital"
    assert requests == []
    highway = resolver.resolve("Hummingbird Highway")
    assert highway is not None and highway.resolved
    assert highway.place == "Hummingbird Highway, Cayo District, Belize"
    assert highway.district == "Cayo"
    assert not highway.outside_belize
    assert highway.precision_m is not None and 5000 < highway.precision_m < 10000
    tikal = resolver.resolve("Tikal")
    assert tikal is not None and tikal.outside_belize and tikal.district is None
    assert resolver.resolve("qwertyuiop") is None


def test_make_resolver():
    assert make_resolver("offline") is get_gazetteer()
    online = make_resolver("nominatim", nominatim_user_agent="SaferCity Belmopan (ops@example.org)")
    assert isinstance(online, NominatimResolver)
    with pytest.raises(ValueError, match="USER_AGENT"):
        make_resolver("nominatim")
    with pytest.raises(ValueError, match="unknown geocoder"):
        make_resolver("google")
