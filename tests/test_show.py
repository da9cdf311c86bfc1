"""``eventcorpus show``: a document's events and entities as a person reads them."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from eventcorpus.cli import app
from eventcorpus.corpus import write_records
from eventcorpus.records import (
    ARGUMENT_SPAN_LABEL,
    AnnotationSet,
    Argument,
    Document,
    Entity,
    Event,
    Record,
    Trigger,
    document_id,
)
from eventcorpus.show import describe, render_html, span_view

TEXT = "Militants fired 🚀 rockets at the base in الرقة on Monday ,\r\nsaid officials."


def _record() -> Record:
    text = TEXT
    document = Document(document_id(text), text, title="Raqqa")

    def span(words: str) -> tuple[int, int]:
        start = text.index(words)
        return start, start + len(words)

    entities = [
        Entity("T1", *span("Militants"), "ORG"),
        Entity("T2", *span("rockets"), "WEA"),
        Entity("T3", *span("base"), "FAC"),
        Entity("T4", *span("الرقة"), "GPE"),
        Entity("T5", *span("Monday"), "TIME"),
        Entity("T6", *span("officials"), ARGUMENT_SPAN_LABEL),
    ]
    event = Event(
        "E1",
        "Conflict:Attack",
        Trigger(*span("fired")),
        [
            Argument("Attacker", "T1"),
            Argument("Instrument", "T2"),
            Argument("Target", "T3"),
            Argument("Place", "T4"),
            Argument("Time", "T5"),
        ],
        {"modality": "asserted", "polarity": "positive"},
    )
    return Record(document, AnnotationSet(document.id, "model", entities, [event]))


def test_describe_lists_each_event_with_its_arguments_by_role() -> None:
    lines = describe(_record())
    assert lines[1] == "  annotator model: 1 events, 5 entities"  # the ARG filler is not an entity
    event_line = next(line for line in lines if line.startswith("  E1 "))
    assert "Conflict:Attack “fired”" in event_line and "modality asserted" in event_line
    assert "      Attacker: “Militants” ORG" in lines
    assert "      Place: “الرقة” GPE" in lines
    assert "      Time: “Monday” TIME" in lines
    assert not any("officials" in line for line in lines)


def test_span_view_labels_triggers_arguments_and_entities_on_whole_tokens() -> None:
    view = span_view(_record())
    tokens = view["tokens"]
    assert isinstance(tokens, list)
    labels = {(" ".join(tokens[s["start_token"] : s["end_token"]]), s["label"]) for s in view["spans"]}  # type: ignore[index,union-attr]
    assert ("fired", "E1 Conflict:Attack") in labels
    assert ("rockets", "E1:Instrument") in labels and ("rockets", "WEA") in labels
    assert ("الرقة", "GPE") in labels and ("الرقة", "E1:Place") in labels


def test_html_is_drawn_by_displacy_span_view() -> None:
    html = render_html([_record()])
    assert html.startswith("<!DOCTYPE html>") or "<html" in html
    assert "E1 Conflict:Attack" in html and "الرقة" in html and "🚀" in html


def test_cli_show_prints_and_writes_html_keeping_the_old_page(tmp_path: Path) -> None:
    path = tmp_path / "pred.jsonl"
    write_records(path, [_record()])
    page = tmp_path / "pred.html"
    page.write_text("old page", encoding="utf-8")
    result = CliRunner().invoke(app, ["show", str(path), "--html", str(page)])
    assert result.exit_code == 0, result.output
    assert "Attacker: “Militants” ORG" in result.output
    assert "E1 Conflict:Attack" in page.read_text(encoding="utf-8")
    (backup,) = tmp_path.glob("pred.html.*.bak")
    assert backup.read_text(encoding="utf-8") == "old page"


def test_cli_show_with_an_unknown_document_id_says_so(tmp_path: Path) -> None:
    path = tmp_path / "pred.jsonl"
    write_records(path, [_record()])
    result = CliRunner().invoke(app, ["show", str(path), "--doc", "nope"])
    assert result.exit_code == 1 and "no document matched" in result.output


def test_time_saved_script_counts_what_an_annotator_only_accepts(tmp_path: Path, repo: Path, capsys: object) -> None:
    import runpy

    gold = tmp_path / "gold.jsonl"
    write_records(gold, [_record()])
    pred_record = _record()
    pred_record.annotations.events[0].arguments.pop()  # Time missing: 4 of 5 arguments right
    pred_record.annotations.entities.append(Entity("T9", 0, 9, "PER"))  # a wrong one to delete
    pred = tmp_path / "pred.jsonl"
    write_records(pred, [pred_record])
    module = runpy.run_path(str(repo / "scripts" / "time_saved.py"))
    assert module["main"](["--gold", str(gold), "--pred", str(pred), "--bootstrap", "0"]) == 0
    lines = capsys.readouterr().out.splitlines()  # type: ignore[attr-defined]
    entities = next(line for line in lines if " entities " in line)
    arguments = next(line for line in lines if "arguments" in line and "pred.jsonl" in line)
    assert "100.0%" in entities and entities.split()[-1] == "1"
    assert "80.0%" in arguments
