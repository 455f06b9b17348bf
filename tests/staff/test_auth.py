"""Logging in and out: hashed passwords, lockout, sessions, cookies and CSRF on the login."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.app import create_app
from bot.runtime import Runtime, build_runtime
from bot.staff import auth
from nlu.keyword_engine import KeywordEngine
from storage import staff as store
from storage.models import AuditEntry, StaffSession, StaffUser
from storage.types import utcnow
from tests.staff.conftest import PASSWORD, csrf_of, login, login_token, staff_settings


def test_passwords_are_stored_as_argon2_hashes(
    staff_runtime: Runtime, users: dict[str, int]
) -> None:
    with staff_runtime.session_factory() as session:
        user = session.get(StaffUser, users["reviewer"])
        assert user is not None
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash


def test_login_opens_a_session_with_a_safe_cookie(
    app_client: TestClient, users: dict[str, int], staff_runtime: Runtime
) -> None:
    response = login(app_client, "reviewer")
    assert response.status_code == 303
    assert response.headers["location"] == "/staff/queue"
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith(auth.COOKIE_NAME)
    )
    lowered = cookie.lower()
    assert "httponly" in lowered
    assert "samesite=lax" in lowered
    assert "secure" in lowered  # the public URL is https
    token = cookie.split(";", 1)[0].split("=", 1)[1]
    with staff_runtime.session_factory() as session:
        rows = list(session.scalars(select(StaffSession)))
        assert len(rows) == 1
        assert rows[0].token_hash == auth.token_hash(token)  # only the hash is stored
        assert token not in rows[0].token_hash
    page = app_client.get("/staff/queue")
    assert page.status_code == 200
    assert "Flagged conversations" in page.text


def test_cookie_is_not_secure_when_the_public_url_is_plain_http(db_url: str) -> None:
    settings = staff_settings(db_url, safercity_public_url="http://127.0.0.1:8000")
    runtime = build_runtime(settings, nlu=KeywordEngine())
    try:
        with runtime.session_factory() as session:
            store.create_user(
                session,
                username="ana",
                password_hash=auth.hash_password(PASSWORD),
                role="reviewer",
            )
            session.commit()
        with TestClient(create_app(runtime=runtime), follow_redirects=False) as client:
            response = login(client, "ana")
            cookie = next(
                c for c in response.headers.get_list("set-cookie") if c.startswith(auth.COOKIE_NAME)
            )
            assert "secure" not in cookie.lower()
    finally:
        runtime.engine.dispose()


def test_wrong_password_is_refused_and_audited(
    app_client: TestClient, users: dict[str, int], staff_runtime: Runtime
) -> None:
    response = login(app_client, "reviewer", "not the password")
    assert response.status_code == 401
    assert "Wrong username or password." in response.text
    assert auth.COOKIE_NAME not in app_client.cookies
    assert app_client.get("/staff/queue").status_code == 303
    with staff_runtime.session_factory() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert entry is not None
        assert (entry.actor, entry.action) == ("reviewer", "login_failed")


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(
    app_client: TestClient, users: dict[str, int]
) -> None:
    unknown = login(app_client, "nobody", PASSWORD)
    wrong = login(app_client, "reviewer", "wrong password!")
    assert unknown.status_code == wrong.status_code == 401
    assert "Wrong username or password." in unknown.text


def test_repeated_failures_lock_the_account_even_for_the_right_password(
    app_client: TestClient, users: dict[str, int], staff_runtime: Runtime
) -> None:
    for _ in range(auth.MAX_FAILED_LOGINS):
        assert login(app_client, "reviewer", "guess guess guess").status_code == 401
    locked = login(app_client, "reviewer", PASSWORD)
    assert locked.status_code == 401
    assert "locked" in locked.text
    with staff_runtime.session_factory() as session:
        actions = list(session.scalars(select(AuditEntry.action)))
        assert "locked_out" in actions
        assert "login_refused_locked" in actions
        # the lockout runs out by itself
        user = session.get(StaffUser, users["reviewer"])
        assert user is not None and user.locked_until is not None
        user.locked_until = utcnow() - timedelta(seconds=1)
        session.commit()
    assert login(app_client, "reviewer", PASSWORD).status_code == 303


def test_login_without_the_form_token_is_refused(
    app_client: TestClient, users: dict[str, int]
) -> None:
    login_token(app_client)
    response = app_client.post("/staff/login", data={"username": "reviewer", "password": PASSWORD})
    assert response.status_code == 403
    assert auth.COOKIE_NAME not in app_client.cookies
    forged = app_client.post(
        "/staff/login",
        data={"username": "reviewer", "password": PASSWORD, "csrf_token": "forged"},
    )
    assert forged.status_code == 403


def test_pages_need_a_login(app_client: TestClient) -> None:
    for path in ("/staff/queue", "/staff/conversations/1", "/staff/audit", "/staff/users"):
        response = app_client.get(path)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/staff/login?")
    response = app_client.post("/staff/reports/1/edit", data={"category": "violence"})
    assert response.status_code == 303


def test_expired_session_sends_back_to_the_login(
    app_client: TestClient, users: dict[str, int], staff_runtime: Runtime
) -> None:
    assert login(app_client, "reviewer").status_code == 303
    with staff_runtime.session_factory() as session:
        row = session.scalars(select(StaffSession)).one()
        row.expires_at = utcnow() - timedelta(minutes=1)
        session.commit()
    response = app_client.get("/staff/queue")
    assert response.status_code == 303
    assert "notice=expired" in response.headers["location"]
    with staff_runtime.session_factory() as session:
        assert session.scalars(select(StaffSession)).first() is None
    page = app_client.get(response.headers["location"])
    assert "Your session has ended" in page.text


def test_logout_needs_the_token_and_ends_the_session(
    app_client: TestClient, users: dict[str, int]
) -> None:
    assert login(app_client, "reviewer").status_code == 303
    token = csrf_of(app_client.get("/staff/queue").text)
    assert app_client.post("/staff/logout", data={}).status_code == 403
    cookie = app_client.cookies.get(auth.COOKIE_NAME)
    response = app_client.post("/staff/logout", data={"csrf_token": token})
    assert response.status_code == 303
    app_client.cookies.set(auth.COOKIE_NAME, cookie or "", path="/staff")
    assert app_client.get("/staff/queue").status_code == 303  # the old cookie is dead


def test_login_never_redirects_off_site(app_client: TestClient, users: dict[str, int]) -> None:
    token = login_token(app_client)
    response = app_client.post(
        "/staff/login",
        data={
            "username": "reviewer",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "https://evil.example/",
        },
    )
    assert response.headers["location"] == "/staff/queue"


def test_deactivated_user_loses_their_session(
    app_client: TestClient, users: dict[str, int], staff_runtime: Runtime
) -> None:
    assert login(app_client, "reviewer").status_code == 303
    with staff_runtime.session_factory() as session:
        user = session.get(StaffUser, users["reviewer"])
        assert user is not None
        user.active = False
        session.commit()
    assert app_client.get("/staff/queue").status_code == 303
    assert login(app_client, "reviewer").status_code == 401


def test_after_logging_in_the_page_asked_for_opens(
    app_client: TestClient, users: dict[str, int]
) -> None:
    response = app_client.get("/staff/queue?reason=urgent")
    assert response.status_code == 303
    login_page = app_client.get(response.headers["location"])
    assert 'name="next" value="/staff/queue?reason=urgent"' in login_page.text
    token = csrf_of(login_page.text)
    done = app_client.post(
        "/staff/login",
        data={
            "username": "reviewer",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "/staff/queue?reason=urgent",
        },
    )
    assert done.headers["location"] == "/staff/queue?reason=urgent"
