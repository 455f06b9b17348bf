"""Presentation helpers for the staff pages: labels, times, the Jinja2 environment."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from nlu.categories import CATEGORY_CODES, SENSITIVE_CODES
from storage.staff import REASON_ORDER

# Belize keeps UTC-6 all year (no daylight saving time).
BELIZE = timezone(timedelta(hours=-6), "Belize")

REASON_LABELS: dict[str, str] = {
    "urgent": "Urgent",
    "sensitive": "Sensitive",
    "low_confidence": "Low confidence",
    "unresolved_location": "Unresolved place",
    "handoff": "Asked for a person",
    "possible_duplicate": "Possible duplicate",
    "abusive": "Abusive",
    "incomplete": "Incomplete",
}

STATUS_LABELS: dict[str, str] = {
    "new": "New",
    "in_review": "In review",
    "verified": "Verified",
    "referred": "Referred to an agency",
    "resolved": "Resolved",
    "rejected": "Rejected",
    "duplicate": "Duplicate",
    "incomplete": "Incomplete",
}
# Statuses staff can set (incomplete is the bot's, for abandoned conversations).
SETTABLE_STATUSES = (
    "new",
    "in_review",
    "verified",
    "referred",
    "resolved",
    "rejected",
    "duplicate",
)
# Reaching one of these closes the conversation's open flags: a human has decided.
DECIDED_STATUSES = frozenset({"verified", "referred", "resolved", "rejected", "duplicate"})

CHANNEL_LABELS = {
    "sms": "SMS",
    "whatsapp": "WhatsApp",
    "telegram": "Telegram",
    "console": "Console",
}

# Messages shown after a redirect, chosen by code (never text from the URL).
NOTICES: dict[str, str] = {
    "saved": "Report saved.",
    "unchanged": "Nothing changed.",
    "status": "Status changed.",
    "note": "Note added.",
    "replied": "Reply queued: it goes out on the citizen's channel.",
    "flags": "Flags closed.",
    "user_created": "User created.",
    "user_saved": "User saved.",
    "logged_out": "You are logged out.",
    "expired": "Your session has ended: please log in again.",
}


def category_label(code: str | None) -> str:
    if not code:
        return "(none)"
    return code.replace("_", " ").capitalize()


def belize_time(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(BELIZE).strftime("%Y-%m-%d %H:%M")


def parse_day(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip()) if value.strip() else None
    except ValueError:
        return None


def day_start(day: date) -> datetime:
    """Midnight in Belize, as an aware UTC datetime."""
    return datetime(day.year, day.month, day.day, tzinfo=BELIZE).astimezone(UTC)


def json_short(value: dict[str, Any] | None) -> str:
    if not value:
        return ""
    parts = []
    for key, item in value.items():
        parts.append(f"{key}: {item if item is not None else '-'}")
    return "; ".join(parts)


def make_environment() -> Environment:
    env = Environment(
        loader=PackageLoader("bot.staff", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["category"] = category_label
    env.filters["btime"] = belize_time
    env.filters["json_short"] = json_short
    env.globals.update(
        REASON_LABELS=REASON_LABELS,
        REASON_ORDER=REASON_ORDER,
        STATUS_LABELS=STATUS_LABELS,
        SETTABLE_STATUSES=SETTABLE_STATUSES,
        CATEGORY_CODES=CATEGORY_CODES,
        SENSITIVE_CODES=SENSITIVE_CODES,
        CHANNEL_LABELS=CHANNEL_LABELS,
    )
    return env
