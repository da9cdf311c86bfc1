"""Apply a format's list of losses to a record, and compare records without their ids.

Used by the property test over every reader/writer pair: what comes back from a format
must equal the record that went in, minus exactly the items the writer (and reader)
listed as dropped, with listed snaps applied. Ids are left out of the comparison because
some formats renumber them (CoNLL); spans, labels, roles, attributes and metadata are not.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from typing import Any

from eventcorpus.formats import Dropped
from eventcorpus.records import Record

SNAPPED = re.compile(r"snapped to tokens (\d+)-(\d+)")
KEPT = re.compile(r"exact offsets kept")


def apply_losses(record: Record, dropped: list[Dropped]) -> Record:
    """``record`` minus the listed items of its document; snapped spans moved where the reason says."""
    out = copy.deepcopy(record)
    mine = [d for d in dropped if d.doc_id == record.id]
    annotations = out.annotations
    for item in mine:
        snapped = SNAPPED.search(item.reason)
        if not snapped and KEPT.search(item.reason):
            continue  # listed, but the format keeps it exactly elsewhere (spaCy: in user_data)
        if item.kind == "entity":
            for entity in annotations.entities:
                if entity.id == item.item_id and snapped:
                    entity.start, entity.end = int(snapped.group(1)), int(snapped.group(2))
            if not snapped:
                annotations.entities = [e for e in annotations.entities if e.id != item.item_id]
        elif item.kind == "event":
            for event in annotations.events:
                if event.id == item.item_id and snapped:
                    event.trigger.start, event.trigger.end = int(snapped.group(1)), int(snapped.group(2))
            if not snapped:
                annotations.events = [e for e in annotations.events if e.id != item.item_id]
        elif item.kind == "argument":
            event_id, _, rest = item.item_id.partition("/")
            role, _, entity_id = rest.rpartition(":")
            for event in annotations.events:
                if event.id == event_id:
                    for index, argument in enumerate(event.arguments):
                        if (argument.role, argument.entity_id) == (role, entity_id):
                            del event.arguments[index]
                            break
        elif item.kind == "attribute":
            event_id, _, rest = item.item_id.partition("/")
            name, _, value = rest.partition("=")
            for event in annotations.events:
                if event.id == event_id and (not rest or event.attributes.get(name) == value):
                    if rest:
                        del event.attributes[name]
                    else:  # the format drops all attributes of the event in one item
                        event.attributes = {}
    return out


def compared(
    record: Record, back: Record, dropped: list[Dropped], *, words_only: bool = False
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(what should have come back, what did), both without ids, after applying the listed losses.

    A ``document`` item says the format did not keep the document's metadata and annotator:
    then only the document's id and text are compared.
    """
    kinds = {d.kind for d in dropped if d.doc_id == record.id}
    if words_only:  # a format that keeps only words (M2E2 says so in CANNOT_HOLD, not per item)
        kinds |= {"text", "document"}
    by_text = "text" in kinds  # the text came back changed (as listed): spans are compared by their words
    expected, got = content(apply_losses(record, dropped), by_text), content(back, by_text)
    if by_text:
        for side in (expected, got):
            side["document"]["text"] = "".join(side["document"]["text"].split())
    if "document" in kinds:
        for side in (expected, got):
            side["document"] = {key: side["document"][key] for key in ("id", "text")}
            del side["annotator"]
    return expected, got


def content(record: Record, by_text: bool = False) -> dict[str, Any]:
    """The record without ids: document, annotator, entity spans, events with arguments by span.

    ``by_text``: a span is its words (whitespace removed) instead of its offsets.
    """
    annotations = record.annotations
    text = record.document.text

    def span(start: int, end: int) -> tuple[Any, ...]:
        return ("".join(text[start:end].split()),) if by_text else (start, end)

    span_of = {e.id: (*span(e.start, e.end), e.label) for e in annotations.entities}
    return {
        "document": record.document.to_dict(),
        "annotator": annotations.annotator,
        "entities": Counter(
            (*span(e.start, e.end), e.label, repr(sorted(e.meta.items()))) for e in annotations.entities
        ),
        "events": Counter(
            (
                *span(e.trigger.start, e.trigger.end),
                e.type,
                tuple(sorted((a.role, span_of.get(a.entity_id)) for a in e.arguments)),  # type: ignore[arg-type]
                tuple(sorted(e.attributes.items())),
                repr(sorted(e.meta.items())),
            )
            for e in annotations.events
        ),
    }
