"""How fast the staff pages answer with a full queue: prints figures, asserts nothing.

    .venv/bin/python scripts/bench_staff.py [--conversations 2000] [--repeat 5]
    .venv/bin/python scripts/bench_staff.py --database-url postgresql+psycopg://...

Seeds a throw-away store (SQLite in a temporary directory unless --database-url is given:
that database is filled, so give it an empty one) with flagged conversations, then times the
queue query, the queue page, a conversation page and a correction, through the real app.
"""

from __future__ import annotations

import argparse
import re
import secrets
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from bot.app import create_app
from bot.runtime import build_runtime
from bot.settings import Settings
from bot.staff import auth
from nlu.categories import CATEGORY_CODES
from nlu.keyword_engine import KeywordEngine
from storage import staff as store
from storage.db import make_engine, upgrade
from storage.models import Conversation, Flag, Message, Report, Reporter
from storage.types import utcnow

REASONS = store.REASON_ORDER


def seed(session_factory: Callable[[], object], count: int) -> tuple[int, int]:
    now = utcnow()
    with session_factory() as session:  # type: ignore[attr-defined]
        for i in range(count):
            reporter = Reporter(key=f"bench{i:08d}", channel="sms", last_inbound_at=now)
            session.add(reporter)
            session.flush()
            conversation = Conversation(reporter_id=reporter.id, channel="sms", state={})
            session.add(conversation)
            session.flush()
            for j in range(6):
                session.add(
                    Message(
                        conversation_id=conversation.id,
                        reporter_id=reporter.id,
                        channel="sms",
                        direction="in" if j % 2 == 0 else "out",
                        text=f"message {j} of conversation {i} about a dark street",
                        status="processed",
                    )
                )
            report = Report(
                reference=f"BZ-{i:06d}",
                conversation_id=conversation.id,
                reporter_id=reporter.id,
                category=CATEGORY_CODES[i % len(CATEGORY_CODES)],
                description=f"report {i}",
                lat=17.25 + (i % 50) * 0.0005,
                lon=-88.77 + (i % 37) * 0.0005,
                channel="sms",
            )
            session.add(report)
            session.flush()
            for reason in {REASONS[i % len(REASONS)], REASONS[(i * 7) % len(REASONS)]}:
                session.add(
                    Flag(conversation_id=conversation.id, report_id=report.id, reason=reason)
                )
            if i % 500 == 499:
                session.commit()
        session.commit()
        last = session.get(Report, count)
        return (last.conversation_id or 0, last.id) if last else (0, 0)


def timed(label: str, repeat: int, action: Callable[[], object]) -> None:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    print(
        f"{label:<34} median {statistics.median(samples):8.1f} ms   "
        f"min {min(samples):8.1f} ms   max {max(samples):8.1f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--conversations", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        settings = Settings(
            _env_file=None,
            safercity_database_url=url,
            safercity_secret_key=secrets.token_urlsafe(48),
            safercity_outbox_worker=False,
        )
        engine = make_engine(url)
        upgrade(engine)  # a shared (PostgreSQL) store is upgraded deliberately, as in production
        engine.dispose()
        runtime = build_runtime(settings, nlu=KeywordEngine())
        start = time.perf_counter()
        conversation_id, report_id = seed(runtime.session_factory, args.conversations)
        print(
            f"seeded {args.conversations} flagged conversations ({runtime.engine.dialect.name}) "
            f"in {time.perf_counter() - start:.1f} s"
        )
        auth._hasher = PasswordHasher()  # the production parameters
        with runtime.session_factory() as session:
            store.create_user(
                session,
                username="bench",
                password_hash=auth.hash_password("bench password 123"),
                role="supervisor",
            )
            session.commit()

        def query() -> None:
            with runtime.session_factory() as session:
                store.queue(session, store.QueueFilter())

        timed("queue query (all open)", args.repeat, query)
        with TestClient(create_app(runtime=runtime), base_url="https://testserver") as client:
            page = client.get("/staff/login")
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
            assert token is not None
            start = time.perf_counter()
            client.post(
                "/staff/login",
                data={
                    "username": "bench",
                    "password": "bench password 123",
                    "csrf_token": token.group(1),
                },
            )
            print(f"{'login (argon2 verify)':<34} {(time.perf_counter() - start) * 1000:8.1f} ms")
            timed("GET /staff/queue", args.repeat, lambda: client.get("/staff/queue"))
            timed(
                "GET /staff/queue?reason=urgent",
                args.repeat,
                lambda: client.get("/staff/queue?reason=urgent"),
            )
            path = f"/staff/conversations/{conversation_id}"
            timed("GET conversation page", args.repeat, lambda: client.get(path))
            html = client.get(path).text
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', html)
            assert csrf is not None
            categories = iter(CATEGORY_CODES * (args.repeat + 1))

            def correct() -> None:
                version = re.search(r'name="version" value="(\d+)"', client.get(path).text)
                assert version is not None
                assert csrf is not None
                client.post(
                    f"/staff/reports/{report_id}/edit",
                    data={
                        "csrf_token": csrf.group(1),
                        "version": version.group(1),
                        "category": next(categories),
                    },
                )

            timed("load + save a correction", args.repeat, correct)
        runtime.engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
