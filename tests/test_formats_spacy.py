"""spaCy DocBin: read back by spaCy itself; the lean writer matches what DocBin.add writes."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from spacy.tokens import DocBin

from eventcorpus.formats import get_format
from eventcorpus.formats.spacy import ENTITIES_GROUP, TRIGGERS_GROUP, record_to_doc
from eventcorpus.records import AnnotationSet, Argument, Document, Entity, Event, Record, Trigger, document_id
from eventcorpus.schema import load_schema
from eventcorpus.tokens import blank_pipeline
from tests.formats_strategies import rich_records

SCHEMA = load_schema()
SPACY = get_format("spacy")


def _record(text: str, entities: list[Entity], events: list[Event]) -> Record:
    doc = Document(id=document_id(text), text=text, title="t")
    return Record(doc, AnnotationSet(doc.id, "alice", entities, events))


def _spacy_view(doc) -> tuple:  # type: ignore[no-untyped-def]
    return (
        doc.text,
        [(t.text, t.norm_, t.whitespace_) for t in doc],
        [(e.start_char, e.end_char, e.label_) for e in doc.ents],
        [(s.start_char, s.end_char, s.label_) for s in doc.spans[ENTITIES_GROUP]],
        [(s.start_char, s.end_char, s.label_) for s in doc.spans[TRIGGERS_GROUP]],
        doc.user_data["eventcorpus"],
    )


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(rich_records())
def test_round_trip_is_identity_and_matches_spacys_own_docbin(tmp_path: Path, record: Record) -> None:
    out = tmp_path / "one.spacy"
    report = SPACY.write([record], out, schema=SCHEMA, options={})
    (back,) = SPACY.read(out, schema=SCHEMA, options={})
    assert back.to_dict() == record.to_dict()
    # The file, read by spaCy, holds the same Doc that spaCy's own API builds and serialises.
    vocab = blank_pipeline().vocab
    (ours,) = DocBin().from_disk(out).get_docs(vocab)
    reference = DocBin(store_user_data=True, docs=[record_to_doc(record)])
    (theirs,) = DocBin().from_bytes(reference.to_bytes()).get_docs(vocab)
    assert _spacy_view(ours) == _spacy_view(theirs)
    dropped = {(d.kind, d.item_id) for d in report.dropped}
    aligned_entities = {(s.start_char, s.end_char, s.label_) for s in ours.spans[ENTITIES_GROUP]}
    for entity in record.annotations.entities:
        assert ((entity.start, entity.end, entity.label) in aligned_entities) != (("entity", entity.id) in dropped)


def test_overlapping_entities_all_kept_and_ents_non_overlapping(tmp_path: Path) -> None:
    text = "Kataib Hezbollah militia fired rockets at Ayn al-Assad air base"
    record = _record(
        text,
        [
            Entity("T1", 0, 16, "ORG"),
            Entity("T2", 0, 24, "ORG"),
            Entity("T3", 42, 54, "FAC"),
            Entity("T4", 42, 63, "FAC"),
            Entity("T5", 31, 38, "WEA"),
        ],
        [Event("E1", "Conflict:Attack", Trigger(25, 30), [Argument("Attacker", "T2"), Argument("Target", "T4")])],
    )
    SPACY.write([record], tmp_path / "x.spacy", schema=SCHEMA, options={})
    (doc,) = DocBin().from_disk(tmp_path / "x.spacy").get_docs(blank_pipeline().vocab)
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("Kataib Hezbollah militia", "ORG"),
        ("rockets", "WEA"),
        ("Ayn al-Assad air base", "FAC"),
    ]
    assert len(doc.spans[ENTITIES_GROUP]) == 5
    assert [(s.text, s.label_) for s in doc.spans[TRIGGERS_GROUP]] == [("fired", "Conflict:Attack")]
    event = doc.user_data["eventcorpus"]["events"][0]
    assert list(event["arguments"]) == [{"role": "Attacker", "entity_id": "T2"}, {"role": "Target", "entity_id": "T4"}]


def test_span_inside_a_token_is_reported_and_kept_in_user_data(tmp_path: Path) -> None:
    text = "al-Assad base"
    record = _record(text, [Entity("T1", 4, 8, "FAC"), Entity("T2", 0, 13, "FAC")], [])
    report = SPACY.write([record], tmp_path / "x.spacy", schema=SCHEMA, options={})
    assert [(d.kind, d.item_id, d.offset) for d in report.dropped] == [("entity", "T1", 4)]
    (back,) = SPACY.read(tmp_path / "x.spacy", schema=SCHEMA, options={})
    assert back.to_dict() == record.to_dict()


def test_folder_of_shards_is_read_in_order(tmp_path: Path) -> None:
    records = [_record(f"Rockets struck base number {i}", [Entity("T1", 0, 7, "WEA")], []) for i in range(5)]
    SPACY.write(records, tmp_path / "corpus", schema=SCHEMA, options={"shard_size": 2})
    assert sorted(p.name for p in (tmp_path / "corpus").iterdir()) == [
        "part-00000.spacy",
        "part-00001.spacy",
        "part-00002.spacy",
    ]
    back = list(SPACY.read(tmp_path / "corpus", schema=SCHEMA, options={}))
    assert [r.to_dict() for r in back] == [r.to_dict() for r in records]


def test_docbin_made_elsewhere_is_read_from_ents_and_triggers(tmp_path: Path) -> None:
    nlp = blank_pipeline()
    doc = nlp.make_doc("Drones hit Erbil")
    doc.ents = [doc.char_span(0, 6, label="WEA"), doc.char_span(11, 16, label="GPE")]
    doc.spans["triggers"] = [doc.char_span(7, 10, label="Conflict:Attack")]
    DocBin(docs=[doc]).to_disk(tmp_path / "other.spacy")
    (record,) = SPACY.read(tmp_path / "other.spacy", schema=SCHEMA, options={"annotator": "model"})
    assert [(e.start, e.end, e.label) for e in record.annotations.entities] == [(0, 6, "WEA"), (11, 16, "GPE")]
    assert [(e.type, e.trigger.start) for e in record.annotations.events] == [("Conflict:Attack", 7)]
    assert record.annotations.annotator == "model"


def test_token_norms_from_tokenizer_exceptions_survive(tmp_path: Path) -> None:
    record = _record("They don't go, y'all.", [Entity("T1", 0, 4, "PER")], [])
    SPACY.write([record], tmp_path / "x.spacy", schema=SCHEMA, options={})
    (doc,) = DocBin().from_disk(tmp_path / "x.spacy").get_docs(blank_pipeline().vocab)
    assert [t.norm_ for t in doc] == [t.norm_ for t in blank_pipeline().tokenizer(record.document.text)]
    assert "not" in [t.norm_ for t in doc]


def test_from_spans_reads_what_a_pipeline_set_and_keeps_the_document(tmp_path: Path) -> None:
    record = _record("Drones hit Erbil today", [Entity("T1", 0, 6, "WEA")], [])
    SPACY.write([record], tmp_path / "x.spacy", schema=SCHEMA, options={})
    vocab = blank_pipeline().vocab
    (doc,) = DocBin().from_disk(tmp_path / "x.spacy").get_docs(vocab)
    doc.ents = [doc.char_span(11, 16, label="GPE")]  # as a trained ner would
    doc.spans[TRIGGERS_GROUP] = [doc.char_span(7, 10, label="Conflict:Attack")]
    DocBin(store_user_data=True, docs=[doc]).to_disk(tmp_path / "pred.spacy")
    (exact,) = SPACY.read(tmp_path / "pred.spacy", schema=SCHEMA, options={})
    assert exact.to_dict() == record.to_dict()
    (predicted,) = SPACY.read(tmp_path / "pred.spacy", schema=SCHEMA, options={"from_spans": True})
    assert predicted.document == record.document and predicted.annotations.annotator == "alice"
    assert [(e.start, e.end, e.label) for e in predicted.annotations.entities] == [(11, 16, "GPE")]
    assert [(e.type, e.trigger.start) for e in predicted.annotations.events] == [("Conflict:Attack", 7)]
