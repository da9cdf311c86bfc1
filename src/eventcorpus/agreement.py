"""Agreement between annotators: F1 on the scorer's tuples, Cohen's kappa, Krippendorff's alpha.

Only documents labelled by two or more annotators count. Definitions:

- F1 between annotators A and B: the tuples of :mod:`eventcorpus.scoring` (entities, TI,
  TC, AI, AC, AI+, AC+) pooled over the documents both labelled; ``2 * matched / (|A| + |B|)``
  (symmetric: either side may be "gold"). Undefined (None) when neither marked anything.
- Exact matching: the tuples are equal. Overlap matching: the tuples are equal in every
  field except the spans, and each span of one overlaps the corresponding span of the
  other (they share at least one character); pairs are matched one to one, greedily,
  the largest total overlap first (ties by position), so one long span cannot match two.
- Token labels (tokens from :func:`eventcorpus.tokens.tokenize`): for entities BIO of the
  entity type (``B-GPE``, ``I-GPE``, ``O``); where entities nest or overlap the longest
  covering entity wins (then the earliest, then the label name). For triggers the event
  type of each trigger touching the token, several joined with ``+`` in name order, else ``O``.
- Cohen's kappa per pair over the tokens of the documents both labelled; Krippendorff's
  alpha (nominal) over all annotators, one unit per token of every document labelled by
  two or more, missing where an annotator did not label the document.
- Every figure carries the documents and items it rests on; one resting on fewer items
  than ``min_items`` is marked ``low_support``.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from eventcorpus.errors import EventCorpusError
from eventcorpus.records import UNANNOTATED, AnnotationSet, Document
from eventcorpus.scoring import METRICS, SPAN_POSITIONS, Tuple, all_tuples, records_with_one_text
from eventcorpus.tokens import Token, tokenize

MODES = ("exact", "overlap")
# per-label tables: (table, metric, position of the label in the metric's tuple)
LABEL_TABLES: tuple[tuple[str, str, int], ...] = (
    ("entities", "entities", 3),
    ("triggers", "TC", 3),
    ("roles", "AC", 4),
)
TOKEN_LAYERS = ("entities", "triggers")


# --- reading ------------------------------------------------------------------------------


@dataclass
class AnnotatorSets:
    """Every annotation set of a folder: documents by id and, per document, sets by annotator."""

    documents: dict[str, Document]
    sets: dict[str, dict[str, AnnotationSet]]  # doc_id -> annotator -> set
    files: list[str] = field(default_factory=list)

    @property
    def annotators(self) -> list[str]:
        return sorted({a for by_annotator in self.sets.values() for a in by_annotator})

    def shared_documents(self) -> list[str]:
        """Documents labelled by two or more annotators."""
        return sorted(d for d, by_annotator in self.sets.items() if len(by_annotator) >= 2)


def read_annotator_sets(directory: str | Path) -> AnnotatorSets:
    """Read every ``*.jsonl`` under ``directory`` (recursively), grouping sets by annotator.

    Records of the pseudo-annotator ``unannotated`` add their documents only. One
    annotator labelling one document twice raises E303; one document id with two
    different texts raises E304.
    """
    root = Path(directory)
    files = sorted(root.rglob("*.jsonl")) if root.is_dir() else []
    if not files:
        raise EventCorpusError(
            "E300", f"no .jsonl files in {root}", file=str(root), expected="a folder of canonical JSONL files"
        )
    documents: dict[str, Document] = {}
    sets: dict[str, dict[str, AnnotationSet]] = {}
    seen_at: dict[tuple[str, str], str] = {}
    texts: dict[str, str] = {}
    for path in files:
        for number, record in records_with_one_text(path, texts):
            where = f"{path}:{number}"
            documents.setdefault(record.id, record.document)
            annotator = record.annotations.annotator
            if annotator == UNANNOTATED:
                continue
            key = (record.id, annotator)
            if key in seen_at:
                raise EventCorpusError(
                    "E303",
                    f"annotator {annotator!r} labelled document {record.id} here and at {seen_at[key]}",
                    file=str(path),
                    line=number,
                    doc_id=record.id,
                )
            seen_at[key] = where
            sets.setdefault(record.id, {})[annotator] = record.annotations
    return AnnotatorSets(documents, sets, [str(p) for p in files])


# --- matching -----------------------------------------------------------------------------


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def overlap_matches(first: set[Tuple], second: set[Tuple], metric: str) -> int:
    """One-to-one greedy matches between two tuple sets of one metric under overlap matching."""
    spans = SPAN_POSITIONS[metric]
    span_fields = {i for pair in spans for i in pair}

    def key(item: Tuple) -> Tuple:
        return tuple(v for i, v in enumerate(item) if i not in span_fields)

    groups: dict[Tuple, tuple[list[Tuple], list[Tuple]]] = defaultdict(lambda: ([], []))
    for item in sorted(first, key=repr):
        groups[key(item)][0].append(item)
    for item in sorted(second, key=repr):
        groups[key(item)][1].append(item)
    matched = 0
    for left, right in groups.values():
        candidates = []
        for i, a in enumerate(left):
            for j, b in enumerate(right):
                overlaps = [_overlap((a[s], a[e]), (b[s], b[e])) for s, e in spans]
                if all(overlaps):
                    candidates.append((-sum(overlaps), i, j))
        used_left: set[int] = set()
        used_right: set[int] = set()
        for _, i, j in sorted(candidates):
            if i not in used_left and j not in used_right:
                used_left.add(i)
                used_right.add(j)
                matched += 1
    return matched


# --- figures ------------------------------------------------------------------------------


@dataclass
class Figure:
    """One agreement figure and what it rests on."""

    value: float | None
    documents: int
    items: int
    low_support: bool

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "documents": self.documents, "items": self.items, "low_support": self.low_support}


def _f1_figure(matched: int, total: int, documents: int, min_items: int) -> Figure:
    value = 2 * matched / total if total else None
    return Figure(value, documents, total, total < min_items)


def _mean_figure(figures: list[Figure], documents: int, min_items: int) -> Figure:
    values = [f.value for f in figures if f.value is not None]
    items = sum(f.items for f in figures)
    return Figure(float(np.mean(values)) if values else None, documents, items, items < min_items)


# --- token labels and chance-corrected agreement ------------------------------------------


def entity_token_labels(tokens: list[Token], annotations: AnnotationSet) -> list[str]:
    """BIO entity labels per token; the longest covering entity wins where entities nest."""
    labels = ["O"] * len(tokens)
    ranked = sorted(annotations.entities, key=lambda e: (-(e.end - e.start), e.start, e.label))
    for entity in ranked:
        inside = [i for i, t in enumerate(tokens) if t.start < entity.end and entity.start < t.end]
        if not inside or any(labels[i] != "O" for i in inside):
            continue
        for position, i in enumerate(inside):
            labels[i] = f"{'B' if position == 0 else 'I'}-{entity.label}"
    return labels


def trigger_token_labels(tokens: list[Token], annotations: AnnotationSet) -> list[str]:
    """Event type per token (several joined with '+'), else 'O'."""
    types: list[set[str]] = [set() for _ in tokens]
    for event in annotations.events:
        for i, t in enumerate(tokens):
            if t.start < event.trigger.end and event.trigger.start < t.end:
                types[i].add(event.type)
    return ["+".join(sorted(found)) if found else "O" for found in types]


def cohen_kappa(first: list[str], second: list[str]) -> float | None:
    """Cohen's kappa of two label sequences; None when chance agreement is 1 (one label only)."""
    if not first:
        return None
    labels = sorted(set(first) | set(second))
    index = {label: i for i, label in enumerate(labels)}
    a = np.array([index[x] for x in first])
    b = np.array([index[x] for x in second])
    observed = float(np.mean(a == b))
    expected = float(np.dot(np.bincount(a, minlength=len(labels)), np.bincount(b, minlength=len(labels)))) / len(a) ** 2
    if expected >= 1.0:
        return None
    return (observed - expected) / (1 - expected)


