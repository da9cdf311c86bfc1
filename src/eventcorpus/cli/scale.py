"""The sharded paths of ``eventcorpus ingest`` and ``eventcorpus predict`` (``--engine ray``): progress and summary."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from rich.markup import escape

from eventcorpus.cli.app import err, out
from eventcorpus.errors import EventCorpusError
from eventcorpus.ingest import IngestFailed

ENGINE_HELP = (
    "local: in this process (ingest writes documents.jsonl; predict writes --out). "
    "ray: one shard per input file on a Ray cluster, written to --out/shards/ with --out/manifest.json; "
    "a re-run skips finished shards."
)
ADDRESS_HELP = (
    "Ray cluster to join (HOST:PORT of its head); without it a local cluster starts and stops with the command."
)


def _progress_printer() -> Any:
    last = [0.0]

    def show(state: Any) -> None:
        now = time.monotonic()
        if state.shards_done == state.shards_total or now - last[0] >= 1.0:
            last[0] = now
            err.print(state.render(), markup=False)

    return show


def ingest_sharded_command(paths: list[Path], out_dir: Path, engine: str, address: str | None, **options: Any) -> None:
    """Run ``ingest_sharded`` and print its progress, failures and totals."""
    from eventcorpus.scale import ingest_sharded

    try:
        manifest = ingest_sharded(
            paths, out_dir, engine=engine, address=address, progress=_progress_printer(), **options
        )
    except IngestFailed as failed:
        for failure in failed.failures:
            err.print(f"[red]✘[/red] {escape(failure.render())}", markup=True)
        raise
    for failure in manifest["failures"]:
        err.print(
            f"[yellow]⚠[/yellow] skipped: {escape(str(failure['file']))}: {escape(failure['detail'])}", markup=True
        )
    totals = manifest["totals"]
    out.print(
        f"✔ {totals['documents']} document(s) in {totals['shards']} shard(s) under {out_dir / 'shards'} "
        f"({totals['shards_skipped']} already done, {totals['retries']} retried): "
        f"{totals['duplicates_across_shards']} duplicate(s) across shards, {totals['near_duplicate_clusters']} "
        f"near-duplicate cluster(s), {totals['failures']} input problem(s); manifest {out_dir / 'manifest.json'} "
        f"({totals['seconds']:.1f}s)",
        markup=False,
    )


def predict_sharded_command(
    model_dir: Path, input_path: Path, out_dir: Path, engine: str, address: str | None, batch_size: int
) -> dict[str, Any]:
    """Run ``predict_sharded`` with progress; return the manifest's totals."""
    from eventcorpus.scale import predict_sharded

    if out_dir.suffix == ".jsonl":
        raise EventCorpusError(
            "E802", f"--out {out_dir} is a file name", expected="a folder for shards/ and manifest.json"
        )
    manifest = predict_sharded(
        model_dir,
        [input_path],
        out_dir,
        engine=engine,
        address=address,
        batch_size=batch_size,
        progress=_progress_printer(),
    )
    return dict(manifest["totals"])
