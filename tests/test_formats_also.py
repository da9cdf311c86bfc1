"""Issue 19's smaller findings: coded errors instead of tracebacks or silence, kept keys, a V019
that tells annotated from unannotated, an offset-mode check, and ``convert --inventory``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eventcorpus.cli import app
from eventcorpus.convert import convert
from eventcorpus.corpus import read_records, write_records
from eventcorpus.errors import EventCorpusError
from eventcorpus.formats import get_format
from eventcorpus.formats.doccano import record_to_doccano
from eventcorpus.records import (
    UNANNOTATED,
    AnnotationSet,
    Argument,
    Document,
    Entity,
    Event,
    Record,
    Trigger,
    document_id,
)
from eventcorpus.schema import load_schema
from eventcorpus.validate import validate

RUNNER = CliRunner()
SCHEMA = load_schema()


def _record(text: str, entities: list[Entity], events: list[Event], annotator: str = "alice") -> Record:
    doc = Document(id=document_id(text), text=text)
    return Record(doc, AnnotationSet(doc.id, annotator, entities, events))


def test_convert_from_doccano_on_a_folder_was_an_is_a_directory_traceback(tmp_path: Path) -> None:
    result = RUNNER.invoke(
        app, ["convert", str(tmp_path), "--from", "doccano", "--to", "canonical", "--out", str(tmp_path / "o.jsonl")]
    )
    assert result.exit_code == 2 and "E110" in result.stderr and "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_convert_from_brat_on_a_folder_without_pairs_wrote_an_empty_file_silently(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("no annotations here", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    result = RUNNER.invoke(
        app, ["convert", str(tmp_path / "in"), "--from", "brat", "--to", "canonical", "--out", str(out)]
    )
    assert result.exit_code == 1 and "E111" in result.stderr and "1 .txt" in result.stderr
    assert not out.exists()


def test_m2e2_reader_given_json_lines_says_m2e2_is_one_json_list(tmp_path: Path) -> None:
    path = tmp_path / "m2e2.jsonl"
    path.write_text(
        '{"sentence_id": "a_1", "words": ["x"]}\n{"sentence_id": "a_2", "words": ["y"]}\n', encoding="utf-8"
    )
    with pytest.raises(EventCorpusError) as caught:
        list(get_format("m2e2").read(path, schema=SCHEMA, options={}))
    assert caught.value.code == "E150" and "one JSON list" in caught.value.detail and caught.value.line == 2


def test_v019_said_never_annotated_about_a_record_with_entities_but_no_annotator() -> None:
    text = "Militants attacked Kirkuk."
    annotated = _record(text, [Entity("T1", 0, 9, "PER")], [], annotator=UNANNOTATED).to_dict()
    del annotated["annotator"]
    assert validate([annotated], schema=SCHEMA).count("V019") == 0
    empty = _record(text, [], [], annotator=UNANNOTATED).to_dict()
    report = validate([empty], schema=SCHEMA)
    assert report.count("V019") == 1 and "no annotator name, 0 entities" in str(report.lines())


def test_doccano_reader_dropped_the_exports_doc_key_and_example_id(tmp_path: Path) -> None:
    line = {"id": 57, "doc_key": "nw_RC0001", "text": "Troops left.", "entities": [], "relations": []}
    path = tmp_path / "export.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    (record,) = get_format("doccano").read(path, schema=SCHEMA, options={})
    assert record.document.meta == {"doccano_id": 57, "doc_key": "nw_RC0001"}


def test_offset_mode_utf16_on_a_code_point_file_shifted_spans_with_no_word(tmp_path: Path) -> None:
    text = "😀 " * 3 + "Rebels attack Homs; the attack failed. Police arrest men in Aleppo."
    words = ["Rebels", "attack", "Homs", "attack", "failed", "Police", "arrest", "men", "Aleppo"]
    spans, cursor = [], 0
    for word in words:
        cursor = text.index(word, cursor)
        spans.append(Entity(f"T{len(spans) + 1}", cursor, cursor + len(word), "PER"))
        cursor += len(word)
    path = tmp_path / "codepoint.jsonl"
    path.write_text(json.dumps(record_to_doccano(_record(text, spans, []))) + "\n", encoding="utf-8")
    args = ["convert", str(path), "--from", "doccano", "--to", "canonical", "--out", str(tmp_path / "o.jsonl")]
    wrong = RUNNER.invoke(app, [*args, "--offset-mode", "utf16"])
    assert wrong.exit_code == 0 and "9 spans start or end inside a word" in wrong.stderr
    assert "try --offset-mode codepoint" in wrong.stderr
    assert RUNNER.invoke(app, [*args, "--offset-mode", "utf16", "--strict"]).exit_code == 1
    right = RUNNER.invoke(app, [*args, "--offset-mode", "codepoint", "--strict"])
    assert right.exit_code == 0 and "⚠" not in right.stderr


def test_inventory_is_reachable_from_convert_and_keeps_unmapped_labels(tmp_path: Path) -> None:
    text = "Gunmen with a VALUE rifle attacked the base and sang."
    entities = [Entity("T1", 0, 6, "PER"), Entity("T2", 14, 25, "VALUE"), Entity("T3", 35, 43, "Ship")]
    events = [
        Event("E1", "Conflict:Attack", Trigger(26, 34), [Argument("Attacker", "T1"), Argument("Shooter", "T3")]),
        Event("E2", "Life:Sing", Trigger(48, 52)),
    ]
    source = tmp_path / "in.jsonl"
    write_records(source, [_record(text, entities, events)])
    out = tmp_path / "out.jsonl"
    args = [
        "convert",
        str(source),
        "--from",
        "canonical",
        "--to",
        "canonical",
        "--out",
        str(out),
        "--inventory",
        "m2e2",
    ]
    assert RUNNER.invoke(app, args).exit_code == 0
    (back,) = read_records(out)
    assert [e.label for e in back.annotations.entities] == ["PER", "NUM", "Ship"]  # VALUE mapped, Ship kept
    assert [e.type for e in back.annotations.events] == ["Conflict:Attack", "Life:Sing"]
    assert [a.role for a in back.annotations.events[0].arguments] == ["Attacker", "Shooter"]
    report = validate(out, schema=SCHEMA)
    assert (report.count("V008"), report.count("V009"), report.count("V010")) == (1, 1, 1)
    with pytest.raises(EventCorpusError) as caught:
        convert(source, "canonical", "canonical", tmp_path / "x.jsonl", options={"inventory": "kairos-typo"})
    assert caught.value.code == "E113"
