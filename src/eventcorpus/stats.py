"""Corpus statistics: counts per type and split, role fill rates, lengths, licences; report and plots.

The split manifest is the one ``eventcorpus split`` writes (read with its checksum checked).
Documents the manifest does not name count under the split ``unassigned``; without a
manifest every document is in the split ``all``.
"""

from __future__ import annotations

import bisect
import os
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eventcorpus.agreement import Agreement, agreement_in_folder
from eventcorpus.corpus import read_records
from eventcorpus.errors import EventCorpusError
from eventcorpus.records import ARGUMENT_SPAN_LABEL, Record
from eventcorpus.schema import Schema, load_schema
from eventcorpus.split import read_manifest
from eventcorpus.tokens import tokenize

ALL = "all"
UNASSIGNED = "unassigned"


def read_split_manifest(path: str | Path) -> dict[str, str]:
    """doc_id -> split from a manifest written by ``eventcorpus split`` (checksum checked)."""
    return dict(read_manifest(path)["assignments"])


def _summary(values: list[int]) -> dict[str, float]:
    if not values:
        return {"count": 0, "mean": 0.0, "median": 0.0, "min": 0, "max": 0}
    return {
        "count": len(values),
        "mean": statistics.fmean(values),
        "median": float(statistics.median(values)),
        "min": min(values),
        "max": max(values),
    }


@dataclass
class CorpusStats:
    """Counts over a canonical file; ``to_dict`` is the ``--json`` output."""

    splits: list[str]
    documents: Counter[str] = field(default_factory=Counter)  # split -> documents
    tokens: Counter[str] = field(default_factory=Counter)  # split -> tokens
    annotation_sets: Counter[str] = field(default_factory=Counter)  # annotator -> sets
    entities: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))  # split -> label -> n
    events: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))  # split -> type -> n
    arguments: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))  # split -> role -> n
    role_filled: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))  # type -> role -> events
    events_per_document: list[int] = field(default_factory=list)
    entity_chars: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    entity_tokens: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    trigger_tokens: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    licences: Counter[str] = field(default_factory=Counter)  # licence -> documents
    roles_allowed: dict[str, list[str]] = field(default_factory=dict)  # type -> schema roles

    def total(self, table: dict[str, Counter[str]]) -> Counter[str]:
        out: Counter[str] = Counter()
        for counts in table.values():
            out.update(counts)
        return out

    def role_fill_rates(self) -> dict[str, dict[str, float]]:
        """event type -> role -> share of that type's events with at least one filler of the role."""
        events = self.total(self.events)
        out: dict[str, dict[str, float]] = {}
        for event_type in sorted(events):
            roles = list(self.roles_allowed.get(event_type, []))
            roles += sorted(r for r in self.role_filled[event_type] if r not in roles)
            out[event_type] = {r: self.role_filled[event_type][r] / events[event_type] for r in roles}
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "splits": self.splits,
            "documents": {**dict(self.documents), ALL: sum(self.documents.values())},
            "tokens": {**dict(self.tokens), ALL: sum(self.tokens.values())},
            "annotation_sets": dict(sorted(self.annotation_sets.items())),
            "entities": {s: dict(sorted(self.entities[s].items())) for s in self.splits}
            | {ALL: dict(sorted(self.total(self.entities).items()))},
            "events": {s: dict(sorted(self.events[s].items())) for s in self.splits}
            | {ALL: dict(sorted(self.total(self.events).items()))},
            "arguments": {s: dict(sorted(self.arguments[s].items())) for s in self.splits}
            | {ALL: dict(sorted(self.total(self.arguments).items()))},
            "role_fill_rates": self.role_fill_rates(),
            "events_per_document": _summary(self.events_per_document),
            "span_lengths": {
                "entity_characters": {k: _summary(v) for k, v in sorted(self.entity_chars.items())},
                "entity_tokens": {k: _summary(v) for k, v in sorted(self.entity_tokens.items())},
                "trigger_tokens": {k: _summary(v) for k, v in sorted(self.trigger_tokens.items())},
            },
            "licences": dict(self.licences.most_common()),
        }


