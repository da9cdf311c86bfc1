"""The ``eventcorpus`` command: one module of thin commands per library area."""

from __future__ import annotations

# Each command module registers its commands on the shared app when imported.
from eventcorpus.cli import build as _build  # noqa: F401
from eventcorpus.cli import core as _core  # noqa: F401
from eventcorpus.cli import corpus as _corpus  # noqa: F401
from eventcorpus.cli import doccano as _doccano  # noqa: F401
from eventcorpus.cli import formats as _formats  # noqa: F401
from eventcorpus.cli import ingest as _ingest  # noqa: F401
from eventcorpus.cli import model as _model  # noqa: F401
from eventcorpus.cli import publish as _publish  # noqa: F401
from eventcorpus.cli import quality as _quality  # noqa: F401
from eventcorpus.cli import revise as _revise  # noqa: F401
from eventcorpus.cli import show as _show  # noqa: F401
from eventcorpus.cli import split as _split  # noqa: F401
from eventcorpus.cli import validate as _validate  # noqa: F401
from eventcorpus.cli.app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
