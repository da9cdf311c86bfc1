"""``eventcorpus convert``: between canonical, doccano, brat, OneIE, TextEE, M2E2, re3d, CoNLL, spaCy and HF."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from eventcorpus.cli.app import app, cli_errors, out, print_json, warn
from eventcorpus.convert import convert
from eventcorpus.errors import EventCorpusError
from eventcorpus.formats import FORMATS
from eventcorpus.offsets import MODES
from eventcorpus.schema import load_schema
from eventcorpus.ziplimits import DEFAULT_MAX_MB, DEFAULT_MAX_RATIO

_FORMATS = ", ".join(FORMATS)


@app.command("convert")
def convert_command(
    in_path: Annotated[Path, typer.Argument(help="Input file or folder.", metavar="IN")],
    from_fmt: Annotated[str, typer.Option("--from", help=f"Input format: {_FORMATS}.")],
    to_fmt: Annotated[str, typer.Option("--to", help=f"Output format: {_FORMATS}.")],
    out_path: Annotated[Path, typer.Option("--out", help="Output file or folder (an existing one is kept as .bak).")],
    offset_mode: Annotated[
        str, typer.Option("--offset-mode", help=f"How doccano counts offsets: {', '.join(MODES)}.")
    ] = "codepoint",
    annotator: Annotated[
        str | None,
        typer.Option("--annotator", help="Annotator for input that names none (for doccano JSONL: the user)."),
    ] = None,
    split: Annotated[str | None, typer.Option("--split", help="hf: put every record in this split.")] = None,
    inventory: Annotated[
        str | None,
        typer.Option(
            "--inventory",
            help="Map the labels read through this table of schema.yaml `mappings` (e.g. m2e2); "
            "unmapped labels are kept as they are for validate to report.",
        ),
    ] = None,
    window: Annotated[
        str | None, typer.Option("--window", help="oneie/textee: sentence (default) or document windows.")
    ] = None,
    textee_task: Annotated[
        str | None,
        typer.Option("--textee-task", help="textee: e2e (every entity, default) or eae (argument fillers only)."),
    ] = None,
    schema_path: Annotated[Path | None, typer.Option("--schema", help="Schema file (default: the project's).")] = None,
    max_unzip_mb: Annotated[
        float, typer.Option("--max-unzip-mb", help="doccano zip: most MiB its members may expand to (zip bombs).")
    ] = DEFAULT_MAX_MB,
    max_unzip_ratio: Annotated[
        float, typer.Option("--max-unzip-ratio", help="doccano zip: most a member may expand per compressed byte.")
    ] = DEFAULT_MAX_RATIO,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 when anything was dropped or warned about.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")] = False,
) -> None:
    """Convert annotations between formats, listing every item the target cannot hold."""
    options: dict[str, object] = {
        "offset_mode": offset_mode,
        "max_unzip_mb": max_unzip_mb,
        "max_unzip_ratio": max_unzip_ratio,
    }
    if annotator:
        options["annotator"] = annotator
    if split:
        options["split"] = split
    for key, value in (("inventory", inventory), ("window", window), ("textee_task", textee_task)):
        if value:
            options[key] = value
    with cli_errors():
        if offset_mode not in MODES:
            raise EventCorpusError("E017", f"--offset-mode {offset_mode!r}", expected=f"one of {', '.join(MODES)}")
        report = convert(in_path, from_fmt, to_fmt, out_path, schema=load_schema(schema_path), options=options)
    if as_json:
        print_json(
            {
                "in": str(in_path),
                "from": from_fmt,
                "to": to_fmt,
                "out": str(out_path),
                "documents": report.documents,
                "entities": report.entities,
                "events": report.events,
                "dropped": [asdict(d) for d in report.dropped],
                "dropped_total": len(report.dropped),
                "warnings": report.warnings,
            }
        )
    else:
        out.print(
            f"{from_fmt} -> {to_fmt}: {report.documents} documents, {report.entities} entities, "
            f"{report.events} events written to {out_path}"
        )
        for item in report.dropped:
            where = f"offset {item.offset}" if item.offset is not None else "no offset"
            out.print(f"  dropped {item.kind} {item.item_id} in document {item.doc_id} at {where}: {item.reason}")
        out.print(f"dropped in total: {len(report.dropped)}")
    for warning in report.warnings:
        warn(warning)
    if strict and (report.dropped or report.warnings):
        raise typer.Exit(1)