def corpus_stats(
    records: Iterable[Record], *, splits: dict[str, str] | None = None, schema: Schema | None = None
) -> CorpusStats:
    """Count one pass over ``records`` (streamed). A document with several annotation sets counts once
    in documents, tokens and licences, and once per set in the annotation counts."""
    schema = schema or load_schema()
    result = CorpusStats(splits=[])
    result.roles_allowed = {name: list(t.roles) for name, t in schema.event_types.items()}
    seen: dict[str, str] = {}
    split_names: dict[str, None] = {}
    for record in records:
        doc = record.document
        split = seen.get(doc.id) or (splits.get(doc.id, UNASSIGNED) if splits is not None else ALL)
        split_names.setdefault(split, None)
        tokens = tokenize(doc.text)
        starts = [t.start for t in tokens]
        ends = [t.end for t in tokens]

        def token_count(start: int, end: int, starts: list[int] = starts, ends: list[int] = ends) -> int:
            return max(1, bisect.bisect_left(starts, end) - bisect.bisect_right(ends, start))

        if doc.id not in seen:
            seen[doc.id] = split
            result.documents[split] += 1
            result.tokens[split] += len(tokens)
            result.licences[doc.licence] += 1
        annotations = record.annotations
        result.annotation_sets[annotations.annotator] += 1
        for entity in annotations.entities:
            if entity.label == ARGUMENT_SPAN_LABEL:  # an argument filler, counted with its arguments only
                continue
            result.entities[split][entity.label] += 1
            result.entity_chars[entity.label].append(entity.end - entity.start)
            result.entity_tokens[entity.label].append(token_count(entity.start, entity.end))
        for event in annotations.events:
            result.events[split][event.type] += 1
            result.trigger_tokens[event.type].append(token_count(event.trigger.start, event.trigger.end))
            roles = set()
            for argument in event.arguments:
                result.arguments[split][argument.role] += 1
                roles.add(argument.role)
            for role in roles:
                result.role_filled[event.type][role] += 1
        result.events_per_document.append(len(annotations.events))
    order = ["train", "dev", "validation", "test"]
    result.splits = sorted(split_names, key=lambda s: (order.index(s) if s in order else len(order), s))
    return result


# --- report -------------------------------------------------------------------------------


def _table(header: list[str], rows: list[list[Any]], *, text_columns: int = 1) -> str:
    rule = ["---"] * text_columns + ["---:"] * (len(header) - text_columns)
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(rule) + " |"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _columns(stats: CorpusStats) -> list[str]:
    """The split columns, then a total column unless the only split is already ``all``."""
    return stats.splits if stats.splits == [ALL] else [*stats.splits, ALL]


def _count_table(stats: CorpusStats, table: dict[str, Counter[str]], what: str) -> str:
    totals = stats.total(table)
    columns = _columns(stats)
    rows = [[label, *((totals if s == ALL else table[s])[label] for s in columns)] for label in sorted(totals)]
    rows.append(["**total**", *(sum((totals if s == ALL else table[s]).values()) for s in columns)])
    return _table([what, *columns], rows)


