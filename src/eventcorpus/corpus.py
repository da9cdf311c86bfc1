"""Reading and writing canonical files: lazy JSON Lines reading, atomic writes, backups."""

from __future__ import annotations

import contextlib
import glob
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

from eventcorpus.errors import EventCorpusError
from eventcorpus.records import Document, Record


@contextlib.contextmanager
def atomic_open(path: str | Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO[Any]]:
    """Write to a temporary file beside ``path`` and rename it over ``path`` on success.

    A crash or an exception leaves the old file (if any) untouched and no partial file.
    The new file keeps the old one's permissions, or gets the umask's default for a new
    file (``mkstemp`` alone would leave it readable by its owner only).
    """
    target = Path(path)
    if target.is_dir():
        raise EventCorpusError("E030", "a folder is in the way of the output file", file=str(target))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(target)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise EventCorpusError("E030", str(exc), file=str(target)) from exc
    try:
        os.chmod(tmp, target.stat().st_mode & 0o7777 if target.exists() else default_mode(0o666))
        with os.fdopen(
            fd, mode, encoding=None if "b" in mode else encoding, newline="" if "b" not in mode else None
        ) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


STALE_SECONDS = 120.0  # a hidden temporary untouched this long was left by a killed writer, not a live one


def remove_stale_temporaries(target: Path) -> list[Path]:
    """Remove the hidden ``.<name>.*.tmp`` files a killed write of ``target`` left behind; return them."""
    removed = []
    now = time.time()
    for leftover in target.parent.glob(f".{glob.escape(target.name)}.*.tmp"):
        with contextlib.suppress(OSError):
            if leftover.is_file() and now - leftover.stat().st_mtime > STALE_SECONDS:
                leftover.unlink()
                removed.append(leftover)
    return removed


def default_mode(requested: int) -> int:
    """``requested`` less the process umask: the mode ``open``/``mkdir`` would give a new file or folder."""
    umask = os.umask(0)
    os.umask(umask)
    return requested & ~umask


def backup_existing(path: str | Path) -> Path | None:
    """Copy an existing file to ``<name>.<UTC timestamp>.bak`` beside it; return the copy's path."""
    source = Path(path)
    if not source.exists():
        return None
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    backup = source.with_name(f"{source.name}.{stamp}.bak")
    shutil.copy2(source, backup)
    return backup


def refuse_input_as_output(output: str | Path, *inputs: str | Path | None, option: str = "--out") -> None:
    """E036 when ``output`` is (or is a link to) one of ``inputs``: a writer must never replace what it reads."""
    out = Path(output)
    for given in inputs:
        if given is None:
            continue
        same = out.resolve() == Path(given).resolve()
        if not same and out.exists() and Path(given).exists():
            with contextlib.suppress(OSError):
                same = os.path.samefile(out, given)
        if same:
            raise EventCorpusError("E036", f"{option} {out} is the input {given}", file=str(out))


def check_writable(output: str | Path, option: str = "--out") -> None:
    """E030 before any work when ``output`` cannot be created: its nearest existing folder is not writable."""
    folder = Path(output).absolute()
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if folder.exists() and (not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK)):
        if Path(output).exists() and os.access(Path(output).parent, os.W_OK | os.X_OK):
            return
        raise EventCorpusError("E030", f"{option} {output}: {folder} is not a writable folder", file=str(output))


def write_text_keeping_backup(path: str | Path, text: str) -> Path | None:
    """Write ``text`` atomically, an existing file first kept as ``<name>.<UTC>.bak``; return the backup."""
    backup = backup_existing(path) if Path(path).is_file() else None
    with atomic_open(path) as handle:
        handle.write(text)
    return backup


