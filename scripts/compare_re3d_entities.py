#!/usr/bin/env python3
"""The corpus's entities scored against re3d's, which people at Dstl annotated on the same texts.

re3d is the reference: precision is the share of the corpus's entities that re3d also has,
recall the share of re3d's entities that the corpus also has. Types are compared through
classes both inventories can express, because the schemas cut places differently: re3d's
Location covers the project's GPE, LOC and FAC, and its Nationality ("Iraqi") is the
project's GPE adjective. Scores are exact-span micro P/R/F1 with 95% bootstrap intervals
over documents (the project's own scorer), per class and overall, plus an overlap figure
(same class, spans overlapping) that separates boundary disagreements from missing items.
``--sample N`` writes N disagreements drawn with a fixed seed, with their context, for
sorting by hand into guideline differences, project errors and reference errors.

    python scripts/compare_re3d_entities.py build/gold.jsonl --dest build/sources --sample 50 --out re3d_sample.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from eventcorpus.corpus import read_records
from eventcorpus.records import ARGUMENT_SPAN_LABEL, AnnotationSet, Entity
from eventcorpus.scoring import context, score
from eventcorpus.sources import corpus_documents

PROJECT_CLASS = {
    "PER": "person",
    "ORG": "organisation",
    "GPE": "location",
    "LOC": "location",
    "FAC": "location",
    "TIME": "time",
    "NUM": "quantity",
    "WEA": "weapon",
    "VEH": "vehicle",
    "MONEY": "money",
}
RE3D_CLASS = {
    "Person": "person",
    "Organisation": "organisation",
    "Location": "location",
    "Nationality": "location",
    "Coordinate": "location",
    "Temporal": "time",
    "Quantity": "quantity",
    "Weapon": "weapon",
    "MilitaryPlatform": "vehicle",
    "Vehicle": "vehicle",
    "Money": "money",
}


def _sets(gold_path: Path, dest: Path) -> tuple[list[AnnotationSet], list[AnnotationSet], dict[str, str]]:
    documents = {d.text: d for d in corpus_documents(dest).values()}
    ours: list[AnnotationSet] = []
    theirs: list[AnnotationSet] = []
    texts: dict[str, str] = {}
    for record in read_records(gold_path):
        source = documents.get(record.document.text)
        if source is None or not source.source.startswith("re3d/"):
            continue  # the CEMO report has no re3d annotation
        doc_id = record.document.id
        texts[doc_id] = record.document.text
        mine = {
            (e.start, e.end, PROJECT_CLASS[e.label])
            for e in record.annotations.entities
            if e.label != ARGUMENT_SPAN_LABEL and e.label in PROJECT_CLASS
        }
        reference = {
            (e.begin, e.end, RE3D_CLASS[e.re3d_type]) for e in source.re3d_entities if e.re3d_type in RE3D_CLASS
        }
        ours.append(AnnotationSet(doc_id, "project", [Entity(f"T{i}", *k) for i, k in enumerate(sorted(mine))]))
        theirs.append(AnnotationSet(doc_id, "re3d", [Entity(f"T{i}", *k) for i, k in enumerate(sorted(reference))]))
    return ours, theirs, texts


def _overlap(ours: list[AnnotationSet], theirs: list[AnnotationSet]) -> tuple[float, float]:
    """Precision and recall when a same-class overlapping span counts as found."""
    found_ours = found_theirs = total_ours = total_theirs = 0
    for mine, ref in zip(ours, theirs, strict=True):
        total_ours += len(mine.entities)
        total_theirs += len(ref.entities)
        found_ours += sum(
            any(e.label == r.label and e.start < r.end and r.start < e.end for r in ref.entities) for e in mine.entities
        )
        found_theirs += sum(
            any(e.label == r.label and e.start < r.end and r.start < e.end for e in mine.entities) for r in ref.entities
        )
    return found_ours / max(total_ours, 1), found_theirs / max(total_theirs, 1)


def disagreements(
    ours: list[AnnotationSet], theirs: list[AnnotationSet], texts: dict[str, str]
) -> list[dict[str, Any]]:
    """Every item only one side has, with the other side's items that overlap it."""
    out: list[dict[str, Any]] = []
    for mine, ref in zip(ours, theirs, strict=True):
        text = texts[mine.doc_id]
        a = {(e.start, e.end, e.label) for e in mine.entities}
        b = {(e.start, e.end, e.label) for e in ref.entities}
        for side, only, other in (("project only", a - b, b), ("re3d only", b - a, a)):
            for s, e, label in sorted(only):
                near = [f"{text[x:y]!r} {c}" for x, y, c in sorted(other) if x < e and s < y]
                out.append(
                    {
                        "doc_id": mine.doc_id,
                        "side": side,
                        "start": s,
                        "end": e,
                        "class": label,
                        "text": text[s:e],
                        "other_side_overlapping": near,
                        "context": context(text, s, e),
                    }
                )
    return out


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
    ours, theirs, texts = _sets(args.gold, args.dest)
    scores = score(theirs, ours, n_bootstrap=args.bootstrap, seed=args.seed)
    overlap_p, overlap_r = _overlap(ours, theirs)
    print(f"{len(ours)} re3d documents; reference: re3d (people at Dstl); compared: {args.gold}")
    print("| class | P | R | F1 | 95% CI of F1 | project | re3d |")
    print("| --- | ---: | ---: | ---: | --- | ---: | ---: |")
    rows: dict[str, Any] = {}
    table = scores.tables.get("entity_label", {})
    for label, cells in [*sorted(table.items()), ("all", {"entities": scores.metrics["entities"]})]:
        s = cells["entities"]
        ci = (s.ci or {}).get("f1")
        interval = f"{100 * ci[0]:.1f}–{100 * ci[1]:.1f}" if ci else "n/a"
        print(
            f"| {label} | {100 * s.precision:.1f} | {100 * s.recall:.1f} | {100 * s.f1:.1f} | {interval} | "
            f"{s.n_pred} | {s.n_gold} |"
        )
        rows[label] = s.to_dict()
    print(f"overlapping spans of the same class count as found: P {100 * overlap_p:.1f}, R {100 * overlap_r:.1f}")
    items = disagreements(ours, theirs, texts)
    print(f"disagreements: {dict(Counter(i['side'] for i in items))}")
    if args.json:
        args.json.write_text(
            json.dumps({"classes": rows, "overlap": {"precision": overlap_p, "recall": overlap_r}}, indent=2) + "\n",
            encoding="utf-8",
        )
    if args.sample:
        if args.out is None:
            parser.error("--sample needs --out")
        chosen = random.Random(args.seed).sample(items, min(args.sample, len(items)))
        with args.out.open("w", encoding="utf-8") as handle:
            for item in chosen:
                handle.write(json.dumps(item, ensure_ascii=False) + "\n")
        print(f"{len(chosen)} disagreements -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
