"""Canonical JSON Lines through the format interface."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventcorpus.formats import get_format
from eventcorpus.records import Record
from eventcorpus.schema import load_schema
from tests.formats_strategies import rich_records


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(rich_records(), max_size=4, unique_by=lambda r: (r.document.id, r.annotations.annotator)))
def test_round_trip_is_identity(tmp_path: Path, records: list[Record]) -> None:
    module = get_format("canonical")
    report = module.write(records, tmp_path / "c.jsonl", schema=load_schema(), options={})
    assert report.documents == len(records) and not report.dropped
    back = list(module.read(tmp_path / "c.jsonl", schema=load_schema(), options={}))
    assert [r.to_dict() for r in back] == [r.to_dict() for r in records]
