"""How people describe places, in English, Kriol and Spanish, resolved by the gazetteer."""

from __future__ import annotations

import pytest

from nlu.places import get_gazetteer
from nlu.places.geo import haversine_m
from nlu.types import LocationResult

MARKET = (17.2495, -88.7700)
HOSPITAL = (17.2533, -88.7757)


@pytest.fixture(scope="module")
def gaz():
    return get_gazetteer()


def _resolved(result: LocationResult | None) -> LocationResult:
    assert result is not None
    assert result.resolved, result
    return result


# (answer, place, relation, precision_m): each relation in each language.
PHRASES = [
    # the place itself
    ("the market", "Belmopan Market and bus terminal", None, 400),
    ("di market", "Belmopan Market and bus terminal", None, 400),
    ("el mercado", "Belmopan Market and bus terminal", None, 400),
    ("di hospital", "Western Regional Hospital", None, 250),
    ("el hospital", "Western Regional Hospital", None, 250),
    ("at the bus station", "Belmopan Market and bus terminal", None, 400),
    # near
    ("near the market", "Belmopan Market and bus terminal", "near", 700),
    ("by the market", "Belmopan Market and bus terminal", "near", 700),
    ("ova by di market", "Belmopan Market and bus terminal", "near", 700),
    ("roun di market", "Belmopan Market and bus terminal", "near", 700),
    ("cerca del mercado", "Belmopan Market and bus terminal", "near", 700),
    ("por el mercado", "Belmopan Market and bus terminal", "near", 700),
    ("down the road from the market", "Belmopan Market and bus terminal", "near", 700),
    ("up di road fram di market", "Belmopan Market and bus terminal", "near", 700),
    ("a una cuadra del mercado", "Belmopan Market and bus terminal", "near", 700),
    # next to
    ("next to the hospital", "Western Regional Hospital", "next_to", 350),
    ("nex to di hospital", "Western Regional Hospital", "next_to", 350),
    ("al lado del hospital", "Western Regional Hospital", "next_to", 350),
    ("two doors from the market", "Belmopan Market and bus terminal", "next_to", 510),
    ("2 houses down from di market", "Belmopan Market and bus terminal", "next_to", 510),
    # behind
    ("behind the hospital", "Western Regional Hospital", "behind", 400),
    ("backa di hospital", "Western Regional Hospital", "behind", 400),
    ("atrás del hospital", "Western Regional Hospital", "behind", 400),
    ("detras del mercado", "Belmopan Market and bus terminal", "behind", 550),
    # in front of
    ("in front of the hospital", "Western Regional Hospital", "in_front_of", 350),
    ("fronta di hospital", "Western Regional Hospital", "in_front_of", 350),
    ("frente al hospital", "Western Regional Hospital", "in_front_of", 350),
    ("enfrente del mercado", "Belmopan Market and bus terminal", "in_front_of", 500),
    # across from
    ("across from the market", "Belmopan Market and bus terminal", "across_from", 550),
    ("cross fram di market", "Belmopan Market and bus terminal", "across_from", 550),
    ("al otro lado del mercado", "Belmopan Market and bus terminal", "across_from", 550),
    # on a street
    ("on Ring Road", "Ring Road", "on", 1500),
    ("pan Ring Road", "Ring Road", "on", 1500),
    ("en la calle Ring Road", "Ring Road", "on", 1500),
    # X in Y: the most specific place
    ("the market in Belmopan", "Belmopan Market and bus terminal", None, 400),
    ("Ring Road near the market", "Belmopan Market and bus terminal", "near", 700),
    ("el mercado en Belmopan", "Belmopan Market and bus terminal", None, 400),
    ("di market eena Belmo", "Belmopan Market and bus terminal", None, 400),
]


@pytest.mark.parametrize(("answer", "place", "relation", "precision"), PHRASES)
def test_relation_phrases(gaz, answer, place, relation, precision):
    result = _resolved(gaz.resolve(answer))
    assert result.place == place
    assert result.relation == relation
    assert result.precision_m == precision
    assert result.district == "Cayo"
    assert not result.outside_belize


CORNERS = [
    "corner of Ring Road and Constitution Drive",
    "Ring Road and Constitution Drive corner",
    "kaana a Ring Road an Constitution Drive",
    "esquina de Ring Road y Constitution Drive",
    "en la esquina de Ring Road y Constitution Drive",
    "where Ring Road meets Constitution Drive",
    "Ring Road & Constitution Drive",  # two streets named together
]


@pytest.mark.parametrize("answer", CORNERS)
def test_corner_of_two_streets(gaz, answer):
    result = _resolved(gaz.resolve(answer))
    assert result.relation == "corner"
    assert result.place == "corner of Ring Road and Constitution Drive"
    # Where the two streets' areas overlap: within Constitution Drive's 800 m, and the
    # uncertainty is no larger than the smaller street's.
    assert result.lat is not None and result.lon is not None
    assert haversine_m(result.lat, result.lon, 17.2533, -88.7757) <= 800
    assert result.precision_m is not None and 100 <= result.precision_m <= 800


