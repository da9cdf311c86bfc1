"""Benchmark the engines on the same input in the same run: documents per second and ratios.

predict: single process (``predict_file``), ``nlp.pipe``-style worker processes
(``predict_file(n_process=N)``) and Ray (``predict_sharded(engine="ray")``, local cluster);
ingest: single process (``ingest``) and Ray (``ingest_sharded``). Also Ray's fixed start-up
cost (``ray.init`` of a local cluster) and the resident memory of one worker holding the model.

    PYTHONPATH=src python scripts/bench_scale.py --docs 400 --workers 2 --model DIR

Without --model a tiny model is trained on synthetic sentences first (say so when quoting).
Prints one JSON object; docs/scale.md turns the figures into workers and hours per day.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # tests/ holds the generators


def _rss_mib_of_model(model: Path) -> float:
    """Peak resident memory (MiB, VmHWM: ru_maxrss would carry the parent's over exec) of a fresh process
    that loads the model and annotates one document."""
    import subprocess

    code = (
        "import sys;from eventcorpus.extract import load_model;from eventcorpus.records import Document;"
        "m=load_model(sys.argv[1]);m.annotate([Document(id='x',text='Gunmen attacked the airport in Kabul.')]);"
        "print(int(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1])/1024)"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    return float(
        subprocess.run(
            [sys.executable, "-c", code, str(model)], capture_output=True, text=True, env=env, check=True
        ).stdout
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=400, help="documents to predict on (in 8 shards)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes for n_process and Ray")
    parser.add_argument("--model", type=Path, default=None, help="a model folder (default: train a tiny one)")
    args = parser.parse_args()

    from tests.scale_crawl import story, write_crawl
    from tests.test_model import TINY, synthetic_records

    from eventcorpus.corpus import write_records
    from eventcorpus.extract import load_config, predict_file, train_model
    from eventcorpus.ingest import ingest
    from eventcorpus.records import UNANNOTATED, AnnotationSet, Document, Record, document_id
    from eventcorpus.scale import ingest_sharded, predict_sharded

    work = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    figures: dict[str, Any] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.python_version()}",
        "docs": args.docs,
        "workers": args.workers,
    }
    model = args.model
    if model is None:
        write_records(work / "train.jsonl", synthetic_records(80, seed=1))
        write_records(work / "dev.jsonl", synthetic_records(30, seed=2))
        (work / "tiny.yaml").write_text(TINY, encoding="utf-8")
        config = load_config(work / "tiny.yaml")
        train_model(work / "train.jsonl", work / "dev.jsonl", config, config_path=work / "tiny.yaml").save(work / "m")
        model = work / "m"
    figures["model"] = "tiny (synthetic)" if args.model is None else str(model)

    rng = random.Random(3)
    docs = [Document(id="", text=story(rng, 6)) for _ in range(args.docs)]
    for d in docs:
        d.id = document_id(d.text)
    records = [Record(d, AnnotationSet(d.id, UNANNOTATED)) for d in docs]
    (work / "shards").mkdir()
    for s in range(8):
        write_records(work / "shards" / f"docs-{s}.jsonl", records[s::8])
    write_records(work / "all.jsonl", records)
    figures["chars_per_doc"] = round(sum(len(d.text) for d in docs) / len(docs))

    def timed(label: str, run: Any, count: int) -> None:
        started = time.perf_counter()
        run()
        seconds = time.perf_counter() - started
        figures[label] = {"seconds": round(seconds, 2), "docs_per_s": round(count / seconds, 1)}
        print(label, figures[label], file=sys.stderr)

    n = args.docs
    timed("predict_single", lambda: predict_file(model, work / "all.jsonl", work / "p1.jsonl"), n)
    workers = args.workers
    timed("predict_n_process", lambda: predict_file(model, work / "all.jsonl", work / "p2.jsonl", n_process=workers), n)

    import ray

    started = time.perf_counter()
    ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False, configure_logging=False)
    figures["ray_init_seconds"] = round(time.perf_counter() - started, 2)
    try:
        # the first Ray Data stage also starts the workers and imports the toolkit there
        started = time.perf_counter()
        predict_sharded(model, [work / "shards"], work / "r-warm", engine="ray")
        figures["predict_ray_cold_stage_seconds"] = round(time.perf_counter() - started, 2)
        timed("predict_ray", lambda: predict_sharded(model, [work / "shards"], work / "r2", engine="ray"), n)
        crawl = write_crawl(work / "crawl-in", per_shard=100, warc_pages=100)
        count = len(ingest([crawl]).documents)
        timed("ingest_single", lambda: ingest([crawl]), count)
        timed("ingest_ray", lambda: ingest_sharded([crawl], work / "i2", engine="ray"), count)
        timed("ingest_sharded_local", lambda: ingest_sharded([crawl], work / "i1"), count)
    finally:
        ray.shutdown()
    figures["worker_rss_mib"] = round(_rss_mib_of_model(model), 1)
    figures["driver_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    single = figures["predict_single"]["docs_per_s"]
    figures["ratios_to_single"] = {
        "predict_n_process": round(figures["predict_n_process"]["docs_per_s"] / single, 2),
        "predict_ray": round(figures["predict_ray"]["docs_per_s"] / single, 2),
        "ingest_ray": round(figures["ingest_ray"]["docs_per_s"] / figures["ingest_single"]["docs_per_s"], 2),
    }
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
