"""Telegram through python-telegram-bot 22, in webhook mode inside the project's own app.

    POST /webhooks/telegram    secret header checked, update converted, stored, answered

Every update is checked against TELEGRAM_WEBHOOK_SECRET (constant-time, 403 otherwise,
nothing stored), converted at the edge into an InboundMessage (text, /start, /help, pins,
venues, live-location edits, photos, other media, the user blocking the bot), stored and
processed once per `update_id`, and answered through the Bot API (sendMessage) at
TELEGRAM_API_BASE_URL. A reply the Bot API does not take (Telegram down, rate limited) waits
in the outbox instead of being lost. Update kinds the bot does not handle get a 200 so
Telegram does not retry them forever.

`safercity telegram set-webhook` registers the webhook; `safercity telegram poll` runs the
same handling with long polling, for local runs without a public URL.
"""

from __future__ import annotations

import hmac
import json
import logging
import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from starlette.concurrency import run_in_threadpool
from telegram import Bot, Message, Update
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from actions.messages import Attachment, InboundMessage, Pin
from bot import flood
from bot.channels.media import store_media
from bot.channels.outbound_text import without_control
from bot.channels.sending import (
    PermanentFailure,
    Recipient,
    Sent,
    TemporaryFailure,
    quiet_provider_loggers,
)
from bot.runtime import Runtime
from bot.settings import Settings
from storage import outbox, ratelimit

log = logging.getLogger(__name__)

CHANNEL = "telegram"
WEBHOOK_PATH = "/webhooks/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)
ALLOWED_UPDATES = ("message", "edited_message", "my_chat_member")
MAX_TEXT = 4096  # the Bot API's limit for one message
MAX_PHOTO_BYTES = 20 * 1024 * 1024  # the Bot API serves files up to 20 MB
MEDIA_KINDS = (
    "sticker",
    "voice",
    "audio",
    "video",
    "video_note",
    "animation",
    "document",
    "contact",
    "poll",
    "dice",
    "game",
)


# ------------------------------------------------------------------ the bot
def builder(settings: Settings) -> ApplicationBuilder:  # type: ignore[type-arg]
    if not settings.telegram_bot_token:
        raise RuntimeError("TELEGRAM_BOT_TOKEN is not set")
    root = settings.telegram_api_base_url
    return (
        Application.builder()
        .token(settings.telegram_bot_token)
        .base_url(root + "/bot{token}")
        .base_file_url(root + "/file/bot{token}")
    )


def make_application(settings: Settings) -> Application:  # type: ignore[type-arg]
    """The PTB Application for webhook mode: no updater, updates come from our route."""
    application: Application = builder(settings).updater(None).build()  # type: ignore[type-arg]
    return application


def make_bot(settings: Settings) -> Bot:
    if not settings.telegram_bot_token:
        raise RuntimeError("TELEGRAM_BOT_TOKEN is not set")
    root = settings.telegram_api_base_url
    return Bot(
        settings.telegram_bot_token,
        base_url=root + "/bot{token}",
        base_file_url=root + "/file/bot{token}",
    )


class TelegramSender:
    """Sends one text through the Bot API; maps its errors to retry / give up."""

    channels = frozenset({CHANNEL})

    def __init__(self, bot: Bot, *, owns_bot: bool = False) -> None:
        self.bot = bot
        self.owns_bot = owns_bot

    async def send(self, recipient: Recipient, text: str) -> Sent:
        try:
            chat_id = int(recipient.address)
        except ValueError as exc:
            raise PermanentFailure("not a Telegram chat id") from exc
        body = without_control(text)[:MAX_TEXT] or "."
        try:
            message = await self.bot.send_message(chat_id=chat_id, text=body)
        except Forbidden as exc:
            raise PermanentFailure("the person blocked the bot", opted_out=True) from exc
        except (BadRequest, ChatMigrated) as exc:
            raise PermanentFailure(f"Bot API refused the message: {type(exc).__name__}") from exc
        except RetryAfter as exc:
            raise TemporaryFailure("Bot API rate limit") from exc
        except InvalidToken as exc:
            raise TemporaryFailure("Bot API refused the token (check TELEGRAM_BOT_TOKEN)") from exc
        except (NetworkError, TelegramError) as exc:
            raise TemporaryFailure(f"Bot API unreachable: {type(exc).__name__}") from exc
        return Sent(provider_message_id=str(message.message_id))

    async def close(self) -> None:
        if self.owns_bot:
            await self.bot.shutdown()
            # A bot that was never initialised (no getMe) still has an open HTTP client.
            await self.bot.request.shutdown()


# --------------------------------------------------------------- conversion
def _command(text: str) -> str | None:
    """'/start', '/help' (also '/start@SaferCityBot payload'); None for other text."""
    if not text.startswith("/"):
        return None
    word = text.split(maxsplit=1)[0].split("@", 1)[0].lower()
    return word if word in {"/start", "/help"} else None


