"""The main job end to end on the project's own corpus (slow: trains the default model)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import datasets
import pytest
from typer.testing import CliRunner

from eventcorpus.cli import app
from eventcorpus.corpus import read_records
from eventcorpus.schema import load_schema
from eventcorpus.sources import read_m2e2_selection
from eventcorpus.split import read_manifest
from eventcorpus.validate import validate


@pytest.mark.slow
def test_build_runs_end_to_end_and_then_redoes_nothing(shared_datasets: Path, repo: Path, tmp_path: Path) -> None:
    manifest = tmp_path / "split.json"
    committed = repo / "corpus" / "split.json"
    if committed.exists():
        shutil.copy(committed, manifest)
    build_dir = tmp_path / "build"
    args = ["build", "--mirror", str(shared_datasets), "--build-dir", str(build_dir), "--manifest", str(manifest)]
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "test scores" in first.output

    gold = list(read_records(build_dir / "gold.jsonl"))
    assert len(gold) == 99 + len(read_m2e2_selection())  # 98 re3d documents, the CEMO report, the M2E2 articles
    assert validate(build_dir / "gold.jsonl", schema=load_schema()).errors == 0
    if committed.exists():  # the committed manifest is stable: the build did not move anything
        assert read_manifest(manifest)["assignments"] == read_manifest(committed)["assignments"]
    agreement = json.loads((build_dir / "agreement.json").read_text(encoding="utf-8"))
    assert agreement["documents"] >= 20
    release = datasets.load_dataset(str(build_dir / "release"), "documents")
    published = {row["id"] for split in release.values() for row in split}
    cemo = next(r for r in gold if r.document.source == "cemo")
    assert cemo.id not in published
    for fmt in ("hf", "spacy", "oneie", "brat", "conll"):
        assert any((build_dir / "export" / fmt).iterdir())
    # gold is the passes merged by the committed decisions, and says so in every row
    adjudication = gold[0].annotations.meta["adjudication"]
    assert adjudication["strategy"] == "decisions" and adjudication["decisions_file"] == "decisions.jsonl"
    summary = json.loads((build_dir / "steps" / "adjudicate.json").read_text(encoding="utf-8"))
    assert sum(summary["decisions"]["counts"].values()) == sum(summary["conflicts"].values())
    assert set(summary["with_gold"]) == {"pass1", "pass2"}
    card = (build_dir / "release" / "README.md").read_text(encoding="utf-8")
    assert "- machine-generated" in card and "expert-generated" not in card
    assert "**Machine-made annotations, never reviewed by a person.**" in card
    readme = (repo / "corpus" / "README.md").read_text(encoding="utf-8")

    second = CliRunner().invoke(app, [*args, "--json"])
    assert second.exit_code == 0, second.output
    steps = {s["name"]: s["ran"] for s in json.loads(second.stdout)["steps"]}
    assert not any(ran for name, ran in steps.items()), steps
    assert (repo / "corpus" / "README.md").read_text(encoding="utf-8") == readme  # the generated block is stable


def test_a_step_that_failed_half_way_is_not_up_to_date(tmp_path: Path) -> None:
    from eventcorpus.build import BuildSettings, _Runner

    runner = _Runner(BuildSettings(build_dir=tmp_path), lambda _: None)
    output = tmp_path / "out.txt"
    runner.settings_file.parent.mkdir(parents=True, exist_ok=True)
    runner.settings_file.write_text("{}", encoding="utf-8")

    def fail_after_writing() -> dict:
        output.write_text("half", encoding="utf-8")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        runner.run("step", [], [output], fail_after_writing)
    ran = runner.run("step", [], [output], lambda: {"ok": True})
    assert ran.ran
    assert not runner.run("step", [], [output], lambda: {"ok": True}).ran


def test_up_to_date_with_an_empty_output_folder(tmp_path: Path) -> None:
    from eventcorpus.build import up_to_date

    (tmp_path / "out").mkdir()
    (tmp_path / "in.txt").write_text("x", encoding="utf-8")
    assert not up_to_date([tmp_path / "out"], [tmp_path / "in.txt"])


def test_a_backup_kept_inside_an_output_folder_does_not_make_it_stale(tmp_path: Path) -> None:
    """Exports keep their former selves as NAME.<time>.bak: a rebuild must not redo the step for them."""
    from eventcorpus.build import up_to_date

    source = tmp_path / "gold.jsonl"
    source.write_text("{}\n", encoding="utf-8")
    out = tmp_path / "export"
    (out / "hf.20260101T000000Z.bak").mkdir(parents=True)
    old = out / "hf.20260101T000000Z.bak" / "README.md"
    old.write_text("old", encoding="utf-8")
    os.utime(old, (0, 0))
    (out / "hf").mkdir()
    (out / "hf" / "README.md").write_text("new", encoding="utf-8")
    assert up_to_date([out], [source])
