"""The staff review web app under /staff: login, queue, conversation page, users, audit log.

No `from __future__ import annotations` here: FastAPI reads the route signatures, whose
dependency aliases (Viewer, Editor, ...) are local to `router()`.

Every route checks the session and the role; every form carries the session's CSRF token;
every change writes an audit entry (who, what, before, after, when).
"""

import io
import logging
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, FastAPI, Form, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from bot.runtime import Runtime
from bot.staff import auth
from bot.staff.views import (
    DECIDED_STATUSES,
    NOTICES,
    SETTABLE_STATUSES,
    STATUS_LABELS,
    day_start,
    make_environment,
    parse_day,
)
from nlu.categories import CATEGORY_CODES, is_sensitive
from storage import export
from storage import staff as store
from storage.models import Conversation, Message, Report, Reporter, StaffUser
from storage.outbox import enqueue
from storage.queries import add_flag, add_report_event
from storage.types import utcnow

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
MAX_REPLY = 1600
MAX_NOTE = 4000
WHATSAPP_WINDOW = timedelta(hours=24)
VIEW_AUDIT_WINDOW = timedelta(minutes=30)


class StaffError(Exception):
    """Ends a staff request with a page (or a redirect to the login page)."""

    def __init__(self, status: int, message: str, *, redirect: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.redirect = redirect


@dataclass(frozen=True, slots=True)
class ReportFields:
    category: str | None
    urgent: bool
    place: str | None
    lat: float | None
    lon: float | None
    district: str | None

    @classmethod
    def of(cls, report: Report) -> "ReportFields":
        return cls(
            report.category, report.urgent, report.place, report.lat, report.lon, report.district
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "urgent": self.urgent,
            "place": self.place,
            "lat": self.lat,
            "lon": self.lon,
            "district": self.district,
        }


def _float(value: str) -> float | None:
    try:
        number = float(value.strip())
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


def _safe_next(value: str) -> str:
    """Only a path inside the staff app: never an open redirect."""
    if value.startswith("/staff/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/staff/queue"


def install(app: FastAPI, runtime: Runtime) -> None:
    """Mount the staff app on `app` under /staff (routes, static files, error pages)."""
    import xstatic.pkg.leaflet as leaflet

    app.include_router(router(runtime), prefix="/staff")
    app.mount("/staff/static/leaflet", StaticFiles(directory=leaflet.BASE_DIR), name="leaflet")
    app.mount("/staff/static", StaticFiles(directory=STATIC_DIR), name="staff-static")
    app.add_exception_handler(StaffError, _error_handler(runtime))


_env = make_environment()
R = TypeVar("R", bound=Response)


def _security_headers(response: R, runtime: Runtime) -> R:
    img = "'self' data: blob:"
    if runtime.settings.safercity_map_tile_url:
        img += " https: http:"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        f"img-src {img}; object-src 'none'; base-uri 'self'; form-action 'self'; "
        "frame-ancestors 'none'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "no-store"
    return response


def _render(
    runtime: Runtime,
    name: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
) -> HTMLResponse:
    html = _env.get_template(name).render(**context)
    return _security_headers(HTMLResponse(html, status_code=status_code), runtime)


def _error_handler(runtime: Runtime) -> Callable[[Request, Exception], Response]:
    def handle(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StaffError)
        if exc.redirect is not None:
            return RedirectResponse(exc.redirect, status_code=303)
        staff = getattr(request.state, "staff", None)
        return _render(
            runtime,
            "error.html",
            {"staff": staff, "message": exc.message, "status": exc.status, "notice": None},
            status_code=exc.status,
        )

    return handle


def router(runtime: Runtime) -> APIRouter:
    api = APIRouter(include_in_schema=False)
    settings = runtime.settings
    secure_cookie = settings.safercity_public_url.startswith("https://")

    @contextmanager
    def db() -> Iterator[Session]:
        with runtime.session_factory() as session:
            yield session

    # ------------------------------------------------------------ auth helpers
    def current_staff(request: Request) -> auth.Staff:
        token = request.cookies.get(auth.COOKIE_NAME)
        back = request.url.path  # where to return after logging in: pages only, not forms
        if request.url.query:
            back += "?" + request.url.query
        target = urlencode({"next": back if request.method == "GET" else "/staff/queue"})
        if not token:
            raise StaffError(401, "log in", redirect=f"/staff/login?{target}")
        with db() as session:
            staff = auth.staff_for_token(session, token=token, now=utcnow())
            session.commit()  # an expired session found here is deleted
        if staff is None:
            raise StaffError(401, "expired", redirect=f"/staff/login?notice=expired&{target}")
        request.state.staff = staff
        return staff

    def need(permission: str) -> Callable[[Request], auth.Staff]:
        def dependency(request: Request) -> auth.Staff:
            staff = current_staff(request)
            if not staff.can(permission):
                raise StaffError(403, "Your role does not allow this page or action.")
            return staff

        return dependency

    Viewer = Annotated[auth.Staff, Depends(need("view"))]
    Editor = Annotated[auth.Staff, Depends(need("edit"))]
    Supervisor = Annotated[auth.Staff, Depends(need("users"))]
    Auditor = Annotated[auth.Staff, Depends(need("audit"))]
    Exporter = Annotated[auth.Staff, Depends(need("export"))]
    Csrf = Annotated[str, Form()]

    def check_csrf(staff: auth.Staff, given: str) -> None:
        if not auth.csrf_ok(staff.csrf_token, given):
            raise StaffError(
                403, "This form has expired or did not come from this site: reload and retry."
            )

    def page(
        name: str, staff: auth.Staff | None, *, notice: str = "", status_code: int = 200, **ctx: Any
    ) -> HTMLResponse:
        context: dict[str, Any] = {
            "staff": staff,
            "notice": NOTICES.get(notice),
            **ctx,
        }
        return _render(runtime, name, context, status_code=status_code)

    # ------------------------------------------------------------------ login
    @api.get("/")
    def home(request: Request) -> Response:
        return RedirectResponse("/staff/queue", status_code=303)

    @api.get("/login")
    def login_form(request: Request, next: str = "", notice: str = "") -> Response:
        return login_page(next_path=next, notice=notice)

    def login_page(
        *, next_path: str = "", notice: str = "", error: str | None = None, status_code: int = 200
    ) -> Response:
        token = secrets.token_urlsafe(32)
        response = page(
            "login.html",
            None,
            notice=notice,
            status_code=status_code,
            error=error,
            login_csrf=token,
            next_path=_safe_next(next_path),
        )
        response.set_cookie(
            "safercity_login_csrf",
            token,
            httponly=True,
            samesite="strict",
            secure=secure_cookie,
            path="/staff/login",
            max_age=3600,
        )
        return response

    @api.post("/login")
    def login(
        request: Request,
        username: Annotated[str, Form()] = "",
        password: Annotated[str, Form()] = "",
        csrf_token: Csrf = "",
        next: Annotated[str, Form()] = "",
    ) -> Response:
        expected = request.cookies.get("safercity_login_csrf", "")
        if not expected or not auth.csrf_ok(expected, csrf_token):
            return login_page(
                next_path=next,
                error="The login form expired: please try again.",
                status_code=403,
            )
        username = username.strip()[:80]
        now = utcnow()
        with db() as session:
            outcome = auth.authenticate(session, username=username, password=password, now=now)
            if outcome.user is None:
                known = store.user_by_username(session, username=username) is not None
                store.add_audit(
                    session,
                    actor=username if known else "(unknown user)",
                    action=outcome.audit or "login_failed",
                    target_type="staff_user",
                    target_id=username if known else None,
                )
                session.commit()
                return login_page(next_path=next, error=outcome.error, status_code=401)
            token = auth.start_session(session, user=outcome.user, now=now)
            store.purge_expired_sessions(session, now=now)
            store.add_audit(
                session,
                actor=outcome.user.username,
                action="login",
                target_type="staff_user",
                target_id=outcome.user.username,
            )
            session.commit()
        response = RedirectResponse(_safe_next(next), status_code=303)
        response.set_cookie(
            auth.COOKIE_NAME,
            token,
            httponly=True,
            samesite="lax",
            secure=secure_cookie,
            path="/staff",
            max_age=int(auth.SESSION_TTL.total_seconds()),
        )
        response.delete_cookie("safercity_login_csrf", path="/staff/login")
        return response

    @api.post("/logout")
    def logout(staff: Viewer, csrf_token: Csrf = "") -> Response:
        check_csrf(staff, csrf_token)
        with db() as session:
            store.delete_session(session, token_hash=staff.token_hash)
            store.add_audit(
                session,
                actor=staff.username,
                action="logout",
                target_type="staff_user",
                target_id=staff.username,
            )
            session.commit()
        response = RedirectResponse("/staff/login?notice=logged_out", status_code=303)
        response.delete_cookie(auth.COOKIE_NAME, path="/staff")
        return response

    # ------------------------------------------------------------------ queue
    @api.get("/queue")
    def queue(
        staff: Viewer,
        reason: str = "",
        category: str = "",
        status: str = "",
        date_from: Annotated[str, Query(alias="from")] = "",
        date_to: Annotated[str, Query(alias="to")] = "",
        show: str = "open",
        notice: str = "",
    ) -> Response:
        day_from, day_to = parse_day(date_from), parse_day(date_to)
        filt = store.QueueFilter(
            reason=reason if reason in store.REASON_ORDER else None,
            category=category if category in CATEGORY_CODES else None,
            status=status if status in STATUS_LABELS else None,
            date_from=day_start(day_from) if day_from else None,
            date_to=day_start(day_to) + timedelta(days=1) if day_to else None,
            include_resolved=show == "all",
        )
        with db() as session:
            items, counts = store.queue(session, filt)
            newest_flag, _ = store.latest_open_flag(session)
            params = {
                "category": filt.category or "",
                "status": filt.status or "",
                "from": day_from.isoformat() if day_from else "",
                "to": day_to.isoformat() if day_to else "",
                "show": "all" if filt.include_resolved else "",
            }
            base_query = urlencode({k: v for k, v in params.items() if v})
            return page(
                "queue.html",
                staff,
                notice=notice,
                items=items,
                counts=counts,
                filt=filt,
                day_from=params["from"],
                day_to=params["to"],
                base_query=base_query,
                newest_flag=newest_flag,
            )

    @api.get("/queue/latest")
    def queue_latest(staff: Viewer) -> JSONResponse:
        """For the queue page's watcher: has anything been flagged since it loaded?"""
        with db() as session:
            newest, urgent = store.latest_open_flag(session)
        return JSONResponse(
            {"newest_flag": newest, "urgent_open": urgent},
            headers={"Cache-Control": "no-store"},
        )

    # ---------------------------------------------------------- conversation
    def load_conversation(session: Session, conversation_id: int) -> Conversation:
        conversation = session.get(Conversation, conversation_id)
        if conversation is None:
            raise StaffError(
                404, "No such conversation (it may have been erased at the citizen's request)."
            )
        return conversation

    def load_report(session: Session, report_id: int) -> Report:
        report = session.get(Report, report_id)
        if report is None:
            raise StaffError(404, "No such report.")
        return report

    def whatsapp_window(reporter: Reporter, now: datetime) -> dict[str, Any] | None:
        if reporter.channel != "whatsapp":
            return None
        last = reporter.last_inbound_at
        closes = last + WHATSAPP_WINDOW if last is not None else None
        is_open = closes is not None and closes > now
        remaining = ""
        if is_open and closes is not None:
            minutes = int((closes - now).total_seconds() // 60)
            remaining = f"{minutes // 60} h {minutes % 60:02d} min"
        # Outside the window the sender uses the approved template, when one is configured.
        template = bool(settings.twilio_whatsapp_template_sid)
        return {
            "open": is_open,
            "closes": closes,
            "last": last,
            "remaining": remaining,
            "template": template,
            "can_send": is_open or template,
        }

    def conversation_page(
        session: Session,
        staff: auth.Staff,
        conversation: Conversation,
        *,
        report_id: int | None = None,
        notice: str = "",
        error: str | None = None,
        conflict: dict[str, Any] | None = None,
        status_code: int = 200,
        form: dict[str, Any] | None = None,
    ) -> HTMLResponse:
        reports = sorted(conversation.reports, key=lambda r: r.id)
        report = next((r for r in reports if r.id == report_id), None)
        if report is None and reports:
            report = reports[-1]
        messages = store.transcript(session, conversation_id=conversation.id)
        reporter = session.get(Reporter, conversation.reporter_id)
        now = utcnow()
        pins = [
            {
                "lat": m.location["lat"],
                "lon": m.location["lon"],
                "label": m.location.get("label") or "",
                "time": m.created_at.isoformat(),
            }
            for m in messages
            if m.location and m.location.get("lat") is not None
        ]
        nearby = store.nearby_reports(session, report=report) if report is not None else []
        duplicate_of = (
            session.get(Report, report.duplicate_of_id)
            if report is not None and report.duplicate_of_id
            else None
        )
        map_data = {
            "pins": pins,
            "report": (
                {"lat": report.lat, "lon": report.lon, "place": report.place or ""}
                if report is not None and report.lat is not None
                else None
            ),
            "nearby": [{"lat": r.lat, "lon": r.lon, "reference": r.reference} for r, _ in nearby],
            "districts": "/staff/districts.geojson",
            "tiles": settings.safercity_map_tile_url or "",
            "attribution": settings.safercity_map_tile_attribution,
            "editable": staff.can("edit") and report is not None,
        }
        return page(
            "conversation.html",
            staff,
            notice=notice,
            status_code=status_code,
            conversation=conversation,
            reporter=reporter,
            reports=reports,
            report=report,
            messages=messages,
            flags=store.conversation_flags(session, conversation_id=conversation.id),
            nearby=nearby,
            duplicate_of=duplicate_of,
            events=list(report.events) if report is not None else [],
            window=whatsapp_window(reporter, now) if reporter is not None else None,
            map_data=map_data,
            error=error,
            conflict=conflict,
            form=form or {},
            max_reply=MAX_REPLY,
        )

    @api.get("/conversations/{conversation_id}")
    def conversation_view(
        staff: Viewer, conversation_id: int, report: int | None = None, notice: str = ""
    ) -> Response:
        with db() as session:
            conversation = load_conversation(session, conversation_id)
            if any(r.sensitive for r in conversation.reports):
                # Who read a trafficking, violence or harassment report is on record
                # (once per person and conversation in VIEW_AUDIT_WINDOW).
                now = utcnow()
                if not store.recently_audited(
                    session,
                    actor=staff.username,
                    action="conversation.view",
                    target_id=str(conversation.id),
                    since=now - VIEW_AUDIT_WINDOW,
                ):
                    store.add_audit(
                        session,
                        actor=staff.username,
                        action="conversation.view",
                        target_type="conversation",
                        target_id=conversation.id,
                        after={"sensitive": True},
                    )
                    session.commit()
            return conversation_page(session, staff, conversation, report_id=report, notice=notice)

    @api.get("/reports/{reference}")
    def report_by_reference(staff: Viewer, reference: str) -> Response:
        with db() as session:
            report = store.report_by_reference(session, reference=reference)
            if report is None:
                raise StaffError(404, "No report has that reference.")
            if report.conversation_id is None:
                raise StaffError(404, "That report's conversation was erased.")
            return RedirectResponse(
                f"/staff/conversations/{report.conversation_id}?report={report.id}",
                status_code=303,
            )

    def back_to(report: Report, notice: str) -> Response:
        return RedirectResponse(
            f"/staff/conversations/{report.conversation_id}?report={report.id}&notice={notice}",
            status_code=303,
        )

    def conflict_page(
        session: Session, staff: auth.Staff, report_id: int, form: dict[str, Any]
    ) -> Response:
        session.rollback()
        report = load_report(session, report_id)
        last = store.audit_entries(session, target_type="report", target_id=str(report.id), limit=1)
        by = last[0].actor if last else "someone else"
        when = last[0].created_at if last else report.updated_at
        conversation = load_conversation(session, report.conversation_id or 0)
        return conversation_page(
            session,
            staff,
            conversation,
            report_id=report.id,
            conflict={"by": by, "when": when},
            status_code=409,
            form=form,
        )

    def citizen_text(report: Report) -> str:
        """The citizen's words that the NLU read for this report."""
        first = (report.description or "").split("\n", 1)[0].strip()
        return first

    @api.post("/reports/{report_id}/edit")
    def edit_report(
        staff: Editor,
        report_id: int,
        csrf_token: Csrf = "",
        version: Annotated[str, Form()] = "",
        category: Annotated[str, Form()] = "",
        urgent: Annotated[str, Form()] = "",
        place_query: Annotated[str, Form()] = "",
        lat: Annotated[str, Form()] = "",
        lon: Annotated[str, Form()] = "",
    ) -> Response:
        check_csrf(staff, csrf_token)
        form = {
            "category": category,
            "urgent": bool(urgent),
            "place_query": place_query,
            "lat": lat,
            "lon": lon,
        }
        with db() as session:
            report = load_report(session, report_id)
            if report.conversation_id is None:
                raise StaffError(404, "That report's conversation was erased.")
            conversation = load_conversation(session, report.conversation_id)
            if version != str(report.version):
                return conflict_page(session, staff, report_id, form)
            before = ReportFields.of(report)
            new_category = category if category in CATEGORY_CODES else None
            if category and new_category is None:
                return conversation_page(
                    session,
                    staff,
                    conversation,
                    report_id=report.id,
                    error="Unknown category.",
                    status_code=422,
                    form=form,
                )
            place, new_lat, new_lon = place_query.strip(), _float(lat), _float(lon)
            location_change: dict[str, Any] | None = None
            if place and place != (report.place or ""):
                options, resolved = place_options(place)
                chosen = choose_place(options, resolved, new_lat, new_lon)
                if chosen is None:
                    names = "; ".join(
                        f"{o['place']}, {o['district']}" if o["district"] else str(o["place"])
                        for o in options[:5]
                    )
                    error = (
                        f"“{place}” could be several places ({names}): pick one from the "
                        "suggestions or drop a pin."
                        if options
                        else f"No place found for “{place}”: try another name or drop a pin."
                    )
                    return conversation_page(
                        session,
                        staff,
                        conversation,
                        report_id=report.id,
                        error=error,
                        status_code=422,
                        form=form,
                    )
                location_change = chosen
            elif (lat.strip() or lon.strip()) and (new_lat, new_lon) != (report.lat, report.lon):
                if (
                    new_lat is None
                    or new_lon is None
                    or not (-90 <= new_lat <= 90 and -180 <= new_lon <= 180)
                ):
                    return conversation_page(
                        session,
                        staff,
                        conversation,
                        report_id=report.id,
                        error="The pin's coordinates are not valid.",
                        status_code=422,
                        form=form,
                    )
                near = runtime.places.reverse(new_lat, new_lon)
                if near.outside_belize:
                    return conversation_page(
                        session,
                        staff,
                        conversation,
                        report_id=report.id,
                        error="That pin is outside Belize.",
                        status_code=422,
                        form=form,
                    )
                location_change = {
                    "place": near.place,
                    "lat": round(new_lat, 6),
                    "lon": round(new_lon, 6),
                    "district": near.district,
                    "precision_m": 25.0,
                }
            report.category = new_category
            report.sensitive = is_sensitive(new_category)
            report.urgent = bool(urgent)
            if location_change is not None:
                for key, value in location_change.items():
                    setattr(report, key, value)
            after = ReportFields.of(report)
            if after == before:
                session.rollback()
                return back_to(report, "unchanged")
            try:  # the version-checked UPDATE: someone may have saved since we read it
                session.flush()
            except StaleDataError:
                return conflict_page(session, staff, report_id, form)
            changed_before = {k: v for k, v in before.to_json().items() if after.to_json()[k] != v}
            changed_after = {k: after.to_json()[k] for k in changed_before}
            if report.sensitive and not before_sensitive(before):
                add_flag(
                    session,
                    conversation=conversation,
                    reason="sensitive",
                    report=report,
                    detail=new_category,
                )
            # A human has now read the category; a resolved place is no longer unresolved.
            settled = ("low_confidence",) + (
                ("unresolved_location",) if report.lat is not None else ()
            )
            closed = store.resolve_flags(
                session,
                conversation_id=conversation.id,
                actor=staff.username,
                now=utcnow(),
                reasons=settled,
            )
            if closed:
                changed_after["flags_closed"] = closed
            add_report_event(
                session,
                report=report,
                kind="edit",
                actor=staff.username,
                data={"before": changed_before, "after": changed_after},
            )
            store.add_audit(
                session,
                actor=staff.username,
                action="report.edit",
                target_type="report",
                target_id=report.id,
                before=changed_before,
                after=changed_after,
            )
            text = citizen_text(report)
            if text:
                store.add_correction(
                    session,
                    report=report,
                    text=text,
                    predicted_category=before.category,
                    actor=staff.username,
                )
            try:
                session.commit()
            except StaleDataError:
                return conflict_page(session, staff, report_id, form)
            return back_to(report, "saved")

    def before_sensitive(fields: ReportFields) -> bool:
        return is_sensitive(fields.category)

    @api.post("/reports/{report_id}/status")
    def change_status(
        staff: Editor,
        report_id: int,
        csrf_token: Csrf = "",
        version: Annotated[str, Form()] = "",
        status: Annotated[str, Form()] = "",
        duplicate_of: Annotated[str, Form()] = "",
        note: Annotated[str, Form()] = "",
    ) -> Response:
        check_csrf(staff, csrf_token)
        form = {"status": status, "duplicate_of": duplicate_of, "note": note}
        with db() as session:
            report = load_report(session, report_id)
            conversation = load_conversation(session, report.conversation_id or 0)
            if version != str(report.version):
                return conflict_page(session, staff, report_id, form)

            def refuse(message: str) -> HTMLResponse:
                return conversation_page(
                    session,
                    staff,
                    conversation,
                    report_id=report.id,
                    error=message,
                    status_code=422,
                    form=form,
                )

            if status not in SETTABLE_STATUSES:
                return refuse("Choose a status.")
            if len(note) > MAX_NOTE:
                return refuse(f"The note is too long (at most {MAX_NOTE} characters).")
            before = {"status": report.status, "duplicate_of": None}
            if report.duplicate_of_id:
                original = session.get(Report, report.duplicate_of_id)
                before["duplicate_of"] = original.reference if original else None
            target: Report | None = None
            if status == "duplicate":
                target = store.report_by_reference(session, reference=duplicate_of)
                if target is None or target.id == report.id:
                    return refuse(
                        "A duplicate needs the reference of the other report (e.g. BZ-7K3Q)."
                    )
            if status == report.status and (target is None or target.id == report.duplicate_of_id):
                session.rollback()
                return back_to(report, "unchanged")
            report.status = status
            report.duplicate_of_id = target.id if target is not None else None
            try:  # the version-checked UPDATE: someone may have saved since we read it
                session.flush()
            except StaleDataError:
                return conflict_page(session, staff, report_id, form)
            after: dict[str, Any] = {
                "status": status,
                "duplicate_of": target.reference if target else None,
            }
            add_report_event(
                session,
                report=report,
                kind="status",
                actor=staff.username,
                from_status=str(before["status"]),
                to_status=status,
                note=note.strip() or None,
                data={"duplicate_of": after["duplicate_of"]},
            )
            if status in DECIDED_STATUSES and conversation is not None:
                closed = store.resolve_flags(
                    session, conversation_id=conversation.id, actor=staff.username, now=utcnow()
                )
                after["flags_closed"] = closed
            store.add_audit(
                session,
                actor=staff.username,
                action="report.status",
                target_type="report",
                target_id=report.id,
                before=before,
                after={**after, "note": note.strip() or None},
            )
            try:
                session.commit()
            except StaleDataError:
                return conflict_page(session, staff, report_id, form)
            return back_to(report, "status")

    @api.post("/reports/{report_id}/note")
    def add_note(
        staff: Editor,
        report_id: int,
        csrf_token: Csrf = "",
        note: Annotated[str, Form()] = "",
    ) -> Response:
        check_csrf(staff, csrf_token)
        with db() as session:
            report = load_report(session, report_id)
            conversation = load_conversation(session, report.conversation_id or 0)
            note = note.strip()
            if not note or len(note) > MAX_NOTE:
                return conversation_page(
                    session,
                    staff,
                    conversation,
                    report_id=report.id,
                    error=f"Write a note (at most {MAX_NOTE} characters).",
                    status_code=422,
                    form={"note_text": note},
                )
            add_report_event(session, report=report, kind="note", actor=staff.username, note=note)
            store.add_audit(
                session,
                actor=staff.username,
                action="report.note",
                target_type="report",
                target_id=report.id,
                after={"note": note},
            )
            session.commit()
            return back_to(report, "note")

    @api.post("/conversations/{conversation_id}/reply")
    def reply(
        staff: Editor,
        conversation_id: int,
        csrf_token: Csrf = "",
        text: Annotated[str, Form()] = "",
        report: Annotated[str, Form()] = "",
    ) -> Response:
        check_csrf(staff, csrf_token)
        with db() as session:
            conversation = load_conversation(session, conversation_id)
            reporter = session.get(Reporter, conversation.reporter_id)
            report_id = int(report) if report.isdigit() else None
            text = text.strip()

            def refuse(message: str) -> HTMLResponse:
                return conversation_page(
                    session,
                    staff,
                    conversation,
                    report_id=report_id,
                    error=message,
                    status_code=422,
                    form={"reply": text},
                )

            if reporter is None:
                return refuse("The citizen's contact is no longer held: no reply is possible.")
            if not text:
                return refuse("Write the reply first.")
            if len(text) > MAX_REPLY:
                return refuse(f"The reply is too long (at most {MAX_REPLY} characters).")
            if reporter.stopped:
                return refuse("The citizen opted out (STOP): no message may be sent to them.")
            window = whatsapp_window(reporter, utcnow())
            if window is not None and not window["can_send"]:
                return refuse(
                    "WhatsApp's 24-hour window is closed and no approved template is "
                    "configured: a free-text reply cannot be sent "
                    "until the citizen writes again."
                )
            row = enqueue(
                session,
                reporter=reporter,
                conversation=conversation,
                text=text,
                created_by=staff.username,
            )
            store.add_audit(
                session,
                actor=staff.username,
                action="conversation.reply",
                target_type="conversation",
                target_id=conversation.id,
                after={"text": text, "channel": reporter.channel, "outbox_id": row.id},
            )
            session.commit()
            suffix = f"&report={report_id}" if report_id else ""
            return RedirectResponse(
                f"/staff/conversations/{conversation.id}?notice=replied{suffix}", status_code=303
            )

    @api.post("/conversations/{conversation_id}/close-flags")
    def close_flags(staff: Editor, conversation_id: int, csrf_token: Csrf = "") -> Response:
        check_csrf(staff, csrf_token)
        with db() as session:
            conversation = load_conversation(session, conversation_id)
            reasons = [f.reason for f in store.open_flags(session, conversation_id=conversation.id)]
            store.resolve_flags(
                session, conversation_id=conversation.id, actor=staff.username, now=utcnow()
            )
            store.add_audit(
                session,
                actor=staff.username,
                action="conversation.close_flags",
                target_type="conversation",
                target_id=conversation.id,
                before={"open_flags": reasons},
                after={"open_flags": []},
            )
            session.commit()
            return RedirectResponse(
                f"/staff/conversations/{conversation.id}?notice=flags", status_code=303
            )

    # ------------------------------------------------------ places and media
    def place_options(query: str) -> tuple[list[dict[str, Any]], bool]:
        """What the gazetteer makes of a name: the place it resolves to (first, and True),
        and the candidates an ambiguous name may mean."""
        found = runtime.places.resolve(query)
        if found is None:
            return [], False
        options: list[dict[str, Any]] = []
        if found.resolved:
            options.append(
                {
                    "place": found.place,
                    "lat": found.lat,
                    "lon": found.lon,
                    "district": found.district,
                    "precision_m": found.precision_m,
                }
            )
        options.extend(
            {
                "place": c.name,
                "lat": c.lat,
                "lon": c.lon,
                "district": c.district,
                "precision_m": c.precision_m,
            }
            for c in found.candidates
            if (c.lat, c.lon) != (found.lat, found.lon)
        )
        return options, found.resolved

    def choose_place(
        options: list[dict[str, Any]], resolved: bool, lat: float | None, lon: float | None
    ) -> dict[str, Any] | None:
        """The option the reviewer picked (a suggestion fills in its coordinates), else the
        place the name resolves to, else its only candidate; None if ambiguous or unknown."""
        if lat is not None and lon is not None:
            for option in options:
                if store.distance_m(lat, lon, option["lat"], option["lon"]) < 50:
                    return option
        if resolved or len(options) == 1:
            return options[0]
        return None

    @api.get("/places")
    def places(staff: Viewer, q: str = "") -> JSONResponse:
        q = q.strip()[:120]
        results = place_options(q)[0] if q else []
        return JSONResponse({"query": q, "results": results[:8]})

    @api.get("/districts.geojson")
    def districts(staff: Viewer) -> Response:
        data = resources.files("nlu.places") / "data" / "belize_districts.geojson"
        return Response(
            data.read_bytes(),
            media_type="application/geo+json",
            headers={"Cache-Control": "private, max-age=3600"},
        )

    @api.get("/media/{message_id}/{index}")
    def media(staff: Viewer, message_id: int, index: int) -> Response:
        with db() as session:
            message = session.get(Message, message_id)
            if message is None or not 0 <= index < len(message.attachments):
                raise StaffError(404, "No such photo.")
            item = message.attachments[index]
        content_type = str(item.get("content_type") or "image/jpeg")
        path = item.get("stored_path")
        if not content_type.startswith("image/") or not path or not Path(path).is_file():
            raise StaffError(404, "This photo is not stored on the server.")
        return FileResponse(
            path,
            media_type=content_type,
            headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private"},
        )

    # ----------------------------------------------------------------- export
    @api.get("/export")
    def export_page(staff: Exporter) -> Response:
        return page("export.html", staff, formats=export.FORMATS)

    @api.get("/export/reports.{fmt}")
    def export_reports(staff: Exporter, fmt: str) -> Response:
        if fmt not in export.FORMATS:
            raise StaffError(404, "Unknown export format.")
        out = io.StringIO()
        with db() as session:
            count = export.write(session, fmt, out)
            store.add_audit(
                session,
                actor=staff.username,
                action="export",
                target_type="reports",
                after={"format": fmt, "count": count},
            )
            session.commit()
        media_type = {
            "jsonl": "application/x-ndjson",
            "csv": "text/csv",
            "geojson": "application/geo+json",
        }[fmt]
        return Response(
            out.getvalue(),
            media_type=f"{media_type}; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="safercity-reports.{fmt}"',
                "Cache-Control": "no-store",
            },
        )

    # ------------------------------------------------------------------ audit
    @api.get("/audit")
    def audit(
        staff: Auditor,
        actor: str = "",
        action: str = "",
        target_type: str = "",
        target_id: str = "",
        page_no: Annotated[int, Query(alias="page", ge=1, le=10_000)] = 1,
    ) -> Response:
        per_page = 100
        with db() as session:
            entries = store.audit_entries(
                session,
                actor=actor.strip() or None,
                action=action.strip() or None,
                target_type=target_type.strip() or None,
                target_id=target_id.strip() or None,
                limit=per_page + 1,
                offset=(page_no - 1) * per_page,
            )
            query = urlencode(
                {
                    k: v
                    for k, v in {
                        "actor": actor,
                        "action": action,
                        "target_type": target_type,
                        "target_id": target_id,
                    }.items()
                    if v
                }
            )
            return page(
                "audit.html",
                staff,
                entries=entries[:per_page],
                more=len(entries) > per_page,
                page_no=page_no,
                query=query,
                filters={
                    "actor": actor,
                    "action": action,
                    "target_type": target_type,
                    "target_id": target_id,
                },
            )

    # ------------------------------------------------------------------ users
    def users_page(
        session: Session,
        staff: auth.Staff,
        *,
        notice: str = "",
        error: str | None = None,
        status_code: int = 200,
    ) -> HTMLResponse:
        return page(
            "users.html",
            staff,
            notice=notice,
            error=error,
            status_code=status_code,
            users=store.list_users(session),
            roles=store.ROLES,
            now=utcnow(),
        )

    @api.get("/users")
    def users(staff: Supervisor, notice: str = "") -> Response:
        with db() as session:
            return users_page(session, staff, notice=notice)

    @api.post("/users")
    def create_user(
        staff: Supervisor,
        csrf_token: Csrf = "",
        username: Annotated[str, Form()] = "",
        role: Annotated[str, Form()] = "",
        password: Annotated[str, Form()] = "",
    ) -> Response:
        check_csrf(staff, csrf_token)
        username = username.strip()
        with db() as session:
            problem = (
                username_problem(username)
                or (None if role in store.ROLES else "Choose a role.")
                or auth.password_problem(password)
            )
            if problem is None and store.user_by_username(session, username=username):
                problem = "That username is taken."
            if problem is not None:
                return users_page(session, staff, error=problem, status_code=422)
            store.create_user(
                session, username=username, password_hash=auth.hash_password(password), role=role
            )
            store.add_audit(
                session,
                actor=staff.username,
                action="user.create",
                target_type="staff_user",
                target_id=username,
                after={"username": username, "role": role, "active": True},
            )
            session.commit()
        return RedirectResponse("/staff/users?notice=user_created", status_code=303)

    @api.post("/users/{user_id}")
    def update_user(
        staff: Supervisor,
        user_id: int,
        csrf_token: Csrf = "",
        role: Annotated[str, Form()] = "",
        active: Annotated[str, Form()] = "",
        unlock: Annotated[str, Form()] = "",
        password: Annotated[str, Form()] = "",
    ) -> Response:
        check_csrf(staff, csrf_token)
        with db() as session:
            user = session.get(StaffUser, user_id)
            if user is None:
                raise StaffError(404, "No such user.")
            before = user_state(user)
            if role not in store.ROLES:
                return users_page(session, staff, error="Choose a role.", status_code=422)
            if user.id == staff.user_id and (role != user.role or not active):
                return users_page(
                    session,
                    staff,
                    status_code=422,
                    error="You cannot change your own role or deactivate yourself.",
                )
            if password:
                problem = auth.password_problem(password)
                if problem:
                    return users_page(session, staff, error=problem, status_code=422)
                user.password_hash = auth.hash_password(password)
            user.role = role
            user.active = bool(active)
            if unlock:
                user.locked_until = None
                user.failed_logins = 0
            after = user_state(user)
            if password:
                after["password_changed"] = True
            if not user.active or password or role != before["role"]:
                store.delete_user_sessions(session, user_id=user.id)
            changed_before = {k: v for k, v in before.items() if after.get(k) != v}
            changed_after = {k: v for k, v in after.items() if before.get(k) != v}
            store.add_audit(
                session,
                actor=staff.username,
                action="user.update",
                target_type="staff_user",
                target_id=user.username,
                before=changed_before,
                after=changed_after,
            )
            session.commit()
        return RedirectResponse("/staff/users?notice=user_saved", status_code=303)

    def user_state(user: StaffUser) -> dict[str, Any]:
        return {
            "role": user.role,
            "active": user.active,
            "locked": user.locked_until is not None and user.locked_until > utcnow(),
        }

    return api


def username_problem(username: str) -> str | None:
    if not 2 <= len(username) <= 80:
        return "A username has 2 to 80 characters."
    if not all(ch.isalnum() or ch in "._-@" for ch in username):
        return "A username has letters, digits and . _ - @ only."
    return None
