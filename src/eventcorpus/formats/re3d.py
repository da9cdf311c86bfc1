"""re3d (the Relationship and Entity Extraction Evaluation Dataset): read only.

The input is the re3d root (every folder holding a ``documents.json``) or one such folder.
Per folder: ``documents.json`` and ``entities.json`` are newline-delimited JSON;
``begin``/``end`` are character offsets into ``text`` (code points, end-exclusive), so they
are used as they are. Rows with ``confidence`` 0 are alternative readings, not gold: they
are skipped, counted in the annotation meta (``re3d_alternatives``) and noted as dropped
(kind ``alternative``). Other confidences below 1 are kept, with ``meta["confidence"]``.

Entity types map through the schema (``mappings.re3d.entity_types``); a type mapped to null
(e.g. DocumentReference) is dropped on purpose and noted as dropped. An entity whose
``value`` differs from the text at its offsets is kept, with the value in ``meta["text"]``
(the validator reports it) and a note in the dropped list (kind ``mismatch``).

Each folder's LICENSE maps to a short licence id (``Document.licence``) and its ATTRIBUTION
text becomes ``Document.attribution``; the full licence text is kept in
``meta["licence_text"]``. Document ids are :func:`document_id` of the text; the re3d id,
folder, and counts live in ``meta``. Relations (``relations.json``) are not read: the
schema has no relation layer. re3d has no writer.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from eventcorpus.errors import EventCorpusError
from eventcorpus.formats import Dropped
from eventcorpus.formats._shared import note_dropped
from eventcorpus.records import AnnotationSet, Document, Entity, Record, document_id
from eventcorpus.schema import Schema

INVENTORY = "re3d"
ANNOTATOR = "re3d"

CANNOT_HOLD = [
    "no writer: re3d is read only (its entity inventory is coarser and it has no events)",
    "relations (relations.json) are not read",
    "alternative readings (confidence 0) are skipped and counted",
]

# Phrases of each folder's LICENSE text -> short licence id (first match wins).
LICENCES: list[tuple[str, str]] = [
    ("Attribution 3.0 Australia", "CC-BY-3.0-AU"),
    ("Attribution-ShareAlike 3.0", "CC-BY-SA-3.0"),
    ("Attribution-NonCommercial 3.0", "CC-BY-NC-3.0"),
    ("Open Government Licence v3.0", "OGL-UK-3.0"),
    ("eeas.europa.eu", "EEAS-legal-notice"),
    ("public domain", "public-domain-us-gov"),
]


def licence_id(licence_text: str) -> str:
    """The short id of a re3d folder's LICENSE text ("unknown" when no phrase matches)."""
    for phrase, short in LICENCES:
        if phrase.lower() in licence_text.lower():
            return short
    return "unknown"


def folders(path: Path) -> list[Path]:
    """The re3d source folders under ``path`` (``path`` itself when it is one); E155 if none."""
    path = Path(path)
    if (path / "documents.json").is_file():
        found = [path]
    elif path.is_dir():
        found = sorted(p for p in path.iterdir() if (p / "documents.json").is_file())
    else:
        found = []
    if not found:
        raise EventCorpusError(
            "E155", f"{path} is neither a re3d folder nor a folder of them", file=str(path), expected="documents.json"
        )
    for folder in found:
        if not (folder / "entities.json").is_file():
            raise EventCorpusError("E155", f"{folder} has no entities.json", file=str(folder))
    return found


def _rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise EventCorpusError("E005", exc.msg, file=str(path), line=number) from exc
            if not isinstance(row, dict):
                raise EventCorpusError("E156", "a row must be a JSON object", file=str(path), line=number)
            yield number, row


def _optional_text(folder: Path, name: str) -> str | None:
    file = folder / name
    return file.read_text(encoding="utf-8").strip() if file.is_file() else None


def read(path: Path, *, schema: Schema, options: dict[str, Any] | None = None) -> Iterator[Record]:
    """Stream one record per re3d document, gold entities only, labels mapped by the schema."""
    options = options or {}
    for folder in folders(Path(path)):
        yield from _read_folder(folder, schema, options)


