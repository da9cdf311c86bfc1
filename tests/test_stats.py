"""Corpus statistics: hand-counted figures, the split manifest, the report and real PNG plots."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from matplotlib.image import imread
from typer.testing import CliRunner

from eventcorpus.cli import app
from eventcorpus.corpus import read_records, write_records
from eventcorpus.errors import EventCorpusError
from eventcorpus.split import assignments_checksum
from eventcorpus.stats import corpus_stats, markdown_report, read_split_manifest, stats_for_file
from tests.quality_records import make_record

FIXTURE = Path(__file__).parent / "data" / "quality" / "three_annotators"
ROCKETS = "Rockets struck Ayn al-Assad on Wednesday."  # 9 tokens
MILITIA = "Militia fired drones at Erbil."  # 6 tokens
PROTEST = "Protesters gathered in Basra."  # 5 tokens
ATTACK = "Conflict:Attack"


def gold() -> list:
    return [
        make_record(
            ROCKETS,
            "gold",
            [(0, 7, "WEA"), (15, 27, "FAC"), (31, 40, "TIME")],
            [(ATTACK, (8, 14), [("Instrument", 0), ("Target", 1), ("Time", 2)])],
        ),
        make_record(
            MILITIA,
            "gold",
            [(0, 7, "ORG"), (14, 20, "WEA"), (24, 29, "GPE")],
            [
                (ATTACK, (8, 13), [("Attacker", 0), ("Instrument", 1), ("Target", 2), ("Target", 0)]),
                ("Life:Die", (8, 13), []),
            ],
            licence="CC0-1.0",
        ),
        make_record(PROTEST, "gold", [(0, 10, "PER"), (23, 28, "GPE")], [], licence="CC0-1.0"),
    ]


@pytest.fixture
def gold_file(tmp_path: Path) -> Path:
    path = tmp_path / "gold.jsonl"
    write_records(path, gold())
    return path


@pytest.fixture
def manifest(tmp_path: Path) -> Path:
    records = gold()
    path = tmp_path / "splits.json"
    assignments = {records[0].id: "train", records[1].id: "test"}
    path.write_text(
        json.dumps({"assignments": assignments, "checksum": assignments_checksum(assignments)}), encoding="utf-8"
    )
    return path


def test_hand_counted_figures(manifest: Path) -> None:
    stats = corpus_stats(gold(), splits=read_split_manifest(manifest))
    data = stats.to_dict()
    assert data["splits"] == ["train", "test", "unassigned"]
    assert data["documents"] == {"train": 1, "test": 1, "unassigned": 1, "all": 3}
    assert data["tokens"] == {"train": 9, "test": 6, "unassigned": 5, "all": 20}
    assert data["entities"]["train"] == {"FAC": 1, "TIME": 1, "WEA": 1}
    assert data["entities"]["all"] == {"FAC": 1, "GPE": 2, "ORG": 1, "PER": 1, "TIME": 1, "WEA": 2}
    assert data["events"]["test"] == {ATTACK: 1, "Life:Die": 1}
    assert data["events"]["unassigned"] == {}
    assert data["arguments"]["all"] == {"Attacker": 1, "Instrument": 2, "Target": 3, "Time": 1}
    # Attack: 2 events; Target in both (twice in one: still one event), Time and Attacker in one each, Place in none
    rates = data["role_fill_rates"]
    assert rates[ATTACK] == {"Attacker": 0.5, "Target": 1.0, "Instrument": 1.0, "Place": 0.0, "Time": 0.5}
    assert rates["Life:Die"]["Victim"] == 0.0
    assert data["events_per_document"] == {"count": 3, "mean": 1.0, "median": 1.0, "min": 0, "max": 2}
    # "Ayn al-Assad" is 12 characters and 4 tokens (Ayn, al, -, Assad)
    assert data["span_lengths"]["entity_tokens"]["FAC"]["max"] == 4
    assert data["span_lengths"]["entity_characters"]["FAC"]["mean"] == 12
    assert data["span_lengths"]["entity_tokens"]["GPE"]["mean"] == 1
    assert data["licences"] == {"CC0-1.0": 2, "CC-BY-4.0": 1}


def test_without_manifest_everything_is_one_split() -> None:
    data = corpus_stats(gold()).to_dict()
    assert data["splits"] == ["all"] and data["documents"] == {"all": 3}
    report = markdown_report(corpus_stats(gold()))
    assert "| documents | 3 |" in report


def test_report_tables(manifest: Path) -> None:
    report = markdown_report(corpus_stats(gold(), splits=read_split_manifest(manifest)))
    assert "| entity type | train | test | unassigned | all |" in report
    assert "| GPE | 0 | 1 | 1 | 2 |" in report
    assert "| **total** | 3 | 3 | 2 | 8 |" in report
    assert "**Conflict:Attack** (2 events): Attacker 50%, Target 100%, Instrument 100%, Place 0%, Time 50%" in report
    assert "| CC0-1.0 | 2 |" in report


@pytest.mark.parametrize(
    ("content", "code"),
    [
        ("not json", "E005"),
        (json.dumps({"splits": {}}), "E406"),
        (json.dumps({"assignments": {"a": "train"}, "checksum": "0"}), "E407"),
        (json.dumps([1]), "E406"),
    ],
)
def test_bad_manifest(tmp_path: Path, content: str, code: str) -> None:
    path = tmp_path / "m.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(EventCorpusError) as info:
        read_split_manifest(path)
    assert info.value.code == code and str(path) in str(info.value)


def _check_png(path: Path) -> None:
    image = imread(path)
    height, width = image.shape[:2]
    assert height >= 200 and width >= 400
    pixels = image[..., :3].reshape(-1, 3)
    assert np.unique(pixels, axis=0).shape[0] > 20  # more than a blank canvas and a frame
    assert (pixels.std(axis=0) > 0.05).any()
    assert (np.abs(pixels - 1.0).sum(axis=1) > 0.3).mean() > 0.01  # enough non-white ink


def test_plots_are_real_images(gold_file: Path, manifest: Path, tmp_path: Path) -> None:
    result = stats_for_file(gold_file, split_manifest=manifest, annotators_dir=FIXTURE, plots_dir=tmp_path / "plots")
    names = sorted(p.name for p in result.plots)
    assert names == [
        "agreement_per_label.png",
        "events_per_document.png",
        "label_distribution.png",
        "role_fill_rates.png",
    ]
    for plot in result.plots:
        _check_png(plot)
    assert "## Agreement per label" in result.report and "| entities | WEA | 88.9* | 7 |" in result.report


def test_stats_command(gold_file: Path, manifest: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    report = tmp_path / "report.md"
    shown = runner.invoke(
        app,
        ["stats", str(gold_file), "--split", str(manifest), "--plots", str(tmp_path / "p"), "--report", str(report)],
    )
    assert shown.exit_code == 0, shown.output
    assert "## Role fill rates" in shown.output and report.read_text(encoding="utf-8").startswith("# Statistics")
    _check_png(tmp_path / "p" / "role_fill_rates.png")
    as_json = runner.invoke(app, ["stats", str(gold_file), "--json", "--annotators", str(FIXTURE)])
    assert as_json.exit_code == 0, as_json.output
    data = json.loads(as_json.output)
    assert data["tokens"]["all"] == 20
    assert data["agreement_per_label"]["roles"]["Instrument"]["value"] == 1.0
    bad = tmp_path / "bad.json"
    bad.write_text("{}", encoding="utf-8")
    failed = runner.invoke(app, ["stats", str(gold_file), "--split", str(bad)])
    assert failed.exit_code == 2 and "E406" in failed.output


def test_counts_stream_over_a_real_file(gold_file: Path) -> None:
    assert corpus_stats(read_records(gold_file)).to_dict() == corpus_stats(gold()).to_dict()


def test_stats_plots_under_a_file_raised_traceback(gold_file: Path, tmp_path: Path) -> None:
    """`stats --plots` below a file used to end in NotADirectoryError; now E030, exit 2."""
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(app, ["stats", str(gold_file), "--plots", str(tmp_path / "afile" / "p")])
    assert result.exit_code == 2
    assert "E030" in result.output
