"""The offline Belize gazetteer: finds places in text and resolves how people describe them.

`Gazetteer.resolve(answer)` reads a whole answer to "where is it?" ("backa di skool",
"corner of Ring Road and Constitution Drive", "17.25, -88.77", "San Antonio Cayo");
`find_in_text(message)` finds a place inside a longer message (stricter: names that are also
ordinary words need a cue such as "in" or "village"); `reverse(lat, lon)` names the nearest
place and the district of a pin. None of them raises on any input string.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from nlu.places import relations
from nlu.places.coords import Coordinates, find_coordinates, parse_coordinates
from nlu.places.data_loading import (
    LOCAL_KINDS,
    SETTLEMENT_KINDS,
    WEAK_NAMES,
    Place,
    load_alias_rows,
    load_all,
    load_relative_rows,
)
from nlu.places.fuzzy import FuzzyIndex, max_distance, osa_distance
from nlu.places.geo import District, along, fast_distance_m, haversine_m, midpoint
from nlu.text import MAX_PARSE_CHARS
from nlu.types import LocationResult, PlaceCandidate

DEFAULT_CITY = "Belmopan"
# A typed GPS pin from a phone is good to tens of metres; used when a pin has no accuracy.
PIN_PRECISION_M = 30.0
# Most candidates offered for an ambiguous name (a short numbered choice).
MAX_CANDIDATES = 5
# A point outside every district polygon but this close to one is inside (the polygons are
# simplified to about 300 m, and rivers make the borders).
_BORDER_TOLERANCE_M = 1000.0
# Pins in the sea east of this longitude near a Belize caye belong to Belize.
_SEA_WEST_LON = -88.4
_SEA_NEAR_PLACE_M = 15_000.0
# Generic landmark words: "di skool" is one of the default city's schools.
_CLASS_WORDS: dict[str, str] = {
    "school": "school",
    "skool": "school",
    "skul": "school",
    "escuela": "school",
    "la escuela": "school",
    "el colegio": "school",
    "colegio": "school",
    "high school": "school",
    "hai skool": "school",
    "primary school": "school",
}
# Words after "school" that make it about school rather than a place.
_NOT_A_PLACE_AFTER = frozenset(
    [
        "night",
        "nights",
        "bus",
        "buses",
        "uniform",
        "uniforms",
        "fees",
        "fee",
        "kids",
        "children",
        "pikni",
        "gyal",
        "gyals",
        "girl",
        "girls",
        "boy",
        "boys",
        "bwai",
        "teacher",
        "teachers",
        "work",
        "books",
        "year",
        "years",
        "day",
        "days",
        "holiday",
        "holidays",
        "hours",
        "time",
        "term",
        "age",
    ]
)
_TOKEN = re.compile(r"[a-z0-9]+")
_FUZZY_MAX_KEY = 24
_APOSTROPHES = frozenset("'’`´‘")


@dataclass(frozen=True, slots=True)
class Mention:
    """A run of tokens that names one or more places."""

    first: int  # token indexes, end exclusive
    last: int
    start: int  # character offsets in the original text
    end: int
    key: str
    places: tuple[Place, ...]
    fuzzy: bool = False


@dataclass(frozen=True, slots=True)
class _Tokens:
    words: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]


def normalise(text: str) -> str:
    """The matching key of a name: folded, no accents or apostrophes, single spaces."""
    return " ".join(_tokenise(text).words)


def _fold_with_map(text: str) -> tuple[str, list[int]]:
    """Lower case, no accents, no apostrophes, other punctuation as spaces; and for each
    character of the result the index of the original character it came from."""
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        if ch in _APOSTROPHES:
            continue
        folded = unicodedata.normalize("NFKD", ch.casefold())
        for part in folded:
            if unicodedata.combining(part):
                continue
            out.append(part if part.isalnum() else " ")
            origin.append(i)
    return "".join(out), origin


_NOT_ALNUM = re.compile(r"[^a-z0-9]")


@lru_cache(maxsize=512)
def _tokens(text: str) -> _Tokens:
    """Folded tokens of `text` and their character spans in it (cached: one text is
    tokenised once however many steps look at it)."""
    return _tokenise(text)


def _tokenise(text: str) -> _Tokens:
    if text.isascii() and not any(ch in _APOSTROPHES for ch in text):
        folded = _NOT_ALNUM.sub(" ", text.lower())
        origin: Sequence[int] = range(len(text))
    else:
        folded, origin = _fold_with_map(text)
    words: list[str] = []
    spans: list[tuple[int, int]] = []
    for match in _TOKEN.finditer(folded):
        words.append(_SYNONYMS.get(match.group(0), match.group(0)))
        spans.append((origin[match.start()], origin[match.end() - 1] + 1))
    return _Tokens(tuple(words), tuple(spans))


# Token spellings that mean the same in a name.
_SYNONYMS = {
    "saint": "st",
    "sta": "santa",
    "sto": "santo",
    "rd": "road",
    "ave": "avenue",
    "blvd": "boulevard",
}


class Gazetteer:
    """The whole gazetteer, loaded once (use `get_gazetteer()`); safe to share between threads
    (nothing is mutated after construction)."""

    def __init__(self, *, default_city: str | None = DEFAULT_CITY) -> None:
        places, districts, unlocated = load_all()
        self.districts: tuple[District, ...] = districts
        self._unlocated = dict(unlocated)
        places = self._apply_aliases(places)
        places += self._relative_places(places)
        self.places: tuple[Place, ...] = tuple(places)
        self._index: dict[str, list[Place]] = defaultdict(list)
        for place in self.places:
            for form in self._forms(place):
                key = normalise(form)
                if key and place not in self._index[key]:
                    self._index[key].append(place)
        self._schools = tuple(
            p for p in self.places if p.kind in LOCAL_KINDS and "school" in p.name.casefold()
        )
        for word in _CLASS_WORDS:
            self._index.setdefault(word, [])
        self._max_tokens = max(len(k.split()) for k in self._index)
        self._vocabulary = frozenset(
            w for k in self._index for w in k.split() if not relations.is_stopword(w)
        )
        # Misspellings are looked for among Belize's names only (foreign names must be exact),
        # and not among long transliterations.
        self._fuzzy = FuzzyIndex(
            k
            for k, ps in self._index.items()
            if len(k) <= _FUZZY_MAX_KEY
            and not relations.is_stopword(k)
            and k not in _CLASS_WORDS
            and any(not p.outside for p in ps)
        )
        self._settlements = tuple(
            p for p in self.places if p.kind in SETTLEMENT_KINDS and not p.outside
        )
        self._local = tuple(p for p in self.places if p.kind in LOCAL_KINDS)
        self._foreign_points = tuple(p for p in self.places if p.outside and p.lat is not None)
        self.default_city = self._find_city(default_city) if default_city else None

    # ----------------------------------------------------------------- construction

    def _find_city(self, name: str) -> Place | None:
        for place in self._index.get(normalise(name), []):
            if place.kind in SETTLEMENT_KINDS and not place.outside:
                return place
        return None

    def _lookup(self, key: str, places: Sequence[Place]) -> list[Place]:
        """Places named `key`, where key is "name" or "name|district-or-city"."""
        name, _, qualifier = key.partition("|")
        found = []
        for place in places:
            if place.name != name:
                continue
            if qualifier and qualifier not in {place.district, place.city}:
                continue
            if qualifier and place.city is None and place.kind in LOCAL_KINDS:
                continue
            found.append(place)
        if qualifier == "Belmopan":
            found = [p for p in found if p.city == "Belmopan"] or found
        return found

    def _apply_aliases(self, places: list[Place]) -> list[Place]:
        extra: dict[str, list[str]] = defaultdict(list)
        for key, alias in load_alias_rows():
            targets = self._lookup(key, places)
            if len(targets) != 1:
                raise ValueError(f"aliases.csv: {key!r} names {len(targets)} places")
            extra[targets[0].id].append(alias)
        return [
            replace(p, aliases=p.aliases + tuple(extra[p.id])) if p.id in extra else p
            for p in places
        ]

    def _relative_places(self, places: list[Place]) -> list[Place]:
        out = []
        for row in load_relative_rows():
            anchors = self._lookup(row["anchor"], places)
            if len(anchors) != 1:
                raise ValueError(f"relative_places.csv: anchor {row['anchor']!r} not unique")
            anchor = anchors[0]
            out.append(
                replace(
                    anchor,
                    id=f"relative:{row['name']}",
                    name=row["name"],
                    kind=row["kind"],
                    precision_m=anchor.precision_m + float(row["extra_m"]),
                    aliases=(),
                    source=row["source"],
                    note=f"position taken from {anchor.name}",
                )
            )
            self._unlocated.pop(row["name"], None)
        return out

    def _forms(self, place: Place) -> Iterable[str]:
        yield place.name
        yield from place.aliases
        if "/" in place.name:
            yield from (part.strip() for part in place.name.split("/"))
        if place.kind in SETTLEMENT_KINDS and not place.outside:
            for suffix in ("village", "town", "city"):
                if suffix not in place.name.casefold():
                    yield f"{place.name} {suffix}"
            if place.district:
                yield f"{place.name} {place.district}"
                yield f"{place.name} {place.district} district"

    # ----------------------------------------------------------------- matching

    def mentions(self, text: str, *, strict: bool = False) -> list[Mention]:
        """Every place name in `text`, longest first, left to right, not overlapping.

        `strict` (inside a longer message): names that are ordinary words need a cue, and
        fuzzy matching needs longer words.
        """
        tokens = _tokens(text[:MAX_PARSE_CHARS])
        words = tokens.words
        found: list[Mention] = []
        i = 0
        n_words = len(words)
        while i < n_words:
            mention = self._exact_at(tokens, i) or self._fuzzy_at(tokens, i, strict=strict)
            if mention is None:
                i += 1
                continue
            if (
                strict
                and mention.key in _CLASS_WORDS
                and _NOT_A_PLACE_AFTER & set(words[mention.last : mention.last + 1])
            ):
                i += 1  # "school nights", "di skool gyal dehn": about school, not a place
                continue
            if (
                strict
                and self._is_weak(mention)
                and not relations.has_cue(words, mention, article=mention.key in _CLASS_WORDS)
            ):
                i += 1
                continue
            found.append(mention)
            i = mention.last
        return found

    def _is_weak(self, mention: Mention) -> bool:
        if mention.key in WEAK_NAMES or mention.key in _CLASS_WORDS:
            return True
        return all(p.weak for p in mention.places) if mention.places else False

    def _make_mention(
        self, tokens: _Tokens, first: int, last: int, key: str, *, fuzzy: bool = False
    ) -> Mention:
        places = tuple(self._index[key])
        if key in _CLASS_WORDS:
            places = self._class_places(_CLASS_WORDS[key])
        return Mention(
            first=first,
            last=last,
            start=tokens.spans[first][0],
            end=tokens.spans[last - 1][1],
            key=key,
            places=places,
            fuzzy=fuzzy,
        )

    def _class_places(self, word_class: str) -> tuple[Place, ...]:
        if word_class == "school":
            city = self.default_city.name if self.default_city else None
            return tuple(p for p in self._schools if p.city == city)
        return ()

    def _exact_at(self, tokens: _Tokens, i: int) -> Mention | None:
        words = tokens.words
        for n in range(min(self._max_tokens, len(words) - i), 0, -1):
            key = " ".join(words[i : i + n])
            if key in self._index:
                mention = self._make_mention(tokens, i, i + n, key)
                if mention.places:
                    return mention
        return None

    def _fuzzy_at(self, tokens: _Tokens, i: int, *, strict: bool) -> Mention | None:
        words = tokens.words
        if relations.is_stopword(words[i]) or words[i].isdigit():
            return None
        for n in (3, 2, 1):
            if i + n > len(words):
                continue
            span = words[i : i + n]
            if any(w.isdigit() for w in span) or relations.is_stopword(span[-1]):
                continue
            if n > 1 and not any(w in self._vocabulary for w in span):
                continue  # a misspelt multi-word name keeps at least one word right
            query = " ".join(span)
            if len(query) < (6 if strict else 5):
                continue
            keys = [k for k in self._fuzzy.best(query) if _wordwise_close(span, k.split())]
            if keys:
                mention = self._make_mention(tokens, i, i + n, keys[0], fuzzy=True)
                places = {p.id: p for k in keys for p in self._index[k]}
                return replace(mention, places=tuple(places.values()))
        return None

    # ----------------------------------------------------------------- resolution

    def clear_caches(self) -> None:
        """Forget the fuzzy answers and tokenised texts kept so far (benchmarks, tests)."""
        self._fuzzy.clear_cache()
        _tokens.cache_clear()

    def resolve(self, query: str, *, default_city: str | None = None) -> LocationResult | None:
        """Resolve a whole answer to "where is it?" to a place, or None when it names none.

        An ambiguous name comes back with `candidates` (2+) and lat/lon None.
        """
        return self._resolve(query, strict=False, default_city=default_city)

    def find_in_text(self, text: str, *, default_city: str | None = None) -> LocationResult | None:
        """The place a longer message names (with the span of the whole place description)."""
        return self._resolve(text, strict=True, default_city=default_city)

    def _resolve(
        self, text: str, *, strict: bool, default_city: str | None
    ) -> LocationResult | None:
        if not isinstance(text, str) or not text.strip():
            return None
        text = text[:MAX_PARSE_CHARS]
        coords = find_coordinates(text) if strict else parse_coordinates(text)
        if coords is None and not strict:
            coords = find_coordinates(text)
        if coords is not None:
            return self._from_coordinates(text, coords)
        city = self.default_city
        if default_city and (city is None or normalise(default_city) != normalise(city.name)):
            # Another pilot city: its own gazetteer (cached), whose generic landmarks are there.
            return get_gazetteer(default_city)._resolve(text, strict=strict, default_city=None)
        try:
            mentions = self.mentions(text, strict=strict)
            if not mentions:
                return self._unlocated_result(text, strict=strict)
            return self._interpret(text, mentions, city)
        except (ValueError, ArithmeticError):  # never raise on user text
            return None

    def _unlocated_result(self, text: str, *, strict: bool) -> LocationResult | None:
        """A known name with no position in open data (Mountain View...): named, unresolved."""
        tokens = _tokens(text)
        joined = " " + " ".join(tokens.words) + " "
        for name in self._unlocated:
            if f" {normalise(name)} " in joined:
                return LocationResult(text=text if not strict else name, place=None)
        return None

    def _from_coordinates(self, text: str, coords: Coordinates) -> LocationResult:
        result = self.reverse(coords.lat, coords.lon, accuracy_m=coords.precision_m)
        return replace(
            result, text=text[coords.start : coords.end], start=coords.start, end=coords.end
        )

    def _interpret(
        self, text: str, mentions: list[Mention], city: Place | None
    ) -> LocationResult | None:
        words = _tokens(text).words
        inside = [m for m in mentions if any(not p.outside for p in m.places)]
        if not inside:
            return self._outside_result(text, mentions[0])
        mentions = inside
        # Two places joined by "and": a corner or a stretch between them.
        pair = relations.pair_relation(words, mentions)
        if pair is None:
            pair = self._two_streets(words, mentions)
        if pair is not None:
            kind, a, b = pair
            return self._pair_result(text, kind, a, b, mentions, city)
        hints = self._hints(mentions)
        chosen: list[tuple[Mention, list[Place]]] = []
        for mention in mentions:
            chosen.append((mention, self._disambiguate(mention, hints, city, mentions)))
        first_mention = min(m.first for m, _ in chosen)
        last_mention = max(m.last for m, _ in chosen)
        chosen = self._within_containers(chosen, city)
        if not chosen:
            return None
        anchor_mention, anchor_places = self._most_specific(chosen)
        relation, extra_m, cue_start = relations.relation_before(words, anchor_mention, mentions)
        start_tok = cue_start if cue_start is not None else anchor_mention.first
        start = _tokens(text).spans[min(start_tok, first_mention)][0]
        end = _tokens(text).spans[last_mention - 1][1]
        span_text = text[start:end]
        if len(anchor_places) != 1:
            return LocationResult(
                text=span_text,
                start=start,
                end=end,
                relation=relation,
                candidates=tuple(
                    self._candidate(p, extra_m) for p in anchor_places[:MAX_CANDIDATES]
                ),
            )
        place = anchor_places[0]
        result = self._place_result(place, span_text, start, end, relation, extra_m)
        street = self._street_along(place, chosen)
        return replace(result, street=street.name) if street is not None else result

    @staticmethod
    def _within_containers(
        chosen: list[tuple[Mention, list[Place]]], city: Place | None
    ) -> list[tuple[Mention, list[Place]]]:
        """Keep only places inside the settlements and districts named with them: "San Ignacio
        market" is not Belmopan's market (no market of San Ignacio is known: San Ignacio it
        is), "the school in Armenia" is none of Belmopan's schools."""
        containers = [
            ps[0]
            for _, ps in chosen
            if len(ps) == 1 and (ps[0].kind in SETTLEMENT_KINDS or ps[0].kind == "district")
        ]
        if not containers:
            # Nothing named around them: local landmarks are the default city's ("the market"
            # from a San Ignacio deployment is not Belmopan's).
            if city is None:
                return chosen
            local = [
                (m, [p for p in ps if p.kind not in LOCAL_KINDS or p.city == city.name])
                for m, ps in chosen
            ]
            return [(m, ps) for m, ps in local if ps]
        kept: list[tuple[Mention, list[Place]]] = []
        for mention, places in chosen:
            if len(places) == 1 and places[0] in containers:
                kept.append((mention, places))
                continue
            inside = [p for p in places if all(_inside(p, c) for c in containers)]
            if inside:
                kept.append((mention, inside))
        return kept

    @staticmethod
    def _street_along(anchor: Place, chosen: Sequence[tuple[Mention, list[Place]]]) -> Place | None:
        """A street named in the same description that passes by the anchor."""
        if anchor.kind == "street" or anchor.lat is None or anchor.lon is None:
            return None
        for _, places in chosen:
            if len(places) != 1 or places[0].kind != "street":
                continue
            street = places[0]
            if street.lat is None or street.lon is None:
                continue
            reach = street.precision_m + anchor.precision_m
            if haversine_m(anchor.lat, anchor.lon, street.lat, street.lon) <= reach:
                return street
        return None

    @staticmethod
    def _two_streets(
        words: Sequence[str], mentions: Sequence[Mention]
    ) -> tuple[str, Mention, Mention] | None:
        """ "Ring Road and Constitution Drive", "Ring Road & Constitution Drive": two streets
        named together are a corner even without the word."""
        for a, b in itertools.pairwise(mentions):
            streets = all(p.kind == "street" for p in (*a.places, *b.places))
            if streets and a.places and b.places and relations.conjoined(words, a, b):
                return "corner", a, b
        return None

    def _place_result(
        self,
        place: Place,
        span_text: str,
        start: int | None,
        end: int | None,
        relation: str | None,
        extra_m: float,
    ) -> LocationResult:
        return LocationResult(
            text=span_text,
            place=place.name,
            lat=place.lat,
            lon=place.lon,
            district=place.district,
            precision_m=round(place.precision_m + extra_m),
            start=start,
            end=end,
            outside_belize=place.outside,
            relation=relation,
        )

    def _candidate(self, place: Place, extra_m: float = 0.0) -> PlaceCandidate:
        assert place.lat is not None
        assert place.lon is not None
        return PlaceCandidate(
            name=place.label,
            lat=place.lat,
            lon=place.lon,
            district=place.district,
            precision_m=round(place.precision_m + extra_m),
            kind=place.kind,
        )

    def _outside_result(self, text: str, mention: Mention) -> LocationResult:
        place = max(mention.places, key=lambda p: p.population)
        result = self._place_result(
            place, text[mention.start : mention.end], mention.start, mention.end, None, 0.0
        )
        return replace(result, place=place.label, precision_m=result.precision_m or None)

    def _hints(self, mentions: Sequence[Mention]) -> set[str]:
        """Districts (and cities) named unambiguously elsewhere in the text."""
        hints: set[str] = set()
        for mention in mentions:
            places = [p for p in mention.places if not p.outside]
            districts = {p.district for p in places if p.district}
            if len(districts) == 1:
                hints |= districts
            for p in places:
                if p.kind in SETTLEMENT_KINDS and len(places) == 1:
                    hints.add(p.name)
        return hints

    def _disambiguate(
        self,
        mention: Mention,
        hints: set[str],
        city: Place | None,
        mentions: Sequence[Mention],
    ) -> list[Place]:
        places = [p for p in mention.places if not p.outside]
        if len(places) <= 1:
            return places
        other_hints = hints
        # 1. context: another place or a district named in the same answer
        by_context = [
            p for p in places if p.district in other_hints or (p.city and p.city in other_hints)
        ]
        if 0 < len(by_context) < len(places):
            places = by_context
            if len(places) == 1:
                return places
        # 2. the pilot city: a place inside it, then one in its district
        if city is not None:
            in_city = [p for p in places if p.city == city.name]
            if len(in_city) == 1:
                return in_city
            in_district = [p for p in places if p.district == city.district]
            if len(in_district) == 1 and all(p.kind in SETTLEMENT_KINDS for p in places):
                return in_district
        # 3. one settlement ten times the size of its namesakes is the one people mean
        ranked = sorted(places, key=lambda p: p.population, reverse=True)
        if ranked[0].population >= 10 * max(1, ranked[1].population):
            return ranked[:1]
        if city is not None and city.lat is not None and city.lon is not None:
            clat, clon = city.lat, city.lon
            ranked.sort(key=lambda p: haversine_m(clat, clon, p.lat or 0.0, p.lon or 0.0))
        return ranked

    @staticmethod
    def _most_specific(
        chosen: Sequence[tuple[Mention, list[Place]]],
    ) -> tuple[Mention, list[Place]]:
        """The smallest place named ("the market in Belmopan": the market). An ambiguous
        mention ("di skool inna Belmo") is as small as its smallest candidate, so it comes back
        as a choice rather than giving way to the city around it."""
        return min(chosen, key=lambda item: (min(p.precision_m for p in item[1]), len(item[1]) > 1))

    def _pair_result(
        self,
        text: str,
        kind: str,
        a: Mention,
        b: Mention,
        mentions: Sequence[Mention],
        city: Place | None,
    ) -> LocationResult:
        hints = self._hints(mentions)
        pa = self._disambiguate(a, hints, city, mentions)
        pb = self._disambiguate(b, hints, city, mentions)
        words = _tokens(text).words
        cue_start = relations.pair_cue_start(words, a)
        spans = _tokens(text).spans
        start = spans[cue_start if cue_start is not None else a.first][0]
        end = max(b.end, spans[relations.pair_cue_end(words, b) - 1][1])
        span_text = text[start:end]
        if len(pa) != 1 or len(pb) != 1:
            ambiguous, other = (pa, pb) if len(pa) != 1 else (pb, pa)
            if not other:
                return LocationResult(text=span_text, start=start, end=end)
            return LocationResult(
                text=span_text,
                start=start,
                end=end,
                relation="near",
                candidates=tuple(self._candidate(p) for p in ambiguous[:MAX_CANDIDATES]),
            )
        x, y = pa[0], pb[0]
        assert x.lat is not None
        assert x.lon is not None
        assert y.lat is not None
        assert y.lon is not None
        distance = haversine_m(x.lat, x.lon, y.lat, y.lon)
        if kind == "corner":
            lat, lon, radius = _corner(x, y, distance)
            name = f"corner of {x.name} and {y.name}"
        else:
            lat, lon = midpoint(x.lat, x.lon, y.lat, y.lon)
            radius = max(distance / 2, min(x.precision_m, y.precision_m))
            name = f"between {x.name} and {y.name}"
        districts = {x.district, y.district}
        district = x.district if len(districts) == 1 else self.district_of(lat, lon)
        return LocationResult(
            text=span_text,
            place=name,
            lat=round(lat, 6),
            lon=round(lon, 6),
            district=district,
            precision_m=round(radius),
            start=start,
            end=end,
            relation=kind,
        )

    # ----------------------------------------------------------------- points

    def district_of(self, lat: float, lon: float) -> str | None:
        """The district whose polygon holds the point, or None (outside every polygon)."""
        for district in self.districts:
            if district.contains(lat, lon):
                return district.name
        return None

    def nearest(
        self, lat: float, lon: float, places: Iterable[Place]
    ) -> tuple[Place, float] | None:
        best: tuple[Place, float] | None = None
        for place in places:
            if place.lat is None or place.lon is None:
                continue
            d = fast_distance_m(lat, lon, place.lat, place.lon)
            if best is None or d < best[1]:
                best = (place, d)
        return best

    def locate(self, lat: float, lon: float) -> tuple[bool, str | None]:
        """(inside Belize, district) of a point, polygons first, then the coast and cayes."""
        district = self.district_of(lat, lon)
        if district is not None:
            return True, district
        home = self.nearest(lat, lon, self._settlements)
        abroad = self.nearest(lat, lon, self._foreign_points)
        if home is None or (abroad is not None and abroad[1] < home[1]):
            return False, None
        distances = [(d.distance_m(lat, lon, _BORDER_TOLERANCE_M), d) for d in self.districts]
        near_border, closest = min(distances, key=lambda item: item[0])
        if near_border <= _BORDER_TOLERANCE_M:
            return True, closest.name
        if lon > _SEA_WEST_LON and home[1] <= _SEA_NEAR_PLACE_M:
            return True, home[0].district
        return False, None

    def reverse(self, lat: float, lon: float, *, accuracy_m: float | None = None) -> LocationResult:
        """The nearest named place and the district of a pin; never raises.

        lat/lon stay the pin's own; `place` is the most specific named place the pin is in,
        or the nearest one (relation "near") when it is in none.
        """
        text = f"{lat:.5f}, {lon:.5f}" if _finite(lat, lon) else f"{lat}, {lon}"
        if not _finite(lat, lon) or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return LocationResult(text=text)
        precision = accuracy_m if accuracy_m is not None else PIN_PRECISION_M
        inside, district = self.locate(lat, lon)
        if not inside:
            found = self.nearest(lat, lon, self._foreign_points)
            place = f"near {found[0].label}" if found and found[1] < 50_000 else None
            return LocationResult(
                text=text,
                place=place,
                lat=lat,
                lon=lon,
                precision_m=precision,
                outside_belize=True,
                relation="pin",
            )
        # The pin is "in" a place when within its radius; landmarks and neighbourhoods before
        # settlements, then the one whose centre is nearest relative to its size. Streets are
        # left out: their position is a point on a long line.
        containing: list[tuple[int, float, Place]] = []
        for p in (*self._local, *self._settlements):
            if p.lat is None or p.lon is None or p.kind == "street" or p.note:
                continue  # streets are long lines; relative places borrow another's point
            d = fast_distance_m(lat, lon, p.lat, p.lon)
            if d <= p.precision_m:
                containing.append((0 if p.kind in LOCAL_KINDS else 1, d / p.precision_m, p))
        name: str | None
        if containing:
            best = min(containing, key=lambda item: (item[0], item[1]))[2]
            name = best.name if best.kind in SETTLEMENT_KINDS else best.label
        else:
            found = self.nearest(lat, lon, self._settlements)
            name = f"near {found[0].name}" if found and found[1] < 20_000 else None
        return LocationResult(
            text=text,
            place=name,
            lat=lat,
            lon=lon,
            district=district,
            precision_m=precision,
            relation="pin",
        )

    # ----------------------------------------------------------------- choices

    def choose(self, result: LocationResult, answer: str) -> LocationResult | None:
        """The candidate a numbered answer ("2", "number 2", "di sekand wan"...) picks, or the
        candidate whose name the answer repeats; None when it picks none."""
        index = relations.choice_number(answer)
        if index is None:
            key = normalise(answer)
            for i, candidate in enumerate(result.candidates):
                if key and key in normalise(candidate.name):
                    index = i + 1
                    break
        if index is None or not 1 <= index <= len(result.candidates):
            return None
        c = result.candidates[index - 1]
        return replace(
            result,
            place=c.name,
            lat=c.lat,
            lon=c.lon,
            district=c.district,
            precision_m=c.precision_m,
            candidates=(),
        )


