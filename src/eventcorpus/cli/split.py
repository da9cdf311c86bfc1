"""`eventcorpus split`: leak-free, stable, stratified splits with a leakage report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from eventcorpus.cli.app import app, cli_errors, out, print_json, warn_if_empty, warn_outside_schema
from eventcorpus.corpus import backup_existing, read_records, refuse_input_as_output
from eventcorpus.errors import EventCorpusError
from eventcorpus.formats import get_format
from eventcorpus.records import Record
from eventcorpus.schema import load_schema
from eventcorpus.split import (
    SPLITS,
    LeakageReport,
    SplitResult,
    leakage_report,
    make_split,
    read_manifest,
    write_manifest,
)


def read_input(path: Path, fmt: str, unit: str | None = None) -> list[Record]:
    """Records of ``path`` in format ``fmt`` (canonical JSONL by default)."""
    if fmt == "canonical":
        return list(read_records(path))
    options: dict[str, Any] = {"unit": unit} if unit else {}
    return list(get_format(fmt).read(path, schema=load_schema(), options=options))


@app.command("split")
def split_command(
    input_path: Annotated[Path, typer.Argument(metavar="IN", help="Canonical JSONL (or --format) to split.")],
    out_path: Annotated[Path, typer.Option("--out", help="Manifest to write (JSON, meant to be committed).")],
    dev: Annotated[float, typer.Option("--dev", help="Share of documents in dev.")] = 0.1,
    test: Annotated[float, typer.Option("--test", help="Share of documents in test.")] = 0.1,
    seed: Annotated[int, typer.Option("--seed", help="Base seed.")] = 13,
    seed_trials: Annotated[int, typer.Option("--seed-trials", help="Seeds tried for the best-balanced split.")] = 100,
    by: Annotated[str, typer.Option("--by", help="hash (stable, stratified) or time.")] = "hash",
    cutoff: Annotated[
        str | None, typer.Option("--cutoff", help="With --by time: test holds articles from this date on.")
    ] = None,
    from_lists: Annotated[
        Path | None,
        typer.Option("--from-lists", help="Folder with train.txt/dev.txt/test.txt of document or sentence ids."),
    ] = None,
    previous: Annotated[
        Path | None, typer.Option("--previous", help="Keep this manifest's assignments (default: --out if it exists).")
    ] = None,
    fresh: Annotated[bool, typer.Option("--fresh", help="Ignore an existing manifest at --out.")] = False,
    rebalance: Annotated[bool, typer.Option("--rebalance", help="Iterative stratification; lists each move.")] = False,
    allow_unassigned: Annotated[
        bool, typer.Option("--allow-unassigned", help="With --from-lists: leave unlisted documents out.")
    ] = False,
    fmt: Annotated[str, typer.Option("--format", help="Input format.")] = "canonical",
    unit: Annotated[str | None, typer.Option("--unit", help="Reader unit, e.g. sentence for m2e2.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Split documents into train/dev/test, keeping near-duplicates and articles together."""
    with cli_errors():
        refuse_input_as_output(out_path, input_path, from_lists)  # an input read as an old manifest said E005
        if fmt is None or fmt == "canonical":
            warn_if_empty(input_path)
            warn_outside_schema(input_path)
        records = read_input(input_path, fmt, unit)
        prior_path = previous or (out_path if out_path.exists() and not fresh else None)
        prior = read_manifest(prior_path) if prior_path else None
        result = make_split(
            records,
            dev=dev,
            test=test,
            seed=seed,
            seed_trials=seed_trials,
            by=by,
            cutoff=cutoff,
            lists=from_lists,
            previous=prior,
            rebalance=rebalance,
        )
        if result.unassigned and not allow_unassigned:
            raise EventCorpusError(
                "E408",
                f"{len(result.unassigned)} documents are in no list, e.g. {', '.join(result.unassigned[:5])}",
                file=str(from_lists),
                doc_id=result.unassigned[0],
            )
        leakage = leakage_report(records, result.assignments)
        if out_path.exists():
            backup_existing(out_path)
        write_manifest(out_path, result)
    if as_json:
        print_json(report_dict(result, leakage, out_path))
        return
    print_report(result, leakage, out_path, prior_path)


def report_dict(result: SplitResult, leakage: LeakageReport, out_path: Path) -> dict[str, Any]:
    return {
        "manifest": str(out_path),
        "settings": result.settings,
        "counts": result.manifest()["counts"],
        "target": result.target,
        "distribution": result.distribution,
        "missing": [list(m) for m in result.missing],
        "moves": [vars(m) for m in result.moves],
        "unassigned": result.unassigned,
        "leakage": vars(leakage),
    }


def print_report(result: SplitResult, leakage: LeakageReport, out_path: Path, prior: Path | None) -> None:
    counts = result.manifest()["counts"]
    out.print(f"✔ wrote {out_path}: " + ", ".join(f"{s} {counts.get(s, 0)}" for s in SPLITS))
    if prior:
        out.print(f"  kept the assignments of {prior}; new documents were added without moving any")
    out.print(f"  method {result.settings['method']}, seed {result.settings.get('seed')}")
    out.print("  label                                        " + "  ".join(f"{s:>12}" for s in SPLITS))
    for label, row in result.distribution.items():
        total = sum(row.values()) or 1
        cells = "  ".join(f"{row[s]:>5} {row[s] / total:>5.0%}".rjust(12) for s in SPLITS)
        out.print(f"  {label[:44]:<44} {cells}")
    out.print(
        "  target                                       " + "  ".join(f"{result.target[s]:>12.0%}" for s in SPLITS)
    )
    for label, split in result.missing[:10]:
        out.print(f"  ⚠ {label} has no item in {split} although the counts allow one (try --rebalance)")
    for move in result.moves:
        out.print(f"  moved {move.doc_id}: {move.before} -> {move.after}")
    if result.unassigned:
        out.print(f"  ⚠ {len(result.unassigned)} documents in no list were left out")
    out.print("leakage (what dev and test share with train):")
    for split in ("dev", "test"):
        out.print(
            f"  {split}: {leakage.shared_groups[split]} of {leakage.units[split]} units share an article or cluster with train; "
            f"{leakage.identical_sentences[split]} identical sentences; {leakage.near_duplicate_pairs[split]} near-duplicate pairs"
        )
    for split, unit_id, group in leakage.shared_group_examples[:3]:
        out.print(f"    e.g. {split} {unit_id} (group {group})")
    for split, unit_id, sentence in leakage.identical_examples[:3]:
        out.print(f"    e.g. {split} {unit_id}: “{sentence}”")
