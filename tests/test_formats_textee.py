"""TextEE's unified format: its published layout reads in, our export is what TextEE's loaders read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from eventcorpus.errors import EventCorpusError
from eventcorpus.formats import Dropped, get_format
from eventcorpus.records import (
    ARGUMENT_SPAN_LABEL,
    AnnotationSet,
    Argument,
    Document,
    Entity,
    Event,
    Record,
    Trigger,
    document_id,
)
from eventcorpus.schema import Schema, default_schema_path, load_schema, parse_schema
from tests.textee_loader import load_e2e, load_eae, load_earl, load_ed

TEXTEE = get_format("textee")
SCHEMA = load_schema()
FIXTURE = Path(__file__).parent / "data" / "formats" / "textee" / "e2e.jsonl"


def _lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def test_fixture_in_textee_layout_reads_with_its_own_text_and_every_span() -> None:
    records = list(TEXTEE.read(FIXTURE, schema=SCHEMA, options={}))
    assert [r.id for r in records] == ["NYT_ENG_0001", "AFP_ENG_0007"]
    source = _lines(FIXTURE)
    assert records[0].document.text == f"{source[0]['text']} {source[1]['text']}"
    assert records[1].document.text == source[2]["text"]
    counts = [(len(r.annotations.entities), len(r.annotations.events)) for r in records]
    assert counts == [(5, 3), (3, 1)]
    assert sum(len(e.arguments) for r in records for e in r.annotations.events) == 8
    texts = {e.id: r.document.text[e.start : e.end] for r in records for e in r.annotations.entities}
    for line in source:
        for mention in line["entity_mentions"]:
            assert texts[mention["id"]] == mention["text"]
        for mention in line["event_mentions"]:
            (record,) = [r for r in records if r.id == line["doc_id"]]
            (event,) = [e for e in record.annotations.events if e.id == mention["id"]]
            assert record.document.text[event.trigger.start : event.trigger.end] == mention["trigger"]["text"]
            assert event.type == mention["event_type"]  # outside the schema too: kept as it is
            assert [(a.role, a.entity_id) for a in event.arguments] == [
                (a["role"], a["entity_id"]) for a in mention["arguments"]
            ]


def test_our_export_is_what_textees_loaders_read_and_reads_back_exactly(tmp_path: Path) -> None:
    records = list(TEXTEE.read(FIXTURE, schema=SCHEMA, options={"annotator": "textee"}))
    out = tmp_path / "train.jsonl"
    report = TEXTEE.write(records, out, schema=SCHEMA, options={})
    assert report.dropped == []
    assert [i["events"] for i in load_e2e(out)] == [i["events"] for i in load_e2e(FIXTURE)]
    assert [i["triggers"] for i in load_ed(out)] == [i["triggers"] for i in load_ed(FIXTURE)]
    assert [(i["trigger"], i["arguments"]) for i in load_eae(out)] == [
        (i["trigger"], i["arguments"]) for i in load_eae(FIXTURE)
    ]
    assert len(load_earl(out)) == 4
    assert [w["text"] for w in _lines(out)] == [w["text"] for w in _lines(FIXTURE)]
    assert [w["tokens"] for w in _lines(out)] == [w["tokens"] for w in _lines(FIXTURE)]
    back = list(TEXTEE.read(out, schema=SCHEMA, options={}))
    assert [r.to_dict() for r in back] == [r.to_dict() for r in records]


@pytest.mark.parametrize(
    ("where", "key"),
    [("line", "text"), ("line", "wnd_id"), ("entity", "start"), ("trigger", "text"), ("argument", "entity_id")],
)
def test_a_missing_key_fails_textees_loader_and_is_coded_here(tmp_path: Path, where: str, key: str) -> None:
    line = _lines(FIXTURE)[0]
    target = {
        "line": line,
        "entity": line["entity_mentions"][0],
        "trigger": line["event_mentions"][0]["trigger"],
        "argument": line["event_mentions"][0]["arguments"][0],
    }[where]
    del target[key]
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    with pytest.raises(KeyError):
        load_e2e(path)
    with pytest.raises(EventCorpusError) as caught:
        list(TEXTEE.read(path, schema=SCHEMA, options={}))
    assert caught.value.code == "E112" and caught.value.line == 1 and repr(key) in caught.value.detail


def _schema_with_genericity() -> Schema:
    raw = yaml.safe_load(default_schema_path().read_text(encoding="utf-8"))
    raw["attributes"]["genericity"] = {"description": "", "values": ["specific", "generic"], "default": "specific"}
    return parse_schema(raw)


def test_event_attributes_the_schema_declares_are_mention_keys(tmp_path: Path) -> None:
    schema = _schema_with_genericity()
    text = "Troops may withdraw."
    doc = Document(document_id(text), text)
    event = Event("E1", "Movement:Transport", Trigger(11, 19), [Argument("Artifact", "T1")])
    event.attributes = {"modality": "other", "polarity": "positive", "genericity": "generic", "tense": "future"}
    record = Record(doc, AnnotationSet(doc.id, "a", [Entity("T1", 0, 6, "PER")], [event]))
    path = tmp_path / "attrs.jsonl"
    TEXTEE.write([record], path, schema=schema, options={})
    (mention,) = _lines(path)[0]["event_mentions"]
    assert (mention["modality"], mention["polarity"], mention["genericity"]) == ("other", "positive", "generic")
    assert mention["attributes"] == {"tense": "future"}  # not in the schema: kept under attributes
    (back,) = TEXTEE.read(path, schema=schema, options={})
    assert back.annotations.events[0].attributes == event.attributes


def test_argument_only_files_hold_the_fillers_and_report_the_rest(tmp_path: Path) -> None:
    text = "Gunmen shot a driver near the market."
    doc = Document(document_id(text), text)
    entities = [Entity("T1", 0, 6, "PER"), Entity("T2", 14, 20, "PER"), Entity("T3", 26, 36, ARGUMENT_SPAN_LABEL)]
    event = Event("E1", "Conflict:Attack", Trigger(7, 11), [Argument("Attacker", "T1"), Argument("Place", "T3")])
    record = Record(doc, AnnotationSet(doc.id, "a", entities, [event]))
    path = tmp_path / "eae.jsonl"
    report = TEXTEE.write([record], path, schema=SCHEMA, options={"textee_task": "eae"})
    assert [(d.kind, d.item_id) for d in report.dropped] == [("entity", "T2")]
    (line,) = _lines(path)
    assert [(m["id"], m["entity_type"]) for m in line["entity_mentions"]] == [("T1", "PER"), ("T3", "ARG")]
    assert load_eae(path)[0]["arguments"] == [(0, 1, "Attacker", "Gunmen"), (5, 7, "Place", "the market")]


def test_a_mention_without_entity_type_is_an_argument_span(tmp_path: Path) -> None:
    line = _lines(FIXTURE)[2]
    for mention in line["entity_mentions"]:
        del mention["entity_type"]
    path = tmp_path / "rams_like.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    dropped: list[Dropped] = []
    (record,) = TEXTEE.read(path, schema=SCHEMA, options={"dropped": dropped})
    assert {e.label for e in record.annotations.entities} == {ARGUMENT_SPAN_LABEL}
    assert len(record.annotations.events[0].arguments) == 3 and not dropped


def test_a_list_field_that_is_not_a_list_is_e112_not_a_traceback(tmp_path: Path) -> None:
    """entity_mentions: 5 once ended in TypeError: 'int' object is not iterable."""
    line = {"doc_id": "d", "wnd_id": "d_0", "text": "x", "tokens": ["x"], "entity_mentions": 5, "event_mentions": []}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    with pytest.raises(EventCorpusError) as caught:
        list(get_format("textee").read(path, schema=load_schema(), options={}))
    assert caught.value.code == "E112" and "entity_mentions is 5" in caught.value.render()
