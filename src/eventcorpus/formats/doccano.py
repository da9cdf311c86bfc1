"""doccano JSON Lines for sequence labelling with relations, and doccano export zips.

One doccano line is one document with one annotator's spans:

- ``entities``: ``[{id, start_offset, end_offset, label}]``; a span whose label is an event
  type (or that starts a relation) is an event trigger, every other span an entity;
- ``relations``: ``[{id, from_id, to_id, type}]`` from a trigger to an argument entity,
  ``type`` being the role;
- the plain form ``label: [[start, end, label], ...]`` (``labels`` in older exports) is read
  too (no relations);
- top-level fields ``doc_id``, ``text_sha256``, ``title``, ``source``, ``url``, ``published``,
  ``language``, ``licence``, ``attribution``, ``provenance``, ``doc_meta`` (the document's
  ``meta``), ``annotator`` and ``annotation_meta`` carry the document so ``pull`` maps
  examples back (doccano keeps unknown columns in its ``meta`` and exports them again);
- ``eventcorpus``: what doccano's span/relation model cannot hold, keyed by span
  ``(start, end, label)`` so it survives doccano renumbering span ids: the canonical id
  and ``meta`` of each entity, and the id, ``attributes`` (polarity, modality, genericity) and
  ``meta`` of each event.

Offsets are counted in the project's mode (``offset_mode``: codepoint, utf16 or grapheme)
and converted to code points at this edge. A zip holds one ``<user>.jsonl`` per annotator.
"""

from __future__ import annotations

import tempfile
import zipfile
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from eventcorpus.corpus import atomic_open, dumps, parse_json_lines
from eventcorpus.errors import EventCorpusError
from eventcorpus.formats import ConversionReport, Dropped
from eventcorpus.formats._shared import default_annotator, note_warning, note_warnings, numbered_lines
from eventcorpus.offsets import MODES, Mode, OffsetMap, OffsetTally
from eventcorpus.paths import safe_name
from eventcorpus.records import (
    AnnotationSet,
    Argument,
    Document,
    Entity,
    Event,
    Record,
    Trigger,
    document_id,
    text_sha256,
)
from eventcorpus.schema import Schema, load_schema
from eventcorpus.ziplimits import ZipLimits, jsonl_members, member_lines, open_zip

CANNOT_HOLD = [
    "spans whose offsets fall inside a grapheme cluster (grapheme mode only)",
]
# Top-level fields copied from and to the Document (``meta`` travels as ``doc_meta``).
_DOC_FIELDS = ("title", "source", "url", "published", "language", "licence", "attribution", "provenance")


def _offset_mode(value: str) -> Mode:
    if value not in MODES:
        raise EventCorpusError("E017", f"unknown offset mode {value!r}", expected=f"one of {', '.join(MODES)}")
    return value  # type: ignore[return-value]


def record_to_doccano(record: Record, *, offset_mode: str = "codepoint") -> dict[str, Any]:
    """One doccano line for ``record``; E101 when a span cannot be counted in ``offset_mode``."""
    obj, dropped = record_to_doccano_report(record, offset_mode=offset_mode)
    if dropped:
        first = dropped[0]
        raise EventCorpusError(
            "E101",
            f"{first.kind} {first.item_id}: {first.reason}",
            doc_id=first.doc_id,
            offset=first.offset,
            expected=f"span boundaries countable in {offset_mode} mode",
        )
    return obj


