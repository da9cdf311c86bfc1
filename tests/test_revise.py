"""A revision pass: recorded edits, each with its reason, applied to a copy of gold."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from eventcorpus.cli import app
from eventcorpus.corpus import read_records, write_records
from eventcorpus.errors import EventCorpusError
from eventcorpus.records import AnnotationSet, Argument, Document, Entity, Event, Record, Trigger, document_id
from eventcorpus.revise import read_edits, revise

# CRLF, emoji and Arabic before the spans, so that offsets are code points, not bytes or UTF-16 units
TEXT = "👍 الرقة:\r\nCoalition forces conducted 3 strikes near Raqqa on Monday, destroyed a bunker and fought ISIS."


def _at(words: str, occurrence: int = 1) -> list[int]:
    start = -1
    for _ in range(occurrence):
        start = TEXT.index(words, start + 1)
    return [start, start + len(words)]


def _gold() -> Record:
    document = Document(document_id(TEXT), TEXT)
    entities = [
        Entity("T1", *_at("Coalition forces"), "ORG"),
        Entity("T2", *_at("Raqqa"), "GPE"),
        Entity("T3", *_at("bunker"), "FAC"),
        Entity("T4", *_at("ISIS"), "ORG"),
    ]
    events = [
        Event("E1", "Conflict:Attack", Trigger(*_at("strikes")), [Argument("Attacker", "T1"), Argument("Place", "T2")]),
        Event("E2", "Conflict:Attack", Trigger(*_at("destroyed")), [Argument("Target", "T3")]),
        Event("E3", "Conflict:Attack", Trigger(*_at("fought")), [Argument("Target", "T4")]),
    ]
    return Record(document, AnnotationSet(document.id, "gold", entities, events))


def _edit(op: str, reason: str = "conv. A: round-up result verb", **fields: Any) -> dict[str, Any]:
    return {"doc_id": document_id(TEXT), "op": op, **fields, "reason": reason}


def _write(path: Path, edits: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in edits), encoding="utf-8")
    return path


def _event(name: str, event_type: str = "Conflict:Attack") -> dict[str, Any]:
    return {"trigger": _at(name), "type": event_type, "trigger_text": name}


def test_round_up_result_verb_folds_into_the_strikes_event(tmp_path: Path) -> None:
    edits = read_edits(
        _write(
            tmp_path / "rev.jsonl",
            [
                _edit("remove_event", **_event("destroyed")),
                _edit(
                    "add_argument",
                    **_event("strikes"),
                    role="Target",
                    filler=_at("bunker"),
                    filler_text="bunker",
                    label="FAC",
                ),
                _edit(
                    "add_argument",
                    "§4 Time in the trigger's sentence",
                    **_event("strikes"),
                    role="Time",
                    filler=_at("Monday"),
                    filler_text="Monday",
                    label="TIME",
                ),
            ],
        )
    )
    result = revise([_gold()], edits, annotator="revision1")
    (record,) = result.records
    sets = record.annotations
    assert sets.annotator == "revision1" and sets.meta["revision"]["from"] == "gold"
    assert [TEXT[e.trigger.start : e.trigger.end] for e in sets.events] == ["strikes", "fought"]
    entities = sets.entity_by_id()
    strikes = sets.events[0]
    assert [(a.role, TEXT[entities[a.entity_id].start : entities[a.entity_id].end]) for a in strikes.arguments] == [
        ("Attacker", "Coalition forces"),
        ("Place", "Raqqa"),
        ("Target", "bunker"),
        ("Time", "Monday"),
    ]
    added = entities[strikes.arguments[-1].entity_id]
    assert added.id == "T5" and added.label == "TIME" and added.meta["revision"].startswith("§4")
    assert result.summary()["by_op"] == {"add_argument": 2, "remove_event": 1}


def test_the_original_set_is_never_changed(tmp_path: Path) -> None:
    gold = _gold()
    before = gold.to_dict()
    edit = _edit("set_attribute", "§5 a vow, not a fact", **_event("fought"), name="modality", value="other")
    edits = read_edits(_write(tmp_path / "rev.jsonl", [edit]))
    revised = revise([gold], edits, annotator="revision1").records[0]
    assert gold.to_dict() == before
    assert revised.annotations.events[2].attributes == {"modality": "other"}


@pytest.mark.parametrize(
    ("edit", "code", "says"),
    [
        ({**_edit("remove_event", **_event("fought")), "trigger_text": "fight"}, "E331", "the edit quotes 'fight'"),
        (_edit("remove_event", **_event("fought", "Life:Die")), "E332", "no Life:Die event"),
        (_edit("retype_event", **_event("strikes"), new_type="Life:Die"), "E333", "does not allow the roles"),
        (_edit("remove_entity", span=_at("Raqqa"), text="Raqqa", label="GPE"), "E333", "fills arguments of E1"),
        (_edit("add_entity", span=_at("Raqqa"), text="Raqqa", label="GPE"), "E333", "already there"),
        (_edit("set_attribute", **_event("fought"), name="modality", value="maybe"), "E330", "modality in"),
        (
            _edit("add_argument", **_event("strikes"), role="Victim", filler=[0, 1], filler_text="👍", label="PER"),
            "E330",
            "role 'Victim'",
        ),
    ],
    ids=[
        "quote-mismatch",
        "missing-event",
        "retype-keeps-bad-roles",
        "remove-used-entity",
        "duplicate",
        "bad-value",
        "bad-role",
    ],
)
def test_an_edit_that_does_not_fit_is_a_coded_error_naming_its_line(
    tmp_path: Path, edit: dict[str, Any], code: str, says: str
) -> None:
    edits = read_edits(_write(tmp_path / "rev.jsonl", [edit]))
    with pytest.raises(EventCorpusError) as caught:
        revise([_gold()], edits, annotator="revision1")
    assert caught.value.code == code and says in caught.value.render()
    assert "rev.jsonl:1" in caught.value.render()


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ('["not", "an", "object"]', "a JSON object"),
        ('{"doc_id": "x", "op": "explode", "reason": "r"}', "op 'explode'"),
        ('{"doc_id": "x", "op": "remove_event", "trigger": [1, 2], "type": "T", "trigger_text": "a"}', "no reason"),
        ('{"doc_id": "x", "op": "remove_event", "reason": "r"}', "lacks trigger, type, trigger_text"),
    ],
)
def test_a_malformed_revision_line_is_e330(tmp_path: Path, line: str, says: str) -> None:
    path = tmp_path / "rev.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(EventCorpusError) as caught:
        read_edits(path)
    assert caught.value.code == "E330" and says in caught.value.render()


def test_an_edit_for_a_document_not_in_the_input_is_refused(tmp_path: Path) -> None:
    edit = {**_edit("remove_event", **_event("fought")), "doc_id": "0000000000000000"}
    edits = read_edits(_write(tmp_path / "rev.jsonl", [edit]))
    with pytest.raises(EventCorpusError) as caught:
        revise([_gold()], edits, annotator="revision1")
    assert caught.value.code == "E332" and "0000000000000000" in caught.value.render()


def test_cli_revise_writes_a_new_pass_and_keeps_the_old_output(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    write_records(gold, [_gold()])
    edits = _write(
        tmp_path / "rev.jsonl",
        [
            _edit(
                "add_event",
                "conv. A: narrative destroyed",
                trigger=_at("destroyed"),
                type="Conflict:Attack",
                trigger_text="destroyed",
                arguments=[],
                attributes={"modality": "asserted"},
            )
        ],
    )
    out = tmp_path / "revised.jsonl"
    out.write_text("old\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["revise", str(gold), "--edits", str(edits), "--out", str(out)])
    assert result.exit_code == 1 and "E333" in result.output  # the destroyed event is already there
    assert out.read_text(encoding="utf-8") == "old\n"
    edits = _write(tmp_path / "rev.jsonl", [_edit("remove_event", **_event("destroyed"))])
    result = runner.invoke(app, ["revise", str(gold), "--edits", str(edits), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "1 edits on 1 of 1 documents (remove_event 1)" in result.output
    (record,) = read_records(out)
    assert record.annotations.annotator == "revision1" and len(record.annotations.events) == 2
    (backup,) = tmp_path.glob("revised.jsonl.*.bak")
    assert backup.read_text(encoding="utf-8") == "old\n"
    result = runner.invoke(app, ["revise", str(gold), "--edits", str(edits), "--out", str(gold)])
    assert result.exit_code == 2 and "E334" in result.output


def test_a_missing_revision_file_is_a_coded_error(tmp_path: Path) -> None:
    from eventcorpus.revise import revise_file

    with pytest.raises(EventCorpusError) as caught:
        revise_file([_gold()], tmp_path / "nope.jsonl", annotator="revision1")
    assert caught.value.code == "E004" and "nope.jsonl" in caught.value.render()
