#!/usr/bin/env python3
"""The corpus's entities scored against re3d's human annotation (see eventcorpus.external).

Prints the table the build writes into corpus/README.md; ``--sample N`` also writes N
disagreements drawn with a fixed seed, with their context, for sorting by hand into
guideline differences, project errors and reference errors.

    python scripts/compare_re3d_entities.py build/adjudicated.jsonl --dest build/sources --sample 50 --out sample.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from eventcorpus.external import disagreements, re3d_check, re3d_lines, sample_disagreements, sets_for_comparison


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("gold", type=Path, help="The corpus's canonical gold (or any pass) as JSON Lines.")
    parser.add_argument("--dest", type=Path, required=True, help="Folder `eventcorpus corpus fetch` filled.")
    parser.add_argument("--bootstrap", type=int, default=1000, help="Bootstrap replicates for the intervals.")
    parser.add_argument("--json", type=Path, help="Also write the figures as JSON here.")
    parser.add_argument("--sample", type=int, default=0, help="Write this many disagreements to --out.")
    parser.add_argument("--out", type=Path, help="Where --sample writes (JSON Lines).")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.sample and args.out is None:
        parser.error("--sample needs --out")
    check = re3d_check(args.gold, args.dest, n_bootstrap=args.bootstrap, seed=args.seed)
    print(f"reference: re3d (people at Dstl); compared: {args.gold}")
    print("\n".join(re3d_lines(check)))
    print(f"disagreements: {check['disagreements']}")
    if args.json:
        args.json.write_text(json.dumps(check, indent=2) + "\n", encoding="utf-8")
    if args.sample:
        items = disagreements(*sets_for_comparison(args.gold, args.dest))
        chosen = sample_disagreements(items, args.sample, args.seed)
        with args.out.open("w", encoding="utf-8") as handle:
            for item in chosen:
                handle.write(json.dumps(item, ensure_ascii=False) + "\n")
        print(f"{len(chosen)} disagreements -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
