"""Sharded ingest and predict: the single-process engine is the reference, a real Ray cluster gives the same answer.

The Ray tests start a real head node on 127.0.0.1 (`ray start --head`, two CPUs, a small
object store, no dashboard), kill a worker process in the middle of a shard, and compare
every document and prediction with the single-process run. The cluster is stopped at the
end, also when a test fails.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eventcorpus.cli import app
from eventcorpus.corpus import read_records, write_records
from eventcorpus.errors import EventCorpusError
from eventcorpus.extract import load_config, predict_file, train_model
from eventcorpus.ingest import Defaults, IngestFailed, ingest, iter_file, load_patterns
from eventcorpus.records import UNANNOTATED, AnnotationSet, Document, Record, document_id
from eventcorpus.scale import (
    MANIFEST,
    SHARDS,
    ingest_sharded,
    merged_documents,
    predict_sharded,
    shard_name,
)
from tests.scale_crawl import write_crawl
from tests.test_model import TINY, synthetic_records


def by_id(dicts: list[dict]) -> list[dict]:
    return sorted(dicts, key=lambda d: d["id"])


def shard_lines(out: Path) -> list[dict]:
    return [json.loads(line) for path in sorted((out / SHARDS).glob("*.jsonl")) for line in path.open()]


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_crawl(tmp_path_factory.mktemp("scale"), warc_pages=150)


@pytest.fixture(scope="module")
def reference(crawl: Path) -> list[dict]:
    """What single-process ``ingest`` gives for the crawl: the reference for every engine."""
    return by_id([d.to_dict() for d in ingest([crawl]).documents])


# --------------------------------------------------------------------------- single process


def test_local_sharded_ingest_gives_the_documents_ingest_gives(crawl: Path, reference: list[dict], tmp_path: Path):
    manifest = ingest_sharded([crawl], tmp_path)
    assert by_id([d.to_dict() for d in merged_documents(tmp_path)]) == reference
    totals = manifest["totals"]
    lines = shard_lines(tmp_path)
    assert totals["documents_in_shards"] == len(lines) == sum(s["documents"] for s in manifest["shards"])
    assert totals["documents"] == len({r["id"] for r in lines}) == len(reference)
    assert totals["documents_in_shards"] - totals["duplicates_across_shards"] == totals["documents"]
    assert totals["shards"] == 7 and totals["failures"] == 0 and totals["retries"] == 0
    clusters = {d["meta"]["near_duplicate_cluster"] for d in reference if "near_duplicate_cluster" in d.get("meta", {})}
    assert set(manifest["near_duplicate_clusters"]) == clusters and len(clusters) >= 5
    across = manifest["duplicates_across_shards"]
    assert across and all(len(shards) == 2 for shards in across.values())


def test_each_shard_output_is_named_after_its_input_and_hashed_in_the_manifest(crawl: Path, tmp_path: Path):
    import hashlib

    manifest = ingest_sharded([crawl], tmp_path)
    for entry in manifest["shards"]:
        assert entry["shard"] == shard_name(Path(entry["input"]))
        output = tmp_path / entry["output"]
        assert output.parent == tmp_path / SHARDS
        assert hashlib.sha256(output.read_bytes()).hexdigest() == entry["output_sha256"]
        assert hashlib.sha256(Path(entry["input"]).read_bytes()).hexdigest() == entry["input_sha256"]


def test_rerun_skips_finished_shards_and_redoes_missing_or_changed_ones(crawl: Path, tmp_path: Path):
    first = ingest_sharded([crawl], tmp_path)
    again = ingest_sharded([crawl], tmp_path)
    assert (
        again["totals"]["shards_skipped"] == 7 and again["near_duplicate_clusters"] == first["near_duplicate_clusters"]
    )
    assert (tmp_path / f"{MANIFEST}.bak").is_file()
    lost = tmp_path / first["shards"][0]["output"]
    lost.unlink()
    (tmp_path / first["shards"][1]["output"]).write_text("half a line", encoding="utf-8")  # a damaged output
    third = ingest_sharded([crawl], tmp_path)
    redone = [s["shard"] for s in third["shards"] if not s["skipped"]]
    assert redone == [first["shards"][0]["shard"], first["shards"][1]["shard"]]
    assert (
        third["totals"]["documents_in_shards"] == first["totals"]["documents_in_shards"] == len(shard_lines(tmp_path))
    )


def test_an_output_folder_inside_the_input_folder_is_never_read_back_as_input(crawl: Path, tmp_path: Path):
    """A re-run once took OUT/shards/*.jsonl, the first run's own output, for new input shards."""
    import shutil

    inputs = tmp_path / "crawl"
    shutil.copytree(crawl, inputs)
    first = ingest_sharded([inputs], inputs / "out")
    again = ingest_sharded([inputs], inputs / "out")
    assert again["totals"]["shards"] == first["totals"]["shards"] == len(first["shards"])
    assert not any("/out/" in entry["input"] for entry in again["shards"])


def test_warc_records_become_documents_through_the_html_extraction(crawl: Path, tmp_path: Path):
    warc = crawl / "crawl-00.warc.gz"
    read = list(iter_file(warc, load_patterns(), Defaults()))
    assert len(read) == 150 and all(isinstance(d, Document) for d in read)  # the request and the image: no articles
    documents = ingest([warc]).documents
    first = documents[0]
    assert first.url == "https://news.example.org/0" and first.published == "2024-03-04"
    assert first.title == "Web report 0" and "Copyright" not in first.text and "Home | World" not in first.text
    origin = first.provenance[0]
    assert origin["format"] == "warc" and origin["warc_target_uri"] == first.url and origin["warc_record_offset"] > 0


def test_a_truncated_warc_is_a_coded_failure_naming_the_file(crawl: Path, tmp_path: Path):
    broken = tmp_path / "broken.warc.gz"
    broken.write_bytes((crawl / "crawl-00.warc.gz").read_bytes()[:5000])
    with pytest.raises(IngestFailed) as failed:
        ingest_sharded([broken], tmp_path / "out")
    assert [(f.code, f.file) for f in failed.value.failures] == [("E801", broken.as_posix())]
    assert "short of its length" in failed.value.failures[0].detail
    manifest = json.loads((tmp_path / "out" / MANIFEST).read_text())
    assert manifest["totals"]["failures"] == len(failed.value.failures)


def test_a_file_that_is_not_a_warc_is_a_coded_failure(tmp_path: Path):
    for name in ("page.warc", "page.warc.gz"):
        (tmp_path / name).write_text("<html>not an archive</html>", encoding="utf-8")
        (failure,) = list(iter_file(tmp_path / name, load_patterns(), Defaults()))
        assert isinstance(failure, EventCorpusError) and failure.code == "E801"


def test_a_glob_pattern_selects_shards(crawl: Path, tmp_path: Path):
    manifest = ingest_sharded([str(crawl / "part-*.jsonl")], tmp_path)
    assert [Path(s["input"]).name for s in manifest["shards"]] == [f"part-{i:02d}.jsonl" for i in range(4)]


def test_engine_errors_are_coded(crawl: Path, tmp_path: Path):
    with pytest.raises(EventCorpusError) as error:
        ingest_sharded([crawl], tmp_path, engine="spark")
    assert error.value.code == "E802"
    with pytest.raises(EventCorpusError) as error:
        ingest_sharded([crawl], tmp_path, address="127.0.0.1:1")
    assert error.value.code == "E802"
    with pytest.raises(EventCorpusError) as error:
        ingest_sharded([str(tmp_path / "nothing-*.warc")], tmp_path)
    assert error.value.code == "E804"


def test_an_ingest_folder_is_not_reused_for_predict(crawl: Path, tmp_path: Path, model: Path):
    ingest_sharded([crawl / "part-00.jsonl"], tmp_path)
    with pytest.raises(EventCorpusError) as error:
        predict_sharded(model, [crawl / "part-00.jsonl"], tmp_path)
    assert error.value.code == "E806"


# --------------------------------------------------------------------------- a tiny model and its shards


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("scale-model")
    write_records(root / "train.jsonl", synthetic_records(60, seed=1))
    write_records(root / "dev.jsonl", synthetic_records(20, seed=2))
    (root / "tiny.yaml").write_text(TINY.replace("max_epochs: 12, patience: 12", "max_epochs: 4, patience: 4"))
    config = load_config(root / "tiny.yaml")
    train_model(root / "train.jsonl", root / "dev.jsonl", config, config_path=root / "tiny.yaml").save(root / "m")
    return root / "m"


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """200 documents in 4 canonical shards, and all of them in one file for the single-process run."""
    root = tmp_path_factory.mktemp("scale-docs")
    docs = []
    for i in range(200):
        text = " ".join(r.document.text for r in synthetic_records(3, seed=i))
        docs.append(Document(id=document_id(text), text=text, title=f"doc {i}"))
    records = [Record(d, AnnotationSet(d.id, UNANNOTATED)) for d in docs]
    (root / "shards").mkdir()
    for s in range(4):
        write_records(root / "shards" / f"docs-{s}.jsonl", records[s::4])
    write_records(root / "all.jsonl", records)
    return root


def test_local_sharded_predict_gives_what_predict_file_gives(model: Path, documents: Path, tmp_path: Path):
    predict_file(model, documents / "all.jsonl", tmp_path / "single.jsonl")
    manifest = predict_sharded(model, [documents / "shards"], tmp_path / "out")
    expected = by_id([r.to_dict() for r in read_records(tmp_path / "single.jsonl")])
    assert by_id(shard_lines(tmp_path / "out")) == expected
    assert manifest["totals"]["documents"] == 200 and manifest["totals"]["shards"] == 4
    assert manifest["totals"]["events"] == sum(len(r["events"]) for r in expected) > 0


# --------------------------------------------------------------------------- a real Ray cluster


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _session_pids(session: int) -> list[int]:
    """Live (not zombie) processes of the session the test's `ray start` leads."""
    out = subprocess.run(["ps", "-eo", "pid=,sid=,stat="], capture_output=True, text=True, check=True).stdout
    rows = (line.split() for line in out.splitlines())
    return [int(pid) for pid, sid, stat in rows if int(sid) == session and not stat.startswith("Z")]


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[str]:
    """A head node on 127.0.0.1 with two CPUs; every process it started is stopped afterwards."""
    temp = Path(tempfile.mkdtemp(prefix="ray-", dir="/tmp"))  # Ray's socket paths must stay short
    port = free_port()
    ray = Path(sys.executable).parent / "ray"
    command = [str(ray), "start", "--head", "--block", f"--port={port}", "--node-ip-address=127.0.0.1"]
    command += ["--num-cpus=2", f"--memory={2 * 1024**3}", f"--object-store-memory={100 * 1024**2}"]
    command += ["--include-dashboard=false", "--disable-usage-stats", f"--temp-dir={temp}"]
    command += [f"--dashboard-agent-listen-port={free_port()}"]
    command += [f"--dashboard-agent-grpc-port={free_port()}", f"--metrics-export-port={free_port()}"]
    command += [f"--runtime-env-agent-port={free_port()}", f"--node-manager-port={free_port()}"]
    command += [f"--object-manager-port={free_port()}"]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(Path(__file__).parents[1] / "src"), *sys.path]))
    env["RAY_USAGE_STATS_ENABLED"] = "0"
    env["RAY_AUTH_MODE"] = "disabled"  # a throw-away cluster on 127.0.0.1: no token to hand to the driver
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv("RAY_AUTH_MODE", "disabled")
    log = (temp / "start.log").open("w")
    head = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while "Ray runtime started" not in (temp / "start.log").read_text():
            assert head.poll() is None and time.monotonic() < deadline, (temp / "start.log").read_text()
            time.sleep(0.5)
        yield f"127.0.0.1:{port}"
    finally:
        for sig, wait in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 10.0)):
            # `ray start --block` stops the cluster it started on SIGTERM; what is left is killed
            for pid in [head.pid] if sig == signal.SIGTERM else _session_pids(head.pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, sig)
            deadline = time.monotonic() + wait
            while _session_pids(head.pid) and time.monotonic() < deadline:
                head.poll()  # reap the head process once it exits
                time.sleep(0.5)
        head.wait(timeout=10)
        monkeypatch.undo()
        log.close()
        leftover = _session_pids(head.pid)
        assert not leftover, f"Ray processes left running: {leftover}"


def kill_first_try(out: Path, name: str, killed: list[int]) -> threading.Thread:
    """Kill (SIGKILL) the worker process as soon as it starts on shard ``name``."""

    def run() -> None:
        log = out / "attempts" / f"{name}.log"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if log.is_file() and log.read_text().split():
                pid = int(log.read_text().split()[0])
                time.sleep(0.2)  # in the middle of the shard, not before it
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
                return
            time.sleep(0.02)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


@pytest.mark.slow
def test_ray_ingest_survives_a_killed_worker_and_gives_the_single_process_documents(
    crawl: Path, reference: list[dict], ray_cluster: str, tmp_path: Path
):
    out = tmp_path / "out"
    warc = crawl / "crawl-00.warc.gz"
    killed: list[int] = []
    killer = kill_first_try(out, shard_name(warc), killed)
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", str(crawl), "--out", str(out), "--engine", "ray", "--address", ray_cluster])
    killer.join(timeout=5)
    assert result.exit_code == 0, result.output
    assert killed, "the worker was not killed"
    manifest = json.loads((out / MANIFEST).read_text())
    warc_entry = next(s for s in manifest["shards"] if s["input"] == warc.as_posix())
    assert warc_entry["attempts"] >= 2 and manifest["totals"]["retries"] >= 1
    assert manifest["engine"] == "ray"
    assert by_id([d.to_dict() for d in merged_documents(out)]) == reference
    lines = shard_lines(out)
    assert manifest["totals"]["documents_in_shards"] == len(lines)  # nothing lost, nothing doubled
    assert not [p for p in out.rglob("*.tmp")]  # the killed try left no partial output
    assert "shards 7/7" in result.output and "docs/s" in result.output


@pytest.mark.slow
def test_ray_predict_survives_a_killed_worker_and_gives_predict_file_s_records(
    model: Path, documents: Path, ray_cluster: str, tmp_path: Path
):
    predict_file(model, documents / "all.jsonl", tmp_path / "single.jsonl")
    out = tmp_path / "out"
    killed: list[int] = []
    killer = kill_first_try(out, shard_name(documents / "shards" / "docs-0.jsonl"), killed)
    manifest = predict_sharded(model, [documents / "shards"], out, engine="ray", address=ray_cluster)
    killer.join(timeout=5)
    assert killed and manifest["totals"]["retries"] >= 1
    assert by_id(shard_lines(out)) == by_id([r.to_dict() for r in read_records(tmp_path / "single.jsonl")])
    assert manifest["totals"]["documents"] == 200 == len(shard_lines(out))
    again = predict_sharded(model, [documents / "shards"], out, engine="ray", address=ray_cluster)
    assert again["totals"]["shards_skipped"] == 4


def test_cli_address_without_the_ray_engine_is_a_usage_error(crawl: Path, model: Path, tmp_path: Path):
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", str(crawl), "--out", str(tmp_path / "i"), "--address", "127.0.0.1:1"])
    assert result.exit_code == 2 and "E802" in result.output and not (tmp_path / "i").exists()
    shards = str(crawl / "part-00.jsonl")
    result = runner.invoke(app, ["predict", str(model), shards, "--out", str(tmp_path / "p.jsonl"), "--engine", "ray"])
    assert result.exit_code == 2 and "E802" in result.output and "a folder" in result.output
