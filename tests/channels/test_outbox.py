"""The outbox: messages the service starts, sent by the worker through the providers' fakes,
with retries, backoff, delivery callbacks, WhatsApp's 24-hour window, and nothing lost."""

from __future__ import annotations

import asyncio
import io
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from actions.messages import InboundMessage
from bot.app import create_app
from bot.outbox import OutboxWorker, default_senders, print_status
from bot.runtime import Runtime, build_runtime
from bot.settings import Settings
from nlu.engine import NluEngine
from storage import outbox
from storage.models import Message, OutboxMessage, Reporter
from storage.types import utcnow
from tests.channels.conftest import SMS_FROM, TEMPLATE_SID, WHATSAPP_FROM
from tests.conftest import PUBLIC_URL, TWILIO_TOKEN
from tests.fakes.telegram_api import FakeTelegramApi
from tests.fakes.twilio_api import FakeTwilioApi
from tests.twilio_helpers import load_payload, sign

SMS_PERSON = "+5016100001"
WA_PERSON = "whatsapp:+5016100002"
TG_PERSON = "5550001001"
STATUS_URL = PUBLIC_URL + "/webhooks/twilio/status"


def talk(rt: Runtime, channel: str, address: str, text: str = "hello") -> None:
    """The person writes first (the service knows them), as in real life."""
    rt.service.receive(InboundMessage(channel=channel, address=address, text=text))


def queue(rt: Runtime, channel: str, address: str, text: str, created_by: str = "staff:ana") -> int:
    from storage.ratelimit import find_reporter

    with rt.session_factory() as session:
        reporter = find_reporter(
            session, secret=rt.settings.safercity_secret_key, channel=channel, address=address
        )
        assert reporter is not None
        row = outbox.enqueue(
            session, reporter=reporter, conversation=None, text=text, created_by=created_by
        )
        session.commit()
        return row.id


def run_round(rt: Runtime, *, now_offset: timedelta = timedelta(0)) -> int:
    async def go() -> int:
        worker = OutboxWorker(rt.session_factory, rt.settings, default_senders(rt.settings))
        try:
            return await worker.run_once(now=utcnow() + now_offset)
        finally:
            await worker.close()

    return asyncio.run(go())


def row(rt: Runtime, row_id: int) -> OutboxMessage:
    with rt.session_factory() as session:
        found = session.get(OutboxMessage, row_id)
        assert found is not None
        return found


def status_callback(client: TestClient, name: str, sid: str, signature: str | None = None) -> int:
    params = load_payload(name, MessageSid=sid, SmsSid=sid)
    header = signature if signature is not None else sign(TWILIO_TOKEN, STATUS_URL, params)
    response = client.post(
        "/webhooks/twilio/status", data=params, headers={"X-Twilio-Signature": header}
    )
    return response.status_code


def test_staff_sms_reply_is_sent_through_twilio_and_followed_to_delivery(
    client: TestClient, rt: Runtime, twilio_api: FakeTwilioApi
) -> None:
    talk(rt, "sms", SMS_PERSON)
    row_id = queue(rt, "sms", SMS_PERSON, "Hello from the SaferCity team – we sent a crew.")
    assert run_round(rt) == 1
    [created] = twilio_api.created()
    assert created["To"] == SMS_PERSON
    assert created["From"] == SMS_FROM
    assert created["Body"] == "Hello from the SaferCity team - we sent a crew."  # GSM-7
    assert created["StatusCallback"] == STATUS_URL
    sent = row(rt, row_id)
    assert sent.status == "sent"
    assert sent.attempts == 1
    assert sent.provider_message_id
    # Twilio reports delivery; a late "sent" does not move it back.
    assert status_callback(client, "status_delivered", sent.provider_message_id) == 204
    assert status_callback(client, "status_sent", sent.provider_message_id) == 204
    assert row(rt, row_id).status == "delivered"
    with rt.session_factory() as session:
        message = session.get(Message, sent.message_id)
        assert message is not None
        assert message.direction == "out"
        assert message.status == "delivered"


def test_undelivered_callback_records_the_error(
    client: TestClient, rt: Runtime, twilio_api: FakeTwilioApi
) -> None:
    talk(rt, "sms", SMS_PERSON)
    row_id = queue(rt, "sms", SMS_PERSON, "Your report was verified.")
    run_round(rt)
    sid = row(rt, row_id).provider_message_id
    assert sid is not None
    assert status_callback(client, "status_undelivered", sid) == 204
    failed = row(rt, row_id)
    assert failed.status == "undelivered"
    assert failed.last_error is not None
    assert "30003" in failed.last_error
    out = io.StringIO()
    print_status(rt.session_factory, out)
    assert "undelivered" in out.getvalue()
    assert SMS_PERSON not in out.getvalue()  # no phone numbers in what staff see


