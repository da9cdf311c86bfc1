"""The convert library function and the ``eventcorpus convert`` command."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eventcorpus.cli import app
from eventcorpus.convert import convert
from eventcorpus.corpus import read_records, write_records
from eventcorpus.errors import EventCorpusError
from eventcorpus.formats._shared import output_folder
from eventcorpus.records import AnnotationSet, Argument, Document, Entity, Event, Record, Trigger, document_id

RUNNER = CliRunner()


def _records() -> list[Record]:
    text = "Kataib Hezbollah 👩\u200d👩\u200d👧 fired rockets at Ayn al-Assad.\r\nالعراق condemned it."
    doc = Document(id=document_id(text), text=text, title="Bases attacked", licence="CC-BY-4.0", meta={"split": "dev"})
    entities = [
        Entity("T1", 0, 16, "ORG"),
        Entity("T2", 0, 6, "ORG"),
        Entity("T3", 29, 36, "WEA"),
        Entity("T4", 40, 52, "FAC"),
    ]
    events = [
        Event(
            "E1",
            "Conflict:Attack",
            Trigger(23, 28),
            [Argument("Attacker", "T1"), Argument("Target", "T4")],
            {"polarity": "positive"},
        )
    ]
    return [Record(doc, AnnotationSet(doc.id, "alice", entities, events))]


@pytest.fixture
def canonical(tmp_path: Path) -> Path:
    path = tmp_path / "in.jsonl"
    write_records(path, _records())
    return path


def test_chain_through_every_lossless_format_is_identity(
    tmp_path: Path, canonical: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    steps = [
        ("canonical", "doccano", "a.jsonl"),
        ("doccano", "brat", "b"),
        ("brat", "spacy", "c.spacy"),
        ("spacy", "hf", "d"),
        ("hf", "canonical", "e.jsonl"),
    ]
    current = canonical
    for source, target, name in steps:
        options = {"offset_mode": "utf16", "cache_dir": str(tmp_path / "cache")}
        report = convert(current, source, target, tmp_path / name, options=options)
        assert report.documents == 1 and not report.dropped, (source, target, report.dropped)
        current = tmp_path / name
    assert [r.to_dict() for r in read_records(current)] == [r.to_dict() for r in _records()]


def test_cli_lists_every_dropped_item_and_strict_exits_1(tmp_path: Path, canonical: Path) -> None:
    result = RUNNER.invoke(
        app, ["convert", str(canonical), "--from", "canonical", "--to", "conll", "--out", str(tmp_path / "x.conll")]
    )
    assert result.exit_code == 0, result.output
    assert "1 documents, 4 entities, 1 events" in result.output
    assert f"dropped entity T2 in document {_records()[0].id} at offset 0: overlaps T1" in result.output
    assert (
        "dropped argument E1/Attacker:T1" in result.output and "dropped attribute E1/polarity=positive" in result.output
    )
    assert "dropped in total: 4" in result.output
    strict = RUNNER.invoke(
        app,
        [
            "convert",
            str(canonical),
            "--from",
            "canonical",
            "--to",
            "conll",
            "--out",
            str(tmp_path / "y.conll"),
            "--strict",
        ],
    )
    assert strict.exit_code == 1


def test_cli_json_and_backup_of_an_existing_output(tmp_path: Path, canonical: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("old\n", encoding="utf-8")
    args = [
        "convert",
        str(canonical),
        "--from",
        "canonical",
        "--to",
        "doccano",
        "--out",
        str(out),
        "--offset-mode",
        "grapheme",
        "--json",
    ]
    result = RUNNER.invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["documents"] == 1 and data["dropped_total"] == 0
    assert [p.read_text(encoding="utf-8") for p in tmp_path.glob("out.jsonl.*.bak")] == ["old\n"]
    line = json.loads(out.read_text(encoding="utf-8"))
    assert line["eventcorpus"]["offset_mode"] == "grapheme"
    assert line["entities"][2]["start_offset"] == 25  # the ZWJ family emoji is one grapheme


def test_cli_errors_are_coded(tmp_path: Path, canonical: Path) -> None:
    unknown = RUNNER.invoke(
        app, ["convert", str(canonical), "--from", "canonical", "--to", "xml", "--out", str(tmp_path / "x")]
    )
    assert unknown.exit_code == 2 and "E017" in unknown.output
    missing = RUNNER.invoke(
        app,
        ["convert", str(tmp_path / "nope.jsonl"), "--from", "canonical", "--to", "conll", "--out", str(tmp_path / "x")],
    )
    assert missing.exit_code == 2 and "E004" in missing.output
    bad_mode = RUNNER.invoke(
        app,
        [
            "convert",
            str(canonical),
            "--from",
            "canonical",
            "--to",
            "doccano",
            "--out",
            str(tmp_path / "x"),
            "--offset-mode",
            "bytes",
        ],
    )
    assert bad_mode.exit_code == 2 and "E017" in bad_mode.output


def test_same_input_and_output_is_refused(canonical: Path) -> None:
    with pytest.raises(EventCorpusError) as info:
        convert(canonical, "canonical", "canonical", canonical)
    assert info.value.code == "E109"


def test_docs_table_has_a_row_per_format(repo: Path) -> None:
    from eventcorpus.formats import FORMATS

    table = (repo / "docs" / "formats.md").read_text(encoding="utf-8")
    for name in FORMATS:
        assert f"\n| `{name}` |" in table, name


def test_cli_reports_what_the_reader_could_not_carry(tmp_path: Path, repo: Path) -> None:
    source = repo / "tests" / "data" / "formats" / "brat_plain"
    args = [
        "convert",
        str(source),
        "--from",
        "brat",
        "--to",
        "canonical",
        "--out",
        str(tmp_path / "o.jsonl"),
        "--annotator",
        "carol",
    ]
    result = RUNNER.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "dropped relation R1" in result.output and "dropped note #1" in result.output
    assert "dropped in total: 2" in result.output
    (record,) = read_records(tmp_path / "o.jsonl")
    assert record.annotations.annotator == "carol" and len(record.annotations.events) == 2


def test_output_folder_made_folders_owner_only(tmp_path: Path) -> None:
    """Folder outputs (brat, spacy, hf, export, publish) used to keep mkdtemp's 0700."""
    old_umask = os.umask(0o022)
    try:
        with output_folder(tmp_path / "out") as folder:
            (folder / "a.txt").write_text("a", encoding="utf-8")
        assert stat.S_IMODE((tmp_path / "out").stat().st_mode) == 0o755
    finally:
        os.umask(old_umask)


def test_output_folder_under_a_file_raised_traceback(tmp_path: Path) -> None:
    """A folder output below a file used to end in FileExistsError; now E030 naming it."""
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    with pytest.raises(EventCorpusError) as info, output_folder(tmp_path / "afile" / "out"):
        pass
    assert (info.value.code, info.value.file) == ("E030", str(tmp_path / "afile" / "out"))
