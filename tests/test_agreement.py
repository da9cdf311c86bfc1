"""Agreement: hand-computed F1 on the three-annotator fixture, kappa and alpha cross-checks, errors, CLI."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score
from typer.testing import CliRunner

from eventcorpus.agreement import (
    agreement,
    agreement_in_folder,
    cohen_kappa,
    entity_token_labels,
    krippendorff_alpha,
    overlap_matches,
    read_annotator_sets,
    trigger_token_labels,
)
from eventcorpus.cli import app
from eventcorpus.corpus import write_records
from eventcorpus.errors import EventCorpusError
from eventcorpus.records import document_id
from eventcorpus.tokens import tokenize
from tests.quality_records import make_record
from tests.strategies import records

FIXTURE = Path(__file__).parent / "data" / "quality" / "three_annotators"
ROCKETS = "Rockets struck Ayn al-Assad on Wednesday."
MILITIA = "Militia fired drones at Erbil."


@pytest.fixture(scope="module")
def result():
    return agreement_in_folder(FIXTURE, min_items=5)


def values(table) -> dict[str, float | None]:
    return {k: (None if f.value is None else round(f.value, 4)) for k, f in table.items()}


def test_reads_annotators_across_files_and_folders() -> None:
    data = read_annotator_sets(FIXTURE)
    assert data.annotators == ["alice", "bob", "carol"]
    assert len(data.documents) == 3 and len(data.files) == 4
    assert data.shared_documents() == sorted([document_id(ROCKETS), document_id(MILITIA)])


def test_hand_computed_pairwise_f1(result) -> None:
    # alice/bob: entities 2 of 3+3 agree in each document -> 2*4/12; all triggers agree;
    # AC: 2 + 3 of 6 + 6 -> 10/12. alice/carol and bob/carol (the rockets document only):
    # carol's Target is "al-Assad" (19-27), not "Ayn al-Assad" (15-27), and she has no Time.
    assert result.documents == 2 and result.single_annotator_documents == 1
    assert values(result.pairs["alice / bob"]["exact"]) == {
        "TI": 1.0,
        "TC": 1.0,
        "AI": 1.0,
        "AC": 0.8333,
        "AI+": 1.0,
        "AC+": 0.8333,
        "entities": 0.6667,
    }
    assert values(result.pairs["alice / carol"]["exact"]) == {
        "TI": 1.0,
        "TC": 1.0,
        "AI": 0.4,
        "AC": 0.4,
        "AI+": 0.4,
        "AC+": 0.4,
        "entities": 0.6667,
    }
    # overlap: alice's FAC 15-27 meets carol's FAC 19-27 (same label); bob's is a GPE, his role Place.
    assert values(result.pairs["alice / carol"]["overlap"])["entities"] == 1.0
    assert values(result.pairs["alice / carol"]["overlap"])["AC"] == 0.8
    assert values(result.pairs["bob / carol"]["overlap"])["entities"] == 0.6667
    assert values(result.pairs["bob / carol"]["overlap"])["AC"] == 0.4
    assert values(result.pairs["bob / carol"]["overlap"])["AI"] == 0.8
    assert result.average["exact"]["entities"].value == pytest.approx(2 / 3)
    assert result.average["overlap"]["entities"].value == pytest.approx((2 / 3 + 1 + 2 / 3) / 3)
    assert result.average["exact"]["AC"].value == pytest.approx((10 / 12 + 0.4 + 0.4) / 3)
    assert result.pairs["alice / carol"]["exact"]["entities"].documents == 1
    assert result.pairs["alice / carol"]["exact"]["entities"].items == 6


def test_hand_computed_label_tables_and_lowest(result) -> None:
    # WEA: alice/bob 1 of 2+1 (bob's drones are VEH) -> 2/3; alice/carol 1; bob/carol 1.
    # GPE: alice/bob Erbil agreed, bob's Ayn al-Assad alone -> 2/3; bob/carol 0; alice/carol never used it.
    assert values(result.labels["entities"]) == {
        "FAC": 0.0,
        "GPE": 0.3333,
        "ORG": 1.0,
        "TIME": 1.0,
        "VEH": 0.0,
        "WEA": 0.8889,
    }
    assert values(result.labels["roles"]) == {
        "Attacker": 1.0,
        "Instrument": 1.0,
        "Place": 0.0,
        "Target": 0.2222,
        "Time": 0.3333,
    }
    assert result.labels["entities"]["ORG"].low_support and not result.labels["entities"]["WEA"].low_support
    assert result.labels["entities"]["WEA"].documents == 2 and result.labels["entities"]["FAC"].documents == 1
    # rockets: pairs pool entities+TC+AC: alice/bob 10/14, the two carol pairs 8/13 each
    lowest = result.documents_by_agreement[0]
    assert lowest["doc_id"] == document_id(ROCKETS)
    assert lowest["f1"] == pytest.approx((10 / 14 + 8 / 13 + 8 / 13) / 3)
    assert result.documents_by_agreement[1]["f1"] == pytest.approx(12 / 14)
    assert result.lowest_labels[0]["value"] == 0.0


def test_overlap_matching_is_one_to_one() -> None:
    long = {("d", 0, 20, "LOC")}
    short = {("d", 0, 5, "LOC"), ("d", 10, 20, "LOC"), ("d", 0, 5, "GPE")}
    assert overlap_matches(long, short, "entities") == 1
    assert overlap_matches(short, short, "entities") == 3
    # AC+ needs both the argument span and the trigger span to overlap
    a = {("d", "Conflict:Attack", 0, 5, "Target", 10, 14)}
    assert overlap_matches(a, {("d", "Conflict:Attack", 2, 5, "Target", 12, 13)}, "AC+") == 1
    assert overlap_matches(a, {("d", "Conflict:Attack", 2, 5, "Target", 20, 23)}, "AC+") == 0


def test_token_labels() -> None:
    record = make_record(
        ROCKETS,
        "x",
        [(15, 27, "FAC"), (19, 27, "ORG"), (31, 40, "TIME")],
        [("Conflict:Attack", (8, 14), []), ("Life:Die", (8, 14), [])],
    )
    tokens = tokenize(ROCKETS)
    assert [t.text for t in tokens] == ["Rockets", "struck", "Ayn", "al", "-", "Assad", "on", "Wednesday", "."]
    assert entity_token_labels(tokens, record.annotations) == [
        "O",
        "O",
        "B-FAC",
        "I-FAC",
        "I-FAC",
        "I-FAC",
        "O",
        "B-TIME",
        "O",
    ]
    assert trigger_token_labels(tokens, record.annotations)[1] == "Conflict:Attack+Life:Die"


def test_kappa_by_hand() -> None:
    # 10 items: agree on 4 "a" and 3 "b"; p_o = 0.7, p_e = 0.5*0.6 + 0.5*0.4 = 0.5 -> kappa 0.4
    first = list("aaaaabbbbb")
    second = ["a", "a", "a", "a", "b", "b", "b", "b", "a", "a"]
    assert cohen_kappa(first, second) == pytest.approx(0.4)
    assert cohen_kappa(["O", "O"], ["O", "O"]) is None


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("ABCO"), st.sampled_from("ABCO")), min_size=2, max_size=60))
def test_kappa_matches_sklearn(pairs: list[tuple[str, str]]) -> None:
    first, second = [p[0] for p in pairs], [p[1] for p in pairs]
    ours = cohen_kappa(first, second)
    if ours is None:
        assert len(set(first) | set(second)) == 1
    else:
        assert ours == pytest.approx(cohen_kappa_score(first, second))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.one_of(st.none(), st.sampled_from("ABC")), min_size=3, max_size=3),
        min_size=2,
        max_size=40,
    )
)
def test_alpha_matches_krippendorff_package(units: list[list[str | None]]) -> None:
    ours = krippendorff_alpha(units)
    pairable = [u for u in units if sum(x is not None for x in u) >= 2]
    if ours is None:
        assert not pairable or len({x for u in pairable for x in u if x is not None}) <= 1
        return
    code = {"A": 0.0, "B": 1.0, "C": 2.0}
    matrix = np.array([[np.nan if x is None else code[x] for x in u] for u in units]).T  # annotators x units
    assert ours == pytest.approx(krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal"))


def test_fixture_kappa_and_alpha_match_the_reference_packages(result) -> None:
    data = read_annotator_sets(FIXTURE)
    shared = data.shared_documents()
    labels = {
        (d, a): entity_token_labels(tokenize(data.documents[d].text), s)
        for d in shared
        for a, s in data.sets[d].items()
    }
    x = [lab for d in shared for lab in labels[d, "alice"]]
    y = [lab for d in shared for lab in labels[d, "bob"]]
    assert result.kappa["entities"]["alice / bob"].value == pytest.approx(cohen_kappa_score(x, y))
    assert result.kappa["entities"]["alice / bob"].items == len(x) == 9 + 6
    vocabulary = sorted({lab for v in labels.values() for lab in v})
    rows = []
    for annotator in ("alice", "bob", "carol"):
        row: list[float] = []
        for d in shared:
            n = len(tokenize(data.documents[d].text))
            got = labels.get((d, annotator))
            row += [vocabulary.index(lab) if got else np.nan for lab in (got or ["O"] * n)]
        rows.append(row)
    expected = krippendorff.alpha(reliability_data=np.array(rows), level_of_measurement="nominal")
    assert result.alpha["entities"].value == pytest.approx(expected)
    assert result.alpha["triggers"].value == pytest.approx(1.0)


def test_input_errors(tmp_path: Path) -> None:
    with pytest.raises(EventCorpusError) as info:
        read_annotator_sets(tmp_path)
    assert info.value.code == "E300"
    write_records(tmp_path / "a.jsonl", [make_record(ROCKETS, "alice")])
    write_records(tmp_path / "b.jsonl", [make_record(ROCKETS, "alice", [(0, 7, "WEA")])])
    with pytest.raises(EventCorpusError) as info:
        read_annotator_sets(tmp_path)
    assert info.value.code == "E303" and "a.jsonl" in str(info.value)
    (tmp_path / "b.jsonl").unlink()
    with pytest.raises(EventCorpusError) as info:
        agreement(read_annotator_sets(tmp_path))
    assert info.value.code == "E308"
    changed = make_record(ROCKETS, "bob")
    changed.document.text = ROCKETS.replace(" on ", "  on ")
    write_records(tmp_path / "c.jsonl", [changed])
    with pytest.raises(EventCorpusError) as info:
        read_annotator_sets(tmp_path)
    assert info.value.code == "E304"


def test_agree_command(tmp_path: Path) -> None:
    runner = CliRunner()
    shown = runner.invoke(app, ["agree", str(FIXTURE), "--min-items", "5"])
    assert shown.exit_code == 0, shown.output
    assert "alice / bob" in shown.output and "kappa" in shown.output and "66.7" in shown.output
    assert "fewer than 5 items" in shown.output
    as_json = runner.invoke(app, ["agree", str(FIXTURE), "--json"])
    assert as_json.exit_code == 0
    data = json.loads(as_json.output)
    assert data["average"]["exact"]["entities"]["value"] == pytest.approx(2 / 3)
    assert data["pairs"]["alice / carol"]["exact"]["TI"]["low_support"] is True  # 2 triggers < 10
    lonely = tmp_path / "one"
    lonely.mkdir()
    shutil.copy(FIXTURE / "alice.jsonl", lonely / "alice.jsonl")
    failed = runner.invoke(app, ["agree", str(lonely)])
    assert failed.exit_code == 1 and "E308" in failed.output


@settings(max_examples=25, deadline=None)
@given(st.lists(records(), min_size=1, max_size=3))
def test_identical_annotators_agree_fully(recs) -> None:
    from eventcorpus.agreement import AnnotatorSets

    docs = {r.id: r.document for r in recs}
    sets = {r.id: {name: replace(r.annotations, annotator=name) for name in ("ann1", "ann2", "ann3")} for r in recs}
    result = agreement(AnnotatorSets(docs, sets), min_items=1)
    for mode in ("exact", "overlap"):
        for figure in result.average[mode].values():
            assert figure.value is None or figure.value == pytest.approx(1.0)
            assert (figure.value is None) == (figure.items == 0)  # not vacuous: items mean a value
    for layer in ("entities", "triggers"):
        for figure in [result.alpha[layer], *result.kappa[layer].values()]:
            assert figure.value is None or figure.value == pytest.approx(1.0)
