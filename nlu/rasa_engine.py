"""The Rasa engine: the NluEngine protocol over a Rasa 3.6 server's `POST /model/parse`.

The server is trained on the same data as the embedded engine (config.yml at the repo root,
`bash scripts/rasa-env.sh setup|train|start`). What comes from where:

- category and confidence: Rasa's top intent when it is a category code (CATEGORIES.md);
  a conversational intent (greet, stop, ...) gives no category; `nlu_fallback` (Rasa's
  FallbackClassifier: top confidence under its threshold) gives neither. The ranking is
  Rasa's intent ranking.
- location: Rasa's `location` entity (DIET), the span as the reporter wrote it, resolved to a
  place through the gazetteer (`nlu.places`).
- language and urgency: Rasa's NLU has one intent classifier and cannot predict them, so they
  come from the project's own rules (see `default_language` and `default_urgency`), the same
  for every engine that has no learned model for them.

When the server is down, times out, or answers an error, the message is parsed by the
fallback engine (the embedded one when built through `nlu.loader`); the outage is logged once
when it starts and once when Rasa answers again, and during it Rasa is retried at most every
`retry_after` seconds so that messages do not each wait for a timeout. The message text is
never logged.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Protocol

import httpx

from nlu.categories import CATEGORY_CODES, CONVERSATION_INTENTS
from nlu.engine import NluEngine
from nlu.language import detect_language
from nlu.text import clean, has_letters, words
from nlu.types import LocationResult, ParseResult

log = logging.getLogger(__name__)

DEFAULT_URL = "http://127.0.0.1:5005"
FALLBACK_INTENT = "nlu_fallback"
LOCATION_ENTITY = "location"

_CATEGORIES = frozenset(CATEGORY_CODES)
_CONVERSATION = frozenset(CONVERSATION_INTENTS)


class PlaceResolver(Protocol):
    """The part of the gazetteer the adapter needs."""

    def resolve(self, query: str) -> LocationResult | None: ...


class RasaResponseError(ValueError):
    """The server answered 2xx with a body that is not a /model/parse result."""


@dataclass(slots=True)
class RasaStats:
    """What happened to the messages parsed so far (for evaluation and benchmarks)."""

    parsed_by_rasa: int = 0
    parsed_by_fallback: int = 0
    outages: int = 0


def default_language(text: str) -> str:
    """The project's language rules (function words of en, es and Kriol)."""
    language, _ = detect_language(text)
    return language


def default_urgency(text: str, category: str | None) -> bool:
    """The project's urgency rules, applied to a message Rasa has classified.

    The embedded engine's cue list (`nlu.embedded.rules.urgent_cues`: weapons, "right now",
    bleeding, "help me"... in English, Kriol and Spanish, discounted when the message speaks
    of the past); only a report (a category) is urgent. The embedded engine adds a learned
    urgency classifier on top of these cues; Rasa has no equivalent.
    """
    if category is None:
        return False
    from nlu.embedded.rules import urgent_cues

    return bool(urgent_cues(text))


def _default_places() -> PlaceResolver:
    from nlu.places.gazetteer import get_gazetteer

    return get_gazetteer()


