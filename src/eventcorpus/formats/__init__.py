"""Outside formats: one module per format, each with ``read`` and (where it can) ``write``.

Every module follows one interface:

- ``read(path, *, schema, options) -> Iterator[Record]`` streams canonical records;
- ``write(records, path, *, schema, options) -> ConversionReport`` writes them and reports
  every item the format cannot hold (never dropped silently);
- ``CANNOT_HOLD``: a short list of what the format cannot represent, for the docs table.

Offsets are converted at this edge: inside the toolkit they are always code points.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

from eventcorpus.errors import EventCorpusError
from eventcorpus.records import Record
from eventcorpus.schema import Schema

FORMATS: dict[str, str] = {
    "canonical": "eventcorpus.formats.canonical",
    "doccano": "eventcorpus.formats.doccano",
    "brat": "eventcorpus.formats.brat",
    "oneie": "eventcorpus.formats.oneie",
    "textee": "eventcorpus.formats.textee",
    "m2e2": "eventcorpus.formats.m2e2",
    "re3d": "eventcorpus.formats.re3d",
    "conll": "eventcorpus.formats.conll",
    "spacy": "eventcorpus.formats.spacy",
    "hf": "eventcorpus.formats.hf",
    # the field's public event datasets (docs/formats.md)
    "wikievents": "eventcorpus.formats.wikievents",
    "rams": "eventcorpus.formats.rams",
    "maven": "eventcorpus.formats.maven",
    "maven-arg": "eventcorpus.formats.maven_arg",
    "geneva": "eventcorpus.formats.geneva",
    "casie": "eventcorpus.formats.casie",
    "muc4": "eventcorpus.formats.muc4",
    "ace2005": "eventcorpus.formats.ace2005",
    "ere": "eventcorpus.formats.ere",
}


@dataclass
class Dropped:
    """One item a format could not hold."""

    doc_id: str
    kind: str  # "entity", "event", "argument", "attribute", ...
    item_id: str
    offset: int | None
    reason: str


@dataclass
class ConversionReport:
    documents: int = 0
    entities: int = 0
    events: int = 0
    dropped: list[Dropped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # what deserves a word: doubts about the input, renames

    def add(self, record: Record) -> None:
        self.documents += 1
        self.entities += len(record.annotations.entities)
        self.events += len(record.annotations.events)


class FormatModule(Protocol):
    CANNOT_HOLD: list[str]

    def read(self, path: Path, *, schema: Schema, options: dict[str, Any]) -> Iterator[Record]: ...

    def write(
        self, records: Iterable[Record], path: Path, *, schema: Schema, options: dict[str, Any]
    ) -> ConversionReport: ...


def get_format(name: str) -> ModuleType:
    """The module implementing format ``name``; E017 for an unknown name."""
    if name not in FORMATS:
        raise EventCorpusError("E017", f"unknown format {name!r}", expected=f"one of {', '.join(FORMATS)}")
    return importlib.import_module(FORMATS[name])
