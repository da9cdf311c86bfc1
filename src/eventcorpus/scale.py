"""Ingest and predict shard by shard: in this process (the reference) or on a Ray cluster.

A shard is one input file: a ``.txt``/``.html`` article, a JSON Lines file of articles or
a WARC file for ``ingest``; a canonical ``.jsonl`` (or a ``.txt``) for ``predict``. Each
shard runs the same library code as the single-process commands
(:func:`eventcorpus.ingest.iter_file`, :func:`eventcorpus.extract.predict_file`); the
engine only decides where: ``local`` runs the shards one after another in this process,
``ray`` runs them as a Ray Data stage on a cluster (a local one that starts and stops with
the call, or the one at ``address``). The output folder must be visible to every node.

The output folder::

    OUT/shards/<name>.jsonl         the shard's canonical records (written atomically)
    OUT/shards/<name>.minhash.npz   (ingest) its document ids and MinHash signatures
    OUT/shards/<name>.done.json     written last: input hash, settings, counts, output hash
    OUT/attempts/<name>.log         one line (process id) per try at the shard in this run
    OUT/manifest.json               every shard, totals, duplicates across shards, clusters

``<name>`` is the input's file name made safe for a path plus 12 hex digits of the sha256
of its resolved path, so it is stable across runs and never leaves the folder. A shard is
finished when its ``.done.json`` matches the input's sha256, the settings and the output's
sha256; a re-run skips finished shards and redoes the others. A worker killed mid-shard
leaves only a temporary file (outputs are renamed into place whole) and Ray retries the
shard on another worker. Counts in the manifest show that nothing is lost or doubled.

Near-duplicates are found across the whole stream, not per shard: a Ray stage (one task
per group of LSH bands) indexes every document's signature (the same MinHash ``ingest``
computes) in a datasketch ``MinHashLSH`` with ``ingest``'s banding, and checks each
candidate pair on the full signatures; the clusters go to the manifest.
:func:`merged_documents` reads a run back as the documents ``ingest`` would have given.
"""

from __future__ import annotations

import functools
import glob
import hashlib
import json
import logging
import os
import re
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from eventcorpus.corpus import atomic_open, dumps, read_documents, write_json
from eventcorpus.errors import EventCorpusError
from eventcorpus.ingest import (
    DEFAULT_THRESHOLD,
    MINHASH_SEED,
    NUM_PERM,
    UNKNOWN,
    Defaults,
    IngestFailed,
    _merge,
    _rows_per_band,
    _where,
    estimated_jaccard,
    expand_paths,
    iter_file,
    load_patterns,
    minhash_signature,
)
from eventcorpus.records import UNANNOTATED, AnnotationSet, Document, Record

ENGINES = ("local", "ray")
MANIFEST = "manifest.json"
SHARDS = "shards"
ATTEMPTS = "attempts"
_GLOB = re.compile(r"[*?\[]")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass
class Progress:
    """Where a run stands: shards done of total, documents written, tries beyond the first."""

    shards_done: int
    shards_total: int
    documents: int
    seconds: float
    retries: int
    skipped: int = 0

    @property
    def docs_per_s(self) -> float:
        return self.documents / self.seconds if self.seconds > 0 else 0.0

    def render(self) -> str:
        return (
            f"shards {self.shards_done}/{self.shards_total} ({self.skipped} already done), "
            f"{self.documents} documents, {self.docs_per_s:.1f} docs/s, {self.retries} retried"
        )


ProgressCallback = Callable[[Progress], None]


# --------------------------------------------------------------------------- shards and files


def shard_name(path: Path) -> str:
    """A stable file-name stem for a shard: its safe file name and a hash of its resolved path."""
    base = _UNSAFE.sub("_", path.name).lstrip(".")[:60] or "shard"
    return f"{base}-{hashlib.sha256(str(path.resolve()).encode('utf-8')).hexdigest()[:12]}"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except OSError as exc:
        raise EventCorpusError("E004", f"cannot read the file: {exc.strerror or exc}", file=str(path)) from exc
    return digest.hexdigest()


