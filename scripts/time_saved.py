#!/usr/bin/env python3
"""What pre-annotation saves an annotator: the share of gold items the model already has exactly right.

An annotator who corrects pre-annotations in doccano only accepts an item the model got
exactly right (same span, same type; for an argument also the same role on the right
trigger), and deletes every wrong one. For each prediction file this prints, against the
same gold, the share of gold entities, triggers (TC) and arguments (AC+) that need only
accepting, with 95% bootstrap intervals over documents, and how many predicted items would
have to be deleted. Pass several --pred files (e.g. an old and a new model) to compare them.

    python scripts/time_saved.py --gold build/splits/test.jsonl --pred old.jsonl --pred new.jsonl
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from eventcorpus.corpus import read_records
from eventcorpus.scoring import score

LAYERS = {"entities": "entities", "triggers (span + type)": "TC", "arguments (role, span, trigger)": "AC+"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", type=Path, required=True, help="Canonical JSONL with the gold annotations.")
    parser.add_argument("--pred", type=Path, action="append", required=True, help="Predictions (repeatable).")
    parser.add_argument("--bootstrap", type=int, default=1000, help="Bootstrap replicates for the intervals.")
    args = parser.parse_args(argv)
    gold = [r.annotations for r in read_records(args.gold)]
    print(f"gold: {args.gold} ({len(gold)} documents)")
    print(f"{'prediction':<28} {'layer':<32} {'accept only':>12} {'95% CI':>14} {'gold':>6} {'to delete':>10}")
    for path in args.pred:
        scores = score(gold, [r.annotations for r in read_records(path)], n_bootstrap=args.bootstrap)
        for layer, metric in LAYERS.items():
            s = scores.metrics[metric]
            low, high = (s.ci or {}).get("recall", (float("nan"), float("nan")))
            print(
                f"{path.name:<28} {layer:<32} {100 * s.recall:>11.1f}% "
                f"{f'[{100 * low:.1f}, {100 * high:.1f}]':>14} {s.n_gold:>6} {s.fp:>10}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
