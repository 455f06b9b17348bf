"""Twilio's REST side: sending messages the service starts, and fetching inbound media.

Sending uses the official `twilio.rest.Client`; its HTTP client is rebased onto
TWILIO_API_BASE_URL, so a test (or a regional proxy) can stand in for api.twilio.com.
WhatsApp's 24-hour session window is respected: outside it, the approved template
TWILIO_WHATSAPP_TEMPLATE_SID is sent (content SID, the text as variable "1").
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

import httpx
import requests
from starlette.concurrency import run_in_threadpool
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response as TwilioResponse
from twilio.rest import Client

from actions.messages import Attachment
from bot.channels.media import store_media
from bot.channels.outbound_text import to_gsm7, without_control
from bot.channels.sending import PermanentFailure, Recipient, Sent, TemporaryFailure
from bot.settings import Settings
from storage.types import utcnow

log = logging.getLogger(__name__)

TWILIO_ROOT = "https://api.twilio.com"
STATUS_PATH = "/webhooks/twilio/status"
WHATSAPP_PREFIX = "whatsapp:"
WHATSAPP_WINDOW = timedelta(hours=24)
MAX_MEDIA_BYTES = 10 * 1024 * 1024
MEDIA_TIMEOUT = 5.0
# Twilio error codes that mean "this person cannot get messages from us": stop trying.
OPTED_OUT_CODES = frozenset({21610})
# Outside the WhatsApp session window (free text refused).
WINDOW_CODES = frozenset({63016})


def rebase(url: str, base_url: str) -> str:
    """Point a Twilio URL at TWILIO_API_BASE_URL (unchanged when it is api.twilio.com)."""
    if base_url != TWILIO_ROOT and url.startswith(TWILIO_ROOT + "/"):
        return base_url + url[len(TWILIO_ROOT) :]
    return url


class RebasedHttpClient(TwilioHttpClient):  # type: ignore[misc]
    """The official HTTP client, with every api.twilio.com URL moved to `base_url`."""

    def __init__(self, base_url: str, timeout: float = 15.0) -> None:
        super().__init__(timeout=timeout)
        self.base_url = base_url

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> TwilioResponse:
        response: TwilioResponse = super().request(
            method, rebase(url, self.base_url), *args, **kwargs
        )
        return response


def make_client(settings: Settings) -> Client:
    if not (settings.twilio_account_sid and settings.twilio_auth_token):
        raise RuntimeError("TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are needed to send")
    return Client(
        settings.twilio_account_sid,
        settings.twilio_auth_token,
        http_client=RebasedHttpClient(settings.twilio_api_base_url),
    )


def outside_window(recipient: Recipient) -> bool:
    last = recipient.last_inbound_at
    return last is None or utcnow() - last >= WHATSAPP_WINDOW


class TwilioSender:
    """Sends SMS and WhatsApp messages through the REST API (blocking calls in a thread)."""

    channels = frozenset({"sms", "whatsapp"})

    def __init__(self, settings: Settings, client: Client | None = None) -> None:
        self.settings = settings
        self._client = client

    @property
    def client(self) -> Client:
        if self._client is None:
            self._client = make_client(self.settings)
        return self._client

    def _params(self, recipient: Recipient, text: str) -> tuple[dict[str, Any], Sent]:
        settings = self.settings
        params: dict[str, Any] = {
            "status_callback": settings.safercity_public_url + STATUS_PATH,
        }
        if recipient.channel == "sms":
            if not settings.twilio_sms_from:
                raise PermanentFailure("TWILIO_SMS_FROM is not set: cannot start an SMS")
            params.update(to=recipient.address, from_=settings.twilio_sms_from)
            params["body"] = to_gsm7(text)
            return params, Sent(provider_message_id=None)
        if not settings.twilio_whatsapp_from:
            raise PermanentFailure("TWILIO_WHATSAPP_FROM is not set: cannot start a WhatsApp")
        sender = settings.twilio_whatsapp_from
        if not sender.startswith(WHATSAPP_PREFIX):
            sender = WHATSAPP_PREFIX + sender
        to = recipient.address
        if not to.startswith(WHATSAPP_PREFIX):
            to = WHATSAPP_PREFIX + to
        params.update(to=to, from_=sender)
        if recipient.template_sid or outside_window(recipient):
            template = recipient.template_sid or settings.twilio_whatsapp_template_sid
            if not template:
                raise PermanentFailure(
                    "outside WhatsApp's 24-hour window and TWILIO_WHATSAPP_TEMPLATE_SID is unset"
                )
            variables = {"1": without_control(text)}
            params.update(content_sid=template, content_variables=json.dumps(variables))
            return params, Sent(None, template_sid=template, template_variables=variables)
        params["body"] = without_control(text)
        return params, Sent(provider_message_id=None)

    def _create(self, params: dict[str, Any]) -> str:
        try:
            message = self.client.messages.create(**params)
        except TwilioRestException as exc:
            code = int(exc.code) if isinstance(exc.code, int) else None
            detail = f"Twilio {exc.status}" + (f" error {code}" if code is not None else "")
            if code in OPTED_OUT_CODES:
                raise PermanentFailure(detail + ": the person opted out", opted_out=True) from exc
            if exc.status == 429 or exc.status >= 500:
                raise TemporaryFailure(detail) from exc
            raise PermanentFailure(detail) from exc
        except requests.RequestException as exc:
            raise TemporaryFailure(f"Twilio unreachable: {type(exc).__name__}") from exc
        return str(message.sid)

    async def send(self, recipient: Recipient, text: str) -> Sent:
        params, sent = self._params(recipient, text)
        sid = await run_in_threadpool(self._create, params)
        return Sent(sid, sent.template_sid, sent.template_variables)

    async def close(self) -> None:
        return None


# ------------------------------------------------------------------ media
def _trusted(url: str, settings: Settings) -> bool:
    return url.startswith(TWILIO_ROOT + "/") or url.startswith(settings.twilio_api_base_url + "/")


def fetch_media(attachment: Attachment, settings: Settings, channel: str) -> Attachment:
    """Download a Twilio media URL with the account's credentials into the media directory.

    Returns the attachment with `stored_path` (relative to SAFERCITY_MEDIA_DIR) set, or
    unchanged when it cannot be fetched now (the URL stays recorded with the message).
    """
    url = attachment.url
    if not url or not _trusted(url, settings):
        return attachment
    if not (settings.twilio_account_sid and settings.twilio_auth_token):
        return attachment
    auth = (settings.twilio_account_sid, settings.twilio_auth_token)
    try:
        with (
            httpx.Client(timeout=MEDIA_TIMEOUT, follow_redirects=True) as client,
            client.stream("GET", rebase(url, settings.twilio_api_base_url), auth=auth) as reply,
        ):
            if reply.status_code != 200:
                log.warning("media fetch refused: HTTP %s", reply.status_code)
                return attachment
            chunks: list[bytes] = []
            size = 0
            for chunk in reply.iter_bytes():
                size += len(chunk)
                if size > MAX_MEDIA_BYTES:
                    log.warning("media larger than %d bytes not kept", MAX_MEDIA_BYTES)
                    return attachment
                chunks.append(chunk)
            content_type = attachment.content_type or reply.headers.get("content-type")
    except httpx.HTTPError as exc:
        log.warning("media fetch failed: %s", type(exc).__name__)
        return attachment
    stored = store_media(b"".join(chunks), settings, channel=channel, content_type=content_type)
    return Attachment(
        kind=attachment.kind,
        content_type=content_type,
        url=attachment.url,
        file_id=attachment.file_id,
        stored_path=stored,
    )
