"""Convert annotations between formats, through canonical records, reporting every dropped item."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from eventcorpus.corpus import backup_existing, check_writable
from eventcorpus.errors import EventCorpusError
from eventcorpus.formats import ConversionReport, Dropped, get_format
from eventcorpus.schema import Schema, load_schema


def convert(
    in_path: str | Path,
    from_fmt: str,
    to_fmt: str,
    out_path: str | Path,
    *,
    schema: Schema | None = None,
    options: dict[str, Any] | None = None,
) -> ConversionReport:
    """Read ``in_path`` as ``from_fmt`` and write ``out_path`` as ``to_fmt``, streaming.

    ``options`` go to both sides (``offset_mode``, ``annotator``, ``split``, ``shard_size``...).
    The report counts the documents, entities and events read, and lists every item the
    reader could not carry into canonical records followed by every item the writer's
    format cannot hold. An existing output file is first copied to ``<name>.<UTC>.bak``.
    """
    source, target = get_format(from_fmt), get_format(to_fmt)
    if not hasattr(source, "read"):
        raise EventCorpusError("E108", f"format {from_fmt!r} can only be written", file=str(in_path))
    if not hasattr(target, "write"):
        raise EventCorpusError("E107", f"format {to_fmt!r} can only be read", file=str(out_path))
    if Path(in_path).resolve() == Path(out_path).resolve():
        raise EventCorpusError("E109", f"{in_path} would be overwritten while it is read", file=str(in_path))
    check_writable(out_path)  # a read-only folder is E030 before any reading, not a PermissionError after it
    if Path(out_path).is_file():
        backup_existing(out_path)  # folders are kept as .bak by the folder writers
    schema = schema or load_schema()
    read_dropped: list[Dropped] = []
    warnings: list[str] = []
    read_options = {**(options or {}), "dropped": read_dropped, "warnings": warnings}
    records = source.read(Path(in_path), schema=schema, options=read_options)
    try:
        report: ConversionReport = target.write(records, Path(out_path), schema=schema, options=dict(options or {}))
    except OSError as exc:  # the disk filled up, a folder turned read-only while writing...
        raise EventCorpusError(
            "E030", f"{exc.strerror or exc}: {exc.filename or out_path}", file=str(out_path)
        ) from exc
    report.dropped[:0] = read_dropped
    report.warnings[:0] = warnings
    if Path(in_path).is_file() and not report.documents and _blank(Path(in_path)):
        report.warnings.append(f"{in_path} is empty: nothing was converted (give the file content)")
    return report


def _blank(path: Path) -> bool:
    """True when the file holds nothing but whitespace (its first 64 KiB, for a file that read as no records)."""
    with open(path, "rb") as handle:
        return not handle.read(1 << 16).strip()
