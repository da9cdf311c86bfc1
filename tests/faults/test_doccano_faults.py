"""Regression tests (issue 18) against the real doccano 1.8.4 server: a push or a pull cut short by a
killed server, and the password on a command line.

A push that died mid-way left the documents of the interrupted import without their
pre-annotations for good: the re-run skipped documents already in the project. Each test
here interrupts for real (gunicorn killed by process group, or the state a killed import
leaves: examples without their labels), re-runs, and compares the project with an
uninterrupted push, per document, span by span.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from eventcorpus.cli import app
from eventcorpus.corpus import write_records
from eventcorpus.doccano.client import DoccanoClient
from eventcorpus.doccano.sync import pull, push
from eventcorpus.errors import EventCorpusError
from eventcorpus.records import AnnotationSet, Argument, Document, Entity, Event, Record, Trigger, document_id
from tests.doccano_server import Server, serve

pytestmark = [pytest.mark.doccano, pytest.mark.slow]
runner = CliRunner()
PLACES = ["Ayn al-Assad", "Erbil", "Baghdad", "Al-Tanf", "Deir ez-Zor", "Kirkuk", "Mosul", "Balad", "Taji", "Irbil"]
ARGV: list[list[str]] = []  # every command line started while the server came up


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    real_run, real_popen = subprocess.run, subprocess.Popen

    def run(args: Any, *rest: Any, **kwargs: Any) -> Any:
        ARGV.append([str(a) for a in args])
        return real_run(args, *rest, **kwargs)

    class Popen(real_popen):  # type: ignore[misc,valid-type]
        def __init__(self, args: Any, *rest: Any, **kwargs: Any) -> None:
            ARGV.append([str(a) for a in args])
            super().__init__(args, *rest, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(subprocess, "run", run)
        patch.setattr(subprocess, "Popen", Popen)
        started = serve(tmp_path_factory.mktemp("doccano-faults"))
        found = next(started)
    yield found
    next(started, None)


def _records(count: int = 12) -> list[Record]:
    """``count`` short reports, each with three entities and an attack with two arguments."""
    out = []
    for number in range(count):
        place = PLACES[number % len(PLACES)]
        text = f"Report {number}: Kataib Hezbollah fired {number + 2} rockets at {place} on Tuesday."
        doc = Document(document_id(text), text)
        start = text.index("Kataib")
        target = text.index(place)
        trigger = text.index("fired")
        entities = [
            Entity("T1", start, start + len("Kataib Hezbollah"), "ORG"),
            Entity("T2", target, target + len(place), "FAC"),
            Entity("T3", text.index("Tuesday"), text.index("Tuesday") + 7, "TIME"),
        ]
        events = [
            Event(
                "E1",
                "Conflict:Attack",
                Trigger(trigger, trigger + 5),
                [Argument("Attacker", "T1"), Argument("Target", "T2")],
            )
        ]
        out.append(Record(doc, AnnotationSet(doc.id, "model", entities, events)))
    return out


def _files(tmp_path: Path, records: list[Record]) -> tuple[Path, Path]:
    docs = tmp_path / "docs.jsonl"
    write_records(docs, [Record(r.document, AnnotationSet(r.id, "unannotated")) for r in records])
    annotations = tmp_path / "pre.jsonl"
    write_records(annotations, records)
    return docs, annotations


def _state(client: DoccanoClient, project: str) -> dict[str, tuple[list[Any], list[Any]]]:
    """Per document: the logged-in user's spans (start, end, label) and relations, by label and role names."""
    project_id = int(client.project(project)["id"])
    labels = {int(t["id"]): t["text"] for t in client.span_types(project_id)}
    roles = {int(t["id"]): t["text"] for t in client.relation_types(project_id)}
    state: dict[str, tuple[list[Any], list[Any]]] = {}
    for example in client.examples(project_id):
        doc_id = example["meta"]["doc_id"]
        assert doc_id not in state, f"document {doc_id} doubled"
        spans = {int(s["id"]): (s["start_offset"], s["end_offset"], labels[int(s["label"])]) for s in
                 client.spans(project_id, int(example["id"]))}  # fmt: skip
        relations = sorted(
            (spans[int(r["from_id"])], spans[int(r["to_id"])], roles[int(r["type"])])
            for r in client.relations(project_id, int(example["id"]))
        )
        state[doc_id] = (sorted(spans.values()), relations)
    return state


def _kill_web(server: Server) -> None:
    assert server.local.web is not None
    os.killpg(server.local.web.pid, signal.SIGKILL)  # gunicorn and its workers, no goodbye
    server.local.web.wait(timeout=30)


def _restart_web(server: Server) -> None:
    server.local.start_web()
    server.local.wait_ready(timeout=90)