def markdown_report(stats: CorpusStats, agreement: Agreement | None = None, *, title: str = "Corpus statistics") -> str:
    """The statistics as a markdown document."""
    data = stats.to_dict()
    parts = [f"# {title}", ""]
    columns = _columns(stats)
    parts.append(
        _table(
            ["", *columns],
            [
                ["documents", *(data["documents"].get(s, 0) for s in columns)],
                ["tokens", *(data["tokens"].get(s, 0) for s in columns)],
                ["events", *(sum(data["events"].get(s, {}).values()) for s in columns)],
                ["arguments", *(sum(data["arguments"].get(s, {}).values()) for s in columns)],
                [
                    "events per 1,000 tokens",
                    *(
                        f"{1000 * sum(data['events'].get(s, {}).values()) / max(data['tokens'].get(s, 0), 1):.1f}"
                        for s in columns
                    ),
                ],
            ],
        )
    )
    parts += ["", "Annotation sets per annotator: " + ", ".join(f"{a} {n}" for a, n in data["annotation_sets"].items())]
    parts += ["", "## Entities per type", "", _count_table(stats, stats.entities, "entity type")]
    parts += ["", "## Events per type", "", _count_table(stats, stats.events, "event type")]
    parts += ["", "## Arguments per role", "", _count_table(stats, stats.arguments, "role")]
    parts += ["", "## Role fill rates", "", "Share of each event type's events with at least one filler of the role."]
    rates = stats.role_fill_rates()
    for event_type, roles in rates.items():
        cells = ", ".join(f"{role} {100 * rate:.0f}%" for role, rate in roles.items())
        parts.append(f"- **{event_type}** ({stats.total(stats.events)[event_type]} events): {cells}")
    epd = data["events_per_document"]
    parts += [
        "",
        "## Events per document",
        "",
        f"mean {epd['mean']:.2f}, median {epd['median']:.1f}, min {epd['min']}, max {epd['max']} "
        f"over {epd['count']} annotation sets",
    ]
    parts += ["", "## Span lengths (tokens)", ""]
    rows = [
        [kind, label, s["count"], f"{s['mean']:.2f}", f"{s['median']:.1f}", s["max"]]
        for kind, key in (("entity", "entity_tokens"), ("trigger", "trigger_tokens"))
        for label, s in data["span_lengths"][key].items()
    ]
    parts.append(_table(["span", "label", "n", "mean", "median", "max"], rows, text_columns=2))
    parts += ["", "## Licences", "", _table(["licence", "documents"], [[k, v] for k, v in data["licences"].items()])]
    if agreement is not None:
        parts += [
            "",
            "## Agreement per label",
            "",
            f"Exact F1 x 100, mean over annotator pairs, over {agreement.documents} documents labelled by two or "
            f"more annotators; * rests on fewer than {agreement.min_items} items.",
            "",
        ]
        rows = [
            [table, label, "—" if f.value is None else f"{100 * f.value:.1f}{'*' if f.low_support else ''}", f.items]
            for table, labels in agreement.labels.items()
            for label, f in labels.items()
        ]
        parts.append(_table(["layer", "label", "F1", "items"], rows, text_columns=2))
    return "\n".join(parts) + "\n"


# --- plots --------------------------------------------------------------------------------


LOG_SPAN = 50  # counts whose largest is this many times the smallest get a log axis


def _count_axis(counts: Iterable[int]) -> bool:
    """Whether counts span orders of magnitude, so that a rare class would vanish on a linear axis."""
    positive = [c for c in counts if c > 0]
    return bool(positive) and max(positive) >= LOG_SPAN * min(positive)


def _label_bars(ax: Any, container: Any, values: list[int]) -> None:
    """Write each bar's count at its end (none on an empty bar)."""
    ax.bar_label(container, labels=[f"{v:,}" if v else "" for v in values], padding=2, fontsize=7)


