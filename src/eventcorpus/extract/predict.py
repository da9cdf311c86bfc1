"""Streaming prediction: documents in (canonical JSONL or raw .txt), canonical annotation sets out."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from eventcorpus.corpus import atomic_open, backup_existing, dumps, read_documents
from eventcorpus.errors import EventCorpusError
from eventcorpus.extract.model import EventModel, load_model
from eventcorpus.progress import track
from eventcorpus.records import Document, Record


def _text_documents(paths: Iterable[Path]) -> Iterator[Document]:
    """Raw articles, cleaned exactly as ``eventcorpus ingest`` cleans them (same text, same id)."""
    from eventcorpus.ingest import Defaults, load_patterns, read_txt

    patterns = load_patterns()  # read and compiled once for every file
    for path in paths:
        yield read_txt(path, patterns, Defaults())


def read_inputs(path: str | Path) -> Iterator[Document]:
    """Documents from a canonical .jsonl file, a .txt file (one document) or a folder of .txt files."""
    source = Path(path)
    if source.is_dir():
        files = sorted(source.glob("*.txt"))
        if not files:
            raise EventCorpusError("E504", "the folder holds no .txt files", file=str(source))
        yield from _text_documents(files)
    elif source.suffix == ".jsonl":
        yield from read_documents(source)
    elif source.suffix == ".txt":
        yield from _text_documents([source])
    elif not source.exists():
        raise EventCorpusError("E004", "no such file or folder", file=str(source))
    else:
        raise EventCorpusError("E504", f"cannot predict on a {source.suffix or 'suffix-less'} file", file=str(source))


def count_inputs(path: str | Path) -> int:
    """How many documents :func:`read_inputs` will yield (non-blank lines of a .jsonl), for progress."""
    source = Path(path)
    if source.is_dir():
        return len(list(source.glob("*.txt")))
    if source.suffix == ".jsonl" and source.is_file():
        with source.open("rb") as handle:
            return sum(1 for line in handle if line.strip())
    return 1


def _batches(items: Iterable[Document], size: int) -> Iterator[list[Document]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


_WORKER_MODEL: EventModel | None = None


def _init_worker(model_path: str) -> None:
    global _WORKER_MODEL
    _WORKER_MODEL = load_model(model_path)


def _annotate_in_worker(batch: list[Document]) -> list[Record]:
    assert _WORKER_MODEL is not None
    return annotate_batch(_WORKER_MODEL, batch)


def annotate_batch(model: EventModel, batch: list[Document]) -> list[Record]:
    sets = model.annotate(batch, batch_size=len(batch))
    for aset in sets:
        aset.meta = {"model": model.config.name, "model_version": model.config.version, "pre_annotation": True}
    return [Record(doc, ann) for doc, ann in zip(batch, sets, strict=False)]


def predict_file(
    model_path: str | Path,
    input_path: str | Path,
    out_path: str | Path,
    *,
    batch_size: int = 64,
    n_process: int = 1,
) -> dict[str, Any]:
    """Annotate every input document with the model and write canonical records atomically.

    An existing output is kept as a timestamped backup. Returns counts and timing.
    """
    if batch_size < 1 or n_process < 1:
        raise EventCorpusError("E017", f"batch size {batch_size}, processes {n_process}", expected="both >= 1")
    model = load_model(model_path)
    started = time.perf_counter()
    counts = {"documents": 0, "entities": 0, "events": 0, "arguments": 0}
    backup = backup_existing(out_path)
    batches = _batches(read_inputs(input_path), batch_size)
    total = count_inputs(input_path)
    label = "predicting"

    def write(handle: Any, records: list[Record]) -> None:
        for record in records:
            counts["documents"] += 1
            counts["entities"] += len(record.annotations.entities)
            counts["events"] += len(record.annotations.events)
            counts["arguments"] += sum(len(e.arguments) for e in record.annotations.events)
            handle.write(dumps(record.to_dict()) + "\n")

    with atomic_open(out_path) as handle:
        if n_process == 1:
            for batch in track(batches, label, total=total, unit="documents", size=len):
                write(handle, annotate_batch(model, batch))
        else:
            context = multiprocessing.get_context("spawn")
            with context.Pool(n_process, initializer=_init_worker, initargs=(str(model_path),)) as pool:
                for records in track(
                    pool.imap(_annotate_in_worker, batches), label, total=total, unit="documents", size=len
                ):
                    write(handle, records)
    seconds = time.perf_counter() - started
    return {
        **counts,
        "annotator": model.annotator,
        "seconds": round(seconds, 2),
        "out": str(out_path),
        "backup": str(backup) if backup else None,
    }
