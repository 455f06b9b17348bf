"""The report conversation, through the service, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from actions.messages import Attachment, InboundMessage, Pin
from bot.runtime import Runtime, build_runtime
from storage.models import Conversation, Flag, Message, Report, Reporter

REFERENCE = re.compile(r"\bBZ-[2-9A-HJ-NP-Z]{4}\b")


class Citizen:
    def __init__(self, runtime: Runtime, address: str = "+5016100001", channel: str = "sms"):
        self.runtime = runtime
        self.address = address
        self.channel = channel

    def says(self, text: str = "", **kwargs: object) -> list[str]:
        inbound = InboundMessage(
            channel=self.channel,
            address=self.address,
            text=text,
            **kwargs,  # type: ignore[arg-type]
        )
        return list(self.runtime.service.receive(inbound).texts)


def reports(runtime: Runtime) -> list[Report]:
    with runtime.session_factory() as session:
        return list(session.scalars(select(Report).order_by(Report.id)))


def flags(runtime: Runtime) -> set[str]:
    with runtime.session_factory() as session:
        return set(session.scalars(select(Flag.reason)))


def reference_in(replies: list[str]) -> str:
    for reply in replies:
        match = REFERENCE.search(reply)
        if match:
            return match.group(0)
    raise AssertionError(f"no reference in {replies!r}")


def test_one_message_english_report_to_reference(runtime: Runtime) -> None:
    citizen = Citizen(runtime)
    first = citizen.says("the street light on Ring Road by the market is out since last week")
    # "Ring Road by the market": the most specific place wins.
    assert len(first) == 1 and "Market" in first[0] and "YES" in first[0]
    saved = citizen.says("yes")
    reference = reference_in(saved)
    [report] = reports(runtime)
    assert report.reference == reference
    assert report.category == "street_lighting"
    assert report.language == "en"
    assert report.lat is not None and report.lon is not None
    assert report.district == "Cayo"
    assert report.status == "new"
    assert "since last week" in report.description


def test_kriol_report_asks_for_place_and_answers_in_kriol(runtime: Runtime) -> None:
    citizen = Citizen(runtime, channel="whatsapp", address="whatsapp:+5016100003")
    asked = citizen.says("di lite pos da mi kaana noh di wok fi two week")
    assert asked == [
        "Weh ih deh? Tel wi di street, wahn landmark or di aria (eg 'backa di "
        "market'), or sen wahn pin."
    ]
    confirm = citizen.says("backa di market")
    assert "Ansa YES" in confirm[0]
    saved = citizen.says("yes")
    assert saved[0].startswith("Ih sen.")
    [report] = reports(runtime)
    assert report.language == "bzj"
    assert report.category == "street_lighting"
    assert report.place is not None and "Market" in report.place


def test_spanish_report_confirmed_with_si(runtime: Runtime) -> None:
    citizen = Citizen(runtime, address="+5016100004")
    confirm = citizen.says("hay unos hombres vendiendo droga cerca del mercado")
    assert "Responda SI" in confirm[0]
    saved = citizen.says("si")
    assert saved[0].startswith("Enviado.")
    reference_in(saved)
    [report] = reports(runtime)
    assert (report.category, report.language) == ("criminal_activity", "es")


def test_asks_only_for_the_category_when_the_place_is_known(runtime: Runtime) -> None:
    citizen = Citizen(runtime)
    # a message that says where but not what (the NLU guesses a category for vague messages
    # at low confidence, below the dialogue's ask_category_below)
    asked = citizen.says("something happened behind the hospital")
    assert asked[0].startswith("What is the problem?")
    confirm = citizen.says("light")
    assert confirm[0].startswith("Dark street/light out at")
    assert "Hospital" in confirm[0]


def test_correction_at_confirmation_changes_the_place(runtime: Runtime) -> None:
    citizen = Citizen(runtime)
    first = citizen.says("street light out by the market")
    assert "Market" in first[0]
    corrected = citizen.says("no, it's in Las Flores")
    assert "Las Flores" in corrected[-1] and "YES" in corrected[-1]
    citizen.says("yes")
    [report] = reports(runtime)
    assert report.place == "Las Flores"


def test_immediate_danger_gets_the_emergency_number_first(runtime: Runtime) -> None:
    citizen = Citizen(runtime)
    replies = citizen.says("a man with a gun is robbing the shop right now")
    assert replies[0] == "If you or someone is in danger now, call 911 right away."
    assert len(replies) >= 2  # and then the question
    citizen.says("by the market")
    citizen.says("yes")
    [report] = reports(runtime)
    assert report.urgent is True
    assert "urgent" in flags(runtime)


def test_sensitive_category_gets_a_helpline_and_a_flag(db_url: str, nlu_engine: object) -> None:
    from tests.conftest import make_settings

    settings = make_settings(db_url, safercity_helpline_harassment="0-800-HELP-NOW")
    runtime = build_runtime(settings, nlu=nlu_engine)  # type: ignore[arg-type]
    citizen = Citizen(runtime)
    replies = citizen.says("a man keeps catcalling and following girls near the market")
    assert any("0-800-HELP-NOW" in r for r in replies)
    citizen.says("yes")
    [report] = reports(runtime)
    assert report.sensitive is True and report.category == "harassment"
    assert "sensitive" in flags(runtime)
    runtime.engine.dispose()


def test_help_mid_report_repeats_the_question(runtime: Runtime) -> None:
    citizen = Citizen(runtime)
    citizen.says("the lights are out and it is very dark at night")
    replies = citizen.says("HELP")
    assert "STATUS" in replies[0] and "911" in replies[0]
    assert replies[-1].startswith("Where is it?")


def test_cancel_discards_the_report_in_progress(runtime: Runtime) -> None:
    citizen = Citizen(runtime)
    citizen.says("lights out and very dark")
    assert citizen.says("CANCEL")[0].startswith("OK, I cancelled")
    assert reports(runtime) == []
    assert citizen.says("cancel")[0].startswith("There is no report in progress")


def test_status_of_my_report_and_not_of_others(runtime: Runtime) -> None:
    citizen = Citizen(runtime)
    citizen.says("street light out on Ring Road")
    reference = reference_in(citizen.says("yes"))
    citizen.says("skip")
    status = citizen.says(f"status {reference.lower()}")
    assert status == [f"Report {reference} (Dark street/light out): received."]
    other = Citizen(runtime, address="+5016100999")
    assert "cannot find" in other.says(f"STATUS {reference}")[0]


def test_stop_silences_until_start(runtime: Runtime) -> None:
    citizen = Citizen(runtime)
    assert "no more messages" in citizen.says("STOP")[0]
    assert citizen.says("street light out on Ring Road") == []
    assert citizen.says("START")[0].startswith("Welcome back")
    assert citizen.says("street light out on Ring Road")[0].startswith("Dark street")


def test_delete_erases_the_person_but_keeps_the_anonymous_report(runtime: Runtime) -> None:
    citizen = Citizen(runtime)
    citizen.says("street light out on Ring Road")
    citizen.says("yes")
    citizen.says("skip")
    assert "Reply YES to erase" in citizen.says("DELETE")[0]
    assert citizen.says("yes")[0].startswith("Done: we erased")
    with runtime.session_factory() as session:
        assert session.scalars(select(Reporter)).all() == []
        assert session.scalars(select(Message)).all() == []
        [report] = session.scalars(select(Report)).all()
        assert report.reporter_key is None and report.category == "street_lighting"


def test_asking_for_a_person_flags_the_conversation(runtime: Runtime) -> None:
    citizen = Citizen(runtime)
    assert "team" in citizen.says("agent")[0]
    assert "handoff" in flags(runtime)


def test_language_switch_keyword(runtime: Runtime) -> None:
    citizen = Citizen(runtime)
    assert citizen.says("espanol") == ["Bien, le respondo en espanol."]
    assert citizen.says("hi")[0].startswith("Hola")


def test_restart_mid_conversation_loses_nothing(runtime: Runtime, nlu_engine: object) -> None:
    Citizen(runtime).says("the lights are out and it is so dark at night")
    runtime.engine.dispose()
    restarted = build_runtime(runtime.settings, nlu=nlu_engine)  # type: ignore[arg-type]
    citizen = Citizen(restarted)
    assert "YES" in citizen.says("behind the hospital")[0]
    reference_in(citizen.says("yes"))
    assert reports(restarted)[0].category == "street_lighting"
    restarted.engine.dispose()


def test_idle_conversation_restarts_and_keeps_the_unfinished_report(runtime: Runtime) -> None:
    citizen = Citizen(runtime)
    citizen.says("the lights are out and it is so dark at night")
    with runtime.session_factory() as session:
        for conversation in session.scalars(select(Conversation)):
            conversation.last_activity_at -= timedelta(hours=7)
        session.commit()
    replies = citizen.says("there are stray dogs by the market")
    assert replies[0] == "Welcome back. Your unfinished report was kept for our team."
    [kept] = reports(runtime)
    assert (kept.status, kept.category) == ("incomplete", "street_lighting")
    assert "incomplete" in flags(runtime)


def test_pin_answers_the_place_question(runtime: Runtime) -> None:
    citizen = Citizen(runtime, channel="whatsapp", address="whatsapp:+5016100005")
    citizen.says("bush so high by my house nobody can see")
    confirm = citizen.says("", kind="location", pin=Pin(lat=17.2351, lon=-88.7790))
    assert "YES" in confirm[0]
    citizen.says("yes")
    [report] = reports(runtime)
    assert report.lat == 17.2351 and report.lon == -88.7790
    assert report.district == "Cayo"


def test_photo_is_kept_with_the_report(runtime: Runtime) -> None:
    citizen = Citizen(runtime, channel="whatsapp", address="whatsapp:+5016100006")
    photo = Attachment(kind="photo", content_type="image/jpeg", url="https://example.test/p.jpg")
    replies = citizen.says("", kind="photo", attachments=(photo,))
    assert replies[0] == "Thanks, I kept the photo with your report."
    citizen.says("abandoned house used by addicts on Bliss Parade")
    citizen.says("yes")
    [report] = reports(runtime)
    assert report.media and report.media[0]["url"] == "https://example.test/p.jpg"


def test_bad_input_gets_a_helpful_reply_and_is_stored(runtime: Runtime) -> None:
    citizen = Citizen(runtime)
    bad_inputs = ["", "   \n\t ", "😀😀😀", "\x00\x07\x1b[31m", "<Response><Message>x</Message>"]
    for text in bad_inputs:
        replies = citizen.says(text)
        assert replies, f"no reply to {text!r}"
        assert any("HELP" in r or "in words" in r or "SaferCity" in r for r in replies)
    long_replies = citizen.says("the street light is out " * 220)  # > 5,000 characters
    assert long_replies
    with runtime.session_factory() as session:
        inbound = session.scalars(select(Message).where(Message.direction == "in")).all()
        assert len(inbound) == len(bad_inputs) + 1
        assert all(m.status == "processed" for m in inbound)


def test_simultaneous_retries_are_processed_once(runtime: Runtime) -> None:
    """Twilio can deliver the same MessageSid twice at once: one is processed, both answered."""
    from concurrent.futures import ThreadPoolExecutor

    inbound = InboundMessage(
        channel="sms",
        address="+5016100010",
        text="street light out on Ring Road",
        provider_message_id="SMsimultaneous0001",
    )
    with ThreadPoolExecutor(max_workers=4) as pool:
        replies = list(pool.map(lambda _: runtime.service.receive(inbound), range(4)))
    with runtime.session_factory() as session:
        stored = session.scalars(select(Message).where(Message.direction == "in")).all()
        answers = session.scalars(select(Message).where(Message.direction == "out")).all()
    assert len(stored) == 1
    assert stored[0].status == "processed"
    assert len(answers) == 1
    assert sum(1 for reply in replies if not reply.duplicate) == 1
    assert all(reply.texts in {(), (answers[0].text,)} for reply in replies)
