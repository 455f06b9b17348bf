"""Keyword-only query functions over the store: the only SQL the layers above need."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.crypto import ContactCipher, reporter_key
from storage.models import Conversation, Flag, Message, Report, Reporter, ReportEvent
from storage.types import utcnow


def get_or_create_reporter(
    session: Session, *, secret: str, channel: str, address: str
) -> Reporter:
    key = reporter_key(secret, channel, address)
    reporter = session.scalar(select(Reporter).where(Reporter.key == key))
    if reporter is not None:
        return reporter
    reporter = Reporter(
        key=key, channel=channel, contact_encrypted=ContactCipher(secret).encrypt(address)
    )
    try:
        with session.begin_nested():
            session.add(reporter)
    except IntegrityError:  # created by a concurrent request
        reporter = session.scalars(select(Reporter).where(Reporter.key == key)).one()
    return reporter


def reporter_address(reporter: Reporter, *, secret: str) -> str | None:
    """The decrypted contact address, for sending only: never log it."""
    if reporter.contact_encrypted is None:
        return None
    return ContactCipher(secret).decrypt(reporter.contact_encrypted)


def latest_conversation(
    session: Session, *, reporter: Reporter, for_update: bool = False
) -> Conversation | None:
    stmt = (
        select(Conversation)
        .where(Conversation.reporter_id == reporter.id)
        .order_by(Conversation.id.desc())
        .limit(1)
    )
    if for_update:
        stmt = stmt.with_for_update()
    return session.scalar(stmt)


def open_conversation(session: Session, *, reporter: Reporter, language: str) -> Conversation:
    conversation = Conversation(
        reporter_id=reporter.id,
        channel=reporter.channel,
        state={},
        language=language,
    )
    session.add(conversation)
    session.flush()
    return conversation


def find_message(session: Session, *, channel: str, provider_message_id: str) -> Message | None:
    return session.scalar(
        select(Message).where(
            Message.channel == channel, Message.provider_message_id == provider_message_id
        )
    )


def claim_message(session: Session, *, message_id: int) -> bool:
    """Atomically move a received message to processing; False if someone else has it."""
    result = session.execute(
        update(Message)
        .where(Message.id == message_id, Message.status == "received")
        .values(status="processing")
    )
    return bool(getattr(result, "rowcount", 0))


def replies_to(session: Session, *, message_id: int) -> list[Message]:
    return list(
        session.scalars(
            select(Message)
            .where(Message.in_reply_to_id == message_id, Message.direction == "out")
            .order_by(Message.id)
        )
    )


def report_by_reference(session: Session, *, reference: str) -> Report | None:
    return session.scalar(select(Report).where(Report.reference == reference.upper()))


def reference_exists(session: Session, *, reference: str) -> bool:
    return session.scalar(select(Report.id).where(Report.reference == reference)) is not None


def add_flag(
    session: Session,
    *,
    conversation: Conversation,
    reason: str,
    report: Report | None = None,
    detail: str | None = None,
) -> Flag:
    flag = Flag(
        conversation_id=conversation.id,
        report_id=report.id if report is not None else None,
        reason=reason,
        detail=detail,
    )
    session.add(flag)
    return flag


def add_report_event(
    session: Session,
    *,
    report: Report,
    kind: str,
    actor: str = "system",
    from_status: str | None = None,
    to_status: str | None = None,
    note: str | None = None,
    data: dict[str, Any] | None = None,
) -> ReportEvent:
    event = ReportEvent(
        report_id=report.id,
        kind=kind,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        note=note,
        data=data,
    )
    session.add(event)
    return event


def all_reports(session: Session) -> list[Report]:
    return list(session.scalars(select(Report).order_by(Report.id)))


def open_flag_reasons(session: Session, *, report: Report) -> list[str]:
    reasons = session.scalars(
        select(Flag.reason)
        .where((Flag.report_id == report.id) | (Flag.conversation_id == report.conversation_id))
        .order_by(Flag.id)
    )
    seen: list[str] = []
    for reason in reasons:
        if reason not in seen:
            seen.append(reason)
    return seen


def erase_reporter(session: Session, *, reporter: Reporter) -> None:
    """DELETE: erase what we hold about a person.

    Their conversations, messages, flags and contact address go; the reports stay for the
    observatory, unlinked and anonymous (no reporter key, no age group or gender).
    """
    session.execute(
        update(Report)
        .where(Report.reporter_id == reporter.id)
        .values(
            reporter_id=None,
            reporter_key=None,
            conversation_id=None,
            age_group=None,
            gender=None,
        )
    )
    # The database cascades to conversations, messages, flags and the outbox.
    session.execute(delete(Reporter).where(Reporter.id == reporter.id))
    session.expunge(reporter)


def attach_open_flags(session: Session, *, conversation: Conversation, report: Report) -> None:
    """Flags raised while the report was being built now point at it."""
    session.execute(
        update(Flag)
        .where(Flag.conversation_id == conversation.id, Flag.report_id.is_(None))
        .values(report_id=report.id)
    )


def attach_media(session: Session, *, report: Report, message_ids: list[int]) -> None:
    """Keep the photos sent during the conversation with the report."""
    media: list[dict[str, Any]] = []
    for message in session.scalars(select(Message).where(Message.id.in_(message_ids))):
        media.extend({"message_id": message.id, **item} for item in message.attachments)
    report.media = media


def add_reply(session: Session, *, to: Message, text: str) -> Message:
    """Store a reply given in the webhook's answer (or sent at once) to an inbound message."""
    reply = Message(
        conversation_id=to.conversation_id,
        reporter_id=to.reporter_id,
        channel=to.channel,
        direction="out",
        kind="text",
        text=text,
        status="sent",
        in_reply_to_id=to.id,
        created_at=utcnow(),
    )
    session.add(reply)
    return reply
