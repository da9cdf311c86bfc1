#!/usr/bin/env python3
"""Run doccano 1.8.4 on this machine for annotating eventcorpus documents.

    python scripts/doccano_server.py [--home DIR] [--port 8000] [--user admin]

Installs doccano into its own cached virtual environment on first use (about a minute;
$EVENTCORPUS_DOCCANO_VENV overrides where), keeps the database in --home (default
~/.local/share/eventcorpus/doccano), creates or updates the admin user with the password
from $EVENTCORPUS_DOCCANO_PASSWORD (else it asks), then serves doccano on
http://127.0.0.1:PORT (this machine only) with its task worker, until Ctrl-C.
Then: eventcorpus doccano push DOCS --project NAME --url http://127.0.0.1:PORT
"""

from __future__ import annotations

import argparse
import getpass
import os
import signal
import sys
import time
from pathlib import Path

from eventcorpus.doccano.server import start_server
from eventcorpus.errors import EventCorpusError

DEFAULT_HOME = Path.home() / ".local" / "share" / "eventcorpus" / "doccano"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, default=DEFAULT_HOME, help="database, media and logs (kept between runs)")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--user", default=os.environ.get("EVENTCORPUS_DOCCANO_USER", "admin"))
    parser.add_argument("--no-worker", action="store_true", help="start the web app only (imports will not run)")
    parser.add_argument(
        "--ready-timeout",
        type=float,
        default=300.0,
        help="seconds to wait for the first answer (a busy machine is slow)",
    )
    args = parser.parse_args(argv)
    args.home = args.home.expanduser().resolve()  # the server processes run in another folder
    password = os.environ.get("EVENTCORPUS_DOCCANO_PASSWORD") or getpass.getpass(
        f"password for doccano user {args.user}: "
    )
    started = time.monotonic()
    try:
        server = start_server(
            args.home,
            username=args.user,
            password=password,
            port=args.port,
            worker=not args.no_worker,
            ready_timeout=args.ready_timeout,
        )
    except EventCorpusError as exc:
        print(exc.render(), file=sys.stderr)
        return exc.exit_code
    print(f"doccano {server.url} ready in {time.monotonic() - started:.0f} s (home {args.home}); Ctrl-C stops it")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        while server.web is not None and server.web.poll() is None:
            time.sleep(1)
        print(f"the web server exited; see {args.home / 'web.log'}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
