"""Builds the ASGI app: channel webhooks, health, and (later) the staff UI and the API."""

from __future__ import annotations

import logging

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import text

from bot import staff
from bot.channels import telegram, twilio
from bot.outbox import router as outbox_router
from bot.runtime import Runtime, build_runtime
from bot.settings import Settings

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, *, runtime: Runtime | None = None) -> FastAPI:
    if runtime is None:
        runtime = build_runtime(settings or Settings())
    app = FastAPI(title="SaferCity", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.runtime = runtime

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> JSONResponse:
        try:
            with runtime.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception:
            log.exception("health check: the database is unreachable")
            return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
        return JSONResponse({"status": "ok", "database": "ok", "nlu": runtime.nlu.name})

    app.include_router(twilio.router(runtime))
    app.include_router(telegram.router(runtime))  # /webhooks/telegram, PTB start/stop
    app.include_router(outbox_router(runtime))  # the outbox worker as a background task
    staff.install(app, runtime)  # /staff: the staff review UI, its static files, error pages
    return app
