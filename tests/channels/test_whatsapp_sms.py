"""WhatsApp and SMS through Twilio's webhook: pins, photos fetched with the account's
credentials, retries processed once, opt-out keywords as Twilio handles them, long replies
split into segments."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from bot.channels.outbound_text import gsm7_length, is_gsm7
from bot.channels.segments import split_sms
from bot.channels.twilio import twiml
from bot.runtime import Runtime
from storage.models import Message, Reporter
from tests.conftest import PUBLIC_URL, TWILIO_TOKEN
from tests.fakes.telegram_api import JPEG
from tests.fakes.twilio_api import FakeTwilioApi
from tests.twilio_helpers import load_payload, new_sid, post, twiml_messages


def inbound(rt: Runtime) -> list[Message]:
    with rt.session_factory() as session:
        return list(
            session.scalars(select(Message).where(Message.direction == "in").order_by(Message.id))
        )


def deliver(client: TestClient, params: dict[str, str]) -> list[str]:
    response = post(client, params, token=TWILIO_TOKEN, public_url=PUBLIC_URL)
    assert response.status_code == 200
    return twiml_messages(response.text)


def sms(client: TestClient, body: str, sender: str = "+5016100009") -> list[str]:
    return deliver(
        client, load_payload("sms_inbound", Body=body, From=sender, MessageSid=new_sid())
    )


# ------------------------------------------------------------------ WhatsApp
def test_whatsapp_text_is_a_whatsapp_conversation(client: TestClient, rt: Runtime) -> None:
    params = load_payload("whatsapp_text")
    replies = deliver(client, params)
    assert replies
    [message] = inbound(rt)
    assert message.channel == "whatsapp"
    assert message.provider_message_id == params["MessageSid"]
    with rt.session_factory() as session:
        [reporter] = session.scalars(select(Reporter)).all()
        assert reporter.channel == "whatsapp"
        assert reporter.last_inbound_at is not None


def test_whatsapp_retry_is_processed_once(client: TestClient, rt: Runtime) -> None:
    params = load_payload("whatsapp_text")
    first = deliver(client, params)
    again = deliver(client, params)
    assert first == again
    assert len(inbound(rt)) == 1


def test_whatsapp_location_keeps_the_named_place(client: TestClient, rt: Runtime) -> None:
    deliver(client, load_payload("whatsapp_text"))
    replies = deliver(client, load_payload("whatsapp_location"))
    assert replies
    pin = inbound(rt)[-1]
    assert pin.kind == "location"
    assert pin.location is not None
    assert pin.location["lat"] == pytest.approx(17.2497)
    assert pin.location["lon"] == pytest.approx(-88.7699)
    assert pin.location["label"] == "Belmopan Market"
    assert pin.location["address"] == "Market Square, Belmopan"


def test_whatsapp_photo_is_fetched_with_the_account_credentials(
    client: TestClient, rt: Runtime, twilio_api: FakeTwilioApi
) -> None:
    params = load_payload("whatsapp_media")
    assert deliver(client, params)
    [message] = inbound(rt)
    assert message.kind == "photo"
    assert message.text == "dead light pole by the police station"
    [attachment] = message.attachments
    assert attachment["url"] == params["MediaUrl0"]
    assert attachment["content_type"] == "image/jpeg"
    stored = Path(rt.settings.safercity_media_dir) / attachment["stored_path"]
    assert stored.read_bytes() == JPEG
    fetches = twilio_api.media_fetches()
    # Authenticated at Twilio, then the redirect to the bucket without the credentials.
    assert [r.path.startswith("/b/") for r in fetches] == [False, True]
    assert "authorization" in fetches[0].headers


def test_whatsapp_photo_is_kept_by_url_when_twilio_is_down(
    client: TestClient, rt: Runtime, twilio_api: FakeTwilioApi
) -> None:
    twilio_api.down = True
    assert deliver(client, load_payload("whatsapp_media"))
    [message] = inbound(rt)
    [attachment] = message.attachments
    assert attachment["url"].startswith("https://api.twilio.com/")
    assert "stored_path" not in attachment
    assert message.status == "processed"


def test_media_from_elsewhere_is_never_fetched_with_our_credentials(
    client: TestClient, rt: Runtime, twilio_api: FakeTwilioApi
) -> None:
    params = load_payload("whatsapp_media", MediaUrl0="https://evil.example.com/steal")
    assert deliver(client, params)
    [attachment] = inbound(rt)[0].attachments
    assert "stored_path" not in attachment
    assert twilio_api.media_fetches() == []


def test_cancel_on_whatsapp_cancels_the_report_not_the_person(
    client: TestClient, rt: Runtime
) -> None:
    deliver(client, load_payload("whatsapp_text"))
    replies = deliver(client, load_payload("whatsapp_text", Body="CANCEL", MessageSid=new_sid()))
    assert replies
    assert "cancel" in replies[0].lower()
    with rt.session_factory() as session:
        [reporter] = session.scalars(select(Reporter)).all()
        assert reporter.stopped is False


# ----------------------------------------------------------------------- SMS
@pytest.mark.parametrize("word", ["STOP", "cancel", "Unsubscribe", "QUIT", "end"])
def test_sms_opt_out_words_stop_the_bot_silently_as_twilio_does(
    client: TestClient, rt: Runtime, word: str
) -> None:
    sms(client, "the street light is out")
    # Twilio answers the opt-out itself and blocks our replies: we add nothing.
    assert sms(client, word) == []
    with rt.session_factory() as session:
        [reporter] = session.scalars(select(Reporter)).all()
        assert reporter.stopped is True
    assert sms(client, "hello?") == []  # stopped means silence until START


def test_sms_start_after_stop_resumes_the_conversation(client: TestClient, rt: Runtime) -> None:
    sms(client, "STOP")
    assert sms(client, "START") == []  # Twilio confirms START itself
    with rt.session_factory() as session:
        [reporter] = session.scalars(select(Reporter)).all()
        assert reporter.stopped is False
    assert sms(client, "the street light is out") != []


def test_sms_advanced_opt_out_keyword_is_a_stop(client: TestClient, rt: Runtime) -> None:
    params = load_payload("sms_inbound", Body="PARAR YA", OptOutType="STOP", MessageSid=new_sid())
    assert deliver(client, params) == []
    with rt.session_factory() as session:
        [reporter] = session.scalars(select(Reporter)).all()
        assert reporter.stopped is True


def test_sms_help_is_answered_by_the_bot(client: TestClient) -> None:
    [reply] = sms(client, "HELP")
    assert "STATUS" in reply


def test_sms_yes_is_a_confirmation_not_an_opt_in(client: TestClient) -> None:
    sms(client, "the street light is out")
    assert sms(client, "yes") != []


# ------------------------------------------------------------------ segments
LONG = (
    "Your report BZ-7K3Q about the street light on Ring Road was verified by our team. "
    "The Belmopan City Council has been told and will send a crew this week. "
    "Thank you for helping make Belmopan safer. Reply STATUS BZ-7K3Q to check on it."
)


def test_a_long_sms_reply_is_split_at_sentence_ends_into_single_segments() -> None:
    parts = split_sms(LONG)
    assert len(parts) == 2
    for part in parts:
        assert is_gsm7(part)
        assert gsm7_length(part) <= 160
        assert part.endswith(".")  # whole sentences
    assert " ".join(parts) == LONG


def test_split_falls_back_to_word_boundaries_and_counts_extension_characters() -> None:
    words = "word " * 100
    parts = split_sms(words)
    assert all(gsm7_length(p) <= 160 for p in parts)
    assert all(p.split() and set(p.split()) == {"word"} for p in parts)
    euros = "€" * 100  # each costs two septets
    assert [gsm7_length(p) for p in split_sms(euros)] == [160, 40]
    assert split_sms("") == []
    assert split_sms("short") == ["short"]


def test_twiml_sends_each_segment_as_its_own_message_on_sms_only() -> None:
    assert len(twiml_messages(twiml((LONG,), "sms"))) == 2
    assert twiml_messages(twiml((LONG,), "whatsapp")) == [LONG]
