"""Pseudonyms and encryption at rest for reporters' contact addresses."""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def _derive(secret: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(
        secret.encode("utf-8")
    )


def reporter_key(secret: str, channel: str, address: str) -> str:
    """The pseudonymous reporter key: a keyed hash of channel + address, 24 hex digits."""
    mac = hmac.new(_derive(secret, b"safercity reporter key"), digestmod=hashlib.sha256)
    mac.update(f"{channel}:{address}".encode())
    return mac.hexdigest()[:24]


class ContactCipher:
    """Encrypts the addresses needed to reply (phone numbers, chat ids) at rest."""

    def __init__(self, secret: str) -> None:
        key = base64.urlsafe_b64encode(_derive(secret, b"safercity contact encryption"))
        self._fernet = Fernet(key)

    def encrypt(self, address: str) -> str:
        return self._fernet.encrypt(address.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str | None:
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, ValueError):
            return None
