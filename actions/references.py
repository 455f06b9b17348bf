"""Report references such as BZ-7K3Q: short, easy to read aloud, no 0/O/1/I."""

from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LENGTH = 4
_PATTERN = re.compile(rf"^bz[\s-]*([{ALPHABET.lower()}]{{{LENGTH}}})$")


def new_reference() -> str:
    return "BZ-" + "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise_reference(text: str) -> str | None:
    """'bz 7k3q', 'BZ7K3Q', 'Bz-7k3q' -> 'BZ-7K3Q'; None if it is not a reference."""
    compact = text.strip().lower()
    match = _PATTERN.match(compact)
    if match is None:
        return None
    return "BZ-" + match.group(1).upper()


__all__ = ["ALPHABET", "new_reference", "normalise_reference"]
