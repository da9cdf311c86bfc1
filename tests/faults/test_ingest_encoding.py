"""Regression tests (issue 18): an English Latin-1 file read as Mac Icelandic ("Iräq" became "Ir‰q"), noted
only in provenance."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eventcorpus.cli import app
from eventcorpus.ingest import decode_bytes

RUNNER = CliRunner()


@pytest.mark.parametrize(
    "text",
    [
        "Attack in Iräq, says Müller.",  # mac_iceland and mac_latin2 are among the candidates
        "Rockets struck near the airport in Iräq on Monday. Two soldiers were wounded.",
    ],
)
def test_latin1_english_prefers_a_western_encoding_and_says_it_is_unsure(text: str) -> None:
    decoded, info = decode_bytes(text.encode("latin-1"), "x.txt")
    assert decoded == text
    assert info["encoding"] == "cp1252" and info["low_confidence"] is True
    assert info["considered"][0] == "cp1252" and len(info["considered"]) > 1


def test_ingest_warns_naming_the_file_and_the_encodings_considered(tmp_path: Path) -> None:
    source = tmp_path / "latin1.txt"
    source.write_bytes("Attack in Iräq, says Müller.\n".encode("latin-1"))
    result = RUNNER.invoke(app, ["ingest", str(source), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "⚠" in result.output and "latin1.txt" in result.output and "mac_iceland" in result.output
    record = json.loads((tmp_path / "out" / "documents.jsonl").read_text(encoding="utf-8"))
    assert "Iräq" in record["text"] and "Müller" in record["text"]
    report = json.loads((tmp_path / "out" / "ingest_report.json").read_text(encoding="utf-8"))
    assert len(report["warnings"]) == 1


def test_utf8_files_are_not_guessed_at_all() -> None:
    decoded, info = decode_bytes("Attack in Iräq.".encode(), "x.txt")
    assert decoded == "Attack in Iräq." and info == {"encoding": "utf-8"}
