"""Everything a running SaferCity needs, built once from Settings: store, NLU, places, service."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from actions.dialogue import PlaceResolver
from actions.service import ConversationService
from bot.settings import Settings
from nlu.engine import NluEngine
from nlu.loader import load_engine
from nlu.places.geocoder import make_resolver
from storage.db import ensure_schema, make_engine, make_session_factory


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    nlu: NluEngine
    places: PlaceResolver
    service: ConversationService


def open_store(settings: Settings) -> tuple[Engine, sessionmaker[Session]]:
    engine = make_engine(settings.safercity_database_url)
    ensure_schema(engine)
    return engine, make_session_factory(engine)


def build_runtime(settings: Settings, *, nlu: NluEngine | None = None) -> Runtime:
    engine, session_factory = open_store(settings)
    if nlu is None:
        nlu = load_engine(settings.safercity_nlu_engine, rasa_url=settings.rasa_url)
    places = make_resolver(
        settings.safercity_geocoder,
        default_city=settings.safercity_default_city,
        nominatim_user_agent=settings.safercity_nominatim_user_agent,
    )
    service = ConversationService(session_factory, nlu, places, settings.conversation)
    return Runtime(
        settings=settings,
        engine=engine,
        session_factory=session_factory,
        nlu=nlu,
        places=places,
        service=service,
    )
