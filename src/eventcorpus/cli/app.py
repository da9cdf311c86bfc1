"""The typer application shared by every command module, and the error boundary.

Library functions return data and raise :class:`EventCorpusError`; only the CLI prints
and exits. Exit codes: 0 ok, 1 problems in the data, 2 usage or environment error.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape

from eventcorpus import __version__
from eventcorpus.errors import EventCorpusError

app = typer.Typer(
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


def print_json(data: Any) -> None:
    """Print data as JSON on stdout, for --json options."""
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
