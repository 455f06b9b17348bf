"""Places inside longer messages (the NLU fallback), and the confirmation wording."""

from __future__ import annotations

import pytest

from nlu.places import candidate_menu, describe, get_gazetteer


@pytest.fixture(scope="module")
def gaz():
    return get_gazetteer()


@pytest.mark.parametrize(
    ("message", "span", "place", "relation"),
    [
        (
            "Street light out on Ring Road near the market",
            "Ring Road near the market",
            "Belmopan Market and bus terminal",
            "near",
        ),
        (
            "There is a big pothole by the market since monday",
            "by the market",
            "Belmopan Market and bus terminal",
            "near",
        ),
        (
            "di lights dead backa di hospital",
            "backa di hospital",
            "Western Regional Hospital",
            "behind",
        ),
        (
            "robaron una cartera frente al hospital en Belmopan",
            "frente al hospital en Belmopan",
            "Western Regional Hospital",
            "in_front_of",
        ),
        ("fight in San Antonio Cayo last night", "in San Antonio Cayo", "San Antonio", None),
        ("the light is out in Douglas village", "in Douglas village", "Douglas", None),
        ("garbage pile up in Camalote", "in Camalote", "Camelote", None),
        ("Flooding on the road to Belmopn", "Belmopn", "Belmopan", None),
        ("he lives in Dolores village", "in Dolores village", "Dolores", None),
        (
            "dehn lef wan wreck kyar front a di skool fi monts",
            "front a di skool",
            None,
            "in_front_of",
        ),
        ("unu kom klean di lat kaana a di skool", "kaana a di skool", None, "next_to"),
        (
            "di taxi man dehn da di terminal holla",
            "da di terminal",
            "Belmopan Market and bus terminal",
            None,
        ),
        ("noh lite armenia fram di church", "armenia", "Armenia", None),
        ("fight at the school today", "at the school", None, None),
    ],
)
def test_place_inside_a_message(gaz, message, span, place, relation):
    result = gaz.find_in_text(message)
    assert result is not None
    assert result.place == place
    assert result.relation == relation
    assert result.text == span
    assert message[result.start : result.end] == span
    assert result.resolved or len(result.candidates) >= 2


@pytest.mark.parametrize(
    "message",
    [
        "Douglas hit me last night",  # a person, not the Orange Walk village
        "my cousin Esperanza is missing",
        "a Guatemala man stole my phone",  # a country without a cue
        "Mr Flores is selling drugs",  # a surname, and a town in Guatemala
        "Dolores called the police",
        "dogs attacking children on the way to school",  # "school" needs a cue
        "the jocote tree fell on the road",
        "the bulb on the post next to the big mango tree blow out",  # not Mango Creek
        "they keep the bar open till 4 even on school nights",
        "wan ole man offa di skool gyal dehn money",
        "I need help please",
        "the lights are broken since Monday",
        "",
    ],
)
def test_no_place_inside_a_message(gaz, message):
    assert gaz.find_in_text(message) is None


def test_spans_survive_accents_and_odd_characters(gaz):
    message = "¡Peligro! Hay un hueco atrás del mercado, señor"
    result = gaz.find_in_text(message)
    assert result is not None
    assert message[result.start : result.end] == "atrás del mercado"


def test_never_raises_on_odd_input(gaz):
    for text in ["\x00\x01", "ß" * 3000, "🙂🙂 market 🙂", "17.25, -88.77" * 300, "N" * 500]:
        gaz.find_in_text(text)
        gaz.resolve(text)


@pytest.mark.parametrize(
    ("answer", "language", "line"),
    [
        (
            "backa di hospital",
            "en",
            "behind Western Regional Hospital, Cayo District (within about 400 m)",
        ),
        (
            "backa di hospital",
            "bzj",
            "backa Western Regional Hospital, Cayo District (bout 400 m)",
        ),
        (
            "detrás del hospital",
            "es",
            "detrás de Western Regional Hospital, distrito de Cayo (a unos 400 m)",
        ),
        ("Chetumal", "en", "Chetumal, Mexico: outside Belize"),
        ("Chetumal", "es", "Chetumal, Mexico: fuera de Belice"),
        ("Camalote", "en", "Camelote, Cayo District (within about 2.0 km)"),
        (
            "corner of Ring Road and Constitution Drive",
            "en",
            "corner of Ring Road and Constitution Drive, Cayo District (within about 750 m)",
        ),
    ],
)
def test_confirmation_line(gaz, answer, language, line):
    result = gaz.resolve(answer)
    assert result is not None
    assert describe(result, language) == line


def test_candidate_menu(gaz):
    result = gaz.resolve("San Jose")
    assert result is not None
    assert candidate_menu(result) == (
        "Which one do you mean? Answer with the number:\n"
        "1. San Jose, Orange Walk District\n"
        "2. San Jose, Toledo District"
    )


@pytest.mark.parametrize(
    ("answer", "index"),
    [("2", 1), ("#2", 1), ("number 2", 1), ("di sekand wan", 1), ("el segundo", 1), ("one", 0)],
)
def test_numbered_choice(gaz, answer, index):
    result = gaz.resolve("San Jose")
    assert result is not None
    chosen = gaz.choose(result, answer)
    assert chosen is not None
    assert chosen.district == result.candidates[index].district
    assert chosen.candidates == ()


def test_choice_by_name(gaz):
    result = gaz.resolve("San Jose")
    assert result is not None
    chosen = gaz.choose(result, "Toledo")
    assert chosen is not None and chosen.district == "Toledo"
    assert gaz.choose(result, "neither") is None


def test_foreign_place_inside_a_message_needs_a_cue(gaz):
    result = gaz.find_in_text("my phone was stolen in Chetumal")
    assert result is not None and result.outside_belize
    assert gaz.find_in_text("he went to Chetumal and came back") is None


@pytest.mark.parametrize(
    ("answer", "street", "line"),
    [
        (
            "Ring Road near the market",
            "Ring Road",
            "Ring Road, near Belmopan Market and bus terminal, Cayo District (within about 700 m)",
        ),
        (
            "frente al hospital en Constitution Drive",
            "Constitution Drive",
            "Constitution Drive, in front of Western Regional Hospital, Cayo District"
            " (within about 350 m)",
        ),
        (
            "the market",
            None,
            "Belmopan Market and bus terminal, Cayo District (within about 400 m)",
        ),
    ],
)
def test_the_street_named_with_a_landmark_is_kept(gaz, answer, street, line):
    result = gaz.resolve(answer)
    assert result is not None
    assert result.street == street
    assert describe(result) == line


def test_command_line(capsys):
    from nlu.places.__main__ import main

    assert main(["resolve", "San Jose", "--lang", "es"]) == 0
    out = capsys.readouterr().out
    assert '"candidates": [' in out
    assert out.rstrip().endswith("2. San Jose, Toledo District")
    assert main(["reverse", "17.2534", "-88.7756"]) == 0
    assert (
        capsys.readouterr()
        .out.rstrip()
        .endswith("Western Regional Hospital, Belmopan, Cayo District (within about 30 m)")
    )
    assert main(["find", "nothing to see here"]) == 1
