"""``eventcorpus revise``: apply a recorded revision pass to an annotation set."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from eventcorpus.cli.app import app, cli_errors, err, out, print_json


@app.command("revise")
def revise_command(
    path: Annotated[Path, typer.Argument(help="Canonical JSONL to revise (usually the adjudicated gold).")],
    edits: Annotated[Path, typer.Option("--edits", help="Revision file: one JSON edit with its reason per line.")],
    out_path: Annotated[
        Path, typer.Option("--out", help="Canonical JSONL of the revised sets (old file kept as .bak).")
    ],
    annotator: Annotated[str, typer.Option("--annotator", help="Name of the revision pass.")] = "revision1",
    json_out: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Apply every edit of a revision file, checking each quoted span; write the result as a new pass."""
    from eventcorpus.corpus import backup_existing, read_records, write_records
    from eventcorpus.errors import EventCorpusError
    from eventcorpus.revise import revise_file

    with cli_errors():
        if out_path.resolve() in (path.resolve(), edits.resolve()):
            raise EventCorpusError("E334", f"--out {out_path} is one of the inputs", file=str(out_path))
        result = revise_file(read_records(path), edits, annotator=annotator)
        backup = backup_existing(out_path)
        write_records(out_path, result.records)
    if backup is not None:
        err.print(f"the previous {out_path} was kept as {backup}", markup=False)
    summary = result.summary()
    if json_out:
        print_json(summary)
        return
    ops = ", ".join(f"{op} {n}" for op, n in summary["by_op"].items()) or "none"
    out.print(
        f"✔ {summary['edits']} edits on {summary['documents_revised']} of {summary['documents']} documents "
        f"({ops}) -> {out_path} (annotator {annotator})",
        markup=False,
    )
