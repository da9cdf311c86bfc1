"""Ingest: raw .txt/.html/.jsonl articles -> clean documents (library and CLI)."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from eventcorpus.cli import app
from eventcorpus.corpus import read_records
from eventcorpus.errors import EventCorpusError
from eventcorpus.ingest import (
    IngestFailed,
    clean_text,
    decode_bytes,
    estimated_jaccard,
    ingest,
    load_patterns,
    minhash_signature,
    near_duplicate_clusters,
    parse_date_line,
    shingles,
)
from eventcorpus.records import UNANNOTATED, document_id

DATA = Path(__file__).parent / "data" / "ingest"
PATTERNS = load_patterns()
runner = CliRunner()

UNRELATED = (
    "Heavy rain flooded several districts of the capital on Monday, forcing schools to close and cutting power "
    "to thousands of homes, the city's emergency service said. Forecasters expect more storms later in the week, "
    "and residents were asked to avoid low-lying roads near the river until the water level falls."
)


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


def article(title: str, body: str) -> str:
    return f"{title}\n\nMonday 10 January 2022 09:00\nTest Desk Weekly\n\n{body}\n"


# --------------------------------------------------------------------------- the CEMO report


@pytest.fixture(scope="module")
def cemo(seed_path: Path):
    result = ingest([seed_path])
    assert len(result.documents) == 1
    return result.documents[0]


def test_cemo_metadata(cemo) -> None:
    assert cemo.title == "Military Bases Housing U.S. Forces Attacked in Syria and Iraq"
    assert cemo.published == "2022-01-06T14:36"
    assert cemo.source == "The Reference"
    assert cemo.meta["issuer"] == "CEMO Center - Paris"
    assert cemo.licence == "unknown"
    assert cemo.attribution == "The Reference (CEMO Center - Paris)"
    assert cemo.id == document_id(cemo.text)


def test_cemo_clean_text(cemo, seed_path: Path) -> None:
    text = cemo.text
    assert text.startswith("Rockets and indirect fire struck bases")
    assert text.endswith("said Akram al-Kaabi, the militia leader.")
    assert not re.search(r"^\s*(ad|a|b)(\s+(ad|a|b))*\s*$", text, re.MULTILINE)
    assert "ad a b" not in text and "ad ad ad" not in text and "طباعة" not in text
    assert not text.rstrip().endswith('"')
    # every paragraph is a source line copied exactly (NBSPs and curly quotes included)
    source_lines = set(seed_path.read_text(encoding="utf-8").split("\n"))
    paragraphs = text.split("\n\n")
    assert len(paragraphs) == 14
    assert all(p in source_lines for p in paragraphs)
    assert "\u00a0" in text


def test_cemo_provenance_lists_every_line_taken_out(cemo, seed_path: Path) -> None:
    [provenance] = cemo.provenance
    raw = seed_path.read_bytes()
    assert provenance["sha256"] == hashlib.sha256(raw).hexdigest()
    assert provenance["path"] == seed_path.as_posix()
    removed = [(r["line"], r["text"], r["rule"]) for r in provenance["removed"]]
    assert removed == [
        (2, "ad a b", "ad-residue"),
        (3, "ad ad ad", "ad-residue"),
        (9, "طباعة", "share-print-label"),
        (39, '"', "lone-quote"),
    ]
    consumed = [(m["line"], m["field"]) for m in provenance["metadata_lines"]]
    assert consumed == [(1, "issuer"), (5, "title"), (7, "published"), (8, "source")]
    # nothing lost: every non-blank source line is kept, removed or consumed
    lines = raw.decode("utf-8").split("\n")
    kept = set(cemo.text.split("\n\n"))
    accounted = {r["line"] for r in provenance["removed"]} | {m["line"] for m in provenance["metadata_lines"]}
    for number, line in enumerate(lines, start=1):
        if line.strip():
            assert line in kept or number in accounted, (number, line)


def test_cemo_cli_writes_one_canonical_record(seed_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["ingest", str(seed_path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "wrote 1 document" in result.output
    [record] = list(read_records(out / "documents.jsonl"))
    assert record.annotations.annotator == UNANNOTATED
    assert record.annotations.entities == [] and record.annotations.events == []
    assert record.document.published == "2022-01-06T14:36"
    assert record.document.text.startswith("Rockets and indirect fire")
    report = json.loads((out / "ingest_report.json").read_text(encoding="utf-8"))
    assert report["documents"] == 1 and report["failures"] == [] and report["removed_lines"] == 4


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Thursday 06/January/2022 - 02:36 PM", "2022-01-06T14:36"),
        ("06/January/2022 - 12:05 AM", "2022-01-06T00:05"),
        ("Thursday, 6 January 2022", "2022-01-06"),
        ("6 Jan. 2022 14:36 GMT", "2022-01-06T14:36Z"),
        ("January 6, 2022 10:15 am", "2022-01-06T10:15"),
        ("Published: Jan 6, 2022 at 9:05 p.m.", "2022-01-06T21:05"),
        ("Updated 2022-01-06 14:36:10 +03:00", "2022-01-06T14:36:10+03:00"),
        ("2022-01-06T14:36", "2022-01-06T14:36"),
        ("2022/1/6", "2022-01-06"),
        ("Sept 30th, 2021", "2021-09-30"),
    ],
)
def test_date_lines(line: str, expected: str) -> None:
    assert parse_date_line(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        "Rockets struck on January 6, 2022 near the base.",  # a sentence, not a date line
        "31 February 2022",  # no such day
        "06/01/2022",  # day/month order ambiguous
        "January 6, 2022 13:15 PM",  # 13 PM
        "The Reference",
    ],
)
def test_not_date_lines(line: str) -> None:
    assert parse_date_line(line) is None


# --------------------------------------------------------------------------- cleaning rules


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("ad a b", "ad-residue"),
        ("  ads | ad  ", "ad-residue"),
        ("Advertisement", "advertisement-label"),
        ("إعلان", "advertisement-label"),
        ("Print | Share | Tweet", "share-print-label"),
        ("Imprimer", "share-print-label"),
        ("Share on WhatsApp", "share-print-label"),
        ("طباعة", "share-print-label"),
        ("”", "lone-quote"),
        ("«", "lone-quote"),
        ("***", "separator"),
        ("Read more:", "read-more-label"),
    ],
)
def test_boilerplate_lines_removed(line: str, rule: str) -> None:
    assert PATTERNS.boilerplate_rule(line) == rule


@pytest.mark.parametrize(
    "line",
    [
        "Share prices fell after the attack on the refinery.",
        "Print media reported the strike hours later.",
        "Ad hoc talks between the militias failed.",
        "“We will respond,” he said.",
        "B-52 bombers flew over the area.",
    ],
)
def test_article_lines_kept(line: str) -> None:
    assert PATTERNS.boilerplate_rule(line) is None


def test_paragraph_rule_and_verbatim_lines() -> None:
    raw = (
        "First paragraph line one,\r\n"
        "  continued on a second line\u00a0here.\r\n"
        "Print\r\n"
        "still the first paragraph.\r\n"
        "\r\n\r\n\r\n"
        "Second paragraph.\r\n"
    )
    cleaned = clean_text(raw, PATTERNS, header=False)
    assert cleaned.text == (
        "First paragraph line one,\n  continued on a second line\u00a0here.\nstill the first paragraph.\n\nSecond paragraph."
    )
    assert cleaned.removed == [{"line": 3, "text": "Print", "rule": "share-print-label"}]


def test_unclassified_header_line_stays_in_text() -> None:
    raw = (
        "A title line\nA standfirst line that tells a little more about what happened there\nMonday 10 January 2022\n\n"
        + UNRELATED
    )
    cleaned = clean_text(raw, PATTERNS)
    assert cleaned.fields == {"title": "A title line", "published": "2022-01-10"}
    assert cleaned.text == "A standfirst line that tells a little more about what happened there\n\n" + UNRELATED


def test_text_without_header_keeps_its_first_line() -> None:
    cleaned = clean_text(UNRELATED + "\n\nSecond paragraph here.", PATTERNS)
    assert cleaned.fields == {} and cleaned.text.startswith("Heavy rain")


lines_strategy = st.lists(
    st.one_of(
        st.sampled_from(["", "  ", "ad a b", "طباعة", '"', "Print | Share", "Issued by Somebody", "6 January 2022"]),
        st.text(
            st.characters(
                blacklist_categories=("Cs",), blacklist_characters="\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
            ),
            max_size=40,
        ),
    ),
    max_size=25,
)


@settings(max_examples=150, deadline=None)
@given(lines_strategy)
def test_nothing_is_lost(lines: list[str]) -> None:
    """Every non-blank line is kept verbatim, or listed as removed or consumed, in order."""
    cleaned = clean_text("\n".join(lines), PATTERNS)
    kept = [line for line in re.split(r"\n\n|\n", cleaned.text) if line] if cleaned.text else []
    listed = {e["line"]: e["text"] for e in cleaned.removed + cleaned.consumed}
    expected_kept = [line for n, line in enumerate(lines, 1) if line.strip() and n not in listed]
    assert kept == expected_kept
    for number, text in listed.items():
        assert lines[number - 1] == text


# --------------------------------------------------------------------------- patterns files


def test_custom_patterns_replace_defaults(tmp_path: Path) -> None:
    patterns = load_patterns(DATA / "patterns.yaml")
    assert [r.name for r in patterns.boilerplate] == ["subscribe-banner"]
    raw = "Title here\nDesk: Baghdad bureau\n\nSubscribe now!\nAdvertisement\n" + UNRELATED
    cleaned = clean_text(raw, patterns)
    assert cleaned.fields["desk"] == "Baghdad bureau"
    assert cleaned.removed == [{"line": 4, "text": "Subscribe now!", "rule": "subscribe-banner"}]
    assert cleaned.text.startswith("Advertisement\n")  # default rules are not applied


def test_custom_patterns_can_include_defaults(tmp_path: Path) -> None:
    extra = write(tmp_path / "p.yaml", "include_defaults: true\nboilerplate:\n  - rule: x\n    pattern: 'subscribe'\n")
    patterns = load_patterns(extra)
    assert patterns.boilerplate_rule("Subscribe") == "x" and patterns.boilerplate_rule("Advertisement")


@pytest.mark.parametrize(
    "content",
    [
        "boilerplate:\n  - rule: broken\n    pattern: '(unclosed'\n",
        "metadata:\n  - field: desk\n    pattern: 'desk: .+'\n",  # no (?P<value>...)
        "boilerplate: not-a-list\n",
        "- just a list\n",
    ],
)
def test_bad_patterns_file(tmp_path: Path, content: str) -> None:
    path = write(tmp_path / "bad.yaml", content)
    with pytest.raises(EventCorpusError) as caught:
        load_patterns(path)
    assert caught.value.code == "E018" and caught.value.exit_code == 2 and str(path) in str(caught.value)


# --------------------------------------------------------------------------- html and jsonl


def test_html_main_text_and_metadata() -> None:
    [doc] = ingest([DATA / "page.html"]).documents
    assert doc.title == "Drone strike hits depot near Erbil"
    assert doc.source == "Example Wire"
    assert doc.url == "https://wire.example.org/2022/01/07/drone-depot"
    assert doc.published == "2022-01-07T08:45Z"
    assert doc.language == "en" and doc.meta["author"] == "Test Writer"
    assert doc.text.startswith("An explosive-laden drone struck a fuel depot")
    assert doc.text.endswith("issued on Friday afternoon.")
    assert doc.text.count("\n\n") == 2
    for residue in ("Home", "Copyright", "Share", "Drone strike hits depot"):
        assert residue not in doc.text
    [provenance] = doc.provenance
    assert provenance["format"] == "html" and provenance["extractor"].startswith("trafilatura")
    assert provenance["removed"] == [{"line": 3, "text": "Share", "rule": "share-print-label"}]
    assert provenance["metadata_lines"][0]["field"] == "title"


def test_jsonl_records_with_metadata_and_licences() -> None:
    first, second = ingest([DATA / "articles.jsonl"], licence="CC0-1.0", attribution="The test team").documents
    assert first.title == "Two police officers killed near Kirkuk"
    assert first.published == "2022-01-08T23:05"
    assert first.licence == "CC-BY-4.0" and first.attribution == "Example Net staff"
    assert first.meta == {"input_id": "w-1", "section": "world"}
    assert first.text.endswith("Hamrin mountains.")
    assert first.provenance[0]["record_line"] == 1
    assert first.provenance[0]["removed"] == [{"line": 4, "text": "advertisement", "rule": "advertisement-label"}]
    # the record without licence or attribution takes the defaults given
    assert second.licence == "CC0-1.0" and second.attribution == "The test team"


def test_licence_is_unknown_unless_given(tmp_path: Path) -> None:
    [doc] = ingest([write(tmp_path / "a.txt", UNRELATED)]).documents
    assert doc.licence == "unknown" and doc.attribution == "unknown"


# --------------------------------------------------------------------------- bad input


def failure_of(path: Path, **kwargs) -> EventCorpusError:
    result = ingest([path], skip_invalid=True, **kwargs)
    assert not result.documents
    [failure] = result.failures
    return failure


def test_empty_and_whitespace_files(tmp_path: Path) -> None:
    for name, content in (("empty.txt", b""), ("blank.txt", b" \n\t\n"), ("empty.jsonl", b"\n\n")):
        failure = failure_of(write(tmp_path / name, content))
        assert failure.code == "E012" and failure.file.endswith(name)


def test_file_of_only_boilerplate(tmp_path: Path) -> None:
    failure = failure_of(write(tmp_path / "ads.txt", "ad a b\nPrint\n\n”\n"))
    assert failure.code == "E012" and "no text is left" in failure.detail


def test_binary_file(tmp_path: Path) -> None:
    failure = failure_of(write(tmp_path / "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
    assert failure.code == "E013" and failure.offset == 8 and "image.txt" in str(failure)
    failure = failure_of(write(tmp_path / "controls.txt", bytes(range(1, 9)) * 20))
    assert failure.code == "E013"


def test_windows_1252_is_detected_and_recorded(tmp_path: Path) -> None:
    text = (
        "Le porte-parole a déclaré que l’armée «poursuivra» ses opérations près de Gao. "
        "Les échanges de tirs ont duré une heure, selon un témoin cité par la presse régionale."
    )
    [doc] = ingest([write(tmp_path / "fr.txt", text.encode("cp1252"))]).documents
    assert doc.text == text
    assert doc.provenance[0]["encoding"] == "cp1252" and doc.provenance[0]["detected"] is True


def test_undetectable_encoding_is_refused_with_offset(tmp_path: Path) -> None:
    failure = failure_of(write(tmp_path / "bad.txt", b"ok text \x81\x8d\x8f\x90\x9d more"))
    assert failure.code == "E014" and failure.offset == 8
    assert "byte offset 8" in str(failure) and "bad.txt" in str(failure)


def test_utf16_with_bom(tmp_path: Path) -> None:
    [doc] = ingest(
        [write(tmp_path / "u16.txt", "\ufeff".encode("utf-16-le") + UNRELATED.encode("utf-16-le"))]
    ).documents
    assert doc.text == UNRELATED and doc.provenance[0]["encoding"] == "utf-16"


def test_decode_bytes_plain_utf8() -> None:
    assert decode_bytes("Ça va".encode(), "x.txt") == ("Ça va", {"encoding": "utf-8"})


def test_jsonl_line_errors_name_file_and_line(tmp_path: Path) -> None:
    good = json.dumps({"text": UNRELATED})
    path = write(
        tmp_path / "mixed.jsonl",
        good.encode()
        + b'\n{"text": oops}\n{"title": "no text"}\n{"text": "x", "title": 3}\n'
        + b'{"text": "caf\xe9"}\n[1]\n',
    )
    result = ingest([path], skip_invalid=True)
    assert len(result.documents) == 1
    found = [(f.code, f.line) for f in result.failures]
    assert found == [("E005", 2), ("E019", 3), ("E019", 4), ("E014", 5), ("E019", 6)]
    assert all(f.file == path.as_posix() for f in result.failures)
    bad_byte = path.read_bytes().index(b"\xe9")
    assert result.failures[3].offset == bad_byte
    assert f"{path.as_posix()}:2" in str(result.failures[0])


def test_unsupported_and_missing_paths(tmp_path: Path) -> None:
    assert failure_of(write(tmp_path / "notes.docx", "x")).code == "E015"
    missing = failure_of(tmp_path / "nowhere.txt")
    assert missing.code == "E004" and "nowhere.txt" in str(missing)


def test_default_settings_fail_with_every_problem(tmp_path: Path) -> None:
    write(tmp_path / "in" / "good.txt", UNRELATED)
    write(tmp_path / "in" / "empty.txt", "")
    write(tmp_path / "in" / "binary.html", b"\x00\x01")
    with pytest.raises(IngestFailed) as caught:
        ingest([tmp_path / "in"])
    assert caught.value.code == "E016"
    assert sorted(f.code for f in caught.value.failures) == ["E012", "E013"]
    result = ingest([tmp_path / "in"], skip_invalid=True)
    assert len(result.documents) == 1 and len(result.failures) == 2


def test_folders_are_read_recursively_in_sorted_order(tmp_path: Path) -> None:
    write(tmp_path / "c" / "b.txt", "Second text here, with enough words to be a paragraph of its own.")
    write(tmp_path / "c" / "a" / "z.txt", "First text here, with enough words to be a paragraph of its own.")
    write(tmp_path / "c" / ".hidden.txt", "never read")
    write(tmp_path / "c" / "notes.md", "never read")
    result = ingest([tmp_path / "c"])
    assert [d.provenance[0]["path"].rsplit("/", 1)[1] for d in result.documents] == ["z.txt", "b.txt"]
    assert sorted(Path(p).name for p in result.skipped) == [".hidden.txt", "notes.md"]


# --------------------------------------------------------------------------- duplicates


def test_exact_duplicates_are_merged_with_both_provenances(tmp_path: Path, seed_path: Path) -> None:
    copy = write(
        tmp_path / "copy.jsonl", json.dumps({"text": ingest([seed_path]).documents[0].text, "url": "https://x.example"})
    )
    result = ingest([seed_path, copy])
    [doc] = result.documents
    assert [p["format"] for p in doc.provenance] == ["txt", "jsonl"]
    assert doc.url == "https://x.example" and doc.title.startswith("Military Bases")
    assert result.duplicates == [{"id": doc.id, "kept": seed_path.as_posix(), "merged": f"{copy.as_posix()}:1"}]


def test_near_duplicate_reprint_is_clustered(tmp_path: Path, seed_path: Path) -> None:
    body = ingest([seed_path]).documents[0].text
    changed = body.replace(
        "None of the attacks have caused any casualties or major damage",
        "No casualties or serious damage were reported from any of the attacks",
    )
    assert changed != body
    reprint = write(tmp_path / "reprint.txt", article("Bases attacked again", changed))
    other = write(tmp_path / "other.txt", article("Floods in the capital", UNRELATED))
    result = ingest([seed_path, reprint, other])
    original, copy, unrelated = result.documents
    assert original.id != copy.id
    cluster = original.meta["near_duplicate_cluster"]
    assert copy.meta["near_duplicate_cluster"] == cluster == f"ndc-{original.id}"
    assert "near_duplicate_cluster" not in unrelated.meta
    assert result.clusters == {cluster: [original.id, copy.id]}


def test_minhash_estimates_jaccard_deterministically(seed_path: Path) -> None:
    text = ingest([seed_path]).documents[0].text
    edited = text.replace("Rockets and indirect fire struck", "Several rockets struck")
    a, b = shingles(text), shingles(edited)
    exact = len(a & b) / len(a | b)
    first, second = minhash_signature(text), minhash_signature(edited)
    assert abs(estimated_jaccard(first, second) - exact) < 0.1
    assert (minhash_signature(text) == first).all()
    assert estimated_jaccard(first, minhash_signature(UNRELATED)) < 0.1
    assert not (minhash_signature(text, seed=1) == first).all()


def test_threshold_decides_clusters() -> None:
    texts = {
        "a": UNRELATED,
        "b": UNRELATED.replace("Monday", "Tuesday"),
        "c": "Completely different words about elections.",
    }
    signatures = [(k, minhash_signature(v)) for k, v in texts.items()]
    assert near_duplicate_clusters(signatures, 0.8) == {"ndc-a": ["a", "b"]}
    assert near_duplicate_clusters(signatures, 1.0) == {}


# --------------------------------------------------------------------------- CLI


def test_cli_fails_and_writes_nothing_when_an_input_fails(tmp_path: Path, seed_path: Path) -> None:
    empty = write(tmp_path / "empty.txt", "")
    out = tmp_path / "out"
    result = runner.invoke(app, ["ingest", str(seed_path), str(empty), str(tmp_path / "gone.html"), "--out", str(out)])
    assert result.exit_code == 1
    assert "E012" in result.output and "empty.txt" in result.output
    assert "E004" in result.output and "gone.html" in result.output
    assert "E016" in result.output
    assert not (out / "documents.jsonl").exists()


def test_cli_skip_invalid_writes_good_ones_and_a_report(tmp_path: Path, seed_path: Path) -> None:
    empty = write(tmp_path / "empty.txt", "")
    out = tmp_path / "out"
    result = runner.invoke(app, ["ingest", str(seed_path), str(empty), "--out", str(out), "--skip-invalid"])
    assert result.exit_code == 0, result.output
    assert "E012" in result.output and "empty.txt" in result.output
    assert len(list(read_records(out / "documents.jsonl"))) == 1
    report = json.loads((out / "ingest_report.json").read_text(encoding="utf-8"))
    assert [(f["code"], f["file"]) for f in report["failures"]] == [("E012", empty.as_posix())]


def test_cli_refuses_to_overwrite_without_force_and_keeps_a_backup(tmp_path: Path, seed_path: Path) -> None:
    out = tmp_path / "out"
    assert runner.invoke(app, ["ingest", str(seed_path), "--out", str(out)]).exit_code == 0
    before = (out / "documents.jsonl").read_bytes()
    again = runner.invoke(app, ["ingest", str(seed_path), "--out", str(out)])
    assert again.exit_code == 2 and "E011" in again.output
    forced = runner.invoke(app, ["ingest", str(DATA / "articles.jsonl"), "--out", str(out), "--force"])
    assert forced.exit_code == 0, forced.output
    [backup] = list(out.glob("documents.jsonl.*.bak"))
    assert backup.read_bytes() == before
    assert len(list(read_records(out / "documents.jsonl"))) == 2


def test_cli_usage_errors(tmp_path: Path, seed_path: Path) -> None:
    assert runner.invoke(app, ["ingest", str(seed_path)]).exit_code == 2  # no --out
    bad = write(tmp_path / "bad.yaml", "boilerplate:\n  - rule: x\n    pattern: '('\n")
    result = runner.invoke(app, ["ingest", str(seed_path), "--out", str(tmp_path / "o"), "--patterns", str(bad)])
    assert result.exit_code == 2 and "E018" in result.output and "bad.yaml" in result.output


def test_cli_licence_and_attribution_options(tmp_path: Path, seed_path: Path) -> None:
    out = tmp_path / "out"
    options = ["--licence", "CC-BY-4.0", "--attribution", "CEMO Center - Paris"]
    result = runner.invoke(app, ["ingest", str(seed_path), "--out", str(out), *options])
    assert result.exit_code == 0, result.output
    [record] = list(read_records(out / "documents.jsonl"))
    assert record.document.licence == "CC-BY-4.0" and record.document.attribution == "CEMO Center - Paris"


def test_cli_no_articles_found(tmp_path: Path) -> None:
    write(tmp_path / "in" / "readme.md", "nothing to ingest")
    result = runner.invoke(app, ["ingest", str(tmp_path / "in"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1 and "E020" in result.output


@settings(max_examples=200, deadline=None)
@given(
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2035, 12, 31)),
    st.sampled_from(
        [
            "%A %d/%B/%Y - %I:%M %p",
            "%d %B %Y %H:%M",
            "%B %d, %Y %I:%M %p",
            "%b %d, %Y at %H:%M",
            "Updated %Y-%m-%d %H:%M",
            "%Y-%m-%dT%H:%M",
        ]
    ),
)
def test_date_lines_round_trip(moment: datetime, layout: str) -> None:
    assert parse_date_line(moment.strftime(layout)) == moment.strftime("%Y-%m-%dT%H:%M")


def test_crlf_copy_of_the_report_gets_the_same_document(tmp_path: Path, seed_path: Path, cemo) -> None:
    crlf = write(tmp_path / "cemo_crlf.txt", seed_path.read_bytes().replace(b"\n", b"\r\n"))
    [doc] = ingest([crlf]).documents
    assert doc.id == cemo.id and doc.text == cemo.text and doc.published == cemo.published


def test_header_metadata_lines(tmp_path: Path) -> None:
    raw = "Strike on a convoy\nBy Jane Roe\nPublished by Gulf Monitor\nURL: https://gulf.example/convoy\n7 Jan 2022\n\n"
    [doc] = ingest([write(tmp_path / "h.txt", raw + UNRELATED)]).documents
    assert (doc.title, doc.source, doc.url, doc.published) == (
        "Strike on a convoy",
        "Gulf Monitor",
        "https://gulf.example/convoy",
        "2022-01-07",
    )
    assert doc.meta == {"byline": "Jane Roe"} and doc.text == UNRELATED


def test_ingest_out_is_a_file_raised_traceback(tmp_path: Path, seed_path: Path) -> None:
    """`ingest --out FILE` wrote outside the error boundary and ended in FileExistsError; now E030, exit 2."""
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(seed_path), "--out", str(tmp_path / "afile")])
    assert result.exit_code == 2
    assert "E030" in result.output


def test_merged_duplicate_attribution_was_lost(tmp_path: Path) -> None:
    """An exact duplicate's attribution was dropped when the kept copy had none ('unknown' is never None)."""
    path = tmp_path / "articles.jsonl"
    text = "Rockets struck the base on Tuesday, officials said."
    lines = [{"text": text}, {"text": text, "attribution": "Example News", "licence": "CC-BY-4.0"}]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    result = ingest([path])
    (document,) = result.documents
    assert (document.attribution, document.licence) == ("Example News", "CC-BY-4.0")
    assert len(result.duplicates) == 1


def test_ingest_force_overwrote_the_old_report(tmp_path: Path, seed_path: Path) -> None:
    """--force kept the old documents.jsonl but replaced ingest_report.json, the record of how they were made."""
    out = tmp_path / "out"
    assert runner.invoke(app, ["ingest", str(seed_path), "--out", str(out)]).exit_code == 0
    old_report = (out / "ingest_report.json").read_text(encoding="utf-8")
    forced = runner.invoke(app, ["ingest", str(DATA / "articles.jsonl"), "--out", str(out), "--force"])
    assert forced.exit_code == 0, forced.output
    (backup,) = out.glob("ingest_report.json.*.bak")
    assert backup.read_text(encoding="utf-8") == old_report
    assert len(list(out.glob("documents.jsonl.*.bak"))) == 1
