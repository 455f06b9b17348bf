"""The conversation page: transcript, corrections, status workflow, notes, replies, and
what happens when two staff edit the same report."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from bot.app import create_app
from bot.runtime import Runtime, build_runtime
from nlu.keyword_engine import KeywordEngine
from nlu.types import LocationResult, PlaceCandidate
from storage.models import (
    AuditEntry,
    Flag,
    Message,
    NluCorrection,
    OutboxMessage,
    Report,
    Reporter,
    ReportEvent,
)
from storage.types import utcnow
from tests.staff.conftest import csrf_of, days_ago, login, staff_settings, version_of

HOSTILE = '<script>alert("x")</script><img src=x onerror="alert(1)"> & {{ 7*7 }}'


def page_of(client: TestClient, conversation_id: int) -> str:
    response = client.get(f"/staff/conversations/{conversation_id}")
    assert response.status_code == 200
    return response.text


def test_citizens_html_and_script_are_shown_as_text(
    app_client: TestClient, as_role: Any, seed: Any
) -> None:
    seeded = seed(
        address="+5016500001",
        texts=(HOSTILE,),
        location_text="<b>market</b>",
        place="</script><script>alert(3)</script>",
        pin={"lat": 17.25, "lon": -88.77, "label": "</script><svg onload=alert(4)>"},
    )
    as_role("reviewer")
    html = page_of(app_client, seeded.conversation_id)
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "{{ 7*7 }}" in html and ">49<" not in html  # no template injection either
    assert "&lt;b&gt;market&lt;/b&gt;" in html
    # the map's data block cannot be closed early by a place name or a pin label
    assert "</script><script>alert(3)" not in html
    assert "<svg onload" not in html
    assert "\\u003c/script\\u003e\\u003cscript\\u003ealert(3)" in html
    queue = app_client.get("/staff/queue").text
    assert "<script>alert" not in queue and "&lt;script&gt;" in queue
    # and the browser would refuse inline script anyway
    csp = app_client.get(f"/staff/conversations/{seeded.conversation_id}").headers[
        "content-security-policy"
    ]
    assert (
        "script-src 'self'" in csp
        and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    )


def test_the_transcript_shows_messages_pins_and_the_whatsapp_window(
    app_client: TestClient, as_role: Any, seed: Any
) -> None:
    seeded = seed(
        address="+5016500002",
        channel="whatsapp",
        texts=("robbery happening now by the market", "they have a gun"),
        pin={"lat": 17.2497, "lon": -88.7702, "label": "Market", "address": None, "live": False},
        last_inbound_at=utcnow() - timedelta(hours=2),
    )
    as_role("reviewer")
    html = page_of(app_client, seeded.conversation_id)
    assert "robbery happening now by the market" in html
    assert "they have a gun" in html
    assert "Pin: 17.24970, -88.77020" in html
    assert "WhatsApp 24-hour window open: 21 h" in html
    assert '"pins": [{"label": "Market", "lat": 17.2497, "lon": -88.7702' in html
    assert "/staff/static/leaflet/leaflet.js" in html
    assert app_client.get("/staff/static/leaflet/leaflet.js").status_code == 200
    assert app_client.get("/staff/static/staff.js").status_code == 200
    districts = app_client.get("/staff/districts.geojson")
    assert districts.json()["type"] == "FeatureCollection"


def test_correcting_category_urgency_and_place_is_recorded_everywhere(
    app_client: TestClient, as_role: Any, seed: Any, staff_runtime: Runtime
) -> None:
    seeded = seed(
        address="+5016500003",
        texts=("man with a knife threatening people by the hospital",),
        category="criminal_activity",
        location_text="the hospital",
        place=None,
        lat=None,
        lon=None,
        reasons=("unresolved_location",),
    )
    as_role("reviewer")
    html = page_of(app_client, seeded.conversation_id)
    response = app_client.post(
        f"/staff/reports/{seeded.report_id}/edit",
        data={
            "csrf_token": csrf_of(html),
            "version": version_of(html),
            "category": "violence",
            "urgent": "1",
            "place_query": "hospital",
            "lat": "",
            "lon": "",
        },
    )
    assert response.status_code == 303
    assert "notice=saved" in response.headers["location"]
    expected = staff_runtime.places.resolve("hospital")
    assert expected is not None and expected.resolved
    with staff_runtime.session_factory() as session:
        report = session.get(Report, seeded.report_id)
        assert report is not None
        assert (report.category, report.urgent, report.sensitive) == ("violence", True, True)
        assert (report.place, report.lat, report.lon) == (
            expected.place,
            expected.lat,
            expected.lon,
        )
        assert report.version == 2
        event = session.scalars(select(ReportEvent).where(ReportEvent.kind == "edit")).one()
        assert event.actor == "reviewer"
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "report.edit")).one()
        assert audit.actor == "reviewer"
        assert audit.before == {
            "category": "criminal_activity",
            "urgent": False,
            "place": None,
            "lat": None,
            "lon": None,
            "district": None,
        }
        assert audit.after is not None and audit.after["category"] == "violence"
        correction = session.scalars(select(NluCorrection)).one()
        assert correction.text == "man with a knife threatening people by the hospital"
        assert (correction.predicted_category, correction.category) == (
            "criminal_activity",
            "violence",
        )
        assert correction.location_text == "the hospital" and correction.urgent
        # a report that became sensitive is flagged as such; the place is no longer unresolved
        flags = {f.reason: f for f in session.scalars(select(Flag))}
        assert flags["sensitive"].resolved_at is None
        assert flags["unresolved_location"].resolved_by == "reviewer"
    html = app_client.get(response.headers["location"]).text
    assert "Report saved." in html
    assert "Violence" in html


def test_a_dropped_pin_sets_the_place(
    app_client: TestClient, as_role: Any, seed: Any, staff_runtime: Runtime
) -> None:
    seeded = seed(address="+5016500004", place=None, lat=None, lon=None)
    as_role("reviewer")
    html = page_of(app_client, seeded.conversation_id)
    response = app_client.post(
        f"/staff/reports/{seeded.report_id}/edit",
        data={
            "csrf_token": csrf_of(html),
            "version": version_of(html),
            "category": "street_lighting",
            "place_query": "",
            "lat": "17.2502",
            "lon": "-88.7691",
        },
    )
    assert response.status_code == 303
    with staff_runtime.session_factory() as session:
        report = session.get(Report, seeded.report_id)
        assert report is not None
        assert (report.lat, report.lon) == (17.2502, -88.7691)
        assert report.place and report.district == "Cayo"


def test_bad_places_and_pins_are_refused_with_a_reason(
    app_client: TestClient, as_role: Any, seed: Any, staff_runtime: Runtime
) -> None:
    seeded = seed(address="+5016500005")
    as_role("reviewer")
    html = page_of(app_client, seeded.conversation_id)
    base = {"csrf_token": csrf_of(html), "version": version_of(html), "category": "street_lighting"}
    cases = {
        "No place found for": {"place_query": "xyzzy nowhere"},
        "outside Belize": {"place_query": "", "lat": "48.85", "lon": "2.35"},
        "not valid": {"place_query": "", "lat": "north", "lon": "-88.7"},
        "Unknown category": {"category": "aliens"},
    }
    for message, data in cases.items():
        response = app_client.post(f"/staff/reports/{seeded.report_id}/edit", data={**base, **data})
        assert response.status_code == 422, message
        assert message in response.text
    with staff_runtime.session_factory() as session:
        report = session.get(Report, seeded.report_id)
        assert report is not None and report.version == 1
        assert report.place == "Belmopan Market and bus terminal"


def test_two_staff_editing_at_once_the_second_is_told(
    app_client: TestClient, as_role: Any, seed: Any, staff_runtime: Runtime
) -> None:
    seeded = seed(address="+5016500006")
    as_role("supervisor")
    first_form = page_of(app_client, seeded.conversation_id)
    token = as_role("reviewer")
    second_form = page_of(app_client, seeded.conversation_id)
    assert version_of(first_form) == version_of(second_form) == "1"
    # the reviewer saves first
    saved = app_client.post(
        f"/staff/reports/{seeded.report_id}/edit",
        data={
            "csrf_token": token,
            "version": version_of(second_form),
            "category": "road_safety",
            "place_query": "Belmopan Market and bus terminal",
        },
    )
    assert saved.status_code == 303
    # the supervisor submits the form they loaded before that
    supervisor_token = as_role("supervisor")
    late = app_client.post(
        f"/staff/reports/{seeded.report_id}/edit",
        data={
            "csrf_token": supervisor_token,
            "version": version_of(first_form),
            "category": "stray_animals",
            "place_query": "Belmopan Market and bus terminal",
        },
    )
    assert late.status_code == 409
    assert "Changed by someone else" in late.text
    assert "reviewer changed this report" in late.text
    assert "not saved" in late.text
    status = app_client.post(
        f"/staff/reports/{seeded.report_id}/status",
        data={
            "csrf_token": supervisor_token,
            "version": version_of(first_form),
            "status": "rejected",
        },
    )
    assert status.status_code == 409
    with staff_runtime.session_factory() as session:
        report = session.get(Report, seeded.report_id)
        assert report is not None
        assert (report.category, report.status, report.version) == ("road_safety", "new", 2)


def test_status_workflow_with_duplicate_link_and_flags_closed(
    app_client: TestClient, as_role: Any, seed: Any, staff_runtime: Runtime
) -> None:
    original = seed(address="+5016500007", reference="BZ-ORIG", reasons=())
    copy = seed(address="+5016500008", reference="BZ-COPY", reasons=("possible_duplicate",))
    as_role("reviewer")
    html = page_of(app_client, copy.conversation_id)
    token = csrf_of(html)
    url = f"/staff/reports/{copy.report_id}/status"
    response = app_client.post(
        url, data={"csrf_token": token, "version": "1", "status": "in_review"}
    )
    assert response.status_code == 303
    missing = app_client.post(
        url, data={"csrf_token": token, "version": "2", "status": "duplicate"}
    )
    assert missing.status_code == 422 and "needs the reference" in missing.text
    itself = app_client.post(
        url,
        data={
            "csrf_token": token,
            "version": "2",
            "status": "duplicate",
            "duplicate_of": "BZ-COPY",
        },
    )
    assert itself.status_code == 422
    bogus = app_client.post(url, data={"csrf_token": token, "version": "2", "status": "flying"})
    assert bogus.status_code == 422
    done = app_client.post(
        url,
        data={
            "csrf_token": token,
            "version": "2",
            "status": "duplicate",
            "duplicate_of": "bz-orig",
            "note": "same light as BZ-ORIG",
        },
    )
    assert done.status_code == 303
    html = app_client.get(done.headers["location"]).text
    assert 'of <a href="/staff/reports/BZ-ORIG">BZ-ORIG</a>' in html
    assert "same light as BZ-ORIG" in html
    link = app_client.get("/staff/reports/BZ-ORIG")
    assert link.headers["location"] == (
        f"/staff/conversations/{original.conversation_id}?report={original.report_id}"
    )
    with staff_runtime.session_factory() as session:
        report = session.get(Report, copy.report_id)
        assert report is not None
        assert (report.status, report.duplicate_of_id) == ("duplicate", original.report_id)
        flags = list(
            session.scalars(select(Flag).where(Flag.conversation_id == copy.conversation_id))
        )
        assert flags and all(
            f.resolved_at is not None and f.resolved_by == "reviewer" for f in flags
        )
        events = [
            (e.from_status, e.to_status)
            for e in session.scalars(select(ReportEvent).where(ReportEvent.kind == "status"))
        ]
        assert events == [("new", "in_review"), ("in_review", "duplicate")]
        audits = list(
            session.scalars(select(AuditEntry).where(AuditEntry.action == "report.status"))
        )
        assert audits[-1].before == {"status": "in_review", "duplicate_of": None}
        assert audits[-1].after is not None and audits[-1].after["duplicate_of"] == "BZ-ORIG"


def test_notes_are_kept_in_the_history(app_client: TestClient, as_role: Any, seed: Any) -> None:
    seeded = seed(address="+5016500009")
    token = as_role("reviewer")
    response = app_client.post(
        f"/staff/reports/{seeded.report_id}/note",
        data={"csrf_token": token, "note": "Called BEL about the light <b>pole 14</b>"},
    )
    assert response.status_code == 303
    html = app_client.get(response.headers["location"]).text
    assert "Called BEL about the light &lt;b&gt;pole 14&lt;/b&gt;" in html
    empty = app_client.post(
        f"/staff/reports/{seeded.report_id}/note", data={"csrf_token": token, "note": "  "}
    )
    assert empty.status_code == 422


def test_a_reply_goes_to_the_outbox_on_the_citizens_channel(
    app_client: TestClient, as_role: Any, seed: Any, staff_runtime: Runtime
) -> None:
    seeded = seed(address="+5016500010", channel="sms")
    token = as_role("reviewer")
    response = app_client.post(
        f"/staff/conversations/{seeded.conversation_id}/reply",
        data={"csrf_token": token, "text": "Thanks, BEL will fix the light this week."},
    )
    assert response.status_code == 303
    html = app_client.get(response.headers["location"]).text
    assert "Reply queued" in html
    assert "Thanks, BEL will fix the light this week." in html
    with staff_runtime.session_factory() as session:
        row = session.scalars(select(OutboxMessage)).one()
        assert (row.channel, row.status, row.created_by) == ("sms", "queued", "reviewer")
        assert row.reporter_id == seeded.reporter_id
        assert row.conversation_id == seeded.conversation_id
        audit = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "conversation.reply")
        ).one()
        assert audit.after is not None and audit.after["text"].startswith("Thanks, BEL")
        assert "+5016500010" not in str(audit.after)


def test_no_reply_outside_whatsapps_window_or_to_someone_who_said_stop(
    app_client: TestClient, as_role: Any, seed: Any, staff_runtime: Runtime
) -> None:
    stale = seed(address="+5016500011", channel="whatsapp", last_inbound_at=days_ago(2))
    stopped = seed(address="+5016500012", channel="sms")
    with staff_runtime.session_factory() as session:
        reporter = session.get(Reporter, stopped.reporter_id)
        assert reporter is not None
        reporter.stopped = True
        session.commit()
    token = as_role("reviewer")
    html = page_of(app_client, stale.conversation_id)
    assert "WhatsApp 24-hour window closed" in html
    refused = app_client.post(
        f"/staff/conversations/{stale.conversation_id}/reply",
        data={"csrf_token": token, "text": "hello?"},
    )
    assert refused.status_code == 422 and "window is closed" in refused.text
    opted_out = app_client.post(
        f"/staff/conversations/{stopped.conversation_id}/reply",
        data={"csrf_token": token, "text": "hello?"},
    )
    assert opted_out.status_code == 422 and "opted out" in opted_out.text
    too_long = app_client.post(
        f"/staff/conversations/{stopped.conversation_id}/reply",
        data={"csrf_token": token, "text": "x" * 5000},
    )
    assert too_long.status_code == 422
    with staff_runtime.session_factory() as session:
        assert list(session.scalars(select(OutboxMessage))) == []


def test_nearby_reports_of_the_same_category_are_listed_as_possible_duplicates(
    app_client: TestClient, as_role: Any, seed: Any
) -> None:
    seeded = seed(address="+5016500013", reference="BZ-HERE", lat=17.2510, lon=-88.7670)
    seed(
        address="+5016500014",
        reference="BZ-NEAR",
        lat=17.2520,
        lon=-88.7675,
        created_at=days_ago(5),
        reasons=(),
    )
    seed(address="+5016500015", reference="BZ-FARR", lat=17.2900, lon=-88.7670, reasons=())
    seed(
        address="+5016500016",
        reference="BZ-OLDD",
        lat=17.2511,
        lon=-88.7671,
        created_at=days_ago(60),
        reasons=(),
    )
    seed(
        address="+5016500017",
        reference="BZ-DOGS",
        lat=17.2511,
        lon=-88.7671,
        category="stray_animals",
        reasons=(),
    )
    as_role("reviewer")
    html = page_of(app_client, seeded.conversation_id)
    section = html.split("Possible duplicates nearby", 1)[1].split("History", 1)[0]
    assert re.findall(r">(BZ-[A-Z]{4})</a>", section) == ["BZ-NEAR"]
    assert " m " in section


def test_photos_are_shown_inline_and_only_images_are_served(
    app_client: TestClient, as_role: Any, seed: Any, staff_runtime: Runtime, tmp_path: Path
) -> None:
    seeded = seed(address="+5016500018")
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0fakejpeg")
    page_file = tmp_path / "page.html"
    page_file.write_text("<script>alert(1)</script>")
    with staff_runtime.session_factory() as session:
        message = Message(
            conversation_id=seeded.conversation_id,
            reporter_id=seeded.reporter_id,
            channel="sms",
            direction="in",
            kind="photo",
            text="",
            attachments=[
                {"kind": "photo", "content_type": "image/jpeg", "stored_path": str(photo)},
                {"kind": "photo", "content_type": "text/html", "stored_path": str(page_file)},
                {"kind": "photo", "content_type": "image/jpeg", "url": "https://api.example/m"},
            ],
        )
        session.add(message)
        session.commit()
        message_id = message.id
    as_role("reviewer")
    html = page_of(app_client, seeded.conversation_id)
    assert f'<img class="photo" src="/staff/media/{message_id}/0"' in html
    assert "held by the provider" in html
    image = app_client.get(f"/staff/media/{message_id}/0")
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
    assert app_client.get(f"/staff/media/{message_id}/1").status_code == 404
    assert app_client.get(f"/staff/media/{message_id}/2").status_code == 404
    assert app_client.get(f"/staff/media/{message_id}/9").status_code == 404


def test_unknown_conversation_and_report_are_404(app_client: TestClient, as_role: Any) -> None:
    token = as_role("reviewer")
    assert app_client.get("/staff/conversations/999").status_code == 404
    assert app_client.get("/staff/reports/BZ-NONE").status_code == 404
    response = app_client.post(
        "/staff/reports/999/edit", data={"csrf_token": token, "version": "1"}
    )
    assert response.status_code == 404


def test_analysts_see_the_record_without_forms(
    app_client: TestClient, as_role: Any, seed: Any
) -> None:
    seeded = seed(address="+5016500019", reference="BZ-ANAL")
    as_role("analyst")
    html = page_of(app_client, seeded.conversation_id)
    assert "BZ-ANAL" in html
    assert "Correct the record" not in html and "Send reply" not in html


RACING_FORMS = {
    "edit": {"category": "road_safety", "place_query": "Belmopan Market and bus terminal"},
    "status": {"status": "rejected", "note": "not in Belize"},
}


@pytest.mark.parametrize("form", list(RACING_FORMS))
def test_a_save_racing_another_is_refused_by_the_database_too(
    app_client: TestClient, as_role: Any, seed: Any, staff_runtime: Runtime, form: str
) -> None:
    """Both forms carry version 1 and pass the form check; the other save commits between
    our read and our write (just before our flush): the version-checked UPDATE refuses ours."""
    seeded = seed(address="+5016500020")
    as_role("reviewer")
    html = page_of(app_client, seeded.conversation_id)
    raced: list[bool] = []

    def other_staff_saves_first(session: Session, *_: Any) -> None:
        if raced or not any(isinstance(obj, Report) for obj in session.dirty):
            return
        raced.append(True)
        with staff_runtime.engine.begin() as connection:
            connection.execute(
                update(Report)
                .where(Report.id == seeded.report_id)
                .values(category="stray_animals", version=Report.version + 1)
            )

    event.listen(Session, "before_flush", other_staff_saves_first)
    try:
        response = app_client.post(
            f"/staff/reports/{seeded.report_id}/{form}",
            data={"csrf_token": csrf_of(html), "version": version_of(html), **RACING_FORMS[form]},
        )
    finally:
        event.remove(Session, "before_flush", other_staff_saves_first)
    assert raced == [True]
    assert response.status_code == 409
    assert "Changed by someone else" in response.text
    with staff_runtime.session_factory() as session:
        report = session.get(Report, seeded.report_id)
        assert report is not None
        assert (report.category, report.status, report.version) == ("stray_animals", "new", 2)
        assert list(session.scalars(select(NluCorrection))) == []
        assert [
            a for a in session.scalars(select(AuditEntry.action)) if a.startswith("report")
        ] == []
        assert list(session.scalars(select(Flag).where(Flag.resolved_at.is_not(None)))) == []


def test_place_search_suggests_gazetteer_places(
    app_client: TestClient, as_role: Any, staff_runtime: Runtime
) -> None:
    as_role("reviewer")
    expected = staff_runtime.places.resolve("hospital")
    assert expected is not None
    found = app_client.get("/staff/places?q=hospital").json()
    assert found["results"][0]["place"] == expected.place
    assert found["results"][0]["lat"] == expected.lat
    assert app_client.get("/staff/places?q=xyzzy%20nowhere").json()["results"] == []
    assert app_client.get("/staff/places").json()["results"] == []


class TwoSanFelipes:
    """A gazetteer where one name means two villages."""

    def resolve(self, query: str) -> LocationResult | None:
        if query.strip().casefold() != "san felipe":
            return None
        return LocationResult(
            text=query,
            candidates=(
                PlaceCandidate(
                    "San Felipe, Orange Walk District", 18.06, -88.56, "Orange Walk", 500
                ),
                PlaceCandidate("San Felipe, Toledo District", 16.24, -88.99, "Toledo", 500),
            ),
        )

    def reverse(self, lat: float, lon: float) -> LocationResult:
        return LocationResult(text=f"{lat}, {lon}", lat=lat, lon=lon)


def test_an_ambiguous_place_name_needs_a_choice(
    app_client: TestClient, as_role: Any, seed: Any, staff_runtime: Runtime
) -> None:
    staff_runtime.places = TwoSanFelipes()
    seeded = seed(address="+5016500021")
    as_role("reviewer")
    suggestions = app_client.get("/staff/places?q=San%20Felipe").json()["results"]
    assert [s["district"] for s in suggestions] == ["Orange Walk", "Toledo"]
    html = page_of(app_client, seeded.conversation_id)
    form = {
        "csrf_token": csrf_of(html),
        "version": version_of(html),
        "category": "street_lighting",
        "place_query": "San Felipe",
    }
    vague = app_client.post(f"/staff/reports/{seeded.report_id}/edit", data=form)
    assert vague.status_code == 422
    assert "could be several places" in vague.text and "Toledo" in vague.text
    # the suggestion the reviewer tapped filled in its coordinates
    chosen = app_client.post(
        f"/staff/reports/{seeded.report_id}/edit", data={**form, "lat": "16.24", "lon": "-88.99"}
    )
    assert chosen.status_code == 303
    with staff_runtime.session_factory() as session:
        report = session.get(Report, seeded.report_id)
        assert report is not None
        assert (report.place, report.district) == ("San Felipe, Toledo District", "Toledo")


def test_a_refused_correction_keeps_what_was_typed(
    app_client: TestClient, as_role: Any, seed: Any
) -> None:
    seeded = seed(address="+5016500022")
    as_role("reviewer")
    html = page_of(app_client, seeded.conversation_id)
    refused = app_client.post(
        f"/staff/reports/{seeded.report_id}/edit",
        data={
            "csrf_token": csrf_of(html),
            "version": version_of(html),
            "category": "violence",
            "urgent": "1",
            "place_query": "xyzzy nowhere",
        },
    )
    assert refused.status_code == 422
    assert '<option value="violence" selected>' in refused.text
    assert 'value="xyzzy nowhere"' in refused.text
    assert 'name="urgent" value="1" checked' in refused.text


def test_outside_whatsapps_window_a_configured_template_carries_the_reply(
    db_url: str, seed: Any, users: dict[str, int], staff_runtime: Runtime
) -> None:
    runtime = build_runtime(
        staff_settings(db_url, twilio_whatsapp_template_sid="HX" + "0" * 32),
        nlu=KeywordEngine(),
    )
    try:
        stale = seed(address="+5016500023", channel="whatsapp", last_inbound_at=days_ago(3))
        with TestClient(
            create_app(runtime=runtime), base_url="https://testserver", follow_redirects=False
        ) as client:
            assert login(client, "reviewer").status_code == 303
            html = client.get(f"/staff/conversations/{stale.conversation_id}").text
            assert "goes out inside the approved template message" in html
            response = client.post(
                f"/staff/conversations/{stale.conversation_id}/reply",
                data={"csrf_token": csrf_of(html), "text": "Are you safe now?"},
            )
            assert response.status_code == 303
        with runtime.session_factory() as session:
            row = session.scalars(select(OutboxMessage)).one()
            assert (row.channel, row.text, row.status) == (
                "whatsapp",
                "Are you safe now?",
                "queued",
            )
    finally:
        runtime.engine.dispose()


def test_a_reviewed_category_closes_low_confidence_but_not_urgent(
    app_client: TestClient, as_role: Any, seed: Any, staff_runtime: Runtime
) -> None:
    seeded = seed(
        address="+5016500024", reasons=("low_confidence", "urgent"), place=None, lat=None, lon=None
    )
    seed(address="+5016500025", reasons=("low_confidence",))  # another conversation
    as_role("reviewer")
    html = page_of(app_client, seeded.conversation_id)
    response = app_client.post(
        f"/staff/reports/{seeded.report_id}/edit",
        data={
            "csrf_token": csrf_of(html),
            "version": version_of(html),
            "category": "road_safety",
            "urgent": "1",
        },
    )
    assert response.status_code == 303
    with staff_runtime.session_factory() as session:
        open_reasons = {
            (f.conversation_id, f.reason)
            for f in session.scalars(select(Flag).where(Flag.resolved_at.is_(None)))
        }
    assert (seeded.conversation_id, "urgent") in open_reasons
    assert (seeded.conversation_id, "low_confidence") not in open_reasons
    assert len([r for c, r in open_reasons if r == "low_confidence"]) == 1