def expand_globs(inputs: Iterable[str | Path]) -> list[Path]:
    """Paths as given, with quoted glob patterns (``crawl/*.warc.gz``, ``**``) expanded in sorted order."""
    paths: list[Path] = []
    for given in inputs:
        text = str(given)
        if not Path(text).exists() and _GLOB.search(text):
            matches = sorted(glob.glob(text, recursive=True))
            if not matches:
                raise EventCorpusError("E804", f"the pattern {text!r} matches no file")
            paths.extend(Path(m) for m in matches)
        else:
            paths.append(Path(text))
    return paths


def _write_bytes_atomic(path: Path, data: bytes) -> str:
    with atomic_open(path, "wb") as handle:
        handle.write(data)
    return hashlib.sha256(data).hexdigest()


def _record_attempt(out_dir: Path, name: str) -> int:
    """Note this try at the shard (the worker's process id); return how many tries this run made."""
    log = out_dir / ATTEMPTS / f"{name}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as handle:
        handle.write(f"{os.getpid()}\n")
    return len(log.read_text(encoding="utf-8").split())


def _finished(out_dir: Path, name: str, input_sha256: str, settings: dict[str, Any]) -> dict[str, Any] | None:
    """The shard's done marker if its input, settings and outputs are those of a finished run."""
    marker = out_dir / SHARDS / f"{name}.done.json"
    try:
        done = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if done.get("input_sha256") != input_sha256 or done.get("settings") != settings:
        return None
    for key, file in done.get("outputs", {}).items():
        path = out_dir / SHARDS / file
        if not path.is_file() or file_sha256(path) != done.get(f"{key}_sha256"):
            return None
    return dict(done)


def _not_outputs(files: list[Path], out_dir: Path) -> list[Path]:
    """Inputs less the files inside the output folder: a run's own shards are never read back as input."""
    out = out_dir.resolve()
    return [f for f in files if not f.resolve().is_relative_to(out)]


def _check_kind(out_dir: Path, kind: str) -> None:
    manifest = out_dir / MANIFEST
    if manifest.is_file():
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except (ValueError, OSError):
            data = None
        old = data.get("kind") if isinstance(data, dict) else None
        if old not in (None, kind):
            raise EventCorpusError("E806", f"the folder holds a {old} run, not {kind}", file=str(manifest))


# --------------------------------------------------------------------------- engines


def _call(function: Callable[[dict[str, Any]], dict[str, Any]], row: dict[str, Any]) -> dict[str, Any]:
    """Run one task on a worker; a coded error comes back as data (it is not a worker failure to retry)."""
    try:
        result = function(json.loads(row["task"]))
    except EventCorpusError as exc:
        result = {"error": exc.as_dict()}
    return {"result": json.dumps(result)}


def _raise_if_error(result: dict[str, Any]) -> dict[str, Any]:
    if "error" in result:
        error = result["error"]
        raise EventCorpusError(
            error["code"],
            error["detail"],
            file=error.get("file"),
            line=error.get("line"),
            doc_id=error.get("doc_id"),
            offset=error.get("offset"),
            expected=error.get("expected"),
        )
    return result


class RaySession:
    """Join the cluster at ``address``, or start a local one, for the length of a ``with`` block.

    A Ray already initialised in this process (a benchmark, a notebook) is used as it is.
    """

    def __init__(self, address: str | None = None, num_cpus: int | None = None) -> None:
        self.address = address
        self.num_cpus = num_cpus
        self.started = False

    def __enter__(self) -> RaySession:
        try:
            import ray
            import ray.data  # noqa: F401
        except ImportError as exc:
            raise EventCorpusError("E800", f"--engine ray needs Ray Data ({exc})") from exc
        if not ray.is_initialized():
            options: dict[str, Any] = {"log_to_driver": False, "configure_logging": False}
            if self.address:
                options["address"] = self.address
            else:
                options.update(num_cpus=self.num_cpus, include_dashboard=False)
            try:
                ray.init(**options)
            except (ConnectionError, TimeoutError, RuntimeError, ValueError) as exc:
                raise EventCorpusError("E803", f"{self.address or 'local cluster'}: {exc}") from exc
            self.started = True
        logging.getLogger("ray.data").setLevel(logging.WARNING)
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False
        return self

    def __exit__(self, *exc: object) -> None:
        if self.started:
            import ray

            ray.shutdown()


