"""The validator: one test per rule (a clean record, one mutation, exactly that rule fires), --fix, the CLI."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from eventcorpus.cli import app
from eventcorpus.errors import EventCorpusError
from eventcorpus.records import Record, text_sha256
from eventcorpus.schema import load_schema
from eventcorpus.tokens import tokenize
from eventcorpus.validate import RULES, token_bounds, validate
from tests.strategies import SEPARATORS, WORDS

SCHEMA = load_schema()
DATA = Path(__file__).parent / "data" / "validate"
TEXT = "Militants fired rockets at the base in Erbil on Monday."
#       0         10        20        30        40        50


def clean() -> dict[str, Any]:
    return {
        "id": "doc1",
        "text": TEXT,
        "text_sha256": text_sha256(TEXT),
        "annotator": "alice",
        "entities": [
            {"id": "T1", "start": 0, "end": 9, "label": "ORG"},
            {"id": "T2", "start": 16, "end": 23, "label": "WEA"},
            {"id": "T3", "start": 27, "end": 35, "label": "FAC"},
            {"id": "T4", "start": 39, "end": 44, "label": "GPE"},
            {"id": "T5", "start": 48, "end": 54, "label": "TIME"},
        ],
        "events": [
            {
                "id": "E1",
                "type": "Conflict:Attack",
                "trigger": {"start": 10, "end": 15},
                "arguments": [
                    {"role": "Attacker", "entity_id": "T1"},
                    {"role": "Instrument", "entity_id": "T2"},
                    {"role": "Target", "entity_id": "T3"},
                    {"role": "Place", "entity_id": "T4"},
                    {"role": "Time", "entity_id": "T5"},
                ],
                "attributes": {"polarity": "positive"},
            }
        ],
    }


def _entity(record: dict[str, Any], **fields: Any) -> None:
    record["entities"].append(fields)


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(record: dict[str, Any]) -> None:
        target: Any = record
        keys = path.split(".")
        for key in keys[:-1]:
            target = target[int(key)] if key.isdigit() else target[key]
        last = keys[-1]
        target[int(last) if last.isdigit() else last] = value

    return mutate


MUTATIONS: dict[str, Callable[[dict[str, Any]], None]] = {
    "V001": lambda r: r["entities"].append({"id": "T9", "start": 0}),
    "V002": _set("entities.1.end", 999),
    "V003": lambda r: _entity(r, id="T1", start=31, end=35, label="FAC"),
    "V004": _set("entities.0.meta", {"text": "Militias"}),
    "V005": _set("entities.1.end", 24),
    "V006": _set("entities.4.end", 55),
    "V007": _set("entities.1.start", 17),
    "V008": _set("entities.1.label", "WEAPON"),
    "V009": _set("events.0.type", "Conflict:Bomb"),
    "V010": _set("events.0.arguments.0.role", "Shooter"),
    "V011": _set("events.0.arguments.0.role", "Victim"),
    "V012": _set("events.0.arguments.0.entity_id", "T2"),
    "V013": _set("events.0.arguments.0.entity_id", "T99"),
    "V014": _set("events.0.trigger", None),
    "V015": lambda r: _entity(r, id="T6", start=39, end=44, label="GPE"),
    "V016": lambda r: _entity(r, id="T6", start=39, end=44, label="LOC"),
    "V017": lambda r: _entity(r, id="T6", start=31, end=44, label="LOC"),
    "V018": _set("text_sha256", text_sha256(TEXT + " ")),
    "V019": lambda r: r.update(annotator="unannotated", entities=[], events=[]),
    "V020": _set("events.0.attributes", {"polarity": "maybe"}),
    "V022": _set("annotator", "../../../etc/evil"),
}


def test_the_clean_record_passes_every_rule() -> None:
    report = validate([clean()], schema=SCHEMA)
    assert report.ok and report.warnings == 0, report.lines()
    assert (report.records, report.entities, report.events) == (1, 5, 1)
    Record.from_dict(clean())  # and the strict reader agrees


def test_every_rule_has_a_test() -> None:
    assert set(MUTATIONS) | {"V021"} == set(RULES)


@pytest.mark.parametrize("code", sorted(MUTATIONS))
def test_each_rule_fires_alone(code: str) -> None:
    record = copy.deepcopy(clean())
    MUTATIONS[code](record)
    report = validate([record], schema=SCHEMA)
    fired = {c: r.count for c, r in report.results.items() if r.count}
    assert fired == {code: 1}, report.lines()
    example = report.results[code].examples[0]
    assert example.doc_id == "doc1" and example.line == 1
    assert report.ok == (RULES[code].level == "warning")


def test_repeated_document_for_one_annotator() -> None:
    report = validate([clean(), clean()], schema=SCHEMA)
    assert report.count("V021") == 1 and report.results["V021"].examples[0].line == 2
    other = clean()
    other["annotator"] = "bob"
    assert validate([clean(), other], schema=SCHEMA).count("V021") == 0


def test_locations_show_the_span_in_context() -> None:
    record = clean()
    record["entities"][1]["start"] = 17
    (example,) = validate([record], schema=SCHEMA).results["V007"].examples
    assert (example.start, example.end, example.text) == (17, 23, "ockets")
    assert example.context == "Militants fired r[ockets] at the base in Erbil on Monda…"
    assert example.detail == "starts inside 'rockets'"


def test_abbreviations_are_not_punctuation() -> None:
    text = "Navy Capt. Jeff Davis spoke."
    record = {
        "id": "d",
        "text": text,
        "annotator": "a",
        "entities": [{"id": "T1", "start": 0, "end": 10, "label": "PER"}],
    }
    assert validate([record], schema=SCHEMA).count("V006") == 0


def test_a_broken_line_does_not_hide_the_others(tmp_path: Path) -> None:
    report = validate(DATA / "mixed.jsonl", schema=SCHEMA)
    assert report.records == 4
    assert report.count("V001") == 1 and report.results["V001"].examples[0].line == 2
    assert report.count("V002") == 1 and report.count("V007") == 1 and report.count("V005") == 1
    assert not report.ok


def test_fix_snaps_spans_to_tokens_into_a_new_file(tmp_path: Path) -> None:
    source = DATA / "mixed.jsonl"
    before = source.read_bytes()
    out = tmp_path / "fixed.jsonl"
    report = validate(source, schema=SCHEMA, fix=out)
    assert source.read_bytes() == before
    assert [(f.item, f.old, f.new, f.new_text) for f in report.fixes] == [
        ("entity T2", (17, 23), (16, 23), "rockets"),
        ("event E1 trigger", (9, 15), (10, 15), "fired"),
    ]
    assert report.unwritten_lines == [2]
    again = validate(out, schema=SCHEMA)
    assert again.records == 3 and again.count("V005") == 0 and again.count("V007") == 0
    assert again.count("V002") == 1  # not fixable: still reported
    out.write_text("earlier\n", encoding="utf-8")
    second = validate(source, schema=SCHEMA, fix=out)
    assert second.fixed_backup and Path(second.fixed_backup).read_text(encoding="utf-8") == "earlier\n"
    with pytest.raises(EventCorpusError) as caught:
        validate(source, schema=SCHEMA, fix=source)
    assert caught.value.code == "E157"


runner = CliRunner()


def test_cli_exit_codes_lines_and_json(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(DATA / "mixed.jsonl")])
    assert result.exit_code == 1
    assert "✘ V002 1 × span offsets outside the text" in result.output
    assert "✔ V008 entity labels are in the schema" in result.output
    assert "⚠ V007 1 × span cuts through a token" in result.output
    assert "line 3, document doc1, entity T2, offset 17-23" in result.output
    result = runner.invoke(app, ["validate", str(DATA / "mixed.jsonl"), "--json"])
    data = json.loads(result.output)
    assert result.exit_code == 1 and data["errors"] == 2 and not data["ok"]
    assert {r["code"]: r["count"] for r in data["rules"]}["V007"] == 1
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps(clean()) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(good)])
    assert result.exit_code == 0 and "✔ passed: 0 errors, 0 warnings" in result.output
    out = tmp_path / "fixed.jsonl"
    result = runner.invoke(app, ["validate", str(DATA / "mixed.jsonl"), "--fix", str(out)])
    assert "fixed line 3, document doc1, entity T2: 17-23 'ockets' -> 16-23 'rockets'" in result.output
    assert out.is_file()
    result = runner.invoke(app, ["validate", str(tmp_path / "missing.jsonl")])
    assert result.exit_code == 2 and "E004" in result.output


def test_cli_validates_another_format_through_its_reader(tmp_path: Path) -> None:
    sentence = {
        "sentence_id": "A_0",
        "words": ["Police", "arrested", "him", "."],
        "golden-entity-mentions": [{"entity-type": "ORG", "text": "Police", "start": 0, "end": 1}],
        "golden-event-mentions": [
            {
                "trigger": {"start": 1, "end": 2, "text": "arrested"},
                "event_type": "Justice:Arrest-Jail",
                "arguments": [{"role": "Agent", "start": 0, "end": 1, "text": "Police"}],
            }
        ],
    }
    path = tmp_path / "m2e2.json"
    path.write_text(json.dumps([sentence]), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path), "--format", "m2e2", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["events"] == 1


def test_re3d_value_mismatches_are_found_through_the_reader(shared_datasets: Path) -> None:
    """V004 on re3d equals the gold rows whose value differs from the text, counted from the raw files."""
    root = shared_datasets / "re3d"
    expected = 0
    for folder in (p for p in root.iterdir() if p.is_dir()):
        texts = {}
        for line in (folder / "documents.json").read_text(encoding="utf-8").splitlines():
            if line.strip():
                doc = json.loads(line)
                texts[doc["_id"]] = doc["text"]
        for line in (folder / "entities.json").read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                kept = row["confidence"] != 0 and SCHEMA.mappings["re3d"]["entity_types"][row["type"]] is not None
                expected += kept and texts[row["documentId"]][row["begin"] : row["end"]] != row["value"]
    report = validate(root, schema=SCHEMA, input_format="re3d")
    assert report.records == 98 and report.count("V004") == expected > 0
    assert report.count("V002") == 0 and report.count("V008") == 0


EXTRA = ["U.S.-led", "(SDF)", '"Iraq"', "https://x.org/a?b=1", "don't", "$5", "e.g.", ":)", "\u00a0", "\t", "Mr.", "—"]


@settings(max_examples=100, deadline=None)
@given(text=st.lists(st.sampled_from(WORDS + SEPARATORS + EXTRA), max_size=40).map("".join))
def test_token_bounds_equal_the_project_tokenisation(text: str) -> None:
    """The validator's fast token offsets (Doc.to_array) are those of eventcorpus.tokens.tokenize."""
    starts, ends = token_bounds(text)
    assert list(zip(starts, ends, strict=True)) == [(t.start, t.end) for t in tokenize(text)]


def test_special_cases_across_a_space_are_kept() -> None:
    """Regression: tokenising chunks apart splits ':)' here, the full text does not."""
    assert list(zip(*token_bounds("(SDF) :)rockets"), strict=True)) == [
        (t.start, t.end) for t in tokenize("(SDF) :)rockets")
    ]


def test_the_docs_list_every_rule(repo: Path) -> None:
    text = (repo / "docs" / "validate.md").read_text(encoding="utf-8")
    for rule in RULES.values():
        assert f"| {rule.code} | {rule.level} | {rule.title} |" in text


def test_an_id_that_would_write_outside_the_output_folder_is_reported() -> None:
    """Regression (issue 18): a record with id ``../../victim`` passed validate."""
    record = clean()
    record["id"] = "../../victim"
    report = validate([record], schema=SCHEMA)
    assert report.count("V022") == 1 and not report.ok
    assert "'%2E.%2F..%2Fvictim'" in (report.results["V022"].examples[0].detail or "")
