"""Loading the packaged place data into `Place` records (no matching logic here)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from importlib import resources

from nlu.places.geo import District, haversine_m, load_districts

BELIZE = "Belize"
# Kinds of place that are a settlement (have their own name on a map of the country).
SETTLEMENT_KINDS = frozenset({"city", "town", "village"})
# Kinds of place inside a settlement.
LOCAL_KINDS = frozenset({"neighbourhood", "street", "landmark"})


@dataclass(frozen=True, slots=True)
class Place:
    """One named place. `lat`/`lon` are None only for a country (too big to be a point)."""

    id: str
    name: str
    kind: str
    lat: float | None
    lon: float | None
    precision_m: float
    district: str | None
    country: str = BELIZE
    city: str | None = None  # the settlement a neighbourhood, street or landmark is in
    population: int = 0
    aliases: tuple[str, ...] = ()
    source: str = ""
    weak: bool = False  # a name that is also a common word or a person's name
    # For places known only relative to another one (see relative_places.csv).
    note: str = field(default="", compare=False)

    @property
    def outside(self) -> bool:
        return self.country != BELIZE

    @property
    def label(self) -> str:
        """The name with enough context to tell it apart from a namesake."""
        if self.outside:
            return self.name if self.kind == "country" else f"{self.name}, {self.country}"
        if self.kind in LOCAL_KINDS and self.city and self.city not in self.name:
            return f"{self.name}, {self.city}"
        if self.kind in SETTLEMENT_KINDS and self.district:
            return f"{self.name}, {self.district} District"
        return self.name


def _open(name: str) -> Iterator[dict[str, str]]:
    data = resources.files("nlu.places") / "data" / name
    with data.open(encoding="utf-8") as fh:
        yield from csv.DictReader(fh)


def _split(aliases: str) -> tuple[str, ...]:
    return tuple(a.strip() for a in aliases.split(";") if a.strip())


# Names of settlements that are also ordinary words or people's names: inside a longer message
# they count as a place only after a cue ("in Douglas", "Esperanza village").
WEAK_NAMES = frozenset(
    {
        "august pine ridge",
        "bella vista",
        "big fall",
        "boom",
        "buena vista",
        "calcutta",
        "concepcion",
        "cowpen",
        "douglas",
        "esperanza",
        "gardenia",
        "georgetown",
        "hopkins",
        "independence",
        "libertad",
        "louisville",
        "paraiso",
        "progreso",
        "progresso",
        "santa clara",
        "steadfast",
        "trinidad",
        "trio",
        "columbia",
        "cayo",
        "bladen",
        "pomona",
        "neuland",
        "shipyard",
        "ranchito",
        "consejo",
        "valley community",
        "silver creek",
        "indian creek",
        "blue creek",
        "sand hill",
        "sandhill",
        "hope creek",
        "red bank",
        "santa familia",
        "silk grass",
        "the capital",
        "la capital",
        "terminal",
        "comprehensive",
        "methodist",
        "dolores",
        "carmelita",
        "jocote",
        "flores",
        "caledonia",
        "ontario",
        "greenland",
        "pg",
    }
)


def load_belize_settlements() -> list[Place]:
    places = []
    for row in _open("belize_places.csv"):
        places.append(
            Place(
                id=f"geonames:{row['geonameid']}",
                name=row["name"],
                kind=row["kind"],
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                precision_m=float(row["precision_m"]),
                district=row["district"],
                population=int(row["population"]),
                aliases=_split(row["aliases"]),
                source=f"GeoNames {row['geonameid']} (CC BY 4.0)",
            )
        )
    return places


def load_reference_points() -> tuple[list[Place], list[tuple[str, str]]]:
    """Belmopan's places (and the unlocated ones' names with their source note)."""
    places: list[Place] = []
    unlocated: list[tuple[str, str]] = []
    for row in _open("belmopan_reference_points.csv"):
        if not row["lat"] or not row["lon"]:
            unlocated.append((row["name"], row["source"]))
            continue  # position unknown in open data: never guess one
        kind = row["kind"]
        places.append(
            Place(
                id=f"ref:{row['name']}",
                name=row["name"],
                kind=kind,
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                precision_m=float(row["precision_m"] or 1000),
                district="Cayo",
                city="Belmopan" if kind in LOCAL_KINDS else None,
                aliases=_split(row["aliases"]),
                source=row["source"],
            )
        )
    return places, unlocated


def merge_reference(settlements: list[Place], reference: list[Place]) -> list[Place]:
    """Reference rows that are GeoNames settlements too (Belmopan, Camalote...) merge into
    the GeoNames row: its aliases gain the reference names, its radius the reference one."""
    merged = list(settlements)
    for ref in reference:
        if ref.kind not in SETTLEMENT_KINDS:
            merged.append(ref)
            continue
        ref_names = {n.casefold() for n in (ref.name, *ref.aliases)}
        for i, place in enumerate(merged):
            names = {n.casefold() for n in (place.name, *place.aliases)}
            if (
                place.id.startswith("geonames:")
                and names & ref_names
                and place.lat is not None
                and place.lon is not None
                and ref.lat is not None
                and ref.lon is not None
                and haversine_m(place.lat, place.lon, ref.lat, ref.lon) < 5000
            ):
                extra = tuple(n for n in (ref.name, *ref.aliases) if n.casefold() not in names)
                merged[i] = replace(
                    place,
                    aliases=place.aliases + extra,
                    precision_m=ref.precision_m,
                    source=f"{place.source}; {ref.source}",
                )
                break
        else:
            merged.append(ref)
    return merged


def load_alias_rows() -> list[tuple[str, str]]:
    """(place key, alias): the key is a name, or "name|district" / "name|city"."""
    return [(row["place"], row["alias"]) for row in _open("aliases.csv")]


def load_relative_rows() -> list[dict[str, str]]:
    return list(_open("relative_places.csv"))


def load_foreign() -> list[Place]:
    places = []
    for row in _open("foreign_places.csv"):
        population = int(row["population"])
        places.append(
            Place(
                id=f"geonames:{row['geonameid']}",
                name=row["name"],
                kind="city" if population >= 10_000 else "town",
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                precision_m=5000.0 if population >= 100_000 else 2500.0,
                district=None,
                country=row["country"],
                population=population,
                source=f"GeoNames {row['geonameid']} (CC BY 4.0)",
                # Inside a longer message a foreign place counts only after a cue ("in
                # Chetumal"): "the Guatemala man", "Mr Flores" are not places.
                weak=True,
            )
        )
    return places


COUNTRIES: dict[str, tuple[str, ...]] = {
    "Mexico": ("Mexico", "México", "Mejico"),
    "Guatemala": ("Guatemala",),
    "Honduras": ("Honduras",),
    "El Salvador": ("El Salvador",),
    "Nicaragua": ("Nicaragua",),
    "Costa Rica": ("Costa Rica",),
    "Panama": ("Panama", "Panamá"),
    "United States": ("United States", "USA", "the States", "Estados Unidos"),
    "Jamaica": ("Jamaica",),
}


def load_countries() -> list[Place]:
    return [
        Place(
            id=f"country:{name}",
            name=name,
            kind="country",
            lat=None,
            lon=None,
            precision_m=0.0,
            district=None,
            country=name,
            aliases=aliases,
            source="country name",
            weak=True,  # inside a message a country counts only after a cue ("in Mexico")
        )
        for name, aliases in COUNTRIES.items()
    ]


def district_places(districts: tuple[District, ...]) -> list[Place]:
    places = []
    for district in districts:
        lat, lon = district.centroid()
        names = [f"{district.name} District", f"distrito de {district.name}"]
        if district.name != "Belize":
            names.append(district.name)  # "Belize" alone names the country
        places.append(
            Place(
                id=f"district:{district.name}",
                name=f"{district.name} District",
                kind="district",
                lat=round(lat, 5),
                lon=round(lon, 5),
                precision_m=round(district.radius_m(), -2),
                district=district.name,
                aliases=tuple(names),
                source="geoBoundaries ADM1 (ODbL, © OpenStreetMap contributors): centroid",
            )
        )
    return places


def load_all() -> tuple[list[Place], tuple[District, ...], list[tuple[str, str]]]:
    """Every place, the district polygons, and the (name, note) of places with no position."""
    districts = load_districts()
    reference, unlocated = load_reference_points()
    places = merge_reference(load_belize_settlements(), reference)
    places += district_places(districts)
    places += load_foreign()
    places += load_countries()
    return places, districts, unlocated
