"""Argument fillers that are not entity mentions (label ARG): valid for any role, never an entity."""

from __future__ import annotations

from eventcorpus.extract.components import TokenEntityTagger
from eventcorpus.extract.data import Mention, Parsed
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
from eventcorpus.schema import load_schema
from eventcorpus.scoring import entity_tuples, score
from eventcorpus.stats import corpus_stats
from eventcorpus.validate import validate

SCHEMA = load_schema()
TEXT = "Gunmen shot a driver near the old market on Friday."


def _record(annotator: str = "gold") -> Record:
    doc = Document(document_id(TEXT), TEXT)
    entities = [
        Entity("T1", 0, 6, "PER"),
        Entity("T2", 12, 20, "PER"),
        Entity("T3", 26, 40, ARGUMENT_SPAN_LABEL),  # "the old market": a free span filling Place
        Entity("T4", 44, 50, ARGUMENT_SPAN_LABEL),  # "Friday" filling Time
        Entity("T5", 30, 40, ARGUMENT_SPAN_LABEL),  # crosses nothing but nests in T3: not a V015-V017 matter
    ]
    event = Event(
        "E1",
        "Conflict:Attack",
        Trigger(7, 11),
        [Argument("Attacker", "T1"), Argument("Target", "T2"), Argument("Place", "T3"), Argument("Time", "T4")],
    )
    return Record(doc, AnnotationSet(doc.id, annotator, entities, [event]))


def test_validate_accepts_arg_for_any_role() -> None:
    record = _record()
    record.annotations.events[0].arguments.append(Argument("Instrument", "T5"))
    report = validate([record.to_dict()], schema=SCHEMA)
    assert report.ok and report.warnings == 0, report.lines()
    for code in ("V008", "V012", "V015", "V016", "V017"):
        assert report.count(code) == 0


def test_arg_spans_are_not_scored_or_counted_as_entities() -> None:
    gold = _record()
    assert {t[3] for t in entity_tuples(gold.annotations)} == {"PER"}
    pred = _record("model")
    pred.annotations.entities = [e for e in pred.annotations.entities if e.label != ARGUMENT_SPAN_LABEL] + [
        Entity("T3", 26, 40, ARGUMENT_SPAN_LABEL),
        Entity("T4", 44, 50, ARGUMENT_SPAN_LABEL),
    ]
    scores = score([gold], [pred], n_bootstrap=0)
    assert scores.metrics["entities"].n_gold == 2 and scores.metrics["entities"].f1 == 1.0
    assert scores.metrics["AC"].n_gold == 4  # the arguments that point at ARG spans still count
    stats = corpus_stats([gold], schema=SCHEMA)
    assert ARGUMENT_SPAN_LABEL not in stats.total(stats.entities)


def test_arg_spans_are_never_ner_targets() -> None:
    words = TEXT.replace(".", " .").split()
    parsed = Parsed("d", TEXT, words, [0] * len(words), [0] * len(words), [0] * len(words))
    parsed.entities = [Mention(0, 1, "PER"), Mention(5, 8, ARGUMENT_SPAN_LABEL)]
    tags = TokenEntityTagger._tags(parsed)
    assert tags[0] == "B-PER" and all(t == "O" for t in tags[1:])