def _largest_photo(message: Message) -> Attachment:
    best = max(message.photo, key=lambda p: (p.file_size or 0, p.width * p.height))
    return Attachment(kind="photo", content_type="image/jpeg", file_id=best.file_id)


def _coordinates(latitude: object, longitude: object) -> tuple[float, float] | None:
    """Finite coordinates on Earth, or None (a forged or broken update)."""
    try:
        lat, lon = float(latitude), float(longitude)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


def _pin(message: Message, *, live: bool = False) -> Pin | None:
    if message.venue is not None:
        venue = message.venue
        point = _coordinates(venue.location.latitude, venue.location.longitude)
        if point is None:
            return None
        return Pin(
            lat=point[0],
            lon=point[1],
            label=str(venue.title or "")[:200] or None,
            address=str(venue.address or "")[:200] or None,
        )
    if message.location is not None:
        location = message.location
        point = _coordinates(location.latitude, location.longitude)
        if point is None:
            return None
        return Pin(lat=point[0], lon=point[1], live=live or bool(location.live_period))
    return None


def to_inbound(update: Update) -> InboundMessage | None:
    """Convert an update into the project's InboundMessage; None for kinds we only ack."""
    update_id = str(update.update_id)
    member = update.my_chat_member
    if member is not None:
        if member.chat.type != "private" or member.new_chat_member.status != "kicked":
            return None
        return InboundMessage(
            channel=CHANNEL,
            address=str(member.chat.id),
            provider_message_id=update_id,
            kind="stopped",
        )
    edited = update.edited_message
    if edited is not None:
        # Only a live location moving is news; edited texts and captions are not re-read.
        if edited.chat.type != "private" or edited.location is None:
            return None
        pin = _pin(edited, live=True)
        if pin is None:
            return None
        return InboundMessage(
            channel=CHANNEL,
            address=str(edited.chat.id),
            provider_message_id=update_id,
            kind="location",
            pin=pin,
        )
    message = update.message
    if message is None or message.chat.type != "private":
        return None  # channel posts, groups, callbacks, inline queries...: acknowledged
    address = str(message.chat.id)
    text = message.text or message.caption or ""
    base: dict[str, Any] = {
        "channel": CHANNEL,
        "address": address,
        "provider_message_id": update_id,
    }
    command = _command(message.text or "")
    if command is not None:
        return InboundMessage(**base, text=command, kind="command")
    pin = _pin(message)
    if pin is not None:
        return InboundMessage(**base, text=text, kind="location", pin=pin)
    if message.photo:
        return InboundMessage(
            **base, text=text, kind="photo", attachments=(_largest_photo(message),)
        )
    document = message.document
    if document is not None and (document.mime_type or "").startswith("image/"):
        photo = Attachment(kind="photo", content_type=document.mime_type, file_id=document.file_id)
        return InboundMessage(**base, text=text, kind="photo", attachments=(photo,))
    for kind in MEDIA_KINDS:
        item = getattr(message, kind, None)
        if item is not None:
            file_id = getattr(item, "file_id", None)
            content_type = getattr(item, "mime_type", None)
            attachment = Attachment(kind=kind, content_type=content_type, file_id=file_id)
            return InboundMessage(**base, text=text, kind="media", attachments=(attachment,))
    if message.text is not None:
        return InboundMessage(**base, text=message.text, kind="text")
    return None  # a service message (pinned, chat photo changed, ...): nothing to answer


