"""Provenance declared once (passes.yaml), the honest card derived from it, and the check (E609)."""

from __future__ import annotations

from pathlib import Path

import pytest
from huggingface_hub import DatasetCard

from eventcorpus import publish as publish_module
from eventcorpus.build import update_generated_block
from eventcorpus.card import CardInfo
from eventcorpus.errors import EventCorpusError
from eventcorpus.provenance import card_provenance_problems, check_declared, load_provenance
from eventcorpus.publish import build_release
from eventcorpus.schema import load_schema
from eventcorpus.split import read_manifest
from tests.release_fixture import write_fixture

REPO = Path(__file__).parents[1]
SUMMARY = {
    "strategy": "decisions",
    "documents": 9,
    "single_annotator_documents": 7,
    "entities": 40,
    "events": 12,
    "arguments": 20,
    "conflicts": {"orphan_argument": 1, "tie": 6},
    "decisions": {
        "file": "decisions.jsonl",
        "sha256": "ab" * 32,
        "counts": {"pass1": 3, "pass2": 2, "both": 1, "neither": 0, "edit": 1},
    },
    "with_gold": {
        "pass1": {
            "documents": 2,
            "exact": {"TC": {"value": 0.875, "items": 8}, "entities": {"value": 0.9, "items": 10}},
        },
        "pass2": {"documents": 2, "exact": {"TC": {"value": 0.5, "items": 8}, "entities": {"value": 0.8, "items": 10}}},
    },
}
PASSES = """
passes:
  pass1: {file: pass1.jsonl, made_by: language-model annotation agents, creator: machine-generated,
          reviewed_by_person: false, independent_of: [], guidelines_version: v1, date: "2026-01-01"}
  pass2: {file: pass2.jsonl, made_by: language-model annotation agents, creator: machine-generated,
          reviewed_by_person: false, independent_of: [pass1], guidelines_version: v1, date: "2026-01-02"}
adjudication: {decisions: decisions.jsonl, made_by: language-model agents, creator: machine-generated,
               reviewed_by_person: false}
"""


@pytest.fixture()
def provenance(tmp_path):
    path = tmp_path / "passes.yaml"
    path.write_text(PASSES, encoding="utf-8")
    return load_provenance(path)


def test_the_corpus_declares_every_pass_machine_made_and_unreviewed() -> None:
    declared = load_provenance(REPO / "corpus" / "annotations" / "passes.yaml")
    assert declared.creators() == ["machine-generated"] and not declared.reviewed_by_person
    assert declared.passes["pass2"].independent_of == ("pass1",)
    standoff = sorted(p for p in (REPO / "corpus" / "annotations").glob("*.jsonl") if p.name != "decisions.jsonl")
    check_declared(declared, standoff)


@pytest.mark.parametrize(
    "text",
    [
        "passes: {}",
        "passes: {pass1: {made_by: x, creator: experts, reviewed_by_person: false}}",
        "passes: {pass1: {made_by: x, creator: found}}",
        "passes: {pass1: {made_by: x, creator: found, reviewed_by_person: false, independent_of: [pass9]}}",
        "passes: [",
    ],
)
def test_a_malformed_passes_file_is_e720(tmp_path, text: str) -> None:
    path = tmp_path / "passes.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(EventCorpusError) as caught:
        load_provenance(path)
    assert caught.value.code == "E720" and caught.value.file == str(path)


def test_a_pass_file_without_an_entry_is_e721(provenance, tmp_path) -> None:
    with pytest.raises(EventCorpusError) as caught:
        check_declared(provenance, [tmp_path / "pass1.jsonl", tmp_path / "pass2.jsonl", tmp_path / "pass3.jsonl"])
    assert caught.value.code == "E721" and "pass3.jsonl" in caught.value.detail


def _release(tmp_path: Path, info: CardInfo):
    gold, manifest_path, records = write_fixture(tmp_path)
    return build_release(
        list(records.values()),
        read_manifest(manifest_path),
        tmp_path / "out",
        schema=load_schema(),
        repo_id="org/x",
        info=info,
    )


def test_the_card_says_machine_made_first_and_gives_the_builds_figures(tmp_path, provenance) -> None:
    built = _release(tmp_path, CardInfo(provenance=provenance, adjudication=SUMMARY))
    card = DatasetCard.load(Path(built.folder) / "README.md")
    assert card.data.to_dict()["annotations_creators"] == ["machine-generated"]
    opening = card.text.strip().splitlines()[2]
    assert opening.startswith("**Machine-made annotations, never reviewed by a person.** Passes: pass1: language-model")
    assert (
        "pass2: language-model annotation agents (machine-generated, 2026-01-02, guidelines v1; made without seeing pass1)"
        in opening
    )
    assert "`gold` annotator is **adjudicated**, not expert gold" in opening and "expert-generated" not in card.text
    assert "7 conflicts between the passes (1 orphan_argument, 6 tie)" in card.text
    assert (
        "| pass1 | pass2 | both | neither | edited |\n| --- | --- | --- | --- | --- |\n| 3 | 2 | 1 | 0 | 1 |"
        in card.text
    )
    assert "| pass1 | 2 | 87.5 | 90.0 |" in card.text and "| pass2 | 2 | 50.0 | 80.0 |" in card.text
    assert card_provenance_problems((Path(built.folder) / "README.md").read_text(), provenance) == []


def test_without_a_declaration_the_card_claims_no_creator(tmp_path) -> None:
    built = _release(tmp_path, CardInfo())
    assert "annotations_creators" not in DatasetCard.load(Path(built.folder) / "README.md").data.to_dict()


def test_a_card_disagreeing_with_the_declaration_fails_the_release(tmp_path, provenance, monkeypatch) -> None:
    real = publish_module.render_card

    def claims_experts(inputs):
        card, licence = real(inputs)
        return card.replace("- machine-generated", "- expert-generated", 1), licence

    monkeypatch.setattr(publish_module, "render_card", claims_experts)
    with pytest.raises(EventCorpusError) as caught:
        _release(tmp_path, CardInfo(provenance=provenance))
    assert caught.value.code == "E609" and "expert-generated" in caught.value.detail


def test_generated_block_is_rewritten_only_when_its_text_changes(tmp_path) -> None:
    readme = tmp_path / "README.md"
    begin, end = (
        "<!-- generated: adjudication (by eventcorpus build; do not edit) -->",
        "<!-- end generated: adjudication -->",
    )
    readme.write_text(f"# Corpus\n\n{begin}\nold\n{end}\n\nafter\n", encoding="utf-8")
    assert update_generated_block(readme, "adjudication", "3 pass1, 2 pass2")
    assert readme.read_text() == f"# Corpus\n\n{begin}\n3 pass1, 2 pass2\n{end}\n\nafter\n"
    assert not update_generated_block(readme, "adjudication", "3 pass1, 2 pass2")
    readme.write_text("# no markers\n", encoding="utf-8")
    with pytest.raises(EventCorpusError) as caught:
        update_generated_block(readme, "adjudication", "x")
    assert caught.value.code == "E004"
