"""Exports of every report: JSON lines, CSV and GeoJSON, with the fields INTERFACES.md names.

No phone number or chat id is ever part of a record: reporters appear only by their
pseudonymous key.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any, TextIO

from sqlalchemy.orm import Session

from storage import queries
from storage.models import Report

FIELDS = (
    "reference",
    "category",
    "status",
    "urgent",
    "sensitive",
    "language",
    "channel",
    "location_text",
    "place",
    "lat",
    "lon",
    "district",
    "description",
    "created_at",
    "updated_at",
    "reporter",
    "age_group",
    "gender",
    "flags",
)
FORMATS = ("jsonl", "csv", "geojson")


def record(session: Session, report: Report) -> dict[str, Any]:
    return {
        "reference": report.reference,
        "category": report.category,
        "status": report.status,
        "urgent": report.urgent,
        "sensitive": report.sensitive,
        "language": report.language,
        "channel": report.channel,
        "location_text": report.location_text,
        "place": report.place,
        "lat": report.lat,
        "lon": report.lon,
        "district": report.district,
        "description": report.description,
        "created_at": report.created_at.isoformat(),
        "updated_at": report.updated_at.isoformat(),
        "reporter": report.reporter_key,
        "age_group": report.age_group,
        "gender": report.gender,
        "flags": queries.open_flag_reasons(session, report=report),
    }


def records(session: Session) -> Iterator[dict[str, Any]]:
    for report in queries.all_reports(session):
        yield record(session, report)


def write(session: Session, fmt: str, out: TextIO) -> int:
    """Write every report in `fmt` to `out`; returns how many were written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    count = 0
    if fmt == "jsonl":
        for item in records(session):
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
            count += 1
    elif fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        for item in records(session):
            writer.writerow({**item, "flags": ";".join(item["flags"])})
            count += 1
    else:
        features = []
        for item in records(session):
            geometry = (
                {"type": "Point", "coordinates": [item["lon"], item["lat"]]}
                if item["lat"] is not None and item["lon"] is not None
                else None
            )
            features.append({"type": "Feature", "geometry": geometry, "properties": item})
        json.dump({"type": "FeatureCollection", "features": features}, out, ensure_ascii=False)
        out.write("\n")
        count = len(features)
    return count


def export_string(session: Session, fmt: str) -> str:
    buffer = io.StringIO()
    write(session, fmt, buffer)
    return buffer.getvalue()
