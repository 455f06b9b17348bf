"""A local stand-in for Twilio's REST API (Messages, and the Media URLs of inbound MMS).

Checks HTTP basic auth with the account's SID and token; records every message the bot
creates; `down` makes it answer 503 (an outage); `opted_out` lists numbers Twilio refuses
(error 21610, as after STOP). Media answers with a redirect to a public bucket URL, as
Twilio does, so the fetch must follow it.
"""

from __future__ import annotations

import base64
import itertools
from typing import Any

from tests.fakes.server import FakeRequest, FakeResponse, FakeServer
from tests.fakes.telegram_api import JPEG


class FakeBucket(FakeServer):
    """Where Twilio's media URLs redirect to: another origin, which must get no credentials."""

    def handle(self, request: FakeRequest) -> FakeResponse:
        if "authorization" in request.headers:
            return FakeResponse(400, b"credentials leaked to the bucket")
        return FakeResponse(200, JPEG, {"Content-Type": "image/jpeg"})


class FakeTwilioApi(FakeServer):
    def __init__(self, account_sid: str, auth_token: str) -> None:
        super().__init__()
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.down = False
        self.opted_out: set[str] = set()
        self._ids = itertools.count(1)
        self.bucket = FakeBucket()
        self.accepted: list[dict[str, Any]] = []

    def start(self) -> FakeTwilioApi:
        self.bucket.start()
        super().start()
        return self

    def stop(self) -> None:
        super().stop()
        self.bucket.stop()

    @property
    def messages_path(self) -> str:
        return f"/2010-04-01/Accounts/{self.account_sid}/Messages.json"

    def media_url(self, message_sid: str, media_sid: str) -> str:
        """The URL Twilio puts in MediaUrl0 (on api.twilio.com)."""
        return (
            f"https://api.twilio.com/2010-04-01/Accounts/{self.account_sid}"
            f"/Messages/{message_sid}/Media/{media_sid}"
        )

    def created(self) -> list[dict[str, Any]]:
        """Messages Twilio accepted (not the attempts it refused)."""
        with self.lock:
            return list(self.accepted)

    def attempts(self) -> int:
        with self.lock:
            return sum(
                1 for r in self.requests if r.method == "POST" and r.path == self.messages_path
            )

    def media_fetches(self) -> list[FakeRequest]:
        """Requests for media: at Twilio, then at the bucket it redirects to."""
        with self.lock:
            ours = [r for r in self.requests if "/Media/" in r.path]
        with self.bucket.lock:
            return ours + list(self.bucket.requests)

    def _authorised(self, request: FakeRequest) -> bool:
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return request.headers.get("authorization") == f"Basic {expected}"

    def handle(self, request: FakeRequest) -> FakeResponse:
        if self.down:
            return FakeResponse.json(
                {"code": 20500, "message": "Internal error", "status": 503}, 503
            )
        if not self._authorised(request):
            return FakeResponse.json({"code": 20003, "message": "Authenticate", "status": 401}, 401)
        if "/Media/" in request.path:
            media_sid = request.path.rsplit("/", 1)[1]
            return FakeResponse(307, b"", {"Location": f"{self.bucket.url}/b/{media_sid}.jpg"})
        if request.method == "POST" and request.path == self.messages_path:
            params = request.params
            to = str(params.get("To", ""))
            if to.removeprefix("whatsapp:") in self.opted_out:
                return FakeResponse.json(
                    {
                        "code": 21610,
                        "message": "Attempt to send to unsubscribed recipient",
                        "status": 400,
                    },
                    400,
                )
            sid = f"SM{next(self._ids):032x}"
            with self.lock:
                self.accepted.append(dict(params))
            return FakeResponse.json(
                {
                    "sid": sid,
                    "account_sid": self.account_sid,
                    "to": to,
                    "from": params.get("From"),
                    "body": params.get("Body"),
                    "status": "queued",
                    "num_segments": "1",
                    "direction": "outbound-api",
                    "api_version": "2010-04-01",
                    "date_created": "Sun, 22 Nov 2026 06:00:00 +0000",
                    "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json",
                },
                201,
            )
        return FakeResponse.json({"code": 20404, "message": "Not found", "status": 404}, 404)
