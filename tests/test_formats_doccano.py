"""doccano JSONL and export zips: round trips in every offset mode, the plain label form, errors."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from eventcorpus.errors import EventCorpusError
from eventcorpus.formats import get_format
from eventcorpus.formats.doccano import doccano_to_record, record_to_doccano, record_to_doccano_report
from eventcorpus.records import AnnotationSet, Argument, Document, Entity, Event, Record, Trigger, document_id
from eventcorpus.schema import load_schema
from tests.formats_strategies import minus_dropped, rich_records

DATA = Path(__file__).parent / "data" / "formats"
SCHEMA = load_schema()
PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _record(text: str, entities: list[Entity], events: list[Event], annotator: str = "alice") -> Record:
    doc = Document(id=document_id(text), text=text)
    return Record(doc, AnnotationSet(doc.id, annotator, entities, events))


@PROPERTY
@given(rich_records())
def test_round_trip_is_identity_in_every_offset_mode(record: Record) -> None:
    for mode in ("codepoint", "utf16", "grapheme"):
        obj, dropped = record_to_doccano_report(record, offset_mode=mode)
        back = doccano_to_record(json.loads(json.dumps(obj)), offset_mode=mode, annotator="alice")
        if mode != "grapheme":
            assert not dropped
        # Only grapheme mode can drop (spans cutting a cluster); the rest comes back exactly.
        assert back.to_dict() == minus_dropped(record, dropped)


def test_utf16_offsets_count_surrogate_pairs() -> None:
    text = "😀 rockets struck"
    record = _record(text, [Entity("T1", 2, 9, "WEA")], [Event("E1", "Conflict:Attack", Trigger(10, 16))])
    obj = record_to_doccano(record, offset_mode="utf16")
    assert [(s["start_offset"], s["end_offset"]) for s in obj["entities"]] == [(3, 10), (11, 17)]
    assert record_to_doccano(record)["entities"][0]["start_offset"] == 2


def test_grapheme_mode_refuses_a_span_inside_a_cluster() -> None:
    text = "cafe\u0301 base"
    record = _record(text, [Entity("T1", 0, 4, "FAC")], [])
    with pytest.raises(EventCorpusError) as info:
        record_to_doccano(record, offset_mode="grapheme")
    assert info.value.code == "E101"
    _, dropped = record_to_doccano_report(record, offset_mode="grapheme")
    assert [(d.kind, d.item_id, d.offset) for d in dropped] == [("entity", "T1", 0)]


def test_events_are_trigger_spans_with_role_relations() -> None:
    text = "Militia rockets struck the base"
    record = _record(
        text,
        [Entity("T1", 0, 7, "ORG"), Entity("T2", 27, 31, "FAC")],
        [
            Event("E1", "Conflict:Attack", Trigger(16, 22), [Argument("Attacker", "T1"), Argument("Target", "T2")]),
            Event("E2", "Conflict:Threaten", Trigger(16, 22), [Argument("Target", "T2")]),
        ],
    )
    obj = record_to_doccano(record)
    labels = [s["label"] for s in obj["entities"]]
    assert labels == ["ORG", "FAC", "Conflict:Attack", "Conflict:Threaten"]
    assert [(r["from_id"], r["to_id"], r["type"]) for r in obj["relations"]] == [
        (3, 1, "Attacker"),
        (3, 2, "Target"),
        (4, 2, "Target"),
    ]
    assert obj["doc_id"] == record.id and obj["text_sha256"] == record.document.text_sha256


def test_a_doccano_export_without_our_notes_gets_fresh_ids_and_keeps_the_structure() -> None:
    obj = json.loads((DATA / "doccano_export.jsonl").read_text(encoding="utf-8").splitlines()[0])
    record = doccano_to_record(obj, annotator="bob")
    ann = record.annotations
    assert [(e.id, e.label, record.document.text[e.start : e.end]) for e in ann.entities] == [
        ("T10", "ORG", "Kataib Hezbollah"),
        ("T11", "FAC", "Ayn al-Assad"),
    ]
    assert [(e.id, e.type, [(a.role, a.entity_id) for a in e.arguments]) for e in ann.events] == [
        ("E12", "Conflict:Attack", [("Attacker", "T10"), ("Target", "T11")])
    ]
    assert record.id == document_id(record.document.text)


def test_the_plain_label_form_is_read() -> None:
    obj = {"text": "Drones struck Iraq", "label": [[0, 6, "WEA"], [7, 13, "Conflict:Attack"], [14, 18, "GPE"]]}
    record = doccano_to_record(obj, annotator="carol")
    assert [e.label for e in record.annotations.entities] == ["WEA", "GPE"]
    assert [(e.type, e.trigger.start) for e in record.annotations.events] == [("Conflict:Attack", 7)]
    older = doccano_to_record({"text": obj["text"], "labels": obj["label"]}, annotator="carol")
    assert older.to_dict() == record.to_dict()


def test_document_text_must_match_by_hash() -> None:
    record = _record("Rockets struck the base", [Entity("T1", 0, 7, "WEA")], [])
    obj = record_to_doccano(record)
    other = Document(id=record.id, text="Rockets struck the base.")
    with pytest.raises(EventCorpusError) as info:
        doccano_to_record(obj, annotator="alice", document=other)
    assert info.value.code == "E010"
    same = doccano_to_record(obj, annotator="dave", document=record.document)
    assert same.document is record.document and same.annotations.annotator == "dave"


def test_relation_between_two_entities_is_refused_with_its_place() -> None:
    obj = {
        "text": "Iraq and Syria",
        "entities": [
            {"id": 1, "start_offset": 0, "end_offset": 4, "label": "GPE"},
            {"id": 2, "start_offset": 9, "end_offset": 14, "label": "GPE"},
        ],
        "relations": [
            {"id": 1, "from_id": 2, "to_id": 1, "type": "Place"},
            {"id": 2, "from_id": 1, "to_id": 2, "type": "Place"},
        ],
    }
    with pytest.raises(EventCorpusError) as info:
        doccano_to_record(obj, annotator="x", file="in.jsonl", line=3)
    assert info.value.code == "E103" and info.value.line == 3 and info.value.file == "in.jsonl"


def test_utf16_offset_inside_a_surrogate_pair_is_an_error() -> None:
    obj = {
        "text": "😀 base",
        "entities": [{"id": 1, "start_offset": 1, "end_offset": 7, "label": "FAC"}],
        "relations": [],
    }
    with pytest.raises(EventCorpusError) as info:
        doccano_to_record(obj, annotator="x", offset_mode="utf16", file="f.jsonl", line=1)
    assert info.value.code == "E102" and info.value.offset == 1


def test_write_and_read_zip_one_file_per_annotator(tmp_path: Path) -> None:
    text = "Rockets struck the base"
    records = [
        _record(text, [Entity("T1", 0, 7, "WEA")], [], annotator="alice"),
        _record(text, [Entity("T1", 19, 23, "FAC")], [Event("E1", "Conflict:Attack", Trigger(8, 14))], "bob"),
    ]
    module = get_format("doccano")
    out = tmp_path / "export.zip"
    report = module.write(records, out, schema=SCHEMA, options={"offset_mode": "utf16"})
    assert report.documents == 2 and not report.dropped
    assert sorted(zipfile.ZipFile(out).namelist()) == ["alice.jsonl", "bob.jsonl"]
    back = list(module.read(out, schema=SCHEMA, options={"offset_mode": "utf16"}))
    assert sorted(r.to_dict()["annotator"] for r in back) == ["alice", "bob"]
    by_user = {r.annotations.annotator: r.to_dict() for r in back}
    assert by_user == {r.annotations.annotator: r.to_dict() for r in records}


def test_jsonl_file_round_trip_with_crlf_text(tmp_path: Path) -> None:
    text = "Rockets\r\nstruck\r\nthe base"
    record = _record(
        text,
        [Entity("T1", 0, 7, "WEA"), Entity("T2", 21, 25, "FAC")],
        [Event("E1", "Conflict:Attack", Trigger(9, 15), [Argument("Instrument", "T1")], {"polarity": "negative"})],
    )
    module = get_format("doccano")
    module.write([record], tmp_path / "out.jsonl", schema=SCHEMA, options={})
    (back,) = module.read(tmp_path / "out.jsonl", schema=SCHEMA, options={})
    assert back.to_dict() == record.to_dict()


def test_malformed_json_line_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "a", "entities": [], "relations": []}\n{"text": \n', encoding="utf-8")
    with pytest.raises(EventCorpusError) as info:
        list(get_format("doccano").read(path, schema=SCHEMA, options={}))
    assert info.value.code == "E005" and info.value.line == 2


def test_doccano_jsonl_not_utf8_raised_traceback(tmp_path: Path) -> None:
    """A doccano file that is not UTF-8 used to end in UnicodeDecodeError; now E014 naming it."""
    path = tmp_path / "export.jsonl"
    path.write_bytes(b"\xff\xfe{}")
    with pytest.raises(EventCorpusError) as info:
        list(get_format("doccano").read(path, schema=load_schema(), options={}))
    assert (info.value.code, info.value.file) == ("E014", str(path))


@pytest.mark.parametrize(
    "line",
    [
        {"text": "hello world", "entities": "x"},
        {"text": "hello world", "label": [["a", 5, "PER"]]},
        {"text": "hello world", "label": [[None, 5, "PER"]]},
    ],
)
def test_doccano_span_list_of_wrong_shape_was_ignored_or_raised_traceback(tmp_path: Path, line: dict) -> None:
    """`entities` that is not a list was silently read as no spans; a non-integer plain-label offset escaped."""
    path = tmp_path / "export.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    with pytest.raises(EventCorpusError) as info:
        list(get_format("doccano").read(path, schema=load_schema(), options={}))
    assert (info.value.code, info.value.line) == ("E100", 1)


def test_doccano_document_field_of_wrong_type_had_no_location(tmp_path: Path) -> None:
    """A doccano line whose title is not a string gave an E006 without file and line."""
    path = tmp_path / "export.jsonl"
    path.write_text(json.dumps({"text": "hello world", "title": 5}) + "\n", encoding="utf-8")
    with pytest.raises(EventCorpusError) as info:
        list(get_format("doccano").read(path, schema=load_schema(), options={}))
    assert (info.value.code, info.value.file, info.value.line) == ("E006", str(path), 1)
