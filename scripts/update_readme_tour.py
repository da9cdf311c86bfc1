#!/usr/bin/env python3
"""Rewrite the output the README's tour shows from a real run of its commands.

    python scripts/update_readme_tour.py [--mirror ../shared/datasets] [--check]

Runs every ``$`` command of "A five-minute tour" in a clean temporary folder (as
tests/test_readme_tour.py does), then replaces the lines shown under each command with what
it printed, keeping every ``…`` where it stands. With --check it writes nothing and exits 1
when a shown line no longer matches. Takes a few minutes (the tour trains a model).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "src"))

from tests.readme_tour import regenerate, run_tour  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mirror", type=Path, default=REPO.parent / "shared" / "datasets")
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 on a difference")
    args = parser.parse_args(argv)
    readme = REPO / "README.md"
    outcomes = []
    failed = False
    with tempfile.TemporaryDirectory(prefix="eventcorpus-tour-") as root:
        for outcome in run_tour(readme, REPO, args.mirror, Path(root)):
            outcomes.append(outcome)
            state = "ok" if not outcome.problems else "DIFFERS"
            print(f"[{state}] $ {outcome.step.command}", file=sys.stderr)
            for problem in outcome.problems:
                print("   " + problem.replace("\n", "\n   "), file=sys.stderr)
            failed = failed or bool(outcome.problems)
            if outcome.returncode != 0:
                print("a command failed; the output of the commands before it is still rewritten", file=sys.stderr)
                break
    if args.check:
        return 1 if failed else 0
    text = readme.read_text(encoding="utf-8")
    new = regenerate(text, outcomes)
    if new != text:
        readme.write_text(new, encoding="utf-8")
        print(f"rewrote the tour's output in {readme}", file=sys.stderr)
    else:
        print("the tour's output is up to date", file=sys.stderr)
    return 1 if any(o.returncode != 0 for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
