"""publish: licence gate, dataset folder read by datasets.load_dataset, card rules, determinism, push errors."""

from __future__ import annotations

import hashlib
import http.server
import json
import shutil
import socket
import threading
import time
from pathlib import Path

import datasets
import pyarrow.parquet as pq
import pytest
import yaml
from huggingface_hub import DatasetCard, DatasetCardData
from hypothesis import HealthCheck, given, settings
from typer.testing import CliRunner

from eventcorpus.card import card_info_from_readme, check_card, size_category
from eventcorpus.cli import app
from eventcorpus.corpus import write_records
from eventcorpus.errors import EventCorpusError
from eventcorpus.formats import hf as hf_format
from eventcorpus.publish import (
    DOCUMENTS,
    SENTENCES,
    build_release,
    licence_gate,
    load_agreement,
    publish,
    push_release,
    sentence_features,
    sentence_rows,
)
from eventcorpus.records import Record
from eventcorpus.schema import load_schema
from eventcorpus.split import read_manifest
from tests import strategies
from tests.release_fixture import PUBLISHABLE, SPLITS, fixture_records, make_record, manifest_for, write_fixture

runner = CliRunner()


@pytest.fixture(scope="module")
def schema():
    return load_schema()


@pytest.fixture(scope="module")
def release(tmp_path_factory, schema):
    """The fixture corpus, published by a dry run once for the module."""
    root = tmp_path_factory.mktemp("release")
    gold, manifest_path, records = write_fixture(root)
    built = build_release(
        list(records.values()), read_manifest(manifest_path), root / "out", schema=schema, repo_id="org/eventcorpus"
    )
    return root, records, built