def iter_json_lines(path: str | Path) -> Iterator[tuple[int, Any]]:
    """Yield (line number, parsed JSON value) for each non-blank line; malformed lines raise E005.

    The value is whatever the line holds (object, list, number...): callers check its shape.
    """
    file = str(path)
    try:
        handle = open(path, encoding="utf-8")  # noqa: SIM115 (closed below; open errors get a code)
    except OSError as exc:
        raise EventCorpusError("E004", str(exc), file=file) from exc
    with handle:
        try:
            yield from parse_json_lines(enumerate(handle, start=1), file)
        except UnicodeDecodeError as exc:
            raise EventCorpusError(
                "E014", f"byte offset {exc.start}: {exc.reason}", file=file, offset=exc.start, fix=utf8_fix(path)
            ) from exc


def utf8_fix(path: str | Path) -> str:
    """How to make ``path`` UTF-8, judged from its first bytes (UTF-16 and binary files are not CP1252)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError:
        head = b""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or (
        head[:2].count(b"\x00") == 1 and head.count(b"\x00") * 3 >= len(head)
    ):
        return "The file is UTF-16: convert it to UTF-8 (e.g. iconv -f UTF-16 -t UTF-8 FILE > FILE.utf8)."
    if b"\x00" in head:
        return "The file holds NUL bytes: it is binary or truncated, not a text file; give the right file."
    return "Convert the file to UTF-8 (e.g. iconv -f CP1252 -t UTF-8 for a Western European file)."


def decode_json_line(line: str, name: str, number: int, expected: str = "one JSON object") -> Any:
    """One line's JSON value; malformed JSON raises E005 naming the file, line and column."""
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise EventCorpusError(
            "E005",
            f"{exc.msg.removesuffix(' at')} at column {exc.colno}",  # "Unterminated string starting at" + at
            file=name,
            line=number,
            expected=expected,
        ) from exc


def parse_json_lines(numbered: Iterable[tuple[int, str]], name: str) -> Iterator[tuple[int, Any]]:
    """(line number, value) for each non-blank numbered line; malformed JSON raises E005 naming ``name``."""
    for number, line in numbered:
        if line.strip():
            yield number, decode_json_line(line, name, number)


def read_records(path: str | Path) -> Iterator[Record]:
    """Stream canonical records from a JSON Lines file, checking each one.

    A (document id, annotator) pair seen twice is E037 naming both lines: every command
    reads through here, so duplicates are refused the same way everywhere.
    """
    for _, record in numbered_records(path):
        yield record


def numbered_records(path: str | Path) -> Iterator[tuple[int, Record]]:
    """(line number, record) of a canonical file, with :func:`read_records`' checks."""
    seen: dict[tuple[str, str], int] = {}
    for number, obj in iter_json_lines(path):
        record = Record.from_dict(obj, file=str(path), line=number)
        key = (record.document.id, record.annotations.annotator)
        if key in seen:
            raise EventCorpusError(
                "E037",
                f"document {key[0]} with annotator {key[1]!r} is on line {seen[key]} and again on line {number}",
                file=str(path),
                line=number,
                doc_id=key[0],
            )
        seen[key] = number
        yield number, record


def read_documents(path: str | Path) -> Iterator[Document]:
    """Stream the documents of a canonical file (annotations, if any, are ignored)."""
    for record in read_records(path):
        yield record.document


def dumps(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=False)


def write_json_lines(path: str | Path, objects: Iterable[dict[str, Any]]) -> int:
    """Write objects as JSON Lines atomically; return how many were written."""
    count = 0
    with atomic_open(path) as handle:
        for obj in objects:
            handle.write(dumps(obj) + "\n")
            count += 1
    return count


def write_records(path: str | Path, records: Iterable[Record]) -> int:
    """Write canonical records atomically; return how many were written."""
    return write_json_lines(path, (r.to_dict() for r in records))


def write_json(path: str | Path, obj: Any) -> None:
    """Write one JSON document atomically, keys in the order given, with a final newline."""
    with atomic_open(path) as handle:
        json.dump(obj, handle, ensure_ascii=False, indent=2)
        handle.write("\n")
