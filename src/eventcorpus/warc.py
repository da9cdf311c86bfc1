"""WARC files from news crawls -> documents, through the same HTML extraction ``ingest`` uses.

Each ``response`` (or ``resource``) record whose payload is HTML is one article; other
records (requests, warcinfo, metadata, images, PDFs) are not articles and are passed
over. A record's provenance names the WARC file, its sha256, the record's byte offset,
its WARC-Record-ID, target URI and capture date. Reading needs warcio (the ``scale`` extra).
"""

from __future__ import annotations

import gzip
import hashlib
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from eventcorpus.errors import EventCorpusError
from eventcorpus.ingest import Defaults, Patterns, html_document
from eventcorpus.records import Document

HTML_TYPES = ("text/html", "application/xhtml+xml")


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _first_bytes(path: Path) -> bytes:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rb") as handle:
        return bytes(handle.read(16))


def _content_type(record: Any) -> str:
    headers = record.http_headers if record.rec_type == "response" else record.rec_headers
    value = headers.get_header("Content-Type") if headers is not None else None
    return (value or "").split(";")[0].strip().lower()


def read_warc(path: Path, patterns: Patterns, defaults: Defaults) -> Iterator[Document | EventCorpusError]:
    """Documents from the HTML records of a WARC file, streamed; a record that fails yields its error."""
    try:
        from warcio.archiveiterator import ArchiveIterator
        from warcio.exceptions import ArchiveLoadFailed
    except ImportError as exc:
        raise EventCorpusError("E800", f"reading WARC files needs warcio ({exc})", file=path.as_posix()) from exc
    file = path.as_posix()
    try:
        sha256 = _file_sha256(path)
        start = _first_bytes(path)
        handle = path.open("rb")
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        yield EventCorpusError("E801", f"not a gzip file: {exc}", file=file, expected="a .warc.gz of gzip members")
        return
    except OSError as exc:
        yield EventCorpusError("E004", f"cannot read the file: {exc.strerror or exc}", file=file)
        return
    if not start.startswith(b"WARC/"):
        yield EventCorpusError(
            "E801", f"the file starts with {start[:16]!r}", file=file, expected="'WARC/1.0' or 'WARC/1.1'"
        )
        return
    articles = 0
    with handle:
        records = ArchiveIterator(handle)
        try:
            for record in records:
                if record.rec_type not in ("response", "resource") or _content_type(record) not in HTML_TYPES:
                    continue
                payload = record.content_stream().read()
                offset = records.get_record_offset()  # (after the read: asking first would skip the payload)
                if getattr(record.raw_stream, "limit", 0) > 0:
                    yield EventCorpusError(
                        "E801",
                        f"the record at byte offset {offset} ends {record.raw_stream.limit} byte(s) short of its length",
                        file=file,
                        offset=offset,
                        expected="complete records (was the file cut off while downloading?)",
                    )
                    return
                articles += 1
                uri = record.rec_headers.get_header("WARC-Target-URI")
                origin = {
                    "path": file,
                    "sha256": sha256,
                    "warc_record_offset": offset,
                    "warc_record_id": record.rec_headers.get_header("WARC-Record-ID"),
                    "warc_target_uri": uri,
                    "warc_date": record.rec_headers.get_header("WARC-Date"),
                    "record_sha256": hashlib.sha256(payload).hexdigest(),
                }
                try:
                    document = html_document(payload, file, patterns, defaults, origin, url=uri)
                except EventCorpusError as exc:
                    yield EventCorpusError(
                        exc.code, f"WARC record at byte offset {offset}: {exc.detail}", file=file, offset=offset
                    )
                    continue
                document.provenance[0]["format"] = "warc"
                yield document
        except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
            yield EventCorpusError("E801", f"after {articles} HTML record(s): {exc}", file=file)
            return
    if articles == 0:
        yield EventCorpusError("E012", "the WARC file has no HTML response records", file=file)
