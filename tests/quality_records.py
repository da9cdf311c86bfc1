"""Build small canonical records by hand for the quality tests (scoring, agreement, adjudication, stats)."""

from __future__ import annotations

from eventcorpus.records import AnnotationSet, Argument, Document, Entity, Event, Record, Trigger, document_id

EntitySpec = tuple[int, int, str]
EventSpec = tuple[str, tuple[int, int], list[tuple[str, int]]]  # type, trigger, [(role, entity index)]


def make_record(
    text: str,
    annotator: str,
    entities: list[EntitySpec] = (),  # type: ignore[assignment]
    events: list[EventSpec] = (),  # type: ignore[assignment]
    *,
    licence: str = "CC-BY-4.0",
) -> Record:
    """A checked record; arguments name entities by their index in ``entities``."""
    ents = [Entity(f"T{i + 1}", s, e, label) for i, (s, e, label) in enumerate(entities)]
    evs = [
        Event(f"E{i + 1}", etype, Trigger(*trigger), [Argument(role, ents[k].id) for role, k in args])
        for i, (etype, trigger, args) in enumerate(events)
    ]
    doc = Document(id=document_id(text), text=text, title="test", licence=licence)
    annotations = AnnotationSet(doc.id, annotator, ents, evs)
    annotations.check(text)
    return Record(doc, annotations)
