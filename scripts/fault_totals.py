#!/usr/bin/env python3
"""Run the fault catalogue (tests/faults/catalogue.py) and print its totals.

    PYTHONPATH=src:. python scripts/fault_totals.py [--list]

Totals: inputs tried, coded errors, stated warnings, neither (accepted without a word),
tracebacks and damaged files; the last two must be 0 (exit 1 otherwise).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.faults.catalogue import run_all  # noqa: E402


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory() as scratch:
        outcomes = run_all(Path(scratch))
    coded = sum(o.coded for o in outcomes)
    warned = sum(o.warned and not o.coded for o in outcomes)
    silent = [o for o in outcomes if not o.coded and not o.warned]
    tracebacks = [o for o in outcomes if o.traceback]
    damaged = [o for o in outcomes if o.damaged]
    if "--list" in argv:
        for o in outcomes:
            kind = "traceback" if o.traceback else "coded" if o.coded else "warning" if o.warned else "silent"
            print(f"{kind:9} exit {o.exit_code}  {o.case}" + (f"  {o.traceback}" if o.traceback else ""))
    print(f"inputs tried: {len(outcomes)}")
    print(f"coded errors: {coded}")
    print(f"warnings: {warned}")
    print(f"accepted without a word: {len(silent)}" + (f" ({'; '.join(o.case for o in silent)})" if silent else ""))
    print(f"tracebacks: {len(tracebacks)}" + (f" ({'; '.join(o.case for o in tracebacks)})" if tracebacks else ""))
    print(f"files damaged: {len(damaged)}" + (f" ({'; '.join(o.case for o in damaged)})" if damaged else ""))
    return 1 if tracebacks or damaged else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
