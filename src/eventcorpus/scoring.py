"""Event-extraction scores exactly as TextEE computes them, with bootstrap intervals.

Each gold and each predicted item becomes a tuple; tuples are collected into sets
(duplicates collapse) and scored as micro precision / recall / F1 over the whole split.
Spans match exactly. The tuples (``doc`` is the document id):

- ``TI``  (doc, trigger start, trigger end)
- ``TC``  (doc, trigger start, trigger end, event type)
- ``AI``  (doc, event type, argument start, argument end)
- ``AC``  (doc, event type, argument start, argument end, role)
- ``AI+`` (doc, event type, argument start, argument end, trigger start, trigger end)
- ``AC+`` (doc, event type, argument start, argument end, role, trigger start, trigger end)
- ``entities`` (doc, start, end, label)

An argument's span is the span of the entity it points at. Precision, recall and F1
are 0 when their denominator is 0 (TextEE's convention). Scores are returned as
fractions in [0, 1]; the CLI prints them x 100.

Confidence intervals resample documents with replacement (percentile bootstrap; a
replicate that drew no gold and no predicted item of a metric is left out of that
metric's interval, as its score is undefined there); every
tuple carries its document, so per-document counts add up and a replicate is a weighted
sum of a documents x counts matrix.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from eventcorpus.corpus import numbered_records
from eventcorpus.errors import EventCorpusError
from eventcorpus.records import ARGUMENT_SPAN_LABEL, AnnotationSet, Record

METRICS: tuple[str, ...] = ("TI", "TC", "AI", "AC", "AI+", "AC+", "entities")
EVENT_METRICS: tuple[str, ...] = ("TI", "TC", "AI", "AC", "AI+", "AC+")

# Positions of (start, end) pairs inside each metric's tuple; the other positions are the key.
SPAN_POSITIONS: dict[str, tuple[tuple[int, int], ...]] = {
    "TI": ((1, 2),),
    "TC": ((1, 2),),
    "AI": ((2, 3),),
    "AC": ((2, 3),),
    "AI+": ((2, 3), (4, 5)),
    "AC+": ((2, 3), (5, 6)),
    "entities": ((1, 2),),
}
# Position of the label each per-label table groups by: (table name, metric, position).
TABLES: tuple[tuple[str, str, int], ...] = (
    ("event_type", "TC", 3),
    ("event_type", "AC", 1),
    ("event_type", "AC+", 1),
    ("role", "AC", 4),
    ("role", "AC+", 4),
    ("entity_label", "entities", 3),
)

Tuple = tuple[Any, ...]
Items = Iterable[AnnotationSet] | Iterable[Record] | Iterable[AnnotationSet | Record]


# --- tuples -----------------------------------------------------------------------------


def entity_tuples(annotations: AnnotationSet) -> set[Tuple]:
    """(doc, start, end, label) for each entity; argument spans (``ARG``) are not entities and not scored here."""
    return {
        (annotations.doc_id, e.start, e.end, e.label) for e in annotations.entities if e.label != ARGUMENT_SPAN_LABEL
    }


def trigger_tuples(annotations: AnnotationSet, *, classify: bool) -> set[Tuple]:
    """TI (doc, start, end) or, with ``classify``, TC (doc, start, end, type)."""
    doc = annotations.doc_id
    if classify:
        return {(doc, ev.trigger.start, ev.trigger.end, ev.type) for ev in annotations.events}
    return {(doc, ev.trigger.start, ev.trigger.end) for ev in annotations.events}


def argument_tuples(annotations: AnnotationSet, *, classify: bool, with_trigger: bool) -> set[Tuple]:
    """AI / AC tuples, and AI+ / AC+ with ``with_trigger`` (the trigger span appended)."""
    doc = annotations.doc_id
    spans = {e.id: (e.start, e.end) for e in annotations.entities}
    out: set[Tuple] = set()
    for ev in annotations.events:
        for arg in ev.arguments:
            span = spans.get(arg.entity_id)
            if span is None:  # AnnotationSet.check() rejects this; be robust for unchecked sets
                continue
            item: Tuple = (doc, ev.type, span[0], span[1])
            if classify:
                item += (arg.role,)
            if with_trigger:
                item += (ev.trigger.start, ev.trigger.end)
            out.add(item)
    return out


def all_tuples(annotations: AnnotationSet) -> dict[str, set[Tuple]]:
    """Every metric's tuple set for one annotation set."""
    return {
        "TI": trigger_tuples(annotations, classify=False),
        "TC": trigger_tuples(annotations, classify=True),
        "AI": argument_tuples(annotations, classify=False, with_trigger=False),
        "AC": argument_tuples(annotations, classify=True, with_trigger=False),
        "AI+": argument_tuples(annotations, classify=False, with_trigger=True),
        "AC+": argument_tuples(annotations, classify=True, with_trigger=True),
        "entities": entity_tuples(annotations),
    }


