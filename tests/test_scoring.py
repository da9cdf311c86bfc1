"""The scorer: hand-computed figures, bootstrap arithmetic, properties, and the evaluate command."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from eventcorpus.cli import app
from eventcorpus.corpus import write_records
from eventcorpus.errors import EventCorpusError
from eventcorpus.records import AnnotationSet, Argument, Entity, Event, Record, Trigger
from eventcorpus.scoring import METRICS, compare, context, error_listing, prf, score, tuples_by_document
from tests.quality_records import make_record
from tests.strategies import records

TEXT_A = "Rockets struck Ayn al-Assad on Wednesday."
TEXT_B = "Militia fired drones at Erbil."
ATTACK = "Conflict:Attack"
DIE = "Life:Die"


def gold_records() -> list[Record]:
    return [
        make_record(
            TEXT_A,
            "gold",
            [(0, 7, "WEA"), (15, 27, "FAC"), (31, 40, "TIME")],
            [(ATTACK, (8, 14), [("Instrument", 0), ("Target", 1), ("Time", 2)])],
        ),
        make_record(
            TEXT_B,
            "gold",
            [(0, 7, "ORG"), (14, 20, "WEA"), (24, 29, "GPE")],
            [(ATTACK, (8, 13), [("Attacker", 0), ("Instrument", 1), ("Target", 2)])],
        ),
    ]


def pred_records() -> list[Record]:
    return [
        make_record(
            TEXT_A,
            "model",
            [(0, 7, "WEA"), (15, 27, "GPE"), (31, 40, "TIME")],
            [
                (ATTACK, (8, 14), [("Instrument", 0), ("Place", 1), ("Time", 2)]),
                (ATTACK, (8, 14), [("Instrument", 0)]),  # a duplicate: collapses
                (ATTACK, (28, 30), [("Time", 2)]),  # wrong trigger "on"
            ],
        ),
        make_record(TEXT_B, "model", [(0, 7, "ORG"), (14, 20, "WEA")], [(DIE, (8, 13), [("Attacker", 0)])]),
    ]


# Worked out by hand from the tuples (see the comments in test_hand_computed_scores).
EXPECTED = {
    "TI": (2, 3, 2),
    "TC": (1, 3, 2),
    "AI": (3, 4, 6),
    "AC": (2, 4, 6),
    "AI+": (3, 5, 6),
    "AC+": (2, 5, 6),
    "entities": (4, 5, 6),
}


def test_hand_computed_scores() -> None:
    # TI: gold {A 8-14, B 8-13}; pred {A 8-14, A 28-30, B 8-13} -> tp 2 of 3 predicted, 2 gold.
    # TC: B is typed Life:Die -> only A 8-14 Attack matches; pred 3.
    # AI: pred {A Attack 0-7, 15-27, 31-40, B Die 0-7} (the Time of "on" collapses) -> tp 3 / 4 / 6.
    # AC: Place on 15-27 is the wrong role, B Die Attacker wrong type -> tp 2 / 4 / 6.
    # AI+/AC+: the trigger span keeps "on"'s Time apart -> 5 predicted.
    # entities: 15-27 GPE is wrong, Erbil missed -> tp 4 / 5 / 6.
    result = score(gold_records(), pred_records(), n_bootstrap=0)
    for metric, (tp, n_pred, n_gold) in EXPECTED.items():
        found = result.metrics[metric]
        assert (found.tp, found.n_pred, found.n_gold) == (tp, n_pred, n_gold), metric
    assert result.metrics["TI"].precision == pytest.approx(2 / 3)
    assert result.metrics["TI"].f1 == pytest.approx(0.8)
    assert result.metrics["TC"].f1 == pytest.approx(0.4)
    assert result.metrics["AI"].f1 == pytest.approx(0.6)
    assert result.metrics["AC"].f1 == pytest.approx(0.4)
    assert result.metrics["AI+"].f1 == pytest.approx(6 / 11)
    assert result.metrics["AC+"].f1 == pytest.approx(4 / 11)
    assert result.metrics["entities"].f1 == pytest.approx(8 / 11)
    assert result.bootstrap is None and result.metrics["TC"].ci is None


def test_per_type_and_per_role_tables() -> None:
    tables = score(gold_records(), pred_records(), n_bootstrap=0).tables
    attack = tables["event_type"][ATTACK]["TC"]
    assert (attack.tp, attack.n_pred, attack.n_gold) == (1, 2, 2)
    die = tables["event_type"][DIE]["TC"]
    assert (die.tp, die.n_pred, die.n_gold) == (0, 1, 0)
    roles = {role: (s["AC"].tp, s["AC"].n_pred, s["AC"].n_gold) for role, s in tables["role"].items()}
    assert roles == {
        "Attacker": (0, 1, 1),
        "Instrument": (1, 1, 2),
        "Place": (0, 1, 0),
        "Target": (0, 0, 2),
        "Time": (1, 1, 1),
    }
    labels = {
        label: (s["entities"].tp, s["entities"].n_pred, s["entities"].n_gold)
        for label, s in tables["entity_label"].items()
    }
    assert labels == {"FAC": (0, 0, 1), "GPE": (0, 1, 1), "ORG": (1, 1, 1), "TIME": (1, 1, 1), "WEA": (2, 2, 2)}


def test_unmatched_documents_count_as_errors() -> None:
    extra = make_record("Nothing here but a drone.", "model", [(19, 24, "WEA")])
    result = score(gold_records()[:1], [*pred_records(), extra], n_bootstrap=0)
    assert result.pred_only == sorted([extra.id, pred_records()[1].id])
    assert result.metrics["entities"].n_pred == 3 + 2 + 1
    assert result.metrics["entities"].n_gold == 3
    result = score(gold_records(), pred_records()[:1], n_bootstrap=0)
    assert result.gold_only == [gold_records()[1].id]
    assert result.metrics["TI"].n_gold == 2 and result.metrics["TI"].tp == 1


def test_two_annotators_for_one_document_is_an_error() -> None:
    other = replace(gold_records()[0], annotations=replace(gold_records()[0].annotations, annotator="bob"))
    with pytest.raises(EventCorpusError) as info:
        score([*gold_records(), other], pred_records())
    assert info.value.code == "E301"


def test_bootstrap_matches_a_plain_loop_over_replicates() -> None:
    gold = gold_records() + [make_record(f"Drone {i} hit the base.", "gold", [(0, 5, "WEA")]) for i in range(6)]
    pred = pred_records() + [
        make_record(f"Drone {i} hit the base.", "model", [(0, 5, "WEA" if i % 2 else "VEH")]) for i in range(6)
    ]
    result = score(gold, pred, n_bootstrap=200, seed=7)
    # the same draws, scored one replicate at a time with sets
    gold_t, pred_t = tuples_by_document(gold), tuples_by_document(pred)
    docs = sorted(set(gold_t) | set(pred_t))
    draws = np.random.default_rng(7).integers(0, len(docs), size=(200, len(docs)))
    for metric in ("entities", "AC"):
        f1s = []
        for row in draws:
            tp = n_pred = n_gold = 0
            for d in row:
                g, p = gold_t[docs[d]][metric], pred_t[docs[d]][metric]
                tp, n_pred, n_gold = tp + len(g & p), n_pred + len(p), n_gold + len(g)
            f1s.append(prf(tp, n_pred, n_gold)[2])
        low, high = np.percentile(f1s, [2.5, 97.5])
        ci = result.metrics[metric].ci
        assert ci is not None
        assert ci["f1"] == pytest.approx((low, high))
        assert low <= result.metrics[metric].f1 <= high
    assert score(gold, pred, n_bootstrap=200, seed=7).to_dict() == result.to_dict()


def test_compare_paired_bootstrap() -> None:
    gold = [make_record(f"Drone {i} hit the base.", "gold", [(0, 5, "WEA"), (14, 18, "FAC")]) for i in range(30)]
    nothing = [make_record(r.document.text, "a") for r in gold]
    perfect = [replace(r, annotations=replace(r.annotations, annotator="b")) for r in gold]
    diff = compare(gold, nothing, perfect, n_bootstrap=300)["entities"]
    assert diff.f1_a == 0 and diff.f1_b == 1 and diff.difference == 1
    assert diff.p_value < 0.01 and diff.ci == (1.0, 1.0)
    same = compare(gold, perfect, perfect, n_bootstrap=300)["entities"]
    assert same.difference == 0 and same.p_value == 1.0
    half = [make_record(r.document.text, "c", [(0, 5, "WEA")] if i % 2 else []) for i, r in enumerate(gold)]
    close = compare(gold, half, perfect, n_bootstrap=300)["entities"]
    assert close.ci[0] > 0 and close.ci[0] <= close.difference <= close.ci[1]


def test_error_listing_in_context() -> None:
    errors = error_listing(gold_records(), pred_records(), gold_records(), metrics=["entities"])
    by_kind = {(e["kind"], e["text"], tuple(e["labels"])) for e in errors}
    assert by_kind == {
        ("false_positive", "Ayn al-Assad", ("GPE",)),
        ("false_negative", "Ayn al-Assad", ("FAC",)),
        ("false_negative", "Erbil", ("GPE",)),
    }
    fp = next(e for e in errors if e["kind"] == "false_positive")
    assert fp["context"] == "Rockets struck [[Ayn al-Assad]] on Wednesday."
    plus = error_listing(
        gold_records(), pred_records(), {r.id: r.document.text for r in gold_records()}, metrics=["AC+"]
    )
    on = next(e for e in plus if e.get("trigger", {}).get("text") == "on")
    assert on["kind"] == "false_positive" and on["text"] == "Wednesday"
    with pytest.raises(EventCorpusError):
        error_listing(gold_records(), pred_records(), gold_records(), metrics=["XX"])


def test_context_is_one_line_and_marks_cut_ends() -> None:
    text = "a\nb " * 40 + "TARGET" + " c\r\nd" * 40
    shown = context(text, 160, 166, width=10)
    assert "[[TARGET]]" in shown and "\n" not in shown and shown.startswith("…") and shown.endswith("…")


# --- properties --------------------------------------------------------------------------


def _relabel(record: Record, annotator: str) -> Record:
    return replace(record, annotations=replace(record.annotations, annotator=annotator))


def _unique_docs(recs: list[Record]) -> list[Record]:
    return list({r.id: r for r in recs}.values())


@settings(max_examples=40, deadline=None)
@given(st.lists(records(), min_size=1, max_size=4).map(_unique_docs))
def test_perfect_prediction_scores_100(recs: list[Record]) -> None:
    result = score(recs, [_relabel(r, "model") for r in recs], n_bootstrap=20)
    for metric in METRICS:
        found = result.metrics[metric]
        assert found.tp == found.n_pred == found.n_gold
        if found.n_gold:
            assert found.f1 == 1.0
            assert found.ci is not None and found.ci["f1"] == (1.0, 1.0)


@settings(max_examples=40, deadline=None)
@given(st.lists(records(), min_size=1, max_size=4).map(_unique_docs))
def test_predicting_nothing_gives_zero_recall(recs: list[Record]) -> None:
    empty = [AnnotationSet(r.id, "model") for r in recs]
    result = score(recs, empty, n_bootstrap=0)
    for metric in METRICS:
        assert result.metrics[metric].recall == 0.0 and result.metrics[metric].tp == 0
        assert result.metrics[metric].n_pred == 0


@settings(max_examples=40, deadline=None)
@given(st.lists(records(), min_size=1, max_size=4).map(_unique_docs), st.randoms(use_true_random=False))
def test_duplicates_do_not_count_twice_and_order_does_not_matter(recs: list[Record], rnd: random.Random) -> None:
    doubled = []
    for record in recs:
        a = record.annotations
        copies = [Entity(f"D{e.id}", e.start, e.end, e.label) for e in a.entities]
        events = [
            Event(
                f"D{ev.id}",
                ev.type,
                Trigger(ev.trigger.start, ev.trigger.end),
                [Argument(x.role, f"D{x.entity_id}") for x in ev.arguments],
            )
            for ev in a.events
        ]
        entities = a.entities + copies
        all_events = a.events + events
        rnd.shuffle(entities)
        rnd.shuffle(all_events)
        doubled.append(AnnotationSet(a.doc_id, "model", entities, all_events))
    rnd.shuffle(doubled)
    assert (
        score(recs, doubled, n_bootstrap=0).to_dict()
        == score(recs, [_relabel(r, "m") for r in recs], n_bootstrap=0).to_dict()
    )


# --- the evaluate command ------------------------------------------------------------------


def test_evaluate_command(tmp_path: Path) -> None:
    gold, pred, pred2 = tmp_path / "gold.jsonl", tmp_path / "pred.jsonl", tmp_path / "pred2.jsonl"
    write_records(gold, gold_records())
    write_records(pred, pred_records())
    write_records(pred2, [_relabel(r, "model2") for r in gold_records()])
    runner = CliRunner()
    result = runner.invoke(
        app, ["evaluate", "--gold", str(gold), "--pred", str(pred), "--json", "--n-bootstrap", "100"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)  # warnings go to stderr
    assert data["scores"]["metrics"]["TC"]["f1"] == pytest.approx(0.4)
    assert data["scores"]["metrics"]["AC+"]["tp"] == 2
    assert "ci" in data["scores"]["metrics"]["TC"]
    errors = tmp_path / "errors.jsonl"
    result = runner.invoke(
        app,
        [
            "evaluate",
            "--gold",
            str(gold),
            "--pred",
            str(pred),
            "--errors",
            str(errors),
            "--compare",
            str(pred2),
            "--no-ci",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "AC+" in result.output and "40.0" in result.output and "Conflict:Attack" in result.output
    assert "paired bootstrap" in result.output
    lines = [json.loads(x) for x in errors.read_text(encoding="utf-8").splitlines()]
    assert any(e["metric"] == "entities" and e["text"] == "Erbil" for e in lines)
    missing = runner.invoke(app, ["evaluate", "--gold", str(tmp_path / "no.jsonl"), "--pred", str(pred)])
    assert missing.exit_code == 2 and "E004" in missing.output


def test_evaluate_refuses_different_texts_under_one_id(tmp_path: Path) -> None:
    gold, pred = tmp_path / "gold.jsonl", tmp_path / "pred.jsonl"
    write_records(gold, gold_records())
    changed = pred_records()[0]
    changed = replace(changed, document=replace(changed.document, text=TEXT_A.replace(" on ", "  on ")))
    write_records(pred, [changed])
    result = CliRunner().invoke(app, ["evaluate", "--gold", str(gold), "--pred", str(pred)])
    assert result.exit_code == 1 and "E304" in result.output