BETWEEN = [
    "between the market and the hospital",
    "betwiin di market an di hospital",
    "entre el mercado y el hospital",
]


@pytest.mark.parametrize("answer", BETWEEN)
def test_between_is_the_midpoint_with_half_the_distance(gaz, answer):
    result = _resolved(gaz.resolve(answer))
    assert result.relation == "between"
    assert result.lat == pytest.approx((MARKET[0] + HOSPITAL[0]) / 2)
    assert result.lon == pytest.approx((MARKET[1] + HOSPITAL[1]) / 2)
    half = haversine_m(*MARKET, *HOSPITAL) / 2
    # never more precise than the places themselves (the market is 400 m across)
    assert result.precision_m == round(max(half, 250))


@pytest.mark.parametrize(
    ("answer", "place", "district"),
    [
        ("Camelote", "Camelote", "Cayo"),
        ("Camalote", "Camelote", "Cayo"),
        ("Camalot", "Camelote", "Cayo"),  # misspelt
        ("Belmopn", "Belmopan", "Cayo"),  # misspelt
        ("Bmp", "Belmopan", "Cayo"),
        ("Belmo", "Belmopan", "Cayo"),
        ("Benque", "Benque Viejo el Carmen", "Cayo"),
        ("Sucotz", "San Jose Soccoths", "Cayo"),  # misspelt alias
        ("PG", "Punta Gorda", "Toledo"),
        ("Dangriga Town", "Dangriga", "Stann Creek"),
        ("Mango Creek", "Independence and Mango Creek", "Stann Creek"),
        ("Orange Walk Town", "Orange Walk", "Orange Walk"),
        ("Sarteneja", "Sarteneja", "Corozal"),
        ("Caye Caulker", "Caye Caulker", "Belize"),
        ("Spanish Lookout", "Spanish Lookout", "Cayo"),
        ("St. Martin's school", "St. Martin's Government School", "Cayo"),
        ("Saint Luke hospital", "St. Luke Hospital", "Cayo"),
        ("Maya Mopan", "Maya Mopan", "Cayo"),  # the Belmopan neighbourhood, by default
        ("Maya Mopan village Stann Creek", "Maya Mopan", "Stann Creek"),
    ],
)
def test_names_aliases_and_misspellings(gaz, answer, place, district):
    result = _resolved(gaz.resolve(answer))
    assert (result.place, result.district) == (place, district)


@pytest.mark.parametrize(
    ("answer", "place", "district"),
    [
        ("San Antonio Cayo", "San Antonio", "Cayo"),
        ("San Antonio, Toledo", "San Antonio", "Toledo"),
        ("San Antonio village Corozal District", "San Antonio", "Corozal"),
        ("San Pedro Ambergris", "San Pedro", "Belize"),
        ("San Pedro Columbia", "San Pedro", "Toledo"),
        ("Santa Cruz Stann Creek", "Santa Cruz", "Stann Creek"),
        ("San Jose in Orange Walk", "San Jose", "Orange Walk"),
        ("San Felipe, Toledo District", "San Felipe", "Toledo"),
        # the pilot city's district decides between namesakes
        ("San Antonio", "San Antonio", "Cayo"),
        ("Buena Vista", "Buena Vista", "Cayo"),
        ("Cristo Rey", "Cristo Rey", "Cayo"),
        # one namesake far bigger than the others
        ("San Pedro", "San Pedro", "Belize"),
    ],
)
def test_duplicated_names_resolved_by_context(gaz, answer, place, district):
    result = _resolved(gaz.resolve(answer))
    assert (result.place, result.district) == (place, district)
    assert result.candidates == ()


@pytest.mark.parametrize(
    ("answer", "districts"),
    [
        ("San Jose", {"Orange Walk", "Toledo"}),
        ("Santa Cruz", {"Stann Creek", "Toledo"}),
        ("San Felipe", {"Orange Walk", "Toledo"}),
        ("San Pablo", {"Orange Walk", "Toledo"}),
    ],
)
def test_ambiguous_names_offer_a_numbered_choice(gaz, answer, districts):
    result = gaz.resolve(answer)
    assert result is not None
    assert not result.resolved
    assert result.lat is None and result.lon is None
    assert {c.district for c in result.candidates} == districts
    assert len({c.name for c in result.candidates}) == len(result.candidates)  # tell-apart names
    chosen = gaz.choose(result, "2")
    assert chosen is not None and chosen.resolved
    assert chosen.district == result.candidates[1].district
    assert gaz.choose(result, "9") is None


