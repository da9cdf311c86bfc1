"""Records for the format tests: the shared ``records()`` plus event attributes and metadata."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from eventcorpus.formats import Dropped
from eventcorpus.records import Record
from eventcorpus.schema import load_schema
from tests.strategies import records


@st.composite
def rich_records(draw: st.DrawFn, annotator: str = "alice", allow_overlap: bool = True) -> Record:
    """A record whose events carry polarity/modality and whose document has metadata."""
    record = draw(records(annotator=annotator, allow_overlap=allow_overlap))
    schema = load_schema()
    for event in record.annotations.events:
        for name, attribute in schema.attributes.items():
            if draw(st.booleans()):
                event.attributes[name] = draw(st.sampled_from(attribute.values))
    if draw(st.booleans()):
        record.document.meta = {
            "split": draw(st.sampled_from(["train", "dev", "test"])),
            "note": "ü\r\n",
            "tags": ["a", ["b"]],
        }
        record.document.url = "https://example.org/a?b=1"
        record.document.published = "2022-01-06"
        record.document.provenance = [{"raw": "corpus/raw/x.txt", "sha256": "0" * 64}]
    return record


def minus_dropped(record: Record, dropped: list[Dropped]) -> dict[str, Any]:
    """``record.to_dict()`` without the entities, events, arguments and attributes reported dropped."""
    gone = {(d.kind, d.item_id) for d in dropped if d.doc_id == record.id}
    data = record.to_dict()
    data["entities"] = [e for e in data["entities"] if ("entity", e["id"]) not in gone]
    kept_events = []
    for event in data["events"]:
        if ("event", event["id"]) in gone:
            continue
        event["arguments"] = [
            a for a in event["arguments"] if ("argument", f"{event['id']}/{a['role']}:{a['entity_id']}") not in gone
        ]
        attributes = {
            k: v for k, v in event.get("attributes", {}).items() if ("attribute", f"{event['id']}/{k}={v}") not in gone
        }
        event.pop("attributes", None)
        if attributes:
            event["attributes"] = attributes
        kept_events.append(event)
    data["events"] = kept_events
    return data


@st.composite
def off_schema_records(draw: st.DrawFn) -> Record:
    """A rich record where some labels, types, roles and attribute values are not in the schema."""
    record = draw(rich_records())
    for entity in record.annotations.entities:
        if draw(st.booleans()):
            entity.label = draw(st.sampled_from(["SHIP", "per", "Weapon"]))
    for event in record.annotations.events:
        if draw(st.booleans()):
            event.type = "Conflict:Explode"
        for argument in event.arguments:
            if draw(st.booleans()):
                argument.role = "Shooter"
        if draw(st.booleans()):
            event.attributes["polarity"] = "uncertain"
    return record
