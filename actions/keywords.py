"""Keywords that work at any point and in every language: HELP, STOP, STATUS <ref>, ..."""

from __future__ import annotations

import re
from dataclasses import dataclass

from actions.references import normalise_reference
from nlu.text import fold

_STRIP = re.compile(r"[^\w\s-]+", re.UNICODE)

# Whole-message keywords (folded: lower case, no accents, no punctuation).
_COMMANDS: dict[str, frozenset[str]] = {
    "help": frozenset({"help", "ayuda", "info", "halp", "menu", "/help", "help me pls"}),
    "cancel": frozenset({"cancel", "cancelar", "kansl", "cancela", "cancel report"}),
    # Twilio's default opt-out words (STOPALL, UNSUBSCRIBE, END, QUIT, REVOKE, OPTOUT) too.
    "stop": frozenset(
        {
            "stop",
            "stopall",
            "unsubscribe",
            "end",
            "quit",
            "revoke",
            "optout",
            "parar",
            "alto",
            "basta",
            "stap",
        }
    ),
    "start": frozenset({"start", "unstop", "/start", "empezar", "iniciar", "staat"}),
    "delete": frozenset(
        {
            "delete",
            "borrar",
            "eliminar",
            "delete me",
            "delete my data",
            "borrar mis datos",
            "wipe",
            "dilit",
        }
    ),
    "human": frozenset(
        {
            "agent",
            "agente",
            "person",
            "persona",
            "human",
            "humano",
            "operator",
            "operador",
            "smadi",
            "talk to a person",
            "talk to someone",
            "real person",
            "hablar con alguien",
            "hablar con una persona",
            "ah waan tak to smadi",
            "a wahn tak tu smadi",
        }
    ),
    "skip": frozenset({"skip", "saltar", "omitir", "pass", "no thanks", "no gracias"}),
}
_LANGUAGE_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset({"english", "ingles", "inglish"}),
    "es": frozenset({"espanol", "spanish", "castellano", "panyol"}),
    "bzj": frozenset({"kriol", "creole", "criollo", "krio"}),
}
_STATUS_WORDS = ("status", "estado", "estatus", "statas")


@dataclass(frozen=True, slots=True)
class Command:
    name: str  # help, cancel, stop, start, delete, human, skip, status, language
    argument: str | None = None


def normalise(text: str) -> str:
    return " ".join(_STRIP.sub(" ", fold(text)).split())


def parse_command(text: str) -> Command | None:
    """The keyword a whole message is, or None for ordinary text."""
    folded = normalise(text)
    if not folded:
        return None
    for name, words in _COMMANDS.items():
        if folded in words:
            return Command(name)
    for language, words in _LANGUAGE_WORDS.items():
        if folded in words:
            return Command("language", language)
    first, _, rest = folded.partition(" ")
    if first in _STATUS_WORDS:
        reference = normalise_reference(rest) if rest else None
        if rest and reference is None:
            return Command("status", rest.upper())
        return Command("status", reference)
    compact = normalise_reference(folded)
    if compact is not None and len(folded) <= 9:
        return Command("status", compact)  # just a reference: "BZ-7K3Q"
    return None
