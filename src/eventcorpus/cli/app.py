"""The typer application shared by every command module, and the error boundary.

Library functions return data and raise :class:`EventCorpusError`; only the CLI prints
and exits. Exit codes: 0 ok, 1 problems in the data, 2 usage or environment error.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape

from eventcorpus import __version__
from eventcorpus.cli.helpstyle import ProjectTyper
from eventcorpus.errors import EventCorpusError

app = ProjectTyper(
    name="eventcorpus",
    help="Build, check, convert and learn from event-annotated conflict news.",
    no_args_is_help=True,
    add_completion=True,  # --install-completion / --show-completion for bash, zsh, fish, PowerShell
    pretty_exceptions_enable=False,
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def _version(value: bool) -> None:
    if value:
        out.print(f"eventcorpus {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    """Build, check, convert and learn from event-annotated conflict news."""


@contextlib.contextmanager
def cli_errors() -> Iterator[None]:
    """Turn a coded error into a message on stderr and its exit code."""
    try:
        yield
    except EventCorpusError as exc:
        err.print(f"[red]✘[/red] {escape(exc.render())}", markup=True)
        raise typer.Exit(exc.exit_code) from exc


def warn(text: str) -> None:
    """A stated warning on stderr (the command goes on; --strict commands exit 1 after it)."""
    err.print(f"⚠ {text}", markup=False)


def warn_if_empty(path: Path) -> bool:
    """Say so when an input file holds nothing but whitespace (the command still runs); True if it did."""
    try:
        with open(path, "rb") as handle:
            blank = not handle.read(1 << 16).strip() and not handle.read(1)
    except OSError:
        return False  # the command's own reading reports a missing or unreadable file
    if blank:
        warn(f"{path} is empty: there is nothing to read in it")
    return blank


def warn_outside_schema(path: Path) -> None:
    """Name, once, the labels of a canonical file that the schema does not have (nothing is changed)."""
    from collections import Counter

    from eventcorpus.corpus import read_records
    from eventcorpus.schema import count_outside, load_schema, outside_message

    counts: Counter[str] = Counter()
    try:
        for _ in count_outside(read_records(path), load_schema(), counts):
            pass
    except (EventCorpusError, OSError):
        return  # the command's own reading reports what is wrong with the file
    if counts:
        warn(f"{path}: " + outside_message(counts))


def print_json(data: Any) -> None:
    """Print data as JSON on stdout, for --json options."""
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
