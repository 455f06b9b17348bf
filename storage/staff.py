"""Queries for the staff side: users and sessions, the review queue, the audit log,
nearby reports, NLU corrections and staff replies.

Keyword-only functions over a Session; callers commit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, load_only

from storage.models import (
    AuditEntry,
    Conversation,
    Flag,
    Message,
    NluCorrection,
    Report,
    StaffSession,
    StaffUser,
)
from storage.types import utcnow

ROLES = ("reviewer", "supervisor", "analyst")

# The queue's order: what needs a human soonest comes first.
REASON_ORDER = (
    "urgent",
    "sensitive",
    "low_confidence",
    "unresolved_location",
    "handoff",
    "possible_duplicate",
    "abusive",
    "incomplete",
)


def reason_rank(reason: str) -> int:
    try:
        return REASON_ORDER.index(reason)
    except ValueError:
        return len(REASON_ORDER)


# ---------------------------------------------------------------- users
def user_by_username(session: Session, *, username: str) -> StaffUser | None:
    return session.scalar(select(StaffUser).where(StaffUser.username == username))


def list_users(session: Session) -> list[StaffUser]:
    return list(session.scalars(select(StaffUser).order_by(StaffUser.username)))


def create_user(session: Session, *, username: str, password_hash: str, role: str) -> StaffUser:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}: one of {', '.join(ROLES)}")
    user = StaffUser(username=username, password_hash=password_hash, role=role, active=True)
    session.add(user)
    session.flush()
    return user


# ------------------------------------------------------------- sessions
def create_session(
    session: Session, *, user: StaffUser, token_hash: str, csrf_token: str, expires_at: datetime
) -> StaffSession:
    row = StaffSession(
        token_hash=token_hash, user_id=user.id, csrf_token=csrf_token, expires_at=expires_at
    )
    session.add(row)
    return row


def live_session(
    session: Session, *, token_hash: str, now: datetime
) -> tuple[StaffSession, StaffUser] | None:
    """The session and its user, if the session exists, has not expired and the user is
    active; an expired session is deleted on sight."""
    row = session.get(StaffSession, token_hash)
    if row is None:
        return None
    if row.expires_at <= now:
        session.delete(row)
        return None
    user = session.get(StaffUser, row.user_id)
    if user is None or not user.active:
        return None
    return row, user


def delete_session(session: Session, *, token_hash: str) -> None:
    session.execute(delete(StaffSession).where(StaffSession.token_hash == token_hash))


def delete_user_sessions(session: Session, *, user_id: int) -> None:
    session.execute(delete(StaffSession).where(StaffSession.user_id == user_id))


def purge_expired_sessions(session: Session, *, now: datetime) -> None:
    session.execute(delete(StaffSession).where(StaffSession.expires_at <= now))


# ---------------------------------------------------------------- audit
def add_audit(
    session: Session,
    *,
    actor: str,
    action: str,
    target_type: str,
    target_id: str | int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        actor=actor,
        action=action,
        target_type=target_type,
        target_id=str(target_id) if target_id is not None else None,
        before=before,
        after=after,
        created_at=utcnow(),
    )
    session.add(entry)
    return entry


def audit_entries(
    session: Session,
    *,
    actor: str | None = None,
    action: str | None = None,
    target_type: str | None = None,
    target_id: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[AuditEntry]:
    stmt = select(AuditEntry)
    if actor:
        stmt = stmt.where(AuditEntry.actor == actor)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if target_type:
        stmt = stmt.where(AuditEntry.target_type == target_type)
    if target_id:
        stmt = stmt.where(AuditEntry.target_id == target_id)
    stmt = stmt.order_by(AuditEntry.id.desc()).limit(limit).offset(offset)
    return list(session.scalars(stmt))


# ---------------------------------------------------------------- queue
@dataclass(slots=True)
class QueueItem:
    conversation_id: int
    channel: str
    language: str
    reasons: list[str]
    flagged_at: datetime
    open: bool
    reports: list[Report] = field(default_factory=list)
    snippet: str = ""

    @property
    def rank(self) -> int:
        return min((reason_rank(r) for r in self.reasons), default=len(REASON_ORDER))

    @property
    def report(self) -> Report | None:
        """The report this item is mostly about: the newest one."""
        return self.reports[-1] if self.reports else None


@dataclass(slots=True)
class QueueFilter:
    reason: str | None = None
    category: str | None = None
    status: str | None = None
    date_from: datetime | None = None
    date_to: datetime | None = None  # exclusive
    include_resolved: bool = False


@dataclass(frozen=True, slots=True)
class _FlagRow:
    conversation_id: int
    report_id: int | None
    reason: str
    created_at: datetime
    resolved_at: datetime | None


# Only what a queue row shows: plain columns, not whole objects (a queue may hold thousands).
_QUEUE_REPORT_COLUMNS = (
    Report.id,
    Report.conversation_id,
    Report.reference,
    Report.category,
    Report.status,
    Report.place,
    Report.description,
    Report.urgent,
)


def _queue_candidates(session: Session, filt: QueueFilter) -> list[QueueItem]:
    stmt = select(
        Flag.conversation_id, Flag.report_id, Flag.reason, Flag.created_at, Flag.resolved_at
    )
    if not filt.include_resolved:
        stmt = stmt.where(Flag.resolved_at.is_(None))
    if filt.date_from is not None:
        stmt = stmt.where(Flag.created_at >= filt.date_from)
    if filt.date_to is not None:
        stmt = stmt.where(Flag.created_at < filt.date_to)
    by_conversation: dict[int, list[_FlagRow]] = {}
    for row in session.execute(stmt.order_by(Flag.id)):
        flag = _FlagRow(*row)
        by_conversation.setdefault(flag.conversation_id, []).append(flag)
    if not by_conversation:
        return []
    ids = list(by_conversation)
    conversations = {
        cid: (channel, language)
        for cid, channel, language in session.execute(
            select(Conversation.id, Conversation.channel, Conversation.language).where(
                Conversation.id.in_(ids)
            )
        )
    }
    reports: dict[int, list[Report]] = {}
    for report in session.scalars(
        select(Report)
        .options(load_only(*_QUEUE_REPORT_COLUMNS))
        .where(Report.conversation_id.in_(ids))
        .order_by(Report.id)
    ):
        if report.conversation_id is not None:
            reports.setdefault(report.conversation_id, []).append(report)
    # A conversation without a report shows its citizen's first words instead.
    without_report = [i for i in ids if i not in reports]
    first_texts: dict[int, str] = {}
    for conversation_id, text in session.execute(
        select(Message.conversation_id, Message.text)
        .where(
            Message.conversation_id.in_(without_report),
            Message.direction == "in",
            Message.text != "",
        )
        .order_by(Message.id.desc())
    ):
        if conversation_id is not None:
            first_texts[conversation_id] = text  # ends at the oldest: descending order
    items: list[QueueItem] = []
    for conversation_id, conv_flags in by_conversation.items():
        if conversation_id not in conversations:
            continue
        channel, language = conversations[conversation_id]
        reasons = sorted({f.reason for f in conv_flags}, key=reason_rank)
        conv_reports = reports.get(conversation_id, [])
        flagged_reports = {f.report_id for f in conv_flags if f.report_id is not None}
        shown = [r for r in conv_reports if r.id in flagged_reports] or conv_reports
        snippet = shown[-1].description if shown and shown[-1].description else ""
        items.append(
            QueueItem(
                conversation_id=conversation_id,
                channel=channel,
                language=language,
                reasons=reasons,
                flagged_at=max(f.created_at for f in conv_flags),
                open=any(f.resolved_at is None for f in conv_flags),
                reports=shown,
                snippet=(snippet or first_texts.get(conversation_id, ""))[:160],
            )
        )
    return items


def _matches(item: QueueItem, filt: QueueFilter) -> bool:
    if filt.category and not any(r.category == filt.category for r in item.reports):
        return False
    return not (filt.status and not any(r.status == filt.status for r in item.reports))


def queue(
    session: Session, filt: QueueFilter, *, limit: int = 200
) -> tuple[list[QueueItem], dict[str, int]]:
    """Flagged conversations, most pressing first, and the count per reason.

    The counts honour every filter but the reason one, so they say what each badge
    filter would show.
    """
    items = [i for i in _queue_candidates(session, filt) if _matches(i, filt)]
    counts = {reason: 0 for reason in REASON_ORDER}
    for item in items:
        for reason in item.reasons:
            counts[reason] = counts.get(reason, 0) + 1
    if filt.reason:
        items = [i for i in items if filt.reason in i.reasons]
    items.sort(key=lambda i: (not i.open, i.rank, -i.flagged_at.timestamp()))
    return items[:limit], counts


def latest_open_flag(session: Session) -> tuple[int, bool]:
    """The id of the newest open flag (0 if none) and whether any open flag is urgent."""
    newest = session.scalar(select(func.max(Flag.id)).where(Flag.resolved_at.is_(None)))
    urgent = session.scalar(
        select(Flag.id).where(Flag.resolved_at.is_(None), Flag.reason == "urgent").limit(1)
    )
    return int(newest or 0), urgent is not None


def recently_audited(
    session: Session, *, actor: str, action: str, target_id: str, since: datetime
) -> bool:
    return (
        session.scalar(
            select(AuditEntry.id)
            .where(
                AuditEntry.actor == actor,
                AuditEntry.action == action,
                AuditEntry.target_id == target_id,
                AuditEntry.created_at >= since,
            )
            .limit(1)
        )
        is not None
    )


def resolve_flags(
    session: Session,
    *,
    conversation_id: int,
    actor: str,
    now: datetime,
    reasons: tuple[str, ...] | None = None,
) -> int:
    """Close the conversation's open flags (all, or those with one of `reasons`)."""
    stmt = update(Flag).where(Flag.conversation_id == conversation_id, Flag.resolved_at.is_(None))
    if reasons is not None:
        stmt = stmt.where(Flag.reason.in_(reasons))
    result = session.execute(stmt.values(resolved_at=now, resolved_by=actor))
    return int(getattr(result, "rowcount", 0) or 0)