def _inside(place: Place, container: Place) -> bool:
    """Whether `place` can be in `container` (a settlement's disc, or a district)."""
    if container.kind == "district":
        return place.district == container.district
    if place.lat is None or place.lon is None or container.lat is None or container.lon is None:
        return False
    distance = haversine_m(place.lat, place.lon, container.lat, container.lon)
    # Settlement radii are rough (a village is "1.5 km"): allow twice the radius.
    return distance <= 2 * container.precision_m + place.precision_m


def _wordwise_close(words: Sequence[str], key_words: Sequence[str]) -> bool:
    """Each word of a misspelt multi-word name is itself close to the name's word: short words
    must be right ("mango tree" is not "Mango Creek")."""
    if len(words) != len(key_words):
        return False
    return all(
        w == k or osa_distance(w, k, max_distance(len(k))) <= max_distance(len(k))
        for w, k in zip(words, key_words, strict=True)
    )


def _finite(lat: float, lon: float) -> bool:
    try:
        return (
            abs(float(lat)) != float("inf")
            and abs(float(lon)) != float("inf")
            and lat == lat
            and lon == lon
        )
    except (TypeError, ValueError):
        return False


def _corner(x: Place, y: Place, distance: float) -> tuple[float, float, float]:
    """Where two streets (or a street and a landmark) meet, from their centres and radii: the
    middle of the overlap of their discs along the line between the centres; the radius is
    half that overlap (at least 100 m). Discs that do not touch give their midpoint."""
    assert x.lat is not None
    assert x.lon is not None
    assert y.lat is not None
    assert y.lon is not None
    r1, r2 = x.precision_m, y.precision_m
    if distance == 0:
        return x.lat, x.lon, max(100.0, min(r1, r2))
    lo = max(-r1, distance - r2)
    hi = min(r1, distance + r2)
    if lo > hi:
        lat, lon = midpoint(x.lat, x.lon, y.lat, y.lon)
        return lat, lon, distance / 2
    t = (lo + hi) / 2 / distance
    lat, lon = along(x.lat, x.lon, y.lat, y.lon, t)
    return lat, lon, max(100.0, (hi - lo) / 2)


_DEFAULT: dict[str | None, Gazetteer] = {}


def get_gazetteer(default_city: str | None = DEFAULT_CITY) -> Gazetteer:
    """The process-wide gazetteer for a default city, loaded once."""
    gazetteer = _DEFAULT.get(default_city)
    if gazetteer is None:
        gazetteer = _DEFAULT[default_city] = Gazetteer(default_city=default_city)
    return gazetteer
