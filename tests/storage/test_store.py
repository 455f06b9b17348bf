"""The store on SQLite and PostgreSQL: schema, pseudonyms, encryption, dedup constraint."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

from storage import queries
from storage.crypto import ContactCipher, reporter_key
from storage.db import (
    current_revision,
    ensure_schema,
    head_revision,
    make_engine,
    make_session_factory,
)
from storage.models import Base, Message

SECRET = "a-test-secret-that-is-long-enough-0123456789"


def test_schema_upgrades_to_head_and_matches_the_models(db_url: str) -> None:
    engine = make_engine(db_url)
    ensure_schema(engine)
    assert current_revision(engine) == head_revision()
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    engine.dispose()


def test_reporter_key_is_keyed_and_stable() -> None:
    key = reporter_key(SECRET, "sms", "+5016100001")
    assert key == reporter_key(SECRET, "sms", "+5016100001")
    assert key != reporter_key(SECRET, "whatsapp", "+5016100001")
    assert key != reporter_key("another-secret-entirely-0123456789", "sms", "+5016100001")
    assert "6100001" not in key


def test_contact_is_encrypted_at_rest(db_url: str) -> None:
    engine = make_engine(db_url)
    ensure_schema(engine)
    factory = make_session_factory(engine)
    with factory() as session:
        reporter = queries.get_or_create_reporter(
            session, secret=SECRET, channel="sms", address="+5016100001"
        )
        session.commit()
        assert reporter.contact_encrypted and "6100001" not in reporter.contact_encrypted
        assert queries.reporter_address(reporter, secret=SECRET) == "+5016100001"
        assert (
            ContactCipher("wrong-secret-0123456789-0123456789").decrypt(reporter.contact_encrypted)
            is None
        )
        again = queries.get_or_create_reporter(
            session, secret=SECRET, channel="sms", address="+5016100001"
        )
        assert again.id == reporter.id
    engine.dispose()


def test_provider_message_id_is_unique_per_channel(db_url: str) -> None:
    engine = make_engine(db_url)
    ensure_schema(engine)
    factory = make_session_factory(engine)
    with factory() as session:
        reporter = queries.get_or_create_reporter(
            session, secret=SECRET, channel="sms", address="+5016100001"
        )
        session.add(
            Message(
                reporter_id=reporter.id, channel="sms", direction="in", provider_message_id="SM1"
            )
        )
        session.add(
            Message(
                reporter_id=reporter.id,
                channel="telegram",
                direction="in",
                provider_message_id="SM1",
            )
        )
        session.add(Message(reporter_id=reporter.id, channel="sms", direction="out"))
        session.add(Message(reporter_id=reporter.id, channel="sms", direction="out"))
        session.commit()
        session.add(
            Message(
                reporter_id=reporter.id, channel="sms", direction="in", provider_message_id="SM1"
            )
        )
        with pytest.raises(IntegrityError):
            session.commit()
    engine.dispose()


def test_datetimes_come_back_in_utc(db_url: str) -> None:
    engine = make_engine(db_url)
    ensure_schema(engine)
    factory = make_session_factory(engine)
    moment = datetime(2026, 11, 22, 5, 30, tzinfo=UTC)
    with factory() as session:
        reporter = queries.get_or_create_reporter(
            session, secret=SECRET, channel="sms", address="+5016100002"
        )
        reporter.last_inbound_at = moment
        session.commit()
        session.expire_all()
        assert reporter.last_inbound_at == moment
        assert reporter.last_inbound_at.tzinfo is not None
    engine.dispose()
