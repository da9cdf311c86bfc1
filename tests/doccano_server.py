"""The real doccano 1.8.4 server the doccano tests run against (never a mock).

``doccano_server`` (session fixture) installs doccano into its cached virtual environment
(``~/.cache/eventcorpus/doccano-1.8.4-venv``, or $EVENTCORPUS_DOCCANO_VENV), initialises
a temporary SQLite home, starts gunicorn on 127.0.0.1:<free port> and the task worker,
and stops both by process group afterwards. When doccano cannot be installed here the
tests skip, with the exact reason.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from eventcorpus.doccano.client import DoccanoClient
from eventcorpus.doccano.server import LocalServer, ensure_installed, start_server
from eventcorpus.errors import EventCorpusError

ADMIN = "admin"


@dataclass
class Server:
    url: str
    admin: str
    password: str
    local: LocalServer
    startup_seconds: float

    def client(
        self, user: str | None = None, password: str | None = None, *, task_timeout: float = 20.0
    ) -> DoccanoClient:
        """A client logged in as ``user`` (the admin by default)."""
        client = DoccanoClient(self.url, task_timeout=task_timeout)
        client.login(user or self.admin, password or self.password)
        return client


def install_or_skip() -> Path:
    try:
        return ensure_installed()
    except EventCorpusError as exc:
        pytest.skip(f"doccano 1.8.4 cannot be installed here: {exc.render()}")


def start(home: Path, *, worker: bool = True) -> Server:
    venv = install_or_skip()
    password = "ec-" + secrets.token_urlsafe(12)
    started = time.monotonic()
    local = start_server(home, username=ADMIN, password=password, venv=venv, worker=worker)
    return Server(local.url, ADMIN, password, local, time.monotonic() - started)


def serve(home: Path, *, worker: bool = True) -> Iterator[Server]:
    """Fixture body: start a server in ``home``, yield it, stop it (test modules declare the fixture)."""
    server = start(home, worker=worker)
    try:
        yield server
    finally:
        server.local.stop()
