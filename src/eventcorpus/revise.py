"""A revision pass as a list of recorded edits over an annotation set, each with its reason.

A revision never rewrites a pass in place: it reads a set (usually the adjudicated gold),
applies the edits of a revision file in file order, and writes a new set under the
revision's own annotator name. Each line of the file is one edit:

``{"doc_id": ..., "op": ..., <the op's fields>, "reason": "conv. B: ..."}``

Events are named by ``trigger`` ([start, end]), ``type`` and ``trigger_text``; entities
and argument fillers by ``span``/``filler`` ([start, end]), their text and ``label``.
Every quoted text is checked against the document (E331), so an edit written against
other offsets cannot land on the wrong words. Operations:

- ``remove_event``; ``retype_event`` (``new_type``; every argument's role must be allowed
  by the new type, else remove it first); ``set_attribute`` (``name``, ``value``);
- ``add_argument`` / ``remove_argument`` (``role``, ``filler``, ``filler_text``, ``label``:
  an added filler reuses the entity with that span and label, or adds it);
- ``add_entity`` / ``remove_entity`` / ``relabel_entity`` (``span``, ``text``, ``label``,
  ``new_label``);
- ``add_event`` (``trigger``, ``trigger_text``, ``type``, ``arguments`` as for
  add_argument, optional ``attributes``).

Offsets follow the project's one rule: code points into the clean text, end-exclusive.
"""

from __future__ import annotations

import copy
import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eventcorpus.corpus import iter_json_lines
from eventcorpus.errors import EventCorpusError
from eventcorpus.records import AnnotationSet, Argument, Entity, Event, Record, Trigger
from eventcorpus.schema import Schema, load_schema

OPS: dict[str, tuple[str, ...]] = {
    "remove_event": ("trigger", "type", "trigger_text"),
    "retype_event": ("trigger", "type", "trigger_text", "new_type"),
    "set_attribute": ("trigger", "type", "trigger_text", "name", "value"),
    "add_argument": ("trigger", "type", "trigger_text", "role", "filler", "filler_text", "label"),
    "remove_argument": ("trigger", "type", "trigger_text", "role", "filler", "filler_text"),
    "add_entity": ("span", "text", "label"),
    "remove_entity": ("span", "text", "label"),
    "relabel_entity": ("span", "text", "label", "new_label"),
    "add_event": ("trigger", "type", "trigger_text", "arguments"),
}


@dataclass(frozen=True)
class Edit:
    """One line of a revision file."""

    doc_id: str
    op: str
    fields: dict[str, Any]
    reason: str
    file: str
    line: int

    def where(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "doc_id": self.doc_id}


@dataclass
class Revision:
    """The revised records and what was done, per operation and per document."""

    records: list[Record]
    applied: Counter[str] = field(default_factory=Counter)
    documents: Counter[str] = field(default_factory=Counter)
    sha256: str = ""

    def summary(self) -> dict[str, Any]:
        return {
            "documents": len(self.records),
            "documents_revised": len(self.documents),
            "edits": sum(self.applied.values()),
            "by_op": dict(sorted(self.applied.items())),
            "edits_sha256": self.sha256,
        }


def _span(value: Any, name: str, where: dict[str, Any]) -> tuple[int, int]:
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        raise EventCorpusError("E330", f"{name} is {value!r}", expected="[start, end] as two integers", **where)
    return value[0], value[1]


def read_edits(path: str | Path) -> list[Edit]:
    """Every edit of a revision file, checked for shape (E330) but not yet against any text."""
    edits: list[Edit] = []
    for number, obj in iter_json_lines(path):
        where: dict[str, Any] = {"file": str(path), "line": number}
        if not isinstance(obj, dict):
            raise EventCorpusError("E330", f"the line is a {type(obj).__name__}", expected="a JSON object", **where)
        doc_id, op, reason = obj.get("doc_id"), obj.get("op"), obj.get("reason")
        if not isinstance(doc_id, str) or not doc_id:
            raise EventCorpusError("E330", "no doc_id", expected="the id of the document the edit changes", **where)
        if op not in OPS:
            raise EventCorpusError("E330", f"op {op!r}", expected=f"one of {sorted(OPS)}", doc_id=doc_id, **where)
        if not isinstance(reason, str) or not reason.strip():
            raise EventCorpusError(
                "E330", "no reason", expected="a one-line reason citing the guidelines", doc_id=doc_id, **where
            )
        missing = [name for name in OPS[op] if name not in obj]
        if missing:
            raise EventCorpusError(
                "E330", f"{op} lacks {', '.join(missing)}", expected=f"fields {list(OPS[op])}", doc_id=doc_id, **where
            )
        fields = {k: v for k, v in obj.items() if k not in ("doc_id", "op", "reason")}
        edits.append(Edit(doc_id, op, fields, reason.strip(), str(path), number))
    return edits


