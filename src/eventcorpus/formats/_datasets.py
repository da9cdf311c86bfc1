"""Shared machinery of the readers of the field's public event datasets.

WikiEvents, RAMS, MAVEN, MAVEN-Arg, GENEVA, CASIE, MUC-4, ACE 2005 and ERE readers all:

- read JSON in any of the layouts the datasets ship (JSON Lines, one JSON list, or pretty
  printed objects one after the other) with the line of every object (:func:`json_objects`);
- fail on a bad object with a coded error naming the file, line, document and the key that
  was expected (:func:`need`);
- keep labels as they are, unless ``options["inventory"]`` names a mapping of the schema
  (:class:`Labels`): a label the mapping sends somewhere is replaced (the source label
  stays in ``meta``); a label it maps to null, or does not list, is kept as it is and
  reported once per label (the project's validator then reports it too);
- hold an argument filler that is not an entity mention as an :class:`Entity` labelled
  :data:`~eventcorpus.records.ARGUMENT_SPAN_LABEL` (:meth:`DocumentBuilder.span`);
- compare the text a dataset stores for a span with the text at its offsets, and report
  (never silently fix) every difference.
"""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from eventcorpus.corpus import atomic_open, dumps
from eventcorpus.errors import EventCorpusError
from eventcorpus.formats import ConversionReport, Dropped
from eventcorpus.formats._shared import note_dropped
from eventcorpus.records import ARGUMENT_SPAN_LABEL, AnnotationSet, Argument, Document, Entity, Event, Record, Trigger
from eventcorpus.schema import Schema
from eventcorpus.tokens import sentences as split_sentences

_DECODER = json.JSONDecoder()
_MISSING = object()
_NAMES = {dict: "object", list: "list", str: "string", int: "integer", float: "number", bool: "true/false"}


