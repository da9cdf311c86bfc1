"""M2E2 / ACE-preprocessed JSON (``text_only_event.json``): a JSON list of sentences.

Each sentence has ``sentence_id`` (``<article>_<n>``), ``words``, ``golden-entity-mentions``
(token ``start``/``end``, end-exclusive, ``entity-type``, ``text``) and
``golden-event-mentions`` (``event_type``, ``trigger`` {start, end, text}, ``arguments``
[{role, start, end, text}]). Arguments are token spans; each is tied to the entity mention
with the same span (an entity is created, and counted, when none matches).

Text: the sentence's ``words`` joined with single spaces. This is the one exact choice: the
file's ``sentence`` string drops characters the tokenizer removed (hyphens before words) and
its last character, so its ``index`` offsets cannot rebuild the words. A ``text`` field that
differs from the joined words (original spacing, e.g. ``Obama's``) is kept in the span's
meta (``m2e2_text``) and written back, so the round trip is exact.

Units (option ``unit``):
- ``"article"`` (default): the sentences of one article (id before the last ``_n``), joined in
  file order with single spaces into one document whose id is the article id;
  ``meta["sentences"]`` lists each sentence's ``id`` and character ``start``/``end``.
- ``"sentence"``: one document per sentence, id = the sentence id,
  ``meta["sentence_id"]`` and ``meta["article_id"]``.

Read-side losses (labels mapped to null, entities created for arguments) go to
``options["dropped"]`` when it is a list (the convention of :mod:`eventcorpus.formats._shared`);
``options["report"]`` (a :class:`ConversionReport`) also receives the counts.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eventcorpus.corpus import atomic_open
from eventcorpus.errors import EventCorpusError
from eventcorpus.formats import ConversionReport, Dropped
from eventcorpus.records import AnnotationSet, Argument, Document, Entity, Event, Record, Trigger
from eventcorpus.schema import Schema
from eventcorpus.tokens import sentences as split_sentences

INVENTORY = "m2e2"
ANNOTATOR = "m2e2"
LICENCE = "research-only-no-redistribution"
ATTRIBUTION = (
    "M2E2 text event annotations (Li et al., ACL 2020, 'Cross-media Structured Common Space for "
    "Multimedia Event Extraction'); text from Voice of America, 2015-2016. Licence not stated by the authors."
)

CANNOT_HOLD = [
    "the source `sentence` string, `index`, `pos-tags`, `combined-parsing` and `image` fields (not kept)",
    "text between sentences, and documents not split into sentences by single spaces (retokenised)",
    "spans that do not start and end on token boundaries (snapped to tokens, reported)",
    "entities, triggers and arguments crossing sentences (reported dropped)",
    "entity types, event types and roles with no M2E2 label (e.g. TIME, MONEY, Time role; reported dropped)",
    "event attributes (polarity, modality, genericity) and entity or event meta",
]


def read(path: Path, *, schema: Schema, options: dict[str, Any] | None = None) -> Iterator[Record]:
    """Stream canonical records from an M2E2 JSON file (see the module doc for ``unit``)."""
    options = options or {}
    unit = options.get("unit", "article")
    if unit not in ("article", "sentence"):
        raise EventCorpusError("E017", f"m2e2 unit {unit!r}", expected="'article' or 'sentence'")
    report: ConversionReport | None = options.get("report")
    if isinstance(options.get("dropped"), list):
        report = report or ConversionReport()
        report.dropped = options["dropped"]
    file = str(path)
    sentences = _load(Path(path))
    labels = _LabelMap(schema, file)
    if unit == "sentence":
        for number, sentence in enumerate(sentences):
            sentence_id = _sentence_id(sentence, file, number)
            record = _build(sentence_id, [(number, sentence)], labels, file, report, {"sentence_id": sentence_id})
            record.document.meta["article_id"] = _article_of(sentence_id)
            yield record
        return
    group: list[tuple[int, dict[str, Any]]] = []
    current: str | None = None
    seen: set[str] = set()
    for number, sentence in enumerate(sentences):
        article = _article_of(_sentence_id(sentence, file, number))
        if article != current and group:
            assert current is not None
            yield _build(current, group, labels, file, report, None)
            group = []
        if article != current:
            if article in seen:
                raise EventCorpusError(
                    "E152",
                    f"sentences of article {article} are not contiguous in the file",
                    file=file,
                    line=number,
                    doc_id=article,
                    expected="the sentences of each article next to each other",
                )
            seen.add(article)
            current = article
        group.append((number, sentence))
    if group and current is not None:
        yield _build(current, group, labels, file, report, None)


def _load(path: Path) -> list[dict[str, Any]]:
    try:
        with path.open(encoding="utf-8") as handle:
            data = json.load(handle)
    except OSError as exc:
        raise EventCorpusError("E004", str(exc), file=str(path)) from exc
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data" and exc.doc.lstrip().startswith("{"):
            raise _json_lines(path, exc.lineno) from exc
        raise EventCorpusError("E005", f"{exc.msg}", file=str(path), line=exc.lineno) from exc
    if isinstance(data, dict):
        raise _json_lines(path, 1)
    if not isinstance(data, list):
        raise EventCorpusError("E150", "the file is not a JSON list of sentences", file=str(path))
    return data


def _json_lines(path: Path, line: int) -> EventCorpusError:
    """E150 for a file of JSON objects (JSON Lines, one object): M2E2 is one JSON list."""
    return EventCorpusError(
        "E150",
        "the file holds JSON objects (JSON Lines?), but M2E2 is one JSON list of sentence objects",
        file=str(path),
        line=line,
        expected='[{"sentence_id": ..., "words": [...], ...}, ...] as in text_only_event.json',
        fix="Give M2E2's text_only_event.json itself; for one-object-per-line files use --from oneie or textee.",
    )


def _sentence_id(sentence: Any, file: str, number: int) -> str:
    if not isinstance(sentence, dict) or not isinstance(sentence.get("sentence_id"), str):
        raise EventCorpusError(
            "E150", f"item {number} has no string sentence_id", file=file, line=number, expected="sentence_id"
        )
    return sentence["sentence_id"]


def _article_of(sentence_id: str) -> str:
    head, sep, tail = sentence_id.rpartition("_")
    return head if sep and tail.isdigit() else sentence_id


class _LabelMap:
    """Schema mapping with a per-label cache (the schema lookup raises for unmapped labels)."""

    def __init__(self, schema: Schema, file: str) -> None:
        self.schema = schema
        self.file = file
        self.cache: dict[tuple[str, str], str | None] = {}

    def __call__(self, kind: str, label: str) -> str | None:
        key = (kind, label)
        if key not in self.cache:
            self.cache[key] = self.schema.map_label(INVENTORY, kind, label, file=self.file)
        return self.cache[key]


def _build(
    doc_id: str,
    group: list[tuple[int, dict[str, Any]]],
    labels: _LabelMap,
    file: str,
    report: ConversionReport | None,
    meta: dict[str, Any] | None,
) -> Record:
    """One record from consecutive sentences (one sentence in sentence mode)."""
    parts: list[str] = []
    position = 0
    sentence_meta: list[dict[str, Any]] = []
    entities: list[Entity] = []
    events: list[Event] = []
    created = 0
    for number, sentence in group:
        words = sentence.get("words")
        sentence_id = sentence["sentence_id"]
        if not isinstance(words, list) or not all(isinstance(w, str) and w and w.split() == [w] for w in words):
            raise EventCorpusError(
                "E150",
                f"sentence {sentence_id} words must be non-empty strings without whitespace",
                file=file,
                line=number,
                doc_id=doc_id,
            )
        if parts:
            parts.append(" ")
            position += 1
        starts: list[int] = []
        ends: list[int] = []
        cursor = position
        for word in words:
            starts.append(cursor)
            cursor += len(word)
            ends.append(cursor)
            cursor += 1
        sentence_text = " ".join(words)
        parts.append(sentence_text)
        sentence_meta.append({"id": sentence_id, "start": position, "end": position + len(sentence_text)})
        position += len(sentence_text)

        where = _Where(sentence_id, words, starts, ends, file, number, doc_id)
        char_span, keep_text = where.char_span, where.keep_text

        by_span: dict[tuple[int, int], str] = {}
        for mention in sentence.get("golden-entity-mentions") or []:
            start, end = char_span(mention, "entity")
            source_label = str(mention.get("entity-type"))
            label = labels("entity_types", source_label)
            if label is None:
                _drop(report, doc_id, "entity", f"{sentence_id}:{mention['start']}", start, source_label)
                continue
            entity_id = f"T{len(entities) + 1}"
            entities.append(Entity(entity_id, start, end, label, keep_text(mention, "m2e2_text")))
            by_span.setdefault((start, end), entity_id)
        for mention in sentence.get("golden-event-mentions") or []:
            trigger = mention.get("trigger") or {}
            start, end = char_span(trigger, "trigger")
            source_type = str(mention.get("event_type"))
            event_type = labels("event_types", source_type)
            event_id = f"E{len(events) + 1}"
            if event_type is None:
                _drop(report, doc_id, "event", event_id, start, source_type)
                continue
            arguments: list[Argument] = []
            for argument in mention.get("arguments") or []:
                arg_start, arg_end = char_span(argument, "argument")
                role = labels("roles", str(argument.get("role")))
                if role is None:
                    _drop(report, doc_id, "argument", f"{event_id}:{argument.get('role')}", arg_start, "role")
                    continue
                known = by_span.get((arg_start, arg_end))
                if known is not None:
                    entity_id = known
                else:
                    entity_id = f"T{len(entities) + 1}"
                    fillers = labels.schema.allowed_fillers(event_type, role) or labels.schema.entity_labels
                    meta_text = keep_text(argument, "m2e2_text")
                    entities.append(
                        Entity(entity_id, arg_start, arg_end, fillers[0], {**meta_text, "created_for_argument": True})
                    )
                    by_span[(arg_start, arg_end)] = entity_id
                    created += 1
                    if report is not None:
                        report.dropped.append(
                            Dropped(
                                doc_id,
                                "entity",
                                entity_id,
                                arg_start,
                                f"created for argument {role} of {event_id}: no entity mention has its span "
                                f"(labelled {fillers[0]}, the role's first filler)",
                            )
                        )
                arguments.append(Argument(role, entity_id))
            events.append(
                Event(
                    event_id,
                    event_type,
                    Trigger(start, end),
                    arguments,
                    meta=keep_text(trigger, "m2e2_trigger_text"),
                )
            )
    text = "".join(parts)
    doc_meta: dict[str, Any] = dict(meta) if meta is not None else {"sentences": sentence_meta}
    document = Document(
        id=doc_id,
        text=text,
        source="Voice of America (M2E2)",
        licence=LICENCE,
        attribution=ATTRIBUTION,
        provenance=[{"format": "m2e2", "file": Path(file).name}],
        meta=doc_meta,
    )
    annotation_meta: dict[str, Any] = {"created_entities": created} if created else {}
    record = Record(document, AnnotationSet(doc_id, ANNOTATOR, entities, events, annotation_meta))
    if report is not None:
        report.add(record)
    return record


@dataclass
class _Where:
    """One sentence's words and their character offsets in the document being built."""

    sentence_id: str
    words: list[str]
    starts: list[int]
    ends: list[int]
    file: str
    number: int
    doc_id: str

    def char_span(self, span: dict[str, Any], what: str) -> tuple[int, int]:
        start, end = span.get("start"), span.get("end")
        if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end <= len(self.words):
            raise EventCorpusError(
                "E151",
                f"sentence {self.sentence_id} {what} token span {start!r}-{end!r} with {len(self.words)} words",
                file=self.file,
                line=self.number,
                doc_id=self.doc_id,
                expected="0 <= start < end <= len(words)",
            )
        return self.starts[start], self.ends[end - 1]

    def keep_text(self, span: dict[str, Any], key: str) -> dict[str, Any]:
        """``{key: text}`` when the span's stored text differs from its joined words, else {}."""
        stored = span.get("text")
        joined = " ".join(self.words[span["start"] : span["end"]])
        return {key: stored} if isinstance(stored, str) and stored != joined else {}


