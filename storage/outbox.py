"""The outbox: messages the service starts (staff replies, status updates), kept until sent.

A row is `queued` until a worker claims it (`sending`, with a lease), then `sent` (the
provider accepted it), later `delivered` / `read` / `undelivered` / `failed` from delivery
callbacks. A failed attempt goes back to `queued` with exponential backoff; after
`MAX_ATTEMPTS` it is `failed` with `last_error` kept. A worker that dies mid-send leaves a
`sending` row whose lease runs out: it becomes due again, so nothing queued is ever lost
(delivery is at least once).

    row = enqueue(session, reporter=r, conversation=c, text="...", created_by="staff:ana")
    session.commit()   # the caller's transaction: the row exists once it commits
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from storage.models import Conversation, Message, OutboxMessage, Reporter
from storage.types import utcnow

MAX_ATTEMPTS = 8
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=1)
LEASE = timedelta(minutes=2)
MAX_ERROR = 500

# Delivery states in the order a message moves through them; a late callback never
# moves a row backwards (Twilio's callbacks can arrive out of order).
_RANK = {
    "queued": 0,
    "sending": 1,
    "sent": 2,
    "delivered": 3,
    "read": 4,
    "undelivered": 5,
    "failed": 5,
}
FINAL = frozenset({"delivered", "read", "undelivered", "failed"})


def enqueue(
    session: Session,
    *,
    reporter: Reporter,
    conversation: Conversation | None,
    text: str,
    created_by: str = "system",
    message: Message | None = None,
) -> OutboxMessage:
    """Queue `text` for `reporter` on their own channel; the caller commits.

    Unless `message` (an outbound Message already stored, e.g. a reply the webhook could not
    deliver) is given, an outbound Message is added to the conversation so transcripts show
    it; its status follows the outbox row (queued, sent, delivered, failed).
    """
    if message is None:
        message = Message(
            conversation_id=conversation.id if conversation is not None else None,
            reporter_id=reporter.id,
            channel=reporter.channel,
            direction="out",
            kind="text",
            text=text,
            status="queued",
        )
        session.add(message)
    else:
        message.status = "queued"
    session.flush()
    row = OutboxMessage(
        reporter_id=reporter.id,
        conversation_id=conversation.id if conversation is not None else None,
        message_id=message.id,
        channel=reporter.channel,
        text=text,
        status="queued",
        attempts=0,
        next_attempt_at=utcnow(),
        created_by=created_by,
    )
    session.add(row)
    session.flush()
    return row


def enqueue_replies(
    session: Session, *, channel: str, provider_message_id: str, first: int = 0
) -> int:
    """Queue the stored replies to an inbound message, from the `first`-th on, that the
    webhook could not deliver at once (the provider was down). Returns how many."""
    inbound = session.scalar(
        select(Message).where(
            Message.channel == channel,
            Message.provider_message_id == provider_message_id,
            Message.direction == "in",
        )
    )
    if inbound is None:
        return 0
    reporter = session.get(Reporter, inbound.reporter_id)
    if reporter is None:
        return 0
    conversation = (
        session.get(Conversation, inbound.conversation_id)
        if inbound.conversation_id is not None
        else None
    )
    replies = list(
        session.scalars(
            select(Message)
            .where(Message.in_reply_to_id == inbound.id, Message.direction == "out")
            .order_by(Message.id)
        )
    )[first:]
    for reply in replies:
        enqueue(
            session,
            reporter=reporter,
            conversation=conversation,
            text=reply.text,
            created_by="webhook-retry",
            message=reply,
        )
    return len(replies)


def claim_due(
    session: Session, *, now: datetime | None = None, limit: int = 20
) -> list[OutboxMessage]:
    """Claim up to `limit` rows that are due: queued ones, and `sending` ones whose worker's
    lease ran out. Claimed rows are `sending` until `LEASE` from now; the caller commits.
    Concurrent workers on PostgreSQL skip each other's rows (SKIP LOCKED)."""
    now = now or utcnow()
    stmt = (
        select(OutboxMessage)
        .where(
            OutboxMessage.status.in_(("queued", "sending")),
            OutboxMessage.next_attempt_at <= now,
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    rows = list(session.scalars(stmt))
    for row in rows:
        row.status = "sending"
        row.next_attempt_at = now + LEASE
    session.flush()
    return rows


def backoff(attempts: int) -> timedelta:
    """Wait before attempt `attempts + 1`: 30 s, 1 min, 2 min, ... capped at an hour."""
    delay: timedelta = BACKOFF_BASE * 2 ** max(0, attempts - 1)
    return min(delay, BACKOFF_MAX)


def _set_message_status(session: Session, row: OutboxMessage, status: str) -> None:
    if row.message_id is None:
        return
    message = session.get(Message, row.message_id)
    if message is not None:
        message.status = status


def mark_sent(
    session: Session,
    row: OutboxMessage,
    *,
    provider_message_id: str | None,
    template_sid: str | None = None,
    template_variables: dict[str, Any] | None = None,
) -> None:
    row.attempts += 1
    row.status = "sent"
    row.sent_at = utcnow()
    row.provider_message_id = provider_message_id
    row.last_error = None
    if template_sid is not None:
        row.template_sid = template_sid
        row.template_variables = template_variables
    _set_message_status(session, row, "sent")


def mark_retry(
    session: Session, row: OutboxMessage, *, error: str, now: datetime | None = None
) -> None:
    """A temporary failure (provider down, rate limited): try again later, or give up."""
    now = now or utcnow()
    row.attempts += 1
    row.last_error = error[:MAX_ERROR]
    if row.attempts >= MAX_ATTEMPTS:
        row.status = "failed"
        _set_message_status(session, row, "failed")
        return
    row.status = "queued"
    row.next_attempt_at = now + backoff(row.attempts)


def mark_failed(session: Session, row: OutboxMessage, *, error: str) -> None:
    """A permanent failure (the person opted out, the address is invalid): no retry."""
    row.attempts += 1
    row.status = "failed"
    row.last_error = error[:MAX_ERROR]
    _set_message_status(session, row, "failed")


def apply_status(
    session: Session,
    *,
    provider_message_id: str,
    status: str,
    error_code: str | None = None,
) -> OutboxMessage | None:
    """A provider's delivery callback: move the row forward; None if the id is not ours."""
    row = session.scalar(
        select(OutboxMessage).where(OutboxMessage.provider_message_id == provider_message_id)
    )
    if row is None or status not in _RANK:
        return row
    if _RANK[status] < _RANK.get(row.status, 0) or row.status in FINAL:
        return row
    row.status = status
    if status in {"undelivered", "failed"}:
        row.last_error = f"provider reported {status}" + (
            f" (error {error_code})" if error_code else ""
        )
    _set_message_status(session, row, status)
    return row


@dataclass(frozen=True, slots=True)
class OutboxSummary:
    counts: dict[str, int]
    failed: list[OutboxMessage]


def summary(session: Session, *, failed_limit: int = 50) -> OutboxSummary:
    """Counts per status and the most recent failures, for `safercity outbox status`."""
    counts = {
        str(status): int(count)
        for status, count in session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        )
    }
    failed = list(
        session.scalars(
            select(OutboxMessage)
            .where(
                or_(
                    OutboxMessage.status.in_(("failed", "undelivered")),
                    OutboxMessage.last_error.is_not(None),
                )
            )
            .order_by(OutboxMessage.id.desc())
            .limit(failed_limit)
        )
    )
    return OutboxSummary(counts=counts, failed=failed)


def pending(session: Session) -> Sequence[OutboxMessage]:
    """Rows not yet accepted by a provider (queued or being sent)."""
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status.in_(("queued", "sending")))
            .order_by(OutboxMessage.id)
        )
    )


def requeue_as_template(
    session: Session, row: OutboxMessage, *, template_sid: str, reason: str
) -> None:
    """Send a row again as an approved template (WhatsApp refused free text: the person's
    24-hour window had closed although the store thought it open)."""
    row.template_sid = template_sid
    row.template_variables = {"1": row.text}
    row.status = "queued"
    row.next_attempt_at = utcnow()
    row.last_error = reason[:MAX_ERROR]
    _set_message_status(session, row, "queued")


def requeue(session: Session, *, outbox_id: int) -> OutboxMessage | None:
    """Send a failed row again (a supervisor's decision after fixing the cause)."""
    row = session.get(OutboxMessage, outbox_id)
    if row is None or row.status not in {"failed", "undelivered"}:
        return None
    row.status = "queued"
    row.attempts = 0
    row.next_attempt_at = utcnow()
    _set_message_status(session, row, "queued")
    return row