def read_text(path: Path) -> str:
    """The UTF-8 text of ``path``; E004 when it cannot be read, E014 when it is not UTF-8."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise EventCorpusError("E004", str(exc), file=str(path)) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EventCorpusError("E014", exc.reason, file=str(path), expected="UTF-8 text") from exc


def json_objects(path: Path, text: str | None = None) -> Iterator[tuple[int, Any]]:
    """Yield (line, value) for every top-level JSON value of ``path``.

    Accepts JSON Lines, one JSON list (each element is yielded with the line it starts on) and
    pretty-printed objects written one after the other. Malformed JSON is E005 at its line.
    """
    file = str(path)
    if path.is_dir():
        raise EventCorpusError(
            "E004", "is a folder", file=file, expected="the dataset's JSON file (train, dev or test) itself"
        )
    data = read_text(path) if text is None else text
    length = len(data)
    pos = _skip(data, 0)
    if pos >= length:
        raise EventCorpusError("E012", "the file holds no JSON object", file=file)
    in_list = pos < length and data[pos] == "["
    if in_list:
        pos = _skip(data, pos + 1)
    line, counted = 1, 0
    while pos < length:
        if in_list and data[pos] == "]":
            pos = _skip(data, pos + 1)
            if pos < length:
                line += data.count("\n", counted, pos)
                raise EventCorpusError("E005", "text after the closing ]", file=file, line=line)
            return
        line += data.count("\n", counted, pos)
        counted = pos
        try:
            value, end = _DECODER.raw_decode(data, pos)
        except json.JSONDecodeError as exc:
            raise EventCorpusError("E005", exc.msg, file=file, line=exc.lineno) from exc
        yield line, value
        pos = _skip(data, end)
        if in_list:
            if pos < length and data[pos] == ",":
                pos = _skip(data, pos + 1)
            elif pos >= length or data[pos] != "]":
                line += data.count("\n", counted, pos)
                raise EventCorpusError("E005", "a list element is not followed by , or ]", file=file, line=line)
    if in_list:
        raise EventCorpusError("E005", "the JSON list is not closed", file=file, line=line)


def _skip(data: str, pos: int) -> int:
    length = len(data)
    while pos < length and data[pos] in " \t\r\n\ufeff":
        pos += 1
    return pos


def need(
    obj: Any,
    key: str,
    kind: type | tuple[type, ...],
    *,
    code: str,
    file: str,
    line: int | None,
    doc_id: str | None = None,
    where: str = "",
) -> Any:
    """``obj[key]`` when it exists with the JSON type ``kind``; else ``code`` naming the key expected."""
    if type(obj) is dict:
        value = obj.get(key, _MISSING)
        if type(value) is kind or (isinstance(value, kind) and not isinstance(value, bool)):
            return value
    kinds = kind if isinstance(kind, tuple) else (kind,)
    wanted = " or ".join(_NAMES.get(k, k.__name__) for k in kinds)
    place = f"{where} " if where else ""
    if not isinstance(obj, dict):
        raise EventCorpusError(
            code,
            f"{place}is {type(obj).__name__}, not an object",
            file=file,
            line=line,
            doc_id=doc_id,
            expected=f"an object with key {key!r} ({wanted})",
        )
    if key not in obj:
        raise EventCorpusError(
            code, f"{place}has no key {key!r}", file=file, line=line, doc_id=doc_id, expected=f"{key!r}: {wanted}"
        )
    value = obj[key]
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        raise EventCorpusError(
            code,
            f"{place}key {key!r} is {type(value).__name__} {str(value)[:60]!r}",
            file=file,
            line=line,
            doc_id=doc_id,
            expected=f"{key!r}: {wanted}",
        )
    return value


def need_span(
    value: Any, *, code: str, file: str, line: int | None, doc_id: str | None, what: str, key: str = "offset"
) -> tuple[int, int]:
    """A [start, end] pair of integers, else ``code`` naming ``key``."""
    if type(value) is list and len(value) == 2 and type(value[0]) is int and type(value[1]) is int:
        return value[0], value[1]
    if (
        not isinstance(value, (list, tuple))
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        raise EventCorpusError(
            code,
            f"{what} {key} is {str(value)[:60]!r}",
            file=file,
            line=line,
            doc_id=doc_id,
            expected=f"{key!r}: [start, end] integers",
        )
    return int(value[0]), int(value[1])


class Labels:
    """Map labels through ``options["inventory"]`` of the schema, keeping every unmapped label as it is."""

    def __init__(self, schema: Schema, options: dict[str, Any], *, file: str) -> None:
        self.options = options
        self.file = file
        raw = options.get("inventory")
        self.inventory = str(raw) if raw else None
        if self.inventory is not None and self.inventory not in schema.mappings:
            raise EventCorpusError(
                "E003",
                f"the schema has no mapping for inventory {self.inventory!r}",
                file=file,
                expected=f"one of {sorted(schema.mappings)}",
            )
        self.tables = schema.mappings.get(self.inventory, {}) if self.inventory else {}
        self.reported: set[tuple[str, str]] = set()

    def __call__(self, kind: str, label: str, *, doc_id: str, offset: int | None = None) -> str:
        """The schema label for ``label`` of ``kind`` (entity_types, event_types, roles), else ``label``."""
        if self.inventory is None:
            return label
        target = self.tables.get(kind, {}).get(label)
        if target is not None:
            return target
        if (kind, label) not in self.reported:
            self.reported.add((kind, label))
            how = "maps to null" if label in self.tables.get(kind, {}) else "is not in the mapping"
            note_dropped(
                self.options,
                Dropped(
                    doc_id,
                    "label",
                    label,
                    offset,
                    f"{self.inventory} {kind} label {label!r} {how}: kept as it is (reported once per label)",
                ),
            )
        return label


def align_tokens(
    text: str, tokens: list[str], start: int, *, code: str, file: str, line: int | None, doc_id: str
) -> tuple[list[tuple[int, int]], int]:
    """Character spans of ``tokens`` found in order in ``text`` from ``start``; and where the last ends.

    Whitespace between tokens is skipped; a token not found within 64 characters is ``code``.
    """
    spans: list[tuple[int, int]] = []
    pos = start
    length = len(text)
    for index, token in enumerate(tokens):
        while pos < length and text[pos].isspace():
            pos += 1
        if text.startswith(token, pos):
            found = pos
        else:
            found = text.find(token, pos, pos + 64 + len(token))
            if found < 0 or not token:
                raise EventCorpusError(
                    code,
                    f"token {index} {token!r} is not in the text after offset {pos} ({text[pos : pos + 30]!r})",
                    file=file,
                    line=line,
                    doc_id=doc_id,
                    offset=pos,
                    expected="tokens that occur in the document text, in order",
                )
        spans.append((found, found + len(token)))
        pos = found + len(token)
    return spans, pos


class DocumentBuilder:
    """Collects one document's entities, argument spans and events, with ids and checks."""

    def __init__(
        self, doc_id: str, text: str, *, file: str, line: int | None, options: dict[str, Any], labels: Labels
    ) -> None:
        self.doc_id = doc_id
        self.text = text
        self.file = file
        self.line = line
        self.options = options
        self.labels = labels
        self.entities: list[Entity] = []
        self.events: list[Event] = []
        self._arg_spans: dict[tuple[int, int], Entity] = {}
        self._ids: set[str] = set()

    def check_text(self, start: int, end: int, stored: Any, kind: str, item_id: str) -> None:
        """Report when the text a dataset stores for a span differs from the text at its offsets."""
        if isinstance(stored, str) and stored != self.text[start:end]:
            note_dropped(
                self.options,
                Dropped(
                    self.doc_id,
                    "mismatch",
                    item_id,
                    start,
                    f"{kind} text {stored!r} differs from the text at {start}-{end} "
                    f"({self.text[start:end]!r}); offsets kept",
                ),
            )

    def _valid(self, start: int, end: int, what: str, code: str) -> None:
        if not 0 <= start < end <= len(self.text):
            raise EventCorpusError(
                code,
                f"{what} spans {start}-{end} in a text of {len(self.text)} characters",
                file=self.file,
                line=self.line,
                doc_id=self.doc_id,
                offset=start,
                expected="0 <= start < end <= length of the text",
            )

    def _new_id(self, wanted: str | None, prefix: str) -> str:
        candidate = str(wanted) if wanted else f"{prefix}{len(self._ids) + 1}"
        while candidate in self._ids:
            candidate = f"{candidate}~"
        self._ids.add(candidate)
        return candidate

    def entity(
        self,
        start: int,
        end: int,
        label: str,
        *,
        code: str,
        item_id: str | None = None,
        stored: Any = None,
        meta: dict[str, Any] | None = None,
    ) -> str:
        """Add an entity mention (label mapped through the inventory); return its id."""
        self._valid(start, end, f"entity {item_id}", code)
        mapped = self.labels("entity_types", label, doc_id=self.doc_id, offset=start)
        meta = dict(meta or {})
        if mapped != label:
            meta["source_label"] = label
        entity_id = self._new_id(item_id, "T")
        self.check_text(start, end, stored, "entity", entity_id)
        self.entities.append(Entity(entity_id, start, end, mapped, meta))
        return entity_id

    def span(
        self,
        start: int,
        end: int,
        *,
        code: str,
        item_id: str | None = None,
        stored: Any = None,
        meta: dict[str, Any] | None = None,
    ) -> str:
        """The id of an argument span (label ARG) at ``start``-``end``: reused when one is already there."""
        self._valid(start, end, f"argument span {item_id}", code)
        self.check_text(start, end, stored, "argument", item_id or f"{start}-{end}")
        found = self._arg_spans.get((start, end))
        if found is not None:
            for key, value in (meta or {}).items():
                found.meta.setdefault(key, value)
            return found.id
        entity = Entity(self._new_id(item_id, "A"), start, end, ARGUMENT_SPAN_LABEL, dict(meta or {}))
        self.entities.append(entity)
        self._arg_spans[(start, end)] = entity
        return entity.id

    def event(
        self,
        event_type: str,
        start: int,
        end: int,
        arguments: list[tuple[str, str]],
        *,
        code: str,
        item_id: str | None = None,
        stored: Any = None,
        meta: dict[str, Any] | None = None,
    ) -> str:
        """Add an event; ``arguments`` are (role, entity id); type and roles mapped through the inventory."""
        self._valid(start, end, f"trigger of event {item_id}", code)
        meta = dict(meta or {})
        mapped = self.labels("event_types", event_type, doc_id=self.doc_id, offset=start)
        if mapped != event_type:
            meta["source_type"] = event_type
        roles = [self.labels("roles", role, doc_id=self.doc_id, offset=start) for role, _ in arguments]
        if any(new != old for new, (old, _) in zip(roles, arguments, strict=True)):
            meta["source_roles"] = [old for old, _ in arguments]
        event_id = self._new_id(item_id, "E")
        self.check_text(start, end, stored, "trigger", event_id)
        self.events.append(
            Event(
                event_id,
                mapped,
                Trigger(start, end),
                [Argument(role, entity_id) for role, (_, entity_id) in zip(roles, arguments, strict=True)],
                {},
                meta,
            )
        )
        return event_id

    def record(self, document: Document, annotator: str, meta: dict[str, Any] | None = None) -> Record:
        """The finished record, checked (offsets, ids, arguments) at the builder's file and line."""
        annotations = AnnotationSet(document.id, annotator, self.entities, self.events, dict(meta or {}))
        annotations.check(document.text, file=self.file, line=self.line)
        return Record(document, annotations)