class RasaEngine:
    """Parses through a Rasa server; never raises (falls back, or returns an empty result)."""

    name = "rasa"

    def __init__(
        self,
        url: str = DEFAULT_URL,
        *,
        fallback: NluEngine | Callable[[], NluEngine] | None = None,
        places: PlaceResolver | None = None,
        timeout: float = 2.0,
        connect_timeout: float = 0.5,
        retry_after: float = 5.0,
        language: Callable[[str], str] = default_language,
        urgency: Callable[[str, str | None], bool] = default_urgency,
        clock: Callable[[], float] = time.monotonic,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self.retry_after = retry_after
        self.stats = RasaStats()
        self._fallback_source = fallback
        self._fallback: NluEngine | None = None
        self._places = places
        self._language = language
        self._urgency = urgency
        self._clock = clock
        self._lock = threading.Lock()
        self._down = False
        self._retry_at = 0.0
        self._client = httpx.Client(
            base_url=self.url,
            timeout=httpx.Timeout(timeout, connect=connect_timeout),
            transport=transport,
            trust_env=False,  # a local server: never through a proxy from the environment
        )

    # -- the NluEngine protocol -------------------------------------------------------------

    def parse(self, text: str) -> ParseResult:
        text = clean(text) if isinstance(text, str) else ""
        if not has_letters(text):
            return ParseResult(text=text)
        if self._skip_rasa():
            return self._parse_fallback(text)
        try:
            body = self._post_parse(text)
            result = self._to_result(text, body)
        except (httpx.HTTPError, RasaResponseError, ValueError, TypeError, KeyError) as exc:
            self._went_down(exc)
            return self._parse_fallback(text)
        self._came_back()
        self.stats.parsed_by_rasa += 1
        return result

    # -- health ------------------------------------------------------------------------------

    def ready(self) -> bool:
        """True when the server answers /status with a loaded model."""
        try:
            response = self._client.get("/status")
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError):
            return False
        return isinstance(body, dict) and bool(body.get("model_file"))

    @property
    def available(self) -> bool:
        """False while an outage is in progress (as last seen)."""
        return not self._down

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> RasaEngine:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- the server --------------------------------------------------------------------------

    def _post_parse(self, text: str) -> Mapping[str, Any]:
        response = self._client.post("/model/parse", json={"text": text})
        response.raise_for_status()
        body = response.json()
        if not isinstance(body, dict) or not isinstance(body.get("intent"), dict):
            raise RasaResponseError("not a /model/parse result")
        return body

    def _skip_rasa(self) -> bool:
        with self._lock:
            return self._down and self._clock() < self._retry_at

    def _went_down(self, exc: Exception) -> None:
        reason = _describe(exc)
        with self._lock:
            self._retry_at = self._clock() + self.retry_after
            if self._down:
                return
            self._down = True
            self.stats.outages += 1
        log.warning(
            "Rasa NLU server at %s is unavailable (%s): parsing with the %s engine until it "
            "answers again",
            self.url,
            reason,
            self._fallback_name(),
        )

    def _came_back(self) -> None:
        with self._lock:
            if not self._down:
                return
            self._down = False
        log.warning("Rasa NLU server at %s answers again: parsing with Rasa", self.url)

    # -- the fallback ------------------------------------------------------------------------

    def _fallback_engine(self) -> NluEngine | None:
        if self._fallback is None and self._fallback_source is not None:
            source = self._fallback_source
            try:
                self._fallback = source() if callable(source) else source
            except Exception:
                log.exception("the fallback NLU engine could not be loaded")
                self._fallback_source = None
        return self._fallback

    def _fallback_name(self) -> str:
        if self._fallback_source is None:
            return "no"
        engine = self._fallback_engine()
        return engine.name if engine is not None else "no"

    def _parse_fallback(self, text: str) -> ParseResult:
        self.stats.parsed_by_fallback += 1
        engine = self._fallback_engine()
        if engine is not None:
            try:
                return engine.parse(text)
            except Exception:  # the protocol says never raise; make sure of it here
                log.exception("the fallback NLU engine %s failed", engine.name)
        return ParseResult(text=text, language=self._safe_language(text))

    # -- Rasa's answer to a ParseResult ------------------------------------------------------

    def _to_result(self, text: str, body: Mapping[str, Any]) -> ParseResult:
        top = body["intent"]
        name = top.get("name")
        confidence = _confidence(top.get("confidence"))
        ranking = tuple(
            (str(item["name"]), _confidence(item.get("confidence")))
            for item in body.get("intent_ranking") or ()
            if isinstance(item, dict) and item.get("name") not in (None, FALLBACK_INTENT)
        )
        category: str | None = None
        intent: str | None = None
        category_confidence = 0.0
        if name in _CATEGORIES:
            category, intent, category_confidence = str(name), "report", confidence
        elif name in _CONVERSATION:
            intent = str(name)
        return ParseResult(
            text=text,
            category=category,
            confidence=category_confidence,
            urgent=self._urgency(text, category),
            language=self._safe_language(text),
            intent=intent,
            intent_confidence=confidence if intent is not None else 0.0,
            location=self._location(text, body.get("entities") or ()),
            ranking=ranking,
        )

    def _location(self, text: str, entities: Any) -> LocationResult | None:
        found = [
            e
            for e in entities
            if isinstance(e, dict)
            and e.get("entity") == LOCATION_ENTITY
            and isinstance(e.get("start"), int)
            and isinstance(e.get("end"), int)
            and 0 <= e["start"] < e["end"] <= len(text)
        ]
        spans = [s for s in _merge_fragments(text, found) if not _only_function_words(s.text)]
        if not spans:
            return None
        # The span with the most confident characters; on a tie, the first in the message.
        best = max(spans, key=lambda s: (s.weight, -s.start))
        start, end, span, value = best.start, best.end, best.text, best.value
        resolved = None
        for query in dict.fromkeys(q for q in (value, span) if isinstance(q, str) and q):
            resolved = self._resolve(query)
            if resolved is not None and resolved.resolved:
                break
        if resolved is None:
            return LocationResult(text=span, start=start, end=end)
        # Everything the gazetteer knows (place, position, relation, candidates), at Rasa's span.
        return replace(resolved, text=span, start=start, end=end)

    def _resolve(self, query: str) -> LocationResult | None:
        try:
            if self._places is None:
                self._places = _default_places()
            return self._places.resolve(query)
        except Exception:
            log.exception("the gazetteer failed to resolve a location span")
            return None

    def _safe_language(self, text: str) -> str:
        try:
            return self._language(text)
        except Exception:
            log.exception("language detection failed")
            return "en"


