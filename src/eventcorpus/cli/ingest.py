"""``eventcorpus ingest``: raw articles -> DIR/documents.jsonl (canonical records, no annotations)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from eventcorpus.cli.app import app, cli_errors, err, out, warn
from eventcorpus.cli.scale import ADDRESS_HELP, ENGINE_HELP, ingest_sharded_command
from eventcorpus.corpus import backup_existing, write_json, write_records
from eventcorpus.errors import EventCorpusError
from eventcorpus.ingest import DEFAULT_THRESHOLD, IngestFailed, ingest
from eventcorpus.records import UNANNOTATED, AnnotationSet, Record

DOCUMENTS = "documents.jsonl"
REPORT = "ingest_report.json"


@app.command("ingest")
def ingest_command(
    paths: Annotated[list[Path], typer.Argument(help="Article files (.txt, .html, .htm, .jsonl) or folders of them.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for documents.jsonl and ingest_report.json.")],
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Write the good inputs and a report of the failed ones.")
    ] = False,
    patterns: Annotated[
        Path | None, typer.Option("--patterns", help="YAML boilerplate/metadata patterns (default: the packaged ones).")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing documents.jsonl (the old one is kept as a backup).")
    ] = False,
    licence: Annotated[str, typer.Option("--licence", help="Licence for inputs that do not state one.")] = "unknown",
    attribution: Annotated[
        str | None, typer.Option("--attribution", help="Attribution for inputs that do not state one.")
    ] = None,
    threshold: Annotated[
        float,
        typer.Option("--near-duplicate-threshold", min=0.0, max=1.0, help="Jaccard similarity that flags reprints."),
    ] = DEFAULT_THRESHOLD,
    engine: Annotated[str, typer.Option("--engine", help=ENGINE_HELP)] = "local",
    address: Annotated[str | None, typer.Option("--address", help=ADDRESS_HELP)] = None,
) -> None:
    """Read raw articles into clean documents: metadata, boilerplate removed, duplicates merged.

    Writes DIR/documents.jsonl (canonical records without annotations) and
    DIR/ingest_report.json (counts, merged duplicates, near-duplicate clusters, skipped
    files and, with --skip-invalid, the inputs that failed). Any failed input without
    --skip-invalid: every problem is listed, nothing is written, exit 1.
    """
    target = out_dir / DOCUMENTS
    if engine != "local" or address:
        with cli_errors():
            ingest_sharded_command(
                paths,
                out_dir,
                engine,
                address,
                patterns=patterns,
                skip_invalid=skip_invalid,
                licence=licence,
                attribution=attribution,
                near_duplicate_threshold=threshold,
            )
        return
    with cli_errors():
        if target.exists() and not force:
            raise EventCorpusError("E011", f"{target} exists", file=str(target))
        try:
            result = ingest(
                paths,
                patterns=patterns,
                skip_invalid=skip_invalid,
                licence=licence,
                attribution=attribution,
                near_duplicate_threshold=threshold,
            )
        except IngestFailed as failed:
            for failure in failed.failures:
                err.print(f"[red]✘[/red] {escape(failure.render())}", markup=True)
            raise
        if not result.documents:
            for failure in result.failures:
                err.print(f"[red]✘[/red] {escape(failure.render())}", markup=True)
            raise EventCorpusError("E020", f"no document could be read from the {len(paths)} input path(s)")
        backup = backup_existing(target) if target.exists() else None
        if backup is not None:
            backup_existing(out_dir / REPORT)  # the old report describes the old documents: keep them together
        count = write_records(target, (Record(d, AnnotationSet(d.id, UNANNOTATED)) for d in result.documents))
        report = {"inputs": [p.as_posix() for p in paths], "output": target.as_posix(), **result.report()}
        write_json(out_dir / REPORT, report)
    for failure in result.failures:
        err.print(f"[yellow]⚠[/yellow] skipped: {escape(failure.render())}", markup=True)
    for warning in result.warnings:
        warn(warning)
    if backup is not None:
        out.print(f"kept the previous {DOCUMENTS} as {backup}", markup=False)
    out.print(
        f"✔ wrote {count} document(s) to {target} from {result.files} file(s): "
        f"{len(result.duplicates)} exact duplicate(s) merged, {len(result.clusters)} near-duplicate cluster(s), "
        f"{result.removed_lines} boilerplate line(s) removed, {len(result.failures)} input problem(s), "
        f"{len(result.skipped)} file(s) of other types skipped"
    )
