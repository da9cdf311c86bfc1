"""`eventcorpus build`: the main job, the whole chain on the project's own corpus."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from eventcorpus.build import GOLD_STRATEGY, BuildReport, BuildSettings, build
from eventcorpus.cli.app import app, cli_errors, err, out, print_json


@app.command("build")
def build_command(
    mirror: Annotated[
        Path | None,
        typer.Option("--mirror", help="Local mirror of the sources (e.g. ../shared/datasets); else download."),
    ] = None,
    build_dir: Annotated[Path, typer.Option("--build-dir", help="Where every artefact goes.")] = Path("build"),
    with_m2e2: Annotated[
        bool, typer.Option("--with-m2e2", help="Add every M2E2 sentence to the model's training data.")
    ] = False,
    strategy: Annotated[
        str,
        typer.Option("--strategy", help="Adjudication strategy for the gold: decisions (the default), or majority..."),
    ] = GOLD_STRATEGY,
    decisions: Annotated[
        Path | None,
        typer.Option("--decisions", help="Decisions file (default: corpus/annotations/decisions.jsonl)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Redo every step, even those up to date.")] = False,
    manifest: Annotated[
        Path | None, typer.Option("--manifest", help="Split manifest to keep stable (default: corpus/split.json).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Fetch, validate, agree, adjudicate, split, export, train, evaluate and publish (dry run)."""
    settings = BuildSettings(
        mirror=mirror,
        build_dir=build_dir,
        with_m2e2=with_m2e2,
        strategy=strategy,
        force=force,
        manifest=manifest,
        decisions=decisions,
    )
    with cli_errors():
        report = build(settings, log=lambda line: err.print(line, markup=False))
    if as_json:
        print_json(report.to_dict())
        return
    print_summary(report, build_dir)


def print_summary(report: BuildReport, build_dir: Path) -> None:
    """The closing summary: counts, agreement, scores, and where each artefact is."""
    annotations = report.step("annotations").summary
    out.print(f"documents: {annotations.get('documents')}")
    for name, counts in annotations.get("passes", {}).items():
        out.print(
            f"  {name}: {counts['documents']} documents, {counts['entities']} entities, {counts['events']} events"
        )
    agree = report.step("agree").summary
    figures = ", ".join(
        f"{m} {100 * v['value']:.1f}" for m, v in agree.get("average", {}).items() if v.get("value") is not None
    )
    out.print(
        f"agreement between the passes, {agree.get('documents')} double-annotated documents (F1 x 100): {figures}"
    )
    gold = report.step("adjudicate").summary
    conflicts = gold.get("conflicts") or {}
    out.print(
        f"adjudicated: {gold.get('documents')} documents, {gold.get('entities')} entities, {gold.get('events')} events; "
        f"{sum(conflicts.values())} conflicts ({_counts(conflicts)})"
    )
    if gold.get("decisions"):
        out.print(f"  decided by {gold['decisions']['file']}: {_counts(gold['decisions']['counts'])}")
    for name, found in (gold.get("with_gold") or {}).items():
        figures = ", ".join(f"{m} {100 * v['value']:.1f}" for m, v in found["exact"].items() if v["value"] is not None)
        out.print(f"  {name} vs adjudicated (F1 x 100, {found['documents']} documents): {figures}")
    revised = report.step("revise").summary
    if revised.get("edits"):
        out.print(
            f"revised by {revised['file']}: {revised['edits']} edits on {revised['documents_revised']} documents "
            f"({_counts(revised['by_op'])})"
        )
    out.print(f"split: {_counts(report.step('split').summary.get('counts') or {})}")
    evaluated = report.step("evaluate").summary
    scores, intervals = evaluated.get("f1", {}), evaluated.get("f1_ci", {})
    where = f", {evaluated['documents']} test documents" if evaluated.get("documents") else ""
    out.print(
        f"test scores (F1 x 100, 95% bootstrap interval{where}): "
        + ", ".join(
            f"{m} {100 * v:.1f}"
            + (f" [{100 * intervals[m][0]:.1f}–{100 * intervals[m][1]:.1f}]" if m in intervals else "")
            for m, v in scores.items()
        )
    )
    out.print("artefacts:")
    for name, where in [
        ("gold", "gold.jsonl"),
        ("conflicts", "conflicts.jsonl"),
        ("agreement", "agreement.json"),
        ("exports", "export/"),
        ("splits (canonical)", "splits/"),
        ("statistics", "stats.md"),
        ("model", "model/"),
        ("evaluation", "evaluation.json"),
        ("release (dry run)", "release/"),
    ]:
        out.print(f"  {name:<20} {build_dir / where}")
    out.print("  split manifest       corpus/split.json")


def _counts(counts: dict[str, int]) -> str:
    """``{'train': 76, 'dev': 11}`` as ``train 76, dev 11``."""
    return ", ".join(f"{name} {n}" for name, n in counts.items())
