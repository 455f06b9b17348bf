"""The Twilio webhook (SMS and WhatsApp) driven by recorded payloads signed like Twilio signs."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from bot.app import create_app
from bot.channels.outbound_text import gsm7_length, is_gsm7
from bot.runtime import Runtime
from storage.models import Message, Report
from tests.conftest import PUBLIC_URL, TWILIO_TOKEN
from tests.twilio_helpers import load_payload, new_sid, post, sign, twiml_messages


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime=runtime)) as test_client:
        yield test_client


def send(client: TestClient, body: str, sender: str = "+5016100001", **extra: str) -> list[str]:
    params = load_payload("sms_inbound", Body=body, From=sender, MessageSid=new_sid(), **extra)
    response = post(client, params, token=TWILIO_TOKEN, public_url=PUBLIC_URL)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    return twiml_messages(response.text)


def count(runtime: Runtime, model: type[Message] | type[Report]) -> int:
    with runtime.session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.parametrize(
    ("messages", "expected_category", "saved_prefix"),
    [
        (
            ["the street light on Ring Road by the market is out since last week", "yes"],
            "street_lighting",
            "Sent.",
        ),
        (
            ["di lite pos noh di wok fi two week", "backa di market", "yes"],
            "street_lighting",
            "Ih sen.",
        ),
        (
            ["hay unos hombres vendiendo droga cerca del mercado", "si"],
            "criminal_activity",
            "Enviado.",
        ),
    ],
    ids=["english", "kriol", "spanish"],
)
def test_whole_sms_conversation_to_a_saved_report(
    client: TestClient,
    runtime: Runtime,
    messages: list[str],
    expected_category: str,
    saved_prefix: str,
) -> None:
    replies: list[str] = []
    for body in messages:
        replies = send(client, body)
        for reply in replies:
            assert is_gsm7(reply), reply
            assert gsm7_length(reply) <= 160, reply
    assert replies[0].startswith(saved_prefix)
    with runtime.session_factory() as session:
        [report] = session.scalars(select(Report)).all()
        assert report.category == expected_category
        assert report.channel == "sms"


def test_the_recorded_payload_as_twilio_sent_it(client: TestClient, runtime: Runtime) -> None:
    params = load_payload("sms_inbound")
    response = post(client, params, token=TWILIO_TOKEN, public_url=PUBLIC_URL)
    [reply] = twiml_messages(response.text)
    assert "Ring Road" in reply
    with runtime.session_factory() as session:
        message = session.scalars(select(Message).where(Message.direction == "in")).one()
        assert message.provider_message_id == params["MessageSid"]
        assert message.status == "processed"


def test_forged_signature_is_refused_and_nothing_stored(
    client: TestClient, runtime: Runtime
) -> None:
    params = load_payload("sms_inbound")
    response = post(client, params, token=TWILIO_TOKEN, public_url=PUBLIC_URL, signature="x")
    assert response.status_code == 403
    signed_for_other_url = post(
        client, params, token=TWILIO_TOKEN, public_url="https://evil.example.com"
    )
    assert signed_for_other_url.status_code == 403
    wrong_token = post(client, params, token="0" * 32, public_url=PUBLIC_URL)
    assert wrong_token.status_code == 403
    tampered = dict(params)
    good_signature = sign(TWILIO_TOKEN, PUBLIC_URL + "/webhooks/twilio", params)
    tampered["Body"] = "tampered body"
    assert (
        post(
            client, tampered, token=TWILIO_TOKEN, public_url=PUBLIC_URL, signature=good_signature
        ).status_code
        == 403
    )
    assert count(runtime, Message) == 0


def test_twilio_retry_is_processed_once_and_answered_the_same(
    client: TestClient, runtime: Runtime
) -> None:
    params = load_payload("sms_inbound", MessageSid=new_sid())
    first = post(client, params, token=TWILIO_TOKEN, public_url=PUBLIC_URL)
    again = post(client, params, token=TWILIO_TOKEN, public_url=PUBLIC_URL)
    assert twiml_messages(first.text) == twiml_messages(again.text)
    with runtime.session_factory() as session:
        inbound = session.scalars(select(Message).where(Message.direction == "in")).all()
        assert len(inbound) == 1
    # The retry did not advance the conversation: "yes" still confirms the one report.
    assert send(client, "yes")[0].startswith("Sent.")
    assert count(runtime, Report) == 1


def test_payload_without_sender_is_a_bad_request(client: TestClient, runtime: Runtime) -> None:
    params = load_payload("sms_inbound")
    del params["From"]
    response = post(client, params, token=TWILIO_TOKEN, public_url=PUBLIC_URL)
    assert response.status_code == 400
    assert count(runtime, Message) == 0


@pytest.mark.parametrize(
    "body",
    [
        "",
        "    \n  ",
        "😀🔥😀",
        "\x01\x02\x1f hello \x7f",
        "<?xml version='1.0'?><Response><Message>hi</Message></Response>",
        "]]> & <script>alert(1)</script>",
        "street light out " * 300,
    ],
    ids=["empty", "whitespace", "emoji", "control", "xml", "markup", "5000-chars"],
)
def test_bad_input_gets_valid_twiml_and_is_stored(
    client: TestClient, runtime: Runtime, body: str
) -> None:
    replies = send(client, body)
    assert replies
    assert all(reply.strip() for reply in replies)
    assert all(is_gsm7(reply) for reply in replies)
    with runtime.session_factory() as session:
        message = session.scalars(select(Message).where(Message.direction == "in")).one()
        assert message.status == "processed"
        assert len(body) < 10_000 and message.text == body.replace("\x00", "\ufffd")


def test_media_without_text(client: TestClient, runtime: Runtime) -> None:
    params = load_payload("sms_inbound_media_no_text", MessageSid=new_sid())
    response = post(client, params, token=TWILIO_TOKEN, public_url=PUBLIC_URL)
    assert response.status_code == 200
    [reply, question] = twiml_messages(response.text)
    assert "photo" in reply
    assert question.startswith("What is the problem?")


def test_whatsapp_sender_is_the_whatsapp_channel(client: TestClient, runtime: Runtime) -> None:
    replies = send(client, "bush so tall by di skool nobody can see", sender="whatsapp:+5016100007")
    assert replies
    with runtime.session_factory() as session:
        message = session.scalars(select(Message).where(Message.direction == "in")).one()
        assert message.channel == "whatsapp"


def test_phone_numbers_never_reach_the_logs(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    send(client, "street light out on Ring Road", sender="+5016123456")
    send(client, "yes", sender="+5016123456")
    post(
        client,
        load_payload("sms_inbound", From="+5016123456"),
        token=TWILIO_TOKEN,
        public_url=PUBLIC_URL,
        signature="forged",
    )
    assert "6123456" not in caplog.text


def test_channel_off_without_credentials(db_url: str, nlu_engine: object) -> None:
    from bot.runtime import build_runtime
    from tests.conftest import make_settings

    settings = make_settings(db_url, twilio_auth_token=None, twilio_account_sid=None)
    runtime = build_runtime(settings, nlu=nlu_engine)  # type: ignore[arg-type]
    with TestClient(create_app(runtime=runtime)) as test_client:
        response = post(
            test_client, load_payload("sms_inbound"), token=TWILIO_TOKEN, public_url=PUBLIC_URL
        )
        assert response.status_code == 404
    runtime.engine.dispose()


def test_healthz_reports_the_database(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
