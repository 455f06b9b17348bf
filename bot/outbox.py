"""The outbox worker: sends what the service starts, with retries and backoff.

Runs inside `safercity serve` as a background task (SAFERCITY_OUTBOX_WORKER, on by default)
and as `safercity outbox run` for a separate worker process; several workers may share a
PostgreSQL store (rows are claimed with SKIP LOCKED). The rows and their states are in
storage/outbox.py; the providers' senders in bot/channels/ (twilio_rest.py, telegram.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from typing import TextIO

from fastapi import APIRouter, FastAPI
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from bot.channels.sending import (
    PermanentFailure,
    Recipient,
    Sender,
    Sent,
    TemporaryFailure,
    quiet_provider_loggers,
)
from bot.runtime import Runtime
from bot.settings import Settings
from storage import outbox, queries
from storage.models import OutboxMessage, Reporter

log = logging.getLogger(__name__)

POLL_INTERVAL = 2.0
BATCH = 20


def default_senders(settings: Settings) -> list[Sender]:
    """A sender for every channel configured in settings."""
    senders: list[Sender] = []
    if settings.twilio_account_sid and settings.twilio_auth_token:
        from bot.channels.twilio_rest import TwilioSender

        senders.append(TwilioSender(settings))
    if settings.telegram_bot_token:
        from bot.channels.telegram import TelegramSender, make_bot

        senders.append(TelegramSender(make_bot(settings), owns_bot=True))
    return senders


@dataclass(frozen=True, slots=True)
class _Job:
    row_id: int
    channel: str
    text: str
    recipient: Recipient | None  # None: the reporter stopped or their address is gone
    skip_reason: str | None = None


class OutboxWorker:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        settings: Settings,
        senders: Iterable[Sender],
    ) -> None:
        self.session_factory = session_factory
        self.settings = settings
        self.senders = list(senders)
        self.by_channel: dict[str, Sender] = {
            channel: sender for sender in self.senders for channel in sender.channels
        }

    # ----------------------------------------------------------- one round
    async def run_once(self, *, now: datetime | None = None) -> int:
        """Send every row that is due; returns how many were attempted."""
        jobs = await run_in_threadpool(self._claim, now)
        for job in jobs:
            await self._send(job)
        return len(jobs)

    def _claim(self, now: datetime | None) -> list[_Job]:
        jobs: list[_Job] = []
        with self.session_factory() as session:
            for row in outbox.claim_due(session, now=now, limit=BATCH):
                jobs.append(self._job(session, row))
            session.commit()
        return jobs

    def _job(self, session: Session, row: OutboxMessage) -> _Job:
        reporter = session.get(Reporter, row.reporter_id)
        if reporter is None:
            return _Job(row.id, row.channel, row.text, None, "the reporter was erased")
        if reporter.stopped:
            return _Job(row.id, row.channel, row.text, None, "the person opted out (STOP)")
        address = queries.reporter_address(reporter, secret=self.settings.safercity_secret_key)
        if address is None:
            return _Job(row.id, row.channel, row.text, None, "no contact address is kept")
        recipient = Recipient(
            channel=row.channel,
            address=address,
            last_inbound_at=reporter.last_inbound_at,
            template_sid=row.template_sid,
        )
        return _Job(row.id, row.channel, row.text, recipient)

    async def _send(self, job: _Job) -> None:
        if job.recipient is None:
            await run_in_threadpool(self._record, job.row_id, None, job.skip_reason, False, False)
            return
        sender = self.by_channel.get(job.channel)
        if sender is None:
            # A configuration gap (e.g. no token in this worker): keep it and retry.
            error = f"no sender configured for channel {job.channel!r}"
            await run_in_threadpool(self._record, job.row_id, None, error, True, False)
            return
        try:
            sent = await sender.send(job.recipient, job.text)
        except TemporaryFailure as exc:
            log.warning("outbox %s: temporary failure, will retry: %s", job.row_id, exc)
            await run_in_threadpool(self._record, job.row_id, None, str(exc), True, False)
        except PermanentFailure as exc:
            log.warning("outbox %s: failed: %s", job.row_id, exc)
            await run_in_threadpool(self._record, job.row_id, None, str(exc), False, exc.opted_out)
        except Exception as exc:  # a bug must not lose the message: keep it and retry
            log.exception("outbox %s: unexpected error while sending", job.row_id)
            error = f"unexpected error: {type(exc).__name__}"
            await run_in_threadpool(self._record, job.row_id, None, error, True, False)
        else:
            await run_in_threadpool(self._record, job.row_id, sent, None, False, False)

    def _record(
        self,
        row_id: int,
        sent: Sent | None,
        error: str | None,
        retry: bool,
        opted_out: bool,
    ) -> None:
        with self.session_factory() as session:
            row = session.get(OutboxMessage, row_id)
            if row is None:
                return
            if sent is not None:
                outbox.mark_sent(
                    session,
                    row,
                    provider_message_id=sent.provider_message_id,
                    template_sid=sent.template_sid,
                    template_variables=sent.template_variables,
                )
            elif retry:
                outbox.mark_retry(session, row, error=error or "unknown error")
            else:
                outbox.mark_failed(session, row, error=error or "unknown error")
                if opted_out:
                    reporter = session.get(Reporter, row.reporter_id)
                    if reporter is not None:
                        reporter.stopped = True
            session.commit()

    # -------------------------------------------------------------- forever
    async def run(self, stop: asyncio.Event, *, interval: float = POLL_INTERVAL) -> None:
        """Send due rows until `stop` is set; a failing round is logged, never fatal."""
        while not stop.is_set():
            try:
                sent = await self.run_once()
            except Exception:
                log.exception("outbox round failed; trying again shortly")
                sent = 0
            if sent:
                continue  # more may be due right away
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval)

    async def close(self) -> None:
        for sender in self.senders:
            await sender.close()


def router(runtime: Runtime, *, senders: Iterable[Sender] | None = None) -> APIRouter:
    """No routes: the worker as a background task in the app's lifespan (`serve`)."""
    quiet_provider_loggers()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if not runtime.settings.safercity_outbox_worker:
            yield
            return
        worker = OutboxWorker(
            runtime.session_factory,
            runtime.settings,
            senders if senders is not None else default_senders(runtime.settings),
        )
        stop = asyncio.Event()
        task = asyncio.create_task(worker.run(stop), name="safercity-outbox")
        try:
            yield
        finally:
            stop.set()
            await task
            await worker.close()

    return APIRouter(lifespan=lifespan)


# ----------------------------------------------------------------- commands
async def run_worker(
    session_factory: sessionmaker[Session],
    settings: Settings,
    *,
    once: bool,
    interval: float = POLL_INTERVAL,
) -> int:
    """`safercity outbox run`: no NLU, no web app, just the store and the senders."""
    quiet_provider_loggers()
    worker = OutboxWorker(session_factory, settings, default_senders(settings))
    try:
        if once:
            return await worker.run_once()
        stop = asyncio.Event()
        await worker.run(stop, interval=interval)
        return 0
    finally:
        await worker.close()


def print_status(session_factory: sessionmaker[Session], out: TextIO) -> int:
    """Counts per status and recent failures (no addresses, no message texts)."""
    with session_factory() as session:
        report = outbox.summary(session)
    if not report.counts:
        out.write("outbox: empty\n")
        return 0
    out.write("outbox: " + ", ".join(f"{k} {v}" for k, v in sorted(report.counts.items())) + "\n")
    for row in report.failed:
        out.write(
            f"  #{row.id} {row.channel} {row.status} attempts={row.attempts} "
            f"by={row.created_by} error={row.last_error or '-'}\n"
        )
    return 0