def check_engine(engine: str, address: str | None) -> None:
    if engine not in ENGINES:
        raise EventCorpusError("E802", f"engine {engine!r}", expected=" or ".join(ENGINES))
    if engine == "local" and address:
        raise EventCorpusError("E802", "--address joins a Ray cluster; it needs --engine ray")


def run_tasks(
    function: Callable[[dict[str, Any]], dict[str, Any]],
    tasks: Sequence[dict[str, Any]],
    *,
    engine: str = "local",
    address: str | None = None,
    num_cpus: int | None = None,
) -> Iterator[dict[str, Any]]:
    """Run ``function`` on every task; yield each result as it finishes (any order on Ray).

    ``local``: one after another in this process. ``ray``: a Ray Data stage of one task per
    item, retried by Ray (3 times, its default) when its worker dies.
    """
    check_engine(engine, address)
    if not tasks:
        return
    if engine == "local":
        for task in tasks:
            yield _raise_if_error(json.loads(_call(function, {"task": json.dumps(task)})["result"]))
        return
    with RaySession(address, num_cpus):
        import ray.data

        rows = [{"task": json.dumps(task)} for task in tasks]
        dataset = ray.data.from_items(rows, override_num_blocks=len(rows)).map(
            functools.partial(_call, function), num_cpus=1
        )  # Ray retries a task whose worker died (3 times: Ray's default for tasks)
        try:
            for row in dataset.iter_rows():
                yield _raise_if_error(json.loads(row["result"]))
        except EventCorpusError:
            raise
        except Exception as exc:  # a task that failed on every try: Ray wraps the cause
            raise EventCorpusError(
                "E805", f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
            ) from exc


def _run_with_progress(
    function: Callable[[dict[str, Any]], dict[str, Any]],
    tasks: list[dict[str, Any]],
    skipped: int,
    *,
    engine: str,
    address: str | None,
    num_cpus: int | None,
    progress: ProgressCallback | None,
) -> list[dict[str, Any]]:
    started = time.perf_counter()
    state = Progress(skipped, len(tasks) + skipped, 0, 0.0, 0, skipped)
    results = []
    for result in run_tasks(function, tasks, engine=engine, address=address, num_cpus=num_cpus):
        results.append(result)
        state.shards_done += 1
        state.documents += result["documents"]
        state.retries += result["attempts"] - 1
        state.seconds = time.perf_counter() - started
        if progress is not None:
            progress(state)
    return results


# --------------------------------------------------------------------------- ingest


