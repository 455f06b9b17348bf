"""`safercity nlu parse|train|evaluate` as a deployer runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from nlu.embedded.rules import urgent_cues

ROOT = Path(__file__).resolve().parents[2]


def _run(
    args: list[str], stdin: bytes = b"", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    full_env = {**os.environ, "SAFERCITY_NLU_ENGINE": "embedded", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        env=full_env,
        timeout=600,
        check=False,
    )


def test_parse_reads_json_lines_and_survives_bad_lines(nlu_engine: object) -> None:
    lines = [
        json.dumps({"id": "a", "text": "di lite pos backa di market noh di wok"}).encode(),
        b"this is not json",
        json.dumps({"id": 7, "text": ""}).encode(),
        json.dumps({"id": "b"}).encode(),
        json.dumps(["not", "an", "object"]).encode(),
        b'{"id": "c", "text": "perros \xff\xfe bravos en la calle"}',  # invalid UTF-8
        json.dumps({"id": "d", "text": "\x00\x01🙂"}).encode(),
        json.dumps({"id": "e", "text": "x" * 10_000}).encode(),
    ]
    proc = _run(["nlu", "parse"], stdin=b"\n".join(lines) + b"\n")
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    out = [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()]
    assert len(out) == len(lines)

    first = out[0]
    assert first["id"] == "a"
    assert first["category"] == "street_lighting"
    assert first["language"] == "bzj"
    assert set(first) == {"id", "category", "confidence", "urgent", "language", "location"}
    assert first["location"]["text"] == "backa di market"
    assert first["location"]["place"] is not None
    assert isinstance(first["location"]["lat"], float)

    assert out[1]["id"] is None and "error" in out[1]
    assert out[2] == {
        "id": 7,
        "category": None,
        "confidence": 0.0,
        "urgent": False,
        "language": "en",
        "location": None,
    }
    assert out[3]["id"] == "b" and "error" in out[3]
    assert "error" in out[4]
    assert out[5]["id"] == "c" and out[5]["category"] == "stray_animals"
    assert out[6]["id"] == "d" and out[6]["category"] is None and out[6]["location"] is None
    assert out[7]["id"] == "e" and "error" not in out[7]


def test_train_reports_an_up_to_date_model(nlu_engine: object) -> None:
    proc = _run(["nlu", "train"])
    assert proc.returncode == 0
    assert b"up to date" in proc.stderr


def test_evaluate_prints_the_figures(tmp_path: Path, nlu_engine: object) -> None:
    data = tmp_path / "few.yml"
    data.write_text(
        'version: "3.1"\nnlu:\n- intent: stray_animals\n  metadata:\n    lang: en\n'
        "  examples: |\n    - stray dogs biting kids [by the school](location)\n",
        encoding="utf-8",
    )
    proc = _run(["nlu", "evaluate", str(data), "--format", "json"])
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    payload = json.loads(proc.stdout)
    assert payload["engine"] == "embedded"
    assert payload["examples"] == 1
    assert payload["per_category"]["stray_animals"]["support"] == 1


def test_urgency_cues_in_three_languages() -> None:
    assert urgent_cues("man robbing the shop right now")
    assert urgent_cues("ih di bleed bad unu kom kwik")
    assert urgent_cues("me estan siguiendo ayuda")
    assert not urgent_cues("the light is out on ring road")
    # a weapon last week is a report, not an emergency
    assert not urgent_cues("a man pulled a gun on me last week")
    assert not urgent_cues("someone was hurt in a fight there two weeks ago")
    assert urgent_cues("my boy went missing an hour ago")
    assert urgent_cues("he was stabbed yesterday and he is still bleeding")
