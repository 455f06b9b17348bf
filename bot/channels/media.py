"""Keeping photos citizens send: content-addressed files under SAFERCITY_MEDIA_DIR."""

from __future__ import annotations

import hashlib
import mimetypes
from pathlib import Path

from bot.settings import Settings


def store_media(data: bytes, settings: Settings, *, channel: str, content_type: str | None) -> str:
    """Keep `data` under SAFERCITY_MEDIA_DIR/<channel>/<sha256><ext>; returns the relative
    path. Content-addressed: the same photo sent twice is kept once."""
    extension = ""
    if content_type:
        extension = mimetypes.guess_extension(content_type.split(";")[0].strip()) or ""
    name = hashlib.sha256(data).hexdigest()[:40] + extension
    relative = Path(channel) / name
    target = Path(settings.safercity_media_dir) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        partial = target.with_suffix(target.suffix + ".part")
        partial.write_bytes(data)
        partial.replace(target)
    return relative.as_posix()
