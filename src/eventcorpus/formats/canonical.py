"""The project's own JSON Lines: one document with one annotator's annotations per line.

Nothing is lost: this is the format every other one converts through.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from eventcorpus.corpus import atomic_open, dumps, read_records
from eventcorpus.formats import ConversionReport
from eventcorpus.records import Record
from eventcorpus.schema import Schema

CANNOT_HOLD: list[str] = []


def read(path: Path, *, schema: Schema, options: dict[str, Any]) -> Iterator[Record]:
    """Stream checked canonical records."""
    yield from read_records(path)


def write(records: Iterable[Record], path: Path, *, schema: Schema, options: dict[str, Any]) -> ConversionReport:
    """Write canonical records atomically, one per line."""
    report = ConversionReport()
    with atomic_open(path) as handle:
        for record in records:
            handle.write(dumps(record.to_dict()) + "\n")
            report.add(record)
    return report
