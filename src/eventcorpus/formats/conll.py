"""CoNLL-style BIO columns: one token per line, ``token<TAB>entity tag<TAB>trigger tag``.

Each document starts with comment lines, then its sentences, a blank line after each::

    # doc_id = 3f2a...
    # text = "Rockets struck the base.\\r\\nNo one was hurt."
    # document = {"title": ..., "annotator": "gold", ...}
    Rockets	B-WEA	O
    struck	O	B-Conflict:Attack
    ...

Tokens and sentences come from :func:`eventcorpus.tokens.sentences`. ``# text`` holds the
exact document text as a JSON string (so newlines and CRLF survive on one line); the reader
finds each token in it in order and so recovers exact code-point offsets. A file without
``# text`` (from another tool) gets a text of its tokens joined by spaces, sentences by
newlines. ``# document``
holds the document's metadata and the annotator.

BIO holds one layer of spans per column, on token boundaries, inside a sentence. Writing
reports as dropped: overlapping or nested entities (the longer, earlier one is kept),
overlapping triggers, spans not on token boundaries or crossing a sentence boundary,
every argument, every attribute, entity and event ``meta``. Ids are not held: the reader
numbers entities ``T1..`` and events ``E1..`` in text order.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from eventcorpus.corpus import atomic_open
from eventcorpus.errors import EventCorpusError
from eventcorpus.formats import ConversionReport, Dropped
from eventcorpus.formats._shared import default_annotator, document_fields, document_from_fields, numbered_lines
from eventcorpus.records import AnnotationSet, Entity, Event, Record, Trigger, document_id, text_sha256
from eventcorpus.schema import Schema
from eventcorpus.tokens import sentences

CANNOT_HOLD = [
    "overlapping or nested entities, overlapping triggers",
    "spans not on token boundaries or crossing a sentence",
    "event arguments and attributes; entity and event meta; ids (renumbered in text order)",
]


def _layer(
    doc_id: str,
    kind: str,
    items: list[tuple[str, int, int, str]],
    token_at_start: dict[int, tuple[int, int]],
    token_at_end: dict[int, tuple[int, int]],
    dropped: list[Dropped],
) -> list[tuple[int, int, str]]:
    """Global token ranges [first, last] and labels of the spans one BIO column can hold."""
    chosen: list[tuple[int, int, str]] = []
    taken_until = -1
    taken_by = ""
    for item_id, start, end, label in sorted(items, key=lambda x: (x[1], -x[2])):
        first, last = token_at_start.get(start), token_at_end.get(end)
        if first is None or last is None:
            dropped.append(Dropped(doc_id, kind, item_id, start, "not on token boundaries"))
        elif first[0] != last[0]:
            dropped.append(Dropped(doc_id, kind, item_id, start, "crosses a sentence boundary"))
        elif first[1] <= taken_until:
            dropped.append(Dropped(doc_id, kind, item_id, start, f"overlaps {taken_by} (BIO holds one layer)"))
        else:
            chosen.append((first[1], last[1], label))
            taken_until, taken_by = last[1], item_id
    return chosen


def _tags(size: int, spans: list[tuple[int, int, str]]) -> list[str]:
    tags = ["O"] * size
    for first, last, label in spans:
        tags[first] = f"B-{label}"
        for index in range(first + 1, last + 1):
            tags[index] = f"I-{label}"
    return tags


def record_lines(record: Record, dropped: list[Dropped]) -> Iterator[str]:
    """The lines (without newlines) of one document."""
    text = record.document.text
    doc_id = record.id
    annotations = record.annotations
    sents = sentences(text)
    token_at_start: dict[int, tuple[int, int]] = {}
    token_at_end: dict[int, tuple[int, int]] = {}
    index = 0
    for number, sent in enumerate(sents):
        for token in sent:
            token_at_start[token.start] = (number, index)
            token_at_end[token.end] = (number, index)
            index += 1
    entities = [(e.id, e.start, e.end, e.label) for e in annotations.entities]
    triggers = [(e.id, e.trigger.start, e.trigger.end, e.type) for e in annotations.events]
    entity_tags = _tags(index, _layer(doc_id, "entity", entities, token_at_start, token_at_end, dropped))
    trigger_tags = _tags(index, _layer(doc_id, "event", triggers, token_at_start, token_at_end, dropped))
    for entity in annotations.entities:
        if entity.meta:
            dropped.append(Dropped(doc_id, "meta", entity.id, entity.start, "CoNLL holds no entity meta"))
    for event in annotations.events:
        at = event.trigger.start
        for argument in event.arguments:
            item = f"{event.id}/{argument.role}:{argument.entity_id}"
            dropped.append(Dropped(doc_id, "argument", item, at, "CoNLL holds no arguments"))
        for name, value in event.attributes.items():
            dropped.append(Dropped(doc_id, "attribute", f"{event.id}/{name}={value}", at, "CoNLL holds no attributes"))
        if event.meta:
            dropped.append(Dropped(doc_id, "meta", event.id, at, "CoNLL holds no event meta"))
    fields = document_fields(record)
    del fields["id"]
    yield f"# doc_id = {doc_id}"
    yield f"# text = {json.dumps(text, ensure_ascii=False)}"
    yield f"# document = {json.dumps(fields, ensure_ascii=False)}"
    index = 0
    for sent in sents:
        for token in sent:
            yield f"{token.text}\t{entity_tags[index]}\t{trigger_tags[index]}"
            index += 1
        yield ""


def write(records: Iterable[Record], path: Path, *, schema: Schema, options: dict[str, Any]) -> ConversionReport:
    """Write one ``.conll`` file for all records, reporting every item BIO cannot hold."""
    report = ConversionReport()
    with atomic_open(path) as handle:
        for record in records:
            for line in record_lines(record, report.dropped):
                handle.write(line + "\n")
            report.add(record)
    return report


class _Document:
    """One document being read: its comments and its token rows."""

    def __init__(self, doc_id: str, line: int) -> None:
        self.doc_id = doc_id
        self.line = line
        self.text: str | None = None
        self.fields: dict[str, Any] = {}
        self.rows: list[tuple[str, str, str, int, int]] = []  # token, entity tag, trigger tag, line, sentence

    def record(self, file: str, annotator: str) -> Record:
        where: dict[str, Any] = {"file": file, "doc_id": self.doc_id}
        text = self.text if self.text is not None else self._joined_tokens()
        stored = self.fields.get("text_sha256")
        if stored is not None and stored != text_sha256(text):
            raise EventCorpusError("E010", "text_sha256 does not match the '# text' line", line=self.line, **where)
        bounds: list[tuple[int, int]] = []
        position = 0
        for token, _, _, line, _ in self.rows:
            found = text.find(token, position)
            if found < 0 or text[position:found].strip():
                raise EventCorpusError(
                    "E106",
                    f"token {token!r} is not the next word of the text after offset {position}",
                    line=line,
                    offset=position,
                    **where,
                )
            bounds.append((found, found + len(token)))
            position = found + len(token)
        entities = [Entity(f"T{i}", s, e, label) for i, (s, e, label) in enumerate(self._spans(1, bounds), start=1)]
        events = [
            Event(f"E{i}", label, Trigger(s, e)) for i, (s, e, label) in enumerate(self._spans(2, bounds), start=1)
        ]
        document = document_from_fields(
            text, {**self.fields, "id": self.doc_id}, document_id(text), where={"file": file, "line": self.line}
        )
        annotation_meta = self.fields.get("annotation_meta") or {}
        if not isinstance(annotation_meta, dict):
            raise EventCorpusError("E100", "'# document' annotation_meta is not an object", line=self.line, **where)
        who = str(self.fields.get("annotator") or annotator)
        annotations = AnnotationSet(document.id, who, entities, events, annotation_meta)
        annotations.check(text, file=file, line=self.line)
        return Record(document, annotations)

    def _joined_tokens(self) -> str:
        """A text for files without ``# text``: tokens joined by spaces, sentences by newlines."""
        out: list[str] = []
        for index, (token, _, _, _, sentence) in enumerate(self.rows):
            if index:
                out.append(" " if self.rows[index - 1][4] == sentence else "\n")
            out.append(token)
        return "".join(out)

    def _spans(self, column: int, bounds: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
        spans: list[tuple[int, int, str]] = []
        open_label, open_sentence = None, -1
        for row, (start, end) in zip(self.rows, bounds, strict=True):
            tag, sentence = (row[1] if column == 1 else row[2]), row[4]
            if tag == "O":
                open_label = None
                continue
            prefix, _, label = tag.partition("-")
            if prefix not in ("B", "I") or not label:
                raise EventCorpusError(
                    "E100", f"tag {tag!r}", line=row[3], doc_id=self.doc_id, expected="O, B-<label> or I-<label>"
                )
            if prefix == "I" and open_label == label and open_sentence == sentence:
                spans[-1] = (spans[-1][0], end, label)
            else:
                spans.append((start, end, label))
            open_label, open_sentence = label, sentence
        return spans


def read(path: Path, *, schema: Schema, options: dict[str, Any]) -> Iterator[Record]:
    """Stream records from a ``.conll`` file written by :func:`write` (entities and triggers only)."""
    file = str(path)
    annotator = default_annotator(options)
    current: _Document | None = None
    sentence = 0
    try:
        handle = open(path, encoding="utf-8", newline="")  # noqa: SIM115 (closed below)
    except OSError as exc:
        raise EventCorpusError("E004", str(exc), file=file) from exc
    with handle:
        for number, raw in numbered_lines(handle, file):
            line = raw.rstrip("\r\n")
            if not line.strip():
                sentence += 1
                continue
            if "\t" not in line and line.startswith("# "):
                key, sep, value = line[2:].partition(" = ")
                if key == "doc_id" and sep:
                    if current is not None:
                        yield current.record(file, annotator)
                    current = _Document(value, number)
                elif current is not None and key in ("text", "document") and sep:
                    try:
                        parsed = json.loads(value)
                    except json.JSONDecodeError as exc:
                        raise EventCorpusError(
                            "E100", f"'# {key}' is not JSON: {exc.msg}", file=file, line=number
                        ) from exc
                    if key == "text":
                        current.text = str(parsed)
                    elif isinstance(parsed, dict):
                        current.fields = parsed
                    else:
                        raise EventCorpusError(
                            "E100", "'# document' is not a JSON object", file=file, line=number, expected="{...}"
                        )
                continue
            columns = line.split("\t")
            if len(columns) != 3 or current is None:
                raise EventCorpusError(
                    "E100",
                    f"line {line!r}" + ("" if current else " before any '# doc_id = ' line"),
                    file=file,
                    line=number,
                    expected="token<TAB>entity tag<TAB>trigger tag",
                )
            current.rows.append((columns[0], columns[1], columns[2], number, sentence))
    if current is not None:
        yield current.record(file, annotator)
