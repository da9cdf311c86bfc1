"""The data model: documents, entities, events and annotation sets, and their JSON form.

Offsets everywhere are Python ``str`` indices (Unicode code points) into the document's
clean text, end-exclusive. Readers and writers of outside formats convert at their edge.

A canonical record (one JSON Lines line) is one document with the annotations of one
annotator. ``schemas/record.schema.json`` documents the fields.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from eventcorpus.errors import EventCorpusError

_SPACE = re.compile(r"\s+")
UNANNOTATED = "unannotated"  # the annotator name of a record that carries no annotation pass
# The label of an argument filler that is not an entity mention (RAMS, MAVEN-Arg, CASIE
# argue over free spans): it is held as an Entity so that Argument keeps pointing at an
# entity id, but it is never scored, counted or trained as an entity.
ARGUMENT_SPAN_LABEL = "ARG"


def normalise_text(text: str) -> str:
    """NFC, whitespace runs collapsed to one space, stripped: the basis of document ids."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def document_id(text: str) -> str:
    """Stable id from the normalised text: same text, same id, on any machine."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()[:16]


def text_sha256(text: str) -> str:
    """Hash of the exact text (not normalised): detects any change to what offsets point into."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class Document:
    id: str
    text: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: str | None = None
    language: str = "en"
    licence: str = "unknown"
    attribution: str | None = None
    provenance: list[dict[str, Any]] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def text_sha256(self) -> str:
        return text_sha256(self.text)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "title": self.title,
            "source": self.source,
            "url": self.url,
            "published": self.published,
            "language": self.language,
            "licence": self.licence,
            "attribution": self.attribution,
            "provenance": self.provenance,
            "meta": self.meta,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, where: dict[str, Any] | None = None) -> Document:
        """A document from its JSON fields; E006 (at ``where``: file, line, doc_id) for a field of the wrong type."""
        _check_document_fields(data, where or {"doc_id": data.get("id")})
        return cls(
            id=str(data["id"]),
            text=str(data["text"]),
            title=data.get("title"),
            source=data.get("source"),
            url=data.get("url"),
            published=data.get("published"),
            language=data.get("language") or "en",
            licence=data.get("licence") or "unknown",
            attribution=data.get("attribution"),
            provenance=list(data.get("provenance") or []),
            meta=dict(data.get("meta") or {}),
        )


@dataclass
class Entity:
    id: str
    start: int
    end: int
    label: str
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "start": self.start, "end": self.end, "label": self.label}
        if self.meta:
            out["meta"] = self.meta
        return out


@dataclass
class Argument:
    role: str
    entity_id: str

    def to_dict(self) -> dict[str, Any]:
        return {"role": self.role, "entity_id": self.entity_id}


@dataclass
class Trigger:
    start: int
    end: int


@dataclass
class Event:
    id: str
    type: str
    trigger: Trigger
    arguments: list[Argument] = field(default_factory=list)
    attributes: dict[str, str] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "type": self.type,
            "trigger": {"start": self.trigger.start, "end": self.trigger.end},
            "arguments": [a.to_dict() for a in self.arguments],
        }
        if self.attributes:
            out["attributes"] = self.attributes
        if self.meta:
            out["meta"] = self.meta
        return out


@dataclass
class AnnotationSet:
    doc_id: str
    annotator: str
    entities: list[Entity] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    def entity_by_id(self) -> dict[str, Entity]:
        return {e.id: e for e in self.entities}

    def check(self, text: str, *, file: str | None = None, line: int | None = None) -> None:
        """Raise a coded error on the first structural problem: offsets, ids, dangling arguments."""
        where: dict[str, Any] = {"file": file, "line": line, "doc_id": self.doc_id}
        seen: set[str] = set()
        entity_ids = {e.id for e in self.entities}
        for entity in self.entities:
            _check_span(entity.start, entity.end, len(text), f"entity {entity.id}", where)
            if entity.id in seen:
                raise EventCorpusError("E008", f"id {entity.id!r} used twice", offset=entity.start, **where)
            seen.add(entity.id)
        for event in self.events:
            _check_span(event.trigger.start, event.trigger.end, len(text), f"event {event.id} trigger", where)
            if event.id in seen:
                raise EventCorpusError("E008", f"id {event.id!r} used twice", offset=event.trigger.start, **where)
            seen.add(event.id)
            for argument in event.arguments:
                if argument.entity_id not in entity_ids:
                    raise EventCorpusError(
                        "E009",
                        f"event {event.id} argument {argument.role} points at {argument.entity_id!r}",
                        offset=event.trigger.start,
                        expected="the id of an entity in the same annotation set",
                        **where,
                    )


def _check_span(start: int, end: int, length: int, what: str, where: dict[str, Any]) -> None:
    if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or isinstance(end, bool):
        raise EventCorpusError("E007", f"{what} offsets {start!r}-{end!r} are not integers", **where)
    if not 0 <= start < end <= length:
        raise EventCorpusError(
            "E007",
            f"{what} spans {start}-{end} in a text of {length} characters",
            offset=start,
            expected="0 <= start < end <= text length",
            **where,
        )


