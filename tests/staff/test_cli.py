"""`safercity staff create-user` and `safercity nlu export-corrections`."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import select

from bot import cli
from bot.runtime import Runtime
from bot.staff.corrections import annotate, to_rasa_yaml
from storage.models import NluCorrection, StaffUser
from tests.staff.conftest import csrf_of, login, version_of


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, staff_runtime: Runtime) -> Runtime:
    settings = staff_runtime.settings
    monkeypatch.setenv("SAFERCITY_DATABASE_URL", settings.safercity_database_url)
    monkeypatch.setenv("SAFERCITY_SECRET_KEY", settings.safercity_secret_key)
    monkeypatch.chdir(Path(__file__).parent)  # no .env file here
    return staff_runtime


def run(monkeypatch: pytest.MonkeyPatch, argv: list[str], stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return cli.main(argv)


def test_create_user_from_stdin_then_log_in(
    cli_env: Runtime,
    monkeypatch: pytest.MonkeyPatch,
    app_client: TestClient,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = run(
        monkeypatch,
        ["staff", "create-user", "ana", "--role", "supervisor", "--password-stdin"],
        "a long enough password\n",
    )
    assert code == 0
    assert "created supervisor ana" in capsys.readouterr().err
    with cli_env.session_factory() as session:
        user = session.scalars(select(StaffUser)).one()
        assert (user.username, user.role) == ("ana", "supervisor")
    assert login(app_client, "ana", "a long enough password").status_code == 303
    assert app_client.get("/staff/users").status_code == 200


def test_create_user_refuses_bad_input(
    cli_env: Runtime, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["staff", "create-user", "ana", "--role", "reviewer", "--password-stdin"]
    assert run(monkeypatch, args, "short\n") == 2
    assert "at least 10 characters" in capsys.readouterr().err
    assert run(monkeypatch, args, "a long enough password\n") == 0
    assert run(monkeypatch, args, "a long enough password\n") == 1
    assert "exists already" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        run(monkeypatch, ["staff", "create-user", "bob", "--role", "admin", "--password-stdin"])


def test_corrections_export_as_rasa_yaml(
    cli_env: Runtime,
    monkeypatch: pytest.MonkeyPatch,
    app_client: TestClient,
    as_role: Any,
    seed: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    seeded = seed(
        address="+5016800001",
        language="bzj",
        category="other_unsafe",
        texts=("sum bwai di fight wid machete backa di market now",),
        location_text="backa di market",
    )
    as_role("reviewer")
    page = app_client.get(f"/staff/conversations/{seeded.conversation_id}").text
    response = app_client.post(
        f"/staff/reports/{seeded.report_id}/edit",
        data={
            "csrf_token": csrf_of(page),
            "version": version_of(page),
            "category": "violence",
            "urgent": "1",
            "place_query": "Belmopan Market and bus terminal",
        },
    )
    assert response.status_code == 303
    out = tmp_path / "corrections.yml"
    assert run(monkeypatch, ["nlu", "export-corrections", "--output", str(out)]) == 0
    assert "wrote 1 corrected examples" in capsys.readouterr().err
    document = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert document["version"] == "3.1"
    assert document["nlu"] == [
        {
            "intent": "violence",
            "metadata": {"lang": "bzj", "urgent": True},
            "examples": "- sum bwai di fight wid machete [backa di market](location) now\n",
        }
    ]
    training_data = pytest.importorskip("nlu.training_data")
    data = training_data.load(out)
    example = data.examples[0]
    assert (example.intent, example.lang, example.urgent) == ("violence", "bzj", True)
    assert [loc.text for loc in example.locations] == ["backa di market"]


def test_yaml_export_groups_blocks_and_survives_odd_text() -> None:
    rows = [
        NluCorrection(
            text="light out [by] the {school}",
            language="en",
            category="street_lighting",
            location_text="the {school}",
            urgent=False,
            actor="a",
        ),
        NluCorrection(
            text="hola", language="es", category=None, location_text=None, urgent=False, actor="a"
        ),
        NluCorrection(
            text="dark by di park\nat nite",
            language="bzj",
            category="street_lighting",
            location_text="di park",
            urgent=False,
            actor="a",
        ),
        NluCorrection(
            text="Hola",
            language="es",
            category="other_unsafe",
            location_text=None,
            urgent=False,
            actor="b",
        ),  # a later correction of the same message wins
    ]
    document, count = to_rasa_yaml(rows)
    assert count == 3
    parsed = yaml.safe_load(document)
    blocks = {(b["intent"], b["metadata"]["lang"]): b["examples"] for b in parsed["nlu"]}
    assert blocks == {
        ("street_lighting", "en"): "- light out (by) [the (school)](location)\n",
        ("street_lighting", "bzj"): "- dark by [di park](location) at nite\n",
        ("other_unsafe", "es"): "- Hola\n",
    }
    assert to_rasa_yaml([])[1] == 0
    assert yaml.safe_load(to_rasa_yaml([])[0])["nlu"] == []
    assert annotate("near the school", "The School") == "near [the school](location)"
