#!/usr/bin/env python3
"""The corpus's M2E2 articles scored against M2E2's human annotation (see eventcorpus.external).

Prints the tables the build writes into corpus/README.md; ``--sample N`` also writes N
disagreements drawn with a fixed seed (40 % triggers, 30 % arguments, 30 % entities, since
entity disagreements outnumber the others), each with its context
and what the other side has on an overlapping span, for sorting by hand into guideline
differences, project errors and reference errors.

    python scripts/compare_m2e2.py build/gold.jsonl --dest build/sources --sample 50 --out sample.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from eventcorpus.external import m2e2_check, m2e2_disagreements, m2e2_lines, m2e2_sets, sample_disagreements


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("gold", type=Path, help="The corpus's canonical gold (or any pass) as JSON Lines.")
    parser.add_argument("--dest", type=Path, required=True, help="Folder `eventcorpus corpus fetch` filled.")
    parser.add_argument("--bootstrap", type=int, default=1000, help="Bootstrap replicates for the intervals.")
    parser.add_argument("--sample", type=int, default=0, help="Write this many disagreements to --out.")
    parser.add_argument("--out", type=Path, help="Where --sample writes (JSON Lines).")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.sample and args.out is None:
        parser.error("--sample needs --out")
    sets = m2e2_sets(args.gold, args.dest)
    check = m2e2_check(args.gold, args.dest, n_bootstrap=args.bootstrap, seed=args.seed, sets=sets)
    print(f"reference: M2E2 (people's annotation); compared: {args.gold}")
    print("\n".join(m2e2_lines(check)))
    if args.sample:
        items = m2e2_disagreements(args.gold, args.dest, sets=sets)
        share = {"TC": 0.4, "AC": 0.3, "entities": 0.3}
        quotas = {metric: round(args.sample * part) for metric, part in share.items()}
        chosen = sample_disagreements(items, args.sample, args.seed, quotas)
        with args.out.open("w", encoding="utf-8") as handle:
            for item in chosen:
                handle.write(json.dumps(item, ensure_ascii=False) + "\n")
        print(f"{len(chosen)} of {len(items)} disagreements -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
