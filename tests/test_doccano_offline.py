"""The parts of the doccano integration that need no server: upload lines, offset modes, folders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eventcorpus.doccano.server import _python_version, find_python
from eventcorpus.doccano.sync import doccano_line, new_pull_folder, project_offset_mode
from eventcorpus.errors import EventCorpusError
from eventcorpus.formats.doccano import record_to_doccano
from eventcorpus.records import AnnotationSet, Document, Entity, Record, document_id


def test_upload_line_is_ascii_and_has_every_key() -> None:
    text = "😀 café القاعدة\r\nend"
    doc = Document(document_id(text), text)
    record = Record(doc, AnnotationSet(doc.id, "m", [Entity("T1", 7, 14, "FAC")]))
    line = doccano_line(record, "utf16")
    assert line.isascii() and "\n" not in line  # doccano guesses encodings; CRLF must stay inside the JSON
    obj = json.loads(line)
    assert obj["text"] == text and obj["annotation_meta"] == {}  # the same keys on every line (pandas NaN trap)
    assert obj["entities"][0]["start_offset"] == 8  # the emoji counts two UTF-16 units
    assert obj == {"annotation_meta": {}, **record_to_doccano(record, offset_mode="utf16"), "pushed_by": None}


def test_offset_mode_follows_the_project() -> None:
    assert project_offset_mode({"grapheme_mode": False}) == "utf16"
    assert project_offset_mode({"grapheme_mode": True}) == "grapheme"
    assert project_offset_mode({"grapheme_mode": True}, "codepoint") == "codepoint"
    with pytest.raises(EventCorpusError) as caught:
        project_offset_mode({}, "bytes")
    assert caught.value.code == "E017"


def test_pull_folders_are_never_reused(tmp_path: Path) -> None:
    first = new_pull_folder(tmp_path)
    first.mkdir()
    second = new_pull_folder(tmp_path)
    assert second != first and second.name.startswith("pull-")


def test_doccano_needs_python_up_to_3_11() -> None:
    try:
        python = find_python()
    except EventCorpusError as exc:
        assert exc.code == "E212" and "3.8-3.11" in exc.detail
    else:
        assert _python_version(python) in {(3, 8), (3, 9), (3, 10), (3, 11)}
