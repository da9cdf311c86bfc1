"""``eventcorpus validate``: check annotations against the schema and the text."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from eventcorpus.cli.app import app, cli_errors, err, out, print_json, warn_if_empty
from eventcorpus.schema import load_schema
from eventcorpus.validate import validate

_MARKS = {"good": "[green]✔[/green]", "warn": "[yellow]⚠[/yellow]", "fail": "[red]✘[/red]", "info": " "}


@app.command("validate")
def validate_command(
    path: Annotated[Path, typer.Argument(help="Canonical JSONL file (or a file in --format).")],
    input_format: Annotated[
        str | None, typer.Option("--format", help="Read PATH in this format first (e.g. m2e2, re3d, oneie).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")] = False,
    fix: Annotated[
        Path | None, typer.Option("--fix", help="Write a NEW canonical file with spans snapped to tokens.")
    ] = None,
    schema_path: Annotated[Path | None, typer.Option("--schema", help="Schema file (default: the project's).")] = None,
    examples: Annotated[int, typer.Option("--examples", min=0, help="Locations shown per rule.")] = 5,
) -> None:
    """Check every rule (V001...) and list good, warn and fail lines; exit 1 when a rule fails."""
    empty = input_format is None and warn_if_empty(path)
    with cli_errors():
        schema = load_schema(schema_path)
        report = validate(path, schema=schema, input_format=input_format, fix=fix, max_examples=examples)
    if as_json:
        print_json(report.as_dict())
    else:
        out.print(
            f"{report.source}: {report.records} records, {report.entities} entities, {report.events} events",
            markup=False,
        )
        for status, line in report.lines():
            out.print(f"{_MARKS[status]} ", end="")
            out.print(line, markup=False)
        for change in report.fixes:
            out.print(
                f"fixed line {change.line}, document {change.doc_id}, {change.item}: "
                f"{change.old[0]}-{change.old[1]} {change.old_text!r} -> {change.new[0]}-{change.new[1]} "
                f"{change.new_text!r}",
                markup=False,
            )
        if report.fixed_path is not None:
            out.print(f"wrote {report.fixed_path} ({len(report.fixes)} spans changed)", markup=False)
            if report.fixed_backup:
                out.print(f"kept the earlier {report.fixed_path} as {report.fixed_backup}", markup=False)
            if report.unwritten_lines:
                err.print(f"lines not copied (not JSON): {report.unwritten_lines}", markup=False)
        verdict = "[red]✘ failed[/red]" if not report.ok else "[green]✔ passed[/green]"
        if empty:
            verdict = "[yellow]⚠ nothing checked[/yellow] (the file is empty)"
        out.print(f"{verdict}: {report.errors} errors, {report.warnings} warnings")
    raise typer.Exit(0 if report.ok else 1)
