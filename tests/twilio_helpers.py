"""Drive the Twilio webhook as Twilio does: recorded payloads, signed with the official library."""

from __future__ import annotations

import json
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient
from twilio.request_validator import RequestValidator

FIXTURES = Path(__file__).parent / "fixtures" / "twilio"
WEBHOOK = "/webhooks/twilio"


def load_payload(name: str, **overrides: str) -> dict[str, str]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    data.pop("_comment", None)
    data.update(overrides)
    return {k: str(v) for k, v in data.items()}


def new_sid() -> str:
    return "SM" + uuid.uuid4().hex


def sign(token: str, url: str, params: dict[str, str]) -> str:
    signature: str = RequestValidator(token).compute_signature(url, params)
    return signature


def post(
    client: TestClient,
    params: dict[str, str],
    *,
    token: str,
    public_url: str,
    signature: str | None = None,
) -> Any:
    header = signature if signature is not None else sign(token, public_url + WEBHOOK, params)
    return client.post(WEBHOOK, data=params, headers={"X-Twilio-Signature": header})


def twiml_messages(xml_text: str) -> list[str]:
    root = ET.fromstring(xml_text)
    assert root.tag == "Response"
    return [(m.text or "") for m in root.iter("Message")]
