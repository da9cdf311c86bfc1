"""Progress on stderr: a bar on a terminal, plain lines away from one, nothing when quiet.

Regression for issue 20: away from a terminal (CI, a log file, a pipe) a long train,
predict or build said nothing between its first and last line.
"""

from __future__ import annotations

import io
import itertools
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eventcorpus import progress
from eventcorpus.cli import app
from eventcorpus.corpus import write_records
from eventcorpus.progress import progress_line, track


class Terminal(io.StringIO):
    """A stream that says it is a terminal, as stderr is in an interactive shell."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def fake_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each reading of the clock is one second after the previous one."""
    ticks = itertools.count()
    monkeypatch.setattr(progress, "monotonic", lambda: float(next(ticks)))


def test_progress_line_reads_as_counts_and_percent() -> None:
    assert progress_line("predicting", 320, 1000, "documents") == "predicting: 320/1,000 documents (32 %)"
    assert progress_line("ingesting", 12, None, "files") == "ingesting: 12 files"


def test_away_from_a_terminal_a_line_at_every_tenth(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "PLAIN_DELAY_S", 0.0)
    monkeypatch.setattr(progress, "PLAIN_EVERY_S", 1e9)
    stream = io.StringIO()
    batches = [list(range(50))] * 20  # 1,000 documents in batches of 50
    assert list(track(batches, "predicting", 1000, unit="documents", size=len, stream=stream)) == batches
    lines = stream.getvalue().splitlines()
    assert lines[:9] == [f"predicting: {100 * k}/1,000 documents ({10 * k} %)" for k in range(1, 10)]
    assert re.fullmatch(r"predicting: 1,000/1,000 documents \(100 %\) in \d+\.\d s", lines[9])
    assert len(lines) == 10


def test_away_from_a_terminal_a_line_every_n_seconds_without_a_total(
    monkeypatch: pytest.MonkeyPatch, fake_clock: None
) -> None:
    monkeypatch.setattr(progress, "PLAIN_DELAY_S", 0.0)
    monkeypatch.setattr(progress, "PLAIN_EVERY_S", 5.0)
    stream = io.StringIO()
    list(track(range(12), "reading", unit="lines", stream=stream))
    # one clock reading per item after the start one: seconds 1..12; lines at 5 and 10
    assert stream.getvalue().splitlines() == ["reading: 5 lines", "reading: 10 lines", "reading: 12 lines in 13.0 s"]


def test_a_short_step_away_from_a_terminal_writes_nothing() -> None:
    stream = io.StringIO()
    assert list(track(range(100), "predicting", 100, stream=stream)) == list(range(100))
    assert stream.getvalue() == ""  # done well within PLAIN_DELAY_S


def test_a_slow_step_says_when_it_is_done(monkeypatch: pytest.MonkeyPatch, fake_clock: None) -> None:
    monkeypatch.setattr(progress, "PLAIN_EVERY_S", 1e9)
    stream = io.StringIO()
    list(track(range(2), "training", 2, unit="batches", stream=stream))
    # past PLAIN_DELAY_S (2 s) only at the last item: the closing line alone
    assert stream.getvalue() == "training: 2/2 batches (100 %) in 3.0 s\n"


def test_quiet_writes_nothing_anywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "PLAIN_DELAY_S", 0.0)
    for stream in (io.StringIO(), Terminal()):
        assert list(track(range(10), "predicting", 10, quiet=True, stream=stream)) == list(range(10))
        assert stream.getvalue() == ""


def test_on_a_terminal_a_bar_not_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "PLAIN_DELAY_S", 0.0)
    stream = Terminal()
    batches = [[1, 2, 3]] * 4
    assert list(track(batches, "predicting", 12, unit="documents", size=len, stream=stream)) == batches
    drawn = stream.getvalue()
    assert "predicting" in drawn and "12/12" in drawn  # counted in documents, not batches
    assert "documents (" not in drawn


def test_ingest_away_from_a_terminal_reports_progress_on_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(progress, "PLAIN_DELAY_S", 0.0)
    for i in range(3):
        (tmp_path / f"a{i}.txt").write_text(f"Title {i}\n\nFighting was reported in town number {i}.\n")
    result = CliRunner().invoke(app, ["ingest", str(tmp_path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert re.search(r"^ingesting: 3/3 files \(100 %\) in \d+\.\d s$", result.stderr, re.M), result.stderr
    assert "ingesting" not in result.stdout


@pytest.mark.slow
def test_train_and_predict_away_from_a_terminal_report_progress(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_model import synthetic_records

    monkeypatch.setattr(progress, "PLAIN_DELAY_S", 0.0)
    train, dev, docs = tmp_path / "train.jsonl", tmp_path / "dev.jsonl", tmp_path / "docs.jsonl"
    write_records(train, synthetic_records(40, seed=1))
    write_records(dev, synthetic_records(15, seed=2))
    write_records(docs, synthetic_records(30, seed=3))
    config = tmp_path / "tiny.yaml"
    config.write_text("name: tiny\nversion: 0.0.1\nseed: 3\nentities: {max_epochs: 2, patience: 1, batch_size: 10}\n")
    runner = CliRunner()
    trained = runner.invoke(
        app, ["train", "--train", str(train), "--dev", str(dev), "--out", str(tmp_path / "m"), "--config", str(config)]
    )
    assert trained.exit_code == 0, trained.output
    assert re.search(r"^ner epoch 1: \d+/40 examples \(\d+ %\)$", trained.stderr, re.M), trained.stderr
    assert re.search(r"^ner epoch 1: 40/40 examples \(100 %\) in ", trained.stderr, re.M)
    predicted = runner.invoke(
        app, ["predict", str(tmp_path / "m"), str(docs), "--out", str(tmp_path / "p.jsonl"), "--batch-size", "10"]
    )
    assert predicted.exit_code == 0, predicted.output
    lines = [line for line in predicted.stderr.splitlines() if line.startswith("predicting:")]
    assert lines[:2] == ["predicting: 10/30 documents (33 %)", "predicting: 20/30 documents (66 %)"]
    assert re.fullmatch(r"predicting: 30/30 documents \(100 %\) in \d+\.\d s", lines[2])
