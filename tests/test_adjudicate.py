"""Adjudication: a three-annotator round worked out by hand, the other strategies, files and CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eventcorpus.adjudicate import adjudicate, adjudicate_document, parse_strategy
from eventcorpus.agreement import read_annotator_sets
from eventcorpus.cli import app
from eventcorpus.corpus import read_records
from eventcorpus.errors import EventCorpusError
from eventcorpus.records import document_id
from tests.quality_records import make_record

FIXTURE = Path(__file__).parent / "data" / "quality" / "three_annotators"
ROCKETS = "Rockets struck Ayn al-Assad on Wednesday."
MILITIA = "Militia fired drones at Erbil."
PROTEST = "Protesters gathered in Basra."
ATTACK = "Conflict:Attack"


def summary_of(record) -> tuple[list[tuple], list[tuple]]:
    """(start, end, label, supporters) per entity; (trigger, type, [(role, filler span)], supporters) per event."""
    a = record.annotations
    spans = {e.id: (e.start, e.end) for e in a.entities}
    entities = [(e.start, e.end, e.label, tuple(e.meta["supported_by"])) for e in a.entities]
    events = [
        (
            (ev.trigger.start, ev.trigger.end),
            ev.type,
            [(x.role, spans[x.entity_id]) for x in ev.arguments],
            tuple(ev.meta["supported_by"]),
        )
        for ev in a.events
    ]
    return entities, events


@pytest.fixture(scope="module")
def majority():
    return adjudicate(read_annotator_sets(FIXTURE), "majority")


def test_majority_gold_by_hand(majority) -> None:
    gold = {r.id: r for r in majority.gold}
    assert all(r.annotations.annotator == "gold" for r in majority.gold)
    # rockets (3 annotators): everyone agrees on Rockets/WEA, Wednesday/TIME and the Attack on "struck";
    # "Ayn al-Assad" got three different versions (FAC, GPE, carol's shorter FAC): no majority.
    # Instrument 3/3 and Time 2/3 pass; the Target/Place versions do not.
    assert summary_of(gold[document_id(ROCKETS)]) == (
        [(0, 7, "WEA", ("alice", "bob", "carol")), (31, 40, "TIME", ("alice", "bob", "carol"))],
        [((8, 14), ATTACK, [("Instrument", (0, 7)), ("Time", (31, 40))], ("alice", "bob", "carol"))],
    )
    assert gold[document_id(ROCKETS)].annotations.events[0].meta["arguments_supported_by"] == [
        ["alice", "bob", "carol"],
        ["alice", "bob"],
    ]
    # militia (2 annotators): "drones" is WEA for alice and VEH for bob: a tie, so no entity, and the
    # Instrument argument both gave it loses its filler (an orphan, listed, not dropped silently).
    assert summary_of(gold[document_id(MILITIA)]) == (
        [(0, 7, "ORG", ("alice", "bob")), (24, 29, "GPE", ("alice", "bob"))],
        [((8, 13), ATTACK, [("Attacker", (0, 7)), ("Target", (24, 29))], ("alice", "bob"))],
    )
    # protest: carol alone, passes through
    protest = gold[document_id(PROTEST)]
    assert protest.annotations.meta["single_annotator"] is True
    assert summary_of(protest) == (
        [(0, 10, "PER", ("carol",)), (23, 28, "GPE", ("carol",))],
        [((11, 19), "Conflict:Demonstrate", [("Entity", (0, 10)), ("Place", (23, 28))], ("carol",))],
    )
    assert "single_annotator" not in gold[document_id(ROCKETS)].annotations.meta
    assert [e.id for e in gold[document_id(PROTEST)].annotations.entities] == ["T1", "T2"]


def test_majority_conflicts_by_hand(majority) -> None:
    found = sorted((c["kind"], c["layer"], c["text"], c["doc_id"]) for c in majority.conflicts)
    assert found == sorted(
        [
            ("no_majority", "entity", "Ayn al-Assad", document_id(ROCKETS)),
            ("no_majority", "argument", "Ayn al-Assad", document_id(ROCKETS)),
            ("tie", "entity", "drones", document_id(MILITIA)),
            ("orphan_argument", "argument", "drones", document_id(MILITIA)),
        ]
    )
    ayn = next(c for c in majority.conflicts if c["layer"] == "entity" and c["text"] == "Ayn al-Assad")
    assert [(v["label"], v["text"], v["supported_by"]) for v in ayn["versions"]] == [
        ("FAC", "Ayn al-Assad", ["alice"]),
        ("GPE", "Ayn al-Assad", ["bob"]),
        ("FAC", "al-Assad", ["carol"]),
    ]
    assert ayn["context"] == "Rockets struck [[Ayn al-Assad]] on Wednesday." and ayn["silent"] == []
    orphan = next(c for c in majority.conflicts if c["kind"] == "orphan_argument")
    assert orphan["event"]["trigger_text"] == "fired"
    assert orphan["versions"][0] == {
        "start": 14,
        "end": 20,
        "text": "drones",
        "role": "Instrument",
        "supported_by": ["alice", "bob"],
        "in_gold": False,
    }
    assert majority.summary()["conflicts"] == {"no_majority": 2, "orphan_argument": 1, "tie": 1}


def test_review_records_hold_every_candidate(majority) -> None:
    assert sorted(r.id for r in majority.review) == sorted([document_id(ROCKETS), document_id(MILITIA)])
    rockets = next(r for r in majority.review if r.id == document_id(ROCKETS))
    assert rockets.annotations.annotator == "review-candidates"
    assert [(e.start, e.end, e.label) for e in rockets.annotations.entities] == [
        (0, 7, "WEA"),
        (15, 27, "FAC"),
        (15, 27, "GPE"),
        (19, 27, "FAC"),
        (31, 40, "TIME"),
    ]
    spans = {e.id: (e.start, e.end, e.label) for e in rockets.annotations.entities}
    roles = sorted((a.role, spans[a.entity_id]) for a in rockets.annotations.events[0].arguments)
    assert roles == [
        ("Instrument", (0, 7, "WEA")),
        ("Place", (15, 27, "GPE")),
        ("Target", (15, 27, "FAC")),
        ("Target", (19, 27, "FAC")),
        ("Time", (31, 40, "TIME")),
    ]
    rockets.annotations.check(rockets.document.text)


def test_union_keeps_everything() -> None:
    union = adjudicate(read_annotator_sets(FIXTURE), "union")
    gold = {r.id: r for r in union.gold}
    entities, events = summary_of(gold[document_id(ROCKETS)])
    assert [(s, e, label) for s, e, label, _ in entities] == [
        (0, 7, "WEA"),
        (15, 27, "FAC"),
        (15, 27, "GPE"),
        (19, 27, "FAC"),
        (31, 40, "TIME"),
    ]
    assert len(events) == 1 and len(events[0][2]) == 5
    militia = gold[document_id(MILITIA)].annotations
    spans = {e.id: (e.start, e.end, e.label) for e in militia.entities}
    # drones: one WEA and one VEH supporter -> the tie falls to label order (VEH)
    assert [(a.role, spans[a.entity_id]) for a in militia.events[0].arguments][1] == ("Instrument", (14, 20, "VEH"))
    assert union.conflicts == []


def test_prefer_takes_that_annotators_version() -> None:
    preferred = adjudicate(read_annotator_sets(FIXTURE), "prefer:bob")
    gold = {r.id: r for r in preferred.gold}
    entities, events = summary_of(gold[document_id(ROCKETS)])
    assert entities == [
        (0, 7, "WEA", ("alice", "bob", "carol")),
        (15, 27, "GPE", ("bob",)),
        (31, 40, "TIME", ("alice", "bob", "carol")),
    ]
    assert events[0][2] == [("Instrument", (0, 7)), ("Place", (15, 27)), ("Time", (31, 40))]
    # bob did not label the protest: the majority (carol alone) decides there
    assert len(gold[document_id(PROTEST)].annotations.entities) == 2
    assert {c["kind"] for c in preferred.conflicts} == {"not_preferred"}
    with pytest.raises(EventCorpusError) as info:
        adjudicate(read_annotator_sets(FIXTURE), "prefer:dave")
    assert info.value.code == "E307"
    with pytest.raises(EventCorpusError) as info:
        parse_strategy("vote")
    assert info.value.code == "E305"


def test_trigger_type_tie_and_attribute_tie() -> None:
    first = make_record(MILITIA, "alice", [(0, 7, "ORG")], [(ATTACK, (8, 13), [("Attacker", 0)])])
    second = make_record(MILITIA, "bob", [(0, 7, "ORG")], [("Life:Die", (8, 13), [])])
    result = adjudicate_document(
        first.document,
        {"alice": first.annotations, "bob": second.annotations},
        parse_strategy("majority"),
    )
    assert result.gold.events == [] and [e.label for e in result.gold.entities] == ["ORG"]
    (conflict,) = result.conflicts
    assert conflict["kind"] == "tie" and conflict["layer"] == "trigger"
    assert [(v["type"], v["supported_by"]) for v in conflict["versions"]] == [
        (ATTACK, ["alice"]),
        ("Life:Die", ["bob"]),
    ]
    assert conflict["versions"][0]["arguments"][0]["role"] == "Attacker"
    second = make_record(MILITIA, "bob", [(0, 7, "ORG")], [(ATTACK, (8, 13), [("Attacker", 0)])])
    first.annotations.events[0].attributes = {"polarity": "positive", "modality": "asserted"}
    second.annotations.events[0].attributes = {"polarity": "negative", "modality": "asserted"}
    result = adjudicate_document(
        first.document,
        {"alice": first.annotations, "bob": second.annotations},
        parse_strategy("majority"),
    )
    assert result.gold.events[0].attributes == {"modality": "asserted"}
    assert [(c["kind"], c["attribute"]) for c in result.conflicts] == [("attribute_tie", "polarity")]


def test_adjudicate_command_writes_gold_conflicts_review_and_backup(tmp_path: Path) -> None:
    gold, conflicts, review = tmp_path / "gold.jsonl", tmp_path / "conflicts.jsonl", tmp_path / "review.jsonl"
    args = ["adjudicate", str(FIXTURE), "--out", str(gold), "--conflicts", str(conflicts), "--review", str(review)]
    runner = CliRunner()
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "3 documents" in first.output and "1 tie" in first.output
    records = list(read_records(gold))
    assert [r.annotations.annotator for r in records] == ["gold"] * 3
    assert len(conflicts.read_text(encoding="utf-8").splitlines()) == 4
    assert {r.annotations.annotator for r in read_records(review)} == {"review-candidates"}
    second = runner.invoke(app, [*args, "--strategy", "union", "--json"])
    assert second.exit_code == 0, second.output
    data = json.loads(second.output)
    assert data["backup"] and Path(data["backup"]).exists()
    assert [r.to_dict() for r in read_records(data["backup"])] == [r.to_dict() for r in records]
    assert data["conflicts"] == {} and data["entities"] == 5 + 4 + 2
    bad = runner.invoke(app, [*args, "--strategy", "vote"])
    assert bad.exit_code == 2 and "E305" in bad.output


def test_adjudicate_gold_inside_annotators_folder_became_a_voter(tmp_path: Path) -> None:
    """Gold written into the annotators' folder used to be read as annotator 'gold' on the next run."""
    folder = tmp_path / "annotators"
    folder.mkdir()
    for source in FIXTURE.rglob("*.jsonl"):
        target = folder / source.relative_to(FIXTURE)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())
    result = CliRunner().invoke(app, ["adjudicate", str(folder), "--out", str(folder / "gold.jsonl")])
    assert result.exit_code == 2
    assert "E309" in result.output
    assert not (folder / "gold.jsonl").exists()