def open_flags(session: Session, *, conversation_id: int) -> list[Flag]:
    return list(
        session.scalars(
            select(Flag)
            .where(Flag.conversation_id == conversation_id, Flag.resolved_at.is_(None))
            .order_by(Flag.id)
        )
    )


def conversation_flags(session: Session, *, conversation_id: int) -> list[Flag]:
    return list(
        session.scalars(
            select(Flag).where(Flag.conversation_id == conversation_id).order_by(Flag.id)
        )
    )


# ------------------------------------------------------------ transcript
def transcript(session: Session, *, conversation_id: int) -> list[Message]:
    return list(
        session.scalars(
            select(Message).where(Message.conversation_id == conversation_id).order_by(Message.id)
        )
    )


# ----------------------------------------------------------- duplicates
EARTH_RADIUS_M = 6_371_000.0


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, a)))


def nearby_reports(
    session: Session,
    *,
    report: Report,
    radius_m: float = 500.0,
    days: int = 28,
    limit: int = 10,
) -> list[tuple[Report, float]]:
    """Reports of the same category within `radius_m` from the last `days` days,
    nearest first: possible duplicates of `report`."""
    if report.lat is None or report.lon is None or report.category is None:
        return []
    dlat = radius_m / 111_320.0
    dlon = radius_m / (111_320.0 * max(0.01, math.cos(math.radians(report.lat))))
    since = report.created_at - timedelta(days=days)
    rows = session.scalars(
        select(Report).where(
            Report.id != report.id,
            Report.category == report.category,
            Report.created_at >= since,
            Report.lat.between(report.lat - dlat, report.lat + dlat),
            Report.lon.between(report.lon - dlon, report.lon + dlon),
        )
    )
    found: list[tuple[Report, float]] = []
    for other in rows:
        if other.lat is None or other.lon is None:
            continue
        distance = distance_m(report.lat, report.lon, other.lat, other.lon)
        if distance <= radius_m:
            found.append((other, distance))
    found.sort(key=lambda pair: pair[1])
    return found[:limit]


# ---------------------------------------------------------- corrections
def add_correction(
    session: Session,
    *,
    report: Report,
    text: str,
    predicted_category: str | None,
    actor: str,
) -> NluCorrection:
    correction = NluCorrection(
        report_id=report.id,
        urgent=report.urgent,
        text=text,
        language=report.language,
        predicted_category=predicted_category,
        category=report.category,
        location_text=report.location_text,
        place=report.place,
        actor=actor,
        created_at=utcnow(),
    )
    session.add(correction)
    return correction


def corrections(session: Session) -> list[NluCorrection]:
    return list(session.scalars(select(NluCorrection).order_by(NluCorrection.id)))


def report_by_reference(session: Session, *, reference: str) -> Report | None:
    return session.scalar(select(Report).where(Report.reference == reference.strip().upper()))


def count_users(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(StaffUser)) or 0)