def krippendorff_alpha(units: list[list[str | None]]) -> float | None:
    """Nominal Krippendorff's alpha; ``units[u]`` holds each annotator's label or None (missing).

    Units with fewer than two labels are left out. None when there is no disagreement
    to expect (a single label value overall) or no pairable unit.
    """
    labels = sorted({x for unit in units for x in unit if x is not None})
    if not labels:
        return None
    index = {label: i for i, label in enumerate(labels)}
    counts = np.zeros((len(units), len(labels)), dtype=np.float64)
    for u, unit in enumerate(units):
        for x in unit:
            if x is not None:
                counts[u, index[x]] += 1
    pairable = counts.sum(axis=1)
    counts = counts[pairable >= 2]
    pairable = pairable[pairable >= 2]
    if not len(counts):
        return None
    weights = 1.0 / (pairable - 1)
    coincidence = (counts * weights[:, None]).T @ counts - np.diag((counts * weights[:, None]).sum(axis=0))
    totals = coincidence.sum(axis=1)
    n = totals.sum()
    observed = coincidence.sum() - np.trace(coincidence)
    expected = (n * n - float(np.dot(totals, totals))) / (n - 1)
    if expected == 0:
        return None
    return float(1 - observed / expected)


# --- the report ---------------------------------------------------------------------------