def _as_annotations(item: AnnotationSet | Record) -> AnnotationSet:
    return item.annotations if isinstance(item, Record) else item


def tuples_by_document(items: Items, *, what: str = "input") -> dict[str, dict[str, set[Tuple]]]:
    """doc_id -> metric -> tuple set. Several sets of one document from one annotator are unioned.

    Sets of one document from different annotators raise E301: score one annotator at a time.
    """
    out: dict[str, dict[str, set[Tuple]]] = {}
    annotator_of: dict[str, str] = {}
    for item in items:
        annotations = _as_annotations(item)
        doc = annotations.doc_id
        previous = annotator_of.setdefault(doc, annotations.annotator)
        if previous != annotations.annotator:
            raise EventCorpusError(
                "E301",
                f"the {what} holds annotations of document {doc} by {previous!r} and {annotations.annotator!r}",
                doc_id=doc,
                expected="one annotator per document",
            )
        per_metric = out.setdefault(doc, {m: set() for m in METRICS})
        for metric, found in all_tuples(annotations).items():
            per_metric[metric] |= found
    return out


# --- scores -----------------------------------------------------------------------------


def prf(tp: float, n_pred: float, n_gold: float) -> tuple[float, float, float]:
    """Micro precision, recall, F1 (0 where a denominator is 0)."""
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


@dataclass
class Score:
    """Counts and micro P/R/F1 of one metric (or one label of a per-label table)."""

    tp: int
    n_pred: int
    n_gold: int
    ci: dict[str, tuple[float, float]] | None = None  # "precision"/"recall"/"f1" -> (low, high)

    @property
    def precision(self) -> float:
        return prf(self.tp, self.n_pred, self.n_gold)[0]

    @property
    def recall(self) -> float:
        return prf(self.tp, self.n_pred, self.n_gold)[1]

    @property
    def f1(self) -> float:
        return prf(self.tp, self.n_pred, self.n_gold)[2]

    @property
    def fp(self) -> int:
        return self.n_pred - self.tp

    @property
    def fn(self) -> int:
        return self.n_gold - self.tp

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "n_pred": self.n_pred,
            "n_gold": self.n_gold,
        }
        if self.ci is not None:
            out["ci"] = {k: list(v) for k, v in self.ci.items()}
        return out


@dataclass
class Scores:
    """The result of :func:`score`."""

    metrics: dict[str, Score]
    tables: dict[str, dict[str, dict[str, Score]]]  # table -> label -> metric -> Score
    documents: int  # documents in gold or prediction
    gold_documents: int
    pred_documents: int
    pred_only: list[str] = field(default_factory=list)  # predicted documents without gold (all FP)
    gold_only: list[str] = field(default_factory=list)  # gold documents without prediction (all FN)
    bootstrap: dict[str, Any] | None = None  # {"n": ..., "seed": ..., "level": ...}

    def f1(self, metric: str) -> float:
        return self.metrics[metric].f1

    def to_dict(self) -> dict[str, Any]:
        return {
            "metrics": {m: s.to_dict() for m, s in self.metrics.items()},
            "tables": {
                table: {label: {m: s.to_dict() for m, s in cells.items()} for label, cells in rows.items()}
                for table, rows in self.tables.items()
            },
            "documents": self.documents,
            "gold_documents": self.gold_documents,
            "pred_documents": self.pred_documents,
            "pred_only": self.pred_only,
            "gold_only": self.gold_only,
            "bootstrap": self.bootstrap,
        }


Cell = tuple[str, str, str]  # (table or "", label or "", metric)