def ingest_shard(task: dict[str, Any]) -> dict[str, Any]:
    """Read one input file into its shard output (runs on a worker); return its done marker."""
    out_dir, name, path = Path(task["out"]), task["name"], Path(task["input"])
    attempts = _record_attempt(out_dir, name)
    settings = task["settings"]
    rules = load_patterns(settings["patterns"])
    defaults = Defaults(licence=settings["licence"], attribution=settings["attribution"])
    input_sha256 = file_sha256(path)
    by_id: dict[str, Document] = {}
    failures: list[dict[str, Any]] = []
    duplicates: list[dict[str, Any]] = []
    read = 0
    for item in iter_file(path, rules, defaults):
        if isinstance(item, EventCorpusError):
            failures.append(item.as_dict())
            continue
        read += 1
        if item.id in by_id:
            _merge(by_id[item.id], item)
            duplicates.append(
                {"id": item.id, "kept": _where(by_id[item.id].provenance[0]), "merged": _where(item.provenance[0])}
            )
        else:
            by_id[item.id] = item
    documents = list(by_id.values())
    lines = "".join(dumps(Record(d, AnnotationSet(d.id, UNANNOTATED)).to_dict()) + "\n" for d in documents)
    shards = out_dir / SHARDS
    output_sha256 = _write_bytes_atomic(shards / f"{name}.jsonl", lines.encode("utf-8"))
    signatures = (
        np.stack([minhash_signature(d.text) for d in documents]) if documents else np.zeros((0, NUM_PERM), np.uint64)
    )
    buffer = _npz_bytes(np.array([d.id for d in documents], dtype=str), signatures)
    signatures_sha256 = _write_bytes_atomic(shards / f"{name}.minhash.npz", buffer)
    marker = {
        "shard": name,
        "input": path.as_posix(),
        "input_sha256": input_sha256,
        "settings": settings,
        "records_read": read,
        "duplicates_merged": duplicates,
        "documents": len(documents),
        "failures": failures,
        "outputs": {"output": f"{name}.jsonl", "signatures": f"{name}.minhash.npz"},
        "output_sha256": output_sha256,
        "signatures_sha256": signatures_sha256,
        "attempts": attempts,
    }
    write_json(shards / f"{name}.done.json", marker)
    return marker


def _npz_bytes(ids: np.ndarray, signatures: np.ndarray) -> bytes:
    import io

    buffer = io.BytesIO()
    np.savez(buffer, ids=ids, signatures=signatures)
    return buffer.getvalue()


def _load_signatures(path: Path) -> tuple[list[str], np.ndarray]:
    with np.load(path) as data:
        return [str(i) for i in data["ids"]], np.asarray(data["signatures"], dtype=np.uint64)


