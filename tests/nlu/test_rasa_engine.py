"""The Rasa adapter: against a fake /model/parse on 127.0.0.1 replaying answers recorded from
a real Rasa 3.6.21 server (tests/fixtures/rasa/), then against the real server (marked
`rasa`: `bash scripts/ci-rasa.sh` trains and starts one and runs them)."""

from __future__ import annotations

import json
import logging
import os
import re
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

import nlu.loader
from actions.messages import InboundMessage
from bot.runtime import build_runtime
from nlu.engine import NluEngine
from nlu.rasa_engine import RasaEngine
from nlu.types import LocationResult, ParseResult
from storage.models import Report
from tests.conftest import make_settings

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "rasa" / "model_parse.json"
RECORDED: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
ANSWERS: dict[str, Any] = RECORDED["parse"]

KRIOL_LIGHT = "di lite pos backa di market noh di wok"
SPANISH_DRUGS = "hay unos hombres vendiendo droga cerca del mercado"
URGENT_GUN = "man wid a gun robbing di shop pan hummingbird hwy rite now"
GREETING = "hi"
GIBBERISH = "xyzzy plugh"
FRAGMENTED = (
    "there is an empty two storey building at the corner of constitution drive and ring road "
    "where people go to do drugs"
)
STRAY_WORD = "the abandoned gas station is full of garbage and homeless people"


# ---------------------------------------------------------------------------- fakes


@dataclass
class FakeRasa:
    """A stand-in for `rasa run --enable-api`: mode ok | error | slow | garbage."""

    mode: str = "ok"
    requests: list[str] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def parse_requests(self) -> int:
        return sum(1 for path in self.requests if path == "/model/parse")


