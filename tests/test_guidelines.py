from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from eventcorpus.cli import app
from eventcorpus.schema import load_schema, replace_generated_tables


def test_guideline_tables_match_the_schema(repo: Path) -> None:
    text = (repo / "annotation_guidelines" / "guidelines.md").read_text(encoding="utf-8")
    assert replace_generated_tables(text, load_schema()) == text, (
        "guidelines.md tables are stale: run `eventcorpus schema --write-tables annotation_guidelines/guidelines.md`"
    )


def test_every_event_type_and_role_appears_in_the_guidelines(repo: Path) -> None:
    text = (repo / "annotation_guidelines" / "guidelines.md").read_text(encoding="utf-8")
    schema = load_schema()
    for name, event_type in schema.event_types.items():
        for role in event_type.roles:
            assert f"| {name} | {role} |" in text


def test_schema_command_rebuilds_stale_tables(tmp_path: Path, repo: Path) -> None:
    source = (repo / "annotation_guidelines" / "guidelines.md").read_text(encoding="utf-8")
    stale = source.replace("| Conflict:Attack | Attacker |", "| Conflict:Attack | Shooter |")
    target = tmp_path / "guidelines.md"
    target.write_text(stale, encoding="utf-8")
    result = CliRunner().invoke(app, ["schema", "--write-tables", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == source


def test_schema_command_reports_a_broken_schema_with_exit_2(tmp_path: Path) -> None:
    broken = tmp_path / "schema.yaml"
    broken.write_text("version: 1\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["schema", "--schema", str(broken)])
    assert result.exit_code == 2
    assert "E002" in result.output