def plot_figures(stats: CorpusStats, agreement: Agreement | None = None) -> dict[str, Any]:
    """The plots as matplotlib figures by file name (not yet drawn to disk; see :func:`write_plots`).

    Bars carry their counts; a count axis spanning orders of magnitude is logarithmic (and
    says so) so that rare classes stay visible; the fill-rate heat map's colour bar is in
    percent, like its cells.
    """
    import numpy as np
    from matplotlib.figure import Figure
    from matplotlib.ticker import PercentFormatter

    figures: dict[str, Any] = {}

    fig = Figure(figsize=(13, 6))
    axes = fig.subplots(1, 2)
    for ax, table, what in ((axes[0], stats.entities, "entities"), (axes[1], stats.events, "events")):
        labels = sorted(stats.total(table))
        height = 0.8 / max(1, len(stats.splits))
        log = _count_axis(table[split][label] for split in stats.splits for label in labels)
        if log:
            ax.set_xscale("log")
        for i, split in enumerate(stats.splits):
            positions = np.arange(len(labels)) + i * height
            values = [table[split][label] for label in labels]
            _label_bars(ax, ax.barh(positions, values, height=height, label=split), values)
        ax.set_yticks(np.arange(len(labels)) + 0.4 - height / 2, labels, fontsize=8)
        ax.invert_yaxis()
        ax.set_xlabel("count (log scale)" if log else "count")
        if log:
            ax.set_xlim(left=0.8)  # a count of 1 still shows as a bar
        ax.margins(x=0.15)  # room for the counts written after the longest bar
        ax.set_title(f"{what} per type and split")
        if labels:
            ax.legend(fontsize=8)
    figures["label_distribution.png"] = fig

    rates = stats.role_fill_rates()
    roles = sorted({r for by_role in rates.values() for r in by_role})
    types = list(rates)
    matrix = np.full((max(1, len(types)), max(1, len(roles))), np.nan)
    for i, event_type in enumerate(types):
        for j, role in enumerate(roles):
            if role in rates[event_type]:
                matrix[i, j] = 100 * rates[event_type][role]
    fig = Figure(figsize=(max(6, 0.8 * len(roles) + 3), max(3, 0.45 * len(types) + 2)))
    ax = fig.subplots()
    image = ax.imshow(matrix, vmin=0, vmax=100, cmap="viridis", aspect="auto")
    ax.set_xticks(range(len(roles)), roles, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(len(types)), types, fontsize=8)
    for i in range(len(types)):
        for j in range(len(roles)):
            if not np.isnan(matrix[i, j]):
                colour = "black" if matrix[i, j] > 60 else "white"
                ax.text(j, i, f"{matrix[i, j]:.0f}", ha="center", va="center", fontsize=7, color=colour)
    ax.set_title("role fill rate (% of events; blank: role not allowed)")
    bar = fig.colorbar(image, ax=ax, format=PercentFormatter(100, decimals=0))
    bar.set_label("% of the type's events with the role")
    figures["role_fill_rates.png"] = fig

    fig = Figure(figsize=(7, 4))
    ax = fig.subplots()
    counts = Counter(stats.events_per_document)
    xs = sorted(counts)
    values = [counts[x] for x in xs]
    log = _count_axis(values)
    if log:
        ax.set_yscale("log")
    _label_bars(ax, ax.bar(xs, values, color="#d62828"), values)
    ax.margins(y=0.15)
    ax.set_xlabel("events in the document")
    ax.set_ylabel("annotation sets (log scale)" if log else "annotation sets")
    ax.set_title("events per document")
    figures["events_per_document.png"] = fig

    if agreement is not None:
        rows = [
            (f"{table}: {label}", f.value, f.items, f.low_support)
            for table, labels in agreement.labels.items()
            for label, f in labels.items()
            if f.value is not None
        ]
        fig = Figure(figsize=(8, max(3, 0.3 * len(rows) + 1.5)))
        ax = fig.subplots()
        colours = ["#bbbbbb" if low else "#2a9d8f" for *_, low in rows]
        bars = ax.barh(range(len(rows)), [100 * v for _, v, _, _ in rows], color=colours)
        ax.bar_label(bars, labels=[f"{100 * v:.1f} (n={n:,})" for _, v, n, _ in rows], padding=2, fontsize=7)
        ax.set_yticks(range(len(rows)), [name for name, *_ in rows], fontsize=8)
        ax.invert_yaxis()
        ax.set_xlim(0, 115)  # room for the figures written after a bar at 100
        ax.set_xticks(range(0, 101, 20))
        ax.set_xlabel("exact F1 between annotators (mean over pairs; n: items); grey: too few items")
        ax.set_title("agreement per label")
        figures["agreement_per_label.png"] = fig
    return figures


def write_plots(stats: CorpusStats, directory: str | Path, agreement: Agreement | None = None) -> list[Path]:
    """PNG plots: label distribution per split, role fill rates, events per document, agreement per label."""
    folder = Path(directory)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise EventCorpusError("E030", str(exc), file=str(folder)) from exc
    written: list[Path] = []
    for name, fig in plot_figures(stats, agreement).items():
        path, part = folder / name, folder / f".{name}.part"
        fig.tight_layout()
        fig.savefig(part, dpi=100, format="png")
        os.replace(part, path)  # a reader never sees half a picture
        written.append(path)
    return written


@dataclass
class StatsResult:
    stats: CorpusStats
    agreement: Agreement | None
    report: str
    plots: list[Path]


def stats_for_file(
    path: str | Path,
    *,
    split_manifest: str | Path | None = None,
    annotators_dir: str | Path | None = None,
    plots_dir: str | Path | None = None,
    min_items: int = 10,
) -> StatsResult:
    """Statistics, markdown report and (with ``plots_dir``) plots for one canonical file."""
    splits = read_split_manifest(split_manifest) if split_manifest is not None else None
    stats = corpus_stats(read_records(path), splits=splits)
    found = agreement_in_folder(annotators_dir, min_items=min_items) if annotators_dir is not None else None
    report = markdown_report(stats, found, title=f"Statistics of {Path(path).name}")
    plots = write_plots(stats, plots_dir, found) if plots_dir is not None else []
    return StatsResult(stats, found, report, plots)