def record_to_doccano_report(record: Record, *, offset_mode: str = "codepoint") -> tuple[dict[str, Any], list[Dropped]]:
    """One doccano line for ``record`` plus the items it could not hold (never raises for them)."""
    mode = _offset_mode(offset_mode)
    text = record.document.text
    offsets = OffsetMap(text, mode)
    dropped: list[Dropped] = []

    def convert(kind: str, item_id: str, start: int, end: int) -> tuple[int, int] | None:
        try:
            return offsets.from_codepoint(start), offsets.from_codepoint(end)
        except ValueError as exc:
            dropped.append(Dropped(record.id, kind, item_id, start, f"{exc} ({mode} offsets)"))
            return None

    spans: list[dict[str, Any]] = []
    relations: list[dict[str, Any]] = []
    entity_notes: list[dict[str, Any]] = []
    event_notes: list[dict[str, Any]] = []
    span_of_entity: dict[str, int] = {}
    for entity in record.annotations.entities:
        converted = convert("entity", entity.id, entity.start, entity.end)
        if converted is None:
            continue
        span_id = len(spans) + 1
        span_of_entity[entity.id] = span_id
        spans.append({"id": span_id, "start_offset": converted[0], "end_offset": converted[1], "label": entity.label})
        note: dict[str, Any] = {"start": converted[0], "end": converted[1], "label": entity.label, "id": entity.id}
        if entity.meta:
            note["meta"] = entity.meta
        entity_notes.append(note)
    for event in record.annotations.events:
        converted = convert("event", event.id, event.trigger.start, event.trigger.end)
        if converted is None:
            dropped.extend(
                Dropped(
                    record.id,
                    "argument",
                    f"{event.id}/{a.role}:{a.entity_id}",
                    event.trigger.start,
                    "its event was dropped",
                )
                for a in event.arguments
            )
            continue
        trigger_id = len(spans) + 1
        spans.append({"id": trigger_id, "start_offset": converted[0], "end_offset": converted[1], "label": event.type})
        event_note: dict[str, Any] = {"start": converted[0], "end": converted[1], "label": event.type, "id": event.id}
        if event.attributes:
            event_note["attributes"] = event.attributes
        if event.meta:
            event_note["meta"] = event.meta
        event_notes.append(event_note)
        for argument in event.arguments:
            target = span_of_entity.get(argument.entity_id)
            if target is None:
                dropped.append(
                    Dropped(
                        record.id,
                        "argument",
                        f"{event.id}/{argument.role}:{argument.entity_id}",
                        event.trigger.start,
                        "its entity was dropped",
                    )
                )
                continue
            relations.append({"id": len(relations) + 1, "from_id": trigger_id, "to_id": target, "type": argument.role})
    document = record.document
    obj: dict[str, Any] = {"text": text, "entities": spans, "relations": relations, "doc_id": document.id}
    obj["text_sha256"] = document.text_sha256
    for key in _DOC_FIELDS:
        obj[key] = getattr(document, key)
    obj["doc_meta"] = document.meta
    obj["annotator"] = record.annotations.annotator
    obj["annotation_meta"] = record.annotations.meta  # always present: doccano's table import wants uniform keys
    obj["eventcorpus"] = {"offset_mode": mode, "entities": entity_notes, "events": event_notes}
    return obj, dropped


def _fields(obj: dict[str, Any]) -> dict[str, Any]:
    """Top-level fields, with those doccano nested under ``meta`` on export lifted up."""
    nested = obj.get("meta")
    if isinstance(nested, dict) and ("doc_id" in nested or "eventcorpus" in nested):
        return {**nested, **{k: v for k, v in obj.items() if k != "meta"}}
    return obj


