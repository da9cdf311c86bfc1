"""Regression tests (issue 18): writers that emptied a file, replaced their own input, or hinted wrongly."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from eventcorpus.cli import app
from tests.faults.bad_inputs import jsonl, record, write

RUNNER = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    result = RUNNER.invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def _gold(tmp_path: Path) -> Path:
    return write(tmp_path / "gold.jsonl", jsonl(record("d1", "gold"), record("d2", "gold")))


def test_evaluate_errors_emptied_the_gold_file_given_as_gold(tmp_path: Path) -> None:
    gold = _gold(tmp_path)
    before = gold.read_bytes()
    code, output = _run("evaluate", "--gold", gold, "--pred", gold, "--errors", gold, "--no-ci")
    assert code == 2 and "E036" in output
    assert gold.read_bytes() == before


def test_evaluate_errors_kept_no_backup_of_an_existing_file(tmp_path: Path) -> None:
    gold = _gold(tmp_path)
    errors = write(tmp_path / "errors.jsonl", "earlier error list\n")
    code, _ = _run("evaluate", "--gold", gold, "--pred", gold, "--errors", errors, "--no-ci")
    assert code == 0
    backups = list(tmp_path.glob("errors.jsonl.*.bak"))
    assert len(backups) == 1 and backups[0].read_text() == "earlier error list\n"


def test_stats_report_turned_its_input_into_markdown(tmp_path: Path) -> None:
    gold = _gold(tmp_path)
    before = gold.read_bytes()
    code, output = _run("stats", gold, "--report", gold)
    assert code == 2 and "E036" in output and gold.read_bytes() == before


def test_stats_report_kept_no_backup_of_an_existing_report(tmp_path: Path) -> None:
    gold = _gold(tmp_path)
    report = write(tmp_path / "report.md", "# my notes\n")
    code, _ = _run("stats", gold, "--report", report)
    assert code == 0 and report.read_text().startswith("#") and report.read_text() != "# my notes\n"
    assert [p.read_text() for p in tmp_path.glob("report.md.*.bak")] == ["# my notes\n"]


def test_split_out_pointing_at_the_input_was_read_as_an_old_manifest(tmp_path: Path) -> None:
    gold = _gold(tmp_path)
    before = gold.read_bytes()
    code, output = _run("split", gold, "--out", gold)
    assert code == 2 and "E036" in output and "E005" not in output and gold.read_bytes() == before


def test_utf16_input_was_told_to_convert_from_cp1252(tmp_path: Path) -> None:
    path = write(tmp_path / "u16.jsonl", (json.dumps(record()) + "\n").encode("utf-16"))
    code, output = _run("convert", path, "--from", "canonical", "--to", "brat", "--out", tmp_path / "o")
    assert code == 1 and "E014" in output and "UTF-16" in output and "CP1252" not in output


def test_unterminated_string_said_starting_at_at(tmp_path: Path) -> None:
    path = write(tmp_path / "cut.jsonl", '{"id": "d1", "text": "Kataib')  # a line cut short by a killed writer
    code, output = _run("convert", path, "--from", "canonical", "--to", "brat", "--out", tmp_path / "o")
    assert code == 1 and "E005" in output and "Unterminated string starting at column 22" in output


def test_hidden_temporaries_of_a_killed_write_piled_up(tmp_path: Path) -> None:
    """Regression: kill -9 left ``.out.jsonl.*.tmp`` files that the next run neither reused nor removed."""
    import os
    import time

    gold = _gold(tmp_path)
    stale = write(tmp_path / ".out.jsonl.abc123.tmp", '{"id": "d1", "te')
    live = write(tmp_path / ".out.jsonl.def456.tmp", "a writer still at work")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    code, _ = _run("convert", gold, "--from", "canonical", "--to", "canonical", "--out", tmp_path / "out.jsonl")
    assert code == 0 and not stale.exists() and live.exists()
    assert (tmp_path / "out.jsonl").read_text(encoding="utf-8").count("\n") == 2


def test_a_text_of_a_million_characters_ended_in_spacy_e088() -> None:
    """Regression: predict, train and publish raised spaCy's ValueError [E088] for texts of 1,000,000+ characters."""
    from eventcorpus.extract.components import blank_nlp
    from eventcorpus.tokens import make_doc

    text = "Rockets hit the base. " * 50_000  # 1,100,000 characters
    assert len(make_doc(text)) > 200_000
    assert len(list(blank_nlp()(text).sents)) == 50_000