def dataset_document(doc_id: str, text: str, dataset: str, file: str, line: int | None, **fields: Any) -> Document:
    """A :class:`Document` for a dataset record: its own id, provenance (dataset, file, line)."""
    meta = dict(fields.pop("meta", None) or {})
    meta.setdefault("dataset", dataset)
    return Document(
        id=doc_id,
        text=text,
        provenance=[{"format": dataset, "file": Path(file).name, "line": line}],
        meta=meta,
        **fields,
    )


class TokenIndex:
    """Find the tokens a character span covers (for writers of token-offset formats)."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = spans
        self.starts = [s for s, _ in spans]
        self.ends = [e for _, e in spans]

    def locate(
        self, start: int, end: int, *, doc_id: str, kind: str, item_id: str, dropped: list[Dropped]
    ) -> tuple[int, int] | None:
        """(first token, last token + 1) under ``start``-``end``; a span off token edges is snapped and noted."""
        first = bisect_right(self.ends, start)
        last = bisect_left(self.starts, end) - 1
        if first > last:
            dropped.append(Dropped(doc_id, kind, item_id, start, "span covers no token"))
            return None
        if (self.starts[first], self.ends[last]) != (start, end):
            dropped.append(
                Dropped(
                    doc_id,
                    kind,
                    item_id,
                    start,
                    f"span {start}-{end} snapped to tokens {self.starts[first]}-{self.ends[last]} (kept)",
                )
            )
        return first, last + 1


def record_sentences(record: Record) -> list[list[tuple[int, int]]]:
    """Token spans of the record's text by sentence, split further at every span edge.

    spaCy's tokens, cut wherever an entity or trigger starts or ends inside one (``U.S`` in
    ``U.S.``), so that writers of token-offset formats hold every span exactly.
    """
    text = record.document.text
    edges: set[int] = set()
    for entity in record.annotations.entities:
        edges.update((entity.start, entity.end))
    for event in record.annotations.events:
        edges.update((event.trigger.start, event.trigger.end))
    cuts = sorted(edges)
    out: list[list[tuple[int, int]]] = []
    for sentence in split_sentences(text):
        tokens: list[tuple[int, int]] = []
        for token in sentence:
            start = token.start
            for cut in cuts[bisect_right(cuts, token.start) : bisect_left(cuts, token.end)]:
                tokens.append((start, cut))
                start = cut
            tokens.append((start, token.end))
        if tokens:
            out.append(tokens)
    return out


def note_unheld(record: Record, dropped: list[Dropped], fmt: str, *, untyped_spans: bool = False) -> None:
    """Report what a dataset writer cannot hold: event attributes, and entity labels where spans are untyped."""
    for event in record.annotations.events:
        if event.attributes:
            dropped.append(
                Dropped(record.id, "attribute", event.id, event.trigger.start, f"{fmt} holds no event attributes")
            )
    if untyped_spans:
        for entity in record.annotations.entities:
            if entity.label != ARGUMENT_SPAN_LABEL:
                dropped.append(
                    Dropped(
                        record.id, "label", entity.id, entity.start, f"{fmt} spans are untyped: {entity.label} not held"
                    )
                )


RecordOf = Callable[[Any, int, str, dict[str, Any], "Labels", str], Record]
ObjectOf = Callable[[Record, list[Dropped]], dict[str, Any]]


def read_objects(
    path: Path, schema: Schema, options: dict[str, Any] | None, dataset: str, record_of: RecordOf
) -> Iterator[Record]:
    """One record per JSON object of a dataset file, built by the dataset's ``record_of``.

    The annotator is ``options["annotator"]``, else the dataset's name.
    """
    options = options or {}
    file = str(path)
    labels = Labels(schema, options, file=file)
    annotator = str(options.get("annotator") or dataset)
    for line, obj in json_objects(Path(path)):
        yield record_of(obj, line, file, options, labels, annotator)


def write_objects(records: Iterable[Record], path: Path, object_of: ObjectOf) -> ConversionReport:
    """One JSON line per record, made by the dataset's ``object_of`` (which reports what it drops)."""
    report = ConversionReport()
    with atomic_open(path) as handle:
        for record in records:
            report.add(record)
            handle.write(dumps(object_of(record, report.dropped)) + "\n")
    return report
