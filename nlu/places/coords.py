"""Typed coordinates: decimal ("17.25, -88.77", "17.25N 88.77W") and degrees-minutes-seconds
("17°15'03\"N 88°46'12\"W", "17 15.05 N, 88 46.2 W").

Only a PAIR is a position: a lone "91N" or "17.25" is not. Ranges are validated (latitude
within ±90, longitude within ±180, minutes and seconds below 60). A pair typed without signs or
hemispheres that lands in Belize only once the longitude is taken as west ("17.25, 88.77") is
read that way, since Belize is entirely west of Greenwich; likewise a pair typed longitude
first ("-88.77, 17.25") is swapped when only the swapped order is in Belize.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A generous box around Belize, its cayes and its sea, for the sign and order heuristics only.
_BELIZE_BOX = (15.6, 18.7, -89.4, -87.3)


def _component(tag: str, style: str) -> str:
    h1 = "?" if style == "prefix" else "{0}"
    h2 = "?" if style == "suffix" else "{0}"
    return (
        rf"(?P<h1{tag}>[NSEW]){h1}\s*"
        rf"(?P<sign{tag}>[-+\u2212])?\s*"
        rf"(?P<deg{tag}>\d{{1,3}}(?:\.\d+)?)\s*(?P<dsym{tag}>°|º|˚|deg(?:rees)?\b|d\b)?\s*"
        rf"(?:(?P<min{tag}>\d{{1,2}}(?:\.\d+)?)\s*(?:'|′|’|min\b|m\b)\s*"
        rf"(?:(?P<sec{tag}>\d{{1,2}}(?:\.\d+)?)\s*(?:\"|″|''|”|’’|sec\b|s\b)\s*)?)?"
        rf"(?P<h2{tag}>[NSEW](?!\w)){h2}"
    )


_PAIRS = tuple(
    re.compile(
        r"(?<![\w.])"
        + _component("a", style)
        + r"\s*[,;/]?\s*"
        + _component("b", style)
        + r"(?![\w.])",
        re.IGNORECASE,
    )
    for style in ("suffix", "prefix")
)
# Loose shape of something a person meant as coordinates (for "that is not a valid position").
_LOOKS_LIKE = re.compile(r"[-+\u2212]?\d{1,3}(?:\.\d+|\s*°)")


@dataclass(frozen=True, slots=True)
class Coordinates:
    lat: float
    lon: float
    start: int
    end: int
    precision_m: float = 15.0


def _value(match: re.Match[str], tag: str) -> tuple[float, str | None, bool] | None:
    """(absolute value, hemisphere letter or None, explicitly negative) of one component."""
    deg_text = match.group(f"deg{tag}")
    minutes_text = match.group(f"min{tag}")
    seconds_text = match.group(f"sec{tag}")
    h1, h2 = match.group(f"h1{tag}"), match.group(f"h2{tag}")
    if h1 and h2:
        return None
    hemisphere = (h1 or h2 or "").upper() or None
    negative = match.group(f"sign{tag}") in {"-", "\u2212"}
    value = float(deg_text)
    if minutes_text is not None:
        if "." in deg_text:
            return None  # "17.5 30'" mixes decimal degrees with minutes
        minutes = float(minutes_text)
        if minutes >= 60:
            return None
        value += minutes / 60
        if seconds_text is not None:
            if "." in minutes_text:
                return None
            seconds = float(seconds_text)
            if seconds >= 60:
                return None
            value += seconds / 3600
    # A bare integer with nothing marking it as a coordinate is just a number.
    if (
        "." not in deg_text
        and minutes_text is None
        and match.group(f"dsym{tag}") is None
        and hemisphere is None
    ):
        return None
    return value, hemisphere, negative


def _in_box(lat: float, lon: float) -> bool:
    south, north, west, east = _BELIZE_BOX
    return south <= lat <= north and west <= lon <= east


def _precision_m(match: re.Match[str]) -> float:
    """Half the last written digit's step, in metres (a degree is about 111 km)."""
    steps: list[float] = []
    for tag in ("a", "b"):
        if match.group(f"sec{tag}") is not None:
            unit, text = 1 / 3600, match.group(f"sec{tag}")
        elif match.group(f"min{tag}") is not None:
            unit, text = 1 / 60, match.group(f"min{tag}")
        else:
            unit, text = 1.0, match.group(f"deg{tag}")
        decimals = len(text.split(".")[1]) if "." in text else 0
        steps.append(unit * 10.0**-decimals)
    return max(5.0, round(max(steps) * 111_000 / 2, 1))


def _interpret(match: re.Match[str]) -> tuple[float, float] | None:
    a = _value(match, "a")
    b = _value(match, "b")
    if a is None or b is None:
        return None
    (va, ha, na), (vb, hb, nb) = a, b
    if ha in {"E", "W"} or hb in {"N", "S"}:
        (va, ha, na), (vb, hb, nb) = (vb, hb, nb), (va, ha, na)
    if ha not in {None, "N", "S"} or hb not in {None, "E", "W"}:
        return None  # two latitudes or two longitudes
    if (ha and na) or (hb and nb):
        return None  # "-17.25N": a sign and a hemisphere disagree or repeat
    lat = -va if (na or ha == "S") else va
    lon = -vb if (nb or hb == "W") else vb
    if ha is None and hb is None and not _in_box(lat, lon):
        if _in_box(lon, lat):
            lat, lon = lon, lat
        elif not nb and _in_box(lat, -lon):
            lon = -lon
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


def find_coordinates(text: str) -> Coordinates | None:
    """The first valid coordinate pair in `text`, or None."""
    found: list[Coordinates] = []
    for pattern in _PAIRS:
        for match in pattern.finditer(text):
            interpreted = _interpret(match)
            if interpreted is not None:
                found.append(
                    Coordinates(*interpreted, match.start(), match.end(), _precision_m(match))
                )
                break
    return min(found, key=lambda c: (c.start, -c.end)) if found else None


def parse_coordinates(text: str) -> Coordinates | None:
    """`text` as a whole read as a coordinate pair (surrounding blanks and dots allowed)."""
    stripped = text.strip().rstrip(".")
    offset = text.find(stripped)
    for pattern in _PAIRS:
        match = pattern.fullmatch(stripped)
        if match is not None:
            interpreted = _interpret(match)
            if interpreted is not None:
                return Coordinates(
                    *interpreted, offset, offset + len(stripped), _precision_m(match)
                )
    return None


def looks_like_coordinates(text: str) -> bool:
    """True for input that seems meant as coordinates (to say "not a valid position")."""
    return bool(_LOOKS_LIKE.search(text)) and not any(ch.isalpha() for ch in _strip_hemis(text))


def _strip_hemis(text: str) -> str:
    return re.sub(r"(?i)\b[NSEW]\b|(?<=\d)[NSEW]\b|deg(?:rees)?|\b[NSEW](?=\d)", "", text)
