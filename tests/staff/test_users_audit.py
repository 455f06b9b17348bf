"""Supervisors manage users and read the audit log of every staff action."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.runtime import Runtime
from storage.models import AuditEntry, StaffUser
from tests.staff.conftest import csrf_of, login


def test_supervisor_creates_a_user_who_can_then_log_in(
    app_client: TestClient, as_role: Any, staff_runtime: Runtime
) -> None:
    token = as_role("supervisor")
    response = app_client.post(
        "/staff/users",
        data={
            "csrf_token": token,
            "username": "maria.chan",
            "role": "reviewer",
            "password": "a long enough password",
        },
    )
    assert response.status_code == 303
    page = app_client.get(response.headers["location"]).text
    assert "User created." in page and "maria.chan" in page
    app_client.cookies.clear()
    assert login(app_client, "maria.chan", "a long enough password").status_code == 303
    with staff_runtime.session_factory() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "user.create")).one()
        assert entry.actor == "supervisor" and entry.target_id == "maria.chan"
        assert entry.after == {"username": "maria.chan", "role": "reviewer", "active": True}
        assert "password" not in str(entry.after)


def test_bad_user_input_is_refused(app_client: TestClient, as_role: Any) -> None:
    token = as_role("supervisor")
    cases = {
        "at least 10 characters": {"username": "short.pw", "role": "reviewer", "password": "abc"},
        "username is taken": {
            "username": "reviewer",
            "role": "analyst",
            "password": "a long enough password",
        },
        "Choose a role": {
            "username": "noroleuser",
            "role": "admin",
            "password": "a long enough password",
        },
        "letters, digits": {
            "username": "<script>",
            "role": "reviewer",
            "password": "a long enough password",
        },
    }
    for message, data in cases.items():
        response = app_client.post("/staff/users", data={"csrf_token": token, **data})
        assert response.status_code == 422, message
        assert message in response.text
        assert "<script>" not in response.text.split("<main>", 1)[1]


def test_supervisor_changes_role_unlocks_and_cannot_demote_themself(
    app_client: TestClient, as_role: Any, users: dict[str, int], staff_runtime: Runtime
) -> None:
    token = as_role("supervisor")
    response = app_client.post(
        f"/staff/users/{users['analyst']}",
        data={"csrf_token": token, "role": "reviewer", "active": "1"},
    )
    assert response.status_code == 303
    own = app_client.post(
        f"/staff/users/{users['supervisor']}",
        data={"csrf_token": token, "role": "analyst", "active": "1"},
    )
    assert own.status_code == 422 and "cannot change your own role" in own.text
    with staff_runtime.session_factory() as session:
        analyst = session.get(StaffUser, users["analyst"])
        supervisor = session.get(StaffUser, users["supervisor"])
        assert analyst is not None and analyst.role == "reviewer"
        assert supervisor is not None and supervisor.role == "supervisor"
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "user.update")).one()
        assert (entry.before, entry.after) == ({"role": "analyst"}, {"role": "reviewer"})


def test_the_audit_log_shows_who_did_what_before_and_after(
    app_client: TestClient, as_role: Any, seed: Any
) -> None:
    seeded = seed(address="+5016700001", reference="BZ-AUDT")
    reviewer_token = as_role("reviewer")
    page = app_client.get(f"/staff/conversations/{seeded.conversation_id}").text
    assert (
        app_client.post(
            f"/staff/reports/{seeded.report_id}/status",
            data={
                "csrf_token": reviewer_token,
                "version": "1",
                "status": "referred",
                "note": "sent to the police <now>",
            },
        ).status_code
        == 303
    )
    assert csrf_of(page)
    as_role("supervisor")
    audit = app_client.get("/staff/audit")
    assert audit.status_code == 200
    row = audit.text.split("<code>report.status</code>", 1)
    assert len(row) == 2, "the status change is in the audit log"
    cells = row[0].rsplit("<tr>", 1)[1] + row[1].split("</tr>", 1)[0]
    assert "reviewer" in cells
    assert "status: new" in cells and "status: referred" in cells
    assert "sent to the police &lt;now&gt;" in cells
    only_reviewer = app_client.get("/staff/audit?actor=reviewer&action=report.status").text
    assert only_reviewer.count("<code>report.status</code>") == 1
    assert "<code>login</code>" not in only_reviewer
    logins = app_client.get("/staff/audit?action=login").text
    assert logins.count("<code>login</code>") >= 2


def test_exports_are_audited_and_hold_no_phone_numbers(
    app_client: TestClient, as_role: Any, seed: Any, staff_runtime: Runtime
) -> None:
    seed(address="+5016700002", reference="BZ-EXPT")
    as_role("analyst")
    response = app_client.get("/staff/export/reports.csv")
    assert response.status_code == 200
    assert "BZ-EXPT" in response.text
    assert "+5016700002" not in response.text
    assert "attachment" in response.headers["content-disposition"]
    assert app_client.get("/staff/export/reports.exe").status_code == 404
    with staff_runtime.session_factory() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).one()
        assert entry.actor == "analyst" and entry.after == {"format": "csv", "count": 1}


def test_reading_a_sensitive_conversation_is_on_record_once_per_visit(
    app_client: TestClient, as_role: Any, seed: Any, staff_runtime: Runtime
) -> None:
    sensitive = seed(address="+5016700003", category="human_trafficking", reasons=("sensitive",))
    ordinary = seed(address="+5016700004", category="street_lighting")
    as_role("analyst")
    for _ in range(3):
        assert (
            app_client.get(f"/staff/conversations/{sensitive.conversation_id}").status_code == 200
        )
    assert app_client.get(f"/staff/conversations/{ordinary.conversation_id}").status_code == 200
    with staff_runtime.session_factory() as session:
        views = list(
            session.scalars(select(AuditEntry).where(AuditEntry.action == "conversation.view"))
        )
        assert [(v.actor, v.target_id) for v in views] == [
            ("analyst", str(sensitive.conversation_id))
        ]
