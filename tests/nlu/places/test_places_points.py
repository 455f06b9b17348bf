"""Typed coordinates, GPS pins, districts and the border."""

from __future__ import annotations

import math

import pytest

from nlu.places import find_coordinates, get_gazetteer, parse_coordinates


@pytest.fixture(scope="module")
def gaz():
    return get_gazetteer()


@pytest.mark.parametrize(
    ("text", "lat", "lon"),
    [
        ("17.25, -88.77", 17.25, -88.77),
        ("17.25 -88.77", 17.25, -88.77),
        ("17.25;-88.77", 17.25, -88.77),
        ("17.25N 88.77W", 17.25, -88.77),
        ("17.25N, 88.77W", 17.25, -88.77),
        ("N17.25 W88.77", 17.25, -88.77),
        ("N 17.25 W 88.77", 17.25, -88.77),
        ("88.77W 17.25N", 17.25, -88.77),  # longitude first, with hemispheres
        ("17°15'03\"N 88°46'12\"W", 17 + 15 / 60 + 3 / 3600, -(88 + 46 / 60 + 12 / 3600)),
        ("17°15′03″N 88°46′12″W", 17 + 15 / 60 + 3 / 3600, -(88 + 46 / 60 + 12 / 3600)),
        ("N 17° 15.05' W 88° 46.2'", 17 + 15.05 / 60, -(88 + 46.2 / 60)),
        ("17.25, 88.77", 17.25, -88.77),  # Belize is west: an unsigned longitude is west
        ("-88.77, 17.25", 17.25, -88.77),  # typed longitude first
        ("18.5196, -88.3040", 18.5196, -88.304),
        ("17.25, -88.77.", 17.25, -88.77),
    ],
)
def test_typed_coordinates(text, lat, lon):
    coords = parse_coordinates(text)
    assert coords is not None
    assert coords.lat == pytest.approx(lat)
    assert coords.lon == pytest.approx(lon)


@pytest.mark.parametrize(
    "text",
    [
        "17.25, -200",  # longitude out of range
        "91N",  # a lone latitude, and out of range
        "91.5, 10.2",  # latitude out of range
        "17.25N 88.77N",  # two latitudes
        "17°75'00\"N 88°46'12\"W",  # 75 minutes
        "17°15'75\"N 88°46'12\"W",  # 75 seconds
        "-17.25N 88.77W",  # a sign and a hemisphere
        "abc",
        "17 88",  # two bare numbers
        "12:30",
        "",
        "17.25",
    ],
)
def test_malformed_coordinates_are_refused(text):
    assert parse_coordinates(text) is None
    assert find_coordinates(text) is None


@pytest.mark.parametrize("text", ["17.25, -200", "91N", "abc", "91.5, 10.2"])
def test_malformed_coordinates_do_not_resolve(gaz, text):
    assert gaz.resolve(text) is None


def test_coordinates_inside_a_message(gaz):
    result = gaz.find_in_text("pothole here 17.2533,-88.7757 please fix")
    assert result is not None and result.resolved
    assert (result.lat, result.lon) == (17.2533, -88.7757)
    assert result.text == "17.2533,-88.7757"
    assert (result.start, result.end) == (13, 29)
    assert result.place == "Western Regional Hospital, Belmopan"


def test_typed_coordinates_precision_follows_the_digits(gaz):
    coarse = gaz.resolve("17.25, -88.77")
    fine = gaz.resolve("17.25331, -88.77571")
    assert coarse is not None and fine is not None
    assert coarse.precision_m == pytest.approx(555, abs=1)  # 0.01 degree steps
    assert fine.precision_m is not None and fine.precision_m <= 10


# A point in each district (each a town's GeoNames position) and the named place expected.
DISTRICT_POINTS = [
    (17.49952, -88.19756, "Belize", "Belize City"),
    (17.15880, -89.06960, "Cayo", "San Ignacio"),
    (18.39375, -88.38849, "Corozal", "Corozal"),
    (18.08124, -88.56328, "Orange Walk", "Orange Walk"),
    (16.96970, -88.23313, "Stann Creek", "Dangriga"),
    (16.09835, -88.80970, "Toledo", "Punta Gorda"),
    # cayes outside the simplified coastline polygons
    (17.73659, -88.02761, "Belize", "Caye Caulker"),
    (17.91598, -87.96590, "Belize", "San Pedro"),
]


@pytest.mark.parametrize(("lat", "lon", "district", "place"), DISTRICT_POINTS)
def test_pins_in_each_district(gaz, lat, lon, district, place):
    result = gaz.reverse(lat, lon)
    assert result.district == district
    assert result.place == place
    assert not result.outside_belize
    assert (result.lat, result.lon) == (lat, lon)  # a pin keeps its own position
    assert result.relation == "pin"


@pytest.mark.parametrize(
    ("lat", "lon", "district"),
    [
        (17.2500, -88.7700, "Cayo"),
        (17.8000, -88.9000, "Orange Walk"),
        (18.2500, -88.4500, "Corozal"),
        (17.4000, -88.4000, "Belize"),
        (16.8000, -88.5000, "Stann Creek"),
        (16.3000, -89.0000, "Toledo"),
    ],
)
def test_district_of_points(gaz, lat, lon, district):
    assert gaz.district_of(lat, lon) == district


def test_pin_at_a_landmark_names_the_landmark(gaz):
    result = gaz.reverse(17.2534, -88.7756)
    assert result.place == "Western Regional Hospital, Belmopan"
    assert result.district == "Cayo"


def test_pin_between_villages_names_the_nearest(gaz):
    # Open country on the Hummingbird Highway, south of Belmopan.
    result = gaz.reverse(17.10, -88.68)
    assert result.place is not None and result.place.startswith("near ")
    assert result.district == "Cayo"


@pytest.mark.parametrize(
    ("lat", "lon", "place"),
    [
        (18.5196, -88.3040, "near Chetumal, Mexico"),  # Chetumal, across the Hondo
        (17.0661, -89.1523, "near Melchor de Mencos, Guatemala"),  # across from Benque
        (14.6407, -90.5133, "near Guatemala City, Guatemala"),
        (16.9226, -89.8994, "near Flores, Guatemala"),
        (21.1743, -86.8466, "near Cancún, Mexico"),
        (40.7128, -74.0060, None),  # New York: far from everything we know
    ],
)
def test_pins_outside_belize(gaz, lat, lon, place):
    result = gaz.reverse(lat, lon)
    assert result.outside_belize
    assert result.district is None
    assert result.place == place


@pytest.mark.parametrize(
    ("lat", "lon"), [(91.0, 0.0), (0.0, 181.0), (math.nan, -88.0), (17.0, math.inf)]
)
def test_impossible_pins_are_unresolved_not_errors(gaz, lat, lon):
    result = gaz.reverse(lat, lon)
    assert not result.resolved
    assert result.district is None
