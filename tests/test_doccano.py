"""doccano push/pull against a real doccano 1.8.4 server (started by tests/doccano_server.py)."""

from __future__ import annotations

import http.server
import json
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from eventcorpus.authoring import apply_standoff, read_standoff
from eventcorpus.cli import app
from eventcorpus.corpus import read_records, write_records
from eventcorpus.doccano.client import DoccanoClient
from eventcorpus.doccano.server import free_port
from eventcorpus.doccano.sync import pull, push
from eventcorpus.errors import EventCorpusError
from eventcorpus.formats.doccano import record_to_doccano
from eventcorpus.ingest import Defaults, load_patterns, read_txt
from eventcorpus.offsets import OffsetMap
from eventcorpus.records import AnnotationSet, Argument, Document, Entity, Event, Record, Trigger, document_id
from eventcorpus.sources import cemo_document
from tests.conftest import REPO
from tests.doccano_server import Server, serve
from tests.strategies import records

pytestmark = [pytest.mark.doccano, pytest.mark.slow]
runner = CliRunner()


@pytest.fixture(scope="session")
def doccano_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from serve(tmp_path_factory.mktemp("doccano-home"))


@pytest.fixture(scope="module")
def workerless_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A second server without its task worker."""
    yield from serve(tmp_path_factory.mktemp("doccano-no-worker"), worker=False)


# --- the CEMO report, fully annotated by hand ---------------------------------------------


def _find(text: str, phrase: str, start: int = 0) -> re.Match[str]:
    """The first match of ``phrase`` at or after ``start``, any whitespace (the report has NBSPs) matching a space."""
    found = re.compile(r"\s+".join(map(re.escape, phrase.split(" ")))).search(text, start)
    assert found is not None, phrase
    return found


def _at(text: str, phrase: str, occurrence: int = 1, within: str | None = None) -> tuple[int, int]:
    """Span of the n-th occurrence of ``phrase`` (after the first occurrence of ``within``, when given)."""
    position = _find(text, within).start() if within else 0
    for _ in range(occurrence):
        found = _find(text, phrase, position)
        position = found.start() + 1
    return found.start(), found.end()


def cemo_record(seed_path: Path, annotator: str = "gold") -> Record:
    doc = read_txt(seed_path, load_patterns(), Defaults(licence="see corpus/raw/NOTICE.md"))
    text = doc.text
    entities: list[Entity] = []

    def ent(label: str, phrase: str, occurrence: int = 1, within: str | None = None) -> str:
        start, end = _at(text, phrase, occurrence, within)
        entities.append(Entity(f"T{len(entities) + 1}", start, end, label))
        return entities[-1].id

    rockets = ent("WEA", "Rockets")
    bases = ent("FAC", "bases hosting U.S.-led military coalition forces")
    coalition = ent("ORG", "U.S.-led military coalition", 1)
    iraq = ent("GPE", "Iraq", 1)
    syria = ent("GPE", "Syria", 1)
    wednesday = ent("TIME", "Wednesday", 1, within="Rockets and indirect fire")
    groups = ent("ORG", "Iran-aligned paramilitary groups")
    america = ent("GPE", "America", 1, within="have targeted")
    middle_east = ent("LOC", "the Middle East")
    american = ent("GPE", "American", 1, within="of the American strike")
    soleimani = ent("PER", "senior Iranian general Qassem Soleimani")
    jan2020 = ent("TIME", "January 2020")
    soleimani2 = ent("PER", "Gen. Soleimani’s")
    brennan = ent("PER", "Maj. Gen. John W. Brennan Jr.")
    small_base = ent("FAC", "A small military base")
    ne_syria = ent("LOC", "northeastern Syria")
    rounds = ent("NUM", "eight rounds")
    six = ent("NUM", "six rounds")
    green_village = ent("FAC", "Green Village")
    early_wed = ent("TIME", "Early Wednesday")
    a_rocket = ent("WEA", "a rocket", 1, within="Early Wednesday")
    iraqi_base = ent("FAC", "an Iraqi military base used by U.S. forces")
    airport = ent("FAC", "Baghdad’s international airport")
    officials = ent("PER", "Iraqi security officials")
    mm_rocket = ent("WEA", "a 240 mm rocket")
    launcher = ent("WEA", "a launcher")
    later_wed = ent("TIME", "Later on Wednesday")
    five_rockets = ent("WEA", "five rockets")
    ayn = ent("FAC", "Ayn al-Assad", 1)
    saraya = ent("ORG", "Saraya Qasem al-Jabarin")
    wed_night = ent("TIME", "Wednesday night")
    events: list[Event] = []

    def event(
        kind: str,
        phrase: str,
        args: list[tuple[str, str]],
        occurrence: int = 1,
        within: str | None = None,
        **attributes: str,
    ) -> None:
        start, end = _at(text, phrase, occurrence, within)
        arguments = [Argument(role, entity) for role, entity in args]
        events.append(Event(f"E{len(events) + 1}", kind, Trigger(start, end), arguments, dict(attributes)))

    event(
        "Conflict:Attack",
        "struck",
        [("Instrument", rockets), ("Target", bases), ("Place", iraq), ("Place", syria), ("Time", wednesday)],
    )
    event(
        "Conflict:Attack",
        "targeted",
        [("Attacker", groups), ("Target", america), ("Place", middle_east)],
        within="have targeted",
    )
    event(
        "Conflict:Attack",
        "strike",
        [("Attacker", american), ("Target", soleimani), ("Time", jan2020)],
        within="American strike",
    )
    event(
        "Life:Die",
        "killed",
        [("Agent", american), ("Victim", soleimani), ("Time", jan2020)],
        within="strike that killed",
    )
    event("Life:Die", "death", [("Victim", soleimani2)])
    event("Conflict:Threaten", "sworn", [("Target", coalition)], modality="other")
    event("Conflict:Attack", "attacks", [("Target", bases)], 1, within="None of the attacks", polarity="positive")
    event(
        "Conflict:Attack",
        "indirect fire",
        [("Target", small_base), ("Place", ne_syria), ("Instrument", rounds)],
        within="came under",
    )
    event(
        "Conflict:Attack",
        "responded",
        [("Attacker", coalition), ("Instrument", six)],
        within="Coalition forces responded",
    )
    event("Conflict:Attack", "attack", [("Target", green_village)], within="blamed the attack")
    event(
        "Conflict:Attack",
        "struck",
        [("Instrument", a_rocket), ("Target", iraqi_base), ("Place", airport), ("Time", early_wed)],
        within="Early Wednesday",
    )
    event("Conflict:Seize", "seized", [("Agent", officials), ("Artifact", mm_rocket), ("Artifact", launcher)])
    event(
        "Conflict:Attack",
        "fired",
        [("Instrument", five_rockets), ("Place", ayn), ("Time", later_wed)],
        within="five rockets were",
    )
    event("Conflict:Claim-Responsibility", "claimed responsibility", [("Claimer", saraya), ("Time", wed_night)])
    annotations = AnnotationSet(
        doc.id, annotator, entities, events, {"note": "hand-annotated for the doccano round trip"}
    )
    annotations.check(text)
    del brennan  # annotated as an entity that no event uses
    return Record(doc, annotations)


def _write(tmp_path: Path, name: str, recs: list[Record]) -> Path:
    path = tmp_path / name
    write_records(path, recs)
    return path


def _env(server: Server, password: str | None = None) -> dict[str, str]:
    return {"EVENTCORPUS_DOCCANO_USER": server.admin, "EVENTCORPUS_DOCCANO_PASSWORD": password or server.password}


# --- round trips ---------------------------------------------------------------------------


def test_cemo_report_round_trip_is_exact_and_push_is_idempotent(
    doccano_server: Server, seed_path: Path, tmp_path: Path
) -> None:
    gold = cemo_record(seed_path)
    docs = _write(tmp_path, "docs.jsonl", [Record(gold.document, AnnotationSet(gold.id, "unannotated"))])
    annotations = _write(tmp_path, "pre.jsonl", [gold])
    args = [
        "doccano",
        "push",
        str(docs),
        "--project",
        "cemo",
        "--url",
        doccano_server.url,
        "--annotations",
        str(annotations),
    ]
    first = runner.invoke(app, args, env=_env(doccano_server))
    assert first.exit_code == 0, first.output
    assert "project 'cemo' created" in first.output
    assert "1 uploaded (1 pre-annotated), 0 already there" in first.output
    assert "pre-annotations belong to 'admin'" in first.output

    again = runner.invoke(app, args, env=_env(doccano_server))
    assert again.exit_code == 0, again.output
    assert "0 uploaded (0 pre-annotated), 1 already there" in again.output
    with doccano_server.client() as client:
        project = client.project("cemo")
        assert len(list(client.examples(int(project["id"])))) == 1
        assert project["allow_overlapping"] and project["use_relation"] and not project["collaborative_annotation"]
        guideline = Path(__file__).resolve().parents[1] / "annotation_guidelines" / "guidelines.md"
        if guideline.is_file():
            assert project["guideline"] == guideline.read_text(encoding="utf-8").strip()
        types = {t["text"]: t for t in client.span_types(int(project["id"]))}
        assert (
            types["Conflict:Attack"]["background_color"] == "#d62828" and types["Conflict:Attack"]["suffix_key"] == "a"
        )
        assert {"PER", "WEA", "Life:Die"} <= types.keys()
        assert {"Attacker", "Victim", "Artifact"} <= {t["text"] for t in client.relation_types(int(project["id"]))}

    out = tmp_path / "pulls"
    pulled = runner.invoke(
        app,
        ["doccano", "pull", "--project", "cemo", "--url", doccano_server.url, "--out", str(out)],
        env=_env(doccano_server),
    )
    assert pulled.exit_code == 0, pulled.output
    assert (out / "latest").is_symlink() and (out / "latest" / "admin.jsonl").is_file()  # latest/NAME works
    folder = out / os.readlink(out / "latest")
    assert f"pulled 'cemo' into {folder}" in pulled.output
    n_entities, n_events = len(gold.annotations.entities), len(gold.annotations.events)
    n_args = sum(len(e.arguments) for e in gold.annotations.events)
    assert (
        f"admin: 1 documents (0 done), {n_entities + n_events} spans ({n_entities} entities, {n_events} events, {n_args} arguments)"
        in pulled.output
    )
    (back,) = list(read_records(folder / "admin.jsonl"))
    expected = gold.to_dict()
    expected["annotator"] = "admin"
    assert _without_doccano_id(back) == expected  # ids, offsets, roles, attributes, document fields: all identical
    assert json.loads((folder / "pull.json").read_text())["offset_mode"] == "utf16"

    # a second pull never overwrites the first
    runner.invoke(
        app,
        ["doccano", "pull", "--project", "cemo", "--url", doccano_server.url, "--out", str(out)],
        env=_env(doccano_server),
    )
    folders = sorted(p.name for p in out.iterdir() if p.is_dir() and not p.is_symlink())
    assert len(folders) == 2 and os.readlink(out / "latest") == folders[-1]
    assert (folder / "admin.jsonl").is_file()


# Server round trips are slow: a handful of examples, and no shrinking (each step would push and pull again).
@settings(
    max_examples=3,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
@given(batch=st.lists(records(), min_size=3, max_size=3, unique_by=lambda r: r.id))
def test_emoji_crlf_arabic_offsets_survive(
    doccano_server: Server, tmp_path_factory: pytest.TempPathFactory, batch: list[Record]
) -> None:
    # a default project (UTF-16, as doccano's browser counts) and a grapheme-mode project
    for mode, expected_mode in (("auto", "utf16"), ("grapheme", "grapheme")):
        tmp_path = tmp_path_factory.mktemp("tricky")
        name = f"tricky-{tmp_path.name}"
        with doccano_server.client() as client:
            docs = _write(tmp_path, "docs.jsonl", batch)
            result = push(client, docs, project=name, annotations_path=docs, offset_mode=mode)
            assert result.offset_mode == expected_mode and result.uploaded == 3
            assert bool(client.project(name)["grapheme_mode"]) == (mode == "grapheme")
            pulled = pull(client, project=name, out_dir=tmp_path / "out")
        assert pulled.offset_mode == expected_mode
        back = {r.id: r for r in read_records(pulled.folder / "admin.jsonl")}
        # a document without spans is one the annotator has not touched: doccano cannot tell the two apart
        labelled = [r for r in batch if r.annotations.entities or r.annotations.events]
        assert set(back) == {r.id for r in labelled}
        for record in labelled:
            expected = record.to_dict()
            expected["annotator"] = "admin"
            assert _without_doccano_id(back[record.id]) == expected


def test_server_stores_offsets_as_given_utf16_past_emoji(doccano_server: Server, tmp_path: Path) -> None:
    """What doccano 1.8.4 counts: its backend keeps the integers it gets; a default project is read in UTF-16."""
    text = "😀 rockets struck العراق\r\nagain"
    doc = Document(document_id(text), text)
    start, end = text.index("العراق"), text.index("العراق") + len("العراق")
    record = Record(doc, AnnotationSet(doc.id, "m", [Entity("T1", start, end, "GPE")]))
    with doccano_server.client() as client:
        push(
            client,
            _write(tmp_path, "d.jsonl", [record]),
            project="utf16-probe",
            annotations_path=_write(tmp_path, "a.jsonl", [record]),
        )
        project = client.project("utf16-probe")
        (example,) = list(client.examples(int(project["id"])))
        (span,) = client.spans(int(project["id"]), int(example["id"]))
    utf16 = OffsetMap(text, "utf16")
    assert (span["start_offset"], span["end_offset"]) == (utf16.from_codepoint(start), utf16.from_codepoint(end))
    assert span["start_offset"] == start + 1  # the emoji is two UTF-16 units, one code point
    assert example["text"] == text  # CRLF and Arabic kept byte for byte


def test_two_annotators_come_back_as_two_annotation_sets(doccano_server: Server, tmp_path: Path) -> None:
    texts = ["Rockets struck the base in Iraq on Monday.", "Militia fighters seized a launcher near Baghdad."]
    docs = [Document(document_id(t), t) for t in texts]
    docs_path = _write(tmp_path, "docs.jsonl", [Record(d, AnnotationSet(d.id, "unannotated")) for d in docs])
    struck = docs[0].text.index("struck")
    model = AnnotationSet(
        docs[0].id,
        "model",
        [],
        [Event("E1", "Conflict:Attack", Trigger(struck, struck + 6), [], {"polarity": "negative"})],
    )
    pre_path = _write(tmp_path, "pre.jsonl", [Record(docs[0], model)])
    with doccano_server.client() as admin:
        push(admin, docs_path, project="pair", offset_mode="auto", annotations_path=pre_path)
        project_id = int(admin.project("pair")["id"])
        existing = {u["username"] for u in admin.users()}
        for user in ("alice", "bob"):
            if user not in existing:
                admin.create_user(user, doccano_server.password + user)
        ids = {u["username"]: int(u["id"]) for u in admin.users()}
        for user in ("alice", "bob"):
            admin.add_member(project_id, ids[user], "annotator")
        examples = {e["meta"]["doc_id"]: int(e["id"]) for e in admin.examples(project_id)}
        span_types = {t["text"]: int(t["id"]) for t in admin.span_types(project_id)}
        role_types = {t["text"]: int(t["id"]) for t in admin.relation_types(project_id)}

    def label(
        user: str, doc: Document, spans: list[tuple[str, str]], relations: list[tuple[int, int, str]], done: bool
    ) -> None:
        with doccano_server.client(user, doccano_server.password + user) as client:
            example = examples[doc.id]
            made = []
            for phrase, kind in spans:
                start = doc.text.index(phrase)
                made.append(client.create_span(project_id, example, span_types[kind], start, start + len(phrase)))
            for source, target, role in relations:
                client.create_relation(project_id, example, role_types[role], made[source]["id"], made[target]["id"])
            if done:
                client.confirm(project_id, example)

    label(
        "alice",
        docs[0],
        [("struck", "Conflict:Attack"), ("Rockets", "WEA"), ("Iraq", "GPE")],
        [(0, 1, "Instrument"), (0, 2, "Place")],
        True,
    )
    label("bob", docs[0], [("struck", "Conflict:Attack"), ("the base", "FAC")], [(0, 1, "Target")], True)
    label(
        "bob",
        docs[1],
        [("seized", "Conflict:Seize"), ("a launcher", "WEA"), ("Militia fighters", "ORG")],
        [(0, 1, "Artifact"), (0, 2, "Agent")],
        False,
    )

    result = runner.invoke(
        app,
        ["doccano", "pull", "--project", "pair", "--url", doccano_server.url, "--out", str(tmp_path / "out")],
        env=_env(doccano_server),
    )
    assert result.exit_code == 0, result.output
    assert "alice: 1 documents (1 done), 3 spans (2 entities, 1 events, 2 arguments)" in result.output
    assert "bob: 2 documents (1 done), 5 spans (3 entities, 2 events, 3 arguments)" in result.output
    folder = tmp_path / "out" / os.readlink(tmp_path / "out" / "latest")
    alice = {r.id: r for r in read_records(folder / "alice.jsonl")}
    bob = {r.id: r for r in read_records(folder / "bob.jsonl")}
    assert set(alice) == {docs[0].id} and set(bob) == {docs[0].id, docs[1].id}

    def shape(record: Record) -> set[tuple[str, str, tuple[tuple[str, str], ...]]]:
        ents = {e.id: record.document.text[e.start : e.end] + "/" + e.label for e in record.annotations.entities}
        return {
            (
                ev.type,
                record.document.text[ev.trigger.start : ev.trigger.end],
                tuple(sorted((a.role, ents[a.entity_id]) for a in ev.arguments)),
            )
            for ev in record.annotations.events
        }

    assert shape(alice[docs[0].id]) == {
        ("Conflict:Attack", "struck", (("Instrument", "Rockets/WEA"), ("Place", "Iraq/GPE")))
    }
    assert shape(bob[docs[0].id]) == {("Conflict:Attack", "struck", (("Target", "the base/FAC"),))}
    assert shape(bob[docs[1].id]) == {
        ("Conflict:Seize", "seized", (("Agent", "Militia fighters/ORG"), ("Artifact", "a launcher/WEA")))
    }
    # the uploader's pre-annotation keeps its id and attribute; alice's span at the same place borrows neither
    (admin_record,) = list(read_records(folder / "admin.jsonl"))
    assert [(e.id, e.attributes) for e in admin_record.annotations.events] == [("E1", {"polarity": "negative"})]
    (alice_event,) = alice[docs[0].id].annotations.events
    assert alice_event.attributes == {} and alice_event.id != "E1"


# --- failure modes -------------------------------------------------------------------------


def _docs(tmp_path: Path, *texts: str) -> Path:
    return _write(
        tmp_path, "docs.jsonl", [Record(Document(document_id(t), t), AnnotationSet(document_id(t), "x")) for t in texts]
    )


def test_wrong_password_is_refused_and_never_printed(doccano_server: Server, tmp_path: Path) -> None:
    wrong = "Wr0ng-" + doccano_server.password[::-1]
    result = runner.invoke(
        app,
        ["doccano", "push", str(_docs(tmp_path, "A text.")), "--project", "x", "--url", doccano_server.url],
        env=_env(doccano_server, wrong),
    )
    assert result.exit_code == 2
    assert "E201" in result.output and "refused the login of user 'admin'" in result.output
    assert wrong not in result.output and doccano_server.password not in result.output


def test_server_down_says_so(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = runner.invoke(
        app,
        ["doccano", "pull", "--project", "x", "--url", url, "--out", str(tmp_path)],
        env={"EVENTCORPUS_DOCCANO_USER": "u", "EVENTCORPUS_DOCCANO_PASSWORD": "secret-pw-123"},
    )
    assert result.exit_code == 2
    assert "E200 doccano server unreachable" in result.output and url in result.output
    assert "secret-pw-123" not in result.output


def test_missing_project_is_named(doccano_server: Server, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["doccano", "pull", "--project", "no-such-project", "--url", doccano_server.url, "--out", str(tmp_path)],
        env=_env(doccano_server),
    )
    assert result.exit_code == 2
    assert "E202" in result.output and "no-such-project" in result.output


def test_rejected_lines_are_listed(doccano_server: Server, tmp_path: Path) -> None:
    good, empty = Document(document_id("Fine text."), "Fine text."), Document("empty-doc", "")
    path = _write(
        tmp_path,
        "docs.jsonl",
        [Record(good, AnnotationSet(good.id, "x")), Record(empty, AnnotationSet("empty-doc", "x"))],
    )
    with doccano_server.client() as client, pytest.raises(EventCorpusError) as caught:
        push(client, path, project="rejects")
    assert caught.value.code == "E204"
    assert "1 of 2 lines rejected: document empty-doc (eventcorpus-0001.jsonl line 2)" in caught.value.detail
    with doccano_server.client() as client:
        (kept,) = list(client.examples(int(client.project("rejects")["id"])))
    assert kept["meta"]["doc_id"] == good.id


def test_document_edited_inside_doccano_is_named(doccano_server: Server, tmp_path: Path) -> None:
    text = "Drones attacked the airport on Friday."
    path = _docs(tmp_path, text)
    with doccano_server.client() as client:
        push(client, path, project="edited")
        project_id = int(client.project("edited")["id"])
        (example,) = list(client.examples(project_id))
        client.update_example(project_id, int(example["id"]), text=text.replace("Friday", "Saturday"))
        with pytest.raises(EventCorpusError) as caught:
            pull(client, project="edited", out_dir=tmp_path / "out")
    assert caught.value.code == "E209" and caught.value.doc_id == document_id(text)
    assert f"document {document_id(text)}" in caught.value.render()
    assert not (tmp_path / "out" / "latest").exists()  # nothing half-written


def test_unknown_server_is_not_taken_for_doccano(tmp_path: Path) -> None:
    port = free_port()
    handler = lambda *a: http.server.SimpleHTTPRequestHandler(*a, directory=str(tmp_path))  # noqa: E731
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        with DoccanoClient(f"http://127.0.0.1:{port}") as client, pytest.raises(EventCorpusError) as caught:
            client.check_worker()
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert caught.value.code == "E205" and "not doccano 1.8" in caught.value.detail


def test_worker_down_is_named(workerless_server: Server, tmp_path: Path) -> None:
    path = _docs(tmp_path, "Shelling hit the town.")
    result = runner.invoke(
        app,
        ["doccano", "push", str(path), "--project", "w", "--url", workerless_server.url],
        env=_env(workerless_server),
    )
    assert result.exit_code == 2
    assert "E203 no doccano task worker running" in result.output and "doccano task" in result.output
    # the task-status path too: an import that no worker picks up times out with the same advice
    with workerless_server.client(task_timeout=3.0) as client:
        client.create_project("w", guideline="", collaborative=False, grapheme_mode=False, description="")
        project_id = int(client.project("w")["id"])
        with pytest.raises(EventCorpusError) as caught:
            client.upload_jsonl(project_id, b'{"text": "x"}\n', "x.jsonl")
    assert caught.value.code == "E203" and "still pending after 3 s" in caught.value.detail


def test_collaborative_project_pulls_one_shared_set(doccano_server: Server, tmp_path: Path) -> None:
    text = "Gunmen attacked a checkpoint in Kirkuk."
    doc = Document(document_id(text), text)
    start = text.index("attacked")
    kirkuk = text.index("Kirkuk")
    pre = Record(
        doc,
        AnnotationSet(
            doc.id,
            "model",
            [Entity("T1", kirkuk, kirkuk + len("Kirkuk"), "GPE")],
            [Event("E1", "Conflict:Attack", Trigger(start, start + len("attacked")), [Argument("Place", "T1")])],
        ),
    )
    docs, annotations = _write(tmp_path, "d.jsonl", [pre]), _write(tmp_path, "a.jsonl", [pre])
    args = ["doccano", "push", str(docs), "--project", "shared", "--url", doccano_server.url]
    result = runner.invoke(app, [*args, "--annotations", str(annotations), "--collaborative"], env=_env(doccano_server))
    assert result.exit_code == 0, result.output
    assert "collaborative" in result.output and "belong to" not in result.output
    again = runner.invoke(app, [*args, "--annotations", str(annotations)], env=_env(doccano_server))
    # the re-run finds the pre-annotations already there and sends nothing (nothing doubled)
    assert again.exit_code == 0 and "0 uploaded (0 pre-annotated), 1 already there" in again.output
    with doccano_server.client() as client:
        pulled = pull(client, project="shared", out_dir=tmp_path / "out")
    assert [s.annotator for s in pulled.annotators] == ["collaborative"]
    (back,) = list(read_records(pulled.folder / "collaborative.jsonl"))
    expected = pre.to_dict()
    expected["annotator"] = "collaborative"
    assert _without_doccano_id(back) == expected


def _without_doccano_id(record: Record) -> dict[str, Any]:
    """A pulled record as a dict, less the example id doccano gave it (kept in meta since issue 19)."""
    data = record.to_dict()
    assert isinstance(data["meta"].pop("doccano_id", None), int)
    return data


def test_no_credentials_and_no_terminal(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["doccano", "pull", "--project", "x", "--url", "http://127.0.0.1:9", "--out", str(tmp_path)],
        env={"EVENTCORPUS_DOCCANO_USER": "", "EVENTCORPUS_DOCCANO_PASSWORD": ""},
    )
    assert result.exit_code == 2 and "E208" in result.output


def test_example_without_eventcorpus_meta_is_named(doccano_server: Server, tmp_path: Path) -> None:
    with doccano_server.client() as client:
        push(client, _docs(tmp_path, "Artillery shelled the village."), project="foreign")
        project_id = int(client.project("foreign")["id"])
        made = client.json("POST", f"/v1/projects/{project_id}/examples", json={"text": "Added by hand.", "meta": {}})
        span_type = next(t for t in client.span_types(project_id) if t["text"] == "GPE")
        client.create_span(project_id, int(made["id"]), int(span_type["id"]), 0, 5)
        with pytest.raises(EventCorpusError) as caught:
            pull(client, project="foreign", out_dir=tmp_path / "out")
    assert caught.value.code == "E211" and f"example {made['id']} has no doc_id" in caught.value.detail


def _cemo_pass(name: str, tmp_path: Path) -> Record:
    """The project's own annotation pass of the CEMO report (stand-off file joined with the text)."""
    rows = [r for r in read_standoff(REPO / "corpus" / "annotations" / f"{name}.jsonl") if r["source"] == "cemo"]
    standoff = tmp_path / f"{name}-cemo.jsonl"
    standoff.write_text("".join(json.dumps({k: v for k, v in r.items() if k != "_line"}) + "\n" for r in rows))
    (record,) = apply_standoff(standoff, [cemo_document()])
    return record


