"""Time the scorer's vectorised bootstrap against a plain per-replicate loop, on M2E2 sentences.

    .venv/bin/python scripts/bench_scoring.py [--m2e2 PATH] [--replicates 1000] [--reference 50]

Gold: M2E2 read as sentence documents (6,013). Prediction: gold deterministically damaged
(every third event dropped, every fifth entity relabelled, every seventh argument's role
changed), so every metric has errors. The reference scores each bootstrap replicate with
Python sets (what a straightforward implementation does); it runs ``--reference``
replicates and its time is scaled to ``--replicates``. Prints both times and their ratio.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from eventcorpus.formats import m2e2
from eventcorpus.records import AnnotationSet, Argument, Entity, Event
from eventcorpus.schema import load_schema
from eventcorpus.scoring import METRICS, prf, score, tuples_by_document

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "m2e2" / "text_only_event.json"


def damaged(annotations: AnnotationSet, counter: list[int]) -> AnnotationSet:
    entities = []
    for entity in annotations.entities:
        counter[0] += 1
        label = "LOC" if counter[0] % 5 == 0 and entity.label != "LOC" else entity.label
        entities.append(Entity(entity.id, entity.start, entity.end, label))
    events = []
    for event in annotations.events:
        counter[1] += 1
        if counter[1] % 3 == 0:
            continue
        arguments = []
        for argument in event.arguments:
            counter[2] += 1
            role = "Place" if counter[2] % 7 == 0 and argument.role != "Place" else argument.role
            arguments.append(Argument(role, argument.entity_id))
        events.append(Event(event.id, event.type, event.trigger, arguments))
    return replace(annotations, annotator="damaged", entities=entities, events=events)


def reference_bootstrap(gold, pred, n: int, seed: int) -> dict[str, tuple[float, float]]:
    gold_t, pred_t = tuples_by_document(gold), tuples_by_document(pred)
    docs = sorted(set(gold_t) | set(pred_t))
    draws = np.random.default_rng(seed).integers(0, len(docs), size=(n, len(docs)))
    f1s: dict[str, list[float]] = {m: [] for m in METRICS}
    for row in draws:
        for metric in METRICS:
            tp = n_pred = n_gold = 0
            for d in row:
                g, p = gold_t[docs[d]][metric], pred_t[docs[d]][metric]
                tp += len(g & p)
                n_pred += len(p)
                n_gold += len(g)
            f1s[metric].append(prf(tp, n_pred, n_gold)[2])
    return {m: (float(np.percentile(v, 2.5)), float(np.percentile(v, 97.5))) for m, v in f1s.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--m2e2", type=Path, default=DEFAULT)
    parser.add_argument("--replicates", type=int, default=1000)
    parser.add_argument("--reference", type=int, default=50)
    args = parser.parse_args()
    gold = [r.annotations for r in m2e2.read(args.m2e2, schema=load_schema(), options={"unit": "sentence"})]
    counter = [0, 0, 0]
    pred = [damaged(a, counter) for a in gold]
    print(f"{len(gold)} documents, {sum(len(a.events) for a in gold)} gold events")

    start = time.perf_counter()
    result = score(gold, pred, n_bootstrap=args.replicates, seed=0)
    ours = time.perf_counter() - start
    start = time.perf_counter()
    score(gold, pred, n_bootstrap=0)
    point = time.perf_counter() - start

    start = time.perf_counter()
    reference = reference_bootstrap(gold, pred, args.reference, seed=0)
    per_replicate = (time.perf_counter() - start) / args.reference
    scaled = point + per_replicate * args.replicates

    for metric in METRICS:
        found = result.metrics[metric]
        assert found.ci is not None
        low, high = found.ci["f1"]
        print(f"{metric:9s} F1 {100 * found.f1:5.1f}  95% CI [{100 * low:5.1f}, {100 * high:5.1f}]")
    check = score(gold, pred, n_bootstrap=args.reference, seed=0)
    for metric in METRICS:
        ci = check.metrics[metric].ci
        assert ci is not None and np.allclose(ci["f1"], reference[metric]), metric
    print(f"scorer, point estimate only: {point:.2f} s")
    print(f"scorer with {args.replicates} bootstrap replicates: {ours:.2f} s")
    print(
        f"reference loop: {per_replicate * 1000:.1f} ms per replicate -> {scaled:.1f} s for {args.replicates} "
        f"(measured on {args.reference})"
    )
    print(f"speed-up over the reference: {scaled / ours:.1f}x (intervals agree on {args.reference} replicates)")


if __name__ == "__main__":
    main()