@dataclass
class Record:
    """One canonical JSON Lines record: a document plus one annotator's annotations."""

    document: Document
    annotations: AnnotationSet

    @property
    def id(self) -> str:
        return self.document.id

    def to_dict(self) -> dict[str, Any]:
        out = self.document.to_dict()
        out["text_sha256"] = self.document.text_sha256
        out["annotator"] = self.annotations.annotator
        out["entities"] = [e.to_dict() for e in self.annotations.entities]
        out["events"] = [e.to_dict() for e in self.annotations.events]
        if self.annotations.meta:
            out["annotation_meta"] = self.annotations.meta
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, file: str | None = None, line: int | None = None) -> Record:
        """Parse and check one record; errors name the file, line, document and offset."""
        doc_id = data.get("id") if isinstance(data, dict) else None
        where: dict[str, Any] = {"file": file, "line": line, "doc_id": doc_id}
        if not isinstance(data, dict):
            raise EventCorpusError("E006", "a record must be a JSON object", **where)
        for key in ("id", "text"):
            if not isinstance(data.get(key), str):
                raise EventCorpusError(
                    "E006", f"field {key!r} is missing or not a string", expected=f"{key}: string", **where
                )
        _check_annotation_fields(data, where)
        try:
            document = Document.from_dict(data, where=where)
            entities = [
                Entity(str(e["id"]), e["start"], e["end"], str(e["label"]), dict(e.get("meta") or {}))
                for e in data.get("entities") or []
            ]
            events = [
                Event(
                    id=str(ev["id"]),
                    type=str(ev["type"]),
                    trigger=Trigger(ev["trigger"]["start"], ev["trigger"]["end"]),
                    arguments=[Argument(str(a["role"]), str(a["entity_id"])) for a in ev.get("arguments") or []],
                    attributes=dict(ev.get("attributes") or {}),
                    meta=dict(ev.get("meta") or {}),
                )
                for ev in data.get("events") or []
            ]
        except (KeyError, TypeError) as exc:
            raise EventCorpusError(
                "E006", f"an entity or event lacks a field or has the wrong shape ({exc!r})", **where
            ) from exc
        annotations = AnnotationSet(
            doc_id=document.id,
            annotator=str(data.get("annotator") or UNANNOTATED),
            entities=entities,
            events=events,
            meta=dict(data.get("annotation_meta") or {}),
        )
        stored_hash = data.get("text_sha256")
        if stored_hash is not None and stored_hash != document.text_sha256:
            raise EventCorpusError(
                "E010",
                f"text_sha256 {stored_hash[:12]}... does not match the text ({document.text_sha256[:12]}...)",
                **where,
            )
        annotations.check(document.text, file=file, line=line)
        return cls(document, annotations)


_OPTIONAL_STRINGS = ("title", "source", "url", "published", "language", "licence", "attribution", "text_sha256")


def _wrong_type(field_name: str, value: Any, expected: str, where: dict[str, Any]) -> EventCorpusError:
    return EventCorpusError(
        "E006", f"field {field_name!r} is {type(value).__name__} {value!r}", expected=expected, **where
    )


def _check_document_fields(data: dict[str, Any], where: dict[str, Any]) -> None:
    """E006 when a document field has the wrong JSON type (before ``dict()``/``list()``/slicing trip on it)."""
    for key in _OPTIONAL_STRINGS:
        if data.get(key) is not None and not isinstance(data[key], str):
            raise _wrong_type(key, data[key], f"{key}: string or null", where)
    if data.get("meta") is not None and not isinstance(data["meta"], dict):
        raise _wrong_type("meta", data["meta"], "meta: object or null", where)
    if data.get("provenance") is not None and not isinstance(data["provenance"], list):
        raise _wrong_type("provenance", data["provenance"], "provenance: list or null", where)


def _check_annotation_fields(data: dict[str, Any], where: dict[str, Any]) -> None:
    """E006 when annotation_meta, entities or events (or their meta/attributes) have the wrong JSON type."""
    if data.get("annotation_meta") is not None and not isinstance(data["annotation_meta"], dict):
        raise _wrong_type("annotation_meta", data["annotation_meta"], "annotation_meta: object or null", where)
    for kind, object_keys in (("entities", ("meta",)), ("events", ("meta", "attributes"))):
        items = data.get(kind)
        if items is None:
            continue
        if not isinstance(items, list):
            raise _wrong_type(kind, items, f"{kind}: list of objects", where)
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                raise _wrong_type(f"{kind}[{index}]", item, "an object", where)
            for key in object_keys:
                if item.get(key) is not None and not isinstance(item[key], dict):
                    raise _wrong_type(f"{kind}[{index}].{key}", item[key], f"{key}: object or null", where)


def span_text(text: str, start: int, end: int) -> str:
    return text[start:end]
