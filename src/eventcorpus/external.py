"""The corpus scored against people's annotations of the same texts: re3d's entities, M2E2's events.

M2E2 (:func:`m2e2_check`): on the M2E2 articles of corpus part 2, the project's gold is
scored against M2E2's human annotation (the reference) with the project's TextEE-definition
scorer, on what both inventories mark: the eight ACE event types M2E2 has, the roles
M2E2 uses for them (Time and the project's other roles are left out; events the project marks generic are
left out too, as the schema says for ACE-comparable use), and the entity types
that map (PER ORG GPE LOC FAC VEH WEA, and M2E2's VALUE as NUM). Entities M2E2's reader
creates only to hold an argument are not M2E2 entity mentions and are left out, as are
the project's ARG fillers. The texts are the same: corpus part 2 takes M2E2's tokenised
sentences (one per line), so spans compare exactly.

re3d:

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

import random
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from eventcorpus.corpus import iter_json_lines, read_records
from eventcorpus.records import ARGUMENT_SPAN_LABEL, AnnotationSet, Entity, Event
from eventcorpus.schema import load_schema
from eventcorpus.scoring import all_tuples, context, score
from eventcorpus.sources import M2E2_FILE, corpus_documents

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


# --- M2E2 -----------------------------------------------------------------------------------

M2E2_ENTITY_TYPES = ("PER", "ORG", "GPE", "LOC", "FAC", "VEH", "WEA", "NUM")
M2E2_METRICS = ("TI", "TC", "AI", "AC", "entities")


def shared_view(annotations: AnnotationSet, doc_id: str, annotator: str, roles: dict[str, set[str]]) -> AnnotationSet:
    """What both inventories can mark: the shared event types and their M2E2 roles, mapped entity types.

    Events marked generic are left out, as the schema's genericity attribute says to do for
    ACE/M2E2-comparable use (M2E2 has no such attribute)."""
    entities = [
        e for e in annotations.entities if e.label in M2E2_ENTITY_TYPES and not e.meta.get("created_for_argument")
    ]
    by_id = {e.id: e for e in annotations.entities}
    events = []
    for event in annotations.events:
        if event.type not in roles or event.attributes.get("genericity") == "generic":
            continue  # the schema: generic events are dropped for ACE/M2E2-comparable use
        kept = [a for a in event.arguments if a.role in roles[event.type] and a.entity_id in by_id]
        events.append(Event(event.id, event.type, event.trigger, kept))
    kept_ids = {e.id for e in entities}
    fillers = sorted({a.entity_id for e in events for a in e.arguments} - kept_ids)
    # a filler that is not a compared entity still anchors its argument, under the ARG label
    entities += [Entity(i, by_id[i].start, by_id[i].end, ARGUMENT_SPAN_LABEL) for i in fillers]
    return AnnotationSet(doc_id, annotator, entities, events)


def roles_by_type(sets: Iterable[AnnotationSet]) -> dict[str, set[str]]:
    """The roles each event type has anywhere in ``sets`` (M2E2's inventory as its file uses it)."""
    roles: dict[str, set[str]] = {}
    for annotation_set in sets:
        for event in annotation_set.events:
            roles.setdefault(event.type, set()).update(a.role for a in event.arguments)
    return roles


def m2e2_reference(dest: Path) -> dict[str, AnnotationSet]:
    """M2E2's annotation by article id, mapped through the schema."""
    from eventcorpus.formats import m2e2 as m2e2_format

    records = m2e2_format.read(dest / M2E2_FILE, schema=load_schema(), options={"unit": "article"})
    return {r.document.id: r.annotations for r in records}


Compared = tuple[list[AnnotationSet], list[AnnotationSet], dict[str, str]]  # ours, the reference, texts by id


def m2e2_sets(gold_path: Path, dest: Path) -> Compared:
    """The project's gold and M2E2's annotation of corpus part 2, each reduced to the shared inventory.

    Entity-only scores use every mapped entity; the event metrics only the shared types, whose
    roles are those M2E2 gives each type anywhere in its file.
    """
    documents = {d.text: d for d in corpus_documents(dest).values()}
    reference = m2e2_reference(dest)
    roles = roles_by_type(reference.values())
    ours: list[AnnotationSet] = []
    theirs: list[AnnotationSet] = []
    texts: dict[str, str] = {}
    for record in read_records(gold_path):
        source = documents.get(record.document.text)
        if source is None or not source.source.startswith("m2e2/"):
            continue
        doc_id = record.document.id
        texts[doc_id] = record.document.text
        article = source.source.split("/", 1)[1]
        ours.append(shared_view(record.annotations, doc_id, "project", roles))
        theirs.append(shared_view(reference[article], doc_id, "m2e2", roles))
    return ours, theirs, texts


def m2e2_check(
    gold_path: Path, dest: Path, *, n_bootstrap: int = 1000, seed: int = 0, sets: Compared | None = None
) -> dict[str, Any]:
    """TI/TC/AI/AC and entity scores of the corpus's M2E2 articles against M2E2 (the reference).

    ``sets`` (from :func:`m2e2_sets`) spares reading the corpus and M2E2 again."""
    ours, theirs, _ = sets or m2e2_sets(gold_path, dest)
    if not ours:
        return {"documents": 0}
    scores = score(theirs, ours, n_bootstrap=n_bootstrap, seed=seed)
    overall = {m: scores.metrics[m].to_dict() for m in M2E2_METRICS if m in scores.metrics}
    event_types = {
        label: {m: cells[m].to_dict() for m in ("TC", "AC") if m in cells}
        for label, cells in scores.tables.get("event_type", {}).items()
    }
    entity_types = {
        label: cells["entities"].to_dict() for label, cells in scores.tables.get("entity_label", {}).items()
    }
    return {"documents": len(ours), "overall": overall, "event_types": event_types, "entity_types": entity_types}


def m2e2_disagreements(gold_path: Path, dest: Path, *, sets: Compared | None = None) -> list[dict[str, Any]]:
    """Every trigger (TC), argument (AC) and entity that only one side has, with its context."""
    ours, theirs, texts = sets or m2e2_sets(gold_path, dest)
    out: list[dict[str, Any]] = []
    for mine, ref in zip(ours, theirs, strict=True):
        text = texts[mine.doc_id]
        a, b = all_tuples(mine), all_tuples(ref)
        for metric in ("TC", "AC", "entities"):
            for side, only, other in (
                ("project only", a[metric] - b[metric], b[metric]),
                ("m2e2 only", b[metric] - a[metric], a[metric]),
            ):
                for item in sorted(only, key=str):
                    start, end = _span(metric, item)
                    near = [list(o) for o in sorted(other, key=str) if _overlaps(_span(metric, o), (start, end))]
                    out.append(
                        {
                            "doc_id": mine.doc_id,
                            "metric": metric,
                            "side": side,
                            "item": list(item),
                            "text": text[start:end],
                            "context": context(text, start, end),
                            "other_side_overlapping": near,
                        }
                    )
    return out


def _span(metric: str, item: tuple[Any, ...]) -> tuple[int, int]:
    """The span a scored tuple points at: (doc, type, start, end, role) for AC, (doc, start, end, ...) else."""
    return (item[2], item[3]) if metric == "AC" else (item[1], item[2])


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def sample_disagreements(
    items: list[dict[str, Any]], n: int = 50, seed: int = 0, quotas: dict[str, int] | None = None
) -> list[dict[str, Any]]:
    """A seeded random sample of ``n`` disagreements, in document order; with ``quotas``
    (metric -> count) that many of each metric instead, so rarer layers are read too."""
    rng = random.Random(seed)
    if quotas is None:
        picked = rng.sample(range(len(items)), min(n, len(items)))
    else:
        picked = []
        for metric, count in quotas.items():
            pool = [i for i, item in enumerate(items) if item["metric"] == metric]
            picked += rng.sample(pool, min(count, len(pool)))
    return [items[i] for i in sorted(picked)]


def m2e2_lines(check: dict[str, Any]) -> list[str]:
    """The M2E2 check as markdown tables: overall, per event type, per entity type."""
    if not check.get("documents"):
        return ["No M2E2 article is annotated yet."]

    def row(name: str, s: dict[str, Any]) -> str:
        ci = (s.get("ci") or {}).get("f1")
        interval = f"{100 * ci[0]:.1f}–{100 * ci[1]:.1f}" if ci else "n/a"
        return (
            f"| {name} | {100 * s['precision']:.1f} | {100 * s['recall']:.1f} | {100 * s['f1']:.1f} | {interval} | "
            f"{s['n_pred']} | {s['n_gold']} |"
        )

    head = ["| {} | P | R | F1 | 95% CI of F1 | corpus | M2E2 |", "| --- | ---: | ---: | ---: | --- | ---: | ---: |"]
    lines = [
        f"{check['documents']} M2E2 articles; the corpus's gold against M2E2's human annotation as the reference, "
        "exact spans, TextEE definitions, the project's generic events left out (x 100, 95% bootstrap interval "
        "over documents):",
        "",
        head[0].format("metric"),
        head[1],
        *(row(m, s) for m, s in check["overall"].items()),
        "",
        head[0].format("event type (TC / AC)"),
        head[1],
    ]
    for label, cells in check["event_types"].items():
        lines += [row(f"{label} {m}", s) for m, s in cells.items()]
    lines += ["", head[0].format("entity type"), head[1]]
    lines += [row(label, s) for label, s in check["entity_types"].items()]
    return lines


def sorted_sample_lines(path: Path, reference: str) -> list[str]:
    """One line counting a hand-sorted sample of disagreements (``category`` on each JSON line)."""
    if not path.is_file():
        return []
    rows = [row for _, row in iter_json_lines(path)]
    counts = Counter(str(row.get("category")) for row in rows)
    parts = ", ".join(f"{counts[c]} {c}s" for c in ("guideline difference", "project error", "reference error"))
    return [
        f"A seeded sample of {len(rows)} disagreements with {reference}, each read and sorted by an annotation "
        f"agent (not a person), in `{path.parent.name}/{path.name}`: {parts}."
    ]