class _Reviser:
    """Applies edits to one annotation set (a deep copy), keeping ids stable and new ids fresh."""

    def __init__(self, annotations: AnnotationSet, text: str, schema: Schema) -> None:
        self.set = copy.deepcopy(annotations)
        self.text = text
        self.schema = schema
        self._next_entity = 1 + max((_number(e.id) for e in self.set.entities), default=0)
        self._next_event = 1 + max((_number(e.id) for e in self.set.events), default=0)

    def quoted(self, span: tuple[int, int], quote: Any, name: str, edit: Edit) -> None:
        start, end = span
        if not 0 <= start < end <= len(self.text):
            raise EventCorpusError(
                "E331",
                f"{name} {start}-{end} lies outside a text of {len(self.text)} characters",
                offset=start,
                **edit.where(),
            )
        if self.text[start:end] != quote:
            raise EventCorpusError(
                "E331",
                f"{name} {start}-{end} is {self.text[start:end]!r}, the edit quotes {quote!r}",
                offset=start,
                **edit.where(),
            )

    def event(self, edit: Edit) -> Event:
        start, end = _span(edit.fields["trigger"], "trigger", edit.where())
        self.quoted((start, end), edit.fields["trigger_text"], "trigger", edit)
        for event in self.set.events:
            if (event.trigger.start, event.trigger.end, event.type) == (start, end, edit.fields["type"]):
                return event
        raise EventCorpusError(
            "E332", f"no {edit.fields['type']} event on {self.text[start:end]!r}", offset=start, **edit.where()
        )

    def entity(self, span: tuple[int, int], label: str) -> Entity | None:
        return next((e for e in self.set.entities if (e.start, e.end, e.label) == (*span, label)), None)

    def entity_label(self, label: Any, edit: Edit) -> str:
        if label not in self.schema.entity_types:
            raise EventCorpusError(
                "E330", f"entity label {label!r}", expected=f"one of {self.schema.entity_labels}", **edit.where()
            )
        return str(label)

    def event_type(self, name: Any, edit: Edit) -> str:
        if name not in self.schema.event_types:
            raise EventCorpusError(
                "E330", f"event type {name!r}", expected=f"one of {self.schema.event_labels}", **edit.where()
            )
        return str(name)

    def filler(self, spec: dict[str, Any], event_type: str, edit: Edit) -> Argument:
        role = spec.get("role")
        if self.schema.allowed_fillers(event_type, str(role)) is None:
            roles = list(self.schema.event_types[event_type].roles)
            raise EventCorpusError("E330", f"role {role!r} of {event_type}", expected=f"one of {roles}", **edit.where())
        span = _span(spec.get("filler"), "filler", edit.where())
        self.quoted(span, spec.get("filler_text"), "filler", edit)
        label = self.entity_label(spec.get("label"), edit)
        entity = self.entity(span, label)
        if entity is None:
            entity = Entity(f"T{self._next_entity}", *span, label, {"revision": edit.reason})
            self._next_entity += 1
            self.set.entities.append(entity)
        return Argument(str(role), entity.id)

    def apply(self, edit: Edit) -> None:
        f, op = edit.fields, edit.op
        if op in ("add_entity", "remove_entity", "relabel_entity"):
            span = _span(f["span"], "span", edit.where())
            self.quoted(span, f["text"], "span", edit)
            label = self.entity_label(f["label"], edit)
            found = self.entity(span, label)
            if op == "add_entity":
                if found is not None:
                    raise EventCorpusError("E333", f"{label} {f['text']!r} is already there", **edit.where())
                self.set.entities.append(Entity(f"T{self._next_entity}", *span, label, {"revision": edit.reason}))
                self._next_entity += 1
                return
            if found is None:
                raise EventCorpusError("E332", f"no {label} entity {f['text']!r}", offset=span[0], **edit.where())
            if op == "relabel_entity":
                found.label = self.entity_label(f["new_label"], edit)
                return
            users = [e.id for e in self.set.events for a in e.arguments if a.entity_id == found.id]
            if users:
                raise EventCorpusError(
                    "E333", f"{label} {f['text']!r} fills arguments of {', '.join(users)}", **edit.where()
                )
            self.set.entities.remove(found)
            return
        if op == "add_event":
            start, end = _span(f["trigger"], "trigger", edit.where())
            self.quoted((start, end), f["trigger_text"], "trigger", edit)
            event_type = self.event_type(f["type"], edit)
            if any((e.trigger.start, e.trigger.end, e.type) == (start, end, event_type) for e in self.set.events):
                raise EventCorpusError(
                    "E333", f"a {event_type} event on {f['trigger_text']!r} is already there", **edit.where()
                )
            if not isinstance(f["arguments"], list):
                raise EventCorpusError("E330", "arguments is not a list", **edit.where())
            arguments = [self.filler(spec, event_type, edit) for spec in f["arguments"]]
            attributes = self.attributes(f.get("attributes") or {}, edit)
            event = Event(f"E{self._next_event}", event_type, Trigger(start, end), arguments, attributes)
            event.meta["revision"] = edit.reason
            self._next_event += 1
            self.set.events.append(event)
            return
        event = self.event(edit)
        if op == "remove_event":
            self.set.events.remove(event)
        elif op == "retype_event":
            new_type = self.event_type(f["new_type"], edit)
            misfits = [a.role for a in event.arguments if self.schema.allowed_fillers(new_type, a.role) is None]
            if misfits:
                raise EventCorpusError(
                    "E333",
                    f"{new_type} does not allow the roles {misfits} that {event.id} still has",
                    **edit.where(),
                )
            event.type = new_type
        elif op == "set_attribute":
            event.attributes.update(self.attributes({f["name"]: f["value"]}, edit))
        elif op == "add_argument":
            argument = self.filler(f, event.type, edit)
            if argument in event.arguments:
                raise EventCorpusError("E333", f"{event.id} already has this {argument.role}", **edit.where())
            event.arguments.append(argument)
        elif op == "remove_argument":
            span = _span(f["filler"], "filler", edit.where())
            self.quoted(span, f["filler_text"], "filler", edit)
            entities = self.set.entity_by_id()
            kept = [
                a
                for a in event.arguments
                if not (a.role == f["role"] and (entities[a.entity_id].start, entities[a.entity_id].end) == span)
            ]
            if len(kept) == len(event.arguments):
                raise EventCorpusError(
                    "E332", f"{event.id} has no {f['role']} {f['filler_text']!r}", offset=span[0], **edit.where()
                )
            event.arguments = kept

    def attributes(self, values: Any, edit: Edit) -> dict[str, str]:
        if not isinstance(values, dict):
            raise EventCorpusError("E330", "attributes is not an object", **edit.where())
        for name, value in values.items():
            spec = self.schema.attributes.get(name)
            if spec is None or value not in spec.values:
                expected = (
                    f"{name} in {list(spec.values)}" if spec else f"an attribute of {list(self.schema.attributes)}"
                )
                raise EventCorpusError("E330", f"attribute {name}={value!r}", expected=expected, **edit.where())
        return {str(k): str(v) for k, v in values.items()}


