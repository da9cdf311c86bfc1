"""Core commands: inspect the schema."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from eventcorpus.cli.app import app, cli_errors, out, print_json
from eventcorpus.corpus import atomic_open
from eventcorpus.errors import EventCorpusError
from eventcorpus.schema import load_schema, markdown_tables, replace_generated_tables


@app.command("schema")
def schema_command(
    path: Annotated[Path | None, typer.Option("--schema", help="Schema file (default: the project's).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")] = False,
    tables: Annotated[bool, typer.Option("--tables", help="Print the guideline tables as markdown.")] = False,
    write_tables: Annotated[
        Path | None, typer.Option("--write-tables", help="Rebuild the generated tables inside this markdown file.")
    ] = None,
) -> None:
    """Check the schema and list its entity types, event types and roles."""
    with cli_errors():
        schema = load_schema(path)
        if write_tables is not None:
            try:
                markdown = write_tables.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise EventCorpusError("E004", f"cannot read {write_tables}: {exc}", file=str(write_tables)) from exc
            with atomic_open(write_tables) as handle:
                handle.write(replace_generated_tables(markdown, schema))
            out.print(f"rebuilt the schema tables in {write_tables}")
            return
    if tables:
        typer.echo(markdown_tables(schema), nl=False)
        return
    if as_json:
        print_json(
            {
                "version": schema.version,
                "entity_types": schema.entity_labels,
                "event_types": {
                    name: {r: list(spec.fillers) for r, spec in et.roles.items()}
                    for name, et in schema.event_types.items()
                },
                "mappings": sorted(schema.mappings),
            }
        )
        return
    out.print(f"schema {schema.name} {schema.version} ({schema.path})")
    out.print(f"entity types ({len(schema.entity_types)}): {', '.join(schema.entity_labels)}")
    out.print(f"event types ({len(schema.event_types)}):")
    for name, event_type in schema.event_types.items():
        out.print(f"  {name}: {', '.join(event_type.roles)}")
    out.print(f"mappings: {', '.join(sorted(schema.mappings))}")