def _read_folder(folder: Path, schema: Schema, options: dict[str, Any]) -> Iterator[Record]:
    licence_text = _optional_text(folder, "LICENSE") or ""
    attribution = _optional_text(folder, "ATTRIBUTION")
    entities_file = folder / "entities.json"
    by_document: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for number, row in _rows(entities_file):
        key = row.get("documentId")
        if not isinstance(key, str):
            raise EventCorpusError("E156", "entity row has no documentId", file=str(entities_file), line=number)
        by_document.setdefault(key, []).append((number, row))
    documents_file = folder / "documents.json"
    seen: set[str] = set()
    for number, row in _rows(documents_file):
        re3d_id, text = row.get("_id"), row.get("text")
        if not isinstance(re3d_id, str) or not isinstance(text, str):
            raise EventCorpusError(
                "E156", "document row needs string _id and text", file=str(documents_file), line=number
            )
        seen.add(re3d_id)
        doc_id = document_id(text)
        document = Document(
            id=doc_id,
            text=text,
            title=row.get("title"),
            source=row.get("sourceName") or folder.name,
            url=row.get("sourceUrl"),
            licence=licence_id(licence_text),
            attribution=attribution,
            provenance=[{"format": "re3d", "folder": folder.name, "file": "documents.json", "line": number}],
            meta={"re3d_id": re3d_id, "re3d_folder": folder.name, "licence_text": licence_text},
        )
        entities, alternatives = _entities(doc_id, text, by_document.get(re3d_id, []), schema, entities_file, options)
        meta = {"re3d_alternatives": alternatives} if alternatives else {}
        yield Record(document, AnnotationSet(doc_id, ANNOTATOR, entities, [], meta))
    orphans = sorted(set(by_document) - seen)
    if orphans:
        number = by_document[orphans[0]][0][0]
        raise EventCorpusError(
            "E156",
            f"{len(orphans)} document id(s) in entities.json have no document, first {orphans[0]}",
            file=str(entities_file),
            line=number,
            expected="a documentId listed in documents.json",
        )


def _entities(
    doc_id: str,
    text: str,
    rows: list[tuple[int, dict[str, Any]]],
    schema: Schema,
    file: Path,
    options: dict[str, Any],
) -> tuple[list[Entity], int]:
    """Gold entities of one document and the number of alternatives skipped."""
    entities: list[Entity] = []
    alternatives = 0
    for number, row in rows:
        begin, end, source_type = row.get("begin"), row.get("end"), row.get("type")
        if not isinstance(begin, int) or not isinstance(end, int) or not 0 <= begin < end <= len(text):
            raise EventCorpusError(
                "E156",
                f"entity offsets {begin!r}-{end!r} in a text of {len(text)} characters",
                file=str(file),
                line=number,
                doc_id=doc_id,
                offset=begin if isinstance(begin, int) else None,
                expected="0 <= begin < end <= len(text)",
            )
        if row.get("confidence") == 0:
            alternatives += 1
            note_dropped(
                options,
                Dropped(doc_id, "alternative", str(row.get("_id")), begin, "confidence 0: an alternative, not gold"),
            )
            continue
        label = schema.map_label(INVENTORY, "entity_types", str(source_type), file=str(file))
        if label is None:
            note_dropped(
                options,
                Dropped(doc_id, "entity", str(row.get("_id")), begin, f"re3d type {source_type} maps to null"),
            )
            continue
        meta: dict[str, Any] = {"re3d_id": row.get("_id")}
        confidence = row.get("confidence")
        if confidence is not None and confidence != 1:
            meta["confidence"] = confidence
        value = row.get("value")
        if isinstance(value, str) and value != text[begin:end]:
            meta["text"] = value
            note_dropped(
                options,
                Dropped(
                    doc_id,
                    "mismatch",
                    str(row.get("_id")),
                    begin,
                    f"value {value!r} differs from the text {text[begin:end]!r} (entity kept)",
                ),
            )
        entities.append(Entity(f"T{len(entities) + 1}", begin, end, label, meta))
    return entities, alternatives