def _raw_spans(obj: dict[str, Any], where: dict[str, Any]) -> list[tuple[Any, int, int, str]]:
    """(doccano id, start, end, label) of each span, from ``entities`` or the plain ``label`` form."""
    out: list[tuple[Any, int, int, str]] = []
    if obj.get("entities") is not None and not isinstance(obj["entities"], list):
        raise EventCorpusError("E100", f"entities is {obj['entities']!r}", expected="a list of spans", **where)
    if isinstance(obj.get("entities"), list):
        for index, span in enumerate(obj["entities"]):
            try:
                out.append((span["id"], int(span["start_offset"]), int(span["end_offset"]), str(span["label"])))
            except (KeyError, TypeError, ValueError) as exc:
                raise EventCorpusError(
                    "E100",
                    f"entities[{index}] is {span!r}",
                    expected="{id, start_offset, end_offset, label}",
                    **where,
                ) from exc
        return out
    plain = obj.get("label") if obj.get("label") is not None else obj.get("labels")  # older exports say "labels"
    for index, span in enumerate(plain or []):
        try:
            if not (isinstance(span, list | tuple) and len(span) == 3):
                raise TypeError(span)
            out.append((f"label{index}", int(span[0]), int(span[1]), str(span[2])))
        except (TypeError, ValueError) as exc:
            raise EventCorpusError(
                "E100",
                f"label[{index}] is {span!r}",
                expected="[start, end, label] (a span labelling project)",
                **where,
            ) from exc
    return out


def _queue_notes(notes: Any) -> dict[tuple[int, int, str], deque[dict[str, Any]]]:
    queues: dict[tuple[int, int, str], deque[dict[str, Any]]] = defaultdict(deque)
    for note in notes or []:
        if isinstance(note, dict) and {"start", "end", "label", "id"} <= note.keys():
            queues[(note["start"], note["end"], note["label"])].append(note)
    return queues


def _triggers(
    spans: list[tuple[Any, int, int, str]],
    sources: set[Any],
    entity_notes: dict[tuple[int, int, str], deque[dict[str, Any]]],
    event_notes: dict[tuple[int, int, str], deque[dict[str, Any]]],
    schema: Schema,
) -> dict[Any, bool]:
    """Which spans are event triggers.

    A span is a trigger when a relation starts at it, else when the event list the writer
    stored in the line (``eventcorpus.events``) holds it, else when the entity list holds it
    it is an entity, and only a span neither list names is judged by its label (a schema
    event type). So a label outside the schema never turns a written event into an entity.
    """
    left_events = {key: len(queue) for key, queue in event_notes.items()}
    left_entities = {key: len(queue) for key, queue in entity_notes.items()}
    out: dict[Any, bool] = {}
    for sid, start, end, label in spans:
        key = (start, end, label)
        if sid in sources:
            out[sid] = True
            left_events[key] = left_events.get(key, 0) - 1
        elif left_events.get(key, 0) > 0:
            out[sid] = True
            left_events[key] -= 1
        elif left_entities.get(key, 0) > 0:
            out[sid] = False
            left_entities[key] -= 1
        else:
            out[sid] = label in schema.event_types
    return out