@pytest.fixture()
def offline(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", True)
    monkeypatch.setattr(datasets.config, "HF_DATASETS_OFFLINE", True, raising=False)
    return tmp_path / "cache"


def test_licence_gate_keeps_only_redistributable_documents():
    records = fixture_records()
    gate = licence_gate(records.values())
    kept = {name for name, r in records.items() if r in gate.kept}
    assert kept == PUBLISHABLE
    reasons = {e.doc_id: e.reason for e in gate.excluded}
    assert "never published: The Reference" in reasons[records["cemo"].id]
    assert "non-commercial" in reasons[records["bbc"].id]
    assert "terms unclear" in reasons[records["eeas"].id]
    assert reasons[records["blog"].id] == "licence unknown"
    with_nc = licence_gate(records.values(), allow_nc=True)
    assert records["bbc"] in with_nc.kept and records["cemo"] not in with_nc.kept


def test_cemo_report_is_never_published_whatever_its_licence_field():
    cemo = fixture_records()["cemo"]
    cemo.document.licence = "CC-BY-4.0"
    cemo.document.source = "CEMO Center - Paris"
    assert licence_gate([cemo]).kept == []
    cemo.document.source = "somewhere"
    cemo.document.meta["issuing_organisation"] = "CEMO Center - Paris"
    assert licence_gate([cemo]).kept == []


def test_unlisted_licence_is_left_out_with_a_reason():
    record = make_record("Gunmen attacked a convoy.", source="x", licence="Proprietary-1.0", entities=[], events=[])
    gate = licence_gate([record])
    assert gate.kept == [] and "not in the licence policy" in gate.excluded[0].reason


def test_load_dataset_reads_every_configuration_and_split_offline(release, offline, schema):
    root, records, built = release
    folder = Path(built.folder)
    card = DatasetCard.load(folder / "README.md")
    declared = {i["config_name"]: i for i in card.data.to_dict()["dataset_info"]}
    expected_splits = {
        s: sorted(records[n].id for n in PUBLISHABLE if SPLITS[n] == s) for s in ("train", "dev", "test")
    }
    for config in (DOCUMENTS, SENTENCES):
        loaded = datasets.load_dataset(str(folder), config, cache_dir=str(offline))
        assert set(loaded) == {"train", "dev", "test"}
        features = datasets.Features._from_yaml_list(declared[config]["features"])
        assert features == (hf_format.features_for(schema) if config == DOCUMENTS else sentence_features(schema))
        for split, dataset in loaded.items():
            assert dataset.features == features
            assert dataset.num_rows == built.rows[config][split]
            id_column = "id" if config == DOCUMENTS else "doc_id"
            assert sorted(set(dataset[id_column])) == expected_splits[split]
    train = datasets.load_dataset(str(folder), SENTENCES, split="train", cache_dir=str(offline))
    row = next(r for r in train if "Raqqa" in r["tokens"])
    ner = train.features["ner_tags"].feature
    trig = train.features["trigger_tags"].feature
    tags = dict(zip(row["tokens"], (ner.int2str(t) for t in row["ner_tags"]), strict=True))
    assert tags["Raqqa"] == "B-GPE" and tags["Coalition"] == "B-ORG"
    assert [tags["ISIS"], tags["weapons"], tags["depot"]] == ["B-FAC", "I-FAC", "I-FAC"]
    triggers = dict(zip(row["tokens"], (trig.int2str(t) for t in row["trigger_tags"]), strict=True))
    assert triggers["struck"] == "B-Conflict:Attack" and triggers["Raqqa"] == "O"
    documents = datasets.load_dataset(str(folder), DOCUMENTS, split="train", cache_dir=str(offline))
    centcom = next(r for r in documents if r["id"] == records["centcom"].id)
    assert len(centcom["entities"]) == 7 and len(centcom["events"]) == 2


def test_restricted_documents_are_nowhere_in_the_folder(release):
    root, records, built = release
    folder = Path(built.folder)
    restricted = {records[n].id for n in records if n not in PUBLISHABLE}
    manifest = json.loads((folder / "release_manifest.json").read_text())
    assert {d["id"] for d in manifest["documents"]} == {records[n].id for n in PUBLISHABLE}
    assert {e["id"] for e in manifest["excluded"]} == restricted
    for path in folder.rglob("*.parquet"):
        table = pq.read_table(path).to_pylist()
        column = "id" if "documents" in path.parts else "doc_id"
        assert not {row[column] for row in table} & restricted
        assert not any("indirect fire" in row["text"] for row in table)


def test_card_metadata_meets_hub_rules(release):
    root, records, built = release
    folder = Path(built.folder)
    assert check_card(folder) == []
    card = DatasetCard.load(folder / "README.md")
    assert isinstance(card.data, DatasetCardData)
    data = card.data.to_dict()
    assert data["license"] == ["cc-by-sa-3.0", "other"]
    assert data["license_link"] == "LICENSE.md" and (folder / "LICENSE.md").is_file()
    assert data["task_categories"] == ["token-classification"]
    assert data["task_ids"] == ["named-entity-recognition"]
    assert data["size_categories"] == [size_category(sum(built.rows[SENTENCES].values()))] == ["n<1K"]
    assert {c["config_name"] for c in data["configs"]} == {DOCUMENTS, SENTENCES}
    body = card.text
    assert "**4 documents were left out**" in body
    assert "never published: The Reference" in body
    assert "overlaps another span" in body  # the nested ISIS / ISIS weapons depot entity
    assert "### Entity types" in body and "## Statistics per split" in body
    assert "@misc{eventcorpus" in body


def test_card_check_catches_broken_metadata(release, tmp_path):
    root, records, built = release
    folder = tmp_path / "copy"
    shutil.copytree(built.folder, folder)
    text = (folder / "README.md").read_text()
    meta_end = text.index("\n---\n", 4)
    meta = yaml.safe_load(text[4:meta_end])
    meta["size_categories"] = ["10K<n<100K"]
    meta["license"] = ["cc-by-sa-3.0", "gpl-9"]
    meta["task_ids"] = ["event-extraction"]
    (folder / "README.md").write_text("---\n" + yaml.safe_dump(meta, sort_keys=False) + text[meta_end + 1 :])
    problems = " | ".join(check_card(folder))
    assert "does not match" in problems and "'gpl-9'" in problems and "'event-extraction'" in problems


def _hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_dry_run_twice_gives_byte_identical_files(tmp_path, schema):
    gold, manifest_path, records = write_fixture(tmp_path)
    manifest = read_manifest(manifest_path)
    first = build_release(list(records.values()), manifest, tmp_path / "a", schema=schema, repo_id="org/x")
    shuffled = list(reversed(list(records.values())))
    build_release(shuffled, manifest, tmp_path / "b", schema=schema, repo_id="org/x")
    a, b = _hashes(tmp_path / "a"), _hashes(tmp_path / "b")
    assert a == b and len(a) == 9
    assert first.files == a


def test_release_manifest_lets_anyone_check_the_release(release):
    root, records, built = release
    folder = Path(built.folder)
    manifest = json.loads((folder / "release_manifest.json").read_text())
    assert manifest["schema"]["version"] == load_schema().version
    assert manifest["toolkit_version"]
    by_id = {d["id"]: d for d in manifest["documents"]}
    for name in PUBLISHABLE:
        entry = by_id[records[name].id]
        assert entry["text_sha256"] == records[name].document.text_sha256 and entry["split"] == SPLITS[name]
    for path, digest in manifest["files"].items():
        assert hashlib.sha256((folder / path).read_bytes()).hexdigest() == digest


def test_sentence_rows_report_spans_bio_cannot_hold(schema):
    record = make_record(
        "Gunmen attacked the base. Rockets hit it.",
        source="x",
        licence="CC-BY-4.0",
        entities=[("Gunmen", "PER"), ("base. Rockets", "FAC"), ("Gunm", "PER")],
        events=[("attacked", "Conflict:Attack", [])],
    )
    problems: list = []
    rows = sentence_rows(record, schema, problems)
    assert [r["tokens"][0] for r in rows] == ["Gunmen", "Rockets"]
    reasons = {(p.item_id, p.reason) for p in problems}
    assert ("T1", "left out of BIO tags: crosses a sentence boundary") in reasons
    assert ("T2", "left out of BIO tags: overlaps another span; BIO holds one label per token") in reasons
    names = sentence_features(schema)["ner_tags"].feature.names
    assert names[rows[0]["ner_tags"][0]] == "B-PER"


def test_documents_missing_from_the_manifest_are_an_error(tmp_path, schema):
    gold, manifest_path, records = write_fixture(tmp_path)
    manifest = read_manifest(manifest_path)
    extra = make_record("Troops withdrew from Kirkuk.", source="x", licence="CC-BY-4.0", entities=[], events=[])
    with pytest.raises(EventCorpusError) as caught:
        build_release([*records.values(), extra], manifest, tmp_path / "o", schema=schema, repo_id="org/x")
    assert caught.value.code == "E600" and extra.id in str(caught.value)
    built = build_release(
        [*records.values(), extra], manifest, tmp_path / "o", schema=schema, repo_id="org/x", allow_unassigned=True
    )
    assert built.unassigned == [extra.id]


def test_nothing_publishable_is_an_error(tmp_path, schema):
    records = fixture_records()
    cemo = records["cemo"]
    manifest = manifest_for(records)
    with pytest.raises(EventCorpusError) as caught:
        build_release([cemo], manifest, tmp_path / "o", schema=schema, repo_id="org/x", allow_unassigned=True)
    assert caught.value.code == "E603"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture()
def no_login(monkeypatch, tmp_path):
    from huggingface_hub import constants

    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("HF_OIDC_RESOURCE", raising=False)
    monkeypatch.setattr(constants, "HF_TOKEN_PATH", str(tmp_path / "no-token"))


def test_push_without_a_token_fails_fast_naming_the_token(no_login, release):
    root, records, built = release
    started = time.monotonic()
    with pytest.raises(EventCorpusError) as caught:
        push_release(built.folder, "org/eventcorpus")
    assert caught.value.code == "E620" and "HF_TOKEN" in str(caught.value)
    assert time.monotonic() - started < 3


def test_push_to_an_unreachable_hub_fails_fast(no_login, monkeypatch, release):
    root, records, built = release
    monkeypatch.setenv("HF_TOKEN", "hf_not_a_real_token")
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{_closed_port()}")
    started = time.monotonic()
    with pytest.raises(EventCorpusError) as caught:
        push_release(built.folder, "org/eventcorpus")
    assert caught.value.code == "E621" and "cannot reach http://127.0.0.1" in str(caught.value)
    assert time.monotonic() - started < 3


class _RejectingHub(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
        self.send_response(401 if self.path == "/api/whoami-v2" else 404)
        self.send_header("content-type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"error": "Invalid credentials in Authorization header"}')

    def log_message(self, *args: object) -> None:
        pass


def test_push_with_a_rejected_token_says_so(no_login, monkeypatch, release):
    root, records, built = release
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _RejectingHub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        monkeypatch.setenv("HF_TOKEN", "hf_not_a_real_token")
        with pytest.raises(EventCorpusError) as caught:
            push_release(built.folder, "org/eventcorpus", endpoint=f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
    assert caught.value.code == "E622" and "HTTP 401" in str(caught.value)


def test_publish_offline_fails_before_building(no_login, monkeypatch, tmp_path, schema):
    gold, manifest_path, records = write_fixture(tmp_path)
    monkeypatch.setenv("HF_TOKEN", "hf_not_a_real_token")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(EventCorpusError) as caught:
        publish(records.values(), read_manifest(manifest_path), schema=schema, repo_id="org/x", out_dir=tmp_path / "o")
    assert caught.value.code == "E621" and "HF_HUB_OFFLINE" in str(caught.value)
    assert not (tmp_path / "o").exists()


def test_cli_publish_dry_run_and_usage_errors(tmp_path, no_login):
    gold, manifest_path, records = write_fixture(tmp_path)
    base = ["publish", str(gold), "--split", str(manifest_path), "--repo-id", "org/eventcorpus"]
    result = runner.invoke(app, [*base, "--dry-run", "--out", str(tmp_path / "rel")])
    assert result.exit_code == 0, result.output
    assert "4 documents left out by the licence gate" in result.output
    assert "dry run" in result.output and (tmp_path / "rel" / "README.md").is_file()
    assert runner.invoke(app, [*base, "--dry-run"]).exit_code == 2  # E607
    no_token = runner.invoke(app, base)
    assert no_token.exit_code == 2 and "E620" in no_token.output
    bad_id = runner.invoke(app, [*base[:-1], "not-a-repo-id", "--dry-run", "--out", str(tmp_path / "x")])
    assert bad_id.exit_code == 2 and "E606" in bad_id.output


def test_card_reports_agreement_and_the_documents_it_rests_on(tmp_path, schema):
    gold, manifest_path, records = write_fixture(tmp_path)
    agree_dir = tmp_path / "agree"
    second = []
    for name in ("centcom", "cemo"):
        data = records[name].to_dict()
        data["annotator"] = "pass2"
        data["events"] = data["events"][:1]
        second.append(Record.from_dict(data))
    first = [records[n] for n in ("centcom", "cemo")]
    for record in first:
        record.annotations.annotator = "pass1"
    write_records(agree_dir / "pass1.jsonl", first)
    write_records(agree_dir / "pass2.jsonl", second)
    result = runner.invoke(
        app,
        [
            "publish",
            str(gold),
            "--split",
            str(manifest_path),
            "--repo-id",
            "org/eventcorpus",
            "--dry-run",
            "--out",
            str(tmp_path / "rel"),
            "--agreement",
            str(agree_dir),
        ],
    )
    assert result.exit_code == 0, result.output
    card = (tmp_path / "rel" / "README.md").read_text()
    assert "over **2 documents**" in card and "1 of those documents are in this release" in card
    agree_json = runner.invoke(app, ["agree", str(agree_dir), "--json"])
    assert agree_json.exit_code == 0, agree_json.output
    (tmp_path / "agree.json").write_text(agree_json.output)
    figures = load_agreement(tmp_path / "agree.json")
    assert figures["documents"] == 2 and "average" in figures
    with pytest.raises(EventCorpusError) as caught:
        load_agreement(gold)
    assert caught.value.code == "E605"


def test_allow_nc_publishes_non_commercial_documents_under_their_licence(tmp_path, schema):
    gold, manifest_path, records = write_fixture(tmp_path)
    built = build_release(
        list(records.values()),
        read_manifest(manifest_path),
        tmp_path / "nc",
        schema=schema,
        repo_id="org/x",
        allow_nc=True,
    )
    assert records["bbc"].id not in {e.doc_id for e in built.excluded}
    data = DatasetCard.load(tmp_path / "nc" / "README.md").data.to_dict()
    assert "cc-by-nc-3.0" in data["license"] and check_card(tmp_path / "nc") == []


def _decode(tags: list[int], names: list[str]) -> list[tuple[int, int, str]]:
    """(first token, last token, label) of each BIO span."""
    spans: list[list] = []
    for position, tag in enumerate(tags):
        name = names[tag]
        if name.startswith("B-"):
            spans.append([position, position, name[2:]])
        elif name.startswith("I-"):
            assert spans and spans[-1][2] == name[2:] and spans[-1][1] == position - 1, "I- without its B-"
            spans[-1][1] = position
    return [tuple(s) for s in spans]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(strategies.records())
def test_bio_tags_hold_every_span_or_report_it(record):
    """Property: each entity and trigger is a BIO span over the tokens it touches, or is reported left out."""
    schema = load_schema()
    problems: list = []
    rows = sentence_rows(record, schema, problems)
    features = sentence_features(schema)
    starts = [s for row in rows for s in row["token_starts"]]
    ends = [e for row in rows for e in row["token_ends"]]
    left_out = {(p.kind, p.item_id) for p in problems if p.reason.startswith("left out")}
    snapped = {(p.kind, p.item_id) for p in problems if p.reason.startswith("not on token")}
    for column, kind, items in (
        ("ner_tags", "entity", [(e.id, e.start, e.end, e.label) for e in record.annotations.entities]),
        (
            "trigger_tags",
            "trigger",
            [(e.id, e.trigger.start, e.trigger.end, e.type) for e in record.annotations.events],
        ),
    ):
        tags = [t for row in rows for t in row[column]]
        decoded = sorted(_decode(tags, features[column].feature.names))
        expected = []
        for item_id, start, end, label in items:
            if (kind, item_id) in left_out:
                continue
            touched = [i for i in range(len(starts)) if starts[i] < end and start < ends[i]]
            expected.append((touched[0], touched[-1], label))
            exact = starts[touched[0]] == start and ends[touched[-1]] == end
            assert exact or (kind, item_id) in snapped
        assert decoded == sorted(expected)


def test_documents_configuration_reads_back_as_the_records(release, offline, schema):
    """The default configuration is the hf format: its reader gives back the published records exactly."""
    root, records, built = release
    back = {r.id: r for r in hf_format.read(Path(built.folder), schema=schema, options={"cache_dir": str(offline)})}
    assert set(back) == {records[n].id for n in PUBLISHABLE}
    for name in PUBLISHABLE:
        assert back[records[name].id].to_dict() == records[name].to_dict()


def test_dry_run_on_the_project_corpus(shared_datasets, repo, tmp_path, offline, schema):
    """The project's own pass-1 corpus: the gate leaves out BBC (NC), EEAS, CEMO and wire copy; the folder loads."""
    from eventcorpus.authoring import apply_standoff
    from eventcorpus.sources import corpus_documents, fetch_sources
    from eventcorpus.split import make_split

    fetch_sources(tmp_path / "sources", mirror=shared_datasets, repo_root=repo)
    records = apply_standoff(
        repo / "corpus" / "annotations" / "pass1.jsonl", corpus_documents(tmp_path / "sources").values()
    )
    manifest = make_split(records, seed_trials=5).manifest()
    built = build_release(records, manifest, tmp_path / "release", schema=schema, repo_id="org/eventcorpus")
    restricted = {
        r.id
        for r in records
        if r.document.licence in ("CC-BY-NC-3.0", "EEAS-legal-notice", "all-rights-reserved", "unknown", "wire-copy")
    }
    assert sum(r.document.licence == "wire-copy" for r in records) == 14  # M2E2 articles that name a wire service
    assert restricted and {e.doc_id for e in built.excluded} == restricted
    cemo = [r.id for r in records if r.document.source == "cemo"]
    assert cemo and cemo[0] in restricted
    assert check_card(tmp_path / "release") == []
    for config in (DOCUMENTS, SENTENCES):
        loaded = datasets.load_dataset(str(tmp_path / "release"), config, cache_dir=str(offline))
        assert {s: d.num_rows for s, d in loaded.items()} == built.rows[config]
    documents = datasets.load_dataset(str(tmp_path / "release"), DOCUMENTS, cache_dir=str(offline))
    published = {i for split in documents.values() for i in split["id"]}
    assert published == {r.id for r in records} - restricted


def test_corpus_readme_missing_raised_traceback(tmp_path: Path) -> None:
    """A --corpus-readme that does not exist used to end in FileNotFoundError; now E004 naming it."""
    with pytest.raises(EventCorpusError) as info:
        card_info_from_readme(tmp_path / "missing.md")
    assert info.value.code == "E004"
    assert "missing.md" in str(info.value)


def test_agreement_file_not_utf8_raised_traceback(tmp_path: Path) -> None:
    """An --agreement file that is not UTF-8 used to end in UnicodeDecodeError; now E605 naming it."""
    path = tmp_path / "agreement.json"
    path.write_bytes(b"\xff\xfe{}")
    with pytest.raises(EventCorpusError) as info:
        load_agreement(path)
    assert info.value.code == "E605"
    assert "agreement.json" in str(info.value)


def test_load_agreement_read_the_folder_twice(monkeypatch, tmp_path: Path) -> None:
    """load_agreement read and checked every annotator file twice (once per figure); once is enough."""
    import eventcorpus.publish as publish_module

    folder = Path(__file__).parent / "data" / "quality" / "three_annotators"
    calls: list[Path] = []
    real = publish_module.read_annotator_sets

    def counting(path):
        calls.append(Path(path))
        return real(path)

    monkeypatch.setattr(publish_module, "read_annotator_sets", counting)
    data = load_agreement(folder)
    assert len(calls) == 1
    assert data["document_ids"] and data["documents"] == len(data["document_ids"])


def test_corpus_readme_without_sections_gave_an_empty_card(tmp_path: Path) -> None:
    """A --corpus-readme without the two sections built a card with no annotation process or limitations, silently."""
    readme = tmp_path / "README.md"
    readme.write_text("# Corpus\n\n## How the annotations were made\n\nBy hand.\n", encoding="utf-8")
    with pytest.raises(EventCorpusError) as info:
        card_info_from_readme(readme)
    assert info.value.code == "E608" and "Known weaknesses" in str(info.value)
    readme.write_text(
        readme.read_text(encoding="utf-8") + "\n## Known weaknesses\n\nFew documents.\n", encoding="utf-8"
    )
    info_ok = card_info_from_readme(readme)
    assert (info_ok.annotation_process, info_ok.limitations) == ("By hand.", "Few documents.")
