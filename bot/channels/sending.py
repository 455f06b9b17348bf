"""What every channel that can send later (the outbox) implements: one small protocol.

A sender turns (recipient, text) into one provider message and says how it went:
returns `Sent`, or raises `TemporaryFailure` (try again later: provider down, rate limited)
or `PermanentFailure` (do not retry: the person blocked the bot, the address is invalid).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class Recipient:
    channel: str
    address: str  # phone number or chat id: never log it
    last_inbound_at: datetime | None = None
    template_sid: str | None = None  # send this approved template whatever the window


@dataclass(frozen=True, slots=True)
class Sent:
    provider_message_id: str | None
    template_sid: str | None = None
    template_variables: dict[str, Any] | None = None


class TemporaryFailure(Exception):
    """The provider could not take the message now; the outbox tries again later."""


class PermanentFailure(Exception):
    """The message can never be sent as it is; `opted_out` marks the reporter stopped."""

    def __init__(self, message: str, *, opted_out: bool = False) -> None:
        super().__init__(message)
        self.opted_out = opted_out


class Sender(Protocol):
    channels: frozenset[str]

    async def send(self, recipient: Recipient, text: str) -> Sent: ...

    async def close(self) -> None: ...


# Provider libraries log request parameters (chat ids) and URLs (the bot token) at DEBUG
# and INFO; phone numbers and chat ids must never reach the logs, so they are held to
# these levels whatever SAFERCITY_LOG_LEVEL says.
_QUIET = {
    "telegram": logging.INFO,
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "twilio": logging.WARNING,
}


def quiet_provider_loggers() -> None:
    for name, level in _QUIET.items():
        logger = logging.getLogger(name)
        if logger.level < level:
            logger.setLevel(level)
