"""CoNLL BIO columns: what comes back is the input minus exactly the items reported dropped."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventcorpus.errors import EventCorpusError
from eventcorpus.formats import get_format
from eventcorpus.records import AnnotationSet, Argument, Document, Entity, Event, Record, Trigger, document_id
from eventcorpus.schema import load_schema
from tests.formats_strategies import rich_records

SCHEMA = load_schema()
CONLL = get_format("conll")


def _expected(record: Record, dropped: set[tuple[str, str, str]]) -> tuple[list, list]:  # type: ignore[type-arg]
    doc = record.id
    entities = sorted(
        (e.start, e.end, e.label) for e in record.annotations.entities if (doc, "entity", e.id) not in dropped
    )
    triggers = sorted(
        (e.trigger.start, e.trigger.end, e.type)
        for e in record.annotations.events
        if (doc, "event", e.id) not in dropped
    )
    return entities, triggers


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(st.lists(rich_records(), min_size=1, max_size=3, unique_by=lambda r: r.id))  # drops are keyed by doc id
def test_round_trip_is_input_minus_reported_drops(
    tmp_path_factory: pytest.TempPathFactory, records: list[Record]
) -> None:
    out = tmp_path_factory.mktemp("conll") / "x.conll"
    report = CONLL.write(records, out, schema=SCHEMA, options={})
    dropped = {(d.doc_id, d.kind, d.item_id) for d in report.dropped}
    back = list(CONLL.read(out, schema=SCHEMA, options={}))
    assert len(back) == len(records)
    for original, result in zip(records, back, strict=True):
        assert result.document == original.document
        assert result.annotations.annotator == original.annotations.annotator
        entities, triggers = _expected(original, dropped)
        assert sorted((e.start, e.end, e.label) for e in result.annotations.entities) == entities
        assert sorted((e.trigger.start, e.trigger.end, e.type) for e in result.annotations.events) == triggers
        assert all(not e.arguments and not e.attributes for e in result.annotations.events)
        # every argument and attribute is reported, none silently lost
        for event in original.annotations.events:
            for a in event.arguments:
                assert (original.id, "argument", f"{event.id}/{a.role}:{a.entity_id}") in dropped
            for name, value in event.attributes.items():
                assert (original.id, "attribute", f"{event.id}/{name}={value}") in dropped


def _record(text: str, entities: list[Entity], events: list[Event]) -> Record:
    doc = Document(id=document_id(text), text=text, title="t")
    return Record(doc, AnnotationSet(doc.id, "gold", entities, events))


def test_layout_and_what_is_dropped(tmp_path: Path) -> None:
    text = "Kataib Hezbollah fired rockets.\r\nNo one was hurt."
    record = _record(
        text,
        [
            Entity("T1", 0, 16, "ORG"),
            Entity("T2", 7, 16, "ORG"),
            Entity("T3", 23, 30, "WEA"),
            Entity("T4", 25, 30, "WEA"),
        ],
        [Event("E1", "Conflict:Attack", Trigger(17, 22), [Argument("Attacker", "T1")], {"polarity": "positive"})],
    )
    report = CONLL.write([record], tmp_path / "x.conll", schema=SCHEMA, options={})
    assert sorted((d.kind, d.item_id, d.offset, d.reason.split(" (")[0]) for d in report.dropped) == [
        ("argument", "E1/Attacker:T1", 17, "CoNLL holds no arguments"),
        ("attribute", "E1/polarity=positive", 17, "CoNLL holds no attributes"),
        ("entity", "T2", 7, "overlaps T1"),
        ("entity", "T4", 25, "not on token boundaries"),
    ]
    lines = (tmp_path / "x.conll").read_text(encoding="utf-8").splitlines()
    assert lines[0] == f"# doc_id = {record.id}"
    assert lines[1] == '# text = "Kataib Hezbollah fired rockets.\\r\\nNo one was hurt."'
    assert lines[3:8] == [
        "Kataib\tB-ORG\tO",
        "Hezbollah\tI-ORG\tO",
        "fired\tO\tB-Conflict:Attack",
        "rockets\tB-WEA\tO",
        ".\tO\tO",
    ]
    assert lines[8] == ""  # a blank line after each sentence
    (back,) = CONLL.read(tmp_path / "x.conll", schema=SCHEMA, options={})
    assert [(e.id, e.start, e.end, e.label) for e in back.annotations.entities] == [
        ("T1", 0, 16, "ORG"),
        ("T2", 23, 30, "WEA"),
    ]
    assert [(e.id, e.type, e.trigger.start) for e in back.annotations.events] == [("E1", "Conflict:Attack", 17)]


def test_tokens_that_do_not_follow_the_text_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.conll"
    path.write_text('# doc_id = d1\n# text = "air base"\nair\tO\tO\nbass\tB-FAC\tO\n\n', encoding="utf-8")
    with pytest.raises(EventCorpusError) as info:
        list(CONLL.read(path, schema=SCHEMA, options={}))
    assert info.value.code == "E106" and info.value.line == 4 and info.value.doc_id == "d1"


def test_a_row_with_wrong_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.conll"
    path.write_text('# doc_id = d1\n# text = "air base"\nair\tO\n', encoding="utf-8")
    with pytest.raises(EventCorpusError) as info:
        list(CONLL.read(path, schema=SCHEMA, options={}))
    assert info.value.code == "E100" and info.value.line == 3


def test_a_file_without_text_lines_gets_its_tokens_joined(tmp_path: Path) -> None:
    path = tmp_path / "plain.conll"
    path.write_text(
        "# doc_id = d9\nDrones\tB-WEA\tO\nhit\tO\tB-Conflict:Attack\n\nErbil\tB-GPE\tO\n\n", encoding="utf-8"
    )
    (record,) = CONLL.read(path, schema=SCHEMA, options={"annotator": "ext"})
    assert record.document.text == "Drones hit\nErbil"
    assert [(e.start, e.end, e.label) for e in record.annotations.entities] == [(0, 6, "WEA"), (11, 16, "GPE")]
    assert record.annotations.annotator == "ext" and record.id == "d9"


def test_conll_not_utf8_or_document_not_object_raised_traceback(tmp_path: Path) -> None:
    """Non-UTF-8 bytes or a '# document' that is not an object used to end in a traceback; now E014 / E100."""
    path = tmp_path / "bad.conll"
    path.write_bytes(b"# doc_id = d1\nhello\tO\tO\n\xff\tO\tO\n")
    with pytest.raises(EventCorpusError) as info:
        list(CONLL.read(path, schema=load_schema(), options={}))
    assert (info.value.code, info.value.file) == ("E014", str(path))
    path.write_text('# doc_id = d1\n# document = "ab"\nhello\tO\tO\n', encoding="utf-8")
    with pytest.raises(EventCorpusError) as info:
        list(CONLL.read(path, schema=load_schema(), options={}))
    assert (info.value.code, info.value.line) == ("E100", 2)


@pytest.mark.parametrize(
    ("document", "code"),
    [
        ('{"meta": "x"}', "E006"),
        ('{"provenance": 3}', "E006"),
        ('{"title": 5}', "E006"),
        ('{"annotation_meta": 1}', "E100"),
    ],
)
def test_conll_document_field_of_wrong_type_raised_traceback(tmp_path: Path, document: str, code: str) -> None:
    """A '# document' field of the wrong type ended in ValueError/TypeError (or a non-string title leaked on)."""
    path = tmp_path / "bad.conll"
    path.write_text(f"# doc_id = d1\n# document = {document}\nhello\tO\tO\n", encoding="utf-8")
    with pytest.raises(EventCorpusError) as info:
        list(CONLL.read(path, schema=load_schema(), options={}))
    assert (info.value.code, info.value.file) == (code, str(path))
