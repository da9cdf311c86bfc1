"""WikiEvents (Li et al., NAACL 2021; data/wikievents in raspberryice/gen-arg): read and write.

One JSON object per line and document: ``doc_id``, ``text`` (the document), ``tokens`` (the
document's tokens), ``sentences`` ([[[token, start, end], ...], sentence text] per sentence),
``entity_mentions`` [{id, sent_idx, start, end, entity_type, mention_type, text}],
``relation_mentions`` and ``event_mentions`` [{id, event_type, trigger {start, end, text,
sent_idx}, arguments [{entity_id, role, text}]}]. ``start``/``end`` are document token
indices, end-exclusive. Event types are KAIROS (``Conflict.Attack.DetonateExplode``).

The document text is the file's ``text``, never tokens joined again. The character offsets
inside ``sentences`` count in another copy of the article (with paragraph breaks ``text``
lacks), so tokens are found in ``text`` in order instead; a token that is not there is E181.
Every span's stored ``text`` is compared with the text at its offsets (differences reported,
offsets kept). Arguments whose entity is missing, and relation mentions (the schema has no
relation layer), are reported dropped. The coreference files (``coref/*.jsonlines``) are not
read. ``--inventory kairos`` maps labels onto the schema.

The writer tokenises with :func:`eventcorpus.tokens.sentences` and writes the same keys, with
``sentences`` offsets into ``text``; spans off token edges are snapped and reported.
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
    note_unheld,
    read_objects,
    record_sentences,
    write_objects,
)
from eventcorpus.formats._shared import note_dropped
from eventcorpus.records import Record
from eventcorpus.schema import Schema

CODE = "E170"
DATASET = "wikievents"
CANNOT_HOLD = [
    "relation mentions (reported dropped)",
    "spans that do not start and end on token boundaries (writer: snapped to tokens, reported)",
]


def read(path: Path, *, schema: Schema, options: dict[str, Any] | None = None) -> Iterator[Record]:
    """Stream one record per WikiEvents document."""
    return read_objects(path, schema, options, DATASET, _record)


read_wikievents = read


def _record(obj: Any, line: int, file: str, options: dict[str, Any], labels: Labels, annotator: str) -> Record:
    doc_id = str(need(obj, "doc_id", str, code=CODE, file=file, line=line))
    at: dict[str, Any] = {"code": CODE, "file": file, "line": line, "doc_id": doc_id}
    text = need(obj, "text", str, **at)
    tokens = need(obj, "tokens", list, **at)
    sentences = need(obj, "sentences", list, **at)
    if not all(type(t) is str for t in tokens):
        raise EventCorpusError(CODE, "tokens must be strings", file=file, line=line, doc_id=doc_id, expected="tokens")
    spans, _ = align_tokens(text, tokens, 0, code="E181", file=file, line=line, doc_id=doc_id)
    sentence_ranges: list[list[int]] = []
    first = 0
    for index, sentence in enumerate(sentences):
        if not isinstance(sentence, list) or len(sentence) != 2 or not isinstance(sentence[0], list):
            raise EventCorpusError(
                CODE,
                f"sentences[{index}] is not [[[token, start, end], ...], text]",
                file=file,
                line=line,
                doc_id=doc_id,
                expected="sentences: [[[token, start, end], ...], sentence text]",
            )
        count = len(sentence[0])
        if count:
            if first + count > len(spans):
                break
            sentence_ranges.append([spans[first][0], spans[first + count - 1][1]])
        first += count
    if first != len(tokens):
        raise EventCorpusError(
            CODE,
            f"the sentences hold {first} tokens, 'tokens' holds {len(tokens)}",
            file=file,
            line=line,
            doc_id=doc_id,
            expected="sentences whose tokens are the document's tokens",
        )
    builder = DocumentBuilder(doc_id, text, file=file, line=line, options=options, labels=labels)

    def chars(mention: dict[str, Any], what: str) -> tuple[int, int]:
        start = need(mention, "start", int, where=what, **at)
        end = need(mention, "end", int, where=what, **at)
        if not 0 <= start < end <= len(spans):
            raise EventCorpusError(
                "E182",
                f"{what} token span {start}-{end} in a document of {len(spans)} tokens",
                file=file,
                line=line,
                doc_id=doc_id,
                expected="0 <= start < end <= len(tokens)",
            )
        return spans[start][0], spans[end - 1][1]

    for index, mention in enumerate(need(obj, "entity_mentions", list, **at)):
        what = f"entity_mentions[{index}]"
        start, end = chars(mention, what)
        meta = {k: mention[k] for k in ("mention_type", "sent_idx") if k in mention}
        builder.entity(
            start,
            end,
            str(need(mention, "entity_type", str, where=what, **at)),
            code="E182",
            item_id=str(need(mention, "id", str, where=what, **at)),
            stored=mention.get("text"),
            meta=meta,
        )
    known = {e.id: e for e in builder.entities}
    for index, mention in enumerate(need(obj, "event_mentions", list, **at)):
        what = f"event_mentions[{index}]"
        event_id = str(need(mention, "id", str, where=what, **at))
        trigger = need(mention, "trigger", dict, where=what, **at)
        start, end = chars(trigger, f"{what}.trigger")
        arguments: list[tuple[str, str]] = []
        for number, argument in enumerate(need(mention, "arguments", list, where=what, **at)):
            where = f"{what}.arguments[{number}]"
            entity_id = str(need(argument, "entity_id", str, where=where, **at))
            role = str(need(argument, "role", str, where=where, **at))
            if entity_id not in known:
                note_dropped(
                    options,
                    Dropped(doc_id, "argument", f"{event_id}:{role}", start, f"entity {entity_id} is not in the file"),
                )
                continue
            target = known[entity_id]
            builder.check_text(target.start, target.end, argument.get("text"), "argument", f"{event_id}:{role}")
            arguments.append((role, entity_id))
        meta = {"sent_idx": trigger["sent_idx"]} if "sent_idx" in trigger else {}
        builder.event(
            str(need(mention, "event_type", str, where=what, **at)),
            start,
            end,
            arguments,
            code="E182",
            item_id=event_id,
            stored=trigger.get("text"),
            meta=meta,
        )
    for relation in obj.get("relation_mentions") or []:
        relation_id = str(relation.get("id")) if isinstance(relation, dict) else "?"
        note_dropped(options, Dropped(doc_id, "relation", relation_id, None, "the schema has no relations"))
    document = dataset_document(doc_id, text, DATASET, file, line, meta={"sentences": sentence_ranges})
    return builder.record(document, annotator)


# --- writing -----------------------------------------------------------------------------


def write(
    records: Iterable[Record], path: Path, *, schema: Schema, options: dict[str, Any] | None = None
) -> ConversionReport:
    """Write one WikiEvents line per record; report spans off token edges and arguments not written."""
    return write_objects(records, path, record_line)


write_wikievents = write


def record_line(record: Record, dropped: list[Dropped]) -> dict[str, Any]:
    """The WikiEvents object of one record."""
    note_unheld(record, dropped, "WikiEvents")
    text = record.document.text
    doc_id = record.id
    spans: list[tuple[int, int]] = []
    sentences: list[Any] = []
    sentence_of: list[int] = []
    for sentence in record_sentences(record):
        sentences.append([[[text[a:b], a, b] for a, b in sentence], text[sentence[0][0] : sentence[-1][1]]])
        spans.extend(sentence)
        sentence_of.extend([len(sentences) - 1] * len(sentence))
    index = TokenIndex(spans)
    entity_mentions: list[dict[str, Any]] = []
    written: dict[str, str] = {}
    for entity in record.annotations.entities:
        place = index.locate(entity.start, entity.end, doc_id=doc_id, kind="entity", item_id=entity.id, dropped=dropped)
        if place is None:
            continue
        a, b = place
        mention_text = text[spans[a][0] : spans[b - 1][1]]
        entity_mentions.append(
            {
                "id": entity.id,
                "sent_idx": sentence_of[a],
                "start": a,
                "end": b,
                "entity_type": entity.label,
                "mention_type": str(entity.meta.get("mention_type", "UNK")),
                "text": mention_text,
            }
        )
        written[entity.id] = mention_text
    event_mentions: list[dict[str, Any]] = []
    for event in record.annotations.events:
        place = index.locate(
            event.trigger.start, event.trigger.end, doc_id=doc_id, kind="event", item_id=event.id, dropped=dropped
        )
        if place is None:
            continue
        a, b = place
        arguments = []
        for argument in event.arguments:
            if argument.entity_id not in written:
                dropped.append(
                    Dropped(
                        doc_id, "argument", f"{event.id}:{argument.role}", event.trigger.start, "entity not written"
                    )
                )
                continue
            arguments.append(
                {"entity_id": argument.entity_id, "role": argument.role, "text": written[argument.entity_id]}
            )
        event_mentions.append(
            {
                "id": event.id,
                "event_type": event.type,
                "trigger": {
                    "start": a,
                    "end": b,
                    "text": text[spans[a][0] : spans[b - 1][1]],
                    "sent_idx": sentence_of[a],
                },
                "arguments": arguments,
            }
        )
    return {
        "doc_id": doc_id,
        "tokens": [text[s:e] for s, e in spans],
        "text": text,
        "sentences": sentences,
        "entity_mentions": entity_mentions,
        "relation_mentions": [],
        "event_mentions": event_mentions,
    }
