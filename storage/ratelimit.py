"""Queries for the flood limit: how many messages one sender sent in a recent window."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.crypto import reporter_key
from storage.models import Message, Reporter


def find_reporter(session: Session, *, secret: str, channel: str, address: str) -> Reporter | None:
    key = reporter_key(secret, channel, address)
    return session.scalar(select(Reporter).where(Reporter.key == key))


def inbound_since(
    session: Session, *, reporter_id: int, since: datetime, status: str | None = None
) -> int:
    """Inbound messages of one reporter stored at or after `since` (optionally of a status)."""
    stmt = select(func.count(Message.id)).where(
        Message.reporter_id == reporter_id,
        Message.direction == "in",
        Message.created_at >= since,
    )
    if status is not None:
        stmt = stmt.where(Message.status == status)
    return int(session.scalar(stmt) or 0)
