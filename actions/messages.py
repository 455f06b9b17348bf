"""The project's own message types: what every channel converts provider payloads into."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from storage.types import utcnow

# Kinds of inbound message a channel can deliver.
KINDS = (
    "text",  # text only (possibly empty)
    "location",  # a GPS pin (maybe with a name: a venue, WhatsApp's Label)
    "photo",  # an image, maybe with a caption in `text`
    "media",  # other media the bot cannot read (voice, sticker, document, video)
    "command",  # a channel command such as Telegram's /start, given in `text`
    "stopped",  # the user blocked the bot or opted out at the provider
)


@dataclass(frozen=True, slots=True)
class Pin:
    lat: float
    lon: float
    label: str | None = None  # a venue's or WhatsApp location's name
    address: str | None = None
    live: bool = False  # Telegram live-location update


@dataclass(frozen=True, slots=True)
class Attachment:
    kind: str  # photo, voice, sticker, document, video, audio
    content_type: str | None = None
    url: str | None = None  # provider URL (Twilio MediaUrl) - fetch with credentials
    file_id: str | None = None  # provider file id (Telegram)
    stored_path: str | None = None  # where the service keeps a fetched copy

    def to_json(self) -> dict[str, Any]:
        return {
            k: v
            for k, v in {
                "kind": self.kind,
                "content_type": self.content_type,
                "url": self.url,
                "file_id": self.file_id,
                "stored_path": self.stored_path,
            }.items()
            if v is not None
        }


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """One message from a citizen, converted at the channel's edge.

    `channel` is "sms", "whatsapp", "telegram" or "console"; `address` is what the channel
    replies to (a phone number, a chat id). It is hashed and encrypted by the store and must
    never be logged.
    """

    channel: str
    address: str
    text: str = ""
    provider_message_id: str | None = None
    kind: str = "text"
    pin: Pin | None = None
    attachments: tuple[Attachment, ...] = ()
    received_at: datetime = field(default_factory=utcnow)


@dataclass(frozen=True, slots=True)
class Reply:
    """What the bot answers to one inbound message: zero or more texts, in order."""

    texts: tuple[str, ...] = ()
    # Another call processed this message (a provider retry): the texts, if any, are the
    # replies it got; the caller must not send them again.
    duplicate: bool = False
