"""``eventcorpus show``: predictions or any annotation file as a person reads them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from eventcorpus.cli.app import app, cli_errors, err, out


@app.command("show")
def show_command(
    path: Annotated[Path, typer.Argument(help="Canonical JSONL: predictions, a pass or gold.")],
    doc_ids: Annotated[list[str] | None, typer.Option("--doc", help="Show only this document id (repeatable).")] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="Show at most this many documents.")] = None,
    html: Annotated[
        Path | None, typer.Option("--html", help="Also write an HTML page drawn with displaCy's span view.")
    ] = None,
) -> None:
    """Print each document's events (trigger, type, attributes, arguments by role) and entities."""
    from eventcorpus.corpus import atomic_open, backup_existing, read_records
    from eventcorpus.show import Selection, describe, render_html

    selection = Selection(frozenset(doc_ids or ()), limit)
    with cli_errors():
        records = list(selection.pick(read_records(path)))
        for record in records:
            for line in describe(record):
                out.print(line, markup=False)
            out.print("")
        if html is not None:
            backup = backup_existing(html)
            with atomic_open(html) as handle:
                handle.write(render_html(records))
            if backup is not None:
                err.print(f"the previous {html} was kept as {backup}", markup=False)
            err.print(f"✔ {len(records)} document(s) drawn -> {html}", markup=False)
    if not records:
        err.print("no document matched", markup=False)
        raise typer.Exit(1)
