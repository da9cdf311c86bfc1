"""Export a corpus to an outside format, one output per split of a split manifest.

Each format gets its natural layout under the output folder:

- ``canonical``, ``doccano``, ``oneie``: ``DIR/<split>.jsonl``; ``m2e2``: ``DIR/<split>.json``;
- ``spacy``: ``DIR/<split>.spacy``; ``conll``: ``DIR/<split>.conll``; ``brat``: ``DIR/<split>/``;
- ``hf``: ``DIR`` is one DatasetDict folder (parquet per split, ``load_dataset(DIR)``); each
  record carries its split in ``document.meta["split"]``, which is how the hf writer files it.

Every split named in the manifest gets an output, empty ones included (except in ``hf``,
whose writer files only the splits that have rows), so a consumer always finds train, dev
and test. Every item a format cannot hold is reported per split. A
document the manifest does not name is an error (E600) unless ``allow_unassigned``, which
leaves it out and lists it. The folder is built beside ``DIR`` and moved into place at the
end; an existing ``DIR`` is kept as ``DIR.<timestamp>.bak``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from eventcorpus.errors import EventCorpusError
from eventcorpus.formats import ConversionReport, Dropped, get_format
from eventcorpus.formats._shared import SPLIT_NAME, output_folder
from eventcorpus.records import Record
from eventcorpus.schema import Schema

# Output name of each split, per format; "hf" writes one DatasetDict folder instead.
LAYOUT: dict[str, str] = {
    "canonical": "{split}.jsonl",
    "doccano": "{split}.jsonl",
    "oneie": "{split}.jsonl",
    "m2e2": "{split}.json",
    "spacy": "{split}.spacy",
    "conll": "{split}.conll",
    "brat": "{split}",
}
HF = "hf"
EXPORT_FORMATS = (*LAYOUT, HF)
_SPLIT_ORDER = ("train", "dev", "validation", "test")


@dataclass
class SplitExport:
    """What one split's output holds."""

    path: str
    documents: int = 0
    records: int = 0
    entities: int = 0
    events: int = 0
    dropped: list[Dropped] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "documents": self.documents,
            "records": self.records,
            "entities": self.entities,
            "events": self.events,
            "dropped": [vars(d) for d in self.dropped],
        }


@dataclass
class ExportReport:
    fmt: str
    out_dir: str
    splits: dict[str, SplitExport]
    unassigned: list[str] = field(default_factory=list)  # left out with allow_unassigned
    not_in_input: int = 0  # manifest documents absent from the input

    @property
    def dropped(self) -> list[Dropped]:
        return [d for s in self.splits.values() for d in s.dropped]

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.fmt,
            "out": self.out_dir,
            "splits": {name: s.to_dict() for name, s in self.splits.items()},
            "unassigned": self.unassigned,
            "not_in_input": self.not_in_input,
        }


def split_names(assignments: Mapping[str, str]) -> list[str]:
    """The manifest's split names, train/dev/test first; E601 for a name that is not a file name."""
    names = set(assignments.values())
    for name in sorted(names):
        if not SPLIT_NAME.match(name):
            raise EventCorpusError(
                "E601",
                f"split name {name!r} cannot name a file",
                expected="letters, digits and _ (train, dev, test)",
            )
    return sorted(names, key=lambda s: (_SPLIT_ORDER.index(s) if s in _SPLIT_ORDER else len(_SPLIT_ORDER), s))


def group_by_split(
    records: Iterable[Record], assignments: Mapping[str, str], *, allow_unassigned: bool = False
) -> tuple[dict[str, list[Record]], list[str]]:
    """Records per split (sorted by document id, then annotator) and the ids the manifest lacks.

    Without ``allow_unassigned`` a document missing from the manifest raises E600 listing them.
    """
    grouped: dict[str, list[Record]] = {name: [] for name in split_names(assignments)}
    unassigned: dict[str, None] = {}
    for record in records:
        split = assignments.get(record.id)
        if split is None:
            unassigned.setdefault(record.id, None)
            continue
        grouped[split].append(record)
    missing = list(unassigned)
    if missing and not allow_unassigned:
        shown = ", ".join(missing[:20]) + (f" and {len(missing) - 20} more" if len(missing) > 20 else "")
        raise EventCorpusError(
            "E600",
            f"{len(missing)} document(s) of the input are not in the split manifest: {shown}",
            expected="every input document assigned to a split",
        )
    for rows in grouped.values():
        rows.sort(key=lambda r: (r.id, r.annotations.annotator))
    return grouped, missing


def _with_split(record: Record, split: str) -> Record:
    document = replace(record.document, meta={**record.document.meta, "split": split})
    return Record(document, record.annotations)


def _split_export(path: str, records: list[Record], report: ConversionReport) -> SplitExport:
    return SplitExport(
        path=path,
        documents=len({r.id for r in records}),
        records=len(records),
        entities=report.entities,
        events=report.events,
        dropped=report.dropped,
    )


def export(
    records: Iterable[Record] | Callable[[], Iterable[Record]],
    manifest: Mapping[str, Any],
    fmt: str,
    out_dir: str | Path,
    *,
    schema: Schema,
    allow_unassigned: bool = False,
    options: dict[str, Any] | None = None,
) -> ExportReport:
    """Write ``records`` in format ``fmt`` under ``out_dir``, one output per split of ``manifest``.

    ``manifest`` is what :func:`eventcorpus.split.read_manifest` returns (its ``assignments``
    map document ids to split names). ``options`` go to the format's writer.
    """
    if fmt not in EXPORT_FORMATS:
        raise EventCorpusError(
            "E602", f"format {fmt!r} cannot be exported per split", expected=f"one of {', '.join(EXPORT_FORMATS)}"
        )
    module = get_format(fmt)
    assignments: Mapping[str, str] = manifest["assignments"]
    source = records() if callable(records) else records
    grouped, unassigned = group_by_split(source, assignments, allow_unassigned=allow_unassigned)
    present = {r.id for rows in grouped.values() for r in rows}
    not_in_input = sum(1 for doc_id in assignments if doc_id not in present)
    out = Path(out_dir)
    writer_options = dict(options or {})
    splits: dict[str, SplitExport] = {}
    if fmt == HF:
        stream = [_with_split(r, name) for name, rows in grouped.items() for r in rows]
        report = module.write(stream, out, schema=schema, options=writer_options)
        written = {p.name.split("-")[0] for p in (out / "data").glob("*.parquet")}
        for name, rows in grouped.items():
            path = str(out / "data" / f"{name}-00000-of-00001.parquet") if name in written else ""
            ids = {r.id for r in rows}
            split_report = ConversionReport(
                documents=len(rows),
                entities=sum(len(r.annotations.entities) for r in rows),
                events=sum(len(r.annotations.events) for r in rows),
                dropped=[d for d in report.dropped if d.doc_id in ids],
            )
            splits[name] = _split_export(path, rows, split_report)
        return ExportReport(fmt, str(out), splits, unassigned, not_in_input)
    with output_folder(out) as folder:
        for name, rows in grouped.items():
            target = folder / LAYOUT[fmt].format(split=name)
            report = module.write(rows, target, schema=schema, options=writer_options)
            splits[name] = _split_export(str(out / target.name), rows, report)
    return ExportReport(fmt, str(out), splits, unassigned, not_in_input)