@dataclass
class Agreement:
    """The result of :func:`agreement`; ``to_dict`` is the ``--json`` output."""

    annotators: list[str]
    documents: int
    single_annotator_documents: int
    min_items: int
    pairs: dict[str, dict[str, dict[str, Figure]]]  # "a / b" -> mode -> metric -> F1
    average: dict[str, dict[str, Figure]]  # mode -> metric -> mean F1 over pairs
    kappa: dict[str, dict[str, Figure]]  # layer -> pair -> kappa
    alpha: dict[str, Figure]  # layer -> alpha
    labels: dict[str, dict[str, Figure]]  # table -> label -> mean exact F1 over pairs
    documents_by_agreement: list[dict[str, Any]]  # lowest first
    lowest_labels: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        def figures(table: dict[str, Figure]) -> dict[str, Any]:
            return {k: f.to_dict() for k, f in table.items()}

        return {
            "annotators": self.annotators,
            "documents": self.documents,
            "single_annotator_documents": self.single_annotator_documents,
            "min_items": self.min_items,
            "pairs": {p: {m: figures(t) for m, t in modes.items()} for p, modes in self.pairs.items()},
            "average": {m: figures(t) for m, t in self.average.items()},
            "kappa": {layer: figures(t) for layer, t in self.kappa.items()},
            "alpha": figures(self.alpha),
            "labels": {table: figures(t) for table, t in self.labels.items()},
            "lowest_documents": self.documents_by_agreement[:10],
            "lowest_labels": self.lowest_labels[:10],
        }


def pair_name(first: str, second: str) -> str:
    return f"{first} / {second}"


