from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import jsonschema
import pytest

from eventcorpus.corpus import atomic_open, backup_existing, iter_json_lines, read_records, write_records
from eventcorpus.errors import EventCorpusError
from eventcorpus.records import Document, Record, document_id

TEXT = "Rockets struck Ayn al-Assad on Wednesday. 🚀 القاعدة\r\nNo casualties."


def record_dict() -> dict:
    return {
        "id": document_id(TEXT),
        "text": TEXT,
        "title": "t",
        "licence": "unknown",
        "annotator": "alice",
        "entities": [
            {"id": "T1", "start": 0, "end": 7, "label": "WEA"},
            {"id": "T2", "start": 15, "end": 27, "label": "FAC"},
            {"id": "T3", "start": 31, "end": 40, "label": "TIME"},
        ],
        "events": [
            {
                "id": "E1",
                "type": "Conflict:Attack",
                "trigger": {"start": 8, "end": 14},
                "arguments": [{"role": "Instrument", "entity_id": "T1"}, {"role": "Target", "entity_id": "T2"}],
            }
        ],
    }


def test_document_id_is_stable_over_whitespace_and_normalisation() -> None:
    assert document_id("a  b\r\n c") == document_id("a b c")
    assert document_id("e\u0301") == document_id("\u00e9")
    assert document_id("a b") != document_id("a c")
    assert document_id("Rockets") == "a7ab7e4b6a4f2a45" or len(document_id("Rockets")) == 16


def test_record_round_trip_and_json_schema(tmp_path: Path, repo: Path) -> None:
    record = Record.from_dict(record_dict())
    path = tmp_path / "docs.jsonl"
    second = Record.from_dict({**record_dict(), "annotator": "bob"})  # one record per (document, annotator)
    assert write_records(path, [record, second]) == 2
    back = list(read_records(path))
    assert back[0].to_dict() == record.to_dict() and back[1].annotations.annotator == "bob"
    schema = json.loads((repo / "schemas" / "record.schema.json").read_text(encoding="utf-8"))
    for line in path.read_text(encoding="utf-8").splitlines():
        jsonschema.validate(json.loads(line), schema)


@pytest.mark.parametrize(
    ("mutate", "code"),
    [
        (lambda d: d["entities"][0].update(end=999), "E007"),
        (lambda d: d["entities"][0].update(start=5, end=5), "E007"),
        (lambda d: d["entities"][1].update(id="T1"), "E008"),
        (lambda d: d["events"][0]["arguments"].append({"role": "Place", "entity_id": "T9"}), "E009"),
        (lambda d: d.update(text_sha256="0" * 64), "E010"),
        (lambda d: d["events"][0].pop("trigger"), "E006"),
        (lambda d: d.pop("text"), "E006"),
    ],
)
def test_strict_checks_name_the_document_and_offset(mutate, code: str) -> None:
    data = record_dict()
    mutate(data)
    with pytest.raises(EventCorpusError) as info:
        Record.from_dict(data, file="x.jsonl", line=3)
    assert info.value.code == code
    assert "x.jsonl:3" in str(info.value)


def test_malformed_line_reports_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(record_dict()) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(EventCorpusError) as info:
        list(read_records(path))
    assert info.value.code == "E005"
    assert info.value.line == 2


def test_atomic_write_keeps_old_file_on_failure(tmp_path: Path) -> None:
    path = tmp_path / "out.txt"
    path.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_open(path) as handle:
        handle.write("new")
        raise RuntimeError("boom")
    assert path.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]
    backup = backup_existing(path)
    assert backup is not None and backup.read_text(encoding="utf-8") == "old"


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d.update(meta="ab"),
        lambda d: d.update(annotation_meta="ab"),
        lambda d: d.update(text_sha256=5),
        lambda d: d.update(title=5),
        lambda d: d.update(provenance=5),
        lambda d: d.update(entities={"T1": 1}),
        lambda d: d["entities"][0].update(meta="zz"),
        lambda d: d["events"][0].update(attributes="zz"),
    ],
)
def test_record_field_of_wrong_type_raised_traceback(mutate) -> None:
    """A field of the wrong JSON type used to escape as ValueError/TypeError instead of E006."""
    data = record_dict()
    mutate(data)
    with pytest.raises(EventCorpusError) as info:
        Record.from_dict(data, file="x.jsonl", line=3)
    assert info.value.code == "E006"
    assert "x.jsonl:3" in str(info.value)


def test_atomic_write_made_files_owner_only(tmp_path: Path) -> None:
    """atomic_open used to leave mkstemp's 0600 on every file it wrote; now the umask default or the old mode."""
    old_umask = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.jsonl"
        with atomic_open(fresh) as handle:
            handle.write("x")
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
        shared = tmp_path / "shared.jsonl"
        shared.write_text("old", encoding="utf-8")
        shared.chmod(0o664)
        with atomic_open(shared) as handle:
            handle.write("new")
        assert stat.S_IMODE(shared.stat().st_mode) == 0o664
    finally:
        os.umask(old_umask)


def test_atomic_write_into_a_file_or_onto_a_folder_raised_traceback(tmp_path: Path) -> None:
    """An output whose parent is a file (FileExistsError) or that is a folder used to escape; now E030."""
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    for target in (tmp_path / "afile" / "out.jsonl", tmp_path):
        with pytest.raises(EventCorpusError) as info, atomic_open(target) as handle:
            handle.write("never")
        assert (info.value.code, info.value.file) == ("E030", str(target))
    assert (tmp_path / "afile").read_text(encoding="utf-8") == "x"


def test_iter_json_lines_typed_as_objects_only(tmp_path: Path) -> None:
    """iter_json_lines claimed to yield dicts but yields any JSON value; callers must (and now can, typed) check."""
    path = tmp_path / "mixed.jsonl"
    path.write_text('{"a": 1}\n[1, 2]\n\n7\n', encoding="utf-8")
    assert list(iter_json_lines(path)) == [(1, {"a": 1}), (2, [1, 2]), (4, 7)]


def test_document_from_dict_field_of_wrong_type_raised_traceback() -> None:
    """Document.from_dict (used by the brat, conll, spaCy and hf readers) let dict('x') / list(3) escape."""
    for bad in ({"meta": "x"}, {"provenance": 3}, {"licence": 7}):
        with pytest.raises(EventCorpusError) as info:
            Document.from_dict({"id": "d", "text": "t", **bad}, where={"file": "f.conll", "line": 2})
        assert info.value.code == "E006" and "f.conll:2" in str(info.value)
