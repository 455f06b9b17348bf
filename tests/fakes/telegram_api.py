"""A local stand-in for the Telegram Bot API: `{root}/bot{token}/{method}` and
`{root}/file/bot{token}/{path}`. It records every call; `down` makes it answer 502 (an
outage), `blocked` lists chat ids whose user blocked the bot (403 on sendMessage)."""

from __future__ import annotations

import itertools
import time
from typing import Any

from tests.fakes.server import FakeRequest, FakeResponse, FakeServer

BOT_USER = {
    "id": 7000000001,
    "is_bot": True,
    "first_name": "SaferCity",
    "username": "SaferCityTestBot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
# A tiny but real JPEG (1x1 pixel) served as every downloaded photo.
JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b0b0c"
    "1912130f141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e333432ffc0"
    "000b080001000101011100ffc4001f0000010501010101010100000000000000000102030405060708090a0bff"
    "c400b5100002010303020403050504040000017d01020300041105122131410613516107227114328191a10823"
    "42b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748494a5354555657"
    "58595a636465666768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aa"
    "b2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8"
    "f9faffda0008010100003f00fbd3ffd9"
)


class FakeTelegramApi(FakeServer):
    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token
        self.down = False
        self.blocked: set[int] = set()
        self.webhook: dict[str, Any] | None = None
        self.delivered: list[dict[str, Any]] = []  # sendMessage calls answered ok
        self.pending: list[dict[str, Any]] = []  # updates getUpdates hands out (polling)
        self._ids = itertools.count(100)

    # ------------------------------------------------------------ recorded
    def calls(self, method: str) -> list[dict[str, Any]]:
        prefix = f"/bot{self.token}/{method}"
        with self.lock:
            return [r.params for r in self.requests if r.path == prefix]

    def sent_texts(self, chat_id: int | None = None) -> list[str]:
        """Texts the Bot API accepted (not the attempts it refused while down)."""
        with self.lock:
            return [
                str(c["text"])
                for c in self.delivered
                if chat_id is None or int(c["chat_id"]) == chat_id
            ]

    def downloads(self) -> list[str]:
        with self.lock:
            return [r.path for r in self.requests if r.path.startswith("/file/")]

    # ------------------------------------------------------------ answers
    def handle(self, request: FakeRequest) -> FakeResponse:
        if self.down:
            return FakeResponse(502, b"<html>502 Bad Gateway</html>", {"Content-Type": "text/html"})
        if request.path.startswith(f"/file/bot{self.token}/"):
            return FakeResponse(200, JPEG, {"Content-Type": "image/jpeg"})
        prefix = f"/bot{self.token}/"
        if not request.path.startswith(prefix):
            return FakeResponse.json(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, 401
            )
        method = request.path[len(prefix) :]
        params = request.params
        if method == "getMe":
            return self.ok(BOT_USER)
        if method == "sendMessage":
            chat_id = int(params["chat_id"])
            if chat_id in self.blocked:
                return FakeResponse.json(
                    {
                        "ok": False,
                        "error_code": 403,
                        "description": "Forbidden: bot was blocked by the user",
                    },
                    403,
                )
            with self.lock:
                self.delivered.append(dict(params))
            return self.ok(
                {
                    "message_id": next(self._ids),
                    "date": int(time.time()),
                    "chat": {"id": chat_id, "type": "private"},
                    "from": BOT_USER,
                    "text": params.get("text", ""),
                }
            )
        if method == "getFile":
            file_id = str(params["file_id"])
            return self.ok(
                {
                    "file_id": file_id,
                    "file_unique_id": "u" + file_id[-8:],
                    "file_size": len(JPEG),
                    "file_path": f"photos/{file_id[-12:]}.jpg",
                }
            )
        if method == "getUpdates":
            offset = int(params.get("offset") or 0)
            with self.lock:
                self.pending = [u for u in self.pending if u["update_id"] >= offset]
                ready = list(self.pending)
            if not ready:  # long polling: hold the request a little, then answer empty
                time.sleep(min(float(params.get("timeout") or 0), 0.1))
            return self.ok(ready)
        if method == "setWebhook":
            self.webhook = dict(params)
            return self.ok(True)
        if method in {"deleteWebhook", "close", "logOut"}:
            return self.ok(True)
        return FakeResponse.json(
            {"ok": False, "error_code": 404, "description": "Not Found: method not found"}, 404
        )

    @staticmethod
    def ok(result: Any) -> FakeResponse:
        return FakeResponse.json({"ok": True, "result": result})
