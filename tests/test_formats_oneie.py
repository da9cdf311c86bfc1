"""OneIE / TextEE windows: exact round trip, reported losses, and files from elsewhere."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from eventcorpus.errors import EventCorpusError
from eventcorpus.formats import Dropped, get_format
from eventcorpus.records import AnnotationSet, Argument, Document, Entity, Event, Record, Trigger
from eventcorpus.schema import load_schema
from tests.formats_strategies import rich_records

oneie = get_format("oneie")
SCHEMA = load_schema()


def _round_trip(records: list[Record], tmp_path: Path, window: str) -> tuple[list[Record], list[Dropped]]:
    path = tmp_path / f"out-{window}.jsonl"
    report = oneie.write(records, path, schema=SCHEMA, options={"window": window})
    return list(oneie.read(path, schema=SCHEMA, options={})), report.dropped


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(record=rich_records())
def test_round_trip_keeps_everything_not_reported(record: Record, tmp_path: Path) -> None:
    for window in ("document", "sentence"):
        (back,), dropped = _round_trip([record], tmp_path, window)
        assert back.document == record.document
        assert back.annotations.annotator == record.annotations.annotator
        touched = {(d.kind, d.item_id) for d in dropped}
        kept = {e.id: e for e in back.annotations.entities}
        for entity in record.annotations.entities:
            if ("entity", entity.id) not in touched:
                assert kept[entity.id] == entity
        events = {e.id: e for e in back.annotations.events}
        for event in record.annotations.events:
            lost_arguments = {i for k, i in touched if k == "argument" and i.startswith(f"{event.id}/")}
            if ("event", event.id) not in touched and not lost_arguments:
                assert events[event.id] == event
        if window == "document":  # one window: nothing crosses, and only the rare word the
            # tokenizer glues to punctuation ("é́." stays one token) is snapped
            assert all("snapped" in d.reason for d in dropped)


def test_exact_round_trip_of_a_tricky_document(tmp_path: Path) -> None:
    text = "Rockets 🚀 hit Ayn al-Assad\r\nin Iraq 👩\u200d👩\u200d👧 today. A drone fell in العراق."
    entities = [
        Entity("T1", 0, 7, "WEA", {"mention_type": "NOM"}),
        Entity("T2", text.index("Ayn"), text.index("Ayn") + 12, "FAC"),
        Entity("T3", text.index("Iraq"), text.index("Iraq") + 4, "GPE"),
        Entity("T4", text.index("drone"), text.index("drone") + 5, "WEA"),
        Entity("T5", text.index("العراق"), text.index("العراق") + 6, "GPE"),
    ]
    hit = text.index("hit")
    events = [
        Event(
            "E1",
            "Conflict:Attack",
            Trigger(hit, hit + 3),
            [Argument("Instrument", "T1"), Argument("Target", "T2"), Argument("Place", "T3")],
            {"polarity": "positive"},
        )
    ]
    record = Record(Document("d1", text, title="t", licence="CC-BY-4.0"), AnnotationSet("d1", "bob", entities, events))
    (back,), dropped = _round_trip([record], tmp_path, "sentence")
    assert dropped == []
    assert back == record
    lines = [json.loads(x) for x in (tmp_path / "out-sentence.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [x["wnd_id"] for x in lines] == ["d1-0", "d1-1"]
    assert lines[0]["entity_mentions"][1] == {
        "id": "T2",
        "start": 3,
        "end": 7,
        "entity_type": "FAC",
        "mention_type": "UNK",
        "text": "Ayn al-Assad",
    }
    assert lines[0]["tokens"][3:7] == ["Ayn", "al", "-", "Assad"]
    assert lines[1]["entity_mentions"][0]["entity_type"] == "WEA"
    assert "document" in lines[0] and "document" not in lines[1]


def test_spans_crossing_windows_or_tokens_are_reported(tmp_path: Path) -> None:
    text = "Militants attacked Kobani. Two died."
    entities = [Entity("T1", 0, 9, "ORG"), Entity("T2", 19, 32, "GPE"), Entity("T3", 1, 9, "ORG")]
    events = [Event("E1", "Conflict:Attack", Trigger(10, 18), [Argument("Attacker", "T1"), Argument("Place", "T2")])]
    record = Record(Document("d", text), AnnotationSet("d", "a", entities, events))
    (back,), dropped = _round_trip([record], tmp_path, "sentence")
    reasons = {(d.kind, d.item_id): d.reason for d in dropped}
    assert reasons[("entity", "T2")] == "span crosses a window boundary"
    assert "snapped to tokens 0-9" in reasons[("entity", "T3")]
    assert "not written" in reasons[("argument", "E1/Place:T2")]
    assert [(e.id, e.start, e.end) for e in back.annotations.entities] == [("T1", 0, 9), ("T3", 0, 9)]
    assert back.annotations.events[0].arguments == [Argument("Attacker", "T1")]


def test_files_from_elsewhere_are_rebuilt_from_tokens(tmp_path: Path) -> None:
    lines = [
        {
            "doc_id": "CNN_1",
            "wnd_id": "CNN_1-0",
            "tokens": ["Troops", "arrived", "."],
            "entity_mentions": [{"id": "CNN_1-E0", "start": 0, "end": 1, "entity_type": "PER", "mention_type": "NOM"}],
            "relation_mentions": [],
            "event_mentions": [
                {
                    "id": "CNN_1-EV0",
                    "event_type": "Movement:Transport",
                    "trigger": {"start": 1, "end": 2, "text": "arrived"},
                    "arguments": [{"entity_id": "CNN_1-E0", "role": "Artifact", "text": "Troops"}],
                }
            ],
        },
        {"doc_id": "CNN_1", "wnd_id": "CNN_1-1", "tokens": ["Calm", "."], "entity_mentions": [], "event_mentions": []},
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    (record,) = oneie.read(path, schema=SCHEMA, options={"inventory": "m2e2", "annotator": "textee"})
    assert record.document.text == "Troops arrived . Calm ."
    assert record.document.meta["windows"] == [
        {"wnd_id": "CNN_1-0", "start": 0, "end": 16},
        {"wnd_id": "CNN_1-1", "start": 17, "end": 23},
    ]
    assert record.annotations.entities == [Entity("CNN_1-E0", 0, 6, "PER", {"mention_type": "NOM"})]
    assert record.annotations.events[0].trigger == Trigger(7, 14)
    assert record.annotations.annotator == "textee"


def test_bad_windows_are_coded(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    window = {"doc_id": "a", "wnd_id": "a-0", "tokens": ["x"], "entity_mentions": [{"id": "e", "start": 0, "end": 3}]}
    path.write_text(json.dumps(window) + "\n", encoding="utf-8")
    with pytest.raises(EventCorpusError) as caught:
        list(oneie.read(path, schema=SCHEMA, options={}))
    assert caught.value.code == "E151" and caught.value.line == 1
    other = {"doc_id": "b", "wnd_id": "b-0", "tokens": ["y"]}
    first = {"doc_id": "a", "wnd_id": "a-0", "tokens": ["x"]}
    path.write_text("".join(json.dumps(x) + "\n" for x in (first, other, first)), encoding="utf-8")
    with pytest.raises(EventCorpusError) as caught:
        list(oneie.read(path, schema=SCHEMA, options={}))
    assert caught.value.code == "E154" and caught.value.line == 3
    path.write_text(json.dumps({"doc_id": "a", "tokens": ["two words"]}) + "\n", encoding="utf-8")
    with pytest.raises(EventCorpusError) as caught:
        list(oneie.read(path, schema=SCHEMA, options={}))
    assert caught.value.code == "E153"
