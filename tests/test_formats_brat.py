"""brat standoff: exact round trips, an independent check of every written line, coded refusals."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventcorpus.errors import EventCorpusError
from eventcorpus.formats import Dropped, get_format
from eventcorpus.records import AnnotationSet, Argument, Document, Entity, Event, Record, Trigger, document_id
from eventcorpus.schema import load_schema
from tests.formats_strategies import rich_records

SCHEMA = load_schema()
BRAT = get_format("brat")
DATA = Path(__file__).parent / "data" / "formats"

# A second, minimal reading of brat's standoff rules, independent of the reader: every
# line is one of these, ids are unique, T offsets point at the shown text, E/A lines
# refer to ids that exist.
_LINE = {
    "T": re.compile(r"^T[0-9]+\t[A-Za-z0-9_\-]+ [0-9]+ [0-9]+\t[^\n\t]*$"),
    "E": re.compile(r"^E[0-9]+\t[A-Za-z0-9_\-]+:T[0-9]+( [A-Za-z_\-]+[0-9]*:[TE][0-9]+)*$"),
    "A": re.compile(r"^A[0-9]+\t[A-Za-z0-9_\-]+ [TE][0-9]+ [A-Za-z0-9_\-]+$"),
}


def _check_ann_independently(txt: str, ann: str) -> None:
    assert ann.endswith("\n") or ann == ""
    seen: set[str] = set()
    for line in ann.splitlines():
        assert _LINE[line[0]].match(line), line
        ident, body = line.split("\t")[:2]
        assert ident not in seen
        seen.add(ident)
        if line[0] == "T":
            _, start, end = body.split(" ")
            assert line.split("\t")[2] == re.sub(r"\s", " ", txt[int(start) : int(end)])
        else:
            refs = re.findall(r"[TE][0-9]+", body.split(" ", 1)[1] if line[0] == "A" else body)
            assert all(ref in seen for ref in refs), line


def _check_conf(conf: str) -> None:
    sections = re.findall(r"^\[(\w+)\]$", conf, flags=re.M)
    assert sections == ["entities", "relations", "events", "attributes"]
    for line in conf.split("[events]")[1].split("[attributes]")[0].strip().splitlines():
        name, roles = line.split("\t")
        assert re.match(r"^[A-Za-z_\-]+$", name)
        for role in roles.split(", "):
            assert re.match(r"^[A-Za-z]+\*:[A-Z]+(\|[A-Z]+)*$", role), role


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(st.lists(rich_records(), min_size=1, max_size=3))
def test_round_trip_is_identity_and_every_line_is_valid_brat(
    tmp_path_factory: pytest.TempPathFactory, records: list[Record]
) -> None:
    out = tmp_path_factory.mktemp("brat") / "b"
    report = BRAT.write(records, out, schema=SCHEMA, options={})
    assert not report.dropped
    for ann in out.glob("*.ann"):
        txt = ann.with_suffix(".txt").read_bytes().decode("utf-8")
        _check_ann_independently(txt, ann.read_text(encoding="utf-8"))
    back = list(BRAT.read(out, schema=SCHEMA, options={}))
    assert sorted(str(r.to_dict()) for r in back) == sorted(str(r.to_dict()) for r in records)


def _record(text: str, entities: list[Entity], events: list[Event]) -> Record:
    doc = Document(id=document_id(text), text=text)
    return Record(doc, AnnotationSet(doc.id, "alice", entities, events))


def test_txt_is_byte_exact_and_conf_is_derived_from_the_schema(tmp_path: Path) -> None:
    text = "Rockets\r\nstruck 😀 the base"
    record = _record(
        text,
        [Entity("T1", 0, 7, "WEA"), Entity("T2", 22, 26, "FAC"), Entity("T3", 18, 26, "FAC")],
        [Event("E1", "Conflict:Attack", Trigger(9, 15), [Argument("Target", "T2"), Argument("Target", "T3")])],
    )
    BRAT.write([record], tmp_path / "b", schema=SCHEMA, options={})
    assert (tmp_path / "b" / f"{record.id}.txt").read_bytes() == text.encode("utf-8")
    ann = (tmp_path / "b" / f"{record.id}.ann").read_text(encoding="utf-8")
    assert "E1\tConflict_Attack:T4 Target:T2 Target2:T3\n" in ann
    conf = (tmp_path / "b" / "annotation.conf").read_text(encoding="utf-8")
    _check_conf(conf)
    assert "Conflict_Attack\tAttacker*:PER|ORG|GPE, Target*:" in conf
    assert "polarity\tArg:<EVENT>, Value:positive|negative" in conf
    (back,) = BRAT.read(tmp_path / "b", schema=SCHEMA, options={})
    assert back.to_dict() == record.to_dict()


def test_plain_brat_folder_without_sidecar(tmp_path: Path) -> None:
    dropped: list[Dropped] = []
    (record,) = BRAT.read(DATA / "brat_plain", schema=SCHEMA, options={"annotator": "carol", "dropped": dropped})
    ann = record.annotations
    assert ann.annotator == "carol"
    assert [(e.id, e.label) for e in ann.entities] == [("T1", "ORG"), ("T2", "WEA"), ("T3", "FAC"), ("T5", "PER")]
    attack, injure = ann.events
    assert attack.type == "Conflict:Attack" and attack.attributes == {"polarity": "positive"}
    assert [(a.role, a.entity_id) for a in attack.arguments] == [
        ("Attacker", "T1"),
        ("Instrument", "T2"),
        ("Target", "T3"),
    ]
    assert [(a.role, a.entity_id) for a in injure.arguments] == [("Victim", "T5"), ("Place", "T3"), ("Place", "T3")]
    assert sorted((d.kind, d.item_id) for d in dropped) == [("note", "#1"), ("relation", "R1")]
    assert record.id == document_id(record.document.text)


def _folder(tmp_path: Path, text: str, ann: str) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "d.txt").write_text(text, encoding="utf-8")
    (folder / "d.ann").write_text(ann, encoding="utf-8")
    return folder


def test_discontinuous_span_is_refused_naming_file_and_line(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "air base near Erbil", "T1\tFAC 0 3\tair\nT2\tFAC 0 3;4 8\tair base\n")
    with pytest.raises(EventCorpusError) as info:
        list(BRAT.read(folder, schema=SCHEMA, options={}))
    assert info.value.code == "E104" and info.value.line == 2 and info.value.file.endswith("d.ann")


def test_span_text_that_disagrees_with_the_txt_is_refused(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "air base near Erbil", "T1\tGPE 14 19\tMosul\n")
    with pytest.raises(EventCorpusError) as info:
        list(BRAT.read(folder, schema=SCHEMA, options={}))
    assert info.value.code == "E105" and info.value.offset == 14


def test_unknown_line_is_refused(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "air base", "X1\tfoo\n")
    with pytest.raises(EventCorpusError) as info:
        list(BRAT.read(folder, schema=SCHEMA, options={}))
    assert info.value.code == "E100" and info.value.line == 1


def test_two_annotators_of_one_document_get_two_file_sets(tmp_path: Path) -> None:
    a = _record("air base", [Entity("T1", 0, 8, "FAC")], [])
    b = Record(a.document, AnnotationSet(a.id, "bob", [Entity("x", 4, 8, "FAC")], []))
    BRAT.write([a, b], tmp_path / "b", schema=SCHEMA, options={})
    assert sorted(p.name for p in (tmp_path / "b").glob("*.ann")) == [f"{a.id}.ann", f"{a.id}.bob.ann"]
    back = {r.annotations.annotator: r.to_dict() for r in BRAT.read(tmp_path / "b", schema=SCHEMA, options={})}
    assert back == {"alice": a.to_dict(), "bob": b.to_dict()}


def test_brat_txt_not_utf8_or_bad_sidecar_raised_traceback(tmp_path: Path) -> None:
    """A non-UTF-8 .txt or a broken .json sidecar used to end in a traceback; now E014 / E100 naming the file."""
    (tmp_path / "a.txt").write_bytes(b"caf\xe9")
    (tmp_path / "a.ann").write_text("", encoding="utf-8")
    with pytest.raises(EventCorpusError) as info:
        list(BRAT.read(tmp_path, schema=load_schema(), options={}))
    assert (info.value.code, info.value.file) == ("E014", str(tmp_path / "a.txt"))
    (tmp_path / "a.txt").write_text("hello", encoding="utf-8")
    for sidecar in ("{bad", "[1]", '{"labels": 5}', '{"ids": "x"}', '{"document": 5}'):
        (tmp_path / "a.json").write_text(sidecar, encoding="utf-8")
        with pytest.raises(EventCorpusError) as info:
            list(BRAT.read(tmp_path, schema=load_schema(), options={}))
        assert (info.value.code, info.value.file) == ("E100", str(tmp_path / "a.json"))
