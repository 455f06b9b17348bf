"""Staff logins: argon2 password hashes, lockout, server-side sessions and roles.

The session cookie holds a random token; the store keeps only its SHA-256, so a copy of
the database does not hand out live sessions.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from storage import staff as store
from storage.models import StaffUser

COOKIE_NAME = "safercity_staff"
SESSION_TTL = timedelta(hours=8)
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 10

# What each role may do. Supervisors manage users and read the audit log; analysts only
# read and export.
PERMISSIONS: dict[str, frozenset[str]] = {
    "reviewer": frozenset({"view", "edit"}),
    "supervisor": frozenset({"view", "edit", "users", "audit", "export"}),
    "analyst": frozenset({"view", "export"}),
}

_hasher = PasswordHasher()
# Verified against when the username is unknown, so a wrong name costs as long as a wrong
# password and the answer does not tell which names exist.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"the password must have at least {MIN_PASSWORD_LENGTH} characters"
    return None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Staff:
    """The logged-in staff member of a request."""

    user_id: int
    username: str
    role: str
    csrf_token: str
    token_hash: str

    def can(self, permission: str) -> bool:
        return permission in PERMISSIONS.get(self.role, frozenset())


@dataclass(frozen=True, slots=True)
class LoginOutcome:
    user: StaffUser | None
    error: str | None  # shown to the person logging in
    audit: str | None  # login_failed, locked_out, login_refused_locked: None on success


GENERIC_LOGIN_ERROR = "Wrong username or password."
LOCKED_ERROR = "Too many failed attempts: this account is locked for a while. Try again later."


def authenticate(session: Session, *, username: str, password: str, now: datetime) -> LoginOutcome:
    """Check a login; counts failures and locks the account after MAX_FAILED_LOGINS."""
    user = store.user_by_username(session, username=username)
    if user is None or not user.active:
        verify_password(_DUMMY_HASH, password)
        return LoginOutcome(None, GENERIC_LOGIN_ERROR, "login_failed")
    if user.locked_until is not None and user.locked_until > now:
        return LoginOutcome(None, LOCKED_ERROR, "login_refused_locked")
    if not verify_password(user.password_hash, password):
        user.failed_logins = (user.failed_logins or 0) + 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = now + LOCKOUT
            user.failed_logins = 0
            return LoginOutcome(None, LOCKED_ERROR, "locked_out")
        return LoginOutcome(None, GENERIC_LOGIN_ERROR, "login_failed")
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return LoginOutcome(user, None, None)


def start_session(session: Session, *, user: StaffUser, now: datetime) -> str:
    """A new server-side session; returns the token for the cookie."""
    token = secrets.token_urlsafe(32)
    store.create_session(
        session,
        user=user,
        token_hash=token_hash(token),
        csrf_token=secrets.token_urlsafe(32),
        expires_at=now + SESSION_TTL,
    )
    return token


def staff_for_token(session: Session, *, token: str, now: datetime) -> Staff | None:
    found = store.live_session(session, token_hash=token_hash(token), now=now)
    if found is None:
        return None
    row, user = found
    return Staff(
        user_id=user.id,
        username=user.username,
        role=user.role,
        csrf_token=row.csrf_token,
        token_hash=row.token_hash,
    )


def csrf_ok(expected: str, given: str | None) -> bool:
    return bool(given) and secrets.compare_digest(expected.encode(), (given or "").encode())
