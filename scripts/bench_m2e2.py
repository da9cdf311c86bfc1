"""Benchmark the event extractor on M2E2 with the TextEE splits, beside TextEE's published rows.

Trains each config (default, baseline, accuracy) on the train file of each split, calibrates
on dev, scores the test file with ``eventcorpus.scoring.score`` (bootstrap 95% intervals),
and times prediction against the entity-only spaCy pipeline of the same model (its
tokenizer, sentencizer and ``ner``), on the same test texts in the same run.

    .venv/bin/python scripts/bench_m2e2.py --splits 1 --configs default,baseline,accuracy

``--with-corpus FILE`` adds the corpus's gold training records (e.g. build/splits/train.jsonl),
reduced to M2E2's types, roles and entity types. Corpus part 2 holds M2E2 articles: a corpus
document drawn from an article with any sentence in the split's dev or test file is never
trained on, and the output says how many were left out (also 0 when the option is not given).

Floors (averaged over the splits run): default TC >= 45, AC >= 28, training <= 15 min per
split, prediction >= 1/3 of the entity-only pipeline's speed; accuracy TC >= 50.6, AC >= 36.1.
Data: ../shared/datasets/m2e2 (set --data); nothing is copied into the repository.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from eventcorpus.corpus import write_records
from eventcorpus.extract.config import load_config
from eventcorpus.extract.model import EventModel, load_model, train_model
from eventcorpus.formats import get_format
from eventcorpus.records import Record
from eventcorpus.schema import load_schema
from eventcorpus.scoring import EVENT_METRICS, score

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "datasets" / "m2e2"
CONFIGS = {
    "default": REPO / "models" / "default.yaml",
    "baseline": None,
    "accuracy": REPO / "models" / "accuracy.yaml",
}
# TextEE (Huang et al.), end-to-end, average of the five splits, roberta-large / bart-large on GPU.
TEXTEE = {
    "DyGIE++": (53.1, 51.0, 34.6, 33.4, 31.7, 30.8),
    "OneIE": (52.4, 50.6, 37.8, 36.1, 33.4, 32.1),
    "EEQA": (53.6, 51.0, 33.7, 32.6, 31.1, 30.2),
    "TagPrime": (52.2, 50.2, 36.5, 35.5, 33.2, 32.4),
    "DEGREE-E2E": (50.9, 49.5, 33.7, 32.5, 30.9, 30.0),
}
FLOORS = {"default": {"TC": 45.0, "AC": 28.0}, "accuracy": {"TC": 50.6, "AC": 36.1}}


def prepare(data: Path, split: int, workdir: Path, corpus: Path | None = None) -> dict[str, Path]:
    """Write the split's train/dev/test sentences as canonical JSONL (in workdir, not the repo),
    the train file followed by the corpus's records when ``corpus`` is given (see the module doc)."""
    from eventcorpus.external import roles_by_type

    records = list(
        get_format("m2e2").read(data / "text_only_event.json", schema=load_schema(), options={"unit": "sentence"})
    )
    by_id: dict[str, Record] = {r.document.meta["sentence_id"]: r for r in records}
    ids = {
        part: (data / "textee-splits" / f"split{split}" / f"{part}.txt").read_text(encoding="utf-8").split()
        for part in ("train", "dev", "test")
    }
    held_out = {i.rsplit("_", 1)[0] for part in ("dev", "test") for i in ids[part]}
    roles = roles_by_type(r.annotations for r in records)
    added, left_out = corpus_training(corpus, held_out, roles) if corpus else ([], [])
    print(
        f"   split {split}: corpus documents added to training {len(added)}; corpus documents drawn from an M2E2 "
        f"article with a dev or test sentence, left out: {len(left_out)}",
        flush=True,
    )
    paths = {}
    for part in ("train", "dev", "test"):
        paths[part] = workdir / f"split{split}_{part}.jsonl"
        write_records(paths[part], [*(by_id[i] for i in ids[part]), *(added if part == "train" else [])])
    return paths


