"""scripts/compare_re3d_entities.py: the corpus's entities against re3d's human annotation."""

from __future__ import annotations

import json
import runpy
from pathlib import Path

import pytest

from eventcorpus.corpus import write_records
from eventcorpus.records import AnnotationSet, Document, Entity, Record, document_id
from eventcorpus.sources import corpus_documents, fetch_sources, load_sources


@pytest.mark.slow
def test_re3d_against_itself_scores_100_and_a_changed_span_is_a_disagreement(
    repo: Path, shared_datasets: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "sources"
    fetch_sources(dest, mirror=shared_datasets, sources=load_sources(repo / "corpus" / "sources.yaml"), repo_root=repo)
    documents = [d for d in corpus_documents(dest).values() if d.source.startswith("re3d/CENTCOM")][:3]
    records = []
    for doc in documents:
        entities = [Entity(f"T{i}", e.begin, e.end, e.label) for i, e in enumerate(doc.re3d_entities)]
        records.append(
            Record(Document(document_id(doc.text), doc.text), AnnotationSet(document_id(doc.text), "gold", entities))
        )
    first = records[0].annotations.entities[0]
    first.end -= 1  # one boundary disagreement: one corpus-only and one re3d-only item
    gold = tmp_path / "gold.jsonl"
    write_records(gold, records)
    figures = tmp_path / "figures.json"
    main = runpy.run_path(str(repo / "scripts" / "compare_re3d_entities.py"))["main"]
    sample = tmp_path / "sample.jsonl"
    args = [
        str(gold),
        "--dest",
        str(dest),
        "--bootstrap",
        "0",
        "--json",
        str(figures),
        "--sample",
        "5",
        "--out",
        str(sample),
    ]
    assert main(args) == 0
    total = json.loads(figures.read_text(encoding="utf-8"))["classes"]["all"]
    assert total["n_gold"] == total["n_pred"] == sum(len(r.annotations.entities) for r in records)
    assert total["tp"] == total["n_gold"] - 1
    lines = [json.loads(line) for line in sample.read_text(encoding="utf-8").splitlines()]
    assert sorted(item["side"] for item in lines) == ["project only", "re3d only"]
