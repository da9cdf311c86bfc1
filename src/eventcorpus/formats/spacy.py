"""spaCy DocBin (``.spacy``) for training spaCy components.

Layout of each ``Doc`` (tokens from :func:`eventcorpus.tokens.blank_pipeline`'s tokenizer):

- ``doc.ents``: the entities that do not overlap (greedy by start, longer first);
- ``doc.spans["entities_all"]``: every entity, overlapping and nested ones included;
- ``doc.spans["triggers"]``: one span per event, labelled with the event type;
- ``doc.user_data["eventcorpus"]``: the canonical record without its text (document
  metadata, annotator, entity ids and exact character offsets, events with trigger
  offsets, arguments as ``{role, entity_id}``, attributes). An event-argument component
  reads its training targets from here; the reader restores the record exactly.

A ``.spacy`` path gets one DocBin; any other path becomes a folder of ``part-NNNNN.spacy``
shards (``shard_size`` documents each, default 2,000), which spaCy's ``Corpus`` reads as
one corpus and which keeps memory flat for large corpora. Spans that do not fall on token
boundaries cannot be spaCy spans: they are reported as dropped from ``doc.ents`` and the
span groups (their exact offsets stay in ``user_data``, so the canonical round trip holds).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy
import srsly.msgpack as msgpack
from spacy.attrs import IDS, SPACY
from spacy.tokens import Doc, DocBin, Span

from eventcorpus.corpus import atomic_open
from eventcorpus.errors import EventCorpusError
from eventcorpus.formats import ConversionReport, Dropped
from eventcorpus.formats._shared import default_annotator, document_from_fields, output_folder
from eventcorpus.records import AnnotationSet, Entity, Event, Record, Trigger, document_id
from eventcorpus.schema import Schema
from eventcorpus.tokens import blank_pipeline

CANNOT_HOLD = [
    "spans not on token boundaries as spaCy spans (kept only in user_data)",
]
USER_DATA_KEY = "eventcorpus"
ENTITIES_GROUP = "entities_all"
TRIGGERS_GROUP = "triggers"
# A tokenizer-only Doc has words, their norms (tokenizer exceptions set some: "n't" -> "not")
# and the entities: tags, lemmas, heads and the rest are unset, so only these are stored.
_STORED_ATTRS = ["ORTH", "NORM", "ENT_IOB", "ENT_TYPE"]
_READ_ATTRS = [IDS["ORTH"], IDS["NORM"], IDS["IDX"], IDS["LENGTH"], SPACY]
_SPAN = struct.Struct(">QQQllll")  # SpanGroup.to_bytes: id, kb_id, label, start, end, start_char, end_char
_NOT_ALIGNED = "not on token boundaries: absent from doc.ents and span groups (exact offsets kept in user_data)"


def record_to_doc(record: Record, dropped: list[Dropped] | None = None) -> Doc:
    """Tokenise the record's text once and attach its entities, triggers and events."""
    doc = blank_pipeline().tokenizer(record.document.text)
    entity_spans: list[Span] = []
    for entity in record.annotations.entities:
        span = doc.char_span(entity.start, entity.end, label=entity.label)
        if span is None:
            if dropped is not None:
                dropped.append(Dropped(record.id, "entity", entity.id, entity.start, _NOT_ALIGNED))
            continue
        entity_spans.append(span)
    trigger_spans: list[Span] = []
    for event in record.annotations.events:
        span = doc.char_span(event.trigger.start, event.trigger.end, label=event.type)
        if span is None:
            if dropped is not None:
                dropped.append(Dropped(record.id, "event", event.id, event.trigger.start, _NOT_ALIGNED))
            continue
        trigger_spans.append(span)
    doc.ents = _non_overlapping(entity_spans)
    doc.spans[ENTITIES_GROUP] = entity_spans
    doc.spans[TRIGGERS_GROUP] = trigger_spans
    data = record.to_dict()
    del data["text"]
    doc.user_data[USER_DATA_KEY] = data
    return doc


def _non_overlapping(spans: list[Span]) -> list[Span]:
    chosen: list[Span] = []
    end = -1
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if span.start >= end:
            chosen.append(span)
            end = span.end
    return chosen


def doc_to_record(doc: Doc, *, annotator: str, file: str | None = None, from_spans: bool = False) -> Record:
    """The canonical record of a Doc: exact from user_data when present, else from its spans.

    ``from_spans`` reads entities from ``doc.ents`` and triggers from the ``triggers`` group
    even when user_data is there (e.g. a pipeline predicted them); the document metadata
    still comes from user_data. Entities are then numbered ``T1..``, events ``E1..``, and
    events have no arguments.
    """
    data = doc.user_data.get(USER_DATA_KEY)
    stored = _as_lists(data) if isinstance(data, dict) else None
    if stored is not None and not from_spans:
        return Record.from_dict({**stored, "text": doc.text}, file=file)
    text = doc.text
    document = document_from_fields(text, stored or {}, document_id(text))
    use_group = ENTITIES_GROUP in doc.spans and not from_spans
    spans = list(doc.spans[ENTITIES_GROUP]) if use_group else list(doc.ents)
    entities = [Entity(f"T{i}", s.start_char, s.end_char, s.label_) for i, s in enumerate(spans, start=1)]
    triggers = doc.spans.get(TRIGGERS_GROUP, [])
    events = [Event(f"E{i}", s.label_, Trigger(s.start_char, s.end_char)) for i, s in enumerate(triggers, start=1)]
    who = str((stored or {}).get("annotator") or annotator)
    return Record(document, AnnotationSet(document.id, who, entities, events))