def test_ambiguous_name_with_another_default_city(gaz):
    # From Punta Gorda, "San Jose" is the Toledo village.
    result = _resolved(get_gazetteer("Punta Gorda").resolve("San Jose"))
    assert result.district == "Toledo"
    result = _resolved(gaz.resolve("San Jose", default_city="Orange Walk"))
    assert result.district == "Orange Walk"
    # Belmopan's schools are not Punta Gorda's
    assert get_gazetteer("Punta Gorda").resolve("backa di skool") is None


@pytest.mark.parametrize("answer", ["backa di skool", "behind the school", "atrás de la escuela"])
def test_generic_landmark_gives_the_default_citys_schools(gaz, answer):
    result = gaz.resolve(answer)
    assert result is not None and not result.resolved
    assert result.relation == "behind"
    assert len(result.candidates) >= 2
    assert all("School" in c.name and c.district == "Cayo" for c in result.candidates)
    chosen = gaz.choose(result, "Methodist")
    assert chosen is not None and chosen.place == "Methodist High School, Belmopan"
    # the relation's radius comes with the choice
    assert chosen.precision_m == 400


@pytest.mark.parametrize(
    ("answer", "place"),
    [
        ("Chetumal", "Chetumal, Mexico"),
        ("in Chetumal", "Chetumal, Mexico"),
        ("Guatemala City", "Guatemala City, Guatemala"),
        ("Melchor de Mencos", "Melchor de Mencos, Guatemala"),
        ("San Pedro Sula", "San Pedro Sula, Honduras"),
        ("Cancun", "Cancún, Mexico"),
        ("Mexico", "Mexico"),
        ("Guatemala", "Guatemala"),
    ],
)
def test_places_outside_belize_are_outside(gaz, answer, place):
    result = gaz.resolve(answer)
    assert result is not None
    assert result.outside_belize
    assert result.place == place
    assert result.district is None


def test_a_belize_name_wins_over_a_foreign_namesake(gaz):
    result = _resolved(gaz.resolve("Santa Elena"))
    assert not result.outside_belize and result.district == "Cayo"


@pytest.mark.parametrize("answer", ["Sta. Elena", "sta elena", "Sta. Elena market"])
def test_an_abbreviated_santa_is_santa(gaz, answer):
    # "Sta. Elena market" once fell back on "market" alone: the Belmopan market
    result = _resolved(gaz.resolve(answer))
    assert result.place == "Santa Elena"


@pytest.mark.parametrize(
    ("answer", "anchor", "extra"),
    [
        ("Salvapan", "Maya Mopan", 1000),
        ("Mountain View", "Constitution Drive", 800),
    ],
)
def test_places_without_open_coordinates_resolve_only_through_their_source(
    gaz, answer, anchor, extra
):
    result = _resolved(gaz.resolve(answer))
    base = _resolved(gaz.resolve(anchor))
    assert result.place == answer
    assert (result.lat, result.lon) == (base.lat, base.lon)
    assert result.precision_m == base.precision_m + extra


@pytest.mark.parametrize("answer", ["", "   ", "abc", "yes", "I don't know", "asdfghjkl", "???"])
def test_no_place(gaz, answer):
    assert gaz.resolve(answer) is None


def test_district_alone(gaz):
    result = _resolved(gaz.resolve("somewhere in Toledo"))
    assert result.place == "Toledo District"
    assert result.district == "Toledo"
    assert result.precision_m is not None and result.precision_m > 20_000


@pytest.mark.parametrize(
    ("answer", "place", "district", "precision"),
    [
        # A Belmopan landmark word with another town: that town's own market or hospital is
        # not in the data, so the answer is the town, with the town's radius.
        ("San Ignacio market", "San Ignacio", "Cayo", 3000),
        ("the hospital in Belize City", "Belize City", "Belize", 4000),
        ("Orange Walk market", "Orange Walk", "Orange Walk", 3000),
        ("the school in Armenia", "Armenia", "Cayo", 1500),
        # ...while a landmark in the town named stays the answer
        ("Belmopan market", "Belmopan Market and bus terminal", "Cayo", 400),
        ("the market in Cayo", "Belmopan Market and bus terminal", "Cayo", 400),
        ("Roaring Creek near the market", "Belmopan Market and bus terminal", "Cayo", 700),
    ],
)
def test_landmarks_must_lie_in_the_town_named_with_them(gaz, answer, place, district, precision):
    result = _resolved(gaz.resolve(answer))
    assert (result.place, result.district, result.precision_m) == (place, district, precision)


def test_an_ambiguous_landmark_in_a_city_is_still_a_choice(gaz):
    result = gaz.resolve("backa di skool inna Belmo")
    assert result is not None and not result.resolved
    assert result.relation == "behind"
    assert len(result.candidates) >= 2


def test_local_landmarks_belong_to_the_default_city():
    from_san_ignacio = get_gazetteer("San Ignacio")
    assert from_san_ignacio.resolve("the market") is None  # not Belmopan's
    result = _resolved(from_san_ignacio.resolve("Belmopan market"))
    assert result.place == "Belmopan Market and bus terminal"