def _drop(report: ConversionReport | None, doc_id: str, kind: str, item: str, offset: int, label: str) -> None:
    if report is not None:
        report.dropped.append(Dropped(doc_id, kind, item, offset, f"label {label!r} maps to null in the schema"))


# --- writing -----------------------------------------------------------------------------


def _inverse(schema: Schema, kind: str) -> dict[str, str]:
    """Schema label -> first M2E2 label mapped to it."""
    table = schema.mappings.get(INVENTORY, {}).get(kind, {})
    inverse: dict[str, str] = {}
    for source, target in table.items():
        if target is not None:
            inverse.setdefault(target, source)
    return inverse


def _sentence_tokens(record: Record) -> list[tuple[str, list[tuple[int, int]]]]:
    """(sentence id, token char spans) for each sentence of the record's text."""
    text = record.document.text
    meta = record.document.meta
    ranges: list[tuple[str, int, int]] = []
    if isinstance(meta.get("sentences"), list):
        ranges = [(str(s["id"]), int(s["start"]), int(s["end"])) for s in meta["sentences"]]
    elif isinstance(meta.get("sentence_id"), str):
        ranges = [(meta["sentence_id"], 0, len(text))]
    if ranges and all(_space_split_exact(text, start, end) for _, start, end in ranges):
        return [(sid, _space_tokens(text, start, end)) for sid, start, end in ranges]
    return [
        (f"{record.id}_{n}", [(t.start, t.end) for t in sentence]) for n, sentence in enumerate(split_sentences(text))
    ]


