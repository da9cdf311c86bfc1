"""Property: canonical -> dataset format -> canonical gives back every item, or lists it as dropped.

Records come from the shared strategies (emoji, CRLF, Arabic, combining marks; nested and
overlapping entities; events sharing arguments; event attributes). What a format cannot hold
must be in the writer's report; everything else must come back with the same text, label,
type and role.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from eventcorpus.formats import Dropped, get_format
from eventcorpus.records import ARGUMENT_SPAN_LABEL, Record
from eventcorpus.schema import load_schema
from tests.formats_strategies import rich_records

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _norm(fmt: str, text: str) -> str:
    # RAMS ships tokens, not text: whitespace inside a span is rebuilt as single spaces
    return "".join(text.split()) if fmt == "rams" else text


def _shape(fmt: str, record: Record, dropped: list[Dropped] | None = None) -> tuple[Any, ...]:
    gone = {(d.kind, d.item_id) for d in dropped or []}
    text = record.document.text
    kept = [e for e in record.annotations.entities if ("entity", e.id) not in gone]
    spans = {e.id: _norm(fmt, text[e.start : e.end]) for e in record.annotations.entities}
    events = []
    for event in record.annotations.events:
        if ("event", event.id) in gone:
            continue
        arguments = tuple(
            sorted(
                (a.role, spans[a.entity_id])
                for a in event.arguments
                if ("argument", f"{event.id}:{a.role}") not in gone and ("entity", a.entity_id) not in gone
            )
        )
        trigger = "" if fmt == "muc4" else _norm(fmt, text[event.trigger.start : event.trigger.end])
        events.append((event.type, trigger, arguments))
    if fmt in ("rams", "muc4"):  # untyped argument spans, one per span
        entities: Any = sorted({spans[e.id] for e in kept})
    elif fmt == "maven-arg":
        entities = sorted({(spans[e.id], e.label) for e in kept})
    else:
        entities = sorted(Counter((spans[e.id], e.label) for e in kept).items())
    return entities, sorted(events)


@pytest.mark.parametrize("fmt", ["wikievents", "rams", "maven", "maven-arg", "muc4"])
@SETTINGS
@given(record=rich_records())
def test_dataset_writer_round_trip_returns_everything_not_reported(tmp_path: Path, fmt: str, record: Record) -> None:
    schema = load_schema()
    out = tmp_path / f"{fmt}.out"
    report = get_format(fmt).write(iter([record]), out, schema=schema, options={})
    (back,) = get_format(fmt).read(out, schema=schema, options={"dropped": []})
    assert _shape(fmt, back) == _shape(fmt, record, report.dropped)
    if fmt == "muc4":
        assert all(e.meta["trigger"] == "document" for e in back.annotations.events)
    if fmt in ("rams", "muc4"):
        assert {e.label for e in back.annotations.entities} <= {ARGUMENT_SPAN_LABEL}
    with_attributes = {e.id for e in record.annotations.events if e.attributes}
    assert with_attributes <= {d.item_id for d in report.dropped if d.kind == "attribute"}
