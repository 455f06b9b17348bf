"""Shared fixtures: a store on SQLite and on PostgreSQL, settings, a runtime and an app.

PostgreSQL comes from SAFERCITY_TEST_POSTGRES_URL (`.ci/run` sets it to the local server).
Each test session creates a database of its own there, so parallel runs never collide.
In CI (CI=true) a missing PostgreSQL fails the run instead of skipping.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, make_url, text

from bot.runtime import Runtime, build_runtime
from bot.settings import Settings
from nlu.engine import NluEngine
from nlu.loader import load_engine
from storage.db import make_engine, upgrade
from storage.models import Base

TEST_SECRET = "test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
TWILIO_TOKEN = "12345678901234567890123456789012"
PUBLIC_URL = "https://safercity.example.org"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    base = os.environ.get("SAFERCITY_TEST_POSTGRES_URL")
    if not base:
        if os.environ.get("CI"):
            pytest.fail("SAFERCITY_TEST_POSTGRES_URL is not set: CI must run PostgreSQL tests")
        pytest.skip("SAFERCITY_TEST_POSTGRES_URL not set")
    url = make_url(base)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    name = f"safercity_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    test_url = url.set(database=name).render_as_string(hide_password=False)
    engine = make_engine(test_url)
    upgrade(engine)
    engine.dispose()
    yield test_url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _truncate_all(url: str) -> None:
    engine = make_engine(url)
    names = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'safercity.db'}"
    url: str = request.getfixturevalue("postgres_url")
    _truncate_all(url)
    return url


def make_settings(db_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "safercity_database_url": db_url,
        "safercity_secret_key": TEST_SECRET,
        "safercity_public_url": PUBLIC_URL,
        "safercity_nlu_engine": "embedded",
        "twilio_account_sid": "AC" + "0" * 32,
        "twilio_auth_token": TWILIO_TOKEN,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
def settings(db_url: str) -> Settings:
    return make_settings(db_url)


@pytest.fixture(scope="session")
def nlu_engine() -> NluEngine:
    """The embedded engine, loaded once per test session (training it if needed)."""
    return load_engine("embedded")


@pytest.fixture
def runtime(settings: Settings, nlu_engine: NluEngine) -> Iterator[Runtime]:
    rt = build_runtime(settings, nlu=nlu_engine)
    yield rt
    rt.engine.dispose()
