"""`eventcorpus corpus ...`: fetch the sources, pre-annotate, compile and apply stand-off annotations."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from eventcorpus.authoring import AUTHORING_DIR, apply_standoff, compile_pass, preannotate
from eventcorpus.cli.app import app, cli_errors, err, out
from eventcorpus.cli.helpstyle import ProjectTyper
from eventcorpus.corpus import backup_existing, refuse_input_as_output, write_records
from eventcorpus.errors import EventCorpusError
from eventcorpus.sources import DEFAULT_DEST, corpus_documents, fetch_sources, folder_slug

corpus_app = ProjectTyper(
    help="The project's corpus: sources, authoring files, stand-off annotations.", no_args_is_help=True
)
app.add_typer(corpus_app, name="corpus")

Dest = Annotated[Path, typer.Option("--dest", help="Folder the fetched sources live in.")]
Pass = Annotated[str, typer.Option("--pass", help="Annotation pass: pass1 or pass2.")]


@corpus_app.command("fetch")
def fetch_command(
    mirror: Annotated[
        Path | None, typer.Option("--mirror", help="Local mirror laid out like ../shared/datasets.")
    ] = None,
    dest: Dest = DEFAULT_DEST,
) -> None:
    """Materialise every source file under DEST from its pinned origin (or a mirror) and check its hash."""
    with cli_errors():
        report = fetch_sources(dest, mirror=mirror)
    if report.up_to_date:
        out.print(
            f"✔ up to date: {len(report.present)} files in {report.dest}, {len(report.local)} local files checked"
        )
    else:
        out.print(
            f"✔ fetched {len(report.fetched)} files into {report.dest} ({len(report.present)} already there), "
            f"{len(report.local)} local files checked"
        )


@corpus_app.command("preannotate")
def preannotate_command(
    keys: Annotated[list[str] | None, typer.Argument(help="Document keys (re3d-<folder>-<id> or cemo).")] = None,
    folder: Annotated[str | None, typer.Option("--folder", help="Every document of this re3d folder.")] = None,
    pass_name: Pass = "pass1",
    no_entities: Annotated[bool, typer.Option("--no-entities", help="An empty skeleton (independent passes).")] = False,
    dest: Dest = DEFAULT_DEST,
    root: Annotated[
        Path, typer.Option("--root", help="Authoring folder.", show_default="corpus/annotations/authoring")
    ] = AUTHORING_DIR,
) -> None:
    """Write authoring skeletons with re3d's entities mapped through the schema (never overwrites)."""
    with cli_errors():
        documents = corpus_documents(dest)
        chosen = list(keys or [])
        if folder is not None:
            prefix = f"re3d-{folder_slug(folder)}-"
            in_folder = [k for k in documents if k.startswith(prefix)]
            if not in_folder:
                raise EventCorpusError(
                    "E704", f"no document in a re3d folder {folder!r}", expected="a folder listed by `corpus list`"
                )
            chosen += in_folder
        if not chosen:
            raise EventCorpusError("E017", "give document keys or --folder", expected="at least one document")
        for key in chosen:
            if key not in documents:
                raise EventCorpusError(
                    "E704", f"no document with key {key!r}", expected="a key listed by `eventcorpus corpus list`"
                )
        written, refused = 0, 0
        for key in chosen:
            try:
                skeleton = preannotate(documents[key], pass_name, root=root, with_entities=not no_entities)
            except EventCorpusError as exc:
                if exc.code != "E705":
                    raise
                err.print(f"[yellow]⚠[/yellow] {exc.detail}", markup=True)
                refused += 1
                continue
            written += 1
            out.print(f"{skeleton.path}: {skeleton.entities} entities, {len(skeleton.skipped)} skipped")
    out.print(f"✔ {written} skeletons written, {refused} existing files left alone")


@corpus_app.command("list")
def list_command(dest: Dest = DEFAULT_DEST) -> None:
    """List the corpus documents: key, characters, title."""
    with cli_errors():
        documents = corpus_documents(dest)
    for key, doc in documents.items():
        out.print(f"{key}\t{len(doc.text)}\t{doc.title or ''}")


@corpus_app.command("compile")
def compile_command(
    pass_names: Annotated[list[str] | None, typer.Option("--pass", help="Passes to compile (default: all).")] = None,
    dest: Dest = DEFAULT_DEST,
    root: Annotated[
        Path, typer.Option("--root", help="Authoring folder.", show_default="corpus/annotations/authoring")
    ] = AUTHORING_DIR,
) -> None:
    """Resolve authoring/<pass>/*.yaml into the stand-off file corpus/annotations/<pass>.jsonl."""
    with cli_errors():
        documents = corpus_documents(dest)
        names = pass_names or sorted(p.name for p in Path(root).iterdir() if p.is_dir() and any(p.glob("*.yaml")))
        for name in names:
            report = compile_pass(name, documents, root=root)
            kept = f" (old file kept as {report.backup})" if report.backup else ""
            out.print(
                f"✔ {report.output}: {report.documents} documents, {report.entities} entities, {report.events} events{kept}"
            )


@corpus_app.command("apply")
def apply_command(
    standoff: Annotated[Path, typer.Argument(help="A stand-off file, e.g. corpus/annotations/pass1.jsonl.")],
    output: Annotated[Path, typer.Option("--out", "-o", help="Canonical records with text (JSON Lines).")],
    dest: Dest = DEFAULT_DEST,
) -> None:
    """Join a stand-off file with the fetched texts into canonical records (fails if a text changed)."""
    with cli_errors():
        refuse_input_as_output(output, standoff)
        records = apply_standoff(standoff, corpus_documents(dest).values())
        backup = backup_existing(output)
        count = write_records(output, records)
    kept = f" (old file kept as {backup})" if backup else ""
    out.print(f"✔ {count} records written to {output}{kept}")
