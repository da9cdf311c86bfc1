"""Small helpers shared by the format modules: read-side drop reports, folder outputs, document fields."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from eventcorpus.corpus import default_mode, utf8_fix
from eventcorpus.errors import EventCorpusError
from eventcorpus.formats import Dropped
from eventcorpus.records import UNANNOTATED, Document, Record

# A split name that is safe as a file-name prefix and that datasets accepts: one definition for hf and export.
SPLIT_NAME = re.compile(r"^[A-Za-z0-9_]+$")

# Document fields other than the text, in the order Document.to_dict writes them.
DOCUMENT_FIELDS = ("title", "source", "url", "published", "language", "licence", "attribution", "provenance", "meta")


def note_dropped(options: dict[str, Any], item: Dropped) -> None:
    """Record an item a reader could not carry into canonical records.

    Readers append to ``options["dropped"]`` (a list) when the caller passes one;
    :func:`eventcorpus.convert.convert` does, and reports them with the writer's drops.
    """
    sink = options.get("dropped")
    if isinstance(sink, list):
        sink.append(item)


def note_warnings(options: dict[str, Any], notes: Iterable[str]) -> None:
    """Pass on what a reader noticed but could carry (renamed annotators...) to ``options["warnings"]``."""
    sink = options.get("warnings")
    if isinstance(sink, list):
        sink.extend(notes)


def note_warning(options: dict[str, Any], message: str) -> None:
    """Record a doubt about the input (not a dropped item) in ``options["warnings"]`` when the caller passes a list."""
    sink = options.get("warnings")
    if isinstance(sink, list):
        sink.append(message)


def numbered_lines(handle: Iterable[str], file: str) -> Iterator[tuple[int, str]]:
    """Number the lines of a UTF-8 text handle; bytes that are not UTF-8 raise E014 naming the file."""
    number = 0
    try:
        for number, line in enumerate(handle, start=1):
            yield number, line
    except UnicodeDecodeError as exc:
        read = f"; {number} line(s) decoded before it" if number else ""
        fix = utf8_fix(file) if Path(file).is_file() else None
        raise EventCorpusError("E014", f"{exc.reason}{read}", file=file, expected="UTF-8 text", fix=fix) from exc


def default_annotator(options: dict[str, Any]) -> str:
    """The annotator name for records whose format does not say who annotated them."""
    return str(options.get("annotator") or UNANNOTATED)


def document_fields(record: Record) -> dict[str, Any]:
    """The document's metadata (everything but the text) plus who annotated it."""
    out = record.document.to_dict()
    del out["text"]
    out["text_sha256"] = record.document.text_sha256
    out["annotator"] = record.annotations.annotator
    if record.annotations.meta:
        out["annotation_meta"] = record.annotations.meta
    return out


def document_from_fields(
    text: str, fields: dict[str, Any], fallback_id: str, *, where: dict[str, Any] | None = None
) -> Document:
    """Rebuild a :class:`Document` from :func:`document_fields` output (missing fields take defaults).

    A field of the wrong type is E006 at ``where`` (file, line).
    """
    data = {key: fields[key] for key in DOCUMENT_FIELDS if key in fields}
    data["id"] = str(fields.get("id") or fallback_id)
    data["text"] = text
    return Document.from_dict(data, where={**(where or {}), "doc_id": data["id"]})


@contextlib.contextmanager
def output_folder(path: str | Path) -> Iterator[Path]:
    """Build a folder output in a temporary sibling and move it into place on success.

    An existing folder (or file) at ``path`` is kept as ``<name>.<UTC timestamp>.bak``.
    """
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    except OSError as exc:
        raise EventCorpusError("E030", str(exc), file=str(target)) from exc
    try:
        tmp.chmod(default_mode(0o777))  # mkdtemp makes it owner-only
        yield tmp
        if target.exists():
            stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
            os.replace(target, target.with_name(f"{target.name}.{stamp}.bak"))
        os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
