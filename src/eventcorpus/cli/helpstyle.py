"""How every command's ``--help`` reads: the one place that sets metavars and reflows help text.

typer 0.29 writes a type after every option, flags included (``--force <bool>``), names
arguments by their Python parameter (``{paths}...``) and keeps a docstring's line breaks
inside paragraphs, so a paragraph wrapped at 88 columns breaks mid-sentence at 80. The
command and group classes here fix that for every command of the app: flags show no
metavar, valued options an upper-case type (``PATH``, ``TEXT``, ``INTEGER``), arguments an
upper-case name (``IN``, ``MODEL_DIR``, ``PATHS...``) in the usage line and the table,
and each paragraph is one line that rich wraps at the terminal's width.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import typer
from typer import _click as click  # typer 0.29 carries its own click; its classes are these
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

# typer's type labels (without the angle brackets) -> the metavar shown instead
TYPE_METAVARS = {
    "path": "PATH",
    "file": "FILE",
    "str": "TEXT",
    "int": "INTEGER",
    "float": "FLOAT",
    "int range": "INTEGER",
    "float range": "FLOAT",
    "list[str]": "TEXT",
    "list[Path]": "PATH",
}


def argument_metavar(param: click.Parameter) -> str:
    """The upper-case name an argument shows: its own metavar, else its parameter name."""
    return param.metavar or (param.name or "ARG").upper()


class ProjectArgument(TyperArgument):
    """An argument shown by its upper-case name alone (the help says what it holds)."""

    def display_type_rich(self, ctx: click.Context) -> str | None:
        return None

    def get_usage_pieces(self, ctx: click.Context) -> list[str]:
        name = argument_metavar(self)
        if self.nargs != 1:
            name += "..."
        return [name if self.required else f"[{name}]"]

    def _rich_display_name(self) -> str:
        name = argument_metavar(self)
        return name + "..." if self.nargs != 1 else name


class ProjectOption(TyperOption):
    """A flag without a metavar; a valued option with an upper-case type."""

    def display_type_rich(self, ctx: click.Context) -> str | None:
        if self.is_flag or self.count:
            return None
        if self.metavar is not None:
            return self.metavar
        label = self.display_type(ctx).strip("<>")
        if "|" in label:  # a choice: the values themselves
            return "[" + label.removeprefix("list[").removesuffix("]") + "]"
        return TYPE_METAVARS.get(label, label.upper())

    def _get_number_range_help_str(self) -> str | None:
        return None  # adapt_param moved the range into the help text


def describe_range(param: TyperOption) -> str | None:
    """typer's range text for a bounded number option (``0.0<=x<=1.0``), None for others."""
    return TyperOption._get_number_range_help_str(param)


def adapt_param(param: click.Parameter) -> click.Parameter:
    """Give one of typer's parameters the project's help rendering (in place; idempotent)."""
    if type(param) is TyperArgument:
        param.__class__ = ProjectArgument
        param.metavar = argument_metavar(param)  # error messages name it the same way
    elif type(param) is TyperOption:
        # The range goes with the help, not beside the type: a long option name plus
        # "FLOAT [0.0<=x<=1.0]" left rich no room at 80 columns and it cut the name.
        bounds = describe_range(param)
        if bounds:
            param.help = f"{param.help or ''} [{bounds}]".strip()
        param.__class__ = ProjectOption
    return param


def reflow(help_text: str | None) -> str | None:
    """Join the lines of each paragraph so the terminal, not the source, decides the wraps."""
    if not help_text:
        return help_text
    text, marker, rest = inspect.cleandoc(help_text).partition("\f")
    paragraphs = [
        paragraph if paragraph.startswith("\b") else " ".join(line.strip() for line in paragraph.splitlines())
        for paragraph in text.split("\n\n")
    ]
    return "\n\n".join(paragraphs) + marker + rest


class ProjectCommand(TyperCommand):
    """Every ``eventcorpus`` command: reflowed help, project metavars."""

    def __init__(self, name: str | None, **kwargs: Any) -> None:
        super().__init__(name, **kwargs)
        self.help = reflow(self.help)

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        return [adapt_param(param) for param in super().get_params(ctx)]


class ProjectGroup(TyperGroup):
    """The ``eventcorpus`` app and its sub-apps (``corpus``, ``doccano``)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.help = reflow(self.help)

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        return [adapt_param(param) for param in super().get_params(ctx)]


class ProjectTyper(typer.Typer):
    """A typer app whose commands and sub-apps use the project's help rendering."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("cls", ProjectGroup)
        super().__init__(**kwargs)

    def command(  # type: ignore[override]
        self, name: str | None = None, *, cls: type[TyperCommand] | None = None, **kwargs: Any
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return super().command(name, cls=cls or ProjectCommand, **kwargs)