# How DIET's entity output is repaired: it often cuts one place phrase into fragments
# ("the" + "corner of constitution drive" + "Ring Road" for "the corner of constitution drive
# and ring road"). Fragments separated by at most this many words (and no punctuation) are
# one span; a span made only of function words ("in", "di", "of") is not a place.
MAX_GAP_WORDS = 2
_GAP_BREAK = re.compile(r"[.,;:!?()\n]")
_FUNCTION_WORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "in",
        "on",
        "at",
        "by",
        "to",
        "and",
        "or",
        "near",
        "di",
        "da",
        "pan",
        "eena",
        "de",
        "la",
        "el",
        "los",
        "las",
        "en",
        "al",
        "del",
        "por",
        "y",
    ]
)


@dataclass(slots=True)
class _Span:
    start: int
    end: int
    text: str
    value: str | None  # Rasa's value (a synonym's canonical name) for an unmerged span
    weight: float  # characters x entity confidence, summed over the fragments


def _merge_fragments(text: str, entities: list[dict[str, Any]]) -> list[_Span]:
    spans: list[_Span] = []
    for entity in sorted(entities, key=lambda e: (e["start"], e["end"])):
        start, end = int(entity["start"]), int(entity["end"])
        weight = (end - start) * _confidence(entity.get("confidence_entity", 1.0))
        value = entity.get("value") if isinstance(entity.get("value"), str) else None
        if spans:
            last = spans[-1]
            gap = text[last.end : start] if start > last.end else ""
            if not _GAP_BREAK.search(gap) and len(words(gap)) <= MAX_GAP_WORDS:
                last.end = max(last.end, end)
                last.text = text[last.start : last.end]
                last.value = None
                last.weight += weight
                continue
        spans.append(_Span(start, end, text[start:end], value, weight))
    return spans


def _only_function_words(span: str) -> bool:
    return all(word in _FUNCTION_WORDS for word in words(span))


def _confidence(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return min(max(number, 0.0), 1.0) if number == number else 0.0  # NaN -> 0


def _describe(exc: Exception) -> str:
    """A reason for the log: the kind of failure, never the request (it holds the text)."""
    if isinstance(exc, httpx.HTTPStatusError):
        return f"HTTP {exc.response.status_code}"
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    if isinstance(exc, httpx.ConnectError):
        return "connection refused or unreachable"
    return type(exc).__name__
