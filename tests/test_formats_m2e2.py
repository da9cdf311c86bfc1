"""M2E2 reader and writer: the real file's counts, an exact round trip, and small inline cases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eventcorpus.errors import EventCorpusError
from eventcorpus.formats import ConversionReport, get_format
from eventcorpus.records import AnnotationSet, Argument, Document, Entity, Event, Record, Trigger
from eventcorpus.schema import load_schema

m2e2 = get_format("m2e2")
SCHEMA = load_schema()
MODEL_FIELDS = ("sentence_id", "words", "golden-entity-mentions", "golden-event-mentions")


def _sentence(sid: str, words: list[str], entities: list[dict], events: list[dict]) -> dict:
    return {
        "sentence_id": sid,
        "sentence": " ".join(words),
        "words": words,
        "pos-tags": ["X"] * len(words),
        "golden-entity-mentions": entities,
        "golden-event-mentions": events,
    }


def _write(tmp_path: Path, items: list[dict]) -> Path:
    path = tmp_path / "m2e2.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    return path


SMALL = [
    _sentence(
        "ART_0",
        ["Rebels", "attacked", "Obama", "'s", "convoy", "."],
        [
            {"entity-type": "ORG", "text": "Rebels", "start": 0, "end": 1},
            {"entity-type": "VEH", "text": "Obama's convoy", "start": 2, "end": 5},
        ],
        [
            {
                "trigger": {"start": 1, "end": 2, "text": "attacked"},
                "event_type": "Conflict:Attack",
                "arguments": [
                    {"role": "Attacker", "start": 0, "end": 1, "text": "Rebels"},
                    {"role": "Target", "start": 2, "end": 5, "text": "Obama's convoy"},
                ],
            }
        ],
    ),
    _sentence(
        "ART_1",
        ["Two", "died", "."],
        [],
        [
            {
                "trigger": {"start": 1, "end": 2, "text": "died"},
                "event_type": "Life:Die",
                "arguments": [{"role": "Victim", "start": 0, "end": 1, "text": "Two"}],
            }
        ],
    ),
    _sentence("OTHER_0", ["Calm", "."], [], []),
]


def test_real_file_counts_and_exact_round_trip(shared_datasets: Path, tmp_path: Path) -> None:
    path = shared_datasets / "m2e2" / "text_only_event.json"
    report = ConversionReport()
    articles = list(m2e2.read(path, schema=SCHEMA, options={"report": report}))
    assert len(articles) == 224
    assert sum(len(a.document.meta["sentences"]) for a in articles) == 6013
    assert sum(len(a.annotations.events) for a in articles) == 1105
    assert sum(len(e.arguments) for a in articles for e in a.annotations.events) == 1659
    assert report.dropped == []  # every label maps, every argument has its entity mention
    for record in articles:  # the strict checker accepts every record
        record.annotations.check(record.document.text)
    sentences = list(m2e2.read(path, schema=SCHEMA, options={"unit": "sentence"}))
    assert len(sentences) == 6013
    assert len({s.id for s in sentences}) == 6013
    assert sum(len(s.annotations.events) for s in sentences) == 1105
    out = tmp_path / "back.json"
    written = m2e2.write(articles, out, schema=SCHEMA, options={})
    assert written.dropped == []
    original = json.loads(path.read_text(encoding="utf-8"))
    back = json.loads(out.read_text(encoding="utf-8"))
    assert [{k: s[k] for k in MODEL_FIELDS} for s in back] == [{k: s[k] for k in MODEL_FIELDS} for s in original]


def test_articles_join_sentences_and_keep_their_ids(tmp_path: Path) -> None:
    records = list(m2e2.read(_write(tmp_path, SMALL), schema=SCHEMA, options={}))
    assert [r.id for r in records] == ["ART", "OTHER"]
    article = records[0]
    assert article.document.text == "Rebels attacked Obama 's convoy . Two died ."
    assert article.document.meta["sentences"] == [
        {"id": "ART_0", "start": 0, "end": 33},
        {"id": "ART_1", "start": 34, "end": 44},
    ]
    text = article.document.text
    spans = {e.id: (text[e.start : e.end], e.label, e.meta) for e in article.annotations.entities}
    assert spans["T1"] == ("Rebels", "ORG", {})
    assert spans["T2"] == ("Obama 's convoy", "VEH", {"m2e2_text": "Obama's convoy"})
    attack, die = article.annotations.events
    assert text[attack.trigger.start : attack.trigger.end] == "attacked"
    assert [(a.role, a.entity_id) for a in attack.arguments] == [("Attacker", "T1"), ("Target", "T2")]
    assert text[die.trigger.start : die.trigger.end] == "died"


def test_argument_without_entity_mention_creates_a_reported_entity(tmp_path: Path) -> None:
    report = ConversionReport()
    records = list(m2e2.read(_write(tmp_path, SMALL), schema=SCHEMA, options={"report": report}))
    created = [e for e in records[0].annotations.entities if e.meta.get("created_for_argument")]
    assert len(created) == 1 and created[0].label == "PER"  # Life:Die Victim allows PER only
    assert [d.kind for d in report.dropped] == ["entity"] and "created for argument Victim" in report.dropped[0].reason
    assert records[0].annotations.meta == {"created_entities": 1}


def test_sentence_unit_and_round_trip_of_small_file(tmp_path: Path) -> None:
    path = _write(tmp_path, SMALL)
    records = list(m2e2.read(path, schema=SCHEMA, options={"unit": "sentence"}))
    assert [r.id for r in records] == ["ART_0", "ART_1", "OTHER_0"]
    assert records[1].document.meta == {"sentence_id": "ART_1", "article_id": "ART"}
    assert records[1].document.text == "Two died ."
    out = tmp_path / "out.json"
    m2e2.write(records, out, schema=SCHEMA, options={})
    back = json.loads(out.read_text(encoding="utf-8"))
    assert [{k: s[k] for k in MODEL_FIELDS} for s in back] == [{k: s[k] for k in MODEL_FIELDS} for s in SMALL]
    assert "pos-tags" not in back[0]  # documented loss


def test_writer_retokenises_other_documents_and_reports_what_it_cannot_hold(tmp_path: Path) -> None:
    text = "Militants shelled Kobani on Monday. Nobody was hurt."
    entities = [
        Entity("a", 0, 9, "ORG"),
        Entity("b", 18, 24, "GPE"),
        Entity("t", 28, 34, "TIME"),  # no M2E2 label
        Entity("x", 19, 24, "GPE"),  # inside a token: snapped
        Entity("c", 25, 43, "LOC"),  # crosses the sentence end
    ]
    events = [
        Event(
            "e1",
            "Conflict:Attack",
            Trigger(10, 17),
            [Argument("Attacker", "a"), Argument("Place", "b"), Argument("Time", "t")],
            attributes={"polarity": "positive"},
        ),
        Event("e2", "Conflict:Threaten", Trigger(36, 42)),  # no M2E2 event type
    ]
    record = Record(Document("doc", text), AnnotationSet("doc", "ann", entities, events))
    out = tmp_path / "out.json"
    report = m2e2.write([record], out, schema=SCHEMA, options={})
    items = json.loads(out.read_text(encoding="utf-8"))
    assert [i["sentence_id"] for i in items] == ["doc_0", "doc_1"]
    assert items[0]["words"] == ["Militants", "shelled", "Kobani", "on", "Monday", "."]
    assert items[0]["golden-entity-mentions"] == [
        {"entity-type": "ORG", "text": "Militants", "start": 0, "end": 1},
        {"entity-type": "GPE", "text": "Kobani", "start": 2, "end": 3},
        {"entity-type": "GPE", "text": "Kobani", "start": 2, "end": 3},
    ]
    (attack,) = items[0]["golden-event-mentions"]
    assert [a["role"] for a in attack["arguments"]] == ["Attacker", "Place"]
    reasons = {(d.kind, d.item_id): d.reason for d in report.dropped}
    assert "no M2E2 label" in reasons[("entity", "t")]
    assert "snapped" in reasons[("entity", "x")]
    assert "crosses a sentence" in reasons[("entity", "c")]
    assert "no M2E2 label" in reasons[("event", "e2")]
    assert "Time has no M2E2 label" in reasons[("argument", "e1/Time:t")]
    assert ("attribute", "e1") in reasons


def test_bad_input_names_the_place(tmp_path: Path) -> None:
    bad_span = [_sentence("A_0", ["x"], [{"entity-type": "PER", "text": "x", "start": 0, "end": 2}], [])]
    with pytest.raises(EventCorpusError) as caught:
        list(m2e2.read(_write(tmp_path, bad_span), schema=SCHEMA, options={}))
    assert caught.value.code == "E151" and caught.value.doc_id == "A"
    unmapped = [_sentence("A_0", ["x"], [{"entity-type": "XYZ", "text": "x", "start": 0, "end": 1}], [])]
    with pytest.raises(EventCorpusError) as caught:
        list(m2e2.read(_write(tmp_path, unmapped), schema=SCHEMA, options={}))
    assert caught.value.code == "E003"
    split = [_sentence("A_0", ["x"], [], []), _sentence("B_0", ["y"], [], []), _sentence("A_1", ["z"], [], [])]
    with pytest.raises(EventCorpusError) as caught:
        list(m2e2.read(_write(tmp_path, split), schema=SCHEMA, options={}))
    assert caught.value.code == "E152"
    (tmp_path / "obj.json").write_text("{}", encoding="utf-8")
    with pytest.raises(EventCorpusError) as caught:
        list(m2e2.read(tmp_path / "obj.json", schema=SCHEMA, options={}))
    assert caught.value.code == "E150"
