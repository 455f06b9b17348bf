"""The embedded engine: the trained spaCy pipeline behind the NluEngine protocol."""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy
import spacy
from spacy.language import Language
from spacy.tokens import Doc

import nlu.embedded.components  # registers the architecture and the lexicon; clear_caches
from nlu.categories import CATEGORY_CODES, LANGUAGES
from nlu.embedded import fast_classifier, fast_decoder, fast_tok2vec, landmark_fallback
from nlu.embedded import spans as spans_rules
from nlu.embedded.rules import urgent_cues
from nlu.embedded.train import (
    LOCATION,
    TEXTCATS,
    URGENT,
    apply_temperature,
    labels_of,
    one_blas_thread,
)
from nlu.places.gazetteer import Gazetteer, get_gazetteer
from nlu.text import clean, has_letters
from nlu.types import LocationResult, ParseResult

log = logging.getLogger(__name__)
_CATEGORIES = frozenset(CATEGORY_CODES)
_PLACE_CACHE_SIZE = 4096  # span texts whose gazetteer answer is kept
# Conversational intents that never carry a place ("no, it's behind the school" may: deny,
# affirm and cancel keep theirs, for the dialogue's corrections).
_PLACELESS_INTENTS = frozenset({"greet", "thanks", "help", "status", "stop", "human", "not_report"})


