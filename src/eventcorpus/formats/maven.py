"""MAVEN (Wang et al., EMNLP 2020; event detection, ``{train,valid,test}.jsonl``): read and write.

One JSON object per line and document: ``id``, ``title``, ``content`` [{sentence, tokens}],
``events`` [{id, type, type_id, mention [{id, trigger_word, sent_id, offset [start, end]}]}]
and ``negative_triggers`` [{id, trigger_word, sent_id, offset}]; the test file has
``candidates`` (same shape, no type) instead of both. ``offset`` is a token span inside
sentence ``sent_id``, end-exclusive. Event types are MAVEN's (FrameNet-based: ``Attack``).

The document text is the sentences as the file gives them, joined by one space
(``meta["sentences"]`` gives each one's range); tokens are found in their sentence in order
(E181 when one is not there). Each event MENTION becomes an event (``meta["maven_event"]``
keeps the event it belongs to, ``meta["type_id"]`` its numeric type). MAVEN has no
arguments and no entities. Negative triggers and test candidates are kept in the annotation
meta (``maven_negative_triggers``, ``maven_candidates``) with character offsets.
``--inventory maven`` maps event types onto the schema.

The writer tokenises with :func:`eventcorpus.tokens.sentences`; entities and arguments
cannot be held (reported); event mentions of one ``maven_event`` are written together.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from eventcorpus.errors import EventCorpusError
from eventcorpus.formats import ConversionReport, Dropped
from eventcorpus.formats._datasets import (
    DocumentBuilder,
    Labels,
    TokenIndex,
    align_tokens,
    dataset_document,
    need,
    need_span,
    note_unheld,
    read_objects,
    record_sentences,
    write_objects,
)
from eventcorpus.records import Record
from eventcorpus.schema import Schema

CODE = "E172"
DATASET = "maven"
CANNOT_HOLD = [
    "entities and arguments (MAVEN is event detection only; reported)",
    "spans that do not start and end on token boundaries or cross a sentence (writer: reported)",
]


def read(path: Path, *, schema: Schema, options: dict[str, Any] | None = None) -> Iterator[Record]:
    """Stream one record per MAVEN document."""
    return read_objects(path, schema, options, DATASET, _record)


read_maven = read


def _record(obj: Any, line: int, file: str, options: dict[str, Any], labels: Labels, annotator: str) -> Record:
    doc_id = str(need(obj, "id", str, code=CODE, file=file, line=line))
    at: dict[str, Any] = {"code": CODE, "file": file, "line": line, "doc_id": doc_id}
    content = need(obj, "content", list, **at)
    parts: list[str] = []
    token_spans: list[list[tuple[int, int]]] = []
    ranges: list[list[int]] = []
    cursor = 0
    for number, item in enumerate(content):
        where = f"content[{number}]"
        sentence = need(item, "sentence", str, where=where, **at)
        tokens = need(item, "tokens", list, where=where, **at)
        if parts:
            parts.append(" ")
            cursor += 1
        spans, _ = align_tokens(sentence, [str(t) for t in tokens], 0, code="E181", file=file, line=line, doc_id=doc_id)
        token_spans.append([(cursor + s, cursor + e) for s, e in spans])
        ranges.append([cursor, cursor + len(sentence)])
        parts.append(sentence)
        cursor += len(sentence)
    text = "".join(parts)
    builder = DocumentBuilder(doc_id, text, file=file, line=line, options=options, labels=labels)

    def chars(mention: Any, what: str) -> tuple[int, int]:
        sent_id = need(mention, "sent_id", int, where=what, **at)
        start, end = need_span(mention.get("offset"), code=CODE, file=file, line=line, doc_id=doc_id, what=what)
        if not 0 <= sent_id < len(token_spans) or not 0 <= start < end <= len(token_spans[sent_id]):
            raise EventCorpusError(
                "E182",
                f"{what} is tokens {start}-{end} of sentence {sent_id}",
                file=file,
                line=line,
                doc_id=doc_id,
                expected="a sentence of 'content' and a token span inside it",
            )
        spans = token_spans[sent_id]
        return spans[start][0], spans[end - 1][1]

    for index, event in enumerate(obj.get("events") or []):
        what = f"events[{index}]"
        event_id = str(need(event, "id", str, where=what, **at))
        event_type = str(need(event, "type", str, where=what, **at))
        for number, mention in enumerate(need(event, "mention", list, where=what, **at)):
            where = f"{what}.mention[{number}]"
            start, end = chars(mention, where)
            meta: dict[str, Any] = {"maven_event": event_id}
            if "type_id" in event:
                meta["type_id"] = event["type_id"]
            builder.event(
                event_type,
                start,
                end,
                [],
                code="E182",
                item_id=str(need(mention, "id", str, where=where, **at)),
                stored=mention.get("trigger_word"),
                meta=meta,
            )
    annotation_meta: dict[str, Any] = {}
    for key, meta_key in (("negative_triggers", "maven_negative_triggers"), ("candidates", "maven_candidates")):
        kept = []
        for index, mention in enumerate(obj.get(key) or []):
            start, end = chars(mention, f"{key}[{index}]")
            builder.check_text(start, end, mention.get("trigger_word"), key, str(mention.get("id")))
            kept.append({"id": mention.get("id"), "start": start, "end": end})
        if kept:
            annotation_meta[meta_key] = kept
    title = obj.get("title") if isinstance(obj.get("title"), str) else None
    document = dataset_document(doc_id, text, DATASET, file, line, title=title, meta={"sentences": ranges})
    return builder.record(document, annotator, annotation_meta)


# --- writing -----------------------------------------------------------------------------


def write(
    records: Iterable[Record], path: Path, *, schema: Schema, options: dict[str, Any] | None = None
) -> ConversionReport:
    """Write one MAVEN document per record (events grouped by ``maven_event``)."""
    return write_objects(records, path, record_document)


write_maven = write


def record_document(record: Record, dropped: list[Dropped]) -> dict[str, Any]:
    """The MAVEN object of one record."""
    note_unheld(record, dropped, "MAVEN")
    text = record.document.text
    doc_id = record.id
    found = record_sentences(record)
    spans = [span for sentence in found for span in sentence]
    sentence_of = [n for n, sentence in enumerate(found) for _ in sentence]
    first_of = [0]
    for sentence in found:
        first_of.append(first_of[-1] + len(sentence))
    index = TokenIndex(spans)
    for entity in record.annotations.entities:
        dropped.append(Dropped(doc_id, "entity", entity.id, entity.start, "MAVEN holds event triggers only"))

    def place(start: int, end: int, kind: str, item_id: str) -> dict[str, Any] | None:
        found_at = index.locate(start, end, doc_id=doc_id, kind=kind, item_id=item_id, dropped=dropped)
        if found_at is None:
            return None
        a, b = found_at
        if sentence_of[a] != sentence_of[b - 1]:
            dropped.append(Dropped(doc_id, kind, item_id, start, "span crosses a sentence boundary"))
            return None
        sent = sentence_of[a]
        return {
            "trigger_word": text[spans[a][0] : spans[b - 1][1]],
            "sent_id": sent,
            "offset": [a - first_of[sent], b - first_of[sent]],
        }

    events: dict[str, dict[str, Any]] = {}
    for event in record.annotations.events:
        for argument in event.arguments:
            dropped.append(
                Dropped(
                    doc_id, "argument", f"{event.id}:{argument.role}", event.trigger.start, "MAVEN has no arguments"
                )
            )
        mention = place(event.trigger.start, event.trigger.end, "event", event.id)
        if mention is None:
            continue
        group = str(event.meta.get("maven_event") or event.id)
        entry = events.setdefault(group, {"id": group, "type": event.type, "mention": []})
        if "type_id" in event.meta:
            entry["type_id"] = event.meta["type_id"]
        entry["mention"].append({"id": event.id, **mention})
    out: dict[str, Any] = {
        "id": doc_id,
        "title": record.document.title or "",
        "content": [{"sentence": text[s[0][0] : s[-1][1]], "tokens": [text[a:b] for a, b in s]} for s in found],
        "events": list(events.values()),
    }
    for meta_key, key in (("maven_negative_triggers", "negative_triggers"), ("maven_candidates", "candidates")):
        items = record.annotations.meta.get(meta_key)
        if isinstance(items, list):
            out[key] = [
                {"id": item.get("id"), **mention}
                for item in items
                if isinstance(item, dict)
                and (mention := place(int(item["start"]), int(item["end"]), key, str(item.get("id")))) is not None
            ]
    if "candidates" not in out:
        out.setdefault("negative_triggers", [])
    return out
