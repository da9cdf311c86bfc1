"""`eventcorpus export` (one output per split) and `eventcorpus publish` (Hugging Face Hub)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from eventcorpus.card import CardInfo, card_info_from_readme
from eventcorpus.cli.app import app, cli_errors, out, print_json, warn_if_empty, warn_outside_schema
from eventcorpus.corpus import read_records
from eventcorpus.errors import EventCorpusError
from eventcorpus.export import EXPORT_FORMATS, ExportReport, export
from eventcorpus.formats import Dropped
from eventcorpus.offsets import MODES
from eventcorpus.provenance import DEFAULT_PROVENANCE, load_provenance
from eventcorpus.publish import load_adjudication, load_agreement, publish
from eventcorpus.schema import load_schema
from eventcorpus.split import read_manifest

SHOWN = 20


def _print_dropped(dropped: list[Dropped], what: str) -> None:
    if not dropped:
        return
    out.print(f"⚠ {len(dropped)} {what}:")
    for item in dropped[:SHOWN]:
        where = f" at {item.offset}" if item.offset is not None else ""
        out.print(f"  {item.doc_id} {item.kind} {item.item_id}{where}: {item.reason}")
    if len(dropped) > SHOWN:
        out.print(f"  ... and {len(dropped) - SHOWN} more (--json lists them all)")


@app.command("export")
def export_command(
    input_path: Annotated[Path, typer.Argument(metavar="IN", help="Canonical JSONL (e.g. the gold file).")],
    split: Annotated[
        Path, typer.Option("--split", metavar="MANIFEST", help="Split manifest from `eventcorpus split`.")
    ],
    fmt: Annotated[str, typer.Option("--to", help=f"Output format: {', '.join(EXPORT_FORMATS)}.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Output folder (an existing one is kept as .bak).")],
    allow_unassigned: Annotated[
        bool, typer.Option("--allow-unassigned", help="Leave out documents the manifest lacks instead of failing.")
    ] = False,
    offset_mode: Annotated[
        str, typer.Option("--offset-mode", help=f"How doccano counts offsets: {', '.join(MODES)}.")
    ] = "codepoint",
    schema_path: Annotated[Path | None, typer.Option("--schema", help="Schema file (default: the project's).")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 when anything was dropped.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report (every dropped item) as JSON.")] = False,
) -> None:
    """Export IN to one output per split of MANIFEST, reporting everything the format cannot hold."""
    warn_if_empty(input_path)
    warn_outside_schema(input_path)
    with cli_errors():
        if offset_mode not in MODES:
            raise EventCorpusError("E017", f"--offset-mode {offset_mode!r}", expected=f"one of {', '.join(MODES)}")
        manifest = read_manifest(split)
        report = export(
            lambda: read_records(input_path),
            manifest,
            fmt,
            out_dir,
            schema=load_schema(schema_path),
            allow_unassigned=allow_unassigned,
            options={"offset_mode": offset_mode},
        )
    if as_json:
        print_json(report.to_dict())
    else:
        _print_export(report, fmt, input_path)
    if strict and report.dropped:
        raise typer.Exit(1)


def _print_export(report: ExportReport, fmt: str, input_path: Path) -> None:
    for name, part in report.splits.items():
        out.print(
            f"✔ {name}: {part.documents} documents, {part.entities} entities, {part.events} events -> {part.path}"
        )
    if report.unassigned:
        out.print(f"⚠ {len(report.unassigned)} documents without a split were left out (--allow-unassigned)")
    if report.not_in_input:
        out.print(f"⚠ {report.not_in_input} documents of the manifest are not in {input_path}")
    _print_dropped(report.dropped, f"items {fmt} cannot hold")


@app.command("publish")
def publish_command(
    input_path: Annotated[Path, typer.Argument(metavar="IN", help="Canonical JSONL, one gold record per document.")],
    split: Annotated[
        Path, typer.Option("--split", metavar="MANIFEST", help="Split manifest from `eventcorpus split`.")
    ],
    repo_id: Annotated[str, typer.Option("--repo-id", help="Dataset repository on the Hub, ORG/NAME.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Build the folder only; push nothing.")] = False,
    out_dir: Annotated[Path | None, typer.Option("--out", help="Where to build the repository folder.")] = None,
    private: Annotated[bool, typer.Option("--private", help="Create the repository as private.")] = False,
    revision: Annotated[str | None, typer.Option("--revision", help="Tag the pushed commit, e.g. v0.1.")] = None,
    allow_nc: Annotated[bool, typer.Option("--allow-nc", help="Include non-commercial (CC BY-NC) documents.")] = False,
    allow_unassigned: Annotated[
        bool, typer.Option("--allow-unassigned", help="Leave out documents the manifest lacks instead of failing.")
    ] = False,
    agreement: Annotated[
        Path | None, typer.Option("--agreement", help="Folder of annotators' files, or `agree --json` output.")
    ] = None,
    corpus_readme: Annotated[
        Path | None,
        typer.Option("--corpus-readme", help="README with 'How the annotations were made' and 'Known weaknesses'."),
    ] = None,
    provenance: Annotated[
        Path | None,
        typer.Option(
            "--provenance",
            help="passes.yaml declaring who or what made each pass (default: corpus/annotations/passes.yaml).",
        ),
    ] = None,
    adjudication: Annotated[
        Path | None,
        typer.Option("--adjudication", help="`adjudicate --json` output: conflicts and decisions for the card."),
    ] = None,
    pretty_name: Annotated[str | None, typer.Option("--pretty-name", help="The dataset's display name.")] = None,
    schema_path: Annotated[Path | None, typer.Option("--schema", help="Schema file (default: the project's).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Build the Hugging Face dataset folder (parquet, card, licences, release manifest) and push it."""
    with cli_errors():
        overrides: dict[str, Any] = {"pretty_name": pretty_name} if pretty_name else {}
        declared = provenance or DEFAULT_PROVENANCE
        if provenance is not None or declared.is_file():
            overrides["provenance"] = load_provenance(declared)
        if adjudication is not None:
            overrides["adjudication"] = load_adjudication(adjudication)
        readme = corpus_readme or (Path("corpus/README.md") if Path("corpus/README.md").is_file() else None)
        info = card_info_from_readme(readme, **overrides) if readme else CardInfo(**overrides)
        result = publish(
            read_records(input_path),
            read_manifest(split),
            schema=load_schema(schema_path),
            repo_id=repo_id,
            out_dir=out_dir,
            dry_run=dry_run,
            private=private,
            revision=revision,
            allow_nc=allow_nc,
            allow_unassigned=allow_unassigned,
            agreement=load_agreement(agreement) if agreement else None,
            info=info,
        )
    release = result.release
    if as_json:
        data = release.to_dict()
        data["push"] = vars(result.push) if result.push else None
        print_json(data)
        return
    for config, splits in release.rows.items():
        out.print(f"✔ {config}: " + ", ".join(f"{s} {n}" for s, n in splits.items()))
    if release.excluded:
        out.print(f"⚠ {len(release.excluded)} documents left out by the licence gate:")
        for item in release.excluded[:SHOWN]:
            out.print(f"  {item.doc_id} ({item.source or '—'}, {item.licence}): {item.reason}")
    _print_dropped(release.dropped, "items the documents configuration cannot hold")
    _print_dropped(release.bio_problems, "spans the BIO tags of the sentences configuration cannot hold as they are")
    if result.push:
        tag = f", tagged {result.push.tag}" if result.push.tag else ""
        out.print(f"✔ pushed to {result.push.repo_url}{tag}")
    else:
        out.print(f"✔ dry run: the repository folder is {release.folder} (nothing pushed)")