def test_push_killed_mid_way_converges_on_a_re_run(server: Server, tmp_path: Path) -> None:
    """Regression: the 20 documents of the interrupted chunk kept 0 spans instead of 2,144 after the re-run."""
    records = _records(12)
    docs, pre = _files(tmp_path, records)
    with server.client() as client:
        push(client, docs, project="whole", annotations_path=pre, chunk_size=4)
        reference = _state(client, "whole")
    assert len(reference) == 12 and all(len(spans) == 4 and len(rels) == 2 for spans, rels in reference.values())

    def kill_before_third(chunks: Iterable[Any], _label: str, _total: int) -> Iterator[Any]:
        for number, chunk in enumerate(chunks):
            if number == 2:
                _kill_web(server)
            yield chunk

    with server.client() as client:
        client.retries = 1
        with pytest.raises(EventCorpusError) as caught:
            push(client, docs, project="cut", annotations_path=pre, chunk_size=4, progress=kill_before_third)
    assert caught.value.code == "E200"
    _restart_web(server)
    with server.client() as client:
        assert len(_state(client, "cut")) == 8  # two chunks made it
        again = push(client, docs, project="cut", annotations_path=pre, chunk_size=4)
        assert (again.uploaded, again.skipped) == (4, 8)
        assert _state(client, "cut") == reference


def test_import_that_left_examples_without_labels_is_completed(server: Server, tmp_path: Path) -> None:
    """The state a killed import leaves (examples created, their labels not; one half-labelled) is repaired."""
    records = _records(6)
    docs, pre = _files(tmp_path, records)
    with server.client() as client:
        push(client, docs, project="whole-6", annotations_path=pre)
        reference = _state(client, "whole-6")
        push(client, docs, project="half")  # examples without their pre-annotations
        project_id = int(client.project("half")["id"])
        again = push(client, docs, project="half", annotations_path=pre)
        assert (again.uploaded, again.completed, again.spans_restored, again.relations_restored) == (0, 6, 24, 12)
        assert _state(client, "half") == reference
        # a span and its relation lost: only they are sent again
        example = next(iter(client.examples(project_id)))
        span = client.spans(project_id, int(example["id"]))[0]
        client.request("DELETE", f"/v1/projects/{project_id}/examples/{example['id']}/spans/{span['id']}")
        third = push(client, docs, project="half", annotations_path=pre)
        assert (third.completed, third.spans_restored) == (1, 1) and third.relations_restored <= 1
        assert _state(client, "half") == reference
        # a fourth run finds nothing to do: nothing doubled
        fourth = push(client, docs, project="half", annotations_path=pre)
        assert (fourth.uploaded, fourth.completed, fourth.spans_restored) == (0, 0, 0)
        assert _state(client, "half") == reference


def test_pre_annotations_edited_in_doccano_are_left_alone(server: Server, tmp_path: Path) -> None:
    records = _records(2)
    docs, pre = _files(tmp_path, records)
    with server.client() as client:
        push(client, docs, project="edited-spans", annotations_path=pre)
        project_id = int(client.project("edited-spans")["id"])
        example = next(iter(client.examples(project_id)))
        label = int(client.span_types(project_id)[0]["id"])
        client.create_span(project_id, int(example["id"]), label, 0, 6)  # an annotator's own addition
        before = _state(client, "edited-spans")
        again = push(client, docs, project="edited-spans", annotations_path=pre)
        assert again.left_alone == [example["meta"]["doc_id"]] and again.spans_restored == 0
        assert _state(client, "edited-spans") == before


def test_pull_killed_mid_way_leaves_nothing_and_a_re_run_gets_everything(server: Server, tmp_path: Path) -> None:
    records = _records(3)
    docs, pre = _files(tmp_path, records)

    class Dying(DoccanoClient):
        def export_zip(self, project_id: int, *, confirmed_only: bool = False) -> bytes:
            data = super().export_zip(project_id, confirmed_only=confirmed_only)
            _kill_web(server)  # the server dies between the two exports of a pull
            return data

    with server.client() as client:
        push(client, docs, project="pulled", annotations_path=pre)
        whole = pull(client, project="pulled", out_dir=tmp_path / "first")
    dying = Dying(server.url, task_timeout=20, retries=1)
    dying.login(server.admin, server.password)
    with pytest.raises(EventCorpusError) as caught:
        pull(dying, project="pulled", out_dir=tmp_path / "out")
    dying.close()
    assert caught.value.code == "E200"
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    _restart_web(server)
    with server.client() as client:
        again = pull(client, project="pulled", out_dir=tmp_path / "out")
    assert [vars(a) for a in again.annotators] == [vars(a) for a in whole.annotators]
    assert (again.folder / "admin.jsonl").read_bytes() == (whole.folder / "admin.jsonl").read_bytes()


def test_wrong_password_is_a_coded_error(server: Server, tmp_path: Path) -> None:
    docs, _ = _files(tmp_path, _records(1))
    result = runner.invoke(
        app,
        ["doccano", "push", str(docs), "--project", "x", "--url", server.url],
        env={"EVENTCORPUS_DOCCANO_USER": server.admin, "EVENTCORPUS_DOCCANO_PASSWORD": "not-" + server.password},
    )
    assert result.exit_code == 2 and "E201" in result.output and server.password not in result.output


def test_the_password_was_on_a_command_line(server: Server) -> None:
    """Regression: ``doccano createuser --password P`` showed the password to ``ps`` while the server started."""
    assert any("create_admin" in " ".join(argv) for argv in ARGV)  # the user was created, through stdin
    assert ARGV and not [argv for argv in ARGV if any(server.password in part for part in argv)]
    for process in (server.local.web, server.local.worker):
        assert process is not None
        cmdline = Path(f"/proc/{process.pid}/cmdline").read_bytes().decode(errors="replace")
        assert server.password not in cmdline
