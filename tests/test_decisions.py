"""Adjudication by a decisions file: keys, each decision's meaning, the errors, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eventcorpus.adjudicate import adjudicate, adjudicate_folder
from eventcorpus.agreement import read_annotator_sets
from eventcorpus.cli import app
from eventcorpus.corpus import read_records, write_records
from eventcorpus.decisions import adjudicate_with_decisions, read_decisions
from eventcorpus.errors import EventCorpusError
from eventcorpus.records import document_id
from tests.quality_records import make_record

TEXT = "Rebels shelled Aleppo on Monday and militants destroyed a bridge."
ALONE = "Drones struck Raqqa."
DOC = document_id(TEXT)
ATTACK = "Conflict:Attack"
# Both passes: Rebels/ORG, Monday/TIME, the Attack on "shelled" with Attacker Rebels and
# Target Aleppo. Pass 1 types Aleppo GPE, adds Time Monday, modality other, the bridge and
# an Attack on "destroyed"; pass 2 types Aleppo LOC and adds "militants".
KEYS = {
    "aleppo": f"{DOC}:entity:15-21",
    "militants": f"{DOC}:entity:36-45",
    "bridge": f"{DOC}:entity:58-64",
    "destroyed": f"{DOC}:trigger:46-55",
    "time": f"{DOC}:argument:7-14:{ATTACK}:25-31",
    "orphan": f"{DOC}:orphan:7-14:{ATTACK}:15-21",
    "modality": f"{DOC}:attribute:7-14:{ATTACK}:modality",
}


def passes(folder: Path) -> Path:
    pass1 = make_record(
        TEXT,
        "pass1",
        [(0, 6, "ORG"), (15, 21, "GPE"), (25, 31, "TIME"), (58, 64, "FAC")],
        [(ATTACK, (7, 14), [("Attacker", 0), ("Target", 1), ("Time", 2)]), (ATTACK, (46, 55), [("Target", 3)])],
    )
    pass1.annotations.events[0].attributes = {"modality": "other"}
    pass2 = make_record(
        TEXT,
        "pass2",
        [(0, 6, "ORG"), (15, 21, "LOC"), (25, 31, "TIME"), (36, 45, "PER")],
        [(ATTACK, (7, 14), [("Attacker", 0), ("Target", 1)])],
    )
    folder.mkdir(parents=True, exist_ok=True)
    write_records(folder / "pass1.jsonl", [pass1, make_record(ALONE, "pass1", [(0, 6, "WEA")])])
    write_records(folder / "pass2.jsonl", [pass2])
    return folder


def decisions_file(path: Path, decided: dict[str, str], **edits: list[dict]) -> Path:
    lines = []
    for name, decision in decided.items():
        line = {"key": KEYS[name], "decision": decision, "reason": "§2 test"}
        if name in edits:
            line["item"] = edits[name]
        lines.append(json.dumps(line))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def gold_of(tmp_path: Path, decided: dict[str, str], **edits: list[dict]):
    data = read_annotator_sets(passes(tmp_path / "passes"))
    result = adjudicate_with_decisions(data, read_decisions(decisions_file(tmp_path / "d.jsonl", decided, **edits)))
    return result, {r.id: r for r in result.gold}


def content(record) -> tuple[list, list]:
    a = record.annotations
    spans = {e.id: (e.start, e.end, e.label) for e in a.entities}
    return (
        [(e.start, e.end, e.label) for e in a.entities],
        [
            (ev.trigger.start, ev.type, sorted((x.role, *spans[x.entity_id]) for x in ev.arguments), ev.attributes)
            for ev in a.events
        ],
    )


def all_as(decision: str) -> dict[str, str]:
    return dict.fromkeys(KEYS, decision)


def test_every_conflict_gets_the_documented_key(tmp_path) -> None:
    majority = adjudicate(read_annotator_sets(passes(tmp_path)), "majority")
    assert sorted(c["key"] for c in majority.conflicts) == sorted(KEYS.values())


def test_pass1_everywhere_is_pass1_and_pass2_everywhere_is_pass2(tmp_path) -> None:
    for name in ("pass1", "pass2"):
        _, gold = gold_of(tmp_path / name, all_as(name))
        (original,) = [r for r in read_records(tmp_path / name / "passes" / f"{name}.jsonl") if r.id == DOC]
        assert content(gold[DOC]) == content(original)


def test_mixed_decisions_touch_only_the_disputed_versions(tmp_path) -> None:
    decided = {
        **all_as("pass1"),
        "aleppo": "pass2",
        "militants": "both",
        "time": "neither",
        "modality": "pass2",
    }
    result, gold = gold_of(tmp_path, decided)
    entities, events = content(gold[DOC])
    assert entities == [(0, 6, "ORG"), (15, 21, "LOC"), (25, 31, "TIME"), (36, 45, "PER"), (58, 64, "FAC")]
    # the agreed Attacker and the orphan's Target (kept by pass1, filler LOC as decided) stay; Time goes
    assert events == [
        (7, ATTACK, [("Attacker", 0, 6, "ORG"), ("Target", 15, 21, "LOC")], {}),
        (46, ATTACK, [("Target", 58, 64, "FAC")], {}),
    ]
    assert gold[DOC].annotations.events[1].meta["decision"] == KEYS["destroyed"]
    assert result.decisions["counts"] == {"pass1": 3, "pass2": 2, "both": 1, "neither": 1, "edit": 0}
    assert gold[DOC].annotations.meta["adjudication"]["decisions"] == result.decisions["counts"]


def test_single_pass_documents_pass_through(tmp_path) -> None:
    _, gold = gold_of(tmp_path, all_as("pass2"))
    alone = gold[document_id(ALONE)].annotations
    assert [(e.start, e.end, e.label) for e in alone.entities] == [(0, 6, "WEA")]
    assert alone.meta["single_annotator"] is True and alone.annotator == "gold"


def test_edit_sets_exactly_what_the_region_holds(tmp_path) -> None:
    edits = {
        "aleppo": [{"start": 15, "end": 21, "label": "GPE"}],
        "destroyed": [
            {"start": 46, "end": 55, "type": ATTACK, "arguments": [{"role": "Attacker", "start": 36, "end": 45}]}
        ],
        "orphan": [],
    }
    decided = {**all_as("pass2"), "aleppo": "edit", "destroyed": "edit", "orphan": "edit"}
    _, gold = gold_of(tmp_path, decided, **edits)
    entities, events = content(gold[DOC])
    assert entities == [(0, 6, "ORG"), (15, 21, "GPE"), (25, 31, "TIME"), (36, 45, "PER")]
    assert events == [
        (7, ATTACK, [("Attacker", 0, 6, "ORG")], {}),
        (46, ATTACK, [("Attacker", 36, 45, "PER")], {}),
    ]


def test_an_argument_whose_filler_was_decided_away_is_an_error(tmp_path) -> None:
    # the trigger is kept with pass1's Target "bridge", but the bridge entity is rejected
    with pytest.raises(EventCorpusError) as caught:
        gold_of(tmp_path, {**all_as("pass1"), "bridge": "neither"})
    assert caught.value.code == "E315"
    assert "Target 'bridge' (58-64)" in caught.value.detail and KEYS["destroyed"] in caught.value.detail


def test_every_undecided_conflict_is_listed_with_the_fix(tmp_path) -> None:
    with pytest.raises(EventCorpusError) as caught:
        gold_of(tmp_path, {"aleppo": "pass1"})
    assert caught.value.code == "E311"
    assert all(KEYS[name] in caught.value.detail for name in KEYS if name != "aleppo")
    assert "6 of 7 conflicts" in caught.value.detail and "Add one line per key" in caught.value.fix


def test_a_decision_matching_no_conflict_is_an_error(tmp_path) -> None:
    path = decisions_file(tmp_path / "d.jsonl", all_as("pass1"))
    stray = {"key": f"{DOC}:entity:0-3", "decision": "pass1", "reason": "§1"}
    path.write_text(path.read_text() + json.dumps(stray) + "\n")
    with pytest.raises(EventCorpusError) as caught:
        adjudicate_with_decisions(read_annotator_sets(passes(tmp_path / "p")), read_decisions(path))
    assert caught.value.code == "E312" and caught.value.line == 8 and f"{DOC}:entity:0-3" in caught.value.detail


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("not json", "E005"),
        ('["a list"]', "E310"),
        (json.dumps({"key": KEYS["aleppo"], "decision": "pass1"}), "E310"),  # no reason
        (json.dumps({"key": KEYS["aleppo"], "decision": "edit", "reason": "§2"}), "E310"),  # edit without item
        (json.dumps({"key": KEYS["aleppo"], "decision": "pass1", "reason": "§2", "item": []}), "E310"),
        (json.dumps({"key": KEYS["aleppo"], "decision": "edit", "reason": "§2", "item": [{"start": 1}]}), "E310"),
        (json.dumps({"key": "nolayer", "decision": "pass1", "reason": "§2"}), "E310"),
        (json.dumps({"key": KEYS["bridge"], "decision": "pass1", "reason": "§2"}), "E313"),  # decided twice
    ],
)
def test_a_malformed_line_names_file_and_line(tmp_path, line: str, code: str) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps({"key": KEYS["bridge"], "decision": "pass1", "reason": "§2"}) + "\n" + line + "\n")
    with pytest.raises(EventCorpusError) as caught:
        read_decisions(path)
    assert (caught.value.code, caught.value.file, caught.value.line) == (code, str(path), 2)


def test_an_edit_item_outside_the_text_is_an_error(tmp_path) -> None:
    with pytest.raises(EventCorpusError) as caught:
        gold_of(tmp_path, {**all_as("pass1"), "aleppo": "edit"}, aleppo=[{"start": 60, "end": 70, "label": "GPE"}])
    assert (caught.value.code, caught.value.doc_id, caught.value.offset, caught.value.line) == ("E314", DOC, 60, 1)


def test_a_decision_naming_no_annotator_of_the_conflict_is_an_error(tmp_path) -> None:
    with pytest.raises(EventCorpusError) as caught:
        gold_of(tmp_path, {**all_as("pass1"), "aleppo": "pass3"})
    assert caught.value.code == "E316" and "pass3" in caught.value.detail


def test_cli_adjudicates_by_decisions_and_says_how(tmp_path) -> None:
    folder = passes(tmp_path / "passes")
    decisions = decisions_file(tmp_path / "d.jsonl", all_as("both") | {"modality": "pass1"})
    gold_file = tmp_path / "gold.jsonl"
    result = CliRunner().invoke(
        app, ["adjudicate", str(folder), "--out", str(gold_file), "--decisions", str(decisions), "--json"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["strategy"] == "decisions"
    assert summary["decisions"]["counts"] == {"pass1": 1, "pass2": 0, "both": 6, "neither": 0, "edit": 0}
    record = next(r for r in read_records(gold_file) if r.id == DOC)
    meta = record.annotations.meta["adjudication"]
    assert meta["strategy"] == "decisions" and meta["decisions_sha256"] == read_decisions(decisions).sha256
    assert record.annotations.events[0].attributes == {"modality": "other"}


def test_strategy_decisions_without_a_file_is_a_usage_error(tmp_path) -> None:
    with pytest.raises(EventCorpusError) as caught:
        adjudicate_folder(passes(tmp_path / "p"), tmp_path / "g.jsonl", strategy="decisions")
    assert caught.value.code == "E305"


def test_agree_measures_each_pass_against_the_adjudicated_gold(tmp_path) -> None:
    folder = passes(tmp_path / "passes")
    decisions = decisions_file(tmp_path / "d.jsonl", all_as("pass1"))
    gold_file = tmp_path / "gold.jsonl"
    adjudicate_folder(folder, gold_file, decisions_path=decisions)
    result = CliRunner().invoke(app, ["agree", str(folder), "--gold", str(gold_file), "--json"])
    assert result.exit_code == 0, result.output
    with_gold = json.loads(result.output)["with_gold"]
    assert set(with_gold) == {"pass1", "pass2"} and with_gold["pass1"]["documents"] == 1
    assert all(f["value"] == 1.0 for f in with_gold["pass1"]["average"]["exact"].values())
    # gold = pass1's 4 entities; pass2 shares Rebels/ORG and Monday/TIME of its 4: 2 * 2 / (4 + 4)
    assert with_gold["pass2"]["average"]["exact"]["entities"]["value"] == pytest.approx(0.5)


def test_the_same_passes_and_decisions_give_byte_identical_gold(tmp_path) -> None:
    folder = passes(tmp_path / "passes")
    decisions = decisions_file(tmp_path / "d.jsonl", all_as("both"))
    adjudicate_folder(folder, tmp_path / "a.jsonl", decisions_path=decisions)
    adjudicate_folder(folder, tmp_path / "b.jsonl", decisions_path=decisions)
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