def _space_split_exact(text: str, start: int, end: int) -> bool:
    chunk = text[start:end]
    return bool(chunk) and chunk.split() == chunk.split(" ")


def _space_tokens(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans = []
    cursor = start
    for word in text[start:end].split(" "):
        spans.append((cursor, cursor + len(word)))
        cursor += len(word) + 1
    return spans


def write(
    records: Iterable[Record], path: Path, *, schema: Schema, options: dict[str, Any] | None = None
) -> ConversionReport:
    """Write records as one M2E2 JSON list (one item per sentence); report what cannot be held."""
    report = ConversionReport()
    entity_names = _inverse(schema, "entity_types")
    event_names = _inverse(schema, "event_types")
    role_names = _inverse(schema, "roles")
    with atomic_open(path) as handle:
        handle.write("[")
        first = True
        for record in records:
            report.add(record)
            for item in _record_sentences(record, entity_names, event_names, role_names, report):
                handle.write("\n" if first else ",\n")
                handle.write(json.dumps(item, ensure_ascii=False))
                first = False
        handle.write("\n]\n")
    return report


def _record_sentences(
    record: Record,
    entity_names: dict[str, str],
    event_names: dict[str, str],
    role_names: dict[str, str],
    report: ConversionReport,
) -> list[dict[str, Any]]:
    text = record.document.text
    doc_id = record.id
    sentences = _sentence_tokens(record)
    token_starts: list[int] = []
    token_index: list[tuple[int, int]] = []  # (sentence number, token number) per global token
    spans: list[tuple[int, int]] = []
    for s_number, (_, tokens) in enumerate(sentences):
        for t_number, span in enumerate(tokens):
            token_starts.append(span[0])
            token_index.append((s_number, t_number))
            spans.append(span)

    def locate(start: int, end: int, kind: str, item_id: str) -> tuple[int, int, int] | None:
        """(sentence, first token, end token) covering start-end; None if it crosses sentences."""
        first = max(bisect_right(token_starts, start) - 1, 0)
        if first < len(spans) and spans[first][1] <= start:
            first += 1
        last = bisect_right(token_starts, end - 1) - 1
        if first >= len(spans) or last < first:
            report.dropped.append(Dropped(doc_id, kind, item_id, start, "span covers no token"))
            return None
        (s_first, t_first), (s_last, t_last) = token_index[first], token_index[last]
        if s_first != s_last:
            report.dropped.append(Dropped(doc_id, kind, item_id, start, "span crosses a sentence boundary"))
            return None
        if spans[first][0] != start or spans[last][1] != end:
            report.dropped.append(
                Dropped(
                    doc_id,
                    kind,
                    item_id,
                    start,
                    f"span {start}-{end} snapped to tokens {spans[first][0]}-{spans[last][1]} (kept)",
                )
            )
        return s_first, t_first, t_last + 1

    items: list[dict[str, Any]] = [
        {
            "sentence_id": sid,
            "sentence": " ".join(text[a:b] for a, b in tokens),
            "words": [text[a:b] for a, b in tokens],
            "golden-entity-mentions": [],
            "golden-event-mentions": [],
        }
        for sid, tokens in sentences
    ]
    entity_place: dict[str, tuple[int, int, int]] = {}
    entity_text: dict[str, str] = {}
    for entity in record.annotations.entities:
        label = entity_names.get(entity.label)
        if label is None:
            report.dropped.append(
                Dropped(doc_id, "entity", entity.id, entity.start, f"entity type {entity.label} has no M2E2 label")
            )
            continue
        place = locate(entity.start, entity.end, "entity", entity.id)
        if place is None:
            continue
        s, a, b = place
        words = items[s]["words"]
        stored = entity.meta.get("m2e2_text")
        mention_text = stored if isinstance(stored, str) else " ".join(words[a:b])
        entity_place[entity.id] = place
        entity_text[entity.id] = mention_text
        if not entity.meta.get("created_for_argument"):
            items[s]["golden-entity-mentions"].append(
                {"entity-type": label, "text": mention_text, "start": a, "end": b}
            )
    for event in record.annotations.events:
        event_type = event_names.get(event.type)
        if event_type is None:
            report.dropped.append(
                Dropped(doc_id, "event", event.id, event.trigger.start, f"event type {event.type} has no M2E2 label")
            )
            continue
        place = locate(event.trigger.start, event.trigger.end, "event", event.id)
        if place is None:
            continue
        s, a, b = place
        if event.attributes:
            report.dropped.append(
                Dropped(doc_id, "attribute", event.id, event.trigger.start, "M2E2 holds no event attributes")
            )
        stored = event.meta.get("m2e2_trigger_text")
        trigger_text = stored if isinstance(stored, str) else " ".join(items[s]["words"][a:b])
        arguments = []
        for argument in event.arguments:
            role = role_names.get(argument.role)
            where = entity_place.get(argument.entity_id)
            reason = None
            if role is None:
                reason = f"role {argument.role} has no M2E2 label"
            elif where is None:
                reason = f"entity {argument.entity_id} could not be written"
            elif where[0] != s:
                reason = "argument lies in another sentence than the trigger"
            if reason is not None or where is None or role is None:
                report.dropped.append(
                    Dropped(
                        doc_id,
                        "argument",
                        f"{event.id}/{argument.role}:{argument.entity_id}",
                        event.trigger.start,
                        str(reason),
                    )
                )
                continue
            arguments.append(
                {"role": role, "start": where[1], "end": where[2], "text": entity_text[argument.entity_id]}
            )
        items[s]["golden-event-mentions"].append(
            {
                "trigger": {"start": a, "end": b, "text": trigger_text},
                "event_type": event_type,
                "arguments": arguments,
            }
        )
    return items