class _LeanDocBin:
    """Fills a spaCy ``DocBin`` straight from token arrays and records.

    ``DocBin.add`` walks every token in Python and builds a new msgpack packer (an entry-point
    scan) for the user data and each span group; this writes the same fields (token array,
    spaces, strings, span-group bytes as ``SpanGroup.to_bytes`` packs them, user data) with
    one packer and numpy, so the file is exactly what ``DocBin.add`` would write for a Doc
    carrying the same ents, span groups and user data. spaCy's own ``DocBin`` serialises it.
    """

    def __init__(self) -> None:
        self.doc_bin = DocBin(attrs=_STORED_ATTRS, store_user_data=True)
        self.attrs = list(self.doc_bin.attrs)
        assert self.attrs == [IDS[name] for name in _STORED_ATTRS], self.attrs  # the column order add() fills
        self.tokenizer = blank_pipeline().tokenizer
        self.strings = blank_pipeline().vocab.strings
        self.packer = msgpack.Packer(use_bin_type=True)  # as srsly.msgpack_dumps packs
        self.label_hash: dict[str, int] = {}
        self.doc_bin.strings.add("")

    def __len__(self) -> int:
        return len(self.doc_bin)

    def _hash(self, label: str) -> int:
        value = self.label_hash.get(label)
        if value is None:
            value = self.label_hash[label] = self.strings.add(label)
            self.doc_bin.strings.add(label)
        return value

    def add(self, record: Record, dropped: list[Dropped]) -> None:
        doc = self.tokenizer(record.document.text)
        columns = doc.to_array(_READ_ATTRS)  # ORTH, NORM, IDX, LENGTH, SPACY
        size = len(columns)
        starts = columns[:, 2].astype(numpy.int64)
        ends = starts + columns[:, 3].astype(numpy.int64)
        annotations = record.annotations
        wanted = [(e.start, e.end) for e in annotations.entities]
        wanted += [(e.trigger.start, e.trigger.end) for e in annotations.events]
        spans = _align(starts, ends, wanted)
        entity_rows: list[tuple[int, int, int, int, int]] = []
        for entity, span in zip(annotations.entities, spans, strict=False):
            if span is None:
                dropped.append(Dropped(record.id, "entity", entity.id, entity.start, _NOT_ALIGNED))
            else:
                entity_rows.append((self._hash(entity.label), span[0], span[1], entity.start, entity.end))
        trigger_rows: list[tuple[int, int, int, int, int]] = []
        for event, span in zip(annotations.events, spans[len(annotations.entities) :], strict=True):
            if span is None:
                dropped.append(Dropped(record.id, "event", event.id, event.trigger.start, _NOT_ALIGNED))
            else:
                trigger_rows.append((self._hash(event.type), span[0], span[1], event.trigger.start, event.trigger.end))
        array = numpy.zeros((size, 4), dtype=numpy.uint64)  # ORTH, NORM, ENT_IOB, ENT_TYPE
        array[:, :2] = columns[:, :2]
        array[:, 2] = 2  # O: setting doc.ents marks every token outside an entity
        ents: list[tuple[int, int, int]] = []
        last_end = -1
        for label, first, stop, _, _ in sorted(entity_rows, key=lambda r: (r[1], -r[2])):
            if first >= last_end:
                ents.append((first, stop, label))
                last_end = stop
        if ents:
            firsts = numpy.asarray([e[0] for e in ents], dtype=numpy.int64)
            stops = numpy.asarray([e[1] for e in ents], dtype=numpy.int64)
            labels = numpy.asarray([e[2] for e in ents], dtype=numpy.uint64)
            lengths = stops - firsts
            offsets_in_ent = numpy.arange(int(lengths.sum())) - numpy.repeat(numpy.cumsum(lengths) - lengths, lengths)
            inside = numpy.repeat(firsts, lengths) + offsets_in_ent
            array[inside, 2] = 1
            array[firsts, 2] = 3
            array[inside, 3] = numpy.repeat(labels, lengths)
        self.doc_bin.tokens.append(array)
        self.doc_bin.spaces.append(columns[:, 4:].astype(bool))
        self.doc_bin.flags.append({"has_unknown_spaces": False})
        self.doc_bin.cats.append({})
        data = record.to_dict()
        del data["text"]
        self.doc_bin.user_data.append(self.packer.pack({USER_DATA_KEY: data}))
        groups = {
            self._group_bytes(ENTITIES_GROUP, entity_rows): [ENTITIES_GROUP],
            self._group_bytes(TRIGGERS_GROUP, trigger_rows): [TRIGGERS_GROUP],
        }
        self.doc_bin.span_groups.append(self.packer.pack(groups))

    def to_bytes(self) -> bytes:
        """``DocBin.to_bytes`` with zlib's fastest level (``DocBin.from_bytes`` reads any level)."""
        doc_bin = self.doc_bin
        tokens = numpy.vstack(doc_bin.tokens) if doc_bin.tokens else numpy.zeros((0, len(self.attrs)), numpy.uint64)
        for value in numpy.unique(tokens[:, :2]).tolist():  # ORTH and NORM: every word's strings
            doc_bin.strings.add(self.strings[value])
        lengths = [len(tokens) for tokens in doc_bin.tokens]
        msg = {
            "version": doc_bin.version,
            "attrs": doc_bin.attrs,
            "tokens": tokens.tobytes("C"),
            "spaces": (numpy.vstack(doc_bin.spaces) if doc_bin.spaces else numpy.zeros((0, 1), bool)).tobytes("C"),
            "lengths": numpy.asarray(lengths, dtype="int32").tobytes("C"),
            "strings": sorted(doc_bin.strings),
            "cats": doc_bin.cats,
            "flags": doc_bin.flags,
            "span_groups": doc_bin.span_groups,
            "user_data": doc_bin.user_data,
        }
        return zlib.compress(self.packer.pack(msg), 1)

    def _group_bytes(self, name: str, rows: list[tuple[int, int, int, int, int]]) -> bytes:
        spans = [_SPAN.pack(0, 0, label, first, stop, start, end) for label, first, stop, start, end in rows]
        return self.packer.pack({"name": name, "attrs": {}, "spans": spans})