def _cell_counts(
    gold: dict[str, dict[str, set[Tuple]]], pred: dict[str, dict[str, set[Tuple]]]
) -> tuple[list[str], list[Cell], np.ndarray]:
    """Documents, cells and a (documents, cells, 3) array of (tp, n_pred, n_gold) counts."""
    docs = sorted(set(gold) | set(pred))
    per_doc: list[dict[Cell, list[int]]] = []
    cells: dict[Cell, None] = {("", "", m): None for m in METRICS}
    empty: dict[str, set[Tuple]] = {m: set() for m in METRICS}
    for doc in docs:
        g, p = gold.get(doc, empty), pred.get(doc, empty)
        counts: dict[Cell, list[int]] = defaultdict(lambda: [0, 0, 0])
        for metric in METRICS:
            counts["", "", metric] = [len(g[metric] & p[metric]), len(p[metric]), len(g[metric])]
        for table, metric, position in TABLES:
            for item in p[metric]:
                cell = (table, str(item[position]), metric)
                counts[cell][1] += 1
                if item in g[metric]:
                    counts[cell][0] += 1
            for item in g[metric]:
                counts[table, str(item[position]), metric][2] += 1
        for cell in counts:
            cells.setdefault(cell, None)
        per_doc.append(counts)
    cell_list = list(cells)
    index = {c: i for i, c in enumerate(cell_list)}
    array = np.zeros((len(docs), len(cell_list), 3), dtype=np.int64)
    for d, counts in enumerate(per_doc):
        for cell, values in counts.items():
            array[d, index[cell]] = values
    return docs, cell_list, array


def _replicate_sums(counts: np.ndarray, n: int, seed: int, chunk: int = 250) -> np.ndarray:
    """(n, cells, 3) summed counts, one row per bootstrap replicate of the documents."""
    n_docs = counts.shape[0]
    flat = counts.reshape(n_docs, -1).astype(np.float64)
    rng = np.random.default_rng(seed)
    out = np.empty((n, flat.shape[1]), dtype=np.float64)
    for begin in range(0, n, chunk):
        size = min(chunk, n - begin)
        draws = rng.integers(0, n_docs, size=(size, n_docs))
        weights = np.zeros((size, n_docs), dtype=np.float64)
        np.add.at(weights, (np.repeat(np.arange(size), n_docs), draws.ravel()), 1.0)
        out[begin : begin + size] = weights @ flat
    return out.reshape(n, *counts.shape[1:])


