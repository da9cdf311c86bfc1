"""Annotations as a person reads them: one document at a time, events first.

``describe`` turns a record into plain lines (trigger, type, attributes, arguments with
their roles and fillers, then the entities); ``render_html`` draws the same record with
spaCy's displaCy span view, where triggers, entities and arguments are labelled spans.
Both read any canonical file: predictions, a pass, or gold.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from eventcorpus.records import ARGUMENT_SPAN_LABEL, Record

_SNIPPET = 60  # characters of a span shown before it is shortened


def _quote(text: str) -> str:
    flat = " ".join(text.split())
    return f"“{flat if len(flat) <= _SNIPPET else flat[: _SNIPPET - 1] + '…'}”"


@dataclass(frozen=True)
class Selection:
    """Which records to show: by document id (any of ``ids``), at most ``limit`` of them."""

    ids: frozenset[str] = frozenset()
    limit: int | None = None

    def pick(self, records: Iterable[Record]) -> Iterator[Record]:
        shown = 0
        for record in records:
            if self.limit is not None and shown >= self.limit:
                return
            if self.ids and record.document.id not in self.ids:
                continue
            shown += 1
            yield record


def describe(record: Record) -> list[str]:
    """Plain lines for one record: a header, each event with its arguments, the entities."""
    document, annotations = record.document, record.annotations
    text = document.text
    title = f" — {document.title}" if document.title else ""
    entities = {entity.id: entity for entity in annotations.entities}
    lines = [
        f"{document.id}{title}",
        f"  annotator {annotations.annotator}: {len(annotations.events)} events, "
        f"{sum(1 for e in annotations.entities if e.label != ARGUMENT_SPAN_LABEL)} entities",
    ]
    for event in sorted(annotations.events, key=lambda e: (e.trigger.start, e.trigger.end, e.id)):
        trigger = text[event.trigger.start : event.trigger.end]
        attributes = ", ".join(f"{name} {value}" for name, value in sorted(event.attributes.items()))
        lines.append(
            f"  {event.id} {event.type} {_quote(trigger)} [{event.trigger.start}-{event.trigger.end}]"
            + (f" ({attributes})" if attributes else "")
        )
        for argument in event.arguments:
            filler = entities.get(argument.entity_id)
            if filler is None:
                lines.append(f"      {argument.role}: missing entity {argument.entity_id}")
                continue
            label = "" if filler.label == ARGUMENT_SPAN_LABEL else f" {filler.label}"
            lines.append(f"      {argument.role}: {_quote(text[filler.start : filler.end])}{label}")
    if annotations.entities:
        lines.append("  entities:")
        for entity in sorted(annotations.entities, key=lambda e: (e.start, -e.end, e.label)):
            if entity.label == ARGUMENT_SPAN_LABEL:
                continue
            lines.append(
                f"      {entity.label:<6} {_quote(text[entity.start : entity.end])} [{entity.start}-{entity.end}]"
            )
    return lines


def span_view(record: Record) -> dict[str, object]:
    """displaCy's manual span-view data for one record: tokens and labelled token spans.

    Triggers are labelled with the event's type and id, arguments with the event id and
    role, entities with their type. Spans are snapped outwards to whole tokens only for the
    picture; the offsets in the data are never touched.
    """
    from eventcorpus.tokens import blank_pipeline

    document, annotations = record.document, record.annotations
    doc = blank_pipeline().make_doc(document.text)
    tokens = [token.text for token in doc]
    starts = [token.idx for token in doc]
    ends = [token.idx + len(token.text) for token in doc]

    def token_range(start: int, end: int) -> tuple[int, int] | None:
        first = next((i for i, token_end in enumerate(ends) if token_end > start), None)
        last = next((i for i in range(len(starts) - 1, -1, -1) if starts[i] < end), None)
        if first is None or last is None or last < first:
            return None
        return first, last + 1

    spans: list[dict[str, object]] = []

    def add(start: int, end: int, label: str) -> None:
        found = token_range(start, end)
        if found is not None:
            spans.append({"start_token": found[0], "end_token": found[1], "label": label})

    entities = {entity.id: entity for entity in annotations.entities}
    for entity in annotations.entities:
        if entity.label != ARGUMENT_SPAN_LABEL:
            add(entity.start, entity.end, entity.label)
    for event in annotations.events:
        add(event.trigger.start, event.trigger.end, f"{event.id} {event.type}")
        for argument in event.arguments:
            filler = entities.get(argument.entity_id)
            if filler is not None:
                add(filler.start, filler.end, f"{event.id}:{argument.role}")
    spans.sort(key=lambda s: (s["start_token"], s["end_token"], s["label"]))
    title = document.title or document.id
    return {"text": document.text, "tokens": tokens, "spans": spans, "title": f"{title} ({annotations.annotator})"}


def render_html(records: Iterable[Record]) -> str:
    """One self-contained HTML page with every record drawn by displaCy's span view."""
    from spacy import displacy

    views = [span_view(record) for record in records]
    if not views:
        return "<!DOCTYPE html><html><body><p>No documents to show.</p></body></html>"
    html = displacy.render(views, style="span", manual=True, page=True)
    return str(html)
