"""Every command's --help reads well in an 80-column terminal.

Regression tests for what a new user saw (issue 20): flags with a ``<bool>`` metavar, usage
lines with ``{paths}...``, ``ingest``'s description broken mid-sentence, and
``--near-duplicate-threshold`` cut to ``--near-duplicate-thr…``.
"""

from __future__ import annotations

import re

import pytest
import typer
from typer import _click as click
from typer.core import TyperArgument, TyperOption
from typer.testing import CliRunner

from eventcorpus.cli import app

WIDTH = 80
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _commands() -> list[tuple[list[str], click.Command]]:
    """Every command and sub-app of ``eventcorpus``, by its words on the command line."""
    found: list[tuple[list[str], click.Command]] = []

    def walk(words: list[str], command: click.Command) -> None:
        found.append((words, command))
        for name, sub in getattr(command, "commands", {}).items():
            walk([*words, name], sub)

    walk([], typer.main.get_command(app))
    return found


COMMANDS = _commands()


def _help(words: list[str]) -> str:
    result = CliRunner().invoke(app, [*words, "--help"], env={"COLUMNS": str(WIDTH)}, prog_name="eventcorpus")
    assert result.exit_code == 0, result.output
    return ANSI.sub("", result.output)


@pytest.fixture(scope="module", params=COMMANDS, ids=lambda c: " ".join(c[0]) or "eventcorpus")
def helped(request: pytest.FixtureRequest) -> tuple[click.Command, str]:
    words, command = request.param
    return command, _help(words)


def _params(command: click.Command) -> list[click.Parameter]:
    ctx = click.Context(command, info_name="eventcorpus")
    return [param for param in command.get_params(ctx) if not getattr(param, "hidden", False)]


def test_there_are_commands_to_check() -> None:
    names = {" ".join(words) for words, _ in COMMANDS}
    assert {"ingest", "train", "predict", "build", "corpus preannotate", "doccano push"} <= names


def test_help_fits_80_columns(helped: tuple[click.Command, str]) -> None:
    _, text = helped
    assert max(len(line) for line in text.splitlines()) <= WIDTH


def _row(text: str, name: str) -> str:
    """The panel row an option or argument heads."""
    return next(line for line in text.splitlines() if re.match(rf"│[ *]*{re.escape(name)}(\s|,)", line))


def test_flags_show_no_metavar(helped: tuple[click.Command, str]) -> None:
    command, text = helped
    assert "<bool>" not in text
    for param in _params(command):
        if isinstance(param, TyperOption) and param.is_flag:
            after = _row(text, param.opts[0]).split(param.opts[0], 1)[1].split()
            # the flag's name is followed by its help text, never by a type
            assert not after or after[0] not in {"BOOLEAN", "BOOL", "TEXT", "<bool>"}, after


def test_no_typer_type_labels(helped: tuple[click.Command, str]) -> None:
    _, text = helped
    assert not re.search(r"<(bool|path|str|int|float|list\[)[^>]*>", text)


def test_usage_names_arguments_in_upper_case(helped: tuple[click.Command, str]) -> None:
    command, text = helped
    usage = next(line for line in text.splitlines() if "Usage:" in line)
    assert "{" not in usage and "}" not in usage, usage
    arguments = [param for param in _params(command) if isinstance(param, TyperArgument)]
    tail = usage.split("[OPTIONS]", 1)[1].split()
    if isinstance(command, typer.core.TyperGroup):
        assert tail == ["COMMAND", "[ARGS]..."]
        return
    assert len(tail) == len(arguments), usage
    for word, param in zip(tail, arguments, strict=True):
        assert re.fullmatch(r"\[?[A-Z][A-Z_]*(\.\.\.)?\]?", word), usage
        assert word.strip("[].") == (param.name or "").upper() or word.strip("[].") == param.metavar
        # the same upper-case name heads the argument's row in the Arguments panel
        assert _row(text, word.strip("[].")), word


def test_option_names_are_never_cut(helped: tuple[click.Command, str]) -> None:
    command, text = helped
    assert "…" not in text
    for param in _params(command):
        if isinstance(param, TyperOption):
            for name in [*param.opts, *param.secondary_opts]:
                assert re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text), name


def test_description_wraps_only_where_the_line_is_full(helped: tuple[click.Command, str]) -> None:
    """A line of the description ends early only at a paragraph's end (ingest broke at 'skipped')."""
    _, text = helped
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if "Usage:" in line) + 1
    end = next((i for i, line in enumerate(lines) if line.startswith("╭")), len(lines))
    description = [line.strip() for line in lines[start:end]]
    room = WIDTH - 2  # rich pads the description by one column on each side
    for line, following in zip(description, description[1:], strict=False):
        if line and following:
            assert len(line) + 1 + len(following.split()[0]) > room, f"{line!r} breaks before {following!r}"


def test_range_stays_with_the_help() -> None:
    text = _help(["ingest"])
    row = next(line for line in text.splitlines() if "--near-duplicate-threshold" in line)
    assert "FLOAT" in row
    assert "[0.0<=x<=1.0]" in text


def test_a_missing_argument_is_named_as_in_the_usage() -> None:
    result = CliRunner().invoke(app, ["predict"], env={"COLUMNS": str(WIDTH)}, prog_name="eventcorpus")
    assert result.exit_code == 2
    assert "MODEL_DIR" in ANSI.sub("", result.output)
