"""A flood from one sender is rate-limited, never crashed on.

Every channel hands inbound messages to `receive(runtime, inbound)` instead of calling the
service directly. Up to SAFERCITY_RATE_LIMIT_PER_MINUTE messages a minute from one sender
are processed as usual; beyond that each message is still stored (status "limited", kept
for staff) but not processed, and the sender gets one polite note per flood.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from actions.messages import InboundMessage, Reply
from bot.runtime import Runtime
from storage import queries, ratelimit
from storage.models import Message, Reporter
from storage.types import utcnow

log = logging.getLogger(__name__)

WINDOW = timedelta(minutes=1)
LIMITED = "limited"
NOTES = {
    "en": "You are sending messages very fast. Your messages are saved; please wait a minute "
    "before sending more.",
    "es": "Esta enviando mensajes muy rapido. Sus mensajes quedan guardados; espere un minuto "
    "antes de enviar mas.",
    "bzj": "Yu di sen mesij tuu fas. Wi seev yu mesij dem; wait wahn minit bifo yu sen mo.",
}


def _over_limit(runtime: Runtime, inbound: InboundMessage) -> bool:
    limit = runtime.settings.safercity_rate_limit_per_minute
    with runtime.session_factory() as session:
        reporter = ratelimit.find_reporter(
            session,
            secret=runtime.settings.safercity_secret_key,
            channel=inbound.channel,
            address=inbound.address,
        )
        if reporter is None:
            return False
        since = utcnow() - WINDOW
        return ratelimit.inbound_since(session, reporter_id=reporter.id, since=since) >= limit


def receive(runtime: Runtime, inbound: InboundMessage) -> Reply:
    """Store and process `inbound` (blocking: call it in a thread from async code)."""
    if not _over_limit(runtime, inbound):
        return runtime.service.receive(inbound)
    return _limited(runtime, inbound)


def _limited(runtime: Runtime, inbound: InboundMessage) -> Reply:
    # Stored exactly as the service stores every message (dedup included), not processed.
    message_id, duplicate = runtime.service.store(inbound)
    if duplicate is not None:
        return duplicate
    with runtime.session_factory() as session:
        message = session.get(Message, message_id)
        if message is None or message.status != "received":
            return Reply(duplicate=True)
        reporter = session.get(Reporter, message.reporter_id)
        already_told = ratelimit.inbound_since(
            session,
            reporter_id=message.reporter_id,
            since=utcnow() - WINDOW,
            status=LIMITED,
        )
        message.status = LIMITED
        message.error = "not processed: more than the per-minute limit from this sender"
        texts: tuple[str, ...] = ()
        if not already_told and reporter is not None and not reporter.stopped:
            note = NOTES.get(reporter.language or "en", NOTES["en"])
            queries.add_reply(session, to=message, text=note)
            texts = (note,)
        session.commit()
    log.warning("rate limit: message %s stored, not processed", message_id)
    return Reply(texts=texts)
