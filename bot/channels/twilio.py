"""Twilio Messaging (SMS and WhatsApp): signature check, payload conversion, TwiML replies."""

from __future__ import annotations

import logging
import time
from dataclasses import replace

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from actions.messages import Attachment, InboundMessage, Pin
from bot import flood
from bot.channels.outbound_text import to_gsm7, without_control
from bot.channels.segments import split_sms
from bot.channels.twilio_rest import STATUS_PATH, WINDOW_CODES, fetch_media
from bot.runtime import Runtime
from bot.settings import Settings
from storage import outbox

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhooks/twilio"
WHATSAPP_PREFIX = "whatsapp:"
MEDIA_BUDGET = 8.0  # seconds spent fetching photos in one webhook request
WINDOW_ERRORS = frozenset(str(code) for code in WINDOW_CODES)
# Twilio's default opt-out and opt-in keywords on SMS long codes: Twilio answers these itself
# and blocks (or unblocks) the number at its end. CANCEL is an opt-out there, so on SMS it
# means STOP here too (on WhatsApp, where Twilio does no keyword handling, it cancels the
# report in progress). https://help.twilio.com/articles/223134027
SMS_OPT_OUT = frozenset(
    {"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "optout", "revoke"}
)
SMS_OPT_IN = frozenset({"start", "unstop"})


class BadPayload(ValueError):
    pass


def _float(value: str | None) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except ValueError:
        return None


def to_inbound(params: dict[str, str]) -> InboundMessage:
    """Convert Twilio's webhook parameters into the project's InboundMessage."""
    sender = params.get("From", "").strip()
    sid = (params.get("MessageSid") or params.get("SmsSid") or "").strip()
    if not sender or not sid:
        raise BadPayload("From and MessageSid are required")
    channel = "whatsapp" if sender.startswith(WHATSAPP_PREFIX) else "sms"
    body = params.get("Body", "")
    if channel == "sms" and opt_out_type(params) == "stop":
        # Twilio has opted the number out: the dialogue's STOP keeps a half-done report for
        # staff and silences the bot until START.
        return InboundMessage(
            channel=channel, address=sender, text="STOP", provider_message_id=sid, kind="command"
        )
    attachments: list[Attachment] = []
    try:
        media_count = max(0, min(int(params.get("NumMedia", "0") or 0), 10))
    except ValueError:
        media_count = 0
    for i in range(media_count):
        content_type = params.get(f"MediaContentType{i}")
        url = params.get(f"MediaUrl{i}")
        if url:
            kind = "photo" if (content_type or "").startswith("image/") else "media"
            attachments.append(Attachment(kind=kind, content_type=content_type, url=url))
    lat, lon = _float(params.get("Latitude")), _float(params.get("Longitude"))
    pin = None
    if lat is not None and lon is not None:
        pin = Pin(
            lat=lat,
            lon=lon,
            label=params.get("Label") or None,
            address=params.get("Address") or None,
        )
    if pin is not None:
        kind = "location"
    elif any(a.kind == "photo" for a in attachments):
        kind = "photo"
    elif attachments:
        kind = "media"
    else:
        kind = "text"
    return InboundMessage(
        channel=channel,
        address=sender,
        text=body,
        provider_message_id=sid,
        kind=kind,
        pin=pin,
        attachments=tuple(attachments),
    )


def opt_out_type(params: dict[str, str]) -> str | None:
    """ "stop" or "start" when Twilio handles this SMS as an opt-out / opt-in keyword.

    Twilio's Advanced Opt-Out names a (possibly custom) opt-out keyword in OptOutType;
    otherwise the default keywords apply. YES, also an opt-in word at Twilio, stays the
    dialogue's "yes": it confirms reports, and our answer to it must not be dropped.
    """
    if (params.get("OptOutType") or "").strip().lower() == "stop":
        return "stop"
    word = " ".join(params.get("Body", "").split()).lower().strip(".!")
    if word in SMS_OPT_OUT:
        return "stop"
    if word in SMS_OPT_IN:
        return "start"
    return None


def twiml(texts: tuple[str, ...], channel: str) -> str:
    response = MessagingResponse()
    for text in texts:
        if channel == "sms":
            for part in split_sms(to_gsm7(text)):
                response.message(part)
        else:
            response.message(without_control(text))
    return str(response)


def _signed(settings: Settings, request: Request, path: str, params: dict[str, str]) -> bool:
    if not settings.twilio_auth_token:
        return False
    url = settings.safercity_public_url + path
    if request.url.query:
        url += "?" + request.url.query
    signature = request.headers.get("X-Twilio-Signature", "")
    return bool(RequestValidator(settings.twilio_auth_token).validate(url, params, signature))


def _with_media(inbound: InboundMessage, settings: Settings) -> InboundMessage:
    """Fetch the photos Twilio holds (with the account's credentials) into the media dir.

    Twilio gives up on a webhook after 15 s: photos not fetched within MEDIA_BUDGET keep
    their URL (recorded with the message) instead of delaying the answer.
    """
    deadline = time.monotonic() + MEDIA_BUDGET
    attachments: list[Attachment] = []
    for attachment in inbound.attachments:
        if attachment.kind == "photo" and time.monotonic() < deadline:
            attachment = fetch_media(attachment, settings, inbound.channel)
        attachments.append(attachment)
    return replace(inbound, attachments=tuple(attachments))


def router(runtime: Runtime) -> APIRouter:
    api = APIRouter()
    settings = runtime.settings

    @api.post(WEBHOOK_PATH, include_in_schema=False)
    async def twilio_webhook(request: Request) -> Response:
        if not settings.twilio_auth_token:
            return Response("the Twilio channel is not configured", status_code=404)
        form = await request.form()
        params = {key: value for key, value in form.items() if isinstance(value, str)}
        url = settings.safercity_public_url + WEBHOOK_PATH
        if request.url.query:
            url += "?" + request.url.query
        signature = request.headers.get("X-Twilio-Signature", "")
        if not RequestValidator(settings.twilio_auth_token).validate(url, params, signature):
            log.warning("refused a Twilio webhook with a bad signature")
            return Response("invalid signature", status_code=403)
        try:
            inbound = to_inbound(params)
        except BadPayload as exc:
            return Response(str(exc), status_code=400)
        if inbound.attachments:
            inbound = await run_in_threadpool(_with_media, inbound, settings)
        reply = await run_in_threadpool(flood.receive, runtime, inbound)
        texts = reply.texts
        if inbound.channel == "sms" and opt_out_type(params) is not None:
            texts = ()  # Twilio answers STOP/START itself; a second answer would be noise
        return Response(twiml(texts, inbound.channel), media_type="application/xml")

    @api.post(STATUS_PATH, include_in_schema=False)
    async def twilio_status(request: Request) -> Response:
        """Delivery status callbacks for messages the outbox sent."""
        if not settings.twilio_auth_token:
            return Response("the Twilio channel is not configured", status_code=404)
        form = await request.form()
        params = {key: value for key, value in form.items() if isinstance(value, str)}
        if not _signed(settings, request, STATUS_PATH, params):
            log.warning("refused a Twilio status callback with a bad signature")
            return Response("invalid signature", status_code=403)
        sid = params.get("MessageSid") or params.get("SmsSid") or ""
        status = (params.get("MessageStatus") or params.get("SmsStatus") or "").lower()
        if not sid or not status:
            return Response("MessageSid and MessageStatus are required", status_code=400)
        await run_in_threadpool(
            _apply_status, runtime, sid, status, params.get("ErrorCode") or None
        )
        return Response(status_code=204)

    return api


def _apply_status(runtime: Runtime, sid: str, status: str, error_code: str | None) -> None:
    template = runtime.settings.twilio_whatsapp_template_sid
    with runtime.session_factory() as session:
        row = outbox.apply_status(
            session, provider_message_id=sid, status=status, error_code=error_code
        )
        if (
            row is not None
            and row.channel == "whatsapp"
            and row.status in {"failed", "undelivered"}
            and error_code in WINDOW_ERRORS
            and template
            and row.template_sid is None
        ):
            outbox.requeue_as_template(
                session,
                row,
                template_sid=template,
                reason=f"WhatsApp refused free text (error {error_code}): resent as template",
            )
        session.commit()
