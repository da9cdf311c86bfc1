"""Regression tests (issue 18): ids that escaped the output folder, zip members that dropped an
annotator or exploded in memory, doccano export lines that ended in a traceback."""

from __future__ import annotations

import json
import resource
from pathlib import Path

import pytest

from eventcorpus.convert import convert
from eventcorpus.doccano.sync import _export_members
from eventcorpus.errors import EventCorpusError
from eventcorpus.paths import inside, original_name, safe_name
from eventcorpus.ziplimits import ZipLimits
from tests.faults.bad_inputs import bomb, doccano_line, jsonl, record, write, zip_bytes


@pytest.mark.parametrize(
    "name", ["../../victim", "/etc/passwd", "a/b", "a\\b", "..", ".", ".hidden", "tab\there", "nul\x00", "50%", "x."]
)
def test_safe_name_keeps_every_id_one_file_inside_the_folder(tmp_path: Path, name: str) -> None:
    escaped = safe_name(name)
    assert "/" not in escaped and "\\" not in escaped and not escaped.startswith(".")
    assert all(ch.isprintable() for ch in escaped)
    assert original_name(escaped) == name
    assert inside(tmp_path, name, suffix=".txt").parent == tmp_path


def test_ordinary_ids_stay_as_they_are() -> None:
    for name in ("33a5c0a27bc92d2c", "alice", "doc-1.v2", "Iräq_report", "pass1"):
        assert safe_name(name) == name


def test_empty_or_overlong_names_are_refused(tmp_path: Path) -> None:
    for name in ("", "x" * 300):
        with pytest.raises(EventCorpusError) as caught:
            inside(tmp_path, name)
        assert caught.value.code == "E031"


def test_document_id_wrote_outside_the_brat_output_folder(tmp_path: Path) -> None:
    """Regression: id ``../../victim`` made ``convert --to brat --out sub/o`` overwrite ./victim.txt."""
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    victim = tmp_path / "a" / "victim.txt"
    victim.write_text("precious\n")
    source = write(work / "in.jsonl", jsonl(record("../../victim"), record("../victim", "bob")))
    convert(source, "canonical", "brat", work / "sub" / "o")
    assert victim.read_text() == "precious\n"
    written = sorted(p.name for p in (work / "sub" / "o").iterdir())
    assert "%2E.%2F..%2Fvictim.txt" in written and "%2E.%2Fvictim.ann" in written
    back = convert(work / "sub" / "o", "brat", "canonical", work / "back.jsonl")
    assert back.documents == 2
    ids = {json.loads(line)["id"] for line in (work / "back.jsonl").read_text().splitlines()}
    assert ids == {"../../victim", "../victim"}  # the round trip keeps the id, only the file name is escaped


def test_annotator_name_becomes_a_zip_member_inside_the_archive(tmp_path: Path) -> None:
    source = write(tmp_path / "in.jsonl", jsonl(record("d1", "../../../etc/evil")))
    convert(source, "canonical", "doccano", tmp_path / "out.zip")
    import zipfile

    with zipfile.ZipFile(tmp_path / "out.zip") as archive:
        assert archive.namelist() == ["%2E.%2F..%2F..%2Fetc%2Fevil.jsonl"]
    convert(tmp_path / "out.zip", "doccano", "canonical", tmp_path / "back.jsonl")
    assert json.loads((tmp_path / "back.jsonl").read_text())["annotator"] == "../../../etc/evil"


def test_pull_dropped_an_annotator_when_two_members_shared_a_stem() -> None:
    """Regression: ``a/alice.jsonl`` and ``b/alice.jsonl`` became one annotator (3 entities instead of 6)."""
    archive = zip_bytes({"a/alice.jsonl": jsonl(doccano_line(1)), "b/alice.jsonl": jsonl(doccano_line(2))})
    notes: list[str] = []
    members = _export_members(archive, collaborative=False, notes=notes)
    assert sorted(members) == ["alice@a", "alice@b"]
    assert [len(rows) for rows in members.values()] == [1, 1]
    assert len(notes) == 1 and "a/alice.jsonl" in notes[0] and "alice@b" in notes[0]


def test_convert_from_doccano_dropped_an_annotator_when_two_members_shared_a_stem(tmp_path: Path) -> None:
    archive = write(
        tmp_path / "x.zip",
        zip_bytes({"a/alice.jsonl": jsonl(doccano_line(1)), "b/alice.jsonl": jsonl(doccano_line(2))}),
    )
    report = convert(archive, "doccano", "canonical", tmp_path / "out.jsonl")
    assert report.documents == 2 and report.entities == 4 and len(report.warnings) == 1
    annotators = [json.loads(line)["annotator"] for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert annotators == ["alice@a", "alice@b"]


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_zip_bomb_stops_at_the_ratio_limit_in_convert(tmp_path: Path) -> None:
    """Regression: a 1 MB doccano zip inflating to 1 GiB took 2.3 GB of memory in convert --from doccano."""
    archive = write(tmp_path / "bomb.zip", bomb(64))
    assert archive.stat().st_size < 200_000
    before = _peak_rss_mib()
    with pytest.raises(EventCorpusError) as caught:
        convert(archive, "doccano", "canonical", tmp_path / "out.jsonl")
    assert caught.value.code == "E032" and "alice.jsonl" in caught.value.detail and "100" in caught.value.detail
    assert _peak_rss_mib() - before < 60  # stopped long before 64 MiB were inflated
    assert not (tmp_path / "out.jsonl").exists()


def test_zip_bomb_stops_at_the_size_limit_in_pull() -> None:
    archive = bomb(8)
    with pytest.raises(EventCorpusError) as caught:
        _export_members(archive, collaborative=False, limits=ZipLimits(max_bytes=4 << 20, max_ratio=1e9))
    assert caught.value.code == "E032" and "4 MiB" in caught.value.detail


def test_raising_the_limit_lets_a_genuine_but_repetitive_zip_through() -> None:
    members = _export_members(bomb(2), collaborative=False, limits=ZipLimits(max_ratio=1e6))
    assert len(members["alice"]) == 1


@pytest.mark.parametrize(
    ("line", "says"),
    [
        (b'{"id": 1, "text": \n', "Expecting value"),
        (b'{"id": 1, "text": "Ir\xe4q"}\n', "not UTF-8"),
        (b'{"text": "no id"}\n', "example id None"),
        (b"[1, 2]\n", "a list, not an object"),
        (b'"just a string"\n', "a str, not an object"),
    ],
)
def test_malformed_export_line_ended_pull_in_a_traceback(line: bytes, says: str) -> None:
    """Regression: JSONDecodeError, UnicodeDecodeError, KeyError, TypeError escaped from pull."""
    archive = zip_bytes({"alice.jsonl": json.dumps(doccano_line(1)).encode() + b"\n" + line})
    with pytest.raises(EventCorpusError) as caught:
        _export_members(archive, collaborative=False)
    assert caught.value.code == "E213" and says in caught.value.render()
    assert caught.value.file == "doccano export alice.jsonl" and caught.value.line == 2


def test_an_export_that_is_not_a_zip_is_a_coded_error() -> None:
    with pytest.raises(EventCorpusError) as caught:
        _export_members(b"PK\x03\x04 truncated", collaborative=False)
    assert caught.value.code == "E033"
