"""The queue: flagged conversations, most pressing first, filters and counts per reason."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from bot.staff.views import BELIZE
from tests.staff.conftest import days_ago


def references(html: str) -> list[str]:
    return re.findall(r'<b class="ref">([^<]+)</b>', html)


def count(html: str, reason: str) -> int:
    match = re.search(rf'data-reason="{reason}">(\d+)<', html)
    assert match is not None
    return int(match.group(1))


def test_urgent_comes_first_then_the_reasons_in_order(
    app_client: TestClient, as_role: Any, seed: Any
) -> None:
    seed(address="+5016100001", reference="BZ-ABUS", reasons=("abusive",), created_at=days_ago(0.1))
    seed(address="+5016100002", reference="BZ-DUPL", reasons=("possible_duplicate",))
    seed(address="+5016100003", reference="BZ-LOWC", reasons=("low_confidence",))
    seed(
        address="+5016100004",
        reference="BZ-URGT",
        reasons=("unresolved_location", "urgent"),
        created_at=days_ago(2),
    )
    seed(
        address="+5016100005",
        reference="BZ-SENS",
        reasons=("sensitive",),
        category="human_trafficking",
    )
    seed(address="+5016100006", reference="BZ-HAND", reasons=("handoff",))
    seed(address="+5016100007", reference="BZ-UNRS", reasons=("unresolved_location",))
    seed(address="+5016100008", reference="BZ-NONE", reasons=())  # not flagged
    as_role("reviewer")
    page = app_client.get("/staff/queue")
    assert references(page.text) == [
        "BZ-URGT",
        "BZ-SENS",
        "BZ-LOWC",
        "BZ-UNRS",
        "BZ-HAND",
        "BZ-DUPL",
        "BZ-ABUS",
    ]
    assert count(page.text, "urgent") == 1
    assert count(page.text, "unresolved_location") == 2
    assert count(page.text, "incomplete") == 0


def test_filters_by_reason_category_status_and_date(
    app_client: TestClient, as_role: Any, seed: Any
) -> None:
    seed(
        address="+5016200001",
        reference="BZ-LITE",
        reasons=("low_confidence",),
        category="street_lighting",
        status="new",
        created_at=days_ago(10),
    )
    seed(
        address="+5016200002",
        reference="BZ-ROAD",
        reasons=("low_confidence", "urgent"),
        category="road_safety",
        status="in_review",
    )
    seed(
        address="+5016200003",
        reference="BZ-VIOL",
        reasons=("sensitive",),
        category="violence",
        status="new",
    )
    as_role("analyst")
    by_reason = app_client.get("/staff/queue?reason=low_confidence").text
    assert sorted(references(by_reason)) == ["BZ-LITE", "BZ-ROAD"]
    by_category = app_client.get("/staff/queue?category=violence").text
    assert references(by_category) == ["BZ-VIOL"]
    assert count(by_category, "sensitive") == 1
    assert count(by_category, "low_confidence") == 0  # counts follow the other filters
    by_status = app_client.get("/staff/queue?status=in_review").text
    assert references(by_status) == ["BZ-ROAD"]
    # the filter's days are Belize days (UTC-6): pick them the way staff there would
    recent = days_ago(3).astimezone(BELIZE).date().isoformat()
    by_date = app_client.get(f"/staff/queue?from={recent}").text
    assert sorted(references(by_date)) == ["BZ-ROAD", "BZ-VIOL"]
    old = days_ago(10).astimezone(BELIZE).date().isoformat()
    by_old = app_client.get(f"/staff/queue?from={old}&to={old}").text
    assert references(by_old) == ["BZ-LITE"]
    # nonsense filters are ignored, never an error
    assert app_client.get("/staff/queue?reason=<b>&category=x&from=yesterday").status_code == 200


def test_closed_flags_leave_the_queue_but_can_be_shown(
    app_client: TestClient, as_role: Any, seed: Any
) -> None:
    seeded = seed(address="+5016300001", reference="BZ-DONE", reasons=("low_confidence",))
    token = as_role("reviewer")
    assert references(app_client.get("/staff/queue").text) == ["BZ-DONE"]
    response = app_client.post(
        f"/staff/conversations/{seeded.conversation_id}/close-flags", data={"csrf_token": token}
    )
    assert response.status_code == 303
    assert references(app_client.get("/staff/queue").text) == []
    assert "Nothing waiting here." in app_client.get("/staff/queue").text
    assert references(app_client.get("/staff/queue?show=all").text) == ["BZ-DONE"]


def test_a_flagged_conversation_without_a_report_is_listed(
    app_client: TestClient, as_role: Any, seed: Any
) -> None:
    seed(
        address="+5016400001",
        reference=None,
        reasons=("handoff",),
        texts=("I want to talk to a person please",),
    )
    as_role("reviewer")
    page = app_client.get("/staff/queue").text
    assert "No report yet" in page
    assert "I want to talk to a person please" in page


def test_the_queue_can_tell_when_something_new_is_flagged(
    app_client: TestClient, as_role: Any, seed: Any
) -> None:
    seed(address="+5016400002", reasons=("low_confidence",))
    as_role("reviewer")
    page = app_client.get("/staff/queue").text
    match = re.search(r'data-newest="(\d+)"', page)
    assert match is not None
    shown = int(match.group(1))
    latest = app_client.get("/staff/queue/latest").json()
    assert latest == {"newest_flag": shown, "urgent_open": False}
    seed(address="+5016400003", reasons=("urgent",))
    latest = app_client.get("/staff/queue/latest").json()
    assert latest["newest_flag"] > shown
    assert latest["urgent_open"] is True