def doccano_to_record(
    obj: dict[str, Any],
    *,
    offset_mode: str = "codepoint",
    annotator: str,
    document: Document | None = None,
    file: str | None = None,
    line: int | None = None,
    schema: Schema | None = None,
    tally: OffsetTally | None = None,
) -> Record:
    """A canonical record from one doccano line (export or :func:`record_to_doccano` output).

    ``document``, when given, must have the same text (checked by hash, else E010); its
    metadata is used. Offsets are read in ``offset_mode``. A span is a trigger when its
    label is a schema event type or when a relation starts at it.
    """
    mode = _offset_mode(offset_mode)
    schema = schema or load_schema()
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        raise EventCorpusError("E100", "a doccano line needs a 'text' string", file=file, line=line)
    fields = _fields(obj)
    text: str = obj["text"]
    doc_id = document.id if document is not None else str(fields.get("doc_id") or document_id(text))
    where: dict[str, Any] = {"file": file, "line": line, "doc_id": doc_id}
    if document is not None and document.text_sha256 != text_sha256(text):
        raise EventCorpusError(
            "E010",
            f"the doccano text (sha256 {text_sha256(text)[:12]}...) differs from document {document.id}'s text",
            expected="the text pushed to doccano, unchanged",
            fix="doccano texts must not be edited: re-push the document or restore its text",
            **where,
        )
    stored_hash = fields.get("text_sha256")
    if document is None and isinstance(stored_hash, str) and stored_hash != text_sha256(text):
        raise EventCorpusError("E010", f"text_sha256 {stored_hash[:12]}... does not match the text", **where)

    offsets = OffsetMap(text, mode)
    spans = _raw_spans(obj, where)
    if tally is not None:
        tally.add(text, [(start, end) for _, start, end, _ in spans])
    relations = obj.get("relations") or []
    sources = {rel.get("from_id") for rel in relations if isinstance(rel, dict)}
    extra = fields.get("eventcorpus") if isinstance(fields.get("eventcorpus"), dict) else {}
    assert isinstance(extra, dict)
    entity_notes, event_notes = _queue_notes(extra.get("entities")), _queue_notes(extra.get("events"))
    is_trigger = _triggers(spans, sources, entity_notes, event_notes, schema)

    entities: list[Entity] = []
    events: list[Event] = []
    entity_by_span: dict[Any, Entity] = {}
    event_by_span: dict[Any, Event] = {}
    unnamed: list[tuple[Any, Entity | Event]] = []
    for span_id, raw_start, raw_end, label in spans:
        try:
            start, end = offsets.to_codepoint(raw_start), offsets.to_codepoint(raw_end)
        except ValueError as exc:
            raise EventCorpusError(
                "E102",
                f"span {span_id} {raw_start}-{raw_end}: {exc}",
                offset=raw_start,
                expected=f"{mode} offsets",
                **where,
            ) from exc
        queue = (event_notes if is_trigger[span_id] else entity_notes).get((raw_start, raw_end, label))
        note = queue.popleft() if queue else {}
        item: Entity | Event
        if is_trigger[span_id]:
            item = Event(
                str(note.get("id", "")),
                label,
                Trigger(start, end),
                attributes=dict(note.get("attributes") or {}),
                meta=dict(note.get("meta") or {}),
            )
            events.append(item)
            event_by_span[span_id] = item
        else:
            item = Entity(str(note.get("id", "")), start, end, label, dict(note.get("meta") or {}))
            entities.append(item)
            entity_by_span[span_id] = item
        if not note:
            unnamed.append((span_id, item))
    taken = {e.id for e in entities if e.id} | {e.id for e in events if e.id}
    for span_id, item in unnamed:
        base = f"{'E' if isinstance(item, Event) else 'T'}{span_id}"
        name, suffix = base, 1
        while name in taken:
            suffix += 1
            name = f"{base}_{suffix}"
        item.id = name
        taken.add(name)

    for index, rel in enumerate(relations):
        if not isinstance(rel, dict) or not {"from_id", "to_id", "type"} <= rel.keys():
            raise EventCorpusError("E100", f"relations[{index}] is {rel!r}", expected="{from_id, to_id, type}", **where)
        event = event_by_span.get(rel["from_id"])
        entity = entity_by_span.get(rel["to_id"])
        if event is None or entity is None:
            raise EventCorpusError(
                "E103",
                f"relation {rel.get('id', index)} ({rel['type']}) goes from span {rel['from_id']} to span {rel['to_id']}",
                expected="from an event trigger span to an entity span of the same line",
                **where,
            )
        event.arguments.append(Argument(str(rel["type"]), entity.id))

    if document is None:
        data: dict[str, Any] = {key: fields.get(key) for key in _DOC_FIELDS}
        meta = fields.get("doc_meta") or {}
        if isinstance(meta, dict):  # a wrong type is left for Document.from_dict to report (E006)
            meta = dict(meta)
            # the export's own keys (doccano's example id, a dataset's doc_key) are kept, not dropped
            for value, name in ((obj.get("id"), "doccano_id"), (fields.get("doc_key"), "doc_key")):
                if isinstance(value, str | int) and not isinstance(value, bool):
                    meta[name] = value
        data.update(id=doc_id, text=text, meta=meta)
        document = Document.from_dict(data, where=where)
    annotation_meta = fields.get("annotation_meta")
    annotations = AnnotationSet(
        document.id, annotator, entities, events, dict(annotation_meta) if isinstance(annotation_meta, dict) else {}
    )
    annotations.check(text, file=file, line=line)
    return Record(document, annotations)


