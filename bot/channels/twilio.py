"""Twilio Messaging (SMS and WhatsApp): signature check, payload conversion, TwiML replies."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from actions.messages import Attachment, InboundMessage, Pin
from bot.channels.outbound_text import to_gsm7, without_control
from bot.runtime import Runtime

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhooks/twilio"
WHATSAPP_PREFIX = "whatsapp:"


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


def twiml(texts: tuple[str, ...], channel: str) -> str:
    response = MessagingResponse()
    for text in texts:
        response.message(to_gsm7(text) if channel == "sms" else without_control(text))
    return str(response)


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
        reply = await run_in_threadpool(runtime.service.receive, inbound)
        return Response(twiml(reply.texts, inbound.channel), media_type="application/xml")

    return api
