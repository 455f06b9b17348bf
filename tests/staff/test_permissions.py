"""Every route against every role: reviewers review, supervisors also manage users and read
the audit log, analysts only read and export. Forms need the session's CSRF token."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.runtime import Runtime
from storage.models import AuditEntry, OutboxMessage, Report, StaffUser

ALLOWED_GET: dict[str, set[str]] = {
    "/staff/queue": {"reviewer", "supervisor", "analyst"},
    "/staff/conversations/{cid}": {"reviewer", "supervisor", "analyst"},
    "/staff/places?q=market": {"reviewer", "supervisor", "analyst"},
    "/staff/districts.geojson": {"reviewer", "supervisor", "analyst"},
    "/staff/export": {"supervisor", "analyst"},
    "/staff/export/reports.csv": {"supervisor", "analyst"},
    "/staff/audit": {"supervisor"},
    "/staff/users": {"supervisor"},
}


@pytest.mark.parametrize("role", ["reviewer", "supervisor", "analyst"])
def test_each_role_sees_only_its_pages(
    app_client: TestClient, as_role: Any, seed: Any, role: str
) -> None:
    seeded = seed(address="+5016000001", reasons=("urgent",))
    as_role(role)
    for path, roles in ALLOWED_GET.items():
        response = app_client.get(path.format(cid=seeded.conversation_id))
        expected = 200 if role in roles else 403
        assert response.status_code == expected, (role, path, response.status_code)
        if expected == 403:
            assert "Your role does not allow" in response.text


@pytest.mark.parametrize("role", ["reviewer", "supervisor", "analyst"])
def test_only_reviewers_and_supervisors_change_reports(
    app_client: TestClient, as_role: Any, seed: Any, staff_runtime: Runtime, role: str
) -> None:
    seeded = seed(address="+5016000002")
    token = as_role(role)
    rid, cid = seeded.report_id, seeded.conversation_id
    posts = {
        f"/staff/reports/{rid}/edit": {"version": "1", "category": "violence", "urgent": "1"},
        f"/staff/reports/{rid}/note": {"note": "called the reporter"},
        f"/staff/conversations/{cid}/reply": {"text": "We are on it."},
        f"/staff/conversations/{cid}/close-flags": {},
    }
    for path, data in posts.items():
        response = app_client.post(path, data={**data, "csrf_token": token})
        if role == "analyst":
            assert response.status_code == 403, path
        else:
            assert response.status_code == 303, (path, response.text)
    with staff_runtime.session_factory() as session:
        report = session.get(Report, rid)
        assert report is not None
        outbox = list(session.scalars(select(OutboxMessage)))
        if role == "analyst":
            assert report.category == "street_lighting"
            assert outbox == []
        else:
            assert report.category == "violence"
            assert [o.created_by for o in outbox] == [role]


@pytest.mark.parametrize("role", ["reviewer", "analyst"])
def test_a_non_supervisor_cannot_create_users(
    app_client: TestClient, as_role: Any, staff_runtime: Runtime, role: str
) -> None:
    token = as_role(role)
    response = app_client.post(
        "/staff/users",
        data={
            "csrf_token": token,
            "username": "mallory",
            "role": "supervisor",
            "password": "a long enough password",
        },
    )
    assert response.status_code == 403
    with staff_runtime.session_factory() as session:
        assert session.scalar(select(StaffUser).where(StaffUser.username == "mallory")) is None


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_forms_without_the_right_csrf_token_change_nothing(
    app_client: TestClient, as_role: Any, seed: Any, staff_runtime: Runtime, token: str | None
) -> None:
    seeded = seed(address="+5016000003")
    as_role("reviewer")
    data = {"version": "1", "category": "violence"}
    if token is not None:
        data["csrf_token"] = token
    response = app_client.post(f"/staff/reports/{seeded.report_id}/edit", data=data)
    assert response.status_code == 403
    assert "did not come from this site" in response.text
    reply = app_client.post(
        f"/staff/conversations/{seeded.conversation_id}/reply",
        data={"text": "hi", **({"csrf_token": token} if token is not None else {})},
    )
    assert reply.status_code == 403
    with staff_runtime.session_factory() as session:
        report = session.get(Report, seeded.report_id)
        assert report is not None and report.category == "street_lighting"
        assert list(session.scalars(select(OutboxMessage))) == []
        assert [
            a for a in session.scalars(select(AuditEntry.action)) if a.startswith("report")
        ] == []


def test_another_sessions_token_is_not_accepted(
    app_client: TestClient, as_role: Any, seed: Any, staff_runtime: Runtime
) -> None:
    seeded = seed(address="+5016000004")
    supervisor_token = as_role("supervisor")
    as_role("reviewer")
    response = app_client.post(
        f"/staff/reports/{seeded.report_id}/edit",
        data={"version": "1", "category": "violence", "csrf_token": supervisor_token},
    )
    assert response.status_code == 403
