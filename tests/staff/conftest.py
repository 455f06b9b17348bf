"""Fixtures for the staff web app: an app on the test store, users of every role, seeded
conversations, and a logged-in client per role."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from bot.app import create_app
from bot.runtime import Runtime, build_runtime
from bot.settings import Settings
from bot.staff import auth
from nlu.keyword_engine import KeywordEngine
from storage import staff as store
from storage.crypto import ContactCipher, reporter_key
from storage.models import Conversation, Flag, Message, Report, Reporter, ReportEvent
from storage.types import utcnow
from tests.conftest import TEST_SECRET, make_settings

PASSWORD = "correct horse battery"
ROLES = ("reviewer", "supervisor", "analyst")


@pytest.fixture(autouse=True)
def fast_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 with its cheapest parameters: same code path, a fraction of the CPU."""
    monkeypatch.setattr(
        auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


# No provider is configured and the outbox worker stays off: replies stay queued, and no
# test can reach the network.
QUIET = {
    "twilio_account_sid": None,
    "twilio_auth_token": None,
    "telegram_bot_token": None,
    "safercity_outbox_worker": False,
}


def staff_settings(db_url: str, **overrides: Any) -> Settings:
    return make_settings(db_url, **{**QUIET, **overrides})


@pytest.fixture
def staff_runtime(db_url: str) -> Iterator[Runtime]:
    """The runtime with the rule-based engine: these tests never need the trained NLU."""
    runtime = build_runtime(staff_settings(db_url), nlu=KeywordEngine())
    yield runtime
    runtime.engine.dispose()


@pytest.fixture
def app_client(staff_runtime: Runtime) -> Iterator[TestClient]:
    app = create_app(runtime=staff_runtime)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        yield client


@pytest.fixture
def users(staff_runtime: Runtime) -> dict[str, int]:
    """One user per role, named after the role, all with PASSWORD."""
    ids: dict[str, int] = {}
    with staff_runtime.session_factory() as session:
        for role in ROLES:
            user = store.create_user(
                session, username=role, password_hash=auth.hash_password(PASSWORD), role=role
            )
            ids[role] = user.id
        session.commit()
    return ids


def login_token(client: TestClient) -> str:
    page = client.get("/staff/login")
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match is not None
    return match.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD) -> Any:
    token = login_token(client)
    return client.post(
        "/staff/login",
        data={"username": username, "password": password, "csrf_token": token, "next": ""},
    )


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match is not None, "no CSRF token on the page"
    return match.group(1)


def version_of(html: str) -> str:
    match = re.search(r'name="version" value="(\d+)"', html)
    assert match is not None
    return match.group(1)


@pytest.fixture
def as_role(app_client: TestClient, users: dict[str, int]) -> Any:
    """as_role("reviewer") logs the client in as that role and returns its CSRF token."""

    def log_in(role: str) -> str:
        app_client.cookies.clear()
        response = login(app_client, role)
        assert response.status_code == 303, response.text
        return csrf_of(app_client.get("/staff/queue").text)

    return log_in


# ------------------------------------------------------------------ seeding
@dataclass
class Seeded:
    conversation_id: int
    report_id: int | None
    reporter_id: int
    reference: str | None


def seed_conversation(
    session: Session,
    *,
    address: str,
    channel: str = "sms",
    texts: tuple[str, ...] = ("the street light on Ring Road by the market is out",),
    reasons: tuple[str, ...] = ("low_confidence",),
    category: str | None = "street_lighting",
    reference: str | None = "",  # "": made from the address; None: no report
    status: str = "new",
    urgent: bool = False,
    lat: float | None = 17.2510,
    lon: float | None = -88.7670,
    place: str | None = "Belmopan Market and bus terminal",
    location_text: str | None = "the market",
    created_at: datetime | None = None,
    last_inbound_at: datetime | None = None,
    language: str = "en",
    pin: dict[str, Any] | None = None,
) -> Seeded:
    created = created_at or utcnow()
    reporter = Reporter(
        key=reporter_key(TEST_SECRET, channel, address),
        channel=channel,
        contact_encrypted=ContactCipher(TEST_SECRET).encrypt(address),
        language=language,
        last_inbound_at=last_inbound_at or created,
    )
    session.add(reporter)
    session.flush()
    conversation = Conversation(
        reporter_id=reporter.id,
        channel=channel,
        state={},
        language=language,
        created_at=created,
    )
    session.add(conversation)
    session.flush()
    for i, text in enumerate(texts):
        session.add(
            Message(
                conversation_id=conversation.id,
                reporter_id=reporter.id,
                channel=channel,
                direction="in",
                text=text,
                status="processed",
                provider_message_id=f"{address}-{i}",
                created_at=created,
                location=pin if i == 0 else None,
            )
        )
        session.add(
            Message(
                conversation_id=conversation.id,
                reporter_id=reporter.id,
                channel=channel,
                direction="out",
                text="Thanks, we got it.",
                status="sent",
                created_at=created,
            )
        )
    report = None
    if reference == "":
        reference = "BZ-" + address[-4:]
    if reference is not None:
        report = Report(
            reference=reference,
            conversation_id=conversation.id,
            reporter_id=reporter.id,
            category=category,
            description="\n".join(texts),
            location_text=location_text,
            place=place,
            lat=lat,
            lon=lon,
            district="Cayo" if lat is not None else None,
            urgent=urgent,
            sensitive=category in {"violence", "harassment", "human_trafficking"},
            status=status,
            channel=channel,
            language=language,
            nlu_confidence=0.41,
            reporter_key=reporter.key,
            created_at=created,
        )
        session.add(report)
        session.flush()
        session.add(ReportEvent(report_id=report.id, kind="created", to_status=status))
    for reason in reasons:
        session.add(
            Flag(
                conversation_id=conversation.id,
                report_id=report.id if report is not None else None,
                reason=reason,
                created_at=created,
            )
        )
    session.flush()
    return Seeded(
        conversation_id=conversation.id,
        report_id=report.id if report is not None else None,
        reporter_id=reporter.id,
        reference=reference,
    )


@pytest.fixture
def seed(staff_runtime: Runtime) -> Any:
    def make(**kwargs: Any) -> Seeded:
        with staff_runtime.session_factory() as session:
            seeded = seed_conversation(session, **kwargs)
            session.commit()
            return seeded

    return make


def days_ago(days: float) -> datetime:
    return utcnow() - timedelta(days=days)
