"""The staff review web app (issue 6): mounted under /staff by `install(app, runtime)`.

Imports are deferred so the command line does not load the web stack to start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import APIRouter, FastAPI

    from bot.runtime import Runtime


def install(app: FastAPI, runtime: Runtime) -> None:
    """Mount the staff app on `app` under /staff (routes, static files, error pages)."""
    from bot.staff.routes import install as install_routes

    install_routes(app, runtime)


def router(runtime: Runtime) -> APIRouter:
    from bot.staff.routes import router as make_router

    return make_router(runtime)
