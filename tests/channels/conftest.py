"""Channels driven through the real app, with local fakes of the Bot API and Twilio REST."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from bot.app import create_app
from bot.runtime import Runtime, build_runtime
from bot.settings import Settings
from nlu.engine import NluEngine
from tests.conftest import TWILIO_TOKEN, make_settings
from tests.fakes.telegram_api import FakeTelegramApi
from tests.fakes.twilio_api import FakeTwilioApi

BOT_TOKEN = "7000000001:AAFakeTokenForTestsOnly_0123456789abc"
WEBHOOK_SECRET = "tg-webhook-secret_0123456789"
ACCOUNT_SID = "AC" + "0" * 32
SMS_FROM = "+5012230000"
WHATSAPP_FROM = "whatsapp:+14155238886"
TEMPLATE_SID = "HX" + "1" * 32
TELEGRAM_FIXTURES = Path(__file__).parent.parent / "fixtures" / "telegram"


def load_update(name: str, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (TELEGRAM_FIXTURES / f"{name}.json").read_text(encoding="utf-8")
    )
    data.pop("_comment", None)
    data.update(overrides)
    return data


@pytest.fixture
def telegram_api() -> Iterator[FakeTelegramApi]:
    with FakeTelegramApi(BOT_TOKEN) as api:
        yield api  # type: ignore[misc]


@pytest.fixture
def twilio_api() -> Iterator[FakeTwilioApi]:
    with FakeTwilioApi(ACCOUNT_SID, TWILIO_TOKEN) as api:
        yield api  # type: ignore[misc]


@pytest.fixture
def channel_settings(
    db_url: str, tmp_path: Path, telegram_api: FakeTelegramApi, twilio_api: FakeTwilioApi
) -> Settings:
    return make_settings(
        db_url,
        telegram_bot_token=BOT_TOKEN,
        telegram_webhook_secret=WEBHOOK_SECRET,
        telegram_api_base_url=telegram_api.url,
        twilio_api_base_url=twilio_api.url,
        twilio_sms_from=SMS_FROM,
        twilio_whatsapp_from=WHATSAPP_FROM,
        twilio_whatsapp_template_sid=TEMPLATE_SID,
        safercity_media_dir=str(tmp_path / "media"),
        safercity_outbox_worker=False,  # tests run the worker's rounds themselves
    )


@pytest.fixture
def rt(channel_settings: Settings, nlu_engine: NluEngine) -> Iterator[Runtime]:
    runtime = build_runtime(channel_settings, nlu=nlu_engine)
    yield runtime
    runtime.engine.dispose()


@pytest.fixture
def client(rt: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime=rt)) as test_client:
        yield test_client


def post_update(
    client: TestClient, update: dict[str, Any], *, secret: str | None = WEBHOOK_SECRET
) -> Any:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    return client.post("/webhooks/telegram", content=json.dumps(update), headers=headers)