def _align(starts: Any, ends: Any, spans: list[tuple[int, int]]) -> list[tuple[int, int] | None]:
    """Token range [first, stop) of each character span, None where it is not on token boundaries."""
    if not spans or not len(starts):
        return [None] * len(spans)
    wanted = numpy.asarray(spans, dtype=numpy.int64)
    first = numpy.searchsorted(starts, wanted[:, 0])
    last = numpy.searchsorted(ends, wanted[:, 1])
    size = len(starts)
    ok = (first < size) & (last < size)
    ok &= starts[numpy.minimum(first, size - 1)] == wanted[:, 0]
    ok &= ends[numpy.minimum(last, size - 1)] == wanted[:, 1]
    return [(f, e + 1) if good else None for f, e, good in zip(first.tolist(), last.tolist(), ok.tolist(), strict=True)]


def _as_lists(value: Any) -> Any:
    """DocBin reads user data with msgpack's ``use_list=False``: turn its tuples back into lists."""
    if isinstance(value, dict):
        return {key: _as_lists(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_as_lists(item) for item in value]
    return value


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(path.glob("*.spacy"))
    if path.is_file():
        return [path]
    raise EventCorpusError("E004", "no such file or folder", file=str(path))


def read(path: Path, *, schema: Schema, options: dict[str, Any]) -> Iterator[Record]:
    """Stream records from a ``.spacy`` file or a folder of them, with spaCy's own DocBin.

    Option ``from_spans``: take entities and triggers from the Docs' spans, not user_data.
    """
    vocab = blank_pipeline().vocab
    annotator = default_annotator(options)
    from_spans = bool(options.get("from_spans"))
    for file in _files(Path(path)):
        try:
            doc_bin = DocBin().from_disk(file)
        except Exception as exc:  # spaCy raises plain ValueError/zlib/msgpack errors
            raise EventCorpusError("E100", f"not a spaCy DocBin: {exc}", file=str(file)) from exc
        for doc in doc_bin.get_docs(vocab):
            yield doc_to_record(doc, annotator=annotator, file=str(file), from_spans=from_spans)


def write(records: Iterable[Record], path: Path, *, schema: Schema, options: dict[str, Any]) -> ConversionReport:
    """Write a DocBin (``.spacy`` path) or a folder of DocBin shards of ``shard_size`` documents."""
    path = Path(path)
    report = ConversionReport()
    if path.suffix == ".spacy":
        lean = _LeanDocBin()
        for record in records:
            lean.add(record, report.dropped)
            report.add(record)
        with atomic_open(path, "wb") as handle:
            handle.write(lean.to_bytes())
        return report
    shard_size = int(options.get("shard_size") or 2_000)
    with output_folder(path) as folder:
        lean, shard = _LeanDocBin(), 0
        for record in records:
            lean.add(record, report.dropped)
            report.add(record)
            if len(lean) >= shard_size:
                (folder / f"part-{shard:05d}.spacy").write_bytes(lean.to_bytes())
                lean, shard = _LeanDocBin(), shard + 1
        if len(lean) or shard == 0:
            (folder / f"part-{shard:05d}.spacy").write_bytes(lean.to_bytes())
    return report
