"""Telegram through the real app: recorded updates in, the local fake Bot API records replies."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from bot.app import create_app
from bot.channels.telegram import set_webhook
from bot.runtime import Runtime
from storage import outbox
from storage.models import Conversation, Message, OutboxMessage, Report, Reporter
from tests.channels.conftest import WEBHOOK_SECRET, load_update, post_update
from tests.fakes.telegram_api import JPEG, FakeTelegramApi

CHAT = 5550001001


def inbound_messages(rt: Runtime) -> list[Message]:
    with rt.session_factory() as session:
        return list(
            session.scalars(select(Message).where(Message.direction == "in").order_by(Message.id))
        )


def stored_replies(rt: Runtime) -> list[str]:
    with rt.session_factory() as session:
        return list(
            session.scalars(
                select(Message.text).where(Message.direction == "out").order_by(Message.id)
            )
        )


def finish_report(client: TestClient, rt: Runtime) -> None:
    """Answer whatever the bot asks (a menu word, a pin, YES) until the report is saved."""
    for update_id in range(900, 906):
        if count(rt, Report):
            return
        with rt.session_factory() as session:
            step = session.scalars(select(Conversation.state)).one().get("step")
        if step == "ask_category":
            send_text(client, "light", update_id)
        elif step in {"ask_place", "choose_place"}:
            assert (
                post_update(client, load_update("location", update_id=update_id)).status_code == 200
            )
        else:
            send_text(client, "yes", update_id)
    raise AssertionError("the report was never saved")


def count(rt: Runtime, model: Any) -> int:
    with rt.session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def send_text(client: TestClient, text: str, update_id: int) -> None:
    update = load_update("text", update_id=update_id)
    update["message"]["text"] = text
    assert post_update(client, update).status_code == 200


def test_text_is_stored_once_and_answered_through_the_bot_api(
    client: TestClient, rt: Runtime, telegram_api: FakeTelegramApi
) -> None:
    update = load_update("text")
    response = post_update(client, update)
    assert response.status_code == 200
    [message] = inbound_messages(rt)
    assert message.channel == "telegram"
    assert message.provider_message_id == str(update["update_id"])
    assert message.kind == "text"
    assert message.status == "processed"
    # What the dialogue answered is what went out through the Bot API, to that chat.
    [reply] = telegram_api.sent_texts(CHAT)
    assert stored_replies(rt) == [reply]
    assert "wrong on our side" not in reply


def test_retried_update_is_processed_once(
    client: TestClient, rt: Runtime, telegram_api: FakeTelegramApi
) -> None:
    update = load_update("text")
    assert post_update(client, update).status_code == 200
    assert post_update(client, update).status_code == 200
    assert len(inbound_messages(rt)) == 1
    assert len(telegram_api.sent_texts(CHAT)) == 1


def test_start_greets_and_help_lists_the_keywords(
    client: TestClient, telegram_api: FakeTelegramApi, rt: Runtime
) -> None:
    assert post_update(client, load_update("start")).status_code == 200
    [greeting] = telegram_api.sent_texts(CHAT)
    assert "SaferCity" in greeting
    assert post_update(client, load_update("help")).status_code == 200
    help_text = telegram_api.sent_texts(CHAT)[-1]
    assert "STATUS" in help_text
    kinds = [m.kind for m in inbound_messages(rt)]
    assert kinds == ["command", "command"]


def test_location_pin_answers_the_where_question(
    client: TestClient, rt: Runtime, telegram_api: FakeTelegramApi
) -> None:
    send_text(client, "the street light is out", 700)
    assert post_update(client, load_update("location")).status_code == 200
    pin = inbound_messages(rt)[-1]
    assert pin.kind == "location"
    assert pin.location is not None
    assert (pin.location["lat"], pin.location["lon"]) == (17.251, -88.7675)
    assert pin.location["live"] is False
    assert len(telegram_api.sent_texts(CHAT)) >= 2


def test_venue_keeps_its_name(
    client: TestClient, rt: Runtime, telegram_api: FakeTelegramApi
) -> None:
    send_text(client, "the street light is out", 701)
    assert post_update(client, load_update("venue")).status_code == 200
    venue = inbound_messages(rt)[-1]
    assert venue.location is not None
    assert venue.location["label"] == "Belmopan Market"
    assert venue.location["address"] == "Market Square, Belmopan"
    assert len(telegram_api.sent_texts(CHAT)) == 2


def test_edited_live_location_is_a_live_pin_kept_without_a_reply(
    client: TestClient, rt: Runtime, telegram_api: FakeTelegramApi
) -> None:
    send_text(client, "the street light is out", 703)
    answered = len(telegram_api.sent_texts(CHAT))
    for update_id in (810000006, 810000106, 810000206):  # the pin moves three times
        update = load_update("edited_live_location", update_id=update_id)
        assert post_update(client, update).status_code == 200
    moved = inbound_messages(rt)[-1]
    assert moved.kind == "location"
    assert moved.location is not None
    assert moved.location["live"] is True
    assert (moved.location["lat"], moved.location["lon"]) == (17.2521, -88.7661)
    assert len(inbound_messages(rt)) == 4
    assert len(telegram_api.sent_texts(CHAT)) == answered  # no reply to each move


def test_photo_with_caption_fetches_the_largest_size_and_keeps_it_with_the_report(
    client: TestClient,
    rt: Runtime,
    telegram_api: FakeTelegramApi,
) -> None:
    assert post_update(client, load_update("photo_caption")).status_code == 200
    [get_file] = telegram_api.calls("getFile")
    assert get_file["file_id"] == "AgACAgEAAxkBAAIBsmZ-large-1280"
    assert len(telegram_api.downloads()) == 1
    [photo] = inbound_messages(rt)
    assert photo.kind == "photo"
    assert photo.text == "dis lite out by di market"
    [attachment] = photo.attachments
    assert attachment["file_id"] == "AgACAgEAAxkBAAIBsmZ-large-1280"
    stored = Path(rt.settings.safercity_media_dir) / attachment["stored_path"]
    assert stored.read_bytes() == JPEG
    # Finish the report whatever the caption told the bot: the photo stays with it.
    finish_report(client, rt)
    with rt.session_factory() as session:
        [report] = session.scalars(select(Report)).all()
        assert [m["file_id"] for m in report.media] == ["AgACAgEAAxkBAAIBsmZ-large-1280"]
        assert [m["stored_path"] for m in report.media] == [attachment["stored_path"]]


def test_photo_is_referenced_by_file_id_when_the_download_fails(
    client: TestClient, rt: Runtime, telegram_api: FakeTelegramApi
) -> None:
    telegram_api.down = True
    assert post_update(client, load_update("photo_caption")).status_code == 200
    [photo] = inbound_messages(rt)
    [attachment] = photo.attachments
    assert attachment["file_id"] == "AgACAgEAAxkBAAIBsmZ-large-1280"
    assert "stored_path" not in attachment


@pytest.mark.parametrize("fixture", ["sticker", "voice", "document"])
def test_media_the_bot_cannot_read_gets_text_or_pin_please(
    client: TestClient, rt: Runtime, telegram_api: FakeTelegramApi, fixture: str
) -> None:
    assert post_update(client, load_update(fixture)).status_code == 200
    [message] = inbound_messages(rt)
    assert message.kind == "media"
    [reply] = telegram_api.sent_texts(CHAT)
    assert "text, photos or a pin" in reply
    assert telegram_api.calls("getFile") == []  # nothing downloaded that nobody reads


def test_blocking_the_bot_marks_the_reporter_stopped(
    client: TestClient, rt: Runtime, telegram_api: FakeTelegramApi
) -> None:
    send_text(client, "the street light is out", 702)
    sent_before = len(telegram_api.sent_texts())
    assert post_update(client, load_update("my_chat_member_kicked")).status_code == 200
    with rt.session_factory() as session:
        [reporter] = session.scalars(select(Reporter)).all()
        assert reporter.stopped is True
    assert len(telegram_api.sent_texts()) == sent_before


def test_unknown_update_kind_is_acknowledged_and_ignored(
    client: TestClient, rt: Runtime, telegram_api: FakeTelegramApi
) -> None:
    response = post_update(client, load_update("unknown_callback_query"))
    assert response.status_code == 200
    assert count(rt, Message) == 0
    assert telegram_api.sent_texts() == []


@pytest.mark.parametrize("secret", [None, "", "wrong", WEBHOOK_SECRET + "x", WEBHOOK_SECRET[:-1]])
def test_forged_secret_is_refused_and_nothing_stored(
    client: TestClient, rt: Runtime, telegram_api: FakeTelegramApi, secret: str | None
) -> None:
    response = post_update(client, load_update("text"), secret=secret)
    assert response.status_code == 403
    assert count(rt, Message) == 0
    assert telegram_api.sent_texts() == []


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"", b"[1, 2]", b'{"message": {}}', b'{"update_id": "x"}', b"\xff\xfe"],
    ids=["broken", "empty", "array", "no-update-id", "string-id", "not-utf8"],
)
def test_malformed_update_is_a_bad_request(client: TestClient, rt: Runtime, body: bytes) -> None:
    response = client.post(
        "/webhooks/telegram",
        content=body,
        headers={"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET},
    )
    assert response.status_code == 400
    assert count(rt, Message) == 0


@pytest.mark.parametrize(
    "message",
    ["just a string", {"chat": 5}, {"message_id": 1, "date": 1, "chat": "x"}],
    ids=["string", "missing-fields", "chat-not-an-object"],
)
def test_broken_message_inside_an_update_is_a_bad_request(
    client: TestClient, rt: Runtime, message: object
) -> None:
    response = post_update(client, {"update_id": 42, "message": message})
    assert response.status_code == 400
    assert count(rt, Message) == 0


@pytest.mark.parametrize(
    "location",
    [{"latitude": "abc", "longitude": 1}, {"latitude": 91.0, "longitude": 0}, {"latitude": 1}],
    ids=["not-a-number", "off-the-planet", "no-longitude"],
)
def test_impossible_pin_is_not_taken_as_a_place(
    client: TestClient, rt: Runtime, location: dict[str, object]
) -> None:
    update = load_update("location")
    update["message"]["location"] = location
    response = post_update(client, update)
    assert response.status_code in {200, 400}
    for message in inbound_messages(rt):
        assert message.location is None


def test_bot_api_outage_leaves_the_reply_in_the_outbox(
    client: TestClient, rt: Runtime, telegram_api: FakeTelegramApi
) -> None:
    telegram_api.down = True
    assert post_update(client, load_update("text")).status_code == 200
    with rt.session_factory() as session:
        [row] = session.scalars(select(OutboxMessage)).all()
        assert row.status == "queued"
        assert [row.text] == stored_replies(rt)
        reply = session.get(Message, row.message_id)
        assert reply is not None
        assert reply.status == "queued"
    assert telegram_api.sent_texts() == []
    # Telegram is back: the worker delivers the reply.
    telegram_api.down = False
    from bot.outbox import OutboxWorker, default_senders

    async def deliver() -> int:
        worker = OutboxWorker(rt.session_factory, rt.settings, default_senders(rt.settings))
        try:
            return await worker.run_once()
        finally:
            await worker.close()

    assert asyncio.run(deliver()) == 1
    assert telegram_api.sent_texts(CHAT) == stored_replies(rt)
    with rt.session_factory() as session:
        assert outbox.pending(session) == []


def test_a_user_who_blocked_the_bot_is_marked_stopped_when_a_reply_is_refused(
    client: TestClient, rt: Runtime, telegram_api: FakeTelegramApi
) -> None:
    telegram_api.blocked.add(CHAT)
    assert post_update(client, load_update("text")).status_code == 200
    with rt.session_factory() as session:
        [reporter] = session.scalars(select(Reporter)).all()
        assert reporter.stopped is True
        assert session.scalars(select(OutboxMessage)).all() == []


def test_a_flood_is_rate_limited_with_one_polite_note(
    client: TestClient, rt: Runtime, telegram_api: FakeTelegramApi
) -> None:
    limit = rt.settings.safercity_rate_limit_per_minute
    for update_id in range(1000, 1000 + limit + 5):
        send_text(client, f"hello {update_id}", update_id)
    messages = inbound_messages(rt)
    assert len(messages) == limit + 5  # every message is stored
    statuses = [m.status for m in messages]
    assert statuses[:limit] == ["processed"] * limit
    assert statuses[limit:] == ["limited"] * 5
    notes = [t for t in telegram_api.sent_texts(CHAT) if "very fast" in t]
    assert len(notes) == 1
    assert len(telegram_api.sent_texts(CHAT)) == limit + 1


def test_app_starts_and_shuts_the_bot_down_with_its_lifespan(
    rt: Runtime, telegram_api: FakeTelegramApi
) -> None:
    with TestClient(create_app(runtime=rt)) as client:
        assert len(telegram_api.calls("getMe")) == 1  # Application.initialize()
        assert post_update(client, load_update("text")).status_code == 200
    assert len(telegram_api.sent_texts(CHAT)) == 1


def test_app_starts_while_telegram_is_down_and_queues_replies(
    rt: Runtime, telegram_api: FakeTelegramApi
) -> None:
    telegram_api.down = True
    with TestClient(create_app(runtime=rt)) as client:
        assert client.get("/healthz").status_code == 200
        assert post_update(client, load_update("text")).status_code == 200
    assert count(rt, OutboxMessage) == 1


def test_chat_ids_never_reach_the_logs(
    client: TestClient, telegram_api: FakeTelegramApi, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    telegram_api.down = True  # the failure paths log the most
    for name in ["text", "photo_caption", "my_chat_member_kicked", "unknown_callback_query"]:
        post_update(client, load_update(name))
    assert caplog.records
    assert str(CHAT) not in caplog.text


def test_set_webhook_registers_the_public_url_with_the_secret(
    rt: Runtime, telegram_api: FakeTelegramApi
) -> None:
    url = asyncio.run(set_webhook(rt.settings))
    assert url == rt.settings.safercity_public_url + "/webhooks/telegram"
    assert telegram_api.webhook is not None
    assert telegram_api.webhook["url"] == url
    assert telegram_api.webhook["secret_token"] == WEBHOOK_SECRET
    assert "my_chat_member" in str(telegram_api.webhook["allowed_updates"])


def test_polling_mode_handles_updates_like_the_webhook(
    rt: Runtime, telegram_api: FakeTelegramApi
) -> None:
    from bot.channels.telegram import ALLOWED_UPDATES, polling_application

    telegram_api.pending = [load_update("text"), load_update("start")]

    async def run() -> None:
        application = polling_application(rt)
        async with application:
            assert application.updater is not None
            await application.updater.start_polling(
                allowed_updates=list(ALLOWED_UPDATES), timeout=1
            )
            await application.start()
            for _ in range(200):  # until both updates are answered (at most ~10 s)
                if len(telegram_api.sent_texts(CHAT)) >= 2:
                    break
                await asyncio.sleep(0.05)
            await application.updater.stop()
            await application.stop()

    asyncio.run(run())
    assert telegram_api.calls("deleteWebhook")  # polling replaces the webhook
    assert [m.kind for m in inbound_messages(rt)] == ["text", "command"]
    assert telegram_api.sent_texts(CHAT) == stored_replies(rt)
