"""The one entry point of the conversation: store the inbound message, then process it once.

    service = ConversationService(session_factory, nlu, places, config)
    reply = service.receive(inbound)      # -> Reply(texts=(...), duplicate=bool)

Every accepted inbound message is committed before anything acts on it; a provider retry
(same channel and provider message id) is processed once and answered with the replies
the first delivery got.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from actions.config import ConversationConfig
from actions.dialogue import Dialogue, PlaceResolver
from actions.messages import InboundMessage, Reply
from actions.texts import text
from nlu.engine import NluEngine
from storage import queries
from storage.models import Conversation, Message, Reporter
from storage.types import utcnow

log = logging.getLogger(__name__)

# Stored texts are capped: a 5,000-character SMS is kept whole, a megabyte is not.
MAX_STORED_TEXT = 10_000


class ConversationService:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        nlu: NluEngine,
        places: PlaceResolver,
        config: ConversationConfig,
    ) -> None:
        self.session_factory = session_factory
        self.nlu = nlu
        self.places = places
        self.config = config

    def receive(self, inbound: InboundMessage) -> Reply:
        message_id, duplicate = self.store(inbound)
        if duplicate is not None:
            return duplicate
        return self._process(message_id, inbound)

    # ------------------------------------------------------------- storing
    def store(self, inbound: InboundMessage) -> tuple[int, Reply | None]:
        """Commit an inbound message without processing it (`receive` processes it next; the
        flood limiter stops there): its id, and the earlier replies if it is a retry."""
        with self.session_factory() as session:
            if inbound.provider_message_id:
                existing = queries.find_message(
                    session,
                    channel=inbound.channel,
                    provider_message_id=inbound.provider_message_id,
                )
                if existing is not None:
                    return existing.id, self._answer_duplicate(existing.id, inbound)
            reporter = queries.get_or_create_reporter(
                session,
                secret=self.config.secret_key,
                channel=inbound.channel,
                address=inbound.address,
            )
            reporter.last_inbound_at = inbound.received_at
            conversation = queries.latest_conversation(session, reporter=reporter)
            if conversation is None:
                conversation = queries.open_conversation(
                    session, reporter=reporter, language=reporter.language or "en"
                )
            message = Message(
                conversation_id=conversation.id,
                reporter_id=reporter.id,
                channel=inbound.channel,
                direction="in",
                provider_message_id=inbound.provider_message_id,
                kind=inbound.kind,
                # NUL cannot be stored in PostgreSQL text: keep a visible replacement.
                text=inbound.text[:MAX_STORED_TEXT].replace("\x00", "\ufffd"),
                location=(
                    {
                        "lat": inbound.pin.lat,
                        "lon": inbound.pin.lon,
                        "label": inbound.pin.label,
                        "address": inbound.pin.address,
                        "live": inbound.pin.live,
                    }
                    if inbound.pin
                    else None
                ),
                attachments=[a.to_json() for a in inbound.attachments],
                status="received",
                created_at=inbound.received_at,
            )
            session.add(message)
            try:
                session.commit()
            except IntegrityError:
                # The same delivery arrived twice at once: the other request stored it.
                session.rollback()
                existing = queries.find_message(
                    session,
                    channel=inbound.channel,
                    provider_message_id=inbound.provider_message_id or "",
                )
                if existing is None:
                    raise
                return existing.id, self._answer_duplicate(existing.id, inbound)
            return message.id, None

    def _answer_duplicate(self, message_id: int, inbound: InboundMessage) -> Reply:
        with self.session_factory() as session:
            message = session.get(Message, message_id)
            status = message.status if message is not None else "processed"
            if status == "received":
                session.close()
                # Stored but never processed (an earlier attempt died): this call does it.
                return self._process(message_id, inbound)
            texts = tuple(m.text for m in queries.replies_to(session, message_id=message_id))
            log.info("duplicate delivery of message %s (status %s)", message_id, status)
            return Reply(texts=texts, duplicate=True)

    # ----------------------------------------------------------- processing
    def _process(self, message_id: int, inbound: InboundMessage) -> Reply:
        """Process a stored message unless another call already claimed it. The call that
        processes it is the one that answers (duplicate=False), even if it carries a retry."""
        with self.session_factory() as session:
            claimed = queries.claim_message(session, message_id=message_id)
            session.commit()
        if not claimed:
            return Reply(duplicate=True)
        try:
            with self.session_factory() as session:
                texts = self._run_dialogue(session, message_id, inbound)
                session.commit()
        except Exception:
            log.exception("processing inbound message %s failed", message_id)
            return Reply(texts=(self._record_failure(message_id),))
        return Reply(texts=tuple(texts))

    def _run_dialogue(
        self, session: Session, message_id: int, inbound: InboundMessage
    ) -> list[str]:
        message = session.get(Message, message_id)
        if message is None or message.conversation_id is None:
            raise LookupError(f"message {message_id} vanished before processing")
        # Lock the conversation: two messages from one person are processed one at a time.
        conversation = session.scalars(
            select(Conversation).where(Conversation.id == message.conversation_id).with_for_update()
        ).one()
        reporter = session.get(Reporter, message.reporter_id)
        if reporter is None:
            raise LookupError(f"reporter of message {message_id} vanished")
        outcome = Dialogue(
            session=session,
            nlu=self.nlu,
            places=self.places,
            config=self.config,
            reporter=reporter,
            conversation=conversation,
            message=message,
            inbound=inbound,
        ).run()
        if outcome.erased:
            return outcome.texts  # nothing of this person is kept, not even the reply
        for reply_text in outcome.texts:
            queries.add_reply(session, to=message, text=reply_text)
        now = utcnow()
        message.status = "processed"
        message.processed_at = now
        return outcome.texts

    def _record_failure(self, message_id: int) -> str:
        with self.session_factory() as session:
            message = session.get(Message, message_id)
            if message is None:
                return text("error", "en")
            conversation = session.get(Conversation, message.conversation_id)
            language = conversation.language if conversation is not None else "en"
            apology = text("error", language)
            message.status = "failed"
            message.error = "processing failed: see the service log"
            queries.add_reply(session, to=message, text=apology)
            session.commit()
            return apology