def _shape(
    record: Record,
) -> tuple[set[tuple[int, int, str]], set[tuple[str, int, int, tuple[tuple[str, int, int], ...]]]]:
    """Entities and events without ids: what an annotator's spans and relations say."""
    spans = {e.id: (e.start, e.end) for e in record.annotations.entities}
    entities = {(e.start, e.end, e.label) for e in record.annotations.entities}
    events = {
        (ev.type, ev.trigger.start, ev.trigger.end, tuple(sorted((a.role, *spans[a.entity_id]) for a in ev.arguments)))
        for ev in record.annotations.events
    }
    return entities, events


def test_the_projects_cemo_passes_round_trip_as_two_annotators(doccano_server: Server, tmp_path: Path) -> None:
    pass1, pass2 = _cemo_pass("pass1", tmp_path), _cemo_pass("pass2", tmp_path)
    assert len(pass1.annotations.events) >= 40 and len(pass2.annotations.entities) >= 100
    docs = _write(tmp_path, "docs.jsonl", [Record(pass1.document, AnnotationSet(pass1.id, "unannotated"))])
    with doccano_server.client() as admin:
        push(admin, docs, project="cemo-passes", annotations_path=_write(tmp_path, "p1.jsonl", [pass1]))
        project_id = int(admin.project("cemo-passes")["id"])
        if "pass2" not in {u["username"] for u in admin.users()}:
            admin.create_user("pass2", doccano_server.password + "-2")
        user_id = next(int(u["id"]) for u in admin.users() if u["username"] == "pass2")
        admin.add_member(project_id, user_id, "annotator")
        (example,) = list(admin.examples(project_id))
        span_types = {t["text"]: int(t["id"]) for t in admin.span_types(project_id)}
        role_types = {t["text"]: int(t["id"]) for t in admin.relation_types(project_id)}
    # the second pass is labelled by its own user, span by span, relation by relation, through the API
    line = record_to_doccano(pass2, offset_mode="utf16")
    with doccano_server.client("pass2", doccano_server.password + "-2") as annotator:
        made = {
            span["id"]: annotator.create_span(
                project_id, int(example["id"]), span_types[span["label"]], span["start_offset"], span["end_offset"]
            )["id"]
            for span in line["entities"]
        }
        for rel in line["relations"]:
            annotator.create_relation(
                project_id, int(example["id"]), role_types[rel["type"]], made[rel["from_id"]], made[rel["to_id"]]
            )
    with doccano_server.client() as admin:
        pulled = pull(admin, project="cemo-passes", out_dir=tmp_path / "out")
    (first,) = list(read_records(pulled.folder / "admin.jsonl"))
    expected = pass1.to_dict()
    expected["annotator"] = "admin"
    assert _without_doccano_id(first) == expected  # every id, offset, role and attribute of the project's first pass
    (second,) = list(read_records(pulled.folder / "pass2.jsonl"))
    second_document = second.document.to_dict()
    assert isinstance(second_document["meta"].pop("doccano_id"), int)
    assert second_document == pass2.document.to_dict()
    assert _shape(second) == _shape(pass2)  # every span and argument; doccano holds no ids or attributes for them
    assert _shape(first) != _shape(second)
