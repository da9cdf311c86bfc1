"""The quieter problems: input accepted with exit 0 and not a word said about it."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from eventcorpus.cli import app
from tests.faults.bad_inputs import jsonl, record, write


def _run(*argv: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(argv))
    return result.exit_code, result.output  # stdout and stderr together


def test_duplicate_document_ids_are_refused_by_every_reader_naming_both_lines(tmp_path: Path) -> None:
    path = write(tmp_path / "dup.jsonl", jsonl(record("d1"), record("d2"), record("d1")))
    for argv in (
        ["convert", str(path), "--from", "canonical", "--to", "conll", "--out", str(tmp_path / "o.conll")],
        ["evaluate", "--gold", str(path), "--pred", str(path), "--no-ci"],
        ["stats", str(path)],
    ):
        code, output = _run(*argv)
        assert code == 1 and "E037" in output and "line 1 and again on line 3" in output, (argv, output)


def test_labels_outside_the_schema_are_named_once_with_counts_and_kept(tmp_path: Path) -> None:
    bad = record("d1")
    bad["entities"][0]["label"] = "WEAPONRY"
    other = record("d2")
    other["entities"][0]["label"] = "WEAPONRY"
    path = write(tmp_path / "labels.jsonl", jsonl(bad, other))
    out = tmp_path / "o.jsonl"
    code, output = _run("convert", str(path), "--from", "canonical", "--to", "canonical", "--out", str(out))
    assert code == 0 and output.count("kept as they are") == 1 and "WEAPONRY (2)" in output
    assert out.read_text(encoding="utf-8").count('"WEAPONRY"') == 2  # kept, not changed or dropped
    code, output = _run("convert", str(path), "--from", "canonical", "--to", "canonical", "--out", str(out), "--strict")
    assert code == 1


def test_an_empty_file_is_not_reported_as_passed(tmp_path: Path) -> None:
    path = write(tmp_path / "empty.jsonl", "")
    code, output = _run("validate", str(path))
    assert "is empty" in output and "passed" not in output and "nothing checked" in output
    code, output = _run("stats", str(path))
    assert "is empty" in output