def test_forged_status_callback_is_refused(
    client: TestClient, rt: Runtime, twilio_api: FakeTwilioApi
) -> None:
    talk(rt, "sms", SMS_PERSON)
    row_id = queue(rt, "sms", SMS_PERSON, "Your report was verified.")
    run_round(rt)
    sid = row(rt, row_id).provider_message_id
    assert sid is not None
    assert status_callback(client, "status_delivered", sid, signature="forged") == 403
    assert row(rt, row_id).status == "sent"


def test_callback_for_a_message_we_did_not_send_is_acknowledged(client: TestClient) -> None:
    assert status_callback(client, "status_delivered", "SM" + "f" * 32) == 204


def test_twilio_outage_keeps_the_message_queued_with_backoff_until_it_is_sent(
    rt: Runtime, twilio_api: FakeTwilioApi
) -> None:
    talk(rt, "sms", SMS_PERSON)
    row_id = queue(rt, "sms", SMS_PERSON, "Your report was verified.")
    twilio_api.down = True
    assert run_round(rt) == 1
    waiting = row(rt, row_id)
    assert waiting.status == "queued"
    assert waiting.attempts == 1
    assert waiting.last_error is not None
    assert "503" in waiting.last_error
    assert waiting.next_attempt_at > utcnow()
    assert run_round(rt) == 0  # not due yet: backoff
    assert run_round(rt, now_offset=timedelta(minutes=1)) == 1  # due: still down
    second = row(rt, row_id)
    assert second.attempts == 2
    assert second.next_attempt_at - utcnow() > waiting.next_attempt_at - utcnow()
    twilio_api.down = False
    assert run_round(rt, now_offset=timedelta(minutes=5)) == 1
    assert row(rt, row_id).status == "sent"
    assert len(twilio_api.created()) == 1
    assert twilio_api.attempts() == 3


def test_after_the_last_attempt_the_failure_is_recorded(
    rt: Runtime, twilio_api: FakeTwilioApi
) -> None:
    talk(rt, "sms", SMS_PERSON)
    row_id = queue(rt, "sms", SMS_PERSON, "Your report was verified.")
    twilio_api.down = True
    for _ in range(outbox.MAX_ATTEMPTS):
        run_round(rt, now_offset=timedelta(days=1))
    failed = row(rt, row_id)
    assert failed.status == "failed"
    assert failed.attempts == outbox.MAX_ATTEMPTS
    assert run_round(rt, now_offset=timedelta(days=2)) == 0
    with rt.session_factory() as session:
        assert outbox.requeue(session, outbox_id=row_id) is not None
        session.commit()
    twilio_api.down = False
    assert run_round(rt) == 1
    assert row(rt, row_id).status == "sent"


def test_a_restart_loses_nothing_queued(
    channel_settings: Settings, nlu_engine: NluEngine, twilio_api: FakeTwilioApi
) -> None:
    first = build_runtime(channel_settings, nlu=nlu_engine)
    talk(first, "sms", SMS_PERSON)
    row_id = queue(first, "sms", SMS_PERSON, "Queued before the restart.")
    # A worker claimed it and died mid-send: its lease runs out.
    with first.session_factory() as session:
        [claimed] = outbox.claim_due(session)
        session.commit()
    assert claimed.id == row_id
    first.engine.dispose()

    second = build_runtime(channel_settings, nlu=nlu_engine)
    try:
        assert run_round(second) == 0  # the lease still holds
        assert run_round(second, now_offset=outbox.LEASE + timedelta(seconds=1)) == 1
        assert [c["Body"] for c in twilio_api.created()] == ["Queued before the restart."]
        assert row(second, row_id).status == "sent"
    finally:
        second.engine.dispose()


def test_whatsapp_inside_the_24_hour_window_is_free_text(
    rt: Runtime, twilio_api: FakeTwilioApi
) -> None:
    talk(rt, "whatsapp", WA_PERSON)
    queue(rt, "whatsapp", WA_PERSON, "We sent a crew.")
    run_round(rt)
    [created] = twilio_api.created()
    assert created["To"] == WA_PERSON
    assert created["From"] == WHATSAPP_FROM
    assert created["Body"] == "We sent a crew."
    assert "ContentSid" not in created


def test_whatsapp_outside_the_window_uses_the_approved_template(
    rt: Runtime, twilio_api: FakeTwilioApi
) -> None:
    talk(rt, "whatsapp", WA_PERSON)
    with rt.session_factory() as session:
        reporter = session.scalars(select(Reporter)).one()
        reporter.last_inbound_at = utcnow() - timedelta(hours=25)
        session.commit()
    row_id = queue(rt, "whatsapp", WA_PERSON, "Your report BZ-7K3Q was resolved.")
    run_round(rt)
    [created] = twilio_api.created()
    assert created["ContentSid"] == TEMPLATE_SID
    assert created["ContentVariables"] == '{"1": "Your report BZ-7K3Q was resolved."}'
    assert "Body" not in created
    sent = row(rt, row_id)
    assert sent.template_sid == TEMPLATE_SID
    assert sent.status == "sent"


