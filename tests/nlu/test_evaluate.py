"""Evaluation figures computed right on a tiny hand-made file with known answers."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest

from nlu.cli import evaluate_command
from nlu.embedded.train import apply_temperature, fit_temperature
from nlu.evaluate import expected_calibration_error, score
from nlu.training_data import load
from nlu.types import LocationResult, ParseResult

HAND_MADE = """\
version: "3.1"
nlu:
- intent: street_lighting
  metadata:
    lang: en
  examples: |
    - light out [behind the market](location)
    - lamp dead on [ring road](location)
- intent: stray_animals
  metadata:
    lang: es
    urgent: true
  examples: |
    - perros atacando a un niño en [el parque](location) ahorita
- intent: stray_animals
  metadata:
    lang: es
  examples: |
    - muchos perros en la calle
- intent: greet
  metadata:
    lang: bzj
  examples: |
    - gud mawnin
"""


@pytest.fixture
def hand_made(tmp_path: Path) -> Path:
    path = tmp_path / "hand.yml"
    path.write_text(HAND_MADE, encoding="utf-8")
    return path


def _loc(text: str, start: int, end: int) -> LocationResult:
    return LocationResult(text=text, start=start, end=end)


def test_scores_match_a_hand_computation(hand_made: Path) -> None:
    examples = load(hand_made).examples
    assert examples[0].text == "light out behind the market"
    results = [
        # right category, exact span
        ParseResult(
            text="",
            category="street_lighting",
            confidence=0.9,
            language="en",
            location=_loc("behind the market", 10, 27),
        ),
        # wrong category (stray_animals), span one word short
        ParseResult(
            text="",
            category="stray_animals",
            confidence=0.6,
            language="en",
            location=_loc("road", 18, 22),
        ),
        # right, urgent found, span includes the attaching "en" (not exact)
        ParseResult(
            text="",
            category="stray_animals",
            confidence=0.8,
            urgent=True,
            language="es",
            location=_loc("en el parque", 26, 38),
        ),
        # missed: said no category, and raised a false urgent alarm
        ParseResult(
            text="",
            category=None,
            intent="greet",
            intent_confidence=0.5,
            urgent=True,
            language="bzj",
        ),
        # a greeting: no category is right
        ParseResult(text="", category=None, intent="greet", intent_confidence=0.7, language="bzj"),
    ]
    report = score(examples, results, engine="hand")

    sl = report.per_category["street_lighting"]
    assert (sl.precision, sl.recall, sl.support) == (1.0, 0.5, 2)
    assert sl.f1 == pytest.approx(2 / 3)
    sa = report.per_category["stray_animals"]
    assert (sa.precision, sa.recall, sa.support) == (0.5, 0.5, 2)
    # macro-F1 over the categories present in the gold data only
    assert report.macro_f1 == pytest.approx((2 / 3 + 0.5) / 2)
    assert report.accuracy == pytest.approx(3 / 5)
    assert report.accuracy_by_language == {"bzj": 1.0, "en": 0.5, "es": 0.5}
    assert report.language_accuracy == pytest.approx(4 / 5)
    assert report.urgency.recall == 1.0
    assert report.urgency.precision == 0.5
    # spans: gold 3 (market, ring road, parque); predicted 3; exact matches 1
    assert report.location_exact.precision == pytest.approx(1 / 3)
    assert report.location_exact.recall == pytest.approx(1 / 3)
    # words: gold 3+2+2 = 7, predicted 3+1+3 = 7, shared 3+1+2 = 6
    assert report.location_token.precision == pytest.approx(6 / 7)
    assert report.location_token.recall == pytest.approx(6 / 7)
    assert report.confusion["street_lighting"] == {"street_lighting": 1, "stray_animals": 1}
    assert report.confusion["stray_animals"] == {"stray_animals": 1, "none": 1}
    assert report.confusion["none"] == {"none": 1}


def test_markdown_and_json_reports(hand_made: Path) -> None:
    out = StringIO()
    assert evaluate_command(engine="keywords", file=hand_made, fmt="json", out=out) == 0
    payload = json.loads(out.getvalue())
    assert payload["engine"] == "keywords"
    assert payload["examples"] == 5
    assert set(payload["per_category"]) >= {"street_lighting", "stray_animals"}
    assert "location_span_exact" in payload and "confusion" in payload

    out = StringIO()
    assert evaluate_command(engine="keywords", file=hand_made, fmt="markdown", out=out) == 0
    text = out.getvalue()
    assert "| macro-F1 (report categories) |" in text
    assert "| gold \\ predicted |" in text


def test_a_broken_file_is_reported_not_raised(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("nlu: [ this is not: valid", encoding="utf-8")
    assert evaluate_command(engine="keywords", file=bad, out=StringIO()) == 2
    assert evaluate_command(engine="keywords", file=tmp_path / "missing.yml") == 2


def test_expected_calibration_error() -> None:
    assert expected_calibration_error([], []) == 0.0
    # perfectly calibrated: 80% confident, 80% right
    assert expected_calibration_error([0.8] * 5, [True] * 4 + [False]) == pytest.approx(0.0)
    # always 90% confident, always wrong
    assert expected_calibration_error([0.9, 0.95], [False, False]) == pytest.approx(0.925)


def test_temperature_scaling_recovers_an_overconfident_model() -> None:
    import numpy

    rng = numpy.random.default_rng(1)
    logits = rng.normal(size=(400, 4)) * 3
    true_probs = apply_temperature(numpy.exp(logits) / numpy.exp(logits).sum(1, keepdims=True), 1)
    gold = [int(rng.choice(4, p=row)) for row in true_probs]
    # the model reports probabilities sharpened by a temperature of 0.5
    overconfident = apply_temperature(true_probs, 0.5)
    fitted = fit_temperature(overconfident, gold)
    assert 1.5 < fitted < 2.7  # undoes the sharpening (ideal: 2.0)
    recalibrated = apply_temperature(overconfident, fitted)
    conf = recalibrated.max(1)
    correct = recalibrated.argmax(1) == numpy.asarray(gold)
    raw_ece = expected_calibration_error(list(overconfident.max(1)), list(correct))
    assert expected_calibration_error(list(conf), list(correct)) < raw_ece
