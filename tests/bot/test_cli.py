"""The `safercity` command as a newcomer runs it: chat with piped input, export, db upgrade."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from storage.export import FIELDS

SAFERCITY = [sys.executable, "-m", "bot.cli"]


def run(
    args: list[str], cwd: Path, db_url: str, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "SAFERCITY_DATABASE_URL": db_url,
        "SAFERCITY_SECRET_KEY": "cli-test-secret-0123456789-0123456789",
        "SAFERCITY_NLU_ENGINE": "embedded",
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    }
    return subprocess.run(
        [*SAFERCITY, *args],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    return tmp_path


def test_chat_report_dark_street_light_then_export(workdir: Path, db_url: str) -> None:
    chat = run(
        ["chat", "--address", "newcomer"],
        workdir,
        db_url,
        "the street light on Ring Road by the market is out\nyes\nskip\n",
    )
    assert chat.returncode == 0, chat.stderr
    lines = chat.stdout.splitlines()
    assert "Ring Road" in lines[0]
    reference = re.search(r"BZ-[2-9A-HJ-NP-Z]{4}", chat.stdout)
    assert reference is not None

    jsonl = run(["reports", "export", "--format", "jsonl"], workdir, db_url)
    assert jsonl.returncode == 0, jsonl.stderr
    [record] = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert list(record) == list(FIELDS)
    assert record["reference"] == reference.group(0)
    assert record["category"] == "street_lighting"
    assert record["channel"] == "console"
    assert "newcomer" not in jsonl.stdout

    out = workdir / "reports.csv"
    csv_run = run(["reports", "export", "--format", "csv", "--output", str(out)], workdir, db_url)
    assert csv_run.returncode == 0, csv_run.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows[0]["reference"] == reference.group(0)
    assert tuple(rows[0]) == FIELDS

    geojson = run(["reports", "export", "--format", "geojson"], workdir, db_url)
    feature = json.loads(geojson.stdout)["features"][0]
    assert feature["geometry"]["type"] == "Point"


def test_chat_survives_broken_utf8_and_empty_lines(workdir: Path, db_url: str) -> None:
    env_db = db_url
    proc = subprocess.run(
        [*SAFERCITY, "chat"],
        cwd=workdir,
        input=b"\xff\xfe broken\n\n\x00\nhello\n",
        capture_output=True,
        timeout=300,
        check=False,
        env={
            **os.environ,
            "SAFERCITY_DATABASE_URL": env_db,
            "SAFERCITY_SECRET_KEY": "cli-test-secret-0123456789-0123456789",
            "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        },
    )
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.decode().splitlines()) >= 4


def test_db_upgrade_is_idempotent(workdir: Path, db_url: str) -> None:
    for _ in range(2):
        result = run(["db", "upgrade"], workdir, db_url)
        assert result.returncode == 0, result.stderr
        assert "0001" in result.stdout or "revision" in result.stdout


def test_production_refuses_a_placeholder_secret(workdir: Path, db_url: str) -> None:
    env = {
        **os.environ,
        "SAFERCITY_ENV": "production",
        "SAFERCITY_SECRET_KEY": "changeme",
        "SAFERCITY_DATABASE_URL": db_url,
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    }
    result = subprocess.run(
        [*SAFERCITY, "db", "upgrade"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "SAFERCITY_SECRET_KEY" in result.stderr
