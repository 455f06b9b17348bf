"""Splitting an SMS reply that does not fit one segment into parts that each do.

Each part is one GSM-7 segment (160 characters, extension characters such as `€` or `[`
count twice), cut after a sentence where one ends late enough, otherwise between words,
and only mid-word when a single word is longer than a segment.
"""

from __future__ import annotations

import re

from bot.channels.outbound_text import SEGMENT, gsm7_length, is_gsm7

UCS2_SEGMENT = 70  # a part with a character outside GSM-7 is sent as UCS-2
_SENTENCE_END = re.compile(r"[.!?;](?=\s)")
_MIN_SENTENCE_FILL = 0.4  # a sentence break is used if it fills 40% of the segment


def _fits(text: str, limit: int, gsm: bool) -> bool:
    return (gsm7_length(text) if gsm else len(text)) <= limit


def _longest_prefix(text: str, limit: int, gsm: bool) -> int:
    """The number of leading characters that fit in one segment."""
    used = 0
    for index, ch in enumerate(text):
        used += (2 if gsm7_length(ch) == 2 else 1) if gsm else 1
        if used > limit:
            return index
    return len(text)


def split_sms(text: str) -> list[str]:
    """`text` as one or more parts of one segment each (an empty text gives no parts)."""
    text = text.strip()
    if not text:
        return []
    gsm = is_gsm7(text)
    limit = SEGMENT if gsm else UCS2_SEGMENT
    parts: list[str] = []
    while not _fits(text, limit, gsm):
        room = _longest_prefix(text, limit, gsm)
        window = text[: room + 1]  # +1: a space right after the limit is a fine cut too
        cut = 0
        ends = [m.end() for m in _SENTENCE_END.finditer(window) if m.end() <= room]
        if ends and ends[-1] >= limit * _MIN_SENTENCE_FILL:
            cut = ends[-1]
        else:
            space = max(window.rfind(" "), window.rfind("\n"))
            cut = space if space > 0 else room
        part = text[:cut].rstrip()
        if not part:  # only whitespace before the cut: cut hard instead
            part, cut = text[:room], room
        parts.append(part)
        text = text[cut:].lstrip()
    if text:
        parts.append(text)
    return parts
