"""The report conversation: take everything a message gives, ask only for what is missing.

One `Dialogue` handles one inbound message. The conversation's state is a plain dict
stored on the conversation row, so a restart between two messages loses nothing:

    {"step": "idle" | "ask_category" | "ask_place" | "choose_place" | "confirm"
             | "survey_age" | "survey_gender",
     "draft": {...the report being built...},
     "pending_delete": bool, "report_id": int}
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol

from sqlalchemy.orm import Session

from actions.config import ConversationConfig
from actions.keywords import Command, normalise, parse_command
from actions.messages import InboundMessage
from actions.references import new_reference
from actions.survey import parse_age_group, parse_gender
from actions.texts import category_label, status_label, text
from nlu.categories import CATEGORY_CODES, is_sensitive
from nlu.engine import NluEngine
from nlu.text import has_letters
from nlu.types import LocationResult, ParseResult
from storage import queries
from storage.models import Conversation, Message, Report, Reporter
from storage.types import utcnow


class PlaceResolver(Protocol):
    """What the dialogue needs of the gazetteer (nlu.places)."""

    def resolve(self, query: str) -> LocationResult | None: ...

    def reverse(self, lat: float, lon: float) -> LocationResult: ...


# Words of the category menu (ask_category), in the three languages.
_MENU: dict[str, str] = {
    "light": "street_lighting",
    "lights": "street_lighting",
    "luz": "street_lighting",
    "lite": "street_lighting",
    "dark": "street_lighting",
    "oscuro": "street_lighting",
    "bush": "overgrown_vegetation",
    "monte": "overgrown_vegetation",
    "grass": "overgrown_vegetation",
    "crime": "criminal_activity",
    "delito": "criminal_activity",
    "kraim": "criminal_activity",
    "violence": "violence",
    "violencia": "violence",
    "vailens": "violence",
    "harassment": "harassment",
    "acoso": "harassment",
    "trafficking": "human_trafficking",
    "trata": "human_trafficking",
    "trafikin": "human_trafficking",
    "bar": "liquor_establishment",
    "baa": "liquor_establishment",
    "cantina": "liquor_establishment",
    "abandoned": "abandoned_property",
    "abandonado": "abandoned_property",
    "abandan": "abandoned_property",
    "road": "road_safety",
    "calle": "road_safety",
    "traffic": "road_safety",
    "animals": "stray_animals",
    "animal": "stray_animals",
    "animales": "stray_animals",
    "dogs": "stray_animals",
    "dog": "stray_animals",
    "perros": "stray_animals",
    "dawg": "stray_animals",
    "other": "other_unsafe",
    "otro": "other_unsafe",
    "ada": "other_unsafe",
}
_AFFIRM = frozenset(
    {
        "yes",
        "y",
        "yeah",
        "yea",
        "yep",
        "ya",
        "yah",
        "yes please",
        "ok",
        "okay",
        "k",
        "si",
        "sí",
        "correct",
        "correcto",
        "right",
        "send",
        "send it",
        "enviar",
        "confirm",
        "sure",
        "yes send",
        "si enviar",
        "dat rait",
        "yes man",
        "da it",
        "eso",
    }
)
_DENY = frozenset({"no", "n", "nope", "nah", "noh", "wrong", "incorrect", "no es", "nada"})
_LEADING_NO = re.compile(r"^\s*(no|noh|nope|nah|wrong)\b[\s,.:;!-]*", re.IGNORECASE)
_NUMBER = re.compile(r"^\s*(\d{1,2})\s*$")
_MIN_WORDS_FOR_LANGUAGE = 3
MAX_CHOICES = 3
_FUNCTION_WORDS = frozenset(
    {
        "a", "an", "the", "it", "its", "it's", "is", "on", "in", "at", "of", "by", "to",
        "and", "i", "my", "me", "we", "de", "la", "el", "en", "es", "un", "una", "di",
        "da", "dat", "ih", "pan", "eena", "fi",
    }
)  # fmt: skip
_NUMERIC_STEPS = frozenset({"choose_place", "survey_age", "survey_gender"})


@dataclass
class Outcome:
    texts: list[str] = field(default_factory=list)
    erased: bool = False  # DELETE ran: the reporter's rows are gone


class Dialogue:
    def __init__(
        self,
        *,
        session: Session,
        nlu: NluEngine,
        places: PlaceResolver,
        config: ConversationConfig,
        reporter: Reporter,
        conversation: Conversation,
        message: Message,
        inbound: InboundMessage,
    ) -> None:
        self.session = session
        self.nlu = nlu
        self.places = places
        self.config = config
        self.reporter = reporter
        self.conversation = conversation
        self.message = message
        self.inbound = inbound
        self.state: dict[str, Any] = dict(conversation.state or {})
        self.draft: dict[str, Any] = dict(self.state.get("draft") or {})
        self.out = Outcome()

    # ----------------------------------------------------------------- helpers
    @property
    def lang(self) -> str:
        return self.conversation.language or "en"

    @property
    def step(self) -> str:
        return str(self.state.get("step") or "idle")

    def say(self, key: str, **values: Any) -> None:
        self.out.texts.append(text(key, self.lang, **values))

    def set_step(self, step: str) -> None:
        self.state["step"] = step

    def _save_state(self) -> None:
        self.state["draft"] = self.draft
        self.conversation.state = dict(self.state)
        self.conversation.last_activity_at = utcnow()

    def _reset(self) -> None:
        """Back to idle; what we know of the citizen's language survives."""
        self.state = {
            "step": "idle",
            "lang_set": bool(self.state.get("lang_set")),
            "lang_chosen": bool(self.state.get("lang_chosen")),
        }
        self.draft = {}

    # -------------------------------------------------------------------- run
    def run(self) -> Outcome:
        inbound = self.inbound
        if inbound.kind == "stopped":
            self.reporter.stopped = True
            return self.out
        command = parse_command(inbound.text) if inbound.text else None
        if self.reporter.stopped:
            if command is not None and command.name == "start":
                self.reporter.stopped = False
                self.say("started")
                self._save_state()
            return self.out  # STOP means silence until START
        self._expire_if_idle()
        if self.state.get("pending_delete"):
            self.state.pop("pending_delete", None)
            if normalise(inbound.text) in _AFFIRM or (command and command.name == "delete"):
                queries.erase_reporter(self.session, reporter=self.reporter)
                self.out.erased = True
                self.say("deleted")
                return self.out
            self.say("delete_kept")
            self._save_state()
            return self.out
        if command is not None and self._command(command):
            self._save_state()
            return self.out
        self._content()
        self._save_state()
        return self.out

    # --------------------------------------------------------------- commands
    def _command(self, command: Command) -> bool:
        """Handle a keyword; False when it should be read as ordinary text instead."""
        name = command.name
        if name == "help":
            self.say("help", emergency=self.config.emergency_number)
            self._repeat_question()
        elif name == "cancel":
            if self.draft or self.step not in {"idle", "survey_age", "survey_gender"}:
                self._reset()
                self.say("cancelled")
            else:
                self.say("nothing_to_cancel")
        elif name == "stop":
            self.reporter.stopped = True
            self._keep_unfinished()
            self._reset()
            self.say("stopped")
        elif name == "start":
            self.say("greeting")  # /start from someone who never stopped
        elif name == "delete":
            self.state["pending_delete"] = True
            self.say("delete_confirm")
        elif name == "human":
            queries.add_flag(self.session, conversation=self.conversation, reason="handoff")
            self.say("handoff")
        elif name == "language" and command.argument:
            self.conversation.language = command.argument
            self.reporter.language = command.argument
            self.state["lang_chosen"] = True
            self.say("language_set")
            self._repeat_question()
        elif name == "status":
            self._status(command.argument)
            self._repeat_question()
        else:  # SKIP: the questions that can be skipped read it themselves
            return False
        return True

    def _status(self, reference: str | None) -> None:
        if reference is None:
            last_id = self.state.get("report_id")
            report = self.session.get(Report, last_id) if last_id else None
            if report is None:
                self.say("status_which")
                return
        else:
            report = queries.report_by_reference(self.session, reference=reference)
            if report is None or report.reporter_id != self.reporter.id:
                self.say("status_not_found", reference=reference)
                return
        self.say(
            "status",
            reference=report.reference,
            category=category_label(report.category, self.lang),
            status=status_label(report.status, self.lang),
        )

    def _repeat_question(self) -> None:
        question = {
            "ask_category": "ask_category",
            "ask_place": "ask_place",
        }.get(self.step)
        if question:
            self.say(question)
        elif self.step == "confirm":
            self._ask_confirmation()

    # ------------------------------------------------------------ idle expiry
    def _expire_if_idle(self) -> None:
        if self.step == "idle":
            return
        idle_for = utcnow() - self.conversation.last_activity_at
        if idle_for < timedelta(hours=self.config.idle_hours):
            return
        if self.step in {"survey_age", "survey_gender"}:
            self._reset()
            return
        kept = self._keep_unfinished()
        self._reset()
        if kept:
            self.say("welcome_back")

    def _keep_unfinished(self) -> bool:
        """Keep a half-finished report for staff instead of losing it."""
        if not self.draft or self.step in {"idle", "survey_age", "survey_gender"}:
            return False
        report = self._create_report(status="incomplete")
        queries.add_flag(
            self.session, conversation=self.conversation, reason="incomplete", report=report
        )
        return True

    # ---------------------------------------------------------------- content
    def _content(self) -> None:
        inbound = self.inbound
        if inbound.kind == "photo" or inbound.attachments:
            if inbound.kind == "media" and not has_letters(inbound.text):
                self.say("text_or_pin")
                self._repeat_question()
                return
            media = list(self.draft.get("media", []))
            media.append(self.message.id)
            self.draft["media"] = media
            if not has_letters(inbound.text) and inbound.pin is None:
                self.say("photo_kept")
                self._next_question()
                return
        if inbound.pin is not None and inbound.pin.live and self.step != "ask_place":
            return  # a moving live location updates every few seconds: stay silent
        if inbound.pin is not None:
            self._pin(inbound.pin.lat, inbound.pin.lon, inbound.pin.label)
            if not has_letters(inbound.text) or inbound.pin.label:
                self._next_question()
                return
        numeric_answer = self.step in _NUMERIC_STEPS and inbound.text.strip()
        if not has_letters(inbound.text) and not numeric_answer:
            if inbound.kind == "media":
                self.say("text_or_pin")
            else:
                self.say("unreadable")
            self._repeat_question()
            return
        parse = self.nlu.parse(inbound.text)
        self._follow_language(parse)
        self._urgency(parse)
        handler = {
            "ask_category": self._answer_category,
            "ask_place": self._answer_place,
            "choose_place": self._answer_choice,
            "confirm": self._answer_confirmation,
            "survey_age": self._answer_age,
            "survey_gender": self._answer_gender,
        }.get(self.step, self._new_message)
        handler(parse)

    def _follow_language(self, parse: ParseResult) -> None:
        """Replies follow the citizen's language, once a message says enough to tell."""
        if self.state.get("lang_chosen"):
            return  # the citizen chose a language with a keyword: it sticks
        first = not self.state.get("lang_set")
        long_enough = len(parse.text.split()) >= _MIN_WORDS_FOR_LANGUAGE
        if (first or long_enough) and parse.language != self.conversation.language:
            self.conversation.language = parse.language
            self.reporter.language = parse.language
        self.state["lang_set"] = True

    def _urgency(self, parse: ParseResult) -> None:
        if not parse.urgent or self.draft.get("urgent"):
            return
        self.draft["urgent"] = True
        # The emergency number comes first, before any question.
        self.out.texts.insert(
            0, text("emergency", self.lang, emergency=self.config.emergency_number)
        )
        queries.add_flag(self.session, conversation=self.conversation, reason="urgent")

    def _new_message(self, parse: ParseResult) -> None:
        if self.step in {"survey_age", "survey_gender"}:
            self._reset()
        if parse.category is None and parse.location is None:
            if parse.intent == "human":
                self._command(Command("human"))
                return
            if parse.intent == "help":
                self._command(Command("help"))
                return
            if self.draft.get("urgent") or len(parse.text.split()) >= 5:
                # Something is wrong but we cannot tell what: keep it and ask.
                self._add_description(parse.text)
                self.set_step("ask_category")
                self.say("ask_category")
                return
            if parse.intent == "thanks":
                self.say("survey_done")
                return
            self.say("greeting")
            return
        self._add_description(parse.text)
        if parse.category is not None and parse.confidence >= self.config.ask_category_below:
            self._set_category(parse.category, parse.confidence)
        if parse.location is not None:
            self._set_location(parse.location)
        self._next_question()

    def _answer_category(self, parse: ParseResult) -> None:
        menu = _MENU.get(normalise(parse.text))
        if menu is not None:
            self._set_category(menu, 1.0)
        elif parse.category is not None:
            self._set_category(parse.category, parse.confidence)
            self._add_description(parse.text)
        if parse.location is not None and not self.draft.get("location"):
            self._set_location(parse.location)
        if self.draft.get("category") is None:
            self.say("ask_category")
            return
        self._next_question()

    def _answer_place(self, parse: ParseResult) -> None:
        answer = parse.text
        if normalise(answer) in _AFFIRM | {"skip", "saltar"} and self.draft.get("location"):
            self.draft["place_accepted"] = True
            self._next_question()
            return
        location = (
            parse.location if parse.location is not None and parse.location.resolved else None
        )
        if location is None:
            location = self.places.resolve(answer) or parse.location
        if location is None and self._reads_as_report(parse):
            # Not a place but more about the problem: keep it, and ask again.
            self._add_description(answer)
            if self.draft.get("category") is None:
                self._set_category(parse.category or "other_unsafe", parse.confidence)
            self.say("ask_place")
            return
        if location is None:
            location = LocationResult(text=answer)
        if parse.category is not None and self.draft.get("category") is None:
            self._set_category(parse.category, parse.confidence)
        self._set_location(location)
        self._next_question()

    def _reads_as_report(self, parse: ParseResult) -> bool:
        """A message that says what happened rather than where (no place in it)."""
        return (
            parse.category is not None
            and parse.confidence >= self.config.low_confidence
            and len(_content_words(parse.text)) >= 3
        )

    def _category_in_correction(self, parse: ParseResult) -> str | None:
        """The category a correction asks for: only when the words beyond the place say so."""
        if parse.category is None or parse.confidence < self.config.low_confidence:
            return None
        rest = parse.text
        location = parse.location
        if location is not None and location.start is not None and location.end is not None:
            rest = rest[: location.start] + " " + rest[location.end :]
        return parse.category if _content_words(rest) else None

    def _answer_choice(self, parse: ParseResult) -> None:
        match = _NUMBER.match(parse.text)
        candidates = self.draft.get("candidates") or []
        if match and 1 <= int(match.group(1)) <= len(candidates):
            chosen = candidates[int(match.group(1)) - 1]
            location = dict(self.draft.get("location") or {})
            location.update(chosen)
            self.draft["location"] = location
            self.draft.pop("candidates", None)
            self._next_question()
            return
        if not has_letters(parse.text) or normalise(parse.text) in _AFFIRM | _DENY:
            self._next_question()  # asks the numbered choice again
            return
        self.draft.pop("candidates", None)
        self._answer_place(parse)

    def _answer_confirmation(self, parse: ParseResult) -> None:
        folded = normalise(parse.text)
        if folded in _AFFIRM or (parse.intent == "affirm" and parse.category is None):
            self._save()
            return
        if folded in _DENY or (parse.intent == "deny" and len(folded.split()) <= 2):
            self.say("ask_what_to_change")
            return
        correction = _LEADING_NO.sub("", parse.text)
        reparsed = self.nlu.parse(correction) if correction != parse.text else parse
        changed = False
        menu = _MENU.get(normalise(correction))
        category = menu or self._category_in_correction(reparsed)
        if category is not None and category != self.draft.get("category"):
            self._set_category(category, 1.0 if menu else reparsed.confidence)
            changed = True
        location = reparsed.location
        if location is None and menu is None:
            location = self.places.resolve(correction)
        if location is not None:
            self._set_location(location)
            changed = True
        if not changed:
            if len(_content_words(correction)) < 3:
                self._ask_confirmation()  # "thanks", "1", "ok?": ask again
                return
            self._add_description(correction)
        self._next_question()

    def _answer_age(self, parse: ParseResult) -> None:
        folded = normalise(parse.text)
        if folded in {"skip", "saltar", "omitir", "no"}:
            self._reset()
            self.say("survey_done")
            return
        age = parse_age_group(parse.text)
        if age is None:
            self._reset()
            self._new_message(parse)
            return
        self._set_demographic("age_group", age)
        self.set_step("survey_gender")
        self.say("ask_gender")

    def _answer_gender(self, parse: ParseResult) -> None:
        folded = normalise(parse.text)
        gender = parse_gender(parse.text)
        if gender is None and folded not in {"skip", "saltar", "omitir", "no"}:
            self._reset()
            self._new_message(parse)
            return
        if gender is not None:
            self._set_demographic("gender", gender)
        report_id = self.state.get("report_id")
        self._reset()
        self.state["report_id"] = report_id
        self.say("survey_done")

    def _set_demographic(self, name: str, value: str) -> None:
        setattr(self.reporter, name, value)
        report_id = self.state.get("report_id")
        report = self.session.get(Report, report_id) if report_id else None
        if report is not None:
            setattr(report, name, value)

    # ------------------------------------------------------------- the draft
    def _add_description(self, message_text: str) -> None:
        parts = list(self.draft.get("description", []))
        if message_text and message_text not in parts:
            parts.append(message_text[:2000])
        self.draft["description"] = parts

    def _set_category(self, code: str, confidence: float) -> None:
        if code not in CATEGORY_CODES:
            return
        was_sensitive = is_sensitive(self.draft.get("category"))
        self.draft["category"] = code
        self.draft["confidence"] = round(float(confidence), 4)
        if is_sensitive(code) and not was_sensitive and not self.draft.get("sensitive_told"):
            self.draft["sensitive_told"] = True
            helpline = self.config.helplines.get(code)
            if helpline:
                self.say("sensitive_helpline", helpline=helpline)
            else:
                self.say("sensitive", emergency=self.config.emergency_number)
            queries.add_flag(
                self.session, conversation=self.conversation, reason="sensitive", detail=code
            )

    def _set_location(self, location: LocationResult) -> None:
        previous = (self.draft.get("location") or {}).get("text")
        if previous != location.text:
            self.draft.pop("place_accepted", None)
        self.draft["location"] = {
            "text": location.text,
            "place": location.place,
            "lat": location.lat,
            "lon": location.lon,
            "district": location.district,
            "precision_m": location.precision_m,
            "outside": location.outside_belize,
            "relation": location.relation,
            "street": location.street,
        }
        if location.candidates and not location.resolved:
            self.draft["candidates"] = [
                {
                    "place": c.name,
                    "lat": c.lat,
                    "lon": c.lon,
                    "district": c.district,
                    "precision_m": c.precision_m,
                }
                for c in location.candidates[:MAX_CHOICES]
            ]
        else:
            self.draft.pop("candidates", None)

    def _pin(self, lat: float, lon: float, label: str | None) -> None:
        location = self.places.reverse(lat, lon)
        if label:
            location = LocationResult(
                text=label,
                place=label,
                lat=lat,
                lon=lon,
                district=location.district,
                precision_m=location.precision_m,
                outside_belize=location.outside_belize,
            )
        self._set_location(location)

    def _next_question(self) -> None:
        draft = self.draft
        location = draft.get("location")
        if draft.get("category") is None:
            self.set_step("ask_category")
            self.say("ask_category")
        elif location is None:
            self.set_step("ask_place")
            self.say("ask_place")
        elif location.get("outside"):
            self.set_step("ask_place")
            self.say("place_outside", text=_short(location["text"]))
        elif draft.get("candidates"):
            self.set_step("choose_place")
            candidates = draft["candidates"]
            # Districts only where they tell the candidates apart; names fit one SMS.
            show_district = len({c.get("district") for c in candidates}) > 1
            limit = 110 // len(candidates) - (12 if show_district else 3)
            options = ", ".join(
                f"{i} {_short(c['place'], limit)}"
                + (f" ({c['district']})" if show_district and c.get("district") else "")
                for i, c in enumerate(candidates, start=1)
            )
            self.say("choose_place", options=options)
        elif location.get("lat") is None and not draft.get("place_accepted"):
            draft["place_tries"] = int(draft.get("place_tries", 0)) + 1
            if draft["place_tries"] >= 2:
                # Asked twice: keep the citizen's words; staff will place it.
                draft["place_accepted"] = True
                self._ask_confirmation()
                return
            self.set_step("ask_place")
            self.say("place_not_found", text=_short(location["text"]))
        else:
            self._ask_confirmation()

    def _ask_confirmation(self) -> None:
        self.set_step("confirm")
        self.say(
            "confirm",
            category=category_label(self.draft.get("category"), self.lang),
            place=_short(self._place_display(), 70),
        )

    def _place_display(self) -> str:
        location = self.draft.get("location") or {}
        place = str(location.get("place") or location.get("text") or "?")
        street = location.get("street")
        if street and street not in place:
            place = f"{place}, {street}"  # "Belmopan Market, Ring Road"
        district = location.get("district")
        if district and district not in place:
            return f"{place}, {district}"
        return place

    # ------------------------------------------------------------------ save
    def _create_report(self, *, status: str) -> Report:
        draft = self.draft
        location = draft.get("location") or {}
        reference = new_reference()
        while queries.reference_exists(self.session, reference=reference):
            reference = new_reference()
        category = draft.get("category")
        report = Report(
            reference=reference,
            conversation_id=self.conversation.id,
            reporter_id=self.reporter.id,
            category=category,
            description="\n".join(draft.get("description", [])),
            location_text=location.get("text"),
            place=location.get("place"),
            lat=location.get("lat"),
            lon=location.get("lon"),
            district=location.get("district"),
            precision_m=location.get("precision_m"),
            urgent=bool(draft.get("urgent")),
            sensitive=is_sensitive(category),
            status=status,
            channel=self.conversation.channel,
            language=self.lang,
            nlu_confidence=draft.get("confidence"),
            reporter_key=self.reporter.key,
            age_group=self.reporter.age_group,
            gender=self.reporter.gender,
        )
        self.session.add(report)
        self.session.flush()
        queries.add_report_event(self.session, report=report, kind="created", to_status=status)
        queries.attach_open_flags(self.session, conversation=self.conversation, report=report)
        if draft.get("media"):
            queries.attach_media(self.session, report=report, message_ids=draft["media"])
        return report

    def _save(self) -> None:
        draft = self.draft
        report = self._create_report(status="new")
        location = draft.get("location") or {}
        confidence = draft.get("confidence")
        if confidence is not None and confidence < self.config.low_confidence:
            queries.add_flag(
                self.session,
                conversation=self.conversation,
                reason="low_confidence",
                report=report,
                detail=f"{confidence:.2f}",
            )
        if location.get("lat") is None:
            queries.add_flag(
                self.session,
                conversation=self.conversation,
                reason="unresolved_location",
                report=report,
                detail=location.get("text"),
            )
        self._reset()
        self.state["report_id"] = report.id
        self.set_step("survey_age")
        self.say("saved", reference=report.reference)
        if self.reporter.age_group is None:
            self.say("ask_age")
        else:
            self._reset()
            self.state["report_id"] = report.id


def _short(value: str, limit: int = 40) -> str:
    value = " ".join(str(value).split())
    return value if len(value) <= limit else value[: limit - 3].rstrip() + "..."


def _content_words(value: str) -> list[str]:
    return [w for w in normalise(value).split() if w not in _FUNCTION_WORDS and has_letters(w)]