def _number(item_id: str) -> int:
    digits = item_id[1:]
    return int(digits) if digits.isdigit() else 0


def revise(
    records: Iterable[Record],
    edits: list[Edit],
    *,
    annotator: str,
    schema: Schema | None = None,
    edits_sha256: str = "",
) -> Revision:
    """Apply ``edits`` to each record's set; every record comes out under ``annotator``.

    An edit for a document that is not among the records is an error (E332): a revision
    written for another corpus must not pass in silence.
    """
    schema = schema or load_schema()
    by_doc: dict[str, list[Edit]] = {}
    for edit in edits:
        by_doc.setdefault(edit.doc_id, []).append(edit)
    result = Revision([], sha256=edits_sha256)
    seen: set[str] = set()
    for record in records:
        doc_id = record.document.id
        seen.add(doc_id)
        reviser = _Reviser(record.annotations, record.document.text, schema)
        for edit in by_doc.get(doc_id, []):
            reviser.apply(edit)
            result.applied[edit.op] += 1
            result.documents[doc_id] += 1
        revised = reviser.set
        revised.meta = {
            **revised.meta,
            "revision": {
                "from": record.annotations.annotator,
                "edits": result.documents[doc_id],
                "sha256": edits_sha256,
            },
        }
        revised.annotator = annotator
        revised.check(record.document.text)
        result.records.append(Record(record.document, revised))
    unknown = sorted(set(by_doc) - seen)
    if unknown:
        first = by_doc[unknown[0]][0]
        raise EventCorpusError(
            "E332",
            f"{len(unknown)} document(s) edited by the revision are not in the input: {', '.join(unknown[:5])}",
            **first.where(),
        )
    return result


def revise_file(
    records: Iterable[Record], edits_path: str | Path, *, annotator: str, schema: Schema | None = None
) -> Revision:
    """:func:`revise` with the edits read from ``edits_path`` (its sha256 is recorded in every set)."""
    try:
        digest = hashlib.sha256(Path(edits_path).read_bytes()).hexdigest()
    except OSError as exc:
        raise EventCorpusError(
            "E004", f"cannot read the revision file: {exc.strerror or exc}", file=str(edits_path)
        ) from exc
    return revise(records, read_edits(edits_path), annotator=annotator, schema=schema, edits_sha256=digest)
