"""Sources manifest, fetch with hash checks (mirror only), and reading the corpus documents."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eventcorpus.cli import app
from eventcorpus.errors import EventCorpusError
from eventcorpus.sources import (
    CEMO_PATH,
    RE3D_FOLDERS,
    Source,
    SourceFile,
    cemo_document,
    corpus_documents,
    fetch_sources,
    load_sources,
    re3d_key,
    read_m2e2_selection,
    read_re3d_folder,
)

runner = CliRunner()


def _one_file_source(path: str, sha: str) -> list[Source]:
    return [
        Source(
            name="test",
            kind="remote",
            part="re3d",
            origin="https://example.invalid",
            licence="test",
            licence_text="",
            attribution="",
            files=(SourceFile(path=path, sha256=sha, url="https://example.invalid/x"),),
        )
    ]


def test_manifest_lists_every_source_pinned_with_hashes(repo: Path) -> None:
    sources = load_sources(repo / "corpus" / "sources.yaml")
    names = {s.name for s in sources}
    assert {"m2e2", "textee-m2e2-splits", "cemo"} <= names
    assert {f"re3d-{f.lower().replace(' ', '-')}" for f in RE3D_FOLDERS} <= names
    for source in sources:
        if source.kind == "remote":
            assert source.commit and len(source.commit) == 40
            assert all(f.url and source.commit in f.url for f in source.files)
        assert source.licence


def test_manifest_hashes_match_the_mirror(repo: Path, shared_datasets: Path) -> None:
    for source in load_sources(repo / "corpus" / "sources.yaml"):
        for file in source.files:
            base = repo if source.kind == "local" else shared_datasets
            assert hashlib.sha256((base / file.path).read_bytes()).hexdigest() == file.sha256, file.path


@pytest.mark.slow
def test_fetch_from_mirror_then_up_to_date(tmp_path: Path, shared_datasets: Path) -> None:
    dest = tmp_path / "sources"
    first = fetch_sources(dest, mirror=shared_datasets)
    assert len(first.fetched) == 51 and not first.present and first.local
    second = fetch_sources(dest, mirror=shared_datasets)
    assert second.up_to_date and len(second.present) == 51
    docs = corpus_documents(dest)
    m2e2 = len(read_m2e2_selection())
    assert len(docs) == 99 + m2e2  # 98 re3d documents, the CEMO report and the M2E2 articles of part 2
    assert "cemo" in docs


def test_fetch_refuses_a_tampered_mirror_file(tmp_path: Path, shared_datasets: Path) -> None:
    rel = "re3d/Wikipedia/LICENSE"
    original = (shared_datasets / rel).read_bytes()
    mirror = tmp_path / "mirror"
    (mirror / rel).parent.mkdir(parents=True)
    (mirror / rel).write_bytes(original + b"tampered")
    expected = hashlib.sha256(original).hexdigest()
    with pytest.raises(EventCorpusError) as info:
        fetch_sources(tmp_path / "dest", mirror=mirror, sources=_one_file_source(rel, expected))
    assert info.value.code == "E701"
    assert rel in info.value.render() and expected in info.value.render()
    assert hashlib.sha256(original + b"tampered").hexdigest() in info.value.render()
    assert not (tmp_path / "dest" / rel).exists()


def test_fetch_replaces_a_corrupted_destination_file(tmp_path: Path, shared_datasets: Path) -> None:
    rel = "re3d/Wikipedia/LICENSE"
    sha = hashlib.sha256((shared_datasets / rel).read_bytes()).hexdigest()
    dest = tmp_path / "dest"
    (dest / rel).parent.mkdir(parents=True)
    (dest / rel).write_text("corrupted")
    report = fetch_sources(dest, mirror=shared_datasets, sources=_one_file_source(rel, sha))
    assert report.fetched == [rel]
    assert (dest / rel).read_bytes() == (shared_datasets / rel).read_bytes()


def test_fetch_names_a_file_missing_from_the_mirror(tmp_path: Path) -> None:
    with pytest.raises(EventCorpusError) as info:
        fetch_sources(tmp_path / "dest", mirror=tmp_path, sources=_one_file_source("re3d/X/documents.json", "0" * 64))
    assert info.value.code == "E703" and "re3d/X/documents.json" in info.value.render()


def test_fetch_offline_origin_is_a_coded_error(tmp_path: Path) -> None:
    sources = _one_file_source("a.txt", "0" * 64)
    with pytest.raises(EventCorpusError) as info:
        fetch_sources(tmp_path / "dest", sources=sources, timeout=2.0)
    assert info.value.code == "E702" and "example.invalid" in info.value.render()


def test_local_source_hash_is_checked(tmp_path: Path) -> None:
    (tmp_path / "raw.txt").write_text("hello")
    local = Source("cemo", "local", "corpus", "here", "x", "", "", (SourceFile("raw.txt", "1" * 64),))
    with pytest.raises(EventCorpusError) as info:
        fetch_sources(tmp_path / "dest", sources=[local], repo_root=tmp_path)
    assert info.value.code == "E701"


def test_malformed_manifest_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "sources.yaml"
    bad.write_text("sources:\n  - name: x\n    kind: remote\n")
    with pytest.raises(EventCorpusError) as info:
        load_sources(bad)
    assert info.value.code == "E700"
    bad.write_text(
        "sources:\n  - {name: x, kind: remote, origin: o, licence: l, files: [{path: a, sha256: abc, url: u}]}\n"
    )
    with pytest.raises(EventCorpusError, match="64 hex"):
        load_sources(bad)


def test_read_re3d_folder_keeps_gold_entities_in_file_order(shared_datasets: Path) -> None:
    docs = read_re3d_folder(shared_datasets / "re3d" / "CENTCOM")
    assert len(docs) == 23
    first = docs[0]
    assert first.key == re3d_key("CENTCOM", "001C9C3F3DFE16B4921B1E906F66E161")
    assert first.key == "re3d-centcom-001C9C3F3DFE16B4921B1E906F66E161"
    assert first.re3d_entities and all(first.text[e.begin : e.end] == e.value for e in first.re3d_entities[:20])


def test_cli_fetch_reports_up_to_date(tmp_path: Path, shared_datasets: Path) -> None:
    dest = tmp_path / "dest"
    (dest / "re3d").mkdir(parents=True)
    for folder in RE3D_FOLDERS:  # pre-fill so the command only checks hashes
        shutil.copytree(shared_datasets / "re3d" / folder, dest / "re3d" / folder)
    shutil.copytree(shared_datasets / "m2e2", dest / "m2e2")
    result = runner.invoke(app, ["corpus", "fetch", "--mirror", str(shared_datasets), "--dest", str(dest)])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output


def test_cemo_document_kept_a_raw_text_fallback(repo: Path, tmp_path: Path) -> None:
    """cemo_document read the file twice behind an ImportError fallback to the raw text; it is always ingest's."""
    from eventcorpus.ingest import Defaults, load_patterns, read_txt

    document = cemo_document(repo)
    assert document.text == read_txt(repo / CEMO_PATH, load_patterns(), Defaults()).text
    assert document.meta["cleaned_by_ingest"] is True
    with pytest.raises(EventCorpusError) as info:
        cemo_document(tmp_path)
    assert info.value.code == "E703"


def test_manifest_not_utf8_raised_traceback(tmp_path: Path) -> None:
    """A sources manifest that is not UTF-8 used to end in UnicodeDecodeError; now E700 naming it."""
    bad = tmp_path / "sources.yaml"
    bad.write_bytes(b"\xff\xfesources: []\n")
    with pytest.raises(EventCorpusError) as info:
        load_sources(bad)
    assert (info.value.code, info.value.file) == ("E700", str(bad))


def test_missing_fetched_sources_said_check_mirror(tmp_path: Path) -> None:
    """`corpus list` without fetched sources said 'Check --mirror', an option the command does not have."""
    result = runner.invoke(app, ["corpus", "list", "--dest", str(tmp_path / "nothing")])
    assert result.exit_code == 2
    assert "E703" in result.output and "corpus fetch" in result.output
