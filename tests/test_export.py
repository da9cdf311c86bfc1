"""export: one output per split in each format's layout, read back by the format's own consumer."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import datasets
import pytest
from spacy.tokens import DocBin
from typer.testing import CliRunner

from eventcorpus.cli import app
from eventcorpus.corpus import read_records
from eventcorpus.errors import EventCorpusError
from eventcorpus.export import LAYOUT, export
from eventcorpus.formats import get_format
from eventcorpus.schema import load_schema
from eventcorpus.split import read_manifest
from eventcorpus.tokens import blank_pipeline
from tests.release_fixture import SPLITS, make_record, write_fixture

runner = CliRunner()
EXPECTED = Counter(SPLITS.values())  # documents per split in the fixture manifest


@pytest.fixture(scope="module")
def fixture(tmp_path_factory):
    root = tmp_path_factory.mktemp("export")
    gold, manifest, records = write_fixture(root)
    return root, gold, read_manifest(manifest), records


LOSSLESS = ("brat", "canonical", "doccano", "oneie", "spacy")  # hold every item of the fixture exactly


@pytest.mark.parametrize("fmt", sorted(LAYOUT))
def test_export_reads_back_with_the_formats_reader(fixture, fmt):
    root, gold, manifest, records = fixture
    schema = load_schema()
    out = root / f"out-{fmt}"
    report = export(lambda: read_records(gold), manifest, fmt, out, schema=schema)
    assert {name: part.documents for name, part in report.splits.items()} == EXPECTED
    module = get_format(fmt)
    for split in EXPECTED:
        path = out / LAYOUT[fmt].format(split=split)
        back = sorted(module.read(path, schema=schema, options={}), key=lambda r: r.id)
        originals = sorted((records[n] for n, s in SPLITS.items() if s == split), key=lambda r: r.id)
        assert [r.id for r in back] == [r.id for r in originals]
        if fmt != "m2e2":  # M2E2 keeps tokens, not the text: it reads back tokens joined by spaces
            assert [r.document.text for r in back] == [r.document.text for r in originals]
        if fmt in LOSSLESS:
            assert [r.to_dict() for r in back] == [r.to_dict() for r in originals]
    if fmt in LOSSLESS:
        assert report.dropped == []
    elif fmt == "conll":  # no arguments at all, and the nested ISIS inside "ISIS weapons depot"
        kinds = Counter(d.kind for d in report.dropped)
        assert kinds == {"argument": 13, "entity": 1}
    elif fmt == "m2e2":  # labels outside the M2E2 inventory
        reasons = {d.reason for d in report.dropped}
        assert "event type Movement:Deploy has no M2E2 label" in reasons and len(report.dropped) == 6


def test_spacy_export_is_a_docbin_per_split(fixture):
    root, gold, manifest, records = fixture
    out = root / "spacy-docbin"
    export(list(read_records(gold)), manifest, "spacy", out, schema=load_schema())
    vocab = blank_pipeline().vocab
    for split, count in EXPECTED.items():
        docs = list(DocBin().from_disk(out / f"{split}.spacy").get_docs(vocab))
        assert len(docs) == count
    train = list(DocBin().from_disk(out / "train.spacy").get_docs(vocab))
    assert any(ent.label_ == "GPE" and ent.text == "Raqqa" for doc in train for ent in doc.ents)


def test_hf_export_is_one_datasetdict_folder(fixture, monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", True)
    root, gold, manifest, records = fixture
    out = root / "hf"
    report = export(lambda: read_records(gold), manifest, "hf", out, schema=load_schema())
    loaded = datasets.load_dataset(str(out), cache_dir=str(root / "cache"))
    assert {split: loaded[split].num_rows for split in loaded} == EXPECTED
    assert report.splits["train"].path.endswith("train-00000-of-00001.parquet")
    back = list(get_format("hf").read(out, schema=load_schema(), options={"cache_dir": str(root / "cache2")}))
    assert {r.id: r.document.meta["split"] for r in back} == {records[n].id: s for n, s in SPLITS.items()}


def test_documents_missing_from_the_manifest_fail_unless_allowed(fixture):
    root, gold, manifest, records = fixture
    extra = make_record("Troops withdrew from Kirkuk.", source="x", licence="CC-BY-4.0", entities=[], events=[])
    items = [*records.values(), extra]
    with pytest.raises(EventCorpusError) as caught:
        export(items, manifest, "canonical", root / "missing", schema=load_schema())
    assert caught.value.code == "E600" and extra.id in str(caught.value)
    assert not (root / "missing").exists()
    report = export(items, manifest, "canonical", root / "missing", schema=load_schema(), allow_unassigned=True)
    assert report.unassigned == [extra.id]
    assert sum(p.documents for p in report.splits.values()) == len(records)


def test_export_keeps_an_existing_folder_and_reports_drops(fixture):
    root, gold, manifest, records = fixture
    out = root / "again"
    export(list(records.values()), manifest, "conll", out, schema=load_schema())
    report = export(list(records.values()), manifest, "conll", out, schema=load_schema())
    assert len(list(root.glob("again.*.bak"))) == 1
    reasons = " ".join(d.reason for d in report.splits["train"].dropped)
    assert report.splits["train"].dropped and "argument" in {d.kind for d in report.dropped}, reasons


def test_unknown_split_name_and_format_are_usage_errors(fixture):
    root, gold, manifest, records = fixture
    with pytest.raises(EventCorpusError) as caught:
        export(list(records.values()), manifest, "re3d", root / "x", schema=load_schema())
    assert caught.value.code == "E602"
    bad = {**manifest, "assignments": {k: "train/../x" for k in manifest["assignments"]}}
    with pytest.raises(EventCorpusError) as caught:
        export(list(records.values()), bad, "canonical", root / "x", schema=load_schema())
    assert caught.value.code == "E601"


def test_cli_export(fixture):
    root, gold, manifest, records = fixture
    manifest_path = root / "split.json"
    out = root / "cli-out"
    result = runner.invoke(
        app, ["export", str(gold), "--split", str(manifest_path), "--to", "oneie", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "train: 6 documents" in result.output and (out / "test.jsonl").is_file()
    bad = runner.invoke(app, ["export", str(gold), "--split", str(manifest_path), "--to", "nope", "--out", str(out)])
    assert bad.exit_code == 2 and "E602" in bad.output
    strict = runner.invoke(
        app, ["export", str(gold), "--split", str(manifest_path), "--to", "conll", "--out", str(out), "--strict"]
    )
    assert strict.exit_code == 1 and "items conll cannot hold" in strict.output
    utf16 = runner.invoke(
        app,
        [
            "export",
            str(gold),
            "--split",
            str(manifest_path),
            "--to",
            "doccano",
            "--out",
            str(out),
            "--offset-mode",
            "utf16",
        ],
    )
    assert utf16.exit_code == 0, utf16.output


def test_export_to_a_path_under_a_missing_parent(tmp_path):
    gold, manifest_path, records = write_fixture(tmp_path)
    report = export(
        list(records.values()), read_manifest(manifest_path), "canonical", tmp_path / "a" / "b", schema=load_schema()
    )
    assert Path(report.splits["dev"].path).is_file()