def test_whatsapp_refusing_free_text_resends_it_as_the_template(
    client: TestClient, rt: Runtime, twilio_api: FakeTwilioApi
) -> None:
    talk(rt, "whatsapp", WA_PERSON)  # inside the window as far as the store knows
    row_id = queue(rt, "whatsapp", WA_PERSON, "Your report was resolved.")
    run_round(rt)
    sid = row(rt, row_id).provider_message_id
    assert sid is not None
    assert status_callback(client, "status_whatsapp_failed_63016", sid) == 204
    requeued = row(rt, row_id)
    assert requeued.status == "queued"
    assert requeued.template_sid == TEMPLATE_SID
    assert run_round(rt) == 1
    first, second = twilio_api.created()
    assert first["Body"] == "Your report was resolved."
    assert second["ContentSid"] == TEMPLATE_SID
    assert row(rt, row_id).status == "sent"


def test_whatsapp_outside_the_window_without_a_template_fails_visibly(
    channel_settings: Settings, nlu_engine: NluEngine, twilio_api: FakeTwilioApi
) -> None:
    settings = channel_settings.model_copy(update={"twilio_whatsapp_template_sid": None})
    rt = build_runtime(settings, nlu=nlu_engine)
    try:
        talk(rt, "whatsapp", WA_PERSON)
        with rt.session_factory() as session:
            session.scalars(select(Reporter)).one().last_inbound_at = utcnow() - timedelta(days=3)
            session.commit()
        row_id = queue(rt, "whatsapp", WA_PERSON, "Your report was resolved.")
        run_round(rt)
        failed = row(rt, row_id)
        assert failed.status == "failed"
        assert failed.last_error is not None
        assert "TWILIO_WHATSAPP_TEMPLATE_SID" in failed.last_error
        assert twilio_api.created() == []
    finally:
        rt.engine.dispose()


def test_opted_out_number_fails_without_retry_and_stops_the_reporter(
    rt: Runtime, twilio_api: FakeTwilioApi
) -> None:
    talk(rt, "sms", SMS_PERSON)
    twilio_api.opted_out.add(SMS_PERSON)
    row_id = queue(rt, "sms", SMS_PERSON, "Your report was verified.")
    run_round(rt)
    failed = row(rt, row_id)
    assert failed.status == "failed"
    assert failed.last_error is not None
    assert "21610" in failed.last_error
    with rt.session_factory() as session:
        assert session.scalars(select(Reporter)).one().stopped is True


def test_nothing_is_sent_to_a_person_who_said_stop(rt: Runtime, twilio_api: FakeTwilioApi) -> None:
    talk(rt, "sms", SMS_PERSON)
    talk(rt, "sms", SMS_PERSON, "STOP")
    row_id = queue(rt, "sms", SMS_PERSON, "Your report was verified.")
    run_round(rt)
    assert twilio_api.created() == []
    assert row(rt, row_id).status == "failed"


def test_telegram_message_goes_through_the_bot_api(
    rt: Runtime, telegram_api: FakeTelegramApi
) -> None:
    talk(rt, "telegram", TG_PERSON)
    row_id = queue(rt, "telegram", TG_PERSON, "A member of our team read your report.")
    assert run_round(rt) == 1
    assert telegram_api.sent_texts(int(TG_PERSON)) == ["A member of our team read your report."]
    assert row(rt, row_id).status == "sent"


def test_serve_runs_the_worker_in_the_background(
    channel_settings: Settings, nlu_engine: NluEngine, twilio_api: FakeTwilioApi
) -> None:
    settings = channel_settings.model_copy(update={"safercity_outbox_worker": True})
    rt = build_runtime(settings, nlu=nlu_engine)
    try:
        talk(rt, "sms", SMS_PERSON)
        queue(rt, "sms", SMS_PERSON, "Sent by the background worker.")
        with TestClient(create_app(runtime=rt)):
            delivered = threading.Event()
            for _ in range(200):
                if twilio_api.created():
                    delivered.set()
                    break
                delivered.wait(0.05)
        assert [c["Body"] for c in twilio_api.created()] == ["Sent by the background worker."]
    finally:
        rt.engine.dispose()


@pytest.mark.parametrize("channel", ["console"])
def test_a_channel_without_a_sender_keeps_the_message_for_later(rt: Runtime, channel: str) -> None:
    talk(rt, channel, "someone@console")
    row_id = queue(rt, channel, "someone@console", "Hello")
    run_round(rt)
    waiting = row(rt, row_id)
    assert waiting.status == "queued"
    assert waiting.last_error == "no sender configured for channel 'console'"
