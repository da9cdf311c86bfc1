"""The readers (and writers) of the field's public event datasets, on invented fixtures in each published layout.

Every fixture under tests/data/formats/datasets is counted here straight from its raw file,
independently of the reader: documents, entities, events and arguments must all arrive, and
the text of every span must be the text the dataset stores for it.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from eventcorpus.cli import app
from eventcorpus.convert import convert
from eventcorpus.errors import EventCorpusError
from eventcorpus.formats import Dropped, get_format
from eventcorpus.records import ARGUMENT_SPAN_LABEL, Record
from eventcorpus.schema import load_schema

DATA = Path(__file__).parent / "data" / "formats" / "datasets"
RUNNER = CliRunner()


def read(name: str, path: Path, **options: Any) -> tuple[list[Record], list[Dropped]]:
    dropped: list[Dropped] = []
    records = list(get_format(name).read(path, schema=load_schema(), options={"dropped": dropped, **options}))
    return records, dropped


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def counts(records: list[Record]) -> tuple[int, int, int, int]:
    return (
        len(records),
        sum(len(r.annotations.entities) for r in records),
        sum(len(r.annotations.events) for r in records),
        sum(len(e.arguments) for r in records for e in r.annotations.events),
    )


def span_text(record: Record, item_id: str) -> str:
    text = record.document.text
    for entity in record.annotations.entities:
        if entity.id == item_id:
            return text[entity.start : entity.end]
    for event in record.annotations.events:
        if event.id == item_id:
            return text[event.trigger.start : event.trigger.end]
    raise KeyError(item_id)


# --- count preservation, one test per dataset --------------------------------------------


def test_wikievents_keeps_every_document_mention_event_argument_and_span_text() -> None:
    source = lines(DATA / "wikievents.jsonl")
    records, dropped = read("wikievents", DATA / "wikievents.jsonl")
    assert counts(records) == (
        len(source),
        sum(len(d["entity_mentions"]) for d in source),
        sum(len(d["event_mentions"]) for d in source),
        sum(len(e["arguments"]) for d in source for e in d["event_mentions"]),
    )
    assert dropped == []
    for doc, record in zip(source, records, strict=True):
        assert record.document.text == doc["text"]
        for mention in doc["entity_mentions"]:
            assert span_text(record, mention["id"]) == mention["text"]
        for mention in doc["event_mentions"]:
            assert span_text(record, mention["id"]) == mention["trigger"]["text"]
        by_id = {e.id: e for e in record.annotations.events}
        for mention in doc["event_mentions"]:
            assert [(a.role, a.entity_id) for a in by_id[mention["id"]].arguments] == [
                (a["role"], a["entity_id"]) for a in mention["arguments"]
            ]
            assert by_id[mention["id"]].type == mention["event_type"]


def test_wikievents_text_is_the_files_text_not_tokens_joined_again() -> None:
    records, _ = read("wikievents", DATA / "wikievents.jsonl")
    text = records[0].document.text
    assert 'said."Two guards' in text  # no space invented between sentences
    assert "U.S. officials" in text and "U . S ." not in text
    us = next(e for e in records[0].annotations.entities if text[e.start : e.end] == "U.S")
    assert us.label == "GPE"


def test_rams_keeps_every_example_trigger_link_and_argument_span() -> None:
    source = lines(DATA / "rams.jsonlines")
    records, dropped = read("rams", DATA / "rams.jsonlines")
    spans = sum(
        len({(s[0], s[1]) for s in d["ent_spans"]} | {tuple(link[1]) for link in d["gold_evt_links"]}) for d in source
    )
    assert counts(records) == (
        len(source),
        spans,
        sum(len(d["evt_triggers"]) for d in source),
        sum(len(d["gold_evt_links"]) for d in source),
    )
    assert dropped == []
    for doc, record in zip(source, records, strict=True):
        tokens = [t for sentence in doc["sentences"] for t in sentence]
        assert all(e.label == ARGUMENT_SPAN_LABEL for e in record.annotations.entities)
        (event,) = record.annotations.events
        assert event.type == doc["evt_triggers"][0][2][0][0]
        assert event.meta["rams_role_ids"] == [link[2] for link in doc["gold_evt_links"]]
        for link, argument in zip(doc["gold_evt_links"], event.arguments, strict=True):
            assert argument.role == re.sub(r"^evt\d+arg\d+", "", link[2])
            a, b = link[1]
            assert span_text(record, argument.entity_id) == " ".join(tokens[a : b + 1])


def test_maven_keeps_every_event_mention_and_negative_trigger() -> None:
    source = lines(DATA / "maven.jsonl")
    records, dropped = read("maven", DATA / "maven.jsonl")
    assert counts(records) == (len(source), 0, sum(len(e["mention"]) for d in source for e in d["events"]), 0)
    assert dropped == []
    for doc, record in zip(source, records, strict=True):
        for event in doc["events"]:
            for mention in event["mention"]:
                assert span_text(record, mention["id"]) == mention["trigger_word"]
                found = next(e for e in record.annotations.events if e.id == mention["id"])
                assert (found.type, found.meta["maven_event"]) == (event["type"], event["id"])
        negatives = record.annotations.meta.get("maven_negative_triggers", [])
        assert [(n["id"], record.document.text[n["start"] : n["end"]]) for n in negatives] == [
            (n["id"], n["trigger_word"]) for n in doc["negative_triggers"]
        ]


def test_maven_test_file_keeps_its_candidates() -> None:
    (doc,) = lines(DATA / "maven_test.jsonl")
    (record,), _ = read("maven", DATA / "maven_test.jsonl")
    kept = record.annotations.meta["maven_candidates"]
    assert [record.document.text[c["start"] : c["end"]] for c in kept] == [c["trigger_word"] for c in doc["candidates"]]


def test_maven_arg_keeps_entities_events_and_non_entity_arguments() -> None:
    (doc,) = lines(DATA / "maven_arg.jsonl")
    (record,), dropped = read("maven-arg", DATA / "maven_arg.jsonl")
    contents = {
        tuple(f["offset"])
        for e in doc["events"]
        for fillers in e["argument"].values()
        for f in fillers
        if "offset" in f
    }
    fillers = [f for e in doc["events"] for fs in e["argument"].values() for f in fs]
    assert counts([record]) == (
        1,
        sum(len(e["mention"]) for e in doc["entities"]) + len(contents),
        sum(len(e["mention"]) for e in doc["events"]),
        len(fillers),
    )
    assert dropped == []
    for entity in doc["entities"]:
        for mention in entity["mention"]:
            assert span_text(record, mention["id"]) == mention["mention"]
    spans = [e for e in record.annotations.entities if e.label == ARGUMENT_SPAN_LABEL]
    assert sorted(record.document.text[e.start : e.end] for e in spans) == sorted(
        f["content"] for f in fillers if "content" in f
    )
    second = next(e for e in record.annotations.events if e.id == "m_a1_1")
    assert second.meta["coref_of"] == "m_a1_0" and second.arguments == []


def test_geneva_keeps_every_window_span_event_and_argument() -> None:
    source = lines(DATA / "geneva.json")
    records, dropped = read("geneva", DATA / "geneva.json")
    assert counts(records) == (
        len(source),
        sum(len(d["entity_mentions"]) for d in source),
        sum(len(d["event_mentions"]) for d in source),
        sum(len(e["arguments"]) for d in source for e in d["event_mentions"]),
    )
    assert dropped == []
    for doc, record in zip(source, records, strict=True):
        assert record.document.text == doc["sentence"] and record.document.meta["doc_id"] == doc["doc_id"]
        for mention in doc["entity_mentions"]:
            assert span_text(record, mention["id"]) == mention["text"]


def test_casie_keeps_every_event_and_nested_argument_span() -> None:
    source = [json.loads(p.read_text()) for p in sorted((DATA / "casie" / "annotation").glob("*.json"))]
    records, dropped = read("casie", DATA / "casie")
    events = [e for d in source for h in d["cyberevent"]["hopper"] for e in h["events"]]
    arguments = [a for e in events for a in e.get("argument", [])]
    spans = sum(
        len(
            {
                (a["startOffset"], a["endOffset"])
                for h in d["cyberevent"]["hopper"]
                for e in h["events"]
                for a in e["argument"]
            }
        )
        for d in source
    )
    assert counts(records) == (len(source), spans, len(events), len(arguments))
    assert dropped == []
    texts = {r.id: r for r in records}
    for doc in source:
        record = texts[doc["sourcefile"]]
        for hopper in doc["cyberevent"]["hopper"]:
            for event in hopper["events"]:
                found = next(e for e in record.annotations.events if e.meta["casie_index"] == event["index"])
                assert found.type == f"{event['type']}:{event['subtype']}"
                assert span_text(record, found.id) == event["nugget"]["text"]
                assert [span_text(record, a.entity_id) for a in found.arguments] == [
                    a["text"] for a in event["argument"]
                ]
    nested = texts["90001.txt"]
    outer = next(e for e in nested.annotations.entities if e.meta["casie_index"] == "T3")
    inner = next(e for e in nested.annotations.entities if e.meta["casie_index"] == "T4")
    assert outer.start < inner.start < inner.end < outer.end  # "12,000" inside "the payroll records of 12,000 staff"


def test_casie_text_comes_from_source_when_the_annotation_has_no_content() -> None:
    records, _ = read("casie", DATA / "casie" / "annotation" / "90002.json")
    assert records[0].document.text == (DATA / "casie" / "source" / "90002.txt").read_text(encoding="utf-8")


def test_muc4_gtt_templates_become_events_with_aligned_role_fillers() -> None:
    source = lines(DATA / "muc4_gtt.json")
    records, dropped = read("muc4", DATA / "muc4_gtt.json")
    templates = [t for d in source for t in d["templates"]]
    fillers = [entity for t in templates for role, value in t.items() if role != "incident_type" for entity in value]
    mentions = sum(
        len({(m[1], m[0]) for t in d["templates"] for r, v in t.items() if r != "incident_type" for e in v for m in e})
        for d in source
    )
    assert counts(records) == (len(source), mentions, len(templates), len(fillers))
    assert dropped == []
    record = records[0]
    for event, template in zip(record.annotations.events, source[0]["templates"], strict=True):
        assert event.type == template["incident_type"] and event.meta["trigger"] == "document"
        clusters = iter(event.meta["muc4_entities"])
        for role in ("PerpInd", "PerpOrg", "Target", "Victim", "Weapon"):
            for entity in template[role]:
                assert [span_text(record, i) for i in next(clusters)] == [m[0] for m in entity]


def test_muc4_grit_pretty_file_reads_and_reports_what_cannot_be_aligned(tmp_path: Path) -> None:
    records, dropped = read("muc4", DATA / "muc4_grit_pretty.json")
    assert [r.id for r in records] == ["DEV-MUC3-9001", "DEV-MUC3-9002"]
    assert records[0].annotations.events[0].type == "incident"
    doc = json.loads((DATA / "muc4_gtt.json").read_text().splitlines()[0])
    doc["templates"][0]["Weapon"] = [[["car bomb", 40]]]  # not in the text
    doc["templates"][0]["Victim"] = [[["two guards", 3]]]  # in the text, at another offset
    bad = tmp_path / "muc.json"
    bad.write_text(json.dumps(doc) + "\n")
    records, dropped = read("muc4", bad)
    reasons = {d.kind: d.reason for d in dropped}
    assert "cannot be aligned" in reasons["mention"] and "'car bomb'" in reasons["mention"]
    assert "first occurrence" in reasons["moved"]
    assert "no mention of this Weapon entity aligns" in reasons["argument"]
    assert len(records[0].annotations.events[0].arguments) == 4  # the Weapon filler is reported, not kept


def test_ace2005_converts_inclusive_sgml_offsets_to_clean_text() -> None:
    apf = DATA / "ace2005" / "nw" / "timex2norm" / "INV20030106.0001.apf.xml"
    root = ET.parse(apf).getroot()
    (record,), dropped = read("ace2005", DATA / "ace2005")
    mentions = [m for tag in ("entity_mention", "value_mention", "timex2_mention") for m in root.iter(tag)]
    assert counts([record]) == (
        1,
        len(mentions),
        len(list(root.iter("event_mention"))),
        len(list(root.iter("event_mention_argument"))),
    )
    assert [d.kind for d in dropped] == ["relation"]
    assert "<" not in record.document.text and "&amp;" not in record.document.text
    for mention in mentions:
        assert span_text(record, mention.attrib["ID"]) == mention.find("extent/charseq").text
    for mention in root.iter("event_mention"):
        assert span_text(record, mention.attrib["ID"]) == mention.find("anchor/charseq").text
    depot = next(e for e in record.annotations.entities if e.id.endswith("E2-2"))
    assert record.document.text[depot.start : depot.end] == "the A&B fuel depot in Tal Hamra"
    attack = next(e for e in record.annotations.events if e.type == "Conflict:Attack")
    assert attack.attributes == {"polarity": "positive", "modality": "asserted"}


def test_ere_converts_offsets_counted_with_tags_and_reports_spans_inside_markup() -> None:
    annotations = sorted((DATA / "ere" / "ere").glob("*.rich_ere.xml"))
    roots = [ET.parse(p).getroot() for p in annotations]
    records, dropped = read("ere", DATA / "ere")
    inside = [d for d in dropped if d.kind == "span"]
    assert [(d.doc_id, d.item_id) for d in inside] == [("ENG_DF_INV_0002", "m-1")]  # the post author
    assert counts(records) == (
        len(roots),
        sum(len(list(r.iter("entity_mention"))) + len(list(r.iter("filler"))) for r in roots) - len(inside),
        sum(len(list(r.iter("event_mention"))) for r in roots),
        sum(len(list(r.iter("em_arg"))) for r in roots),
    )
    by_doc = {r.id: r for r in records}
    for root in roots:
        record = by_doc[root.attrib["doc_id"]]
        for mention in root.iter("entity_mention"):
            if mention.attrib["id"] != "m-1" or root.attrib["doc_id"] != "ENG_DF_INV_0002":
                assert span_text(record, mention.attrib["id"]) == html.unescape(mention.find("mention_text").text or "")
        for mention in root.iter("event_mention"):
            assert span_text(record, mention.attrib["id"]) == mention.find("trigger").text
    assert "&" in by_doc["ENG_NW_INV_0001"].document.text and "<P>" not in by_doc["ENG_NW_INV_0001"].document.text


# --- labels: as they are, or through an inventory ----------------------------------------


def test_labels_are_kept_as_they_are_without_an_inventory() -> None:
    records, _ = read("wikievents", DATA / "wikievents.jsonl")
    assert {e.type for r in records for e in r.annotations.events} >= {
        "Conflict.Attack.Unspecified",
        "Contact.Contact.Meet",
    }


@pytest.mark.parametrize(
    ("name", "path", "inventory"),
    [
        ("wikievents", "wikievents.jsonl", "kairos"),
        ("rams", "rams.jsonlines", "rams"),
        ("maven", "maven.jsonl", "maven"),
        ("ere", "ere", "ere"),
    ],
)
def test_inventory_maps_what_corresponds_and_keeps_and_reports_the_rest(name: str, path: str, inventory: str) -> None:
    plain, _ = read(name, DATA / path)
    mapped, dropped = read(name, DATA / path, inventory=inventory)
    schema = load_schema()
    assert counts(mapped) == counts(plain)
    for before, after in zip(plain, mapped, strict=True):
        for old, new in zip(before.annotations.events, after.annotations.events, strict=True):
            if new.type in schema.event_types:
                assert new.meta["source_type"] == old.type
                for argument in new.arguments:
                    if argument.role in schema.role_labels:
                        assert schema.allowed_fillers(new.type, argument.role) is not None, (new.type, argument.role)
            else:
                assert new.type == old.type
                assert any(d.kind == "label" and d.item_id == old.type for d in dropped)
    assert any(e.type in schema.event_types for r in mapped for e in r.annotations.events)


def test_unknown_inventory_is_e003_listing_the_known_ones() -> None:
    with pytest.raises(EventCorpusError) as info:
        read("rams", DATA / "rams.jsonlines", inventory="framenet")
    assert info.value.code == "E003" and "kairos" in str(info.value)


# --- bad files: a coded error with file, line, document and the key expected ------------


def _without(path: Path, tmp_path: Path, drop: str, line: int = 1) -> Path:
    rows = lines(path)
    del rows[line - 1][drop]
    out = tmp_path / path.name
    out.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return out


@pytest.mark.parametrize(
    ("name", "fixture", "drop", "line", "code", "doc_id"),
    [
        ("wikievents", "wikievents.jsonl", "text", 2, "E170", "wiki_invented_drone_2_news_1"),
        ("rams", "rams.jsonlines", "gold_evt_links", 2, "E171", "nw_RC_invented_0002"),
        ("maven", "maven.jsonl", "content", 2, "E172", "1a2b3c4d5e6f708192a3b4c5d6e7f809"),
        ("maven-arg", "maven_arg.jsonl", "document", 1, "E173", "3c4d5e6f708192a3b4c5d6e7f8091a2b"),
        ("geneva", "geneva.json", "sentence", 2, "E174", "901_111_5002"),
        ("muc4", "muc4_gtt.json", "doctext", 2, "E177", "DEV-MUC3-9002"),
    ],
)
def test_bad_json_file_names_file_line_document_and_key(
    tmp_path: Path, name: str, fixture: str, drop: str, line: int, code: str, doc_id: str
) -> None:
    bad = _without(DATA / fixture, tmp_path, drop, line)
    with pytest.raises(EventCorpusError) as info:
        read(name, bad)
    error = info.value
    assert (error.code, error.file, error.line, error.doc_id) == (code, str(bad), line, doc_id)
    assert repr(drop) in (error.expected or "")


def test_bad_casie_file_names_the_key_expected(tmp_path: Path) -> None:
    doc = json.loads((DATA / "casie" / "annotation" / "90001.json").read_text())
    del doc["cyberevent"]["hopper"][1]["events"][0]["nugget"]["startOffset"]
    bad = tmp_path / "90001.json"
    bad.write_text(json.dumps(doc))
    with pytest.raises(EventCorpusError) as info:
        read("casie", bad)
    assert (info.value.code, info.value.file, info.value.line, info.value.doc_id) == ("E175", str(bad), 1, "90001.txt")
    assert "'startOffset'" in (info.value.expected or "") and "hopper[1].events[0].nugget" in info.value.detail


def test_casie_content_that_differs_from_its_source_is_e176(tmp_path: Path) -> None:
    shutil.copytree(DATA / "casie", tmp_path / "casie")
    (tmp_path / "casie" / "source" / "90001.txt").write_text("Another text.")
    with pytest.raises(EventCorpusError) as info:
        read("casie", tmp_path / "casie")
    assert info.value.code == "E176" and info.value.doc_id == "90001.txt"


def test_casie_offsets_one_character_late_are_moved_and_reported(tmp_path: Path) -> None:
    doc = json.loads((DATA / "casie" / "annotation" / "90002.json").read_text())
    nugget = doc["cyberevent"]["hopper"][0]["events"][0]["nugget"]
    nugget["startOffset"] += 1
    nugget["endOffset"] += 1
    (tmp_path / "annotation").mkdir()
    shutil.copytree(DATA / "casie" / "source", tmp_path / "source")
    (tmp_path / "annotation" / "90002.json").write_text(json.dumps(doc))
    (record,), dropped = read("casie", tmp_path)
    assert span_text(record, record.annotations.events[0].id) == "locked"
    assert [d.kind for d in dropped] == ["shifted"]


@pytest.mark.parametrize(
    ("name", "folder", "edit", "code"),
    [
        ("ace2005", "ace2005", ("START=", "BEGIN="), "E178"),
        ("ere", "ere", ('length="', 'size="'), "E180"),
    ],
)
def test_bad_ldc_file_names_the_attribute_expected(
    tmp_path: Path, name: str, folder: str, edit: tuple[str, str], code: str
) -> None:
    shutil.copytree(DATA / folder, tmp_path / folder)
    target = next((tmp_path / folder).rglob("*.apf.xml" if name == "ace2005" else "ENG_NW*.rich_ere.xml"))
    target.write_text(target.read_text().replace(*edit, 1))
    with pytest.raises(EventCorpusError) as info:
        read(name, tmp_path / folder)
    assert info.value.code == code and info.value.file == str(target) and info.value.doc_id
    assert edit[0].strip('="') in (info.value.expected or "")
    bad_line = next(n for n, text in enumerate(target.read_text().splitlines(), 1) if edit[1] in text)
    assert info.value.line == bad_line


def test_ldc_annotation_without_its_source_is_e179(tmp_path: Path) -> None:
    shutil.copytree(DATA / "ace2005", tmp_path / "ace2005")
    next((tmp_path / "ace2005").rglob("*.sgm")).unlink()
    with pytest.raises(EventCorpusError) as info:
        read("ace2005", tmp_path / "ace2005")
    assert info.value.code == "E179"


def test_tokens_that_are_not_in_the_text_are_e181(tmp_path: Path) -> None:
    rows = lines(DATA / "wikievents.jsonl")
    rows[0]["tokens"][3] = "missiles"
    bad = tmp_path / "w.jsonl"
    bad.write_text("".join(json.dumps(r) + "\n" for r in rows))
    with pytest.raises(EventCorpusError) as info:
        read("wikievents", bad)
    assert (info.value.code, info.value.line) == ("E181", 1) and "'missiles'" in info.value.detail


def test_convert_from_a_bad_dataset_file_exits_with_the_code_and_no_traceback(tmp_path: Path) -> None:
    bad = _without(DATA / "rams.jsonlines", tmp_path, "sentences", 1)
    result = RUNNER.invoke(
        app, ["convert", str(bad), "--from", "rams", "--to", "canonical", "--out", str(tmp_path / "o.jsonl")]
    )
    assert result.exit_code == 1
    assert "E171" in result.output and "'sentences'" in result.output and "Traceback" not in result.output


# --- writers: read -> write -> read gives the records back --------------------------------


@pytest.mark.parametrize(
    ("name", "fixture"),
    [
        ("wikievents", "wikievents.jsonl"),
        ("rams", "rams.jsonlines"),
        ("maven", "maven.jsonl"),
        ("maven-arg", "maven_arg.jsonl"),
        ("muc4", "muc4_gtt.json"),
    ],
)
def test_writer_round_trip_keeps_spans_labels_and_arguments(tmp_path: Path, name: str, fixture: str) -> None:
    first, _ = read(name, DATA / fixture)
    out = tmp_path / f"out-{fixture}"
    report = get_format(name).write(iter(first), out, schema=load_schema(), options={})
    assert report.dropped == []
    second, dropped = read(name, out)
    assert dropped == []

    def shape(record: Record) -> tuple[Any, ...]:
        text = record.document.text
        by_id = record.annotations.entity_by_id()
        return (
            sorted((text[e.start : e.end], e.label) for e in record.annotations.entities),
            sorted(
                (
                    e.type,
                    text[e.trigger.start : e.trigger.end],
                    tuple(
                        sorted((a.role, text[by_id[a.entity_id].start : by_id[a.entity_id].end]) for a in e.arguments)
                    ),
                )
                for e in record.annotations.events
            ),
        )

    assert [shape(r) for r in second] == [shape(r) for r in first]


def test_convert_wikievents_to_rams_reports_entities_rams_cannot_hold(tmp_path: Path) -> None:
    report = convert(DATA / "wikievents.jsonl", "wikievents", "rams", tmp_path / "r.jsonlines")
    not_arguments = [d for d in report.dropped if d.kind == "entity"]
    assert {d.reason for d in not_arguments} == {"RAMS holds argument spans only"}
    records, _ = read("wikievents", DATA / "wikievents.jsonl")
    fillers = {(r.id, a.entity_id) for r in records for e in r.annotations.events for a in e.arguments}
    idle = {(r.id, e.id) for r in records for e in r.annotations.entities} - fillers
    assert {(d.doc_id, d.item_id) for d in not_arguments} == idle and idle


def test_validate_takes_arg_spans_for_argument_fillers_not_unknown_entities() -> None:
    """V008 called every RAMS argument span an unknown entity label."""
    from eventcorpus.validate import validate

    records, _ = read("rams", DATA / "rams.jsonlines")
    report = validate(records, schema=load_schema())
    assert report.count("V008") == 0
    assert report.count("V009") == 2  # the AIDA event types stay as they are, and are reported


@pytest.mark.parametrize("name", ["wikievents", "rams", "maven", "maven-arg", "geneva", "muc4"])
def test_empty_file_or_a_folder_is_a_coded_error_not_an_empty_output(tmp_path: Path, name: str) -> None:
    empty = tmp_path / "empty.json"
    empty.write_text("\n")
    with pytest.raises(EventCorpusError) as info:
        read(name, empty)
    assert info.value.code == "E012"
    with pytest.raises(EventCorpusError) as info:
        read(name, tmp_path)
    assert info.value.code == "E004" and "folder" in info.value.detail


def test_json_list_and_pretty_objects_are_read_with_their_lines(tmp_path: Path) -> None:
    rows = lines(DATA / "geneva.json")
    listed = tmp_path / "all_data.json"
    listed.write_text("[\n" + ",\n".join(json.dumps(r, indent=1) for r in rows) + "\n]\n")
    records, _ = read("geneva", listed)
    assert [r.id for r in records] == [r["wnd_id"] for r in rows]
    rows[1].pop("tokens")
    listed.write_text("[\n" + ",\n".join(json.dumps(r, indent=1) for r in rows) + "\n]\n")
    with pytest.raises(EventCorpusError) as info:
        read("geneva", listed)
    second = listed.read_text().splitlines().index("{", 2) + 1
    assert (info.value.code, info.value.line) == ("E174", second)
