"""The staff app in a real browser: Debian's chromium driven by Playwright, against the app
served by uvicorn on 127.0.0.1. On a phone-sized and on a desktop viewport: log in, open the
queue, open the urgent conversation, correct its category and place, reply, change the
status, and find it all in the audit log. A screenshot of each page goes to tests/artifacts/.

Needs `apt-get install chromium` (launched through executable_path: `playwright install`
cannot download here).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import select

from bot.app import create_app
from bot.runtime import Runtime, build_runtime
from bot.staff import auth
from nlu.keyword_engine import KeywordEngine
from storage import staff as store
from storage.models import AuditEntry, OutboxMessage, Report
from storage.types import utcnow
from tests.staff.conftest import PASSWORD, days_ago, seed_conversation, staff_settings

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Runtime]]:
    """The whole app on a private SQLite store, served by uvicorn in a thread."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    settings = staff_settings(f"sqlite:///{tmp_path / 'staff.db'}", safercity_public_url=base)
    runtime = build_runtime(settings, nlu=KeywordEngine())
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(runtime=runtime),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            ws="none",
            lifespan="on",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield base, runtime
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        runtime.engine.dispose()


def _seed(runtime: Runtime) -> None:
    with runtime.session_factory() as session:
        for name, role in (("rosa", "reviewer"), ("sam", "supervisor")):
            store.create_user(
                session, username=name, password_hash=auth.hash_password(PASSWORD), role=role
            )
        seed_conversation(
            session,
            address="+5016900001",
            channel="whatsapp",
            reference="BZ-7K3Q",
            texts=(
                "two men fighting with a machete by the market right now, somebody bleeding",
                "<script>alert('xss')</script> please hurry",
            ),
            reasons=("urgent", "unresolved_location"),
            category="criminal_activity",
            urgent=True,
            place=None,
            lat=None,
            lon=None,
            location_text="by the market",
            pin={"lat": 17.2497, "lon": -88.7702, "label": None, "address": None, "live": False},
            last_inbound_at=utcnow() - timedelta(minutes=20),
        )
        seed_conversation(
            session,
            address="+5016900002",
            reference="BZ-LT4M",
            texts=("street light out on Ring Road since last week",),
            reasons=("low_confidence",),
            created_at=days_ago(1),
        )
        seed_conversation(
            session,
            address="+5016900003",
            reference="BZ-HX9P",
            channel="telegram",
            texts=("a man keeps following the girls from school to the bus stop",),
            reasons=("sensitive",),
            category="harassment",
            created_at=days_ago(0.5),
        )
        seed_conversation(
            session,
            address="+5016900004",
            reference=None,
            texts=("I want to talk to a real person",),
            reasons=("handoff",),
        )
        session.commit()


def _shot(page: Any, viewport: str, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"staff-{viewport}-{name}.png"), full_page=True)
    if viewport == "phone":  # what the first screen shows
        page.screenshot(path=str(ARTIFACTS / f"staff-{viewport}-{name}-screen.png"))


@pytest.fixture
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        # As with PostgreSQL: CI must run these; a developer without chromium is told why.
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: apt-get install -y chromium")
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