def corpus_training(
    path: Path, held_out_articles: set[str], roles: dict[str, set[str]]
) -> tuple[list[Record], list[str]]:
    """The corpus records to train on, reduced to M2E2's inventory, and the ids of those left out
    because they are M2E2 articles with a sentence in dev or test."""
    from eventcorpus.corpus import read_records
    from eventcorpus.external import shared_view

    kept: list[Record] = []
    left_out: list[str] = []
    for record in read_records(path):
        article = record.document.meta.get("article_id")
        if (record.document.source or "").startswith("m2e2/") and article in held_out_articles:
            left_out.append(record.id)
            continue
        view = shared_view(record.annotations, record.id, record.annotations.annotator, roles)
        kept.append(Record(record.document, view))
    return kept, left_out


def speed(model: EventModel, records: list[Record], repeats: int = 3) -> dict[str, float]:
    """Words per second of the full model and of its entity-only spaCy pipeline, same texts."""
    docs = [r.document for r in records]
    texts = [d.text for d in docs]
    words = sum(len(t.split()) for t in texts)
    ner_only, full = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        for _doc in model.nlp.pipe(texts, batch_size=64):
            pass
        ner_only.append(time.perf_counter() - start)
        start = time.perf_counter()
        model.annotate(docs, batch_size=64)
        full.append(time.perf_counter() - start)
    ner_wps, full_wps = words / min(ner_only), words / min(full)
    return {
        "words": words,
        "entity_only_wps": round(ner_wps),
        "model_wps": round(full_wps),
        "ratio": round(full_wps / ner_wps, 3),
    }


def run_one(
    name: str, paths: dict[str, Path], workdir: Path, split: int, entity_seconds: float | None
) -> dict[str, Any]:
    """Train, save, reload, score on test, time. The accuracy config reuses the default model's
    entity recogniser (same data, seed and ner config) unless the default refits its ner on dev (the
    accuracy config calibrates on that dev file); its training time adds the default's ner time."""
    config = load_config(CONFIGS[name], baseline=name == "baseline")
    reusable = entity_seconds is not None and not load_config(CONFIGS["default"]).entities.refit_on_dev
    reuse = workdir / f"default-split{split}" if name == "accuracy" and reusable else None
    started = time.perf_counter()
    model = train_model(
        paths["train"],
        paths["dev"],
        config,
        config_path=CONFIGS[name],
        entities_from=reuse,
        log=lambda m: print("   ", m, flush=True),
    )
    train_seconds = time.perf_counter() - started + (entity_seconds if reuse and entity_seconds else 0.0)
    folder = workdir / f"{name}-split{split}"
    model.save(folder)
    model = load_model(folder)  # predict with what was saved
    test = list(Record.from_dict(r.to_dict()) for r in _read(paths["test"]))
    pred = model.annotate([r.document for r in test])
    scores = score([r.annotations for r in test], pred, n_bootstrap=1000, seed=0)
    result: dict[str, Any] = {
        "config": name,
        "split": split,
        "train_seconds": round(train_seconds, 1),
        "timings": model.meta["timings_s"],
        "thresholds": model.meta["thresholds"],
        "test": {m: round(100 * s.f1, 2) for m, s in scores.metrics.items()},
        "test_ci": {
            m: [round(100 * x, 1) for x in (s.ci or {}).get("f1", (0.0, 0.0))] for m, s in scores.metrics.items()
        },
        "dev": {m: s["f1"] for m, s in model.meta["dev_scores"].items()},
    }
    if name != "baseline":
        result["speed"] = speed(model, test)
    return result


def _read(path: Path) -> list[Record]:
    from eventcorpus.corpus import read_records

    return list(read_records(path))


def _row(label: str, values: list[float], extra: str = "") -> str:
    return f"| {label} | " + " | ".join(f"{v:.1f}" for v in values) + f" |{extra}"


