"""Install and run a local doccano 1.8.4 server (web app + task worker) on 127.0.0.1.

doccano pins its own dependencies (Django 4, pydantic 2, pandas < 2), so it lives in its
own virtual environment, cached at ``~/.cache/eventcorpus/doccano-1.8.4-venv`` (override
with ``EVENTCORPUS_DOCCANO_VENV``) and reused while healthy. The server keeps its SQLite
database, media and logs in a home folder. The web app runs under gunicorn bound to
127.0.0.1 (``doccano webserver`` binds every interface); the task worker is ``doccano
task`` (celery, whose broker is the same SQLite database through SQLAlchemy). Both run in
their own process groups and are stopped by process id.

Used by ``scripts/doccano_server.py`` (for annotators) and by the tests.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from eventcorpus.errors import EventCorpusError

DOCCANO_VERSION = "1.8.4"
# doccano 1.8.4 leaves these open; newer majors break it.
EXTRA_REQUIREMENTS = ("marshmallow<4", "numpy<2")
VENV_ENV = "EVENTCORPUS_DOCCANO_VENV"
PYTHON_ENV = "EVENTCORPUS_DOCCANO_PYTHON"
_MARKER = ".eventcorpus-doccano-ok"
_TEMPLATE_DB = "eventcorpus-template-db.sqlite3"  # a migrated, user-less database
# pandas<2 (a doccano 1.8.4 pin) has wheels for CPython 3.8-3.11 only.
_SUPPORTED_PYTHONS = ((3, 11), (3, 10), (3, 9), (3, 8))


def default_venv() -> Path:
    env = os.environ.get(VENV_ENV)
    if env:
        return Path(env).expanduser()
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "eventcorpus" / f"doccano-{DOCCANO_VERSION}-venv"


def _python_version(executable: str) -> tuple[int, int] | None:
    try:
        answer = subprocess.run(
            [executable, "-c", "import sys; print(sys.version_info[0], sys.version_info[1])"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    parts = answer.stdout.split()
    return (int(parts[0]), int(parts[1])) if answer.returncode == 0 and len(parts) == 2 else None


def find_python() -> str:
    """A Python 3.8-3.11 interpreter for doccano: $EVENTCORPUS_DOCCANO_PYTHON, this one, or python3.1x on PATH."""
    candidates = [os.environ.get(PYTHON_ENV), sys.executable]
    candidates += [shutil.which(f"python{major}.{minor}") for major, minor in _SUPPORTED_PYTHONS]
    for candidate in candidates:
        if candidate and _python_version(candidate) in _SUPPORTED_PYTHONS:
            return candidate
    raise EventCorpusError(
        "E212",
        f"no Python 3.8-3.11 interpreter found (this one is {sys.version_info[0]}.{sys.version_info[1]}; "
        f"none of python3.8-python3.11 is on PATH) and doccano {DOCCANO_VERSION} needs one",
        fix=f"Install Python 3.11 or set {PYTHON_ENV} to a Python 3.8-3.11 interpreter.",
    )


def is_installed(venv: Path) -> bool:
    """True when the venv holds a working doccano of the pinned version."""
    marker = venv / _MARKER
    doccano = venv / "bin" / "doccano"
    if not marker.is_file() or not doccano.is_file() or marker.read_text().strip() != DOCCANO_VERSION:
        return False
    check = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import backend.cli, gunicorn, celery"],
        capture_output=True,
        timeout=120,
    )
    return check.returncode == 0


def ensure_installed(venv: Path | None = None, *, python: str | None = None) -> Path:
    """Create (or repair) doccano's virtual environment; return its path. E212 when pip fails.

    A lock file beside the venv keeps parallel callers (pytest-xdist workers) from installing twice.
    """
    venv = venv or default_venv()
    venv.parent.mkdir(parents=True, exist_ok=True)
    with open(venv.parent / f"{venv.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return _install(venv, python)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _install(venv: Path, python: str | None) -> Path:
    if is_installed(venv):
        return venv
    python = python or find_python()
    if venv.exists():
        shutil.rmtree(venv)
    venv.parent.mkdir(parents=True, exist_ok=True)
    log = venv.parent / f"{venv.name}.install.log"
    with open(log, "w", encoding="utf-8") as handle:
        steps = [
            [python, "-m", "venv", str(venv)],
            [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile",
             f"doccano=={DOCCANO_VERSION}", *EXTRA_REQUIREMENTS],
        ]  # fmt: skip
        for step in steps:
            done = subprocess.run(step, stdout=handle, stderr=subprocess.STDOUT, timeout=1800)
            if done.returncode != 0:
                raise EventCorpusError(
                    "E212",
                    f"`{' '.join(step[:4])} ...` failed with exit code {done.returncode}: {_last_lines(log)}",
                    file=str(log),
                )
    (venv / _MARKER).write_text(DOCCANO_VERSION + "\n")
    if not is_installed(venv):
        raise EventCorpusError("E212", "doccano installed but `import backend.cli` fails", file=str(log))
    return venv


def _last_lines(log: Path, count: int = 3) -> str:
    """The last lines of a log that say something (pip's index warnings left out)."""
    lines = [line.strip() for line in log.read_text(encoding="utf-8", errors="replace").splitlines()]
    telling = [line for line in lines if line and not line.startswith("WARNING: Location")]
    return " | ".join(telling[-count:]) or "(empty log)"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(home: Path) -> dict[str, str]:
    """Environment for doccano commands: SQLite database, media and broker inside ``home``."""
    env = dict(os.environ)
    for key in ("DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE"):
        env.pop(key, None)
    env.update(
        DOCCANO_HOME=str(home),
        DATABASE_URL=f"sqlite:///{home / 'db.sqlite3'}",
        MEDIA_ROOT=str(home / "media"),
        DJANGO_SETTINGS_MODULE="config.settings.production",
        STANDALONE="True",
        DEBUG="False",
        PYTHONUNBUFFERED="1",
    )
    secret = home / "secret_key"
    if not secret.exists():
        secret.write_text(os.urandom(24).hex())
        secret.chmod(0o600)
    env["SECRET_KEY"] = secret.read_text().strip()
    return env


def _run(
    venv: Path, home: Path, args: list[str], log_name: str, *, command: list[str] | None = None, stdin: str = ""
) -> None:
    """Run ``doccano ARGS`` (or ``command``) with the server's environment; ``stdin`` is fed to it, never argv."""
    log = home / log_name
    with open(log, "a", encoding="utf-8") as handle:
        done = subprocess.run(
            command or [str(venv / "bin" / "doccano"), *args],
            env=server_env(home),
            input=stdin,
            text=True,
            stdout=handle,
            stderr=subprocess.STDOUT,
            timeout=600,
        )
    if done.returncode != 0:
        raise EventCorpusError("E212", f"`doccano {args[0]}` failed with exit code {done.returncode}", file=str(log))


# doccano's `createuser --password P` would show the password to `ps` while it runs; this runs the
# same management command (create_admin) with the password read from stdin instead.
_CREATE_USER = """
import sys
import backend.cli  # doccano's settings and its backend folder on sys.path
import django
from django.core import management
username, email = sys.argv[1], sys.argv[2]
password = sys.stdin.readline().rstrip("\\n")
django.setup()
management.call_command("create_admin", "--noinput", username=username, password=password, email=email)
"""


def init_home(venv: Path, home: Path, *, username: str, password: str) -> None:
    """Create the database (migrations, roles) and the admin user; safe to repeat.

    Migrating a fresh SQLite database takes ~13 s, so the first one is kept in the venv as
    a template and copied into later homes (then ``doccano init`` has nothing left to do).
    """
    home.mkdir(parents=True, exist_ok=True)
    (home / "media").mkdir(exist_ok=True)
    database, template = home / "db.sqlite3", venv / _TEMPLATE_DB
    fresh = not database.exists()
    if fresh and template.is_file():
        shutil.copyfile(template, database)
    else:
        _run(venv, home, ["init"], "init.log")
        if fresh and not template.exists():  # only an empty, just-migrated database becomes the template
            partial = template.with_name(f".{template.name}.{os.getpid()}.tmp")
            shutil.copyfile(database, partial)
            os.replace(partial, template)
    create_user(venv, home, username=username, password=password)


def create_user(venv: Path, home: Path, *, username: str, password: str) -> None:
    """Create (or reset the password of) a doccano superuser; the password goes through stdin, never argv."""
    command = [str(venv / "bin" / "python"), "-c", _CREATE_USER, username, f"{username}@example.org"]
    _run(venv, home, ["createuser"], "init.log", command=command, stdin=password + "\n")


def _backend_dir(venv: Path) -> Path:
    found = sorted(venv.glob("lib/python3*/site-packages/backend"))
    if not found:
        raise EventCorpusError("E212", f"no doccano backend package inside {venv}", file=str(venv))
    return found[0]


def _start(command: list[str], home: Path, log_name: str) -> subprocess.Popen[bytes]:
    with open(home / log_name, "ab") as log:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            command,
            env=server_env(home),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # own process group: stop() kills gunicorn/celery children too
        )


