"""MAVEN-Arg (Wang et al., 2023; argument annotation of MAVEN, ``{train,valid}.jsonl``): read and write.

One JSON object per line and document: ``id``, ``title``, ``document`` (the text),
``entities`` [{id, type, mention [{id, mention, offset [start, end]}]}] and ``events`` [{id,
type, type_id, mention [{id, trigger_word, offset}], argument {role: [{entity_id} or
{content, offset}]}}]; ``negative_triggers`` when present. Offsets are character offsets
into ``document``, end-exclusive.

Every entity mention becomes an entity (``meta["maven_entity"]``: the entity it belongs to);
every event mention becomes an event (``meta["maven_event"]``). MAVEN-Arg annotates arguments
on the EVENT, not on each mention: they are attached to the event's first mention, and the
other mentions carry ``meta["coref_of"]`` (that mention's id). An argument naming an entity
points at the entity's first mention; a non-entity argument (``content`` and ``offset``)
becomes an ARG span. Stored texts (``mention``, ``trigger_word``, ``content``) are compared
with the text at their offsets (differences reported). ``--inventory maven`` maps labels.

The writer groups entities by ``maven_entity`` and events by ``maven_event`` (each one on its
own otherwise) and writes ARG spans as ``content`` arguments.
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
    dataset_document,
    need,
    need_span,
    note_unheld,
    read_objects,
    write_objects,
)
from eventcorpus.formats._shared import note_dropped
from eventcorpus.records import ARGUMENT_SPAN_LABEL, Record
from eventcorpus.schema import Schema

CODE = "E173"
DATASET = "maven-arg"
CANNOT_HOLD = ["arguments of event mentions other than the first of their event (merged onto the event)"]


def read(path: Path, *, schema: Schema, options: dict[str, Any] | None = None) -> Iterator[Record]:
    """Stream one record per MAVEN-Arg document."""
    return read_objects(path, schema, options, DATASET, _record)


read_maven_arg = read


def _record(obj: Any, line: int, file: str, options: dict[str, Any], labels: Labels, annotator: str) -> Record:
    doc_id = str(need(obj, "id", str, code=CODE, file=file, line=line))
    at: dict[str, Any] = {"code": CODE, "file": file, "line": line, "doc_id": doc_id}
    text = need(obj, "document", str, **at)
    builder = DocumentBuilder(doc_id, text, file=file, line=line, options=options, labels=labels)

    def span(item: Any, what: str) -> tuple[int, int]:
        return need_span(
            need(item, "offset", list, where=what, **at), code=CODE, file=file, line=line, doc_id=doc_id, what=what
        )

    first_mention: dict[str, str] = {}
    for index, entity in enumerate(need(obj, "entities", list, **at)):
        what = f"entities[{index}]"
        entity_id = str(need(entity, "id", str, where=what, **at))
        label = str(need(entity, "type", str, where=what, **at))
        for number, mention in enumerate(need(entity, "mention", list, where=what, **at)):
            where = f"{what}.mention[{number}]"
            start, end = span(mention, where)
            mention_id = builder.entity(
                start,
                end,
                label,
                code="E182",
                item_id=str(need(mention, "id", str, where=where, **at)),
                stored=mention.get("mention"),
                meta={"maven_entity": entity_id},
            )
            first_mention.setdefault(entity_id, mention_id)
    for index, event in enumerate(need(obj, "events", list, **at)):
        what = f"events[{index}]"
        event_id = str(need(event, "id", str, where=what, **at))
        event_type = str(need(event, "type", str, where=what, **at))
        mentions = need(event, "mention", list, where=what, **at)
        arguments: list[tuple[str, str]] = []
        for role, fillers in (need(event, "argument", dict, where=what, **at)).items():
            if not isinstance(fillers, list):
                raise EventCorpusError(
                    CODE,
                    f"{what}.argument[{role!r}] is not a list",
                    file=file,
                    line=line,
                    doc_id=doc_id,
                    expected="'argument': {role: [{entity_id} or {content, offset}, ...]}",
                )
            for number, filler in enumerate(fillers):
                where = f"{what}.argument[{role!r}][{number}]"
                if isinstance(filler, dict) and "entity_id" in filler:
                    target = first_mention.get(str(filler["entity_id"]))
                    if target is None:
                        note_dropped(
                            options,
                            Dropped(
                                doc_id,
                                "argument",
                                f"{event_id}:{role}",
                                None,
                                f"entity {filler['entity_id']} is not in the file",
                            ),
                        )
                        continue
                    arguments.append((role, target))
                else:
                    start, end = span(filler, where)
                    arguments.append((role, builder.span(start, end, code="E182", stored=filler.get("content"))))
        head: str | None = None
        for number, mention in enumerate(mentions):
            where = f"{what}.mention[{number}]"
            start, end = span(mention, where)
            meta: dict[str, Any] = {"maven_event": event_id}
            if "type_id" in event:
                meta["type_id"] = event["type_id"]
            if head is not None:
                meta["coref_of"] = head
            mention_id = builder.event(
                event_type,
                start,
                end,
                arguments if head is None else [],
                code="E182",
                item_id=str(need(mention, "id", str, where=where, **at)),
                stored=mention.get("trigger_word"),
                meta=meta,
            )
            head = head or mention_id
        if head is None and arguments:
            note_dropped(options, Dropped(doc_id, "event", event_id, None, "event has arguments but no mention"))
    negatives = []
    for index, mention in enumerate(obj.get("negative_triggers") or []):
        start, end = span(mention, f"negative_triggers[{index}]")
        negatives.append({"id": mention.get("id"), "start": start, "end": end})
    title = obj.get("title") if isinstance(obj.get("title"), str) else None
    document = dataset_document(doc_id, text, DATASET, file, line, title=title)
    return builder.record(document, annotator, {"maven_negative_triggers": negatives} if negatives else {})


# --- writing -----------------------------------------------------------------------------


def write(
    records: Iterable[Record], path: Path, *, schema: Schema, options: dict[str, Any] | None = None
) -> ConversionReport:
    """Write one MAVEN-Arg document per record."""
    return write_objects(records, path, record_document)


write_maven_arg = write


def record_document(record: Record, dropped: list[Dropped]) -> dict[str, Any]:
    """The MAVEN-Arg object of one record."""
    note_unheld(record, dropped, "MAVEN-Arg")
    text = record.document.text
    entities: dict[str, dict[str, Any]] = {}
    group_of: dict[str, str] = {}
    spans = {}
    for entity in record.annotations.entities:
        if entity.label == ARGUMENT_SPAN_LABEL:
            spans[entity.id] = entity
            continue
        group = str(entity.meta.get("maven_entity") or entity.id)
        group_of[entity.id] = group
        entry = entities.setdefault(group, {"id": group, "type": entity.label, "mention": []})
        entry["mention"].append(
            {"id": entity.id, "mention": text[entity.start : entity.end], "offset": [entity.start, entity.end]}
        )
    events: dict[str, dict[str, Any]] = {}
    first_of: dict[str, str] = {}
    for entity_id, group in group_of.items():
        first_of.setdefault(group, entity_id)
    for event in record.annotations.events:
        group = str(event.meta.get("maven_event") or event.id)
        if group in events and event.arguments:
            dropped.append(
                Dropped(
                    record.id,
                    "argument",
                    event.id,
                    event.trigger.start,
                    "arguments move to the first mention of the event",
                )
            )
        entry = events.setdefault(group, {"id": group, "type": event.type, "mention": [], "argument": {}})
        if "type_id" in event.meta:
            entry["type_id"] = event.meta["type_id"]
        entry["mention"].append(
            {
                "id": event.id,
                "trigger_word": text[event.trigger.start : event.trigger.end],
                "offset": [event.trigger.start, event.trigger.end],
            }
        )
        for argument in event.arguments:
            fillers = entry["argument"].setdefault(argument.role, [])
            if argument.entity_id in spans:
                target = spans[argument.entity_id]
                fillers.append({"content": text[target.start : target.end], "offset": [target.start, target.end]})
            elif argument.entity_id in group_of:
                group = group_of[argument.entity_id]
                if first_of[group] != argument.entity_id:
                    dropped.append(
                        Dropped(
                            record.id,
                            "argument",
                            f"{event.id}:{argument.role}",
                            None,
                            f"names entity {group}, read back at its first mention {first_of[group]}",
                        )
                    )
                fillers.append({"entity_id": group})
            else:
                dropped.append(Dropped(record.id, "argument", f"{event.id}:{argument.role}", None, "entity not found"))
    used = {a.entity_id for event in record.annotations.events for a in event.arguments}
    for entity_id, span in spans.items():
        if entity_id not in used:
            dropped.append(Dropped(record.id, "entity", entity_id, span.start, "an ARG span that fills no role"))
    return {
        "id": record.id,
        "title": record.document.title or "",
        "document": text,
        "events": list(events.values()),
        "entities": list(entities.values()),
        "negative_triggers": [
            {"id": n.get("id"), "trigger_word": text[n["start"] : n["end"]], "offset": [n["start"], n["end"]]}
            for n in record.annotations.meta.get("maven_negative_triggers") or []
            if isinstance(n, dict)
        ],
    }
