"""The corpus's entities scored against re3d's, which people at Dstl annotated on the same texts.

re3d is the reference: precision is the share of the corpus's entities that re3d also has,
recall the share of re3d's entities that the corpus also has. Types are compared through
classes both inventories can express, because the schemas cut places differently: re3d's
Location covers the project's GPE, LOC and FAC, and its Nationality ("Iraqi") is the
project's GPE adjective. Scores are exact-span micro P/R/F1 with bootstrap intervals over
documents (the project's own scorer), per class and overall, plus an overlap figure (same
class, spans overlapping) that separates boundary disagreements from missing items.
``eventcorpus build`` writes the table into corpus/README.md; scripts/compare_re3d_entities.py
also draws a sample of disagreements to sort by hand.
"""

from __future__ import annotations

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


def sets_for_comparison(gold_path: Path, dest: Path) -> tuple[list[AnnotationSet], list[AnnotationSet], dict[str, str]]:
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


def overlap_scores(ours: list[AnnotationSet], theirs: list[AnnotationSet]) -> tuple[float, float]:
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


def re3d_check(gold_path: Path, dest: Path, *, n_bootstrap: int = 1000, seed: int = 0) -> dict[str, Any]:
    """Per-class and overall scores of ``gold_path``'s entities against re3d's, and the overlap figure."""
    ours, theirs, texts = sets_for_comparison(gold_path, dest)
    scores = score(theirs, ours, n_bootstrap=n_bootstrap, seed=seed)
    table = scores.tables.get("entity_label", {})
    classes = {label: cells["entities"].to_dict() for label, cells in sorted(table.items())}
    classes["all"] = scores.metrics["entities"].to_dict()
    precision, recall = overlap_scores(ours, theirs)
    sides = Counter(item["side"] for item in disagreements(ours, theirs, texts))
    return {
        "documents": len(ours),
        "classes": classes,
        "overlap": {"precision": precision, "recall": recall},
        "disagreements": dict(sorted(sides.items())),
    }


def re3d_lines(check: dict[str, Any]) -> list[str]:
    """The check as a markdown table and one line on overlapping spans."""
    lines = [
        f"{check['documents']} re3d documents; exact spans, re3d as the reference (x 100, 95% bootstrap interval):",
        "",
        "| class | P | R | F1 | 95% CI of F1 | corpus | re3d |",
        "| --- | ---: | ---: | ---: | --- | ---: | ---: |",
    ]
    for label, s in check["classes"].items():
        ci = (s.get("ci") or {}).get("f1")
        interval = f"{100 * ci[0]:.1f}–{100 * ci[1]:.1f}" if ci else "n/a"
        lines.append(
            f"| {label} | {100 * s['precision']:.1f} | {100 * s['recall']:.1f} | {100 * s['f1']:.1f} | {interval} | "
            f"{s['n_pred']} | {s['n_gold']} |"
        )
    overlap = check["overlap"]
    lines += [
        "",
        f"With overlapping spans of the same class counted as found: P {100 * overlap['precision']:.1f}, "
        f"R {100 * overlap['recall']:.1f}.",
    ]
    return lines
