"""The authoring form: span resolution and its refusals, schema checks, compile, stand-off apply."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from eventcorpus.authoring import (
    apply_standoff,
    compile_pass,
    preannotate,
    read_authoring,
    resolve_authoring,
    resolve_span,
    word_occurrences,
)
from eventcorpus.cli import app
from eventcorpus.errors import EventCorpusError
from eventcorpus.records import text_sha256
from eventcorpus.sources import CorpusDocument, Re3dEntity

TEXT = (
    "Rockets struck bases in Iraq and Syria on Wednesday. Iraqi officials said a rocket struck "
    "a base near Baghdad's international airport. In Syria, the coalition said nobody was hurt."
)


def _doc(text: str = TEXT, key: str = "re3d-centcom-ABC", source: str = "re3d/CENTCOM/ABC") -> CorpusDocument:
    return CorpusDocument(key=key, source=source, text=text, title="t")


def _data(entities: list[dict[str, Any]], events: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"source": "re3d/CENTCOM/ABC", "annotator": "pass1", "entities": entities, "events": events or []}


def _err(entities: list[dict[str, Any]], events: list[dict[str, Any]] | None = None) -> EventCorpusError:
    with pytest.raises(EventCorpusError) as info:
        resolve_authoring(_data(entities, events), TEXT, file="x.yaml")
    return info.value


def _span(text: str) -> tuple[int, int]:
    start = TEXT.index(text)
    return start, start + len(text)


def test_resolves_text_occurrence_context_and_offsets() -> None:
    start, end = _span("coalition")
    result = resolve_authoring(
        _data(
            [
                {"id": "T1", "label": "GPE", "text": "Iraq"},
                {"id": "T2", "label": "GPE", "text": "Syria", "occurrence": 2},
                {"id": "T3", "label": "GPE", "text": "Baghdad", "context": "near Baghdad's international"},
                {"id": "T4", "label": "ORG", "text": "coalition", "start": start, "end": end},
                {"id": "T5", "label": "TIME", "text": "Wednesday", "pre": "re3d"},
                {"id": "T6", "label": "FAC", "text": "base", "context": "struck a base near"},
            ],
            [
                {
                    "id": "E1",
                    "type": "Conflict:Attack",
                    "trigger": {"text": "struck", "occurrence": 1},
                    "arguments": {"Place": ["T1", "T2"], "Time": ["T5"]},
                },
                {
                    "id": "E2",
                    "type": "Life:Injure",
                    "trigger": {"text": "hurt"},
                    "attributes": {"polarity": "negative", "modality": "asserted"},
                },
            ],
        ),
        TEXT,
    )
    spans = {e.id: TEXT[e.start : e.end] for e in result.entities}
    assert spans == {"T1": "Iraq", "T2": "Syria", "T3": "Baghdad", "T4": "coalition", "T5": "Wednesday", "T6": "base"}
    syria = result.entities[1]
    assert syria.start == TEXT.index("In Syria") + 3
    assert result.entities[4].meta == {"pre": "re3d"}
    assert TEXT[result.events[0].trigger.start : result.events[0].trigger.end] == "struck"
    assert [(a.role, a.entity_id) for a in result.events[0].arguments] == [
        ("Place", "T1"),
        ("Place", "T2"),
        ("Time", "T5"),
    ]
    assert result.events[1].attributes == {"polarity": "negative"}  # defaults are not stored


def test_word_boundaries_iraq_does_not_match_inside_iraqi() -> None:
    assert word_occurrences(TEXT, "Iraq") == [TEXT.index("Iraq ")]
    assert word_occurrences("a base, bases, base.", "base") == [2, 15]


def test_ambiguous_text_is_refused_with_candidates() -> None:
    error = _err([{"id": "T1", "label": "GPE", "text": "Syria"}])
    assert error.code == "E712"
    rendered = error.render()
    assert "x.yaml" in rendered and "entity T1" in rendered
    assert "occurrence 1 at" in rendered and "occurrence 2 at" in rendered and "[Syria]" in rendered


def test_text_not_found_and_found_only_inside_words() -> None:
    assert _err([{"id": "T1", "label": "GPE", "text": "Damascus"}]).code == "E711"
    error = _err([{"id": "T1", "label": "GPE", "text": "Ira"}])
    assert error.code == "E711" and "inside longer words" in error.detail


def test_occurrence_out_of_range_is_refused() -> None:
    error = _err([{"id": "T1", "label": "GPE", "text": "Syria", "occurrence": 3}])
    assert error.code == "E712" and "from 1 to 2" in error.render()


def test_context_not_unique_missing_or_not_containing_the_text() -> None:
    assert _err([{"id": "T1", "label": "GPE", "text": "Syria", "context": "In Iraq"}]).code == "E713"
    error = _err([{"id": "T1", "label": "WEA", "text": "struck", "context": "struck"}])
    assert error.code == "E713" and "occurs 2 times" in error.detail
    assert _err([{"id": "T1", "label": "GPE", "text": "Syria", "context": "Nowhere in this text"}]).code == "E713"


def test_context_holding_the_text_twice_is_refused() -> None:
    error = _err(
        [
            {
                "id": "T1",
                "label": "WEA",
                "text": "struck",
                "context": "Rockets struck bases in Iraq and Syria on Wednesday. Iraqi officials said a rocket struck",
            }
        ]
    )
    assert error.code == "E713" and "2 times" in error.detail


def test_offsets_that_do_not_hold_the_text_are_refused() -> None:
    start, end = _span("Iraq")
    error = _err([{"id": "T1", "label": "GPE", "text": "Syria", "start": start, "end": end}])
    assert error.code == "E714" and "'Iraq'" in error.detail and "occurrence 1" in error.detail
    assert _err([{"id": "T1", "label": "GPE", "start": 5, "end": 10_000}]).code == "E714"


def test_schema_refusals_name_the_event() -> None:
    entities = [{"id": "T1", "label": "GPE", "text": "Iraq"}, {"id": "T2", "label": "TIME", "text": "Wednesday"}]
    trigger = {"text": "hurt"}
    error = _err(entities, [{"id": "E9", "type": "Life:Injure", "trigger": trigger, "arguments": {"Attacker": ["T1"]}}])
    assert error.code == "E716" and "event E9" in error.detail and "x.yaml" in error.render()
    error = _err(entities, [{"id": "E9", "type": "Life:Injure", "trigger": trigger, "arguments": {"Victim": ["T1"]}}])
    assert error.code == "E717" and "GPE" in error.detail and "PER" in error.render()
    error = _err(entities, [{"id": "E9", "type": "Life:Injure", "trigger": trigger, "arguments": {"Victim": ["T7"]}}])
    assert error.code == "E009"
    assert _err(entities, [{"id": "E9", "type": "Life:Hurt", "trigger": trigger}]).code == "E715"
    error = _err(entities, [{"id": "E9", "type": "Life:Injure", "trigger": trigger, "attributes": {"polarity": "no"}}])
    assert error.code == "E718"
    assert _err([{"id": "T1", "label": "COUNTRY", "text": "Iraq"}]).code == "E715"


def test_structure_refusals() -> None:
    assert _err([{"id": "T1", "label": "GPE", "text": "Iraq", "ocurrence": 1}]).code == "E710"
    assert (
        _err([{"id": "T1", "label": "GPE", "text": "Iraq"}, {"id": "T1", "label": "TIME", "text": "Wednesday"}]).code
        == "E008"
    )
    assert _err([], [{"id": "E1", "type": "Life:Injure", "trigger": "hurt"}]).code == "E710"
    assert _err([{"id": "T1", "label": "GPE"}]).code == "E710"


def test_read_authoring_refuses_bad_files(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("source: x\nannotator: pass1\nentities: [\n")
    with pytest.raises(EventCorpusError) as info:
        read_authoring(path)
    assert info.value.code == "E710" and info.value.file == str(path)
    path.write_text("source: x\nannotator: pass1\nevent: []\n")
    with pytest.raises(EventCorpusError, match="unknown top-level"):
        read_authoring(path)
    path.write_text("annotator: pass1\n")
    with pytest.raises(EventCorpusError, match="source"):
        read_authoring(path)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_any_word_span_round_trips_through_its_quote(data: st.DataObject) -> None:
    words = TEXT.split(" ")
    i = data.draw(st.integers(0, len(words) - 1))
    j = data.draw(st.integers(i + 1, min(len(words), i + 4)))
    quote = " ".join(words[i:j]).strip(".,")
    if not quote:
        return
    starts = word_occurrences(TEXT, quote)
    for n, start in enumerate(starts, 1):
        spec: dict[str, Any] = {"text": quote} if len(starts) == 1 else {"text": quote, "occurrence": n}
        assert resolve_span(TEXT, spec, what="x", file=None, doc_id=None) == (start, start + len(quote))


def _write(root: Path, key: str, data: dict[str, Any]) -> Path:
    path = root / "pass1" / f"{key}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_compile_writes_standoff_without_text_and_apply_checks_the_hash(tmp_path: Path) -> None:
    root = tmp_path / "authoring"
    doc = _doc()
    _write(
        root,
        doc.key,
        _data(
            [{"id": "T1", "label": "GPE", "text": "Iraq"}],
            [
                {
                    "id": "E1",
                    "type": "Conflict:Attack",
                    "trigger": {"text": "Rockets struck", "context": "Rockets struck bases"},
                    "arguments": {"Place": ["T1"]},
                }
            ],
        ),
    )
    report = compile_pass("pass1", {doc.key: doc}, root=root)
    assert (report.documents, report.entities, report.events) == (1, 1, 1)
    line = json.loads(Path(report.output).read_text())
    assert set(line) == {"id", "text_sha256", "source", "annotator", "entities", "events"}
    assert "text" not in line and line["text_sha256"] == text_sha256(TEXT) and line["annotator"] == "pass1"
    records = apply_standoff(report.output, [doc])
    assert records[0].document.text == TEXT and records[0].annotations.entities[0].start == TEXT.index("Iraq")
    changed = _doc(TEXT.replace("Wednesday", "Tuesday"))
    with pytest.raises(EventCorpusError) as info:
        apply_standoff(report.output, [changed])
    assert info.value.code == "E010" and "re3d/CENTCOM/ABC" in info.value.render()
    with pytest.raises(EventCorpusError) as missing:
        apply_standoff(report.output, [])
    assert missing.value.code == "E719"


def test_compile_keeps_the_old_standoff_and_refuses_unknown_documents(tmp_path: Path) -> None:
    root = tmp_path / "authoring"
    doc = _doc()
    _write(root, doc.key, _data([{"id": "T1", "label": "GPE", "text": "Iraq"}]))
    first = compile_pass("pass1", {doc.key: doc}, root=root)
    assert first.backup is None
    _write(
        root,
        doc.key,
        _data([{"id": "T1", "label": "GPE", "text": "Iraq"}, {"id": "T2", "label": "TIME", "text": "Wednesday"}]),
    )
    second = compile_pass("pass1", {doc.key: doc}, root=root)
    assert second.backup is not None and Path(second.backup).exists()
    _write(root, "re3d-centcom-NOPE", _data([]))
    with pytest.raises(EventCorpusError) as info:
        compile_pass("pass1", {doc.key: doc}, root=root)
    assert info.value.code == "E704"


def test_preannotate_maps_re3d_entities_and_never_overwrites(tmp_path: Path) -> None:
    doc = _doc()
    s, e = _span("Iraq")
    doc.re3d_entities = [
        Re3dEntity(s, e, "LOC", "Iraq", "Location"),
        Re3dEntity(0, 7, "WEA", "Rockets", "Weapon"),
        Re3dEntity(8, 14, "PER", "wrong!", "Person"),
    ]
    doc.meta["re3d_dropped"] = ["re3d type Frequency maps to null at 0"]
    skeleton = preannotate(doc, "pass1", root=tmp_path)
    assert skeleton.entities == 2 and len(skeleton.skipped) == 2
    data = read_authoring(skeleton.path)
    assert data["entities"][0] == {"id": "T1", "label": "WEA", "text": "Rockets", "start": 0, "end": 7, "pre": "re3d"}
    assert data["entities"][1]["label"] == "LOC" and data["events"] == []
    assert "Frequency" in data["notes"] and "wrong!" in data["notes"]
    resolve_authoring(data, TEXT)  # a skeleton resolves as it is
    skeleton.path.write_text(skeleton.path.read_text() + "# edited\n")
    with pytest.raises(EventCorpusError) as info:
        preannotate(doc, "pass1", root=tmp_path)
    assert info.value.code == "E705"
    assert skeleton.path.read_text().endswith("# edited\n")


def test_cli_preannotate_and_compile_on_the_fetched_corpus(tmp_path: Path, shared_datasets: Path) -> None:
    runner = CliRunner()
    dest = tmp_path / "sources"
    assert runner.invoke(app, ["corpus", "fetch", "--mirror", str(shared_datasets), "--dest", str(dest)]).exit_code == 0
    root = tmp_path / "authoring"
    args = ["corpus", "preannotate", "--folder", "Australian Department of Foreign Affairs"]
    args += ["--dest", str(dest), "--root", str(root)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert len(list((root / "pass1").glob("re3d-australian-department-of-foreign-affairs-*.yaml"))) == 4
    again = runner.invoke(app, args)
    assert again.exit_code == 0 and "4 existing files left alone" in again.output
    result = runner.invoke(app, ["corpus", "compile", "--pass", "pass1", "--dest", str(dest), "--root", str(root)])
    assert result.exit_code == 0, result.output
    assert "4 documents" in result.output
    bad = runner.invoke(app, ["corpus", "preannotate", "re3d-nope-1", "--dest", str(dest), "--root", str(root)])
    assert bad.exit_code == 2 and "E704" in bad.output


@pytest.mark.slow
def test_committed_authoring_and_standoff_files_resolve(repo: Path, tmp_path: Path, shared_datasets: Path) -> None:
    """Every authoring file in the repository resolves against the fetched texts and the schema."""
    from eventcorpus.sources import corpus_documents, fetch_sources

    dest = tmp_path / "sources"
    fetch_sources(dest, mirror=shared_datasets)
    documents = corpus_documents(dest)
    root = repo / "corpus" / "annotations" / "authoring"
    for pass_name in ("pass1", "pass2"):
        if not list((root / pass_name).glob("*.yaml")):
            continue
        report = compile_pass(pass_name, documents, root=root, output=tmp_path / f"{pass_name}.jsonl")
        assert report.documents == len(list((root / pass_name).glob("*.yaml")))
        records = apply_standoff(report.output, documents.values())
        assert all(r.annotations.annotator == pass_name for r in records)
        committed = repo / "corpus" / "annotations" / f"{pass_name}.jsonl"
        if committed.exists():
            assert len(apply_standoff(committed, documents.values())) > 0


def test_authoring_file_not_utf8_raised_traceback(tmp_path: Path) -> None:
    """An authoring file that is not UTF-8 used to end in UnicodeDecodeError; now E004 naming it."""
    path = tmp_path / "doc.yaml"
    path.write_bytes(b"\xff\xfesource: x\n")
    with pytest.raises(EventCorpusError) as info:
        read_authoring(path)
    assert (info.value.code, info.value.file) == ("E004", str(path))


def test_standoff_line_not_object_raised_traceback(tmp_path: Path) -> None:
    """A stand-off line holding a JSON list used to end in AttributeError; now E006 naming file and line."""
    path = tmp_path / "pass1.jsonl"
    path.write_text("[1, 2]\n", encoding="utf-8")
    with pytest.raises(EventCorpusError) as info:
        apply_standoff(path, [])
    assert (info.value.code, info.value.line) == ("E006", 1)


def test_cli_apply_overwrote_its_output_without_backup(tmp_path: Path, shared_datasets: Path) -> None:
    """`corpus apply -o FILE` replaced an existing FILE (possibly edited records) without keeping it."""
    runner = CliRunner()
    dest = tmp_path / "sources"
    assert runner.invoke(app, ["corpus", "fetch", "--mirror", str(shared_datasets), "--dest", str(dest)]).exit_code == 0
    root = tmp_path / "authoring"
    folder = ["--folder", "Australian Department of Foreign Affairs", "--dest", str(dest), "--root", str(root)]
    assert runner.invoke(app, ["corpus", "preannotate", *folder]).exit_code == 0
    compiled = runner.invoke(app, ["corpus", "compile", "--pass", "pass1", "--dest", str(dest), "--root", str(root)])
    assert compiled.exit_code == 0, compiled.output
    standoff = tmp_path / "pass1.jsonl"  # compile writes <root>/../<pass>.jsonl
    output = tmp_path / "records.jsonl"
    output.write_text("edited by hand\n", encoding="utf-8")
    result = runner.invoke(app, ["corpus", "apply", str(standoff), "-o", str(output), "--dest", str(dest)])
    assert result.exit_code == 0, result.output
    backups = list(tmp_path.glob("records.jsonl.*.bak"))
    assert len(backups) == 1 and backups[0].read_text(encoding="utf-8") == "edited by hand\n"
    assert "old file kept as" in result.output


def test_preannotate_unknown_folder_said_give_keys(tmp_path: Path, shared_datasets: Path) -> None:
    """`preannotate --folder NOPE` answered E017 'give document keys or --folder' although --folder was given."""
    runner = CliRunner()
    dest = tmp_path / "sources"
    assert runner.invoke(app, ["corpus", "fetch", "--mirror", str(shared_datasets), "--dest", str(dest)]).exit_code == 0
    result = runner.invoke(
        app, ["corpus", "preannotate", "--folder", "Nope", "--dest", str(dest), "--root", str(tmp_path / "a")]
    )
    assert result.exit_code == 2 and "E704" in result.output and "Nope" in result.output
