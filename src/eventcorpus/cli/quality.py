"""Quality commands: evaluate predictions, agreement between annotators, adjudication, statistics."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from eventcorpus.adjudicate import adjudicate_folder
from eventcorpus.agreement import MODES, Figure, agreement, agreement_with_gold, read_annotator_sets
from eventcorpus.cli.app import app, cli_errors, out, print_json, warn_if_empty, warn_outside_schema
from eventcorpus.corpus import (
    backup_existing,
    read_records,
    refuse_input_as_output,
    write_json_lines,
    write_text_keeping_backup,
)
from eventcorpus.scoring import METRICS, Score, evaluate_files
from eventcorpus.stats import stats_for_file


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}"


def _ci(found: Score, key: str) -> str:
    if found.ci is None:
        return ""
    low, high = found.ci[key]
    return f"[{100 * low:.1f}, {100 * high:.1f}]"


def _score_table(title: str, rows: dict[str, Score], *, with_ci: bool) -> Table:
    table = Table(title=title, title_justify="left")
    for column in ("", "P", "R", "F1", *(["F1 95% CI"] if with_ci else []), "tp", "pred", "gold"):
        table.add_column(column, justify="left" if not column else "right")
    for name, found in rows.items():
        cells = [name, _pct(found.precision), _pct(found.recall), _pct(found.f1)]
        if with_ci:
            cells.append(_ci(found, "f1"))
        table.add_row(*cells, str(found.tp), str(found.n_pred), str(found.n_gold))
    return table


@app.command("evaluate")
def evaluate_command(
    gold: Annotated[Path, typer.Option("--gold", help="Gold canonical JSONL (one annotator per document).")],
    pred: Annotated[Path, typer.Option("--pred", help="Predicted canonical JSONL.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")] = False,
    errors: Annotated[
        Path | None, typer.Option("--errors", help="Write false positives and negatives in context (JSONL).")
    ] = None,
    compare_with: Annotated[
        Path | None, typer.Option("--compare", help="A second prediction file: paired bootstrap of the F1 difference.")
    ] = None,
    ci: Annotated[bool, typer.Option("--ci/--no-ci", help="Bootstrap 95% confidence intervals over documents.")] = True,
    n_bootstrap: Annotated[int, typer.Option("--n-bootstrap", min=1, help="Bootstrap replicates.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the bootstrap.")] = 0,
) -> None:
    """Score predictions: TI, TC, AI, AC, AI+, AC+ (TextEE's tuples) and entities, micro P/R/F1."""
    for path in (gold, pred):
        warn_if_empty(path)
        warn_outside_schema(path)
    with cli_errors():
        if errors is not None:
            refuse_input_as_output(errors, gold, pred, compare_with, option="--errors")
        result = evaluate_files(gold, pred, compare_path=compare_with, n_bootstrap=n_bootstrap if ci else 0, seed=seed)
        if errors is not None:
            if errors.is_file():
                backup_existing(errors)  # an earlier error list is kept, never emptied
            write_json_lines(errors, result.errors)
    if as_json:
        print_json(result.to_dict())
        return
    scores = result.scores
    out.print(
        f"{scores.documents} documents ({scores.gold_documents} gold, {scores.pred_documents} predicted; "
        f"{len(scores.pred_only)} predicted without gold, {len(scores.gold_only)} gold without prediction)"
    )
    out.print(_score_table("Scores (x 100)", {m: scores.metrics[m] for m in METRICS}, with_ci=ci))
    for table, metric in (("event_type", "TC"), ("event_type", "AC"), ("role", "AC"), ("entity_label", "entities")):
        rows = {label: cells[metric] for label, cells in scores.tables[table].items() if metric in cells}
        if rows:
            out.print(_score_table(f"{metric} per {table.replace('_', ' ')}", rows, with_ci=ci))
    if result.comparison is not None:
        diffs = Table(title=f"paired bootstrap: {compare_with} minus {pred} (F1 x 100)", title_justify="left")
        for column in ("", "A", "B", "B - A", "95% CI", "p"):
            diffs.add_column(column, justify="right" if column else "left")
        for metric, diff in result.comparison.items():
            diffs.add_row(
                metric,
                _pct(diff.f1_a),
                _pct(diff.f1_b),
                f"{100 * diff.difference:+.1f}",
                f"[{100 * diff.ci[0]:+.1f}, {100 * diff.ci[1]:+.1f}]",
                f"{diff.p_value:.3f}",
            )
        out.print(diffs)
    if errors is not None:
        out.print(f"{len(result.errors)} errors written to {errors}")


def _figure(figure: Figure, *, percent: bool = True) -> str:
    text = "—" if figure.value is None else (f"{100 * figure.value:.1f}" if percent else f"{figure.value:.3f}")
    return text + ("*" if figure.low_support else "")


@app.command("agree")
def agree_command(
    directory: Annotated[Path, typer.Argument(help="Folder of canonical JSONL files, one or more annotators each.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")] = False,
    min_items: Annotated[
        int, typer.Option("--min-items", min=1, help="Mark figures resting on fewer items than this.")
    ] = 10,
    gold: Annotated[
        Path | None,
        typer.Option("--gold", help="Adjudicated gold (canonical JSONL): also measure each annotator against it."),
    ] = None,
) -> None:
    """Agreement between annotators: F1 on the scorer's tuples, Cohen's kappa, Krippendorff's alpha."""
    with cli_errors():
        sets = read_annotator_sets(directory)
        result = agreement(sets, min_items=min_items)
        with_gold = (
            agreement_with_gold(sets, {r.id: r.annotations for r in read_records(gold)}, min_items=min_items)
            if gold is not None
            else None
        )
    if as_json:
        data = result.to_dict()
        if with_gold is not None:
            data["with_gold"] = {a: r.to_dict() for a, r in with_gold.items()}
        print_json(data)
        return
    out.print(
        f"{result.documents} documents labelled by two or more of {len(result.annotators)} annotators "
        f"({', '.join(result.annotators)}); {result.single_annotator_documents} single-annotator documents left out"
    )
    table = Table(title="F1 between annotators (x 100), mean over pairs", title_justify="left")
    table.add_column("")
    for metric in METRICS:
        table.add_column(metric, justify="right")
    table.add_column("items", justify="right")
    for mode in MODES:
        row = result.average[mode]
        table.add_row(mode, *(_figure(row[m]) for m in METRICS), str(row["entities"].items))
    for pair, modes in result.pairs.items():
        table.add_row(f"{pair} (exact)", *(_figure(modes["exact"][m]) for m in METRICS), "")
    out.print(table)
    chance = Table(title="chance-corrected agreement on token labels", title_justify="left")
    for column in ("", "entities (BIO)", "triggers", "tokens", "documents"):
        chance.add_column(column, justify="right" if column else "left")
    for pair in result.kappa["entities"]:
        kappa_e, kappa_t = result.kappa["entities"][pair], result.kappa["triggers"][pair]
        chance.add_row(
            f"kappa {pair}",
            _figure(kappa_e, percent=False),
            _figure(kappa_t, percent=False),
            str(kappa_e.items),
            str(kappa_e.documents),
        )
    alpha_e, alpha_t = result.alpha["entities"], result.alpha["triggers"]
    chance.add_row(
        "alpha (all)",
        _figure(alpha_e, percent=False),
        _figure(alpha_t, percent=False),
        str(alpha_e.items),
        str(alpha_e.documents),
    )
    out.print(chance)
    for name, rows in result.labels.items():
        per_label = Table(title=f"{name}: exact F1 per label (x 100), mean over pairs", title_justify="left")
        for column in ("label", "F1", "items", "documents"):
            per_label.add_column(column, justify="left" if column == "label" else "right")
        for label, figure in rows.items():
            per_label.add_row(label, _figure(figure), str(figure.items), str(figure.documents))
        out.print(per_label)
    lowest = Table(title="documents with the lowest agreement (entities + TC + AC, F1 x 100)", title_justify="left")
    for column in ("document", "title", "annotators", "F1"):
        lowest.add_column(column)
    for doc in result.documents_by_agreement[:10]:
        lowest.add_row(doc["doc_id"], str(doc["title"] or ""), ", ".join(doc["annotators"]), f"{100 * doc['f1']:.1f}")
    out.print(lowest)
    weakest = ", ".join(
        f"{row['table']} {row['label']} {100 * row['value']:.1f}{'*' if row['low_support'] else ''}"
        for row in result.lowest_labels[:10]
    )
    out.print(f"labels with the lowest agreement: {weakest or 'none'}")
    if with_gold is not None:
        against = Table(title=f"each annotator against the gold {gold} (exact F1 x 100)", title_justify="left")
        against.add_column("")
        for metric in METRICS:
            against.add_column(metric, justify="right")
        against.add_column("documents", justify="right")
        for annotator, found in with_gold.items():
            row = found.average["exact"]
            against.add_row(f"{annotator} / gold", *(_figure(row[m]) for m in METRICS), str(found.documents))
        out.print(against)
    out.print(f"* rests on fewer than {min_items} items (--min-items)")


@app.command("adjudicate")
def adjudicate_command(
    directory: Annotated[Path, typer.Argument(help="Folder of annotators' canonical JSONL files.")],
    gold_out: Annotated[Path, typer.Option("--out", help="Gold canonical JSONL to write (an old one is backed up).")],
    strategy: Annotated[
        str, typer.Option("--strategy", help="majority, union, prefer:NAME, or decisions (with --decisions).")
    ] = "majority",
    decisions: Annotated[
        Path | None,
        typer.Option(
            "--decisions",
            help="Decisions file (one JSON line per conflict key): gold = the annotators merged by its decisions.",
        ),
    ] = None,
    conflicts: Annotated[
        Path | None, typer.Option("--conflicts", help="Write conflicts with all versions in context (JSONL).")
    ] = None,
    review: Annotated[
        Path | None,
        typer.Option("--review", help="Write the conflicting documents pre-annotated with all candidates (canonical)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")] = False,
) -> None:
    """Merge annotators into gold by majority, union, a preferred annotator or a decisions file; list the conflicts."""
    with cli_errors():
        result, backup = adjudicate_folder(
            directory,
            gold_out,
            strategy=strategy,
            conflicts_path=conflicts,
            review_path=review,
            decisions_path=decisions,
        )
    summary = result.summary()
    if as_json:
        print_json({**summary, "backup": str(backup) if backup else None})
        return
    out.print(
        f"gold: {summary['documents']} documents ({summary['single_annotator_documents']} single-annotator), "
        f"{summary['entities']} entities, {summary['events']} events, {summary['arguments']} arguments "
        f"→ {gold_out} (strategy {summary['strategy']})"
    )
    if backup is not None:
        out.print(f"previous gold kept as {backup}")
    kinds = ", ".join(f"{n} {kind}" for kind, n in summary["conflicts"].items()) or "none"
    out.print(f"conflicts: {kinds}" + (f" → {conflicts}" if conflicts else ""))
    if result.decisions is not None:
        counts = ", ".join(f"{n} {kind}" for kind, n in result.decisions["counts"].items())
        out.print(f"decided by {decisions} (sha256 {result.decisions['sha256'][:12]}…): {counts}")
    if review is not None:
        out.print(f"{summary['documents_to_review']} documents to review → {review}")


@app.command("stats")
def stats_command(
    path: Annotated[Path, typer.Argument(help="Canonical JSONL file (e.g. the gold corpus).")],
    plots: Annotated[Path | None, typer.Option("--plots", help="Folder for PNG plots.")] = None,
    split: Annotated[
        Path | None, typer.Option("--split", help='Split manifest: JSON {"assignments": {doc_id: split}}.')
    ] = None,
    annotators: Annotated[
        Path | None, typer.Option("--annotators", help="Folder of annotators' files: adds agreement per label.")
    ] = None,
    report: Annotated[Path | None, typer.Option("--report", help="Write the markdown report to this file.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")] = False,
) -> None:
    """Documents, tokens, entities, events, roles, fill rates, lengths and licences, per split."""
    warn_if_empty(path)
    warn_outside_schema(path)
    with cli_errors():
        if report is not None:
            refuse_input_as_output(report, path, split, option="--report")
        result = stats_for_file(path, split_manifest=split, annotators_dir=annotators, plots_dir=plots)
        if report is not None:
            write_text_keeping_backup(report, result.report)
    if as_json:
        data = result.stats.to_dict()
        if result.agreement is not None:
            data["agreement_per_label"] = result.agreement.to_dict()["labels"]
        data["plots"] = [str(p) for p in result.plots]
        print_json(data)
        return
    typer.echo(result.report)
    for plot in result.plots:
        out.print(f"plot → {plot}")
    if report is not None:
        out.print(f"report → {report}")
