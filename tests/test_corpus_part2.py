"""Corpus part 2: M2E2 articles as corpus documents, their licence gate, their splits, and the
check of the corpus's annotations against M2E2's human annotation of the same texts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from eventcorpus.corpus import write_records
from eventcorpus.external import m2e2_check, m2e2_disagreements, m2e2_reference
from eventcorpus.formats import get_format
from eventcorpus.publish import licence_gate
from eventcorpus.records import AnnotationSet, Argument, Document, Entity, Event, Record, Trigger, document_id
from eventcorpus.schema import load_schema
from eventcorpus.sources import (
    M2E2_FILE,
    corpus_documents,
    m2e2_documents,
    read_m2e2_selection,
    wire_credits,
)
from eventcorpus.split import make_split

# a Voice of America article without a wire credit, and one that quotes Reuters
VOA_ONLY = "VOA_EN_NW_2016.05.13.3328601"
QUOTES_REUTERS = "VOA_EN_NW_2017.01.22.3686805"


def test_a_text_that_names_a_wire_service_is_wire_copy() -> None:
    assert wire_credits("Some material for this report came from Reuters and AP .") == ["Associated Press", "Reuters"]
    assert wire_credits("( Salah Ashkar via AP )") == ["Associated Press"]
    assert wire_credits("the Agence France-Presse news agency reported") == ["Agence France-Presse"]
    assert wire_credits("The APC drove past the AFPX depot; a rapper said so.") == []


def test_m2e2_articles_keep_the_readers_offsets_one_sentence_per_line(shared_datasets: Path) -> None:
    selection = [{"id": VOA_ONLY}, {"id": QUOTES_REUTERS}]
    voa, wire = m2e2_documents(shared_datasets / M2E2_FILE, selection)
    reader = {
        r.document.id: r
        for r in get_format("m2e2").read(shared_datasets / M2E2_FILE, schema=load_schema(), options={"unit": "article"})
    }
    original = reader[VOA_ONLY].document
    assert len(voa.text) == len(original.text)
    assert voa.text.replace("\n", " ") == original.text
    assert voa.text.count("\n") == len(original.meta["sentences"]) - 1
    for entity in reader[VOA_ONLY].annotations.entities:  # M2E2's spans point at the same words
        assert voa.text[entity.start : entity.end] == original.text[entity.start : entity.end]
    assert (voa.key, voa.source, voa.licence) == (f"m2e2-{VOA_ONLY}", f"m2e2/{VOA_ONLY}", "public-domain-us-gov")
    assert voa.meta["article_id"] == VOA_ONLY
    assert wire.licence == "wire-copy" and wire.meta["wire_credits"] == ["Reuters"]


def test_an_article_missing_from_the_m2e2_file_is_named(shared_datasets: Path) -> None:
    with pytest.raises(Exception, match="E704"):
        m2e2_documents(shared_datasets / M2E2_FILE, [{"id": "VOA_EN_NW_1999.01.01.0"}])


def test_a_selection_file_that_is_not_yaml_is_a_coded_error(tmp_path: Path) -> None:
    bad = tmp_path / "m2e2_articles.yaml"
    bad.write_text("articles: [ {id: x\n", encoding="utf-8")
    with pytest.raises(Exception, match="E700"):
        read_m2e2_selection(bad)


def test_the_licence_gate_leaves_out_wire_copy_and_keeps_voas_own_text(shared_datasets: Path) -> None:
    documents = m2e2_documents(shared_datasets / M2E2_FILE, [{"id": VOA_ONLY}, {"id": QUOTES_REUTERS}])
    records = [
        Record(
            Document(id=document_id(d.text), text=d.text, source=d.source, licence=d.licence, meta=d.meta),
            AnnotationSet(document_id(d.text), "gold", [], []),
        )
        for d in documents
    ]
    gate = licence_gate(records)
    assert [r.document.source for r in gate.kept] == [f"m2e2/{VOA_ONLY}"]
    assert [e.source for e in gate.excluded] == [f"m2e2/{QUOTES_REUTERS}"]
    assert "wire service" in gate.excluded[0].reason


def test_the_corpus_lists_every_selected_m2e2_article(shared_datasets: Path, repo: Path) -> None:
    selection = read_m2e2_selection(repo / "corpus" / "m2e2_articles.yaml")
    assert len(selection) >= 100 and sum(bool(a.get("second_pass")) for a in selection) >= 30
    documents = corpus_documents(shared_datasets, repo_root=repo)
    assert {f"m2e2-{a['id']}" for a in selection} <= set(documents)


def _record(source: str, text: str, events: list[Event] | None = None) -> Record:
    doc_id = document_id(text)
    return Record(Document(id=doc_id, text=text, source=source), AnnotationSet(doc_id, "gold", [], events or []))


def test_a_later_part_gets_its_own_proportions_and_moves_nothing() -> None:
    first = [_record(f"re3d/x/{i}", f"old document {i}") for i in range(60)]
    before = make_split(first, dev=0.1, test=0.1, seed_trials=1)
    grown = first + [_record(f"m2e2/A{i}", f"new article {i}") for i in range(300)]
    after = make_split(grown, previous=before.manifest(), parts={"m2e2/": {"dev": 0.1, "test": 0.5}})
    assert all(after.assignments[doc] == split for doc, split in before.assignments.items())
    new = [after.assignments[r.id] for r in grown[60:]]
    assert 0.4 < new.count("test") / len(new) < 0.6  # the part's own share, not the old 0.1
    assert after.settings["parts"] == {"m2e2/": {"dev": 0.1, "test": 0.5}}
    again = make_split(grown, previous=after.manifest())  # the manifest remembers the part's proportions
    assert again.assignments == after.assignments


def test_part_proportions_that_do_not_add_up_are_refused() -> None:
    with pytest.raises(Exception, match="E409"):
        make_split([_record("m2e2/A", "text")], parts={"m2e2/": {"dev": 0.6, "test": 0.6}})


def _gold_from_m2e2(shared_datasets: Path, article: str) -> Record:
    """M2E2's own annotation of one article, on the corpus's text of it (as if the project agreed fully)."""
    [document] = m2e2_documents(shared_datasets / M2E2_FILE, [{"id": article}])
    reference = m2e2_reference(shared_datasets)[article]
    doc_id = document_id(document.text)
    annotations = AnnotationSet(doc_id, "gold", list(reference.entities), list(reference.events))
    return Record(Document(id=doc_id, text=document.text, source=document.source), annotations)


def test_the_m2e2_check_scores_agreement_as_100_and_ignores_what_m2e2_cannot_mark(
    shared_datasets: Path, tmp_path: Path
) -> None:
    gold = _gold_from_m2e2(shared_datasets, VOA_ONLY)
    annotations = gold.annotations
    assert annotations.events, "the article has M2E2 events"
    first = annotations.events[0]
    # what only the project's schema has: a TIME entity, a Time argument, a Conflict:Threaten event,
    time = Entity("Tnew", 0, 3, "TIME")
    annotations.entities.append(time)
    annotations.events[0] = Event(first.id, first.type, first.trigger, [*first.arguments, Argument("Time", "Tnew")])
    annotations.events.append(Event("Enew", "Conflict:Threaten", Trigger(4, 8), []))
    # and a shared type marked generic, which the schema says to drop for ACE-comparable use
    annotations.events.append(Event("Egen", "Conflict:Attack", Trigger(9, 12), [], {"genericity": "generic"}))
    path = tmp_path / "gold.jsonl"
    write_records(path, [gold])
    check = _check(path, shared_datasets)
    assert check["documents"] == 1
    for metric in ("TI", "TC", "AI", "AC", "entities"):
        assert check["overall"][metric]["f1"] == pytest.approx(1.0), metric
    assert m2e2_disagreements(path, shared_datasets) == []


def test_the_m2e2_check_counts_a_missed_event_against_the_project(shared_datasets: Path, tmp_path: Path) -> None:
    gold = _gold_from_m2e2(shared_datasets, VOA_ONLY)
    missed = gold.annotations.events.pop(0)
    path = tmp_path / "gold.jsonl"
    write_records(path, [gold])
    check = _check(path, shared_datasets)
    assert check["overall"]["TC"]["precision"] == pytest.approx(1.0)
    assert check["overall"]["TC"]["recall"] < 1.0
    listed = [d for d in m2e2_disagreements(path, shared_datasets) if d["metric"] == "TC"]
    assert [(d["side"], d["item"][1], d["item"][3]) for d in listed] == [
        ("m2e2 only", missed.trigger.start, missed.type)
    ]


def _check(path: Path, shared_datasets: Path) -> dict:
    """m2e2_check needs every corpus document under its ``dest``: the mirror is laid out that way."""
    assert os.path.isdir(shared_datasets / "re3d")
    return m2e2_check(path, shared_datasets, n_bootstrap=50)