def summarise(results: list[dict[str, Any]]) -> list[str]:
    """Print the table beside TextEE's rows and check the floors; return the floors not met."""
    splits = sorted({r["split"] for r in results})
    names = list(dict.fromkeys(r["config"] for r in results))
    print()
    print(f"M2E2 TextEE splits {','.join(map(str, splits))}, test, micro F1 x 100 (mean over the splits each row ran)")
    print("| model | " + " | ".join(EVENT_METRICS) + " | train s | speed ratio |")
    print("| --- | " + " | ".join("---:" for _ in EVENT_METRICS) + " | ---: | ---: |")
    for label, row in TEXTEE.items():
        print(_row(f"TextEE {label} (published)", list(row), "  |  |"))
    failures = []
    for name in names:
        mine = [r for r in results if r["config"] == name]
        if not mine:
            continue
        means = [statistics.mean(r["test"][m] for r in mine) for m in EVENT_METRICS]
        train_s = statistics.mean(r["train_seconds"] for r in mine)
        ratios = [r["speed"]["ratio"] for r in mine if "speed" in r]
        ratio = f"{statistics.mean(ratios):.2f}" if ratios else "n/a"
        run = ",".join(str(r["split"]) for r in mine)
        print(_row(f"eventcorpus {name} (splits {run})", means, f" {train_s:.0f} | {ratio} |"))
        for metric, floor in FLOORS.get(name, {}).items():
            value = means[EVENT_METRICS.index(metric)]
            if value < floor:
                failures.append(f"{name} {metric} {value:.1f} < {floor}")
        if name == "default":
            if max(r["train_seconds"] for r in mine) > 900:
                failures.append("default training over 15 minutes")
            if ratios and statistics.mean(ratios) < 1 / 3:
                failures.append(f"default speed ratio {statistics.mean(ratios):.2f} < 0.33")
    print()
    print("floors: " + ("all met" if not failures else "NOT MET: " + "; ".join(failures)))
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--splits", default="1", help="comma-separated TextEE split numbers (1-5)")
    parser.add_argument("--configs", default="default,baseline,accuracy", help="among default, baseline, accuracy")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="where data and models go (default: a temp folder); the accuracy config reuses the ner of a "
        "default model already there",
    )
    parser.add_argument("--json", type=Path, default=None, help="write all results to this JSON file")
    parser.add_argument(
        "--with-corpus", type=Path, default=None, help="also train on these corpus records (see the module doc)"
    )
    parser.add_argument(
        "--summarise", type=Path, nargs="+", default=None, help="only print the table of saved --json files"
    )
    args = parser.parse_args(argv)
    if args.summarise:
        summarise([r for f in args.summarise for r in json.loads(f.read_text(encoding="utf-8"))])
        return 0
    splits = [int(s) for s in args.splits.split(",")]
    names = [c for c in args.configs.split(",") if c]
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench_m2e2_"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"cores available: {len(os.sched_getaffinity(0))}; workdir {workdir}", flush=True)
    results: list[dict[str, Any]] = []
    entity_seconds: dict[int, float] = {}
    for split in splits:
        paths = prepare(args.data, split, workdir, args.with_corpus)
        for name in names:
            if name == "accuracy":
                try:
                    import torch  # noqa: F401
                    import transformers  # noqa: F401
                except ImportError:
                    print("accuracy config skipped: torch/transformers not installed (the optional extra)")
                    continue
            earlier = workdir / f"default-split{split}" / "meta.json"
            if name == "accuracy" and split not in entity_seconds and earlier.exists():
                # a default model left in this workdir by an earlier run lends its entity recogniser
                entity_seconds[split] = json.loads(earlier.read_text(encoding="utf-8"))["timings_s"]["entities"]
            print(f"== split {split}, config {name}", flush=True)
            result = run_one(name, paths, workdir, split, entity_seconds.get(split))
            if name == "default":
                entity_seconds[split] = result["timings"]["entities"]
            print("  ", json.dumps(result), flush=True)
            results.append(result)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    summarise(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