def _handler(fake: FakeRasa) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _send(self, status: int, body: bytes, kind: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            fake.requests.append(self.path)
            if self.path == "/status" and fake.mode == "ok":
                self._send(200, json.dumps(RECORDED["status"]).encode())
            else:
                self._send(500, b'{"status": "failure"}')

        def do_POST(self) -> None:
            fake.requests.append(self.path)
            length = int(self.headers.get("Content-Length", "0"))
            payload = json.loads(self.rfile.read(length) or b"{}")
            if fake.mode == "error":
                self._send(500, b'{"version": "3.6.21", "status": "failure", "code": 500}')
            elif fake.mode == "slow":
                fake.release.wait(timeout=10)
                self._send(200, json.dumps(ANSWERS[GREETING]).encode())
            elif fake.mode == "garbage":
                self._send(200, b"<html>not rasa</html>", "text/html")
            elif self.path == "/model/parse" and payload.get("text") in ANSWERS:
                self._send(200, json.dumps(ANSWERS[payload["text"]]).encode())
            else:
                self._send(404, b'{"status": "failure"}')

    return Handler


@pytest.fixture
def fake_rasa() -> Iterator[FakeRasa]:
    fake = FakeRasa()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    fake.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield fake
    fake.release.set()
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture
def refused_url() -> str:
    """A 127.0.0.1 port nobody listens on: connections are refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


class StubPlaces:
    """A gazetteer that knows two places and remembers what it was asked."""

    def __init__(self) -> None:
        self.queries: list[str] = []

    def resolve(self, query: str) -> LocationResult | None:
        self.queries.append(query)
        known = {
            "backa di market": LocationResult(
                text=query, place="Belmopan Market", lat=17.25, lon=-88.77, relation="behind"
            ),
            "Hummingbird Highway": LocationResult(
                text=query, place="Hummingbird Highway", lat=17.2, lon=-88.7, district="Cayo"
            ),
        }
        return known.get(query)


class MarkerEngine:
    """A fallback engine whose answers are recognisable."""

    name = "embedded"

    def __init__(self) -> None:
        self.seen: list[str] = []

    def parse(self, text: str) -> ParseResult:
        self.seen.append(text)
        return ParseResult(text=text, category="other_unsafe", confidence=0.42, intent="report")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def engines() -> Iterator[list[RasaEngine]]:
    made: list[RasaEngine] = []
    yield made
    for engine in made:
        engine.close()


def make(engines: list[RasaEngine], url: str, **kwargs: Any) -> RasaEngine:
    kwargs.setdefault("places", StubPlaces())
    engine = RasaEngine(url, **kwargs)
    engines.append(engine)
    return engine


# ------------------------------------------------------------ Rasa's answers -> results


def test_category_confidence_and_place_come_from_rasa(
    fake_rasa: FakeRasa, engines: list[RasaEngine]
) -> None:
    places = StubPlaces()
    engine = make(engines, fake_rasa.url, places=places, fallback=MarkerEngine())

    result = engine.parse(KRIOL_LIGHT)

    assert result.category == "street_lighting"
    assert result.intent == "report"
    assert result.confidence == pytest.approx(ANSWERS[KRIOL_LIGHT]["intent"]["confidence"])
    assert result.ranking[0][0] == "street_lighting"
    assert result.language == "bzj"
    assert result.urgent is False
    assert result.location is not None
    assert result.location.text == "backa di market"
    assert KRIOL_LIGHT[result.location.start : result.location.end] == "backa di market"
    assert result.location.place == "Belmopan Market"
    assert result.location.relation == "behind"
    assert engine.stats.parsed_by_rasa == 1
    assert engine.stats.parsed_by_fallback == 0


def test_synonym_value_resolves_but_span_stays_as_written(
    fake_rasa: FakeRasa, engines: list[RasaEngine]
) -> None:
    places = StubPlaces()
    engine = make(engines, fake_rasa.url, places=places)

    result = engine.parse(URGENT_GUN)

    assert result.category == "criminal_activity"
    assert result.urgent is True  # "wid a gun", "rite now": the project's urgency cues
    assert result.location is not None
    assert result.location.text == "hummingbird hwy"
    assert result.location.place == "Hummingbird Highway"
    assert result.location.district == "Cayo"
    assert places.queries[0] == "Hummingbird Highway"  # Rasa's synonym, then the span


def test_unresolved_span_is_kept_without_a_position(
    fake_rasa: FakeRasa, engines: list[RasaEngine]
) -> None:
    engine = make(engines, fake_rasa.url)

    result = engine.parse(SPANISH_DRUGS)

    assert result.category == "criminal_activity"
    assert result.language == "es"
    assert result.location is not None
    assert result.location.text == "mercado"
    assert not result.location.resolved


def test_real_gazetteer_resolves_rasa_span(fake_rasa: FakeRasa, engines: list[RasaEngine]) -> None:
    engine = RasaEngine(fake_rasa.url)  # the project's gazetteer
    engines.append(engine)

    result = engine.parse(KRIOL_LIGHT)

    assert result.location is not None
    assert result.location.resolved
    assert result.location.text == "backa di market"


def test_fragments_of_one_place_phrase_are_joined(
    fake_rasa: FakeRasa, engines: list[RasaEngine]
) -> None:
    pieces = [e["value"] for e in ANSWERS[FRAGMENTED]["entities"]]
    assert len(pieces) > 1  # as the real server answered
    engine = make(engines, fake_rasa.url)

    result = engine.parse(FRAGMENTED)

    assert result.category == "abandoned_property"
    assert result.location is not None
    assert result.location.text == "the corner of constitution drive and ring road"
    assert FRAGMENTED[result.location.start : result.location.end] == result.location.text


def test_a_lone_function_word_is_not_a_place(
    fake_rasa: FakeRasa, engines: list[RasaEngine]
) -> None:
    assert [e["value"] for e in ANSWERS[STRAY_WORD]["entities"]] == ["of"]
    engine = make(engines, fake_rasa.url)

    result = engine.parse(STRAY_WORD)

    assert result.category == "abandoned_property"
    assert result.location is None


def test_conversational_intent_has_no_category(
    fake_rasa: FakeRasa, engines: list[RasaEngine]
) -> None:
    engine = make(engines, fake_rasa.url)

    result = engine.parse(GREETING)

    assert result.category is None
    assert result.confidence == 0.0
    assert result.intent == "greet"
    assert result.intent_confidence > 0.9
    assert result.urgent is False
    assert result.location is None


def test_rasa_fallback_intent_means_not_understood(
    fake_rasa: FakeRasa, engines: list[RasaEngine]
) -> None:
    engine = make(engines, fake_rasa.url, fallback=MarkerEngine())

    result = engine.parse(GIBBERISH)

    assert ANSWERS[GIBBERISH]["intent"]["name"] == "nlu_fallback"
    assert result.category is None
    assert result.intent is None
    assert all(name != "nlu_fallback" for name, _ in result.ranking)
    assert engine.stats.parsed_by_rasa == 1  # Rasa answered: no fallback to the other engine


@pytest.mark.parametrize("text", ["", "   ", "\x00\x01\x02", "🙂🙂🙂", "12345 ..."])
def test_text_without_letters_never_reaches_the_server(
    fake_rasa: FakeRasa, engines: list[RasaEngine], text: str
) -> None:
    engine = make(engines, fake_rasa.url)

    result = engine.parse(text)

    assert result.category is None
    assert result.location is None
    assert fake_rasa.parse_requests() == 0


def test_control_characters_are_cleaned_before_parsing(
    fake_rasa: FakeRasa, engines: list[RasaEngine]
) -> None:
    engine = make(engines, fake_rasa.url)

    result = engine.parse("di lite pos\x00 backa di market\u200b noh di wok\n")

    assert result.text == KRIOL_LIGHT
    assert result.category == "street_lighting"


def test_ready_reflects_the_server(
    fake_rasa: FakeRasa, refused_url: str, engines: list[RasaEngine]
) -> None:
    assert make(engines, fake_rasa.url).ready() is True
    assert make(engines, refused_url).ready() is False


# ------------------------------------------------------------------------ fallback


def test_connection_refused_falls_back_and_logs_once(
    refused_url: str, engines: list[RasaEngine], caplog: pytest.LogCaptureFixture
) -> None:
    fallback = MarkerEngine()
    engine = make(engines, refused_url, fallback=fallback, retry_after=0.0)

    with caplog.at_level(logging.WARNING, logger="nlu.rasa_engine"):
        results = [engine.parse(KRIOL_LIGHT), engine.parse(SPANISH_DRUGS), engine.parse("lites")]

    assert [r.category for r in results] == ["other_unsafe"] * 3
    assert fallback.seen == [KRIOL_LIGHT, SPANISH_DRUGS, "lites"]
    warnings = [r for r in caplog.records if r.name == "nlu.rasa_engine"]
    assert len(warnings) == 1  # once per outage, not per message
    assert "unavailable" in warnings[0].getMessage()
    assert "embedded" in warnings[0].getMessage()
    assert engine.stats.outages == 1
    assert engine.stats.parsed_by_fallback == 3
    assert engine.available is False


def test_http_500_falls_back_without_logging_the_message(
    fake_rasa: FakeRasa, engines: list[RasaEngine], caplog: pytest.LogCaptureFixture
) -> None:
    fake_rasa.mode = "error"
    engine = make(engines, fake_rasa.url, fallback=MarkerEngine())

    with caplog.at_level(logging.DEBUG, logger="nlu.rasa_engine"):
        result = engine.parse(KRIOL_LIGHT)

    assert result.category == "other_unsafe"
    assert "HTTP 500" in caplog.text
    assert "lite pos" not in caplog.text


def test_timeout_falls_back(fake_rasa: FakeRasa, engines: list[RasaEngine]) -> None:
    fake_rasa.mode = "slow"
    engine = make(engines, fake_rasa.url, fallback=MarkerEngine(), timeout=0.2)

    result = engine.parse(KRIOL_LIGHT)

    assert result.category == "other_unsafe"
    assert engine.stats.parsed_by_fallback == 1


def test_answer_that_is_not_rasa_falls_back(fake_rasa: FakeRasa, engines: list[RasaEngine]) -> None:
    fake_rasa.mode = "garbage"
    engine = make(engines, fake_rasa.url, fallback=MarkerEngine())

    assert engine.parse(KRIOL_LIGHT).category == "other_unsafe"


def test_without_a_fallback_the_result_is_empty_not_an_exception(
    refused_url: str, engines: list[RasaEngine]
) -> None:
    engine = make(engines, refused_url)

    result = engine.parse(KRIOL_LIGHT)

    assert result.category is None
    assert result.location is None
    assert result.text == KRIOL_LIGHT


def test_fallback_that_raises_still_gives_a_result(
    refused_url: str, engines: list[RasaEngine]
) -> None:
    class Broken:
        name = "broken"

        def parse(self, text: str) -> ParseResult:
            raise RuntimeError("boom")

    engine = make(engines, refused_url, fallback=Broken())

    assert engine.parse(KRIOL_LIGHT).category is None


def test_fallback_engine_is_built_only_when_needed(
    fake_rasa: FakeRasa, engines: list[RasaEngine]
) -> None:
    built: list[MarkerEngine] = []

    def factory() -> MarkerEngine:
        built.append(MarkerEngine())
        return built[-1]

    engine = make(engines, fake_rasa.url, fallback=factory)
    engine.parse(KRIOL_LIGHT)
    assert built == []

    fake_rasa.mode = "error"
    engine.parse(KRIOL_LIGHT)
    engine.parse(KRIOL_LIGHT)
    assert len(built) == 1
    assert len(built[0].seen) == 2


def test_outage_waits_before_retrying_then_recovers(
    fake_rasa: FakeRasa, engines: list[RasaEngine], caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock()
    fallback = MarkerEngine()
    engine = make(engines, fake_rasa.url, fallback=fallback, retry_after=30.0, clock=clock)

    fake_rasa.mode = "error"
    with caplog.at_level(logging.WARNING, logger="nlu.rasa_engine"):
        engine.parse(KRIOL_LIGHT)
        assert fake_rasa.parse_requests() == 1
        clock.now += 10  # within retry_after: straight to the fallback, no request
        engine.parse(KRIOL_LIGHT)
        assert fake_rasa.parse_requests() == 1

        fake_rasa.mode = "ok"
        clock.now += 25  # past retry_after: Rasa is tried again and answers
        result = engine.parse(KRIOL_LIGHT)

    assert fake_rasa.parse_requests() == 2
    assert result.category == "street_lighting"
    assert engine.available is True
    messages = [r.getMessage() for r in caplog.records if r.name == "nlu.rasa_engine"]
    assert len(messages) == 2
    assert "unavailable" in messages[0]
    assert "answers again" in messages[1]
    assert engine.stats.outages == 1
    assert engine.stats.parsed_by_fallback == 2


def test_loader_builds_rasa_with_the_embedded_fallback(
    refused_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fallback = MarkerEngine()
    original = nlu.loader.load_engine

    def fake_load(name: str, **kwargs: Any) -> Any:
        return fallback if name == "embedded" else original(name, **kwargs)

    monkeypatch.setattr(nlu.loader, "load_engine", fake_load)

    engine = original("rasa", rasa_url=refused_url)
    assert isinstance(engine, RasaEngine)
    try:
        assert engine.url == refused_url
        assert engine.parse(KRIOL_LIGHT).category == "other_unsafe"
        assert fallback.seen == [KRIOL_LIGHT]
    finally:
        engine.close()


def test_service_on_the_rasa_engine_keeps_working_when_rasa_is_down(
    tmp_path: Path,
    refused_url: str,
    nlu_engine: NluEngine,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """SAFERCITY_NLU_ENGINE=rasa with no server: citizens still get understood (embedded)."""
    original = nlu.loader.load_engine

    def load(name: str, **kwargs: Any) -> Any:
        # the session's embedded engine, instead of loading the model a second time
        return nlu_engine if name == "embedded" else original(name, **kwargs)

    monkeypatch.setattr(nlu.loader, "load_engine", load)
    monkeypatch.setattr("bot.runtime.load_engine", load)
    settings = make_settings(
        f"sqlite:///{tmp_path / 'safercity.db'}",
        safercity_nlu_engine="rasa",
        rasa_url=refused_url,
    )
    runtime = build_runtime(settings)
    try:
        assert isinstance(runtime.nlu, RasaEngine)
        with caplog.at_level(logging.WARNING, logger="nlu.rasa_engine"):
            for text in ("the street light on Ring Road by the market is out", "yes"):
                inbound = InboundMessage(channel="sms", address="+5016100009", text=text)
                replies = list(runtime.service.receive(inbound).texts)
        assert any(re.search(r"\bBZ-[2-9A-HJ-NP-Z]{4}\b", reply) for reply in replies)
        with runtime.session_factory() as session:
            [report] = session.scalars(select(Report)).all()
        assert report.category == "street_lighting"
        outage_lines = [r for r in caplog.records if r.name == "nlu.rasa_engine"]
        assert len(outage_lines) == 1
        assert "+5016100009" not in caplog.text
    finally:
        runtime.nlu.close()  # type: ignore[attr-defined]
        runtime.engine.dispose()


# ------------------------------------------------------------- the real Rasa server

RASA_URL = os.environ.get("RASA_URL", "http://127.0.0.1:5005")


@pytest.fixture
def real_rasa(engines: list[RasaEngine]) -> RasaEngine:
    engine = RasaEngine(RASA_URL, timeout=30.0, connect_timeout=2.0)
    engines.append(engine)
    if not engine.ready():
        if os.environ.get("SAFERCITY_REQUIRE_RASA"):
            pytest.fail(f"no Rasa server at {RASA_URL} (scripts/ci-rasa.sh starts one)")
        pytest.skip(f"no Rasa server at {RASA_URL}: bash scripts/rasa-env.sh all")
    return engine


@pytest.mark.rasa
@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("street light out on ring road by the market for 2 weeks now", "street_lighting"),
        ("di lite pos backa di skool noh di wok", "street_lighting"),
        ("hay unos hombres vendiendo droga cerca del mercado", "criminal_activity"),
        ("perros bravos por la escuela atacando a los niños", "stray_animals"),
    ],
)
def test_real_rasa_understands_reports(real_rasa: RasaEngine, text: str, category: str) -> None:
    result = real_rasa.parse(text)

    assert result.category == category
    assert 0.0 < result.confidence <= 1.0
    assert real_rasa.stats.parsed_by_fallback == 0


@pytest.mark.rasa
def test_real_rasa_finds_the_place(real_rasa: RasaEngine) -> None:
    result = real_rasa.parse("di lite pos backa di market noh di wok")

    assert result.location is not None
    assert "market" in result.location.text
    assert real_rasa.stats.parsed_by_fallback == 0


@pytest.mark.rasa
@pytest.mark.parametrize(
    "text",
    ["x" * 10_000, "lites out 🔦🔦 " * 50, "ñandú ДОРОГА 道路 road", "a\x00b\x1fc lite"],
)
def test_real_rasa_takes_bad_input(real_rasa: RasaEngine, text: str) -> None:
    result = real_rasa.parse(text)

    assert isinstance(result, ParseResult)
    assert real_rasa.stats.parsed_by_fallback == 0  # Rasa answered, it did not error


@pytest.mark.rasa
def test_recorded_fixture_still_matches_the_real_answer_shape(real_rasa: RasaEngine) -> None:
    import httpx

    live = httpx.post(f"{RASA_URL}/model/parse", json={"text": KRIOL_LIGHT}, timeout=30)
    body = live.raise_for_status().json()

    recorded = ANSWERS[KRIOL_LIGHT]
    assert set(recorded) <= set(body)
    assert set(recorded["intent"]) == set(body["intent"])
    assert {"entity", "start", "end", "value"} <= set(body["entities"][0])