def _prf_arrays(sums: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vectorised :func:`prf` over the last axis (tp, n_pred, n_gold)."""
    tp, n_pred, n_gold = sums[..., 0], sums[..., 1], sums[..., 2]
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(n_pred > 0, tp / np.where(n_pred > 0, n_pred, 1), 0.0)
        r = np.where(n_gold > 0, tp / np.where(n_gold > 0, n_gold, 1), 0.0)
        f = np.where(p + r > 0, 2 * p * r / np.where(p + r > 0, p + r, 1), 0.0)
    return p, r, f


def _percentiles(values: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval over replicates, ignoring NaN (undefined) replicates; all-NaN gives NaN."""
    tail = (1 - level) / 2 * 100
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        low, high = np.nanpercentile(values, [tail, 100 - tail], axis=0)
    return low, high


def _finite(value: float) -> float:
    return 0.0 if np.isnan(value) else float(value)


def score(
    gold: Items,
    pred: Items,
    *,
    n_bootstrap: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> Scores:
    """Score predictions against gold; documents are matched by id.

    A predicted document without gold counts its predictions as false positives, a gold
    document without prediction its items as false negatives. ``n_bootstrap=0`` skips
    the confidence intervals.
    """
    gold_tuples = tuples_by_document(gold, what="gold")
    pred_tuples = tuples_by_document(pred, what="prediction")
    docs, cells, counts = _cell_counts(gold_tuples, pred_tuples)
    totals = counts.sum(axis=0)
    intervals: list[dict[str, tuple[float, float]] | None] = [None] * len(cells)
    if n_bootstrap > 0 and docs:
        sums = _replicate_sums(counts, n_bootstrap, seed)
        p, r, f = _prf_arrays(sums)
        # a replicate that drew no gold and no predicted item of a cell says nothing about it
        undefined = (sums[..., 1] + sums[..., 2]) == 0
        p, r, f = (np.where(undefined, np.nan, values) for values in (p, r, f))
        bounds = {name: _percentiles(values, level) for name, values in (("precision", p), ("recall", r), ("f1", f))}
        intervals = [
            {name: (_finite(low[i]), _finite(high[i])) for name, (low, high) in bounds.items()}
            for i in range(len(cells))
        ]
    metrics: dict[str, Score] = {}
    tables: dict[str, dict[str, dict[str, Score]]] = {table: {} for table, _, _ in TABLES}
    for i, (table, label, metric) in enumerate(cells):
        result = Score(int(totals[i, 0]), int(totals[i, 1]), int(totals[i, 2]), intervals[i])
        if table:
            tables[table].setdefault(label, {})[metric] = result
        else:
            metrics[metric] = result
    for table in tables:
        tables[table] = dict(sorted(tables[table].items()))
    return Scores(
        metrics=metrics,
        tables=tables,
        documents=len(docs),
        gold_documents=len(gold_tuples),
        pred_documents=len(pred_tuples),
        pred_only=sorted(set(pred_tuples) - set(gold_tuples)),
        gold_only=sorted(set(gold_tuples) - set(pred_tuples)),
        bootstrap={"n": n_bootstrap, "seed": seed, "level": level} if n_bootstrap > 0 else None,
    )


# --- paired comparison ------------------------------------------------------------------


@dataclass
class Difference:
    """F1 of system B minus F1 of system A on one metric, with a paired bootstrap."""

    metric: str
    f1_a: float
    f1_b: float
    ci: tuple[float, float]
    p_value: float

    @property
    def difference(self) -> float:
        return self.f1_b - self.f1_a

    def to_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "f1_a": self.f1_a,
            "f1_b": self.f1_b,
            "difference": self.difference,
            "ci": list(self.ci),
            "p_value": self.p_value,
        }


def compare(
    gold: Items,
    pred_a: Items,
    pred_b: Items,
    *,
    n_bootstrap: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> dict[str, Difference]:
    """Paired bootstrap over documents of F1(B) - F1(A) for each metric.

    Both systems are scored on the same resampled documents in every replicate. The
    p-value is two-sided: twice the share of replicates whose difference has the other
    sign than the observed one (or is zero), capped at 1.
    """
    gold_tuples = tuples_by_document(gold, what="gold")
    docs_a, cells_a, counts_a = _cell_counts(gold_tuples, tuples_by_document(pred_a, what="prediction A"))
    docs_b, cells_b, counts_b = _cell_counts(gold_tuples, tuples_by_document(pred_b, what="prediction B"))
    docs = sorted(set(docs_a) | set(docs_b))
    metric_cells = [("", "", m) for m in METRICS]

    def aligned(doc_list: list[str], cells: list[Cell], counts: np.ndarray) -> np.ndarray:
        out = np.zeros((len(docs), len(METRICS), 3), dtype=np.int64)
        rows = {d: i for i, d in enumerate(doc_list)}
        columns = [cells.index(c) for c in metric_cells]
        for d, doc in enumerate(docs):
            if doc in rows:
                out[d] = counts[rows[doc], columns]
        return out

    stacked = np.concatenate(
        [aligned(docs_a, cells_a, counts_a), aligned(docs_b, cells_b, counts_b)], axis=1
    )  # (docs, 2 * metrics, 3)
    observed = _prf_arrays(stacked.sum(axis=0).astype(np.float64))[2]
    if docs and n_bootstrap > 0:
        replicate_f1 = _prf_arrays(_replicate_sums(stacked, n_bootstrap, seed))[2]
    else:
        replicate_f1 = np.zeros((1, stacked.shape[1]))
    k = len(METRICS)
    out: dict[str, Difference] = {}
    for i, metric in enumerate(METRICS):
        delta = float(observed[k + i] - observed[i])
        deltas = replicate_f1[:, k + i] - replicate_f1[:, i]
        low, high = _percentiles(deltas, level)
        if delta > 0:
            p_value = 2 * float(np.mean(deltas <= 0))
        elif delta < 0:
            p_value = 2 * float(np.mean(deltas >= 0))
        else:
            p_value = 1.0
        out[metric] = Difference(
            metric, float(observed[i]), float(observed[k + i]), (float(low), float(high)), min(1.0, p_value)
        )
    return out


# --- errors in context ------------------------------------------------------------------


def context(text: str, start: int, end: int, width: int = 60) -> str:
    """The span in brackets with up to ``width`` characters either side, on one line."""
    left = text[max(0, start - width) : start]
    right = text[end : end + width]
    line = f"{'…' if start > width else ''}{left}[[{text[start:end]}]]{right}{'…' if end + width < len(text) else ''}"
    return " ".join(line.split())


def _texts(source: Mapping[str, str] | Iterable[Record]) -> dict[str, str]:
    if isinstance(source, Mapping):
        return dict(source)
    return {r.document.id: r.document.text for r in source}


def error_listing(
    gold: Items,
    pred: Items,
    texts: Mapping[str, str] | Iterable[Record],
    *,
    metrics: Iterable[str] = ("entities", "TC", "AC+"),
    width: int = 60,
) -> list[dict[str, Any]]:
    """False positives and negatives of the given metrics, each with its text in context.

    The span shown is the item's own span (the argument's for argument metrics), and for
    argument metrics with a trigger the trigger text too. Sorted by document and offset.
    """
    text_of = _texts(texts)
    gold_tuples = tuples_by_document(gold, what="gold")
    pred_tuples = tuples_by_document(pred, what="prediction")
    empty: dict[str, set[Tuple]] = {m: set() for m in METRICS}
    out: list[dict[str, Any]] = []
    for doc in sorted(set(gold_tuples) | set(pred_tuples)):
        g, p = gold_tuples.get(doc, empty), pred_tuples.get(doc, empty)
        text = text_of.get(doc)
        for metric in metrics:
            if metric not in SPAN_POSITIONS:
                raise EventCorpusError("E302", f"unknown metric {metric!r}", expected=f"one of {', '.join(METRICS)}")
            for kind, found in (("false_positive", p[metric] - g[metric]), ("false_negative", g[metric] - p[metric])):
                for item in sorted(found, key=_sort_key):
                    out.append(_error_entry(metric, kind, item, text, width))
    return out


def _sort_key(item: Tuple) -> tuple[str, ...]:
    return tuple(f"{v:012d}" if isinstance(v, int) else str(v) for v in item)


def _error_entry(metric: str, kind: str, item: Tuple, text: str | None, width: int) -> dict[str, Any]:
    spans = SPAN_POSITIONS[metric]
    start, end = item[spans[0][0]], item[spans[0][1]]
    span_fields = {i for pair in spans for i in pair}
    entry: dict[str, Any] = {
        "metric": metric,
        "kind": kind,
        "doc_id": item[0],
        "start": start,
        "end": end,
        "labels": [v for i, v in enumerate(item[1:], start=1) if i not in span_fields],
        "tuple": list(item),
    }
    if text is not None:
        entry["text"] = text[start:end]
        entry["context"] = context(text, start, end, width)
        if len(spans) > 1:
            t_start, t_end = item[spans[1][0]], item[spans[1][1]]
            entry["trigger"] = {"start": t_start, "end": t_end, "text": text[t_start:t_end]}
    return entry


# --- files --------------------------------------------------------------------------------


@dataclass
class Evaluation:
    """What ``eventcorpus evaluate`` reports: scores, the errors in context, an optional comparison."""

    scores: Scores
    errors: list[dict[str, Any]]
    comparison: dict[str, Difference] | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"scores": self.scores.to_dict(), "errors": len(self.errors)}
        if self.comparison is not None:
            out["comparison"] = {m: d.to_dict() for m, d in self.comparison.items()}
        return out


def records_with_one_text(path: str | Path, texts: dict[str, str]) -> Iterator[tuple[int, Record]]:
    """(line, record) of a canonical file, checking each document's text against ``texts`` (filled as read).

    Records of one document id whose texts differ (the id ignores whitespace, offsets do
    not) raise E304: offsets are only comparable over the same text.
    """
    for number, record in numbered_records(path):
        if texts.setdefault(record.id, record.document.text) != record.document.text:
            raise EventCorpusError(
                "E304",
                f"document {record.id} has a different text here than in a record read before",
                file=str(path),
                line=number,
                doc_id=record.id,
                expected="the same text in every record of a document (offsets point into it)",
            )
        yield number, record


def read_for_scoring(path: str | Path, texts: dict[str, str]) -> list[AnnotationSet]:
    """Annotation sets of a canonical file; every document's text must equal ``texts`` (E304)."""
    return [record.annotations for _, record in records_with_one_text(path, texts)]


def evaluate_files(
    gold_path: str | Path,
    pred_path: str | Path,
    *,
    compare_path: str | Path | None = None,
    n_bootstrap: int = 1000,
    seed: int = 0,
    error_metrics: Iterable[str] = ("entities", "TC", "AC+"),
) -> Evaluation:
    """Score a prediction file against a gold file (canonical JSON Lines), optionally compare a second."""
    texts: dict[str, str] = {}
    gold = read_for_scoring(gold_path, texts)
    pred = read_for_scoring(pred_path, texts)
    result = score(gold, pred, n_bootstrap=n_bootstrap, seed=seed)
    errors = error_listing(gold, pred, texts, metrics=error_metrics)
    comparison = None
    if compare_path is not None:
        other = read_for_scoring(compare_path, texts)
        comparison = compare(gold, pred, other, n_bootstrap=max(n_bootstrap, 1000), seed=seed)
    return Evaluation(result, errors, comparison)