def _stop(process: subprocess.Popen[bytes] | None, timeout: float = 15.0) -> None:
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout)
    # children that outlived their leader
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


@dataclass
class LocalServer:
    """A running doccano: web app (gunicorn on 127.0.0.1) and, optionally, its task worker."""

    venv: Path
    home: Path
    port: int
    web: subprocess.Popen[bytes] | None = None
    worker: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start_web(self, *, workers: int = 2) -> None:
        command = [
            str(self.venv / "bin" / "gunicorn"),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(workers),
            "--timeout",
            "300",
            "--chdir",
            str(_backend_dir(self.venv)),
            "config.wsgi",
        ]
        self.web = _start(command, self.home, "web.log")

    def start_worker(self, *, concurrency: int = 1) -> None:
        command = [str(self.venv / "bin" / "doccano"), "task", "--concurrency", str(concurrency)]
        self.worker = _start(command, self.home, "worker.log")

    def stop_worker(self) -> None:
        _stop(self.worker, timeout=5.0)  # celery's warm shutdown can be slow; a test worker holds nothing
        self.worker = None

    def stop(self) -> None:
        self.stop_worker()
        _stop(self.web)
        self.web = None

    def wait_ready(self, *, timeout: float = 90.0, need_worker: bool = True) -> float:
        """Wait until /v1/health/ answers (and reports the worker when ``need_worker``); return seconds."""
        started = time.monotonic()
        last = "no answer"
        while time.monotonic() - started < timeout:
            if self.web is not None and self.web.poll() is not None:
                raise EventCorpusError(
                    "E212", f"gunicorn exited with code {self.web.returncode}", file=str(self.home / "web.log")
                )
            try:
                answer = httpx.get(f"{self.url}/v1/health/?format=json", timeout=10)
                last = f"HTTP {answer.status_code}: {answer.text[:200]}"
                if answer.status_code == 200 or (answer.status_code == 500 and not need_worker):
                    return time.monotonic() - started
            except httpx.HTTPError as exc:
                last = repr(exc)
            time.sleep(0.3)
        raise EventCorpusError(
            "E212", f"doccano not ready after {timeout:.0f} s (last: {last})", file=str(self.home / "web.log")
        )

    def __enter__(self) -> LocalServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_server(
    home: Path,
    *,
    username: str,
    password: str,
    venv: Path | None = None,
    port: int | None = None,
    worker: bool = True,
    web_workers: int = 2,
    ready_timeout: float = 90.0,
) -> LocalServer:
    """Install if needed, initialise ``home``, start web app (+ worker) and wait for health."""
    venv = ensure_installed(venv)
    init_home(venv, home, username=username, password=password)
    server = LocalServer(venv=venv, home=home, port=port or free_port())
    try:
        server.start_web(workers=web_workers)
        if worker:
            server.start_worker()
        server.wait_ready(timeout=ready_timeout, need_worker=worker)
    except BaseException:
        server.stop()
        raise
    return server