class EmbeddedEngine:
    """Category, calibrated confidence, urgency, language and place of one message."""

    name = "embedded"

    def __init__(
        self,
        nlp: Language,
        meta: dict[str, Any],
        gazetteer: Gazetteer | None = None,
        *,
        fast: bool = True,
    ) -> None:
        # fast: serve the location tagger's token encoder through FastTok2Vec and each
        # classifier through one layer (the same numbers, faster); the pipeline is then for
        # parsing only, not for saving.
        self.nlp = nlp
        self.fast_tagger = fast and fast_tok2vec.install(nlp)
        self.fast_classifiers = fast and fast_classifier.install(nlp, TEXTCATS)
        decoder = fast_decoder.install(nlp) if self.fast_tagger else None
        self.fast_decoder = decoder is not None
        # the pipeline's steps, the tagger's decoding through `decoder` when it is in use
        self._steps: list[Callable[[Doc], Doc]] = [
            decoder if decoder is not None and name == "ner" else proc
            for name, proc in nlp.pipeline
        ]
        if self.fast_tagger:
            # numpy's BLAS on one thread in this process: the tagger multiplies matrices
            # of a dozen rows; a second BLAS thread only adds a wake-up to each product,
            # and when the other core is busy (a web request, a second worker) it waits
            # for it: one thread parsed 500 messages/s where two parsed 330 with the other
            # core loaded (docs/nlu-benchmark.md). The service does no large linear
            # algebra of its own.
            one_blas_thread()
        self.meta = meta
        calibration = meta.get("calibration", {})
        self.temperature = float(calibration.get("temperature", 1.0))
        self.urgent_threshold = float(calibration.get("urgent_threshold", 0.5))
        self.min_report_confidence = float(calibration.get("min_report_confidence", 0.0))
        # the categories the training data ever marks urgent (a model without the list:
        # all of them); the classifier alone never makes another category urgent
        known = meta.get("urgent_categories")
        self.urgent_categories = frozenset(known if known is not None else _CATEGORIES)
        self.intents: list[str] = labels_of(nlp, "textcat")
        self.gazetteer = gazetteer or get_gazetteer()
        # The same places come back again and again ("the market", "ring road"): each span
        # text is looked up once (the gazetteer does not change while the engine lives).
        self._place_of = lru_cache(maxsize=_PLACE_CACHE_SIZE)(self._lookup_place)
        self.span_rules = True
        self.gazetteer_fallback = True
        self.road_name_fallback = True
        self.landmark_fallback = True

    @classmethod
    def from_dir(
        cls, model_dir: Path, gazetteer: Gazetteer | None = None, *, fast: bool = True
    ) -> EmbeddedEngine:
        """The engine saved in `model_dir` (by nlu.embedded.train.train_model)."""
        model_dir = Path(model_dir)
        meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
        nlp = spacy.load(model_dir / "pipeline")
        return cls(nlp, meta, gazetteer, fast=fast)

    @classmethod
    def load(
        cls,
        train_dir: Path | None = None,
        *,
        cache: Path | None = None,
        progress: bool = False,
        fast: bool = True,
    ) -> EmbeddedEngine:
        """The engine for the current training data, training it first when none is cached."""
        from nlu.embedded.store import ensure_model

        model_dir, _, trained = ensure_model(
            train_dir, root=cache, progress=progress, echo=log.info
        )
        if trained:
            log.info("embedded NLU trained for the current data: %s", model_dir)
        return cls.from_dir(model_dir, fast=fast)

    def clear_caches(self) -> None:
        """Forget the places, word features and token vectors seen so far (for benchmarks and
        tests)."""
        self._place_of.cache_clear()
        self.gazetteer.clear_caches()
        nlu.embedded.components.clear_word_caches()
        fast_tok2vec.clear_caches()

    # ----------------------------------------------------------------- parse
    def parse(self, text: str) -> ParseResult:
        try:
            cleaned = clean(text) if isinstance(text, str) else ""
        except Exception:  # pragma: no cover - clean() is total on str
            cleaned = ""
        try:
            return self._parse(cleaned)
        except Exception:  # the protocol: parse never raises
            log.exception("embedded NLU failed on a message of %d characters", len(cleaned))
            return ParseResult(text=cleaned)

    def _parse(self, text: str) -> ParseResult:
        if not has_letters(text):
            return ParseResult(text=text)
        doc = self.nlp.make_doc(text)
        for step in self._steps:
            doc = step(doc)
        cats = doc.cats
        raw = numpy.asarray([cats.get(label, 0.0) for label in self.intents], dtype="float64")
        probs = apply_temperature(raw, self.temperature)
        order = numpy.argsort(-probs)
        top = self.intents[int(order[0])]
        top_p = float(probs[order[0]])
        ranking = tuple(
            (self.intents[int(i)], round(float(probs[i]), 4))
            for i in order[:3]
            if self.intents[int(i)] in _CATEGORIES
        )
        category = top if top in _CATEGORIES else None
        intent: str | None = "report" if category else top
        # True when the classifier is sure the message is a report but not which one
        reads_as_report = False
        if category is not None and top_p < self.min_report_confidence:
            # Too little evidence for any one report ("cambie de opinion", "eni nyuz"): the
            # likeliest conversational intent, and no category.
            category = None
            conversational = [i for i in order if self.intents[int(i)] not in _CATEGORIES]
            report_mass = sum(float(probs[i]) for i in order if self.intents[int(i)] in _CATEGORIES)
            if conversational:
                intent = self.intents[int(conversational[0])]
                top_p = float(probs[conversational[0]])
            reads_as_report = top_p < report_mass

        p_urgent = float(cats.get(URGENT, 0.0))
        cues = urgent_cues(text)
        if (
            category is None
            and cues
            and p_urgent >= self.urgent_threshold
            and len(doc) >= 5
            and ranking
        ):
            # "my son is missing since this morning please help find him": someone in
            # danger is a report even when the words look like a request for help; the
            # cue rules and the urgency classifier (at its fitted threshold) must agree
            category, top_p = ranking[0]
            intent = "report"
        # Only a report is urgent: "help" alone asks how the service works. The classifier
        # speaks for the categories people have reported emergencies in ("the bush is so
        # high" is never urgent however it is worded); a cue ("he has a gun") for any.
        urgent = category is not None and (
            bool(cues) or (category in self.urgent_categories and p_urgent >= self.urgent_threshold)
        )

        language = max(LANGUAGES, key=lambda lang: cats.get(lang, 0.0))

        location = self._location(doc)
        if location is not None and spans_rules.only_a_place(doc, location.start, location.end):
            # "behind the hospital", "near the school": an answer naming a place, with
            # nothing that says what happened there: no category, nothing urgent
            category, intent, top_p, urgent, ranking = None, None, 0.0, False, ()
        elif category is None and intent in _PLACELESS_INTENTS and not reads_as_report:
            # "a que hora abre el banco", "wen di market open": a question or a greeting
            # that mentions a place reports nothing there (but a report whose category is
            # unsure keeps its place: "people shouting at [the park]" is still somewhere)
            location = None
        return ParseResult(
            text=text,
            category=category,
            confidence=top_p if category else 0.0,
            urgent=urgent,
            language=language,
            intent=intent,
            intent_confidence=top_p,
            location=location,
            ranking=ranking,
        )

    def _location(self, doc: Any) -> LocationResult | None:
        spans = [ent for ent in doc.ents if ent.label_ == LOCATION]
        bounds: tuple[int, int] | None = None
        if self.span_rules:
            refined = [spans_rules.refine(doc, ent.start, ent.end) for ent in spans]
            bounds = spans_rules.choose(doc, [b for b in refined if b is not None])
        elif spans:
            bounds = (spans[0].start, spans[0].end)
        if bounds is None and self.gazetteer_fallback:
            bounds = spans_rules.from_gazetteer(doc)
        if bounds is None and self.road_name_fallback:
            bounds = spans_rules.from_road_name(doc)
        if bounds is None and self.landmark_fallback:
            bounds = landmark_fallback.from_landmark(doc)
        if bounds is None:
            return None
        span = doc[bounds[0] : bounds[1]]
        return self.resolve_span(span.text, span.start_char, span.end_char)

    def resolve_span(self, span_text: str, start: int, end: int) -> LocationResult:
        """The place a predicted span points at, through the gazetteer (None fields if not)."""
        found = self._place_of(span_text)
        if found is None:
            return LocationResult(text=span_text, start=start, end=end)
        return dataclasses.replace(found, text=span_text, start=start, end=end)

    def _lookup_place(self, span_text: str) -> LocationResult | None:
        try:
            return self.gazetteer.resolve(span_text) or self.gazetteer.find_in_text(span_text)
        except Exception:
            log.exception("gazetteer failed to resolve a location span")
            return None
