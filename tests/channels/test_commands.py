"""`safercity telegram set-webhook` and `safercity outbox run|status`, as a deployer runs them."""

from __future__ import annotations

from pathlib import Path

import pytest

from actions.messages import InboundMessage
from bot.cli import main
from bot.runtime import build_runtime
from bot.settings import Settings
from nlu.engine import NluEngine
from storage import outbox
from storage.ratelimit import find_reporter
from tests.channels.conftest import BOT_TOKEN, WEBHOOK_SECRET
from tests.fakes.telegram_api import FakeTelegramApi
from tests.fakes.twilio_api import FakeTwilioApi

PERSON = "+5016100001"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, channel_settings: Settings) -> Settings:
    """The same settings as the app under test, given as a deployer gives them: environment."""
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name, value in channel_settings.model_dump().items():
        if value is not None:
            monkeypatch.setenv(name.upper(), str(value))
    return channel_settings


def test_set_webhook_command(
    env: Settings, telegram_api: FakeTelegramApi, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["telegram", "set-webhook"]) == 0
    assert telegram_api.webhook is not None
    assert telegram_api.webhook["url"] == env.safercity_public_url + "/webhooks/telegram"
    assert telegram_api.webhook["secret_token"] == WEBHOOK_SECRET
    out = capsys.readouterr().out
    assert "/webhooks/telegram" in out
    assert BOT_TOKEN not in out


def test_set_webhook_refuses_a_plain_http_url(
    env: Settings,
    telegram_api: FakeTelegramApi,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SAFERCITY_PUBLIC_URL", "http://127.0.0.1:8000")
    assert main(["telegram", "set-webhook"]) == 2
    assert telegram_api.webhook is None
    assert "telegram poll" in capsys.readouterr().err


def test_outbox_run_once_and_status(
    env: Settings,
    nlu_engine: NluEngine,
    twilio_api: FakeTwilioApi,
    capsys: pytest.CaptureFixture[str],
) -> None:
    rt = build_runtime(env, nlu=nlu_engine)
    try:
        rt.service.receive(InboundMessage(channel="sms", address=PERSON, text="hello"))
        with rt.session_factory() as session:
            reporter = find_reporter(
                session, secret=env.safercity_secret_key, channel="sms", address=PERSON
            )
            assert reporter is not None
            for text in ("First update.", "Second update."):
                outbox.enqueue(
                    session, reporter=reporter, conversation=None, text=text, created_by="t"
                )
            session.commit()
    finally:
        rt.engine.dispose()
    assert main(["outbox", "status"]) == 0
    assert "queued 2" in capsys.readouterr().out
    assert main(["outbox", "run", "--once"]) == 0
    assert "2 message(s) attempted" in capsys.readouterr().out
    assert [c["Body"] for c in twilio_api.created()] == ["First update.", "Second update."]
    assert main(["outbox", "status"]) == 0
    status = capsys.readouterr().out
    assert "sent 2" in status
    assert PERSON not in status
