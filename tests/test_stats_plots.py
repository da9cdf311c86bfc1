"""The plots say what they show: counts on the bars, rare classes visible, a colour bar in percent.

Regression tests for issue 20: bars without counts, a rare class invisible beside one
hundreds of times larger on a linear axis, and a 0-1 colour bar beside cells labelled in
percent. The figures are inspected as matplotlib objects, before they are saved.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from matplotlib.image import imread

from eventcorpus.agreement import agreement_in_folder
from eventcorpus.corpus import write_records
from eventcorpus.stats import CorpusStats, corpus_stats, plot_figures, stats_for_file, write_plots
from tests.test_stats import FIXTURE, gold


def _skewed() -> CorpusStats:
    """GPE hundreds of times more frequent than WEA; most documents with one event, one with 40."""
    stats = CorpusStats(splits=["train", "test"])
    stats.entities["train"] = Counter({"GPE": 812, "WEA": 1})
    stats.entities["test"] = Counter({"GPE": 119, "WEA": 2})
    stats.events["train"] = Counter({"Conflict:Attack": 30, "Life:Die": 20})
    stats.events["test"] = Counter({"Conflict:Attack": 6, "Life:Die": 4})
    stats.events_per_document = [1] * 300 + [40]
    stats.role_filled["Conflict:Attack"] = Counter({"Target": 18, "Place": 36})
    stats.roles_allowed = {"Conflict:Attack": ["Target", "Place", "Attacker"], "Life:Die": ["Victim"]}
    return stats


def _written(ax: Any) -> list[str]:
    return [text.get_text() for text in ax.texts if text.get_text()]


def test_bars_carry_their_counts() -> None:
    stats = corpus_stats(gold())  # one split, "all"
    figures = plot_figures(stats)
    entities, events = figures["label_distribution.png"].axes
    assert sorted(_written(entities)) == sorted(str(n) for n in stats.entities["all"].values())
    assert sorted(_written(events)) == sorted(str(n) for n in stats.events["all"].values())
    assert entities.get_xscale() == "linear" and entities.get_xlabel() == "count"
    per_document = figures["events_per_document.png"].axes[0]
    assert sorted(_written(per_document)) == sorted(str(n) for n in Counter(stats.events_per_document).values())


def test_counts_spanning_orders_of_magnitude_get_a_log_axis_that_says_so() -> None:
    figures = plot_figures(_skewed())
    entities, events = figures["label_distribution.png"].axes
    assert entities.get_xscale() == "log" and entities.get_xlabel() == "count (log scale)"
    assert entities.get_xlim()[0] < 1  # the single WEA is a visible bar
    assert {"812", "1", "119", "2"} <= set(_written(entities))
    assert events.get_xscale() == "linear" and events.get_xlabel() == "count"  # 4 to 30: no need
    per_document = figures["events_per_document.png"].axes[0]
    assert per_document.get_yscale() == "log" and "log scale" in per_document.get_ylabel()
    assert set(_written(per_document)) == {"300", "1"}


def test_fill_rate_colour_bar_is_in_percent_like_its_cells() -> None:
    fig = plot_figures(_skewed())["role_fill_rates.png"]
    heat, colour_bar = fig.axes
    image = heat.get_images()[0]
    assert image.get_clim() == (0, 100)
    # Conflict:Attack (36 events): Target 18, Place 36, Attacker 0; Life:Die (24): Victim 0
    assert sorted(_written(heat)) == ["0", "0", "100", "50"]
    ticks = [label.get_text() for label in colour_bar.get_yticklabels()]
    assert "0%" in ticks and "100%" in ticks
    assert "%" in colour_bar.get_ylabel()


def test_agreement_bars_carry_f1_and_items() -> None:
    figures = plot_figures(corpus_stats(gold()), agreement_in_folder(FIXTURE))
    bars = figures["agreement_per_label.png"].axes[0]
    written = _written(bars)
    assert written and all(text.endswith(")") and "(n=" in text for text in written)
    assert "88.9 (n=7)" in written  # the report's "| entities | WEA | 88.9* | 7 |"


def test_plots_are_written_as_png_and_nothing_else(tmp_path: Path) -> None:
    written = write_plots(_skewed(), tmp_path)
    assert sorted(p.name for p in written) == [
        "events_per_document.png",
        "label_distribution.png",
        "role_fill_rates.png",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in written)  # no leftover part files
    for path in written:
        assert imread(path).shape[0] >= 300


def test_stats_for_file_still_writes_every_plot(tmp_path: Path) -> None:
    source = tmp_path / "gold.jsonl"
    write_records(source, gold())
    result = stats_for_file(source, annotators_dir=FIXTURE, plots_dir=tmp_path / "plots")
    assert len(result.plots) == 4 and all(p.is_file() for p in result.plots)
