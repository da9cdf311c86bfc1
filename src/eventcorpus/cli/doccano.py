"""``eventcorpus doccano push|pull``: send documents to annotators, bring their work back."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from eventcorpus.cli.app import app, cli_errors, out, warn
from eventcorpus.cli.helpstyle import ProjectTyper
from eventcorpus.doccano.client import DoccanoClient
from eventcorpus.doccano.sync import OFFSET_MODES, pull, push
from eventcorpus.errors import EventCorpusError
from eventcorpus.progress import track
from eventcorpus.schema import Schema, load_schema
from eventcorpus.ziplimits import DEFAULT_MAX_MB, DEFAULT_MAX_RATIO, ZipLimits

USER_ENV = "EVENTCORPUS_DOCCANO_USER"
PASSWORD_ENV = "EVENTCORPUS_DOCCANO_PASSWORD"

doccano_app = ProjectTyper(help="Push documents to a doccano project and pull annotations back.", no_args_is_help=True)
app.add_typer(doccano_app, name="doccano")

Url = Annotated[str, typer.Option("--url", help="doccano server, e.g. http://127.0.0.1:8000.")]
ProjectName = Annotated[str, typer.Option("--project", help="doccano project name.")]
OffsetMode = Annotated[
    str,
    typer.Option(
        "--offset-mode",
        help="How the project counts offsets: auto (the project's: utf16, or grapheme with grapheme mode), "
        "utf16, grapheme or codepoint.",
    ),
]
TaskTimeout = Annotated[
    float, typer.Option("--task-timeout", help="Seconds to wait for a doccano task before blaming the worker.")
]
SchemaPath = Annotated[Path | None, typer.Option("--schema", help="Schema file (default: the project's).")]


def credentials() -> tuple[str, str]:
    """User and password from the environment, else a prompt on a terminal; never stored or printed."""
    user, password = os.environ.get(USER_ENV), os.environ.get(PASSWORD_ENV)
    if user and password:
        return user, password
    if not sys.stdin.isatty():
        raise EventCorpusError("E208", f"{USER_ENV} / {PASSWORD_ENV} are not set and there is no terminal to ask on")
    user = user or typer.prompt("doccano user")
    password = password or typer.prompt("doccano password", hide_input=True)
    return user, password


def connect(url: str, task_timeout: float) -> DoccanoClient:
    user, password = credentials()
    client = DoccanoClient(url, task_timeout=task_timeout)
    try:
        client.login(user, password)
    except BaseException:
        client.close()
        raise
    return client


def _checked_options(offset_mode: str, schema_path: Path | None) -> Schema:
    """Refuse an unknown offset mode (E017) and load the schema the project's labels come from."""
    if offset_mode not in OFFSET_MODES:
        raise EventCorpusError("E017", f"--offset-mode {offset_mode!r}", expected=", ".join(OFFSET_MODES))
    return load_schema(schema_path)


@doccano_app.command("push")
def push_command(
    docs: Annotated[Path, typer.Argument(help="Canonical documents (JSON Lines).")],
    project: ProjectName,
    url: Url,
    annotations: Annotated[
        Path | None, typer.Option("--annotations", help="Canonical annotations to pre-annotate with.")
    ] = None,
    collaborative: Annotated[
        bool, typer.Option("--collaborative", help="New project: annotators share one set of annotations.")
    ] = False,
    offset_mode: OffsetMode = "auto",
    guidelines: Annotated[
        Path | None, typer.Option("--guidelines", help="Guideline text (default annotation_guidelines/guidelines.md).")
    ] = None,
    chunk_size: Annotated[int, typer.Option("--chunk-size", help="Documents per upload.")] = 500,
    task_timeout: TaskTimeout = 120.0,
    schema_path: SchemaPath = None,
) -> None:
    """Create the project if missing and upload the documents it lacks (idempotent)."""
    with cli_errors():
        schema = _checked_options(offset_mode, schema_path)
        with connect(url, task_timeout) as client:
            result = push(
                client,
                docs,
                project=project,
                annotations_path=annotations,
                collaborative=collaborative,
                offset_mode=offset_mode,
                schema=schema,
                guidelines_path=guidelines,
                chunk_size=chunk_size,
                progress=track,
            )
    state = "created" if result.created else "found"
    out.print(
        f"project {result.project!r} {state} (id {result.project_id}, offsets {result.offset_mode}, "
        f"{'collaborative' if result.collaborative else 'one annotation set per annotator'})"
    )
    if result.span_types_created or result.relation_types_created:
        out.print(
            f"label types added: {len(result.span_types_created)} span, {len(result.relation_types_created)} relation"
        )
    out.print(
        f"documents: {result.documents} read, {result.uploaded} uploaded "
        f"({result.pre_annotated} pre-annotated), {result.skipped} already there"
    )
    if result.completed:
        out.print(
            f"completed {result.completed} documents an interrupted push left short: {result.spans_restored} spans, "
            f"{result.relations_restored} relations sent again"
        )
    if result.left_alone:
        warn(
            f"{len(result.left_alone)} documents keep pre-annotations that were changed in doccano (not touched): "
            + ", ".join(result.left_alone[:10])
        )
    if result.pre_annotations_skipped:
        out.print(
            f"note: {result.pre_annotations_skipped} pre-annotation sets not sent: their documents were already "
            "in the project (doccano annotations are never overwritten)"
        )
    if result.pre_annotation_owner:
        out.print(
            f"note: pre-annotations belong to {result.pre_annotation_owner!r} in this non-collaborative project; "
            "other annotators start from empty documents"
        )


@doccano_app.command("pull")
def pull_command(
    project: ProjectName,
    url: Url,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for versioned pulls (pull-<UTC time>/).")],
    offset_mode: OffsetMode = "auto",
    task_timeout: TaskTimeout = 120.0,
    schema_path: SchemaPath = None,
    max_unzip_mb: Annotated[
        float, typer.Option("--max-unzip-mb", help="Most MiB the export's members may expand to (zip bombs).")
    ] = DEFAULT_MAX_MB,
    max_unzip_ratio: Annotated[
        float, typer.Option("--max-unzip-ratio", help="Most a member may expand per compressed byte.")
    ] = DEFAULT_MAX_RATIO,
) -> None:
    """Export the project and write one canonical annotation file per annotator into a new folder."""
    with cli_errors():
        schema = _checked_options(offset_mode, schema_path)
        limits = ZipLimits.from_options({"max_unzip_mb": max_unzip_mb, "max_unzip_ratio": max_unzip_ratio})
        with connect(url, task_timeout) as client:
            result = pull(
                client, project=project, out_dir=out_dir, offset_mode=offset_mode, schema=schema, limits=limits
            )
    out.print(f"pulled {result.project!r} into {result.folder} (offsets counted in {result.offset_mode})")
    for summary in result.annotators:
        out.print(
            f"  {summary.annotator}: {summary.documents} documents ({summary.done} done), "
            f"{summary.spans} spans ({summary.entities} entities, {summary.events} events, "
            f"{summary.arguments} arguments)"
        )
    for note in result.notes:
        warn(note)