# ------------------------------------------------------------------ handling
class TelegramChannel:
    """One update in: convert, fetch photos, store and process once, send the replies."""

    def __init__(self, runtime: Runtime, bot: Bot) -> None:
        self.runtime = runtime
        self.bot = bot
        self.sender = TelegramSender(bot)

    async def handle(self, update: Update) -> None:
        inbound = to_inbound(update)
        if inbound is None:
            return
        if inbound.attachments:
            inbound = await self._fetch_photos(inbound)
        reply = await run_in_threadpool(flood.receive, self.runtime, inbound)
        if reply.duplicate:
            return  # a retry of an update we already answered
        if update.edited_message is not None:
            # A live location moves every few seconds for up to 8 hours: the latest pin is
            # kept, but answering each move would flood the person (the first pin was
            # answered when it was shared).
            return
        await self._deliver(inbound, reply.texts)

    async def _fetch_photos(self, inbound: InboundMessage) -> InboundMessage:
        kept: list[Attachment] = []
        for attachment in inbound.attachments:
            if attachment.kind != "photo" or not attachment.file_id:
                kept.append(attachment)
                continue
            try:
                tg_file = await self.bot.get_file(attachment.file_id)
                if tg_file.file_size and tg_file.file_size > MAX_PHOTO_BYTES:
                    raise ValueError("too large")
                data = bytes(await tg_file.download_as_bytearray())
            except (TelegramError, ValueError, RuntimeError) as exc:
                log.warning("photo not fetched (%s): kept by file id", type(exc).__name__)
                kept.append(attachment)
                continue
            stored = await run_in_threadpool(
                store_media,
                data,
                self.runtime.settings,
                channel=CHANNEL,
                content_type=attachment.content_type,
            )
            kept.append(
                Attachment(
                    kind="photo",
                    content_type=attachment.content_type,
                    file_id=attachment.file_id,
                    stored_path=stored,
                )
            )
        return InboundMessage(
            channel=inbound.channel,
            address=inbound.address,
            text=inbound.text,
            provider_message_id=inbound.provider_message_id,
            kind=inbound.kind,
            pin=inbound.pin,
            attachments=tuple(kept),
            received_at=inbound.received_at,
        )

    async def _deliver(self, inbound: InboundMessage, texts: tuple[str, ...]) -> None:
        recipient = Recipient(channel=CHANNEL, address=inbound.address)
        for index, text in enumerate(texts):
            try:
                await self.sender.send(recipient, text)
            except TemporaryFailure as exc:
                log.warning("Bot API did not take a reply (%s): queued in the outbox", exc)
                await run_in_threadpool(self._queue_rest, inbound, index)
                return
            except PermanentFailure as exc:
                log.warning("reply not deliverable: %s", exc)
                if exc.opted_out:
                    await run_in_threadpool(self._mark_stopped, inbound)
                return

    def _queue_rest(self, inbound: InboundMessage, first: int) -> None:
        with self.runtime.session_factory() as session:
            queued = outbox.enqueue_replies(
                session,
                channel=CHANNEL,
                provider_message_id=inbound.provider_message_id or "",
                first=first,
            )
            session.commit()
        log.info("%d replies wait in the outbox", queued)

    def _mark_stopped(self, inbound: InboundMessage) -> None:
        with self.runtime.session_factory() as session:
            reporter = ratelimit.find_reporter(
                session,
                secret=self.runtime.settings.safercity_secret_key,
                channel=CHANNEL,
                address=inbound.address,
            )
            if reporter is not None:
                reporter.stopped = True
                session.commit()


def _parse_update(body: bytes, bot: Bot) -> Update | None:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        return None
    try:
        return Update.de_json(data, bot)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def router(runtime: Runtime) -> APIRouter:
    """The webhook route, and the PTB Application's start-up and shutdown in the app's
    lifespan. Without TELEGRAM_BOT_TOKEN the route answers 404 and nothing starts."""
    settings = runtime.settings
    quiet_provider_loggers()
    application = make_application(settings) if settings.telegram_enabled else None

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if application is None:
            yield
            return
        try:
            await application.initialize()
        except TelegramError as exc:
            # Telegram unreachable at start-up must not stop the service: updates are
            # still accepted and stored; replies that cannot go out wait in the outbox.
            log.warning("Telegram Bot API not reachable at start-up: %s", type(exc).__name__)
        try:
            yield
        finally:
            if application.running:
                await application.stop()
            await application.shutdown()
            await application.bot.shutdown()

    api = APIRouter(lifespan=lifespan)
    channel = TelegramChannel(runtime, application.bot) if application is not None else None

    @api.post(WEBHOOK_PATH, include_in_schema=False)
    async def telegram_webhook(request: Request) -> Response:
        if channel is None or not settings.telegram_webhook_secret:
            return Response("the Telegram channel is not configured", status_code=404)
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8")
        if not hmac.compare_digest(given, settings.telegram_webhook_secret.encode("utf-8")):
            log.warning("refused a Telegram update with a wrong secret token")
            return Response("forbidden", status_code=403)
        update = _parse_update(await request.body(), channel.bot)
        if update is None:
            return Response("malformed update", status_code=400)
        await channel.handle(update)
        return Response(status_code=200)

    return api


# ----------------------------------------------------------------- commands
async def set_webhook(settings: Settings) -> str:
    """Register SAFERCITY_PUBLIC_URL/webhooks/telegram with the secret; returns the URL."""
    url = settings.safercity_public_url + WEBHOOK_PATH
    async with make_bot(settings) as bot:
        await bot.set_webhook(
            url=url,
            secret_token=settings.telegram_webhook_secret,
            allowed_updates=list(ALLOWED_UPDATES),
        )
    return url


def polling_application(runtime: Runtime) -> Application:  # type: ignore[type-arg]
    """A PTB Application that fetches updates by long polling and handles each exactly as
    the webhook does (same conversion, dedup, replies, outbox on failure)."""
    quiet_provider_loggers()
    application: Application = builder(runtime.settings).build()  # type: ignore[type-arg]
    channel = TelegramChannel(runtime, application.bot)

    async def on_update(update: object, _context: ContextTypes.DEFAULT_TYPE) -> None:
        if isinstance(update, Update):
            await channel.handle(update)

    async def on_error(_update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("handling a Telegram update failed: %s", type(context.error).__name__)

    application.add_handler(TypeHandler(Update, on_update))
    application.add_error_handler(on_error)
    return application


def poll(runtime: Runtime) -> None:
    """Long polling (deletes the webhook first): for local runs without a public URL."""
    polling_application(runtime).run_polling(allowed_updates=list(ALLOWED_UPDATES))