def _unique_signatures(files: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """Document ids in stream order (first occurrence wins, as in ``ingest``) and their signatures."""
    seen: set[str] = set()
    ids: list[str] = []
    rows: list[np.ndarray] = []
    for file in files:
        shard_ids, signatures = _load_signatures(Path(file))
        for doc_id, signature in zip(shard_ids, signatures, strict=True):
            if doc_id not in seen:
                seen.add(doc_id)
                ids.append(doc_id)
                rows.append(signature)
    return ids, np.stack(rows) if rows else np.zeros((0, NUM_PERM), np.uint64)


def lsh_pairs(task: dict[str, Any]) -> dict[str, Any]:
    """One LSH stage task: near-duplicate pairs (stream indices) among documents sharing a band of its group."""
    from datasketch import LeanMinHash, MinHashLSH

    attempts = _record_attempt(Path(task["out"]), f"lsh-{task['group']}")
    _, signatures = _unique_signatures(task["files"])
    rows, first, last, threshold = task["rows"], task["first_band"], task["last_band"], task["threshold"]
    columns = signatures[:, first * rows : last * rows]
    candidates: set[tuple[int, int]] = set()
    if last - first >= 2:  # datasketch needs two bands or more
        index = MinHashLSH(num_perm=columns.shape[1], params=(last - first, rows))
        for i, row in enumerate(columns):
            minhash = LeanMinHash(seed=MINHASH_SEED, hashvalues=row, scheme="affine64")
            candidates.update((j, i) for j in index.query(minhash))
            index.insert(i, minhash, check_duplication=False)
    else:
        buckets: dict[bytes, list[int]] = {}
        for i, row in enumerate(columns):
            bucket = buckets.setdefault(row.tobytes(), [])
            candidates.update((j, i) for j in bucket)
            bucket.append(i)
    pairs = sorted((a, b) for a, b in candidates if estimated_jaccard(signatures[a], signatures[b]) >= threshold)
    return {"pairs": pairs, "documents": 0, "attempts": attempts}


def near_duplicate_stage(
    signature_files: Sequence[str],
    ids: Sequence[str],
    out_dir: Path,
    threshold: float,
    *,
    engine: str,
    address: str | None,
    num_cpus: int | None,
    groups: int = 4,
) -> dict[str, list[str]]:
    """Clusters of near-duplicates over the whole stream, as ``ingest`` finds them, with the LSH bands spread over tasks."""
    if not ids:
        return {}
    rows = _rows_per_band(NUM_PERM, threshold)
    bands = NUM_PERM // rows
    groups = max(1, min(groups, bands // 2))
    edges = [round(g * bands / groups) for g in range(groups + 1)]
    tasks = [
        {"out": str(out_dir), "group": g, "files": list(signature_files), "rows": rows, "threshold": threshold}
        | {"first_band": edges[g], "last_band": edges[g + 1]}
        for g in range(groups)
    ]
    for g in range(groups):
        (out_dir / ATTEMPTS / f"lsh-{g}.log").unlink(missing_ok=True)
    parent = list(range(len(ids)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for result in run_tasks(lsh_pairs, tasks, engine=engine, address=address, num_cpus=num_cpus):
        for a, b in result["pairs"]:
            ra, rb = root(a), root(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    members: dict[int, list[str]] = {}
    for i, doc_id in enumerate(ids):
        members.setdefault(root(i), []).append(doc_id)
    return {f"ndc-{group[0]}": group for group in members.values() if len(group) > 1}


def ingest_sharded(
    paths: Iterable[str | Path],
    out_dir: str | Path,
    *,
    engine: str = "local",
    address: str | None = None,
    num_cpus: int | None = None,
    patterns: str | Path | None = None,
    skip_invalid: bool = False,
    licence: str = UNKNOWN,
    attribution: str | None = None,
    near_duplicate_threshold: float = DEFAULT_THRESHOLD,
    progress: ProgressCallback | None = None,
) -> dict[str, Any]:
    """``ingest`` shard by shard into OUT/shards, then near-duplicates over the stream; return the manifest.

    Inputs are files, folders (searched as ``ingest`` does) and glob patterns; each file is
    a shard. Finished shards are skipped. The manifest is written even when inputs fail;
    without ``skip_invalid`` failures then raise :class:`IngestFailed` (E016).
    """
    out, given = Path(out_dir), list(paths)
    check_engine(engine, address)
    _check_kind(out, "ingest")
    started = time.perf_counter()
    load_patterns(patterns)  # a bad patterns file fails here, before any worker starts
    settings = {
        "patterns": None if patterns is None else str(Path(patterns).resolve()),
        "patterns_sha256": None if patterns is None else file_sha256(Path(patterns)),
        "licence": licence or UNKNOWN,
        "attribution": attribution,
    }
    files, skipped_files, missing = expand_paths(expand_globs(given))
    files = _not_outputs(files, out)
    if not files:
        raise EventCorpusError("E804", f"no article files in the {len(given)} input path(s)")
    names = [shard_name(f) for f in files]
    tasks, done = [], {}
    for file, name in zip(files, names, strict=True):
        marker = _finished(out, name, file_sha256(file), settings)
        if marker is not None:
            done[name] = marker | {"skipped": True}
        else:
            (out / ATTEMPTS / f"{name}.log").unlink(missing_ok=True)
            tasks.append({"out": str(out), "name": name, "input": str(file), "settings": settings})
    common: dict[str, Any] = {"engine": engine, "address": address, "num_cpus": num_cpus}
    for result in _run_with_progress(ingest_shard, tasks, len(done), progress=progress, **common):
        done[result["shard"]] = result | {"skipped": False}
    markers = [done[name] for name in names]
    signature_files = [str(out / SHARDS / m["outputs"]["signatures"]) for m in markers]
    ids, across = _stream_ids(signature_files, names)
    clusters = near_duplicate_stage(signature_files, ids, out, near_duplicate_threshold, **common)
    failures = [f.as_dict() for f in missing] + [f for m in markers for f in m["failures"]]
    manifest = {
        "kind": "ingest",
        "engine": engine,
        "created": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "inputs": [str(p) for p in given],
        "settings": settings | {"near_duplicate_threshold": near_duplicate_threshold},
        "totals": {
            "shards": len(markers),
            "shards_skipped": sum(1 for m in markers if m["skipped"]),
            "records_read": sum(m["records_read"] for m in markers),
            "duplicates_merged_in_shards": sum(len(m["duplicates_merged"]) for m in markers),
            "documents_in_shards": sum(m["documents"] for m in markers),
            "duplicates_across_shards": sum(len(v) - 1 for v in across.values()),
            "documents": len(ids),
            "near_duplicate_clusters": len(clusters),
            "failures": len(failures),
            "retries": sum(m["attempts"] - 1 for m in markers if not m["skipped"]),
            "seconds": round(time.perf_counter() - started, 2),
        },
        "shards": [_shard_entry(m) for m in markers],
        "duplicates_across_shards": across,
        "near_duplicate_clusters": clusters,
        "failures": failures,
        "skipped_files": skipped_files,
    }
    _write_manifest(out, manifest)
    if failures and not skip_invalid:
        raise IngestFailed([_error_from(f) for f in failures], len(files))
    return manifest


def _stream_ids(signature_files: Sequence[str], names: Sequence[str]) -> tuple[list[str], dict[str, list[str]]]:
    """Unique ids in stream order, and the shards of each id found in more than one shard."""
    where: dict[str, list[str]] = {}
    for file, name in zip(signature_files, names, strict=True):
        with np.load(file) as data:
            for doc_id in data["ids"]:
                where.setdefault(str(doc_id), []).append(name)
    return list(where), {doc_id: shards for doc_id, shards in where.items() if len(shards) > 1}


def _shard_entry(marker: dict[str, Any]) -> dict[str, Any]:
    keep = ("shard", "input", "input_sha256", "records_read", "documents", "output_sha256", "attempts", "skipped")
    entry = {key: marker[key] for key in keep if key in marker}
    entry["output"] = f"{SHARDS}/{marker['outputs']['output']}"
    for key in ("duplicates_merged", "failures"):
        if key in marker:
            entry[key] = len(marker[key])
    for key in ("entities", "events", "arguments"):
        if key in marker:
            entry[key] = marker[key]
    return entry


def _error_from(data: dict[str, Any]) -> EventCorpusError:
    return EventCorpusError(
        data["code"], data["detail"], file=data.get("file"), line=data.get("line"), offset=data.get("offset")
    )


def _write_manifest(out: Path, manifest: dict[str, Any]) -> None:
    target = out / MANIFEST
    if target.exists():  # the previous run's manifest, kept once, as a copy: the old one stays until the new one is in
        shutil.copy2(target, out / f"{MANIFEST}.bak")
    write_json(target, manifest)


def merged_documents(out_dir: str | Path) -> Iterator[Document]:
    """The documents of an ingest run as ``ingest`` gives them: stream order, duplicates across
    shards merged into their first copy, near-duplicate clusters in ``meta``."""
    out = Path(out_dir)
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    across = manifest["duplicates_across_shards"]
    cluster_of = {doc_id: cid for cid, members in manifest["near_duplicate_clusters"].items() for doc_id in members}
    outputs = [(entry["shard"], out / entry["output"]) for entry in manifest["shards"]]
    later: dict[str, list[Document]] = {}
    for shard, path in outputs:  # first pass: the later copies of documents that are in several shards
        for document in read_documents(path):
            if document.id in across and across[document.id][0] != shard:
                later.setdefault(document.id, []).append(document)
    emitted: set[str] = set()
    for _, path in outputs:
        for document in read_documents(path):
            if document.id in emitted:
                continue
            emitted.add(document.id)
            for copy in later.get(document.id, []):
                _merge(document, copy)
            if document.id in cluster_of:
                document.meta["near_duplicate_cluster"] = cluster_of[document.id]
            yield document


# --------------------------------------------------------------------------- predict


def _model_sha256(model_path: Path) -> str:
    meta = model_path / "meta.json"
    if not meta.is_file():
        raise EventCorpusError("E004", "not a model folder (no meta.json)", file=str(model_path))
    return file_sha256(meta)


def predict_shard(task: dict[str, Any]) -> dict[str, Any]:
    """Annotate one shard with the public ``predict_file`` (runs on a worker); return its done marker."""
    from eventcorpus.extract import predict_file

    out_dir, name = Path(task["out"]), task["name"]
    attempts = _record_attempt(out_dir, name)
    target = out_dir / SHARDS / f"{name}.jsonl"
    target.unlink(missing_ok=True)  # a copy from a try that died before its marker: redone whole
    input_sha256 = file_sha256(Path(task["input"]))
    summary = predict_file(task["model"], task["input"], target, batch_size=task["batch_size"])
    marker = {
        "shard": name,
        "input": task["input"],
        "input_sha256": input_sha256,
        "settings": task["settings"],
        "records_read": summary["documents"],
        "documents": summary["documents"],
        "entities": summary["entities"],
        "events": summary["events"],
        "arguments": summary["arguments"],
        "outputs": {"output": f"{name}.jsonl"},
        "output_sha256": file_sha256(target),
        "attempts": attempts,
    }
    write_json(out_dir / SHARDS / f"{name}.done.json", marker)
    return marker


def predict_inputs(inputs: Iterable[str | Path]) -> list[Path]:
    """Shards to predict on: canonical ``.jsonl`` files (a folder: its ``.jsonl`` files, else its ``.txt`` files)."""
    files: list[Path] = []
    for path in expand_globs(inputs):
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.jsonl") if not p.name.startswith("."))
            files.extend(found or sorted(p for p in path.rglob("*.txt") if not p.name.startswith(".")))
        elif path.is_file():
            files.append(path)
        else:
            raise EventCorpusError("E004", "no such file or folder", file=str(path))
    if not files:
        raise EventCorpusError("E804", "no .jsonl or .txt shards in the input")
    return files


def predict_sharded(
    model_path: str | Path,
    inputs: Iterable[str | Path],
    out_dir: str | Path,
    *,
    engine: str = "local",
    address: str | None = None,
    num_cpus: int | None = None,
    batch_size: int = 64,
    progress: ProgressCallback | None = None,
) -> dict[str, Any]:
    """``predict`` shard by shard into OUT/shards (one output per input shard); return the manifest."""
    out, model, given = Path(out_dir), Path(model_path), list(inputs)
    check_engine(engine, address)
    _check_kind(out, "predict")
    started = time.perf_counter()
    settings = {"model": str(model.resolve()), "model_meta_sha256": _model_sha256(model), "batch_size": batch_size}
    files = _not_outputs(predict_inputs(given), out)
    names = [shard_name(f) for f in files]
    if len(set(names)) != len(names):
        raise EventCorpusError("E804", "the same input file is given twice")
    tasks, done = [], {}
    for file, name in zip(files, names, strict=True):
        marker = _finished(out, name, file_sha256(file), settings)
        if marker is not None:
            done[name] = marker | {"skipped": True}
        else:
            (out / ATTEMPTS / f"{name}.log").unlink(missing_ok=True)
            task = {"out": str(out), "name": name, "input": str(file), "settings": settings}
            tasks.append(task | {"model": str(model), "batch_size": batch_size})
    common: dict[str, Any] = {"engine": engine, "address": address, "num_cpus": num_cpus}
    for result in _run_with_progress(predict_shard, tasks, len(done), progress=progress, **common):
        done[result["shard"]] = result | {"skipped": False}
    markers = [done[name] for name in names]
    manifest = {
        "kind": "predict",
        "engine": engine,
        "created": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "inputs": [str(p) for p in given],
        "settings": settings,
        "totals": {
            "shards": len(markers),
            "shards_skipped": sum(1 for m in markers if m["skipped"]),
            "documents": sum(m["documents"] for m in markers),
            **{key: sum(m[key] for m in markers) for key in ("entities", "events", "arguments")},
            "retries": sum(m["attempts"] - 1 for m in markers if not m["skipped"]),
            "seconds": round(time.perf_counter() - started, 2),
        },
        "shards": [_shard_entry(m) for m in markers],
    }
    _write_manifest(out, manifest)
    return manifest