def _log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/staff/")
    assert page.url.startswith(f"{base}/staff/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('Log in')")
    page.wait_for_url(f"{base}/staff/queue")


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_review_an_urgent_report_end_to_end(
    served: tuple[str, Runtime], browser: Any, viewport: str
) -> None:
    base, runtime = served
    _seed(runtime)
    context = browser.new_context(viewport=VIEWPORTS[viewport])
    page = context.new_page()
    problems: list[str] = []  # script errors, CSP violations, alert() from a message
    failed: list[str] = []  # HTTP answers >= 400
    outside: list[str] = []  # requests to anything but the app

    def on_console(message: Any) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(f"console: {message.text}")

    def on_dialog(dialog: Any) -> None:
        problems.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    def on_response(response: Any) -> None:
        if response.status >= 400:
            failed.append(f"{response.status} {response.url[len(base) :]}")

    def on_request(request: Any) -> None:
        if not request.url.startswith(base):
            outside.append(request.url)

    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("console", on_console)
    page.on("dialog", on_dialog)
    page.on("response", on_response)
    page.on("request", on_request)

    # the login page
    page.goto(f"{base}/staff/")
    _shot(page, viewport, "1-login")
    page.fill("input[name=username]", "rosa")
    page.fill("input[name=password]", "wrong password")
    page.click("button:has-text('Log in')")
    assert "Wrong username or password." in page.inner_text("main")
    page.fill("input[name=username]", "rosa")
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('Log in')")
    page.wait_for_url(f"{base}/staff/queue")

    # the queue: urgent first
    first = page.locator("ol.queue > li").first
    assert "Urgent" in first.inner_text()
    assert "BZ-7K3Q" in first.inner_text()
    assert page.locator("ol.queue > li").count() == 4
    _shot(page, viewport, "2-queue")

    # the urgent conversation, its transcript escaped, its map drawn from local files
    first.locator("a").click()
    page.wait_for_selector(".leaflet-container")
    page.wait_for_selector("path.leaflet-interactive")  # district outlines and pin circle
    assert "<script>alert('xss')</script> please hurry" in page.inner_text(".transcript")
    assert "WhatsApp 24-hour window open" in page.inner_text(".transcript")
    _shot(page, viewport, "3-conversation")

    # correct category and place through the gazetteer search
    page.select_option("#category", "violence")
    page.fill("#place-query", "")
    page.type("#place-query", "hospital")
    page.wait_for_selector("#place-results button")
    page.locator("#place-results button").first.click()
    assert page.input_value("#lat") != ""
    page.click("button:has-text('Save corrections')")
    page.wait_for_selector("text=Report saved.")
    record = page.inner_text(".fields")
    assert "Violence" in record
    assert "Western Regional Hospital" in record
    _shot(page, viewport, "4-corrected")

    # reply to the citizen
    page.fill("#reply-text", "We have told the police. Stay safe, do not go near them.")
    page.click("button:has-text('Send reply')")
    page.wait_for_selector("text=Reply queued")
    assert "We have told the police." in page.inner_text(".transcript")

    # change the status
    page.select_option("#status", "referred")
    page.fill("textarea[name=note]", "Police Eastern Division, officer on duty")
    page.click("button:has-text('Change status')")
    page.wait_for_selector("text=Status changed.")
    assert "Referred to an agency" in page.inner_text(".fields")
    _shot(page, viewport, "5-referred")

    # a reviewer may not open the audit log
    response = page.goto(f"{base}/staff/audit")
    assert response is not None and response.status == 403
    page.goto(f"{base}/staff/queue")
    page.click("button:has-text('Log out')")
    page.wait_for_url(f"{base}/staff/login?notice=logged_out")

    # the supervisor finds every action in the audit log
    _log_in(page, base, "sam")
    page.click("nav >> text=Audit log")
    page.wait_for_url(f"{base}/staff/audit")
    table = page.inner_text("table.audit")
    for action in ("report.edit", "conversation.reply", "report.status", "login_failed"):
        assert action in table
    assert "status: referred" in table
    assert "category: violence" in table
    _shot(page, viewport, "6-audit")

    # the supervisor's other pages
    page.click("nav >> text=Users")
    page.wait_for_url(f"{base}/staff/users")
    assert "rosa" in page.inner_text("table.users")
    _shot(page, viewport, "7-users")
    page.click("nav >> text=Export")
    page.wait_for_url(f"{base}/staff/export")
    with page.expect_download() as download:
        page.click("text=reports.csv")
    assert download.value.suggested_filename == "safercity-reports.csv"
    _shot(page, viewport, "8-export")
    context.close()

    with runtime.session_factory() as session:
        report = session.scalars(select(Report).where(Report.reference == "BZ-7K3Q")).one()
        assert (report.category, report.status, report.place) == (
            "violence",
            "referred",
            "Western Regional Hospital",
        )
        outbox = session.scalars(select(OutboxMessage)).one()
        assert (outbox.channel, outbox.status, outbox.created_by) == ("whatsapp", "queued", "rosa")
        actors = set(session.scalars(select(AuditEntry.actor)))
        assert {"rosa", "sam"} <= actors
    assert problems == []  # no script error, no CSP violation, no alert() from a message
    assert failed == ["401 /staff/login", "403 /staff/audit"]  # the wrong password, the reviewer
    assert outside == []  # no CDN, no tiles: everything came from the app


def test_the_queue_announces_new_flags_without_reloading(
    served: tuple[str, Runtime], browser: Any
) -> None:
    base, runtime = served
    _seed(runtime)
    context = browser.new_context(viewport=VIEWPORTS["phone"])
    page = context.new_page()
    page.clock.install()  # the 30-second poll, without waiting 30 seconds
    _log_in(page, base, "rosa")
    assert page.locator("#queue-news").is_hidden()
    with runtime.session_factory() as session:
        seed_conversation(
            session,
            address="+5016900009",
            reference="BZ-N3WW",
            texts=("they are breaking into the shop right now",),
            reasons=("urgent",),
        )
        session.commit()
    page.clock.run_for(31_000)
    page.wait_for_selector("#queue-news.urgent", state="visible")
    _shot(page, "phone", "9-queue-news")
    page.click("#queue-news a")
    page.wait_for_selector("text=BZ-N3WW")
    assert page.locator("#queue-news").is_hidden()
    context.close()
