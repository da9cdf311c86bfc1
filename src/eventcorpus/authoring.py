"""The human-writable authoring form, and the stand-off annotation files compiled from it.

An authoring file (``corpus/annotations/authoring/<pass>/<key>.yaml``) gives entity and
trigger spans by their quoted text, disambiguated by ``occurrence`` (1-based), by a
``context`` quote that occurs once, or by code-point ``start``/``end``. :func:`resolve_authoring`
turns it into a checked :class:`AnnotationSet`, refusing anything ambiguous with a coded
error that names the file, the id and the candidate occurrences.

A stand-off file (``corpus/annotations/<pass>.jsonl``) holds one line per document: the
canonical annotation record without the text, tied to its document by id and text hash.
:func:`apply_standoff` joins it with the fetched documents and fails loudly (E010) if a
text changed since it was annotated.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from eventcorpus.corpus import atomic_open, backup_existing, dumps, iter_json_lines, write_json_lines
from eventcorpus.errors import EventCorpusError
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
from eventcorpus.sources import REPO_ROOT, CorpusDocument

AUTHORING_DIR = REPO_ROOT / "corpus" / "annotations" / "authoring"
ANNOTATIONS_DIR = REPO_ROOT / "corpus" / "annotations"
PASSES = ("pass1", "pass2")
_SPAN_KEYS = {"text", "occurrence", "context", "start", "end"}
_ENTITY_KEYS = {"id", "label", "pre", "note"} | _SPAN_KEYS
_EVENT_KEYS = {"id", "type", "trigger", "arguments", "attributes", "note"}
_FILE_KEYS = {"source", "annotator", "notes", "entities", "events"}
_CONTEXT_CHARS = 30


# --- span resolution ------------------------------------------------------------------------


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def word_occurrences(text: str, quote: str, lo: int = 0, hi: int | None = None) -> list[int]:
    """Start offsets of ``quote`` in ``text[lo:hi]`` that neither start nor end inside a word."""
    hi = len(text) if hi is None else hi
    starts: list[int] = []
    index = text.find(quote, lo, hi)
    while index != -1:
        end = index + len(quote)
        inside_start = index > 0 and _is_word(text[index - 1]) and _is_word(text[index])
        inside_end = end < len(text) and _is_word(text[end - 1]) and _is_word(text[end])
        if not inside_start and not inside_end:
            starts.append(index)
        index = text.find(quote, index + 1, hi)
    return starts


def _show(text: str, start: int, end: int) -> str:
    left = text[max(0, start - _CONTEXT_CHARS) : start].replace("\n", " ")
    right = text[end : end + _CONTEXT_CHARS].replace("\n", " ")
    return f"…{left}[{text[start:end]}]{right}…"


def _candidates(text: str, quote: str, starts: list[int]) -> str:
    return "; ".join(f"occurrence {n} at {s}: {_show(text, s, s + len(quote))}" for n, s in enumerate(starts, 1))


def resolve_span(
    text: str, spec: Mapping[str, Any], *, what: str, file: str | None, doc_id: str | None
) -> tuple[int, int]:
    """Resolve one span given as text (+ occurrence | context) or start/end into offsets."""
    where: dict[str, Any] = {"file": file, "doc_id": doc_id}
    quote = spec.get("text")
    if quote is not None and (not isinstance(quote, str) or not quote):
        raise EventCorpusError("E710", f"{what}: `text` must be a non-empty string", **where)
    if "start" in spec or "end" in spec:
        start, end = spec.get("start"), spec.get("end")
        if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end <= len(text):
            raise EventCorpusError(
                "E714",
                f"{what}: start/end {start!r}-{end!r} are not a span of a {len(text)}-character text",
                expected="0 <= start < end <= len(text)",
                **where,
            )
        if quote is not None and text[start:end] != quote:
            starts = word_occurrences(text, quote)
            raise EventCorpusError(
                "E714",
                f"{what}: offsets {start}-{end} hold {text[start:end]!r}, not {quote!r}. "
                f"Candidates: {_candidates(text, quote, starts) or 'none'}",
                offset=start,
                **where,
            )
        return start, end
    if quote is None:
        raise EventCorpusError("E710", f"{what}: a span needs `text` (or `start` and `end`)", **where)
    if "context" in spec:
        context = spec["context"]
        if not isinstance(context, str) or quote not in context:
            raise EventCorpusError("E713", f"{what}: context {context!r} does not contain the text {quote!r}", **where)
        places = [i for i in range(len(text)) if text.startswith(context, i)] if context else []
        if len(places) != 1:
            raise EventCorpusError(
                "E713",
                f"{what}: context {context!r} occurs {len(places)} times"
                + (f" ({_candidates(text, context, places)})" if places else "")
                + f"; the text {quote!r} occurs at: {_candidates(text, quote, word_occurrences(text, quote)) or 'nowhere'}",
                expected="a context quote that occurs exactly once",
                **where,
            )
        inside = word_occurrences(text, quote, places[0], places[0] + len(context))
        inside = [s for s in inside if s + len(quote) <= places[0] + len(context)]
        if len(inside) != 1:
            raise EventCorpusError(
                "E713",
                f"{what}: the text {quote!r} occurs {len(inside)} times as whole words inside the context {context!r}",
                expected="a context in which the text occurs once as whole words",
                offset=places[0],
                **where,
            )
        return inside[0], inside[0] + len(quote)
    starts = word_occurrences(text, quote)
    if not starts:
        loose = [i for i in range(len(text)) if text.startswith(quote, i)]
        hint = f" (found only inside longer words: {_candidates(text, quote, loose)})" if loose else ""
        raise EventCorpusError("E711", f"{what}: {quote!r} is not in the document{hint}", **where)
    occurrence = spec.get("occurrence")
    if occurrence is None:
        if len(starts) > 1:
            raise EventCorpusError(
                "E712",
                f"{what}: {quote!r} occurs {len(starts)} times: {_candidates(text, quote, starts)}",
                expected="`occurrence: N` or a `context:` quote",
                **where,
            )
        return starts[0], starts[0] + len(quote)
    if not isinstance(occurrence, int) or isinstance(occurrence, bool) or not 1 <= occurrence <= len(starts):
        raise EventCorpusError(
            "E712",
            f"{what}: occurrence {occurrence!r} but {quote!r} occurs {len(starts)} times: {_candidates(text, quote, starts)}",
            expected=f"an occurrence from 1 to {len(starts)}",
            **where,
        )
    return starts[occurrence - 1], starts[occurrence - 1] + len(quote)


# --- authoring files ------------------------------------------------------------------------


def read_authoring(path: str | Path) -> dict[str, Any]:
    """Parse an authoring YAML file (E710 if it is not a mapping of the known fields)."""
    file = str(path)
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise EventCorpusError("E004", str(exc), file=file) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise EventCorpusError(
            "E710", f"not valid YAML: {exc}", file=file, line=mark.line + 1 if mark else None
        ) from exc
    if not isinstance(data, dict):
        raise EventCorpusError(
            "E710", "an authoring file is a mapping with source, annotator, entities, events", file=file
        )
    unknown = set(data) - _FILE_KEYS
    if unknown:
        raise EventCorpusError(
            "E710", f"unknown top-level field(s) {sorted(unknown)}", file=file, expected=str(sorted(_FILE_KEYS))
        )
    for key in ("source", "annotator"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise EventCorpusError("E710", f"field {key!r} is missing or not a string", file=file)
    for key in ("entities", "events"):
        if data.get(key) is None:
            data[key] = []
        if not isinstance(data[key], list):
            raise EventCorpusError("E710", f"field {key!r} must be a list", file=file)
    return data


def resolve_authoring(
    data: Mapping[str, Any], text: str, *, schema: Schema | None = None, file: str | None = None
) -> AnnotationSet:
    """Resolve an authoring mapping against the document text into a checked AnnotationSet."""
    schema = schema or load_schema()
    doc_id = document_id(text)
    where: dict[str, Any] = {"file": file, "doc_id": doc_id}
    ids: set[str] = set()
    entities: list[Entity] = []
    for index, item in enumerate(data.get("entities") or []):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise EventCorpusError("E710", f"entities[{index}] needs an `id`", **where)
        what = f"entity {item['id']}"
        unknown = set(item) - _ENTITY_KEYS
        if unknown:
            raise EventCorpusError(
                "E710", f"{what}: unknown field(s) {sorted(unknown)}", expected=str(sorted(_ENTITY_KEYS)), **where
            )
        if item["id"] in ids:
            raise EventCorpusError("E008", f"{what}: id used twice", **where)
        ids.add(item["id"])
        label = item.get("label")
        if label not in schema.entity_types:
            raise EventCorpusError(
                "E715", f"{what}: entity type {label!r}", expected=f"one of {schema.entity_labels}", **where
            )
        start, end = resolve_span(text, item, what=what, file=file, doc_id=doc_id)
        meta = {"pre": item["pre"]} if item.get("pre") else {}
        entities.append(Entity(item["id"], start, end, str(label), meta))
    labels = {e.id: e.label for e in entities}
    events: list[Event] = []
    for index, item in enumerate(data.get("events") or []):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise EventCorpusError("E710", f"events[{index}] needs an `id`", **where)
        events.append(_resolve_event(item, text, schema, labels, ids, where))
    annotations = AnnotationSet(doc_id=doc_id, annotator=str(data["annotator"]), entities=entities, events=events)
    annotations.check(text, file=file)
    return annotations


def _resolve_event(
    item: dict[str, Any], text: str, schema: Schema, labels: dict[str, str], ids: set[str], where: dict[str, Any]
) -> Event:
    what = f"event {item['id']}"
    unknown = set(item) - _EVENT_KEYS
    if unknown:
        raise EventCorpusError(
            "E710", f"{what}: unknown field(s) {sorted(unknown)}", expected=str(sorted(_EVENT_KEYS)), **where
        )
    if item["id"] in ids:
        raise EventCorpusError("E008", f"{what}: id used twice", **where)
    ids.add(item["id"])
    event_type = item.get("type")
    if event_type not in schema.event_types:
        raise EventCorpusError(
            "E715", f"{what}: event type {event_type!r}", expected=f"one of {schema.event_labels}", **where
        )
    trigger = item.get("trigger")
    if not isinstance(trigger, dict) or set(trigger) - _SPAN_KEYS:
        raise EventCorpusError(
            "E710", f"{what}: `trigger` must be a span {{text, occurrence|context|start+end}}", **where
        )
    start, end = resolve_span(text, trigger, what=f"{what} trigger", file=where["file"], doc_id=where["doc_id"])
    arguments: list[Argument] = []
    raw_arguments = item.get("arguments") or {}
    if not isinstance(raw_arguments, dict):
        raise EventCorpusError("E710", f"{what}: `arguments` must map roles to lists of entity ids", **where)
    for role, fillers in raw_arguments.items():
        allowed = schema.allowed_fillers(str(event_type), str(role))
        if allowed is None:
            raise EventCorpusError(
                "E716",
                f"{what}: {event_type} has no role {role!r}",
                expected=f"one of {list(schema.event_types[str(event_type)].roles)}",
                **where,
            )
        for entity_id in fillers if isinstance(fillers, list) else [fillers]:
            if entity_id not in labels:
                raise EventCorpusError(
                    "E009",
                    f"{what} role {role} points at {entity_id!r}",
                    expected="the id of an entity in this file",
                    **where,
                )
            if labels[entity_id] not in allowed:
                raise EventCorpusError(
                    "E717",
                    f"{what} role {role} is filled by {entity_id} of type {labels[entity_id]}",
                    expected=f"an entity of type {' or '.join(allowed)}",
                    **where,
                )
            arguments.append(Argument(str(role), str(entity_id)))
    attributes = item.get("attributes") or {}
    if not isinstance(attributes, dict):
        raise EventCorpusError("E718", f"{what}: `attributes` must be a mapping", **where)
    kept: dict[str, str] = {}
    for name, value in attributes.items():
        spec = schema.attributes.get(name)
        if spec is None or value not in spec.values:
            expected = f"one of {list(spec.values)}" if spec else f"one of {sorted(schema.attributes)}"
            raise EventCorpusError("E718", f"{what}: attribute {name}={value!r}", expected=expected, **where)
        if value != spec.default:
            kept[name] = str(value)
    return Event(item["id"], str(event_type), Trigger(start, end), arguments, kept)


# --- pre-annotation -------------------------------------------------------------------------


@dataclass
class Skeleton:
    path: Path
    entities: int
    skipped: list[str]


def authoring_path(key: str, pass_name: str, root: str | Path = AUTHORING_DIR) -> Path:
    return Path(root) / pass_name / f"{key}.yaml"


def preannotate(
    document: CorpusDocument,
    pass_name: str,
    *,
    root: str | Path = AUTHORING_DIR,
    with_entities: bool = True,
    schema: Schema | None = None,
) -> Skeleton:
    """Write an authoring skeleton whose entities are re3d's gold entities mapped through the schema.

    Refuses (E705) to overwrite an existing file. What the re3d reader dropped (types mapped
    to null) and re3d spans whose value does not match the text are listed in ``notes``.
    """
    schema = schema or load_schema()
    path = authoring_path(document.key, pass_name, root)
    if path.exists():
        raise EventCorpusError("E705", f"{path} exists; refusing to overwrite an annotator's file", file=str(path))
    lines = [
        f"source: {json.dumps(document.source)}",
        f"annotator: {pass_name}",
    ]
    entity_lines: list[str] = []
    skipped: list[str] = []
    if with_entities:
        seen: set[tuple[int, int, str]] = set()
        skipped.extend(str(note) for note in document.meta.get("re3d_dropped", []))
        for re3d in sorted(document.re3d_entities, key=lambda e: (e.begin, -e.end)):
            span = document.text[re3d.begin : re3d.end]
            if re3d.label not in schema.entity_types:
                skipped.append(f"{re3d.label} {span!r} at {re3d.begin} (label not in the schema)")
                continue
            if span != re3d.value:
                skipped.append(
                    f"{re3d.label} {re3d.value!r} at {re3d.begin} (re3d value differs from the text {span!r})"
                )
                continue
            if (re3d.begin, re3d.end, re3d.label) in seen:
                continue
            seen.add((re3d.begin, re3d.end, re3d.label))
            entity_lines.append(
                f"  - {{id: T{len(entity_lines) + 1}, label: {re3d.label}, text: {json.dumps(span, ensure_ascii=False)}, "
                f"start: {re3d.begin}, end: {re3d.end}, pre: re3d}}"
            )
    note = "re3d entities mapped through the schema; review every one." if with_entities else ""
    if skipped:
        note += " Skipped: " + "; ".join(skipped) + "."
    lines.append(f"notes: {json.dumps(note.strip(), ensure_ascii=False)}")
    lines.append("entities:" + ("" if entity_lines else " []"))
    lines.extend(entity_lines)
    lines.append("events: []")
    with atomic_open(path) as handle:
        handle.write("\n".join(lines) + "\n")
    return Skeleton(path, len(entity_lines), skipped)


# --- stand-off files ------------------------------------------------------------------------


def standoff_record(document: CorpusDocument, annotations: AnnotationSet, notes: str | None = None) -> dict[str, Any]:
    """The stand-off form of one annotation set: the canonical record without the text."""
    record: dict[str, Any] = {
        "id": document_id(document.text),
        "text_sha256": text_sha256(document.text),
        "source": document.source,
        "annotator": annotations.annotator,
        "entities": [e.to_dict() for e in annotations.entities],
        "events": [e.to_dict() for e in annotations.events],
    }
    if notes:
        record["meta"] = {"notes": notes}
    return record


@dataclass
class CompileReport:
    pass_name: str
    output: str
    documents: int
    entities: int
    events: int
    backup: str | None


def compile_pass(
    pass_name: str,
    documents: Mapping[str, CorpusDocument],
    *,
    root: str | Path = AUTHORING_DIR,
    output: str | Path | None = None,
    schema: Schema | None = None,
) -> CompileReport:
    """Resolve every ``<root>/<pass>/*.yaml`` and write the stand-off file ``<pass>.jsonl``.

    All files are resolved before anything is written: one bad file writes nothing.
    """
    schema = schema or load_schema()
    folder = Path(root) / pass_name
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise EventCorpusError("E004", f"no authoring files in {folder}", file=str(folder))
    records: list[dict[str, Any]] = []
    for path in files:
        data = read_authoring(path)
        key = path.stem
        document = documents.get(key)
        if document is None:
            raise EventCorpusError("E704", f"no document with key {key!r} (source {data['source']!r})", file=str(path))
        if data["source"] != document.source:
            raise EventCorpusError(
                "E710", f"source {data['source']!r} but the file name says {document.source!r}", file=str(path)
            )
        annotations = resolve_authoring(data, document.text, schema=schema, file=str(path))
        records.append(standoff_record(document, annotations, data.get("notes") or None))
    target = Path(output) if output is not None else Path(root).parent / f"{pass_name}.jsonl"
    backup = None
    if target.exists() and target.read_text(encoding="utf-8") != "".join(dumps(r) + "\n" for r in records):
        backup_path = backup_existing(target)  # an older compilation is kept, never lost
        backup = str(backup_path) if backup_path else None
    write_json_lines(target, records)
    return CompileReport(
        pass_name,
        str(target),
        len(records),
        sum(len(r["entities"]) for r in records),
        sum(len(r["events"]) for r in records),
        backup,
    )


def read_standoff(path: str | Path) -> list[dict[str, Any]]:
    """The records of a stand-off file, each checked for its fields (E006)."""
    rows = []
    for line, row in iter_json_lines(path):
        if not isinstance(row, dict):
            raise EventCorpusError("E006", "a stand-off record must be a JSON object", file=str(path), line=line)
        for key in ("id", "text_sha256", "source", "annotator"):
            if not isinstance(row.get(key), str):
                raise EventCorpusError(
                    "E006", f"stand-off record lacks {key!r}", file=str(path), line=line, doc_id=row.get("id")
                )
        row["_line"] = line
        rows.append(row)
    return rows


def apply_standoff(path: str | Path, documents: Iterable[CorpusDocument]) -> list[Record]:
    """Join a stand-off file with the fetched documents into full canonical records.

    Fails with E719 when a document is missing and E010 when its text changed (id or hash differ).
    """
    by_source = {d.source: d for d in documents}
    records: list[Record] = []
    for row in read_standoff(path):
        where: dict[str, Any] = {"file": str(path), "line": row["_line"], "doc_id": row["id"]}
        document = by_source.get(row["source"])
        if document is None:
            raise EventCorpusError("E719", f"no fetched document for source {row['source']!r}", **where)
        actual = text_sha256(document.text)
        if actual != row["text_sha256"] or document_id(document.text) != row["id"]:
            raise EventCorpusError(
                "E010",
                f"the text of {row['source']} changed since it was annotated: sha256 {actual[:12]}…, "
                f"annotated {row['text_sha256'][:12]}…",
                expected=f"text_sha256 {row['text_sha256']}",
                **where,
            )
        data = dict(row)
        data.pop("_line")
        meta = data.pop("meta", None)
        doc = Document(
            id=row["id"],
            text=document.text,
            title=document.title,
            source=document.source,
            url=document.url,
            licence=document.licence,
            attribution=document.attribution,
            meta=dict(document.meta),
        )
        full = doc.to_dict() | {k: data[k] for k in ("text_sha256", "annotator", "entities", "events")}
        if meta:
            full["annotation_meta"] = meta
        records.append(Record.from_dict(full, file=str(path), line=row["_line"]))
    return records
