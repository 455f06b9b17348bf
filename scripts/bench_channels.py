"""How fast the channels are: webhook round trips and the outbox worker, with local fakes.

    .venv/bin/python scripts/bench_channels.py [--updates 200] [--outbox 200] [--nlu keywords]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench]

Drives the real app (starlette TestClient) on a fresh SQLite store (or the given database,
which must be empty and will be written to), with the local fakes of the Telegram Bot API
and Twilio REST from tests/fakes on 127.0.0.1. Each update comes from its own sender, so the
flood limit does not interfere. Prints timings per request and throughput; it asserts
nothing. The NLU engine's load time is excluded.
"""

# ruff: noqa: S105, S106 (fake credentials for local fakes)
from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from starlette.testclient import TestClient

from actions.messages import InboundMessage
from bot.app import create_app
from bot.outbox import OutboxWorker, default_senders
from bot.runtime import build_runtime
from bot.settings import Settings
from nlu.loader import load_engine
from storage import outbox
from storage.ratelimit import find_reporter
from tests.fakes.telegram_api import FakeTelegramApi
from tests.fakes.twilio_api import FakeTwilioApi
from tests.twilio_helpers import load_payload, sign

TOKEN = "7000000001:AAFakeTokenForBenchmarksOnly_0123456789"
SECRET = "bench-secret_0123456789"
TWILIO_TOKEN = "12345678901234567890123456789012"
ACCOUNT = "AC" + "0" * 32
PUBLIC = "https://safercity.example.org"
TEXT = "the street light on Ring Road by the market is out since last week"


def timed(label: str, count: int, one: Callable[[int], None]) -> None:
    durations: list[float] = []
    start = time.perf_counter()
    for i in range(count):
        t0 = time.perf_counter()
        one(i)
        durations.append((time.perf_counter() - t0) * 1000)
    total = time.perf_counter() - start
    durations.sort()
    p95 = durations[max(0, int(len(durations) * 0.95) - 1)]
    print(
        f"{label:<34} n={count:<5} mean {statistics.mean(durations):7.1f} ms  "
        f"p50 {statistics.median(durations):7.1f} ms  p95 {p95:7.1f} ms  "
        f"{count / total:7.1f}/s"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=200)
    parser.add_argument("--outbox", type=int, default=200)
    parser.add_argument("--nlu", default="embedded", choices=("embedded", "keywords"))
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="safercity-bench-"))
    database = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
    t0 = time.perf_counter()
    nlu = load_engine(args.nlu)
    print(f"NLU engine {nlu.name!r} loaded in {time.perf_counter() - t0:.1f} s (excluded)")

    with FakeTelegramApi(TOKEN) as telegram_api, FakeTwilioApi(ACCOUNT, TWILIO_TOKEN) as twilio:
        assert isinstance(telegram_api, FakeTelegramApi)
        assert isinstance(twilio, FakeTwilioApi)
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            safercity_database_url=database,
            safercity_secret_key="bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            safercity_public_url=PUBLIC,
            telegram_bot_token=TOKEN,
            telegram_webhook_secret=SECRET,
            telegram_api_base_url=telegram_api.url,
            twilio_account_sid=ACCOUNT,
            twilio_auth_token=TWILIO_TOKEN,
            twilio_api_base_url=twilio.url,
            twilio_sms_from="+5012230000",
            safercity_media_dir=str(tmp / "media"),
            safercity_outbox_worker=False,
        )
        runtime = build_runtime(settings, nlu=nlu)
        print(f"store: {runtime.engine.dialect.name}")
        with TestClient(create_app(runtime=runtime)) as client:

            def telegram_text(i: int) -> None:
                update = {
                    "update_id": 100000 + i,
                    "message": {
                        "message_id": i,
                        "date": 1795500000,
                        "chat": {"id": 6000000000 + i, "type": "private"},
                        "from": {"id": 6000000000 + i, "is_bot": False, "first_name": "B"},
                        "text": TEXT,
                    },
                }
                response = client.post(
                    "/webhooks/telegram",
                    content=json.dumps(update),
                    headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
                )
                assert response.status_code == 200

            def telegram_retry(i: int) -> None:
                telegram_text(i)  # the same update_id again: deduplicated

            def sms(i: int) -> None:
                params = load_payload(
                    "sms_inbound", From=f"+50170{i:05d}", MessageSid=f"SM{i:032x}", Body=TEXT
                )
                signature = sign(TWILIO_TOKEN, PUBLIC + "/webhooks/twilio", params)
                response = client.post(
                    "/webhooks/twilio", data=params, headers={"X-Twilio-Signature": signature}
                )
                assert response.status_code == 200

            timed("Telegram webhook, new update", args.updates, telegram_text)
            timed("Telegram webhook, retried update", args.updates, telegram_retry)
            timed("Twilio SMS webhook, new message", args.updates, sms)
            print(f"  (Bot API sendMessage calls: {len(telegram_api.sent_texts())})")

        # The outbox: queue messages for the SMS senders above, then drain.
        with runtime.session_factory() as session:
            for i in range(args.outbox):
                reporter = find_reporter(
                    session,
                    secret=settings.safercity_secret_key,
                    channel="sms",
                    address=f"+50170{i % max(1, args.updates):05d}",
                )
                if reporter is None:
                    runtime.service.receive(
                        InboundMessage(channel="sms", address=f"+50171{i:05d}", text="hi")
                    )
                    reporter = find_reporter(
                        session,
                        secret=settings.safercity_secret_key,
                        channel="sms",
                        address=f"+50171{i:05d}",
                    )
                assert reporter is not None
                outbox.enqueue(
                    session,
                    reporter=reporter,
                    conversation=None,
                    text=f"Update {i}",
                    created_by="b",
                )
            session.commit()

        async def drain() -> tuple[int, float]:
            worker = OutboxWorker(runtime.session_factory, settings, default_senders(settings))
            start = time.perf_counter()
            sent = 0
            try:
                while True:
                    done = await worker.run_once()
                    if not done:
                        break
                    sent += done
            finally:
                await worker.close()
            return sent, time.perf_counter() - start

        sent, seconds = asyncio.run(drain())
        print(
            f"{'outbox worker, SMS via Twilio REST':<34} n={sent:<5} {seconds:7.2f} s  "
            f"{sent / seconds if seconds else 0:7.1f} messages/s  "
            f"(accepted by the fake: {len(twilio.created())})"
        )
        runtime.engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
