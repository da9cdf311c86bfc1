"""RAMS 1.0 (Ebner et al., ACL 2020; ``{train,dev,test}.jsonlines``): read and write.

One JSON object per line and example: ``doc_key``, ``language_id``, ``source_url``, ``split``,
``sentences`` (a window of about five tokenised sentences), ``ent_spans`` [[start, end,
[[role, score]]]], ``evt_triggers`` [[start, end, [[event type, score]]]] and
``gold_evt_links`` [[[trigger start, trigger end], [argument start, argument end], role]].
Offsets are token indices over the window's tokens, end INCLUSIVE. Event types and roles are
AIDA's (``conflict.attack.firearmattack``, ``evt089arg01victim``).

RAMS ships tokens only, no text: the document text is the window rebuilt as tokens joined by
one space, sentences joined by a newline (``meta["sentences"]`` gives each sentence's range).
Argument spans are not entity mentions: each becomes an ARG span. A role keeps its name
without the ``evtNNNargNN`` numbering (``victim``); the full ids stay in the event's
``meta["rams_role_ids"]``, so the writer gives them back. A link whose trigger is not among
the triggers is reported dropped. ``--inventory rams`` maps labels onto the schema.

The writer tokenises with :func:`eventcorpus.tokens.sentences`; entities that are no
argument cannot be held (RAMS has argument spans only) and are reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from eventcorpus.errors import EventCorpusError
from eventcorpus.formats import ConversionReport, Dropped
from eventcorpus.formats._datasets import (
    DocumentBuilder,
    Labels,
    TokenIndex,
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

CODE = "E171"
DATASET = "rams"
ROLE_PREFIX = re.compile(r"^evt\d+arg\d+")
CANNOT_HOLD = [
    "entities that are not an argument of an event (RAMS keeps argument spans only; reported)",
    "spans that do not start and end on token boundaries (writer: snapped to tokens, reported)",
]


def role_name(role_id: str) -> str:
    """``evt089arg01victim`` -> ``victim``."""
    return ROLE_PREFIX.sub("", role_id) or role_id


def read(path: Path, *, schema: Schema, options: dict[str, Any] | None = None) -> Iterator[Record]:
    """Stream one record per RAMS example."""
    return read_objects(path, schema, options, DATASET, _record)


read_rams = read


def _labelled(item: Any, index: int, key: str, at: dict[str, Any]) -> tuple[int, int, list[str]]:
    """(start, end inclusive, labels) of one ``ent_spans``/``evt_triggers`` item."""
    if (
        not isinstance(item, list)
        or len(item) != 3
        or not all(isinstance(v, int) for v in item[:2])
        or not isinstance(item[2], list)
        or not all(isinstance(x, list) and x and isinstance(x[0], str) for x in item[2])
    ):
        raise EventCorpusError(
            CODE,
            f"{key}[{index}] is {str(item)[:80]}",
            file=at["file"],
            line=at["line"],
            doc_id=at["doc_id"],
            expected=f"{key!r}: [[start, end, [[label, score], ...]], ...]",
        )
    return item[0], item[1], [x[0] for x in item[2]]


def _record(obj: Any, line: int, file: str, options: dict[str, Any], labels: Labels, annotator: str) -> Record:
    doc_id = str(need(obj, "doc_key", str, code=CODE, file=file, line=line))
    at: dict[str, Any] = {"code": CODE, "file": file, "line": line, "doc_id": doc_id}
    sentences = need(obj, "sentences", list, **at)
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    ranges: list[list[int]] = []
    cursor = 0
    for number, sentence in enumerate(sentences):
        if not isinstance(sentence, list) or not all(isinstance(t, str) and t for t in sentence):
            raise EventCorpusError(
                CODE,
                f"sentences[{number}] is not a list of tokens",
                file=file,
                line=line,
                doc_id=doc_id,
                expected="'sentences': [[token, ...], ...]",
            )
        if number:
            parts.append("\n")
            cursor += 1
        begin = cursor
        for position, token in enumerate(sentence):
            if position:
                parts.append(" ")
                cursor += 1
            spans.append((cursor, cursor + len(token)))
            parts.append(token)
            cursor += len(token)
        ranges.append([begin, cursor])
    text = "".join(parts)
    builder = DocumentBuilder(doc_id, text, file=file, line=line, options=options, labels=labels)

    def chars(start: int, end: int, what: str) -> tuple[int, int]:
        if not 0 <= start <= end < len(spans):
            raise EventCorpusError(
                "E182",
                f"{what} token span {start}-{end} (inclusive) in a window of {len(spans)} tokens",
                file=file,
                line=line,
                doc_id=doc_id,
                expected="0 <= start <= end < number of tokens",
            )
        return spans[start][0], spans[end][1]

    span_ids: dict[tuple[int, int], str] = {}
    for index, item in enumerate(need(obj, "ent_spans", list, **at)):
        start, end, roles = _labelled(item, index, "ent_spans", at)
        a, b = chars(start, end, f"ent_spans[{index}]")
        span_ids[(start, end)] = builder.span(a, b, code="E182", meta={"rams_labels": roles})
    triggers: dict[tuple[int, int], tuple[int, int, list[str]]] = {}
    for index, item in enumerate(need(obj, "evt_triggers", list, **at)):
        start, end, types = _labelled(item, index, "evt_triggers", at)
        if not types:
            raise EventCorpusError(
                CODE, f"evt_triggers[{index}] has no event type", file=file, line=line, doc_id=doc_id
            )
        if (start, end) in triggers:
            note_dropped(
                options,
                Dropped(
                    doc_id,
                    "event",
                    f"evt_triggers[{index}]",
                    None,
                    "a second trigger on the same span (links cannot tell them apart)",
                ),
            )
            continue
        triggers[(start, end)] = (start, end, types)
    links: dict[tuple[int, int], list[tuple[str, str]]] = {key: [] for key in triggers}
    for index, link in enumerate(need(obj, "gold_evt_links", list, **at)):
        if (
            not isinstance(link, list)
            or len(link) != 3
            or not all(isinstance(p, list) and len(p) == 2 and all(isinstance(v, int) for v in p) for p in link[:2])
            or not isinstance(link[2], str)
        ):
            raise EventCorpusError(
                CODE,
                f"gold_evt_links[{index}] is {str(link)[:80]}",
                file=file,
                line=line,
                doc_id=doc_id,
                expected="'gold_evt_links': [[[trigger start, end], [argument start, end], role], ...]",
            )
        key = (link[0][0], link[0][1])
        if key not in links:
            note_dropped(
                options,
                Dropped(doc_id, "argument", link[2], None, f"link from {key} which is not in evt_triggers"),
            )
            continue
        arg = (link[1][0], link[1][1])
        if arg not in span_ids:
            a, b = chars(arg[0], arg[1], f"gold_evt_links[{index}]")
            span_ids[arg] = builder.span(a, b, code="E182")
        links[key].append((link[2], span_ids[arg]))
    for key, (start, end, types) in triggers.items():
        a, b = chars(start, end, "evt_triggers")
        meta: dict[str, Any] = {"rams_role_ids": [role_id for role_id, _ in links[key]]}
        if len(types) > 1:
            meta["rams_other_types"] = types[1:]
        builder.event(
            types[0], a, b, [(role_name(role_id), span) for role_id, span in links[key]], code="E182", meta=meta
        )
    for relation_key in ("rel_triggers", "gold_rels"):
        for number, _ in enumerate(obj.get(relation_key) or []):
            note_dropped(
                options, Dropped(doc_id, "relation", f"{relation_key}[{number}]", None, "the schema has no relations")
            )
    fields = {k: obj[k] for k in ("language_id", "split") if k in obj}
    url = obj.get("source_url") if isinstance(obj.get("source_url"), str) else None
    document = dataset_document(doc_id, text, DATASET, file, line, url=url, meta={**fields, "sentences": ranges})
    return builder.record(document, annotator)


# --- writing -----------------------------------------------------------------------------


def write(
    records: Iterable[Record], path: Path, *, schema: Schema, options: dict[str, Any] | None = None
) -> ConversionReport:
    """Write one RAMS example per record."""
    return write_objects(records, path, record_example)


write_rams = write


def record_example(record: Record, dropped: list[Dropped]) -> dict[str, Any]:
    """The RAMS object of one record (token offsets inclusive)."""
    note_unheld(record, dropped, "RAMS", untyped_spans=True)
    text = record.document.text
    doc_id = record.id
    sentences = record_sentences(record)
    spans = [span for sentence in sentences for span in sentence]
    index = TokenIndex(spans)
    arguments = {a.entity_id for event in record.annotations.events for a in event.arguments}
    ent_places: dict[str, tuple[int, int]] = {}
    for entity in record.annotations.entities:
        if entity.id not in arguments:
            dropped.append(Dropped(doc_id, "entity", entity.id, entity.start, "RAMS holds argument spans only"))
            continue
        place = index.locate(entity.start, entity.end, doc_id=doc_id, kind="entity", item_id=entity.id, dropped=dropped)
        if place is not None:
            ent_places[entity.id] = place
    ent_spans: dict[tuple[int, int], list[list[Any]]] = {}
    evt_triggers: list[list[Any]] = []
    links: list[list[Any]] = []
    seen_triggers: set[tuple[int, int]] = set()
    linked: set[str] = set()
    for number, event in enumerate(record.annotations.events):
        place = index.locate(
            event.trigger.start, event.trigger.end, doc_id=doc_id, kind="event", item_id=event.id, dropped=dropped
        )
        if place is None:
            continue
        trigger: list[Any] = [place[0], place[1] - 1]
        if (place[0], place[1]) in seen_triggers:
            dropped.append(
                Dropped(doc_id, "event", event.id, event.trigger.start, "RAMS tells events apart by trigger span only")
            )
            continue
        seen_triggers.add((place[0], place[1]))
        evt_triggers.append([*trigger, [[event.type, 1.0]]])
        stored = event.meta.get("rams_role_ids") or []
        for k, argument in enumerate(event.arguments):
            if argument.entity_id not in ent_places:
                dropped.append(
                    Dropped(
                        doc_id, "argument", f"{event.id}:{argument.role}", event.trigger.start, "entity not written"
                    )
                )
                continue
            role_id = stored[k] if k < len(stored) and role_name(stored[k]) == argument.role else None
            role_id = role_id or f"evt{number:03d}arg{k + 1:02d}{argument.role}"
            a, b = ent_places[argument.entity_id]
            span: list[Any] = [a, b - 1]
            ent_spans.setdefault((a, b - 1), [*span, []])[2].append([role_id, 1.0])
            links.append([trigger, span, role_id])
            linked.add(argument.entity_id)
    for entity_id in sorted(set(ent_places) - linked):
        dropped.append(Dropped(doc_id, "entity", entity_id, None, "fills a role only in events RAMS could not hold"))
    return {
        "doc_key": doc_id,
        "language_id": str(record.document.meta.get("language_id") or "eng"),
        "source_url": record.document.url,
        "split": record.document.meta.get("split"),
        "sentences": [[text[s:e] for s, e in sentence] for sentence in sentences],
        "ent_spans": list(ent_spans.values()),
        "evt_triggers": evt_triggers,
        "gold_evt_links": links,
    }