def agreement(data: AnnotatorSets, *, min_items: int = 10) -> Agreement:
    """Agreement figures over the documents labelled by two or more annotators (E308 if none)."""
    shared = data.shared_documents()
    if not shared:
        raise EventCorpusError(
            "E308",
            f"{len(data.sets)} documents read from {len(data.files)} files, none labelled by two annotators",
        )
    tuples = {d: {a: all_tuples(s) for a, s in data.sets[d].items()} for d in shared}
    tokens = {d: tokenize(data.documents[d].text) for d in shared}
    token_labels = {
        d: {
            a: {"entities": entity_token_labels(tokens[d], s), "triggers": trigger_token_labels(tokens[d], s)}
            for a, s in data.sets[d].items()
        }
        for d in shared
    }
    annotators = sorted({a for d in shared for a in data.sets[d]})

    pairs: dict[str, dict[str, dict[str, Figure]]] = {}
    kappa: dict[str, dict[str, Figure]] = {layer: {} for layer in TOKEN_LAYERS}
    label_figures: dict[str, dict[str, list[Figure]]] = {table: defaultdict(list) for table, _, _ in LABEL_TABLES}
    doc_pair_f1: dict[str, list[float]] = defaultdict(list)
    for first, second in itertools.combinations(annotators, 2):
        docs = [d for d in shared if first in data.sets[d] and second in data.sets[d]]
        if not docs:
            continue
        name = pair_name(first, second)
        pairs[name] = {mode: {} for mode in MODES}
        for metric in METRICS:
            exact = over = total = 0
            for d in docs:
                a, b = tuples[d][first][metric], tuples[d][second][metric]
                exact += len(a & b)
                over += overlap_matches(a, b, metric)
                total += len(a) + len(b)
            pairs[name]["exact"][metric] = _f1_figure(exact, total, len(docs), min_items)
            pairs[name]["overlap"][metric] = _f1_figure(over, total, len(docs), min_items)
        for table, metric, position in LABEL_TABLES:
            matched: dict[str, int] = defaultdict(int)
            totals: dict[str, int] = defaultdict(int)
            for d in docs:
                a, b = tuples[d][first][metric], tuples[d][second][metric]
                for item in a | b:
                    totals[str(item[position])] += (item in a) + (item in b)
                for item in a & b:
                    matched[str(item[position])] += 1
            for label, total in totals.items():
                label_figures[table][label].append(_f1_figure(matched[label], total, len(docs), min_items))
        for d in docs:
            pooled = ("entities", "TC", "AC")
            a_all = set().union(*(tuples[d][first][m] for m in pooled))
            b_all = set().union(*(tuples[d][second][m] for m in pooled))
            if a_all or b_all:
                doc_pair_f1[d].append(2 * len(a_all & b_all) / (len(a_all) + len(b_all)))
            else:
                doc_pair_f1[d].append(1.0)
        for layer in TOKEN_LAYERS:
            x = [label for d in docs for label in token_labels[d][first][layer]]
            y = [label for d in docs for label in token_labels[d][second][layer]]
            kappa[layer][name] = Figure(cohen_kappa(x, y), len(docs), len(x), len(x) < min_items)

    average = {
        mode: {
            metric: _mean_figure([pairs[p][mode][metric] for p in pairs], len(shared), min_items) for metric in METRICS
        }
        for mode in MODES
    }
    alpha: dict[str, Figure] = {}
    for layer in TOKEN_LAYERS:
        units: list[list[str | None]] = []
        for d in shared:
            per_annotator = [token_labels[d][a][layer] if a in token_labels[d] else None for a in annotators]
            for i in range(len(tokens[d])):
                units.append([labels[i] if labels is not None else None for labels in per_annotator])
        alpha[layer] = Figure(krippendorff_alpha(units), len(shared), len(units), len(units) < min_items)
    label_documents: dict[tuple[str, str], set[str]] = defaultdict(set)
    for table, metric, position in LABEL_TABLES:
        for d in shared:
            for found in tuples[d].values():
                for item in found[metric]:
                    label_documents[table, str(item[position])].add(d)
    labels = {
        table: {
            label: _mean_figure(figs, len(label_documents[table, label]), min_items)
            for label, figs in sorted(by.items())
        }
        for table, by in label_figures.items()
    }
    lowest_labels = sorted(
        (
            {"table": table, "label": label, **figure.to_dict()}
            for table, rows in labels.items()
            for label, figure in rows.items()
            if figure.value is not None
        ),
        key=lambda row: (row["value"], row["table"], row["label"]),
    )
    by_document = sorted(
        (
            {
                "doc_id": d,
                "title": data.documents[d].title,
                "annotators": sorted(data.sets[d]),
                "f1": float(np.mean(values)),
            }
            for d, values in doc_pair_f1.items()
        ),
        key=lambda row: (row["f1"], row["doc_id"]),
    )
    return Agreement(
        annotators=annotators,
        documents=len(shared),
        single_annotator_documents=len(data.sets) - len(shared),
        min_items=min_items,
        pairs=pairs,
        average=average,
        kappa=kappa,
        alpha=alpha,
        labels=labels,
        documents_by_agreement=by_document,
        lowest_labels=lowest_labels,
    )


def agreement_in_folder(directory: str | Path, *, min_items: int = 10) -> Agreement:
    """Read a folder of annotators' canonical files and measure their agreement."""
    return agreement(read_annotator_sets(directory), min_items=min_items)


def label_agreement_rows(result: Agreement) -> Iterable[tuple[str, str, float]]:
    """(table, label, mean exact F1) rows with a defined value, for plots."""
    for table, rows in result.labels.items():
        for label, figure in rows.items():
            if figure.value is not None:
                yield table, label, figure.value


def agreement_with_gold(
    data: AnnotatorSets, gold: dict[str, AnnotationSet], *, min_items: int = 10
) -> dict[str, Agreement]:
    """Each annotator against the adjudicated gold, over the documents two or more annotators labelled.

    Single-annotator documents are left out: their gold is that annotator's set, so they
    would only inflate the figure. Returns annotator -> agreement of the pair (annotator, gold).
    """
    shared = [d for d in data.shared_documents() if d in gold]
    if not shared:
        raise EventCorpusError(
            "E308", f"none of the {len(data.sets)} documents is both double-annotated and in the gold"
        )
    results: dict[str, Agreement] = {}
    for annotator in data.annotators:
        pairs = {d: {annotator: data.sets[d][annotator], "gold": gold[d]} for d in shared if annotator in data.sets[d]}
        if pairs:
            results[annotator] = agreement(AnnotatorSets(data.documents, pairs, data.files), min_items=min_items)
    return results


def gold_agreement_summary(results: dict[str, Agreement]) -> dict[str, Any]:
    """``{annotator: {"documents", "exact": {metric: {value, items, ...}}}}`` for cards and build summaries."""
    return {
        annotator: {
            "documents": result.documents,
            "exact": {metric: figure.to_dict() for metric, figure in result.average["exact"].items()},
        }
        for annotator, result in results.items()
    }