def _lines(handle: Iterable[str], name: str) -> Iterator[tuple[int, Any]]:
    return parse_json_lines(numbered_lines(handle, name), name)


def read(path: Path, *, schema: Schema, options: dict[str, Any]) -> Iterator[Record]:
    """Stream records from a doccano JSONL file or an export zip (one annotator per ``<user>.jsonl``)."""
    path = Path(path)
    mode = _offset_mode(str(options.get("offset_mode") or "codepoint"))
    if not path.exists():
        raise EventCorpusError("E004", "no such file", file=str(path))
    if path.is_dir():
        raise EventCorpusError(
            "E110",
            "doccano input is a folder",
            file=str(path),
            expected="a doccano .jsonl file or an export .zip",
        )
    if zipfile.is_zipfile(path) or path.suffix == ".zip":
        limits = ZipLimits.from_options(options)  # members are streamed, within limits (zip bombs)
        with open_zip(path, str(path)) as archive:
            members = jsonl_members(archive)
            note_warnings(options, members.notes)
            for member, user in members.names:
                name = f"{path}:{member}"
                tally = OffsetTally(mode)
                for number, obj in parse_json_lines(member_lines(archive, member, name=name, limits=limits), name):
                    yield doccano_to_record(
                        obj, offset_mode=mode, annotator=user, file=name, line=number, schema=schema, tally=tally
                    )
                _warn(options, tally, name)
        return
    tally = OffsetTally(mode)
    with open(path, encoding="utf-8", newline="") as handle:
        for number, obj in _lines(handle, str(path)):
            annotator = options.get("annotator") or (obj.get("annotator") if isinstance(obj, dict) else None)
            yield doccano_to_record(
                obj,
                offset_mode=mode,
                annotator=str(annotator or default_annotator(options)),
                file=str(path),
                line=number,
                schema=schema,
                tally=tally,
            )
    _warn(options, tally, str(path))


def _warn(options: dict[str, Any], tally: OffsetTally, file: str) -> None:
    message = tally.warning(file)
    if message is not None:
        note_warning(options, message)


def write(records: Iterable[Record], path: Path, *, schema: Schema, options: dict[str, Any]) -> ConversionReport:
    """Write doccano JSONL (or, for a ``.zip`` path, one ``<annotator>.jsonl`` per annotator).

    Lines are streamed: to the file, or for a zip to one spool file per annotator first.
    """
    path = Path(path)
    mode = str(options.get("offset_mode") or "codepoint")
    report = ConversionReport()
    if path.suffix == ".zip":
        with tempfile.TemporaryDirectory(dir=path.parent if path.parent.exists() else None) as spool:
            handles: dict[str, IO[str]] = {}
            try:
                for record in records:
                    obj, dropped = record_to_doccano_report(record, offset_mode=mode)
                    report.add(record)
                    report.dropped.extend(dropped)
                    user = record.annotations.annotator
                    if user not in handles:
                        handles[user] = open(Path(spool) / f"{len(handles)}.jsonl", "w", encoding="utf-8")  # noqa: SIM115
                    handles[user].write(dumps(obj) + "\n")
            finally:
                for handle in handles.values():
                    handle.close()
            with atomic_open(path, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
                for number, user in enumerate(handles):
                    archive.write(Path(spool) / f"{number}.jsonl", safe_name(user, what="annotator") + ".jsonl")
        return report
    with atomic_open(path) as handle:
        for record in records:
            obj, dropped = record_to_doccano_report(record, offset_mode=mode)
            report.add(record)
            report.dropped.extend(dropped)
            handle.write(dumps(obj) + "\n")
    return report
