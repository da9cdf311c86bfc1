"""Hugging Face datasets: a folder with one parquet file per split, read by ``datasets.load_dataset``.

Columns (the ``Features`` come from the schema, see :func:`features_for`):

- document: ``id``, ``text``, ``text_sha256``, ``title``, ``source``, ``url``, ``published``,
  ``language``, ``licence``, ``attribution``, ``provenance`` and ``meta`` (JSON strings, as
  their shape varies), ``annotator``, ``annotation_meta`` (JSON string or null);
- ``entities``: list of ``{id, start, end, label: ClassLabel, meta: JSON or null}``;
- ``events``: list of ``{id, type: ClassLabel, trigger_start, trigger_end,
  arguments: list of {role: ClassLabel, entity_id}, <attribute>: ClassLabel (-1 when unset)
  for each schema attribute, meta: JSON or null}``.

Offsets are code points, end-exclusive (as in Python). The split of a record is the
``split`` option, else ``document.meta["split"]``, else ``train``; files are
``data/<split>-00000-of-00001.parquet`` and a ``README.md`` with a ``configs`` block names
the splits, so ``load_dataset(folder)`` keeps them as written. Labels outside the schema
cannot be ClassLabels: those items are dropped and reported.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import datasets
import pyarrow as pa
import pyarrow.parquet as pq

from eventcorpus.errors import EventCorpusError
from eventcorpus.formats import ConversionReport, Dropped
from eventcorpus.formats._shared import SPLIT_NAME, output_folder
from eventcorpus.records import AnnotationSet, Argument, Document, Entity, Event, Record, Trigger
from eventcorpus.schema import Schema

CANNOT_HOLD = [
    "labels, event types, roles and attribute values that are not in the schema (ClassLabel)",
]
_TEXT_FIELDS = ("title", "source", "url", "published", "language", "licence", "attribution")
BATCH_ROWS = 1000


def features_for(schema: Schema) -> datasets.Features:
    """The dataset's ``Features``: ClassLabels for entity labels, event types, roles, attributes."""
    string = datasets.Value("string")
    offset = datasets.Value("int32")
    event: dict[str, Any] = {
        "id": string,
        "type": datasets.ClassLabel(names=schema.event_labels),
        "trigger_start": offset,
        "trigger_end": offset,
        "arguments": datasets.List({"role": datasets.ClassLabel(names=schema.role_labels), "entity_id": string}),
    }
    for name, attribute in schema.attributes.items():
        event[name] = datasets.ClassLabel(names=list(attribute.values))
    event["meta"] = string
    columns: dict[str, Any] = {"id": string, "text": string, "text_sha256": string}
    columns.update({name: string for name in _TEXT_FIELDS})
    columns.update(provenance=string, meta=string, annotator=string, annotation_meta=string)
    columns["entities"] = datasets.List(
        {
            "id": string,
            "start": offset,
            "end": offset,
            "label": datasets.ClassLabel(names=schema.entity_labels),
            "meta": string,
        }
    )
    columns["events"] = datasets.List(event)
    return datasets.Features(columns)


def _json_or_none(value: dict[str, Any]) -> str | None:
    return json.dumps(value, ensure_ascii=False) if value else None


class _Encoder:
    """Turns records into rows of label ids, reporting what the ClassLabels cannot hold."""

    def __init__(self, schema: Schema) -> None:
        self.entity_ids = {name: i for i, name in enumerate(schema.entity_labels)}
        self.event_ids = {name: i for i, name in enumerate(schema.event_labels)}
        self.role_ids = {name: i for i, name in enumerate(schema.role_labels)}
        self.attribute_ids = {
            name: {value: i for i, value in enumerate(spec.values)} for name, spec in schema.attributes.items()
        }

    def row(self, record: Record, dropped: list[Dropped]) -> dict[str, Any]:
        document, annotations = record.document, record.annotations
        doc_id = document.id
        entities = []
        kept: set[str] = set()
        for entity in annotations.entities:
            label = self.entity_ids.get(entity.label)
            if label is None:
                dropped.append(
                    Dropped(doc_id, "entity", entity.id, entity.start, f"label {entity.label!r} not in the schema")
                )
                continue
            kept.add(entity.id)
            meta = _json_or_none(entity.meta)
            entities.append({"id": entity.id, "start": entity.start, "end": entity.end, "label": label, "meta": meta})
        events = []
        for event in annotations.events:
            type_id = self.event_ids.get(event.type)
            if type_id is None:
                dropped.append(
                    Dropped(doc_id, "event", event.id, event.trigger.start, f"type {event.type!r} not in the schema")
                )
                continue
            arguments = []
            for argument in event.arguments:
                role = self.role_ids.get(argument.role)
                reason = None
                if role is None:
                    reason = f"role {argument.role!r} not in the schema"
                elif argument.entity_id not in kept:
                    reason = "its entity was dropped"
                if reason:
                    item = f"{event.id}/{argument.role}:{argument.entity_id}"
                    dropped.append(Dropped(doc_id, "argument", item, event.trigger.start, reason))
                    continue
                arguments.append({"role": role, "entity_id": argument.entity_id})
            row: dict[str, Any] = {
                "id": event.id,
                "type": type_id,
                "trigger_start": event.trigger.start,
                "trigger_end": event.trigger.end,
                "arguments": arguments,
            }
            for name in self.attribute_ids:
                row[name] = -1
            for name, value in event.attributes.items():
                value_id = self.attribute_ids.get(name, {}).get(value)
                if value_id is None:
                    item = f"{event.id}/{name}={value}"
                    dropped.append(
                        Dropped(doc_id, "attribute", item, event.trigger.start, "not a schema attribute value")
                    )
                    continue
                row[name] = value_id
            row["meta"] = _json_or_none(event.meta)
            events.append(row)
        out: dict[str, Any] = {"id": doc_id, "text": document.text, "text_sha256": document.text_sha256}
        for name in _TEXT_FIELDS:
            out[name] = getattr(document, name)
        out["provenance"] = json.dumps(document.provenance, ensure_ascii=False)
        out["meta"] = json.dumps(document.meta, ensure_ascii=False)
        out["annotator"] = annotations.annotator
        out["annotation_meta"] = _json_or_none(annotations.meta)
        out["entities"] = entities
        out["events"] = events
        return out


def _readme(splits: list[str]) -> str:
    lines = ["---", "configs:", "- config_name: default", "  data_files:"]
    for split in splits:
        lines += [f"  - split: {split}", f"    path: data/{split}-*.parquet"]
    return "\n".join([*lines, "---", ""])


def write(records: Iterable[Record], path: Path, *, schema: Schema, options: dict[str, Any]) -> ConversionReport:
    """Write a DatasetDict folder: parquet per split, streamed in row groups of ``BATCH_ROWS``."""
    report = ConversionReport()
    features = features_for(schema)
    arrow_schema = features.arrow_schema
    encoder = _Encoder(schema)
    fixed_split = options.get("split")
    with output_folder(path) as folder:
        (folder / "data").mkdir()
        writers: dict[str, pq.ParquetWriter] = {}
        batches: dict[str, list[dict[str, Any]]] = {}

        def flush(split: str) -> None:
            if split not in writers:
                target = folder / "data" / f"{split}-00000-of-00001.parquet"
                writers[split] = pq.ParquetWriter(target, arrow_schema)
            if batches[split]:  # an empty row group trips datasets' parquet loader; no row group is fine
                writers[split].write_table(pa.Table.from_pylist(batches[split], schema=arrow_schema))
            batches[split] = []

        try:
            for record in records:
                split = str(fixed_split or record.document.meta.get("split") or "train")
                if not SPLIT_NAME.match(split):
                    raise EventCorpusError(
                        "E601",
                        f"split name {split!r} cannot name a file",
                        doc_id=record.id,
                        expected="letters, digits and _ (train, dev, test)",
                    )
                batches.setdefault(split, []).append(encoder.row(record, report.dropped))
                report.add(record)
                if len(batches[split]) >= BATCH_ROWS:
                    flush(split)
            for split, rows in batches.items():
                if rows or split not in writers:
                    flush(split)
        finally:
            for writer in writers.values():
                writer.close()
        if not writers:
            batches["train"] = []
            flush("train")
            writers["train"].close()
        (folder / "README.md").write_text(_readme(list(writers)), encoding="utf-8")
    return report


def _loads(value: str | None, default: Any) -> Any:
    return json.loads(value) if value else default


def read(path: Path, *, schema: Schema, options: dict[str, Any]) -> Iterator[Record]:
    """Stream records from a dataset folder, loaded by ``datasets.load_dataset`` (offline)."""
    path = Path(path)
    if not path.is_dir():
        raise EventCorpusError("E004", "not a dataset folder", file=str(path), expected="a folder written by --to hf")
    files = sorted((path / "data").glob("*.parquet"))
    try:
        if files and all(pq.ParquetFile(file).metadata.num_rows == 0 for file in files):
            return  # datasets refuses splits with no rows; an empty corpus reads as no records
        dataset_dict = datasets.load_dataset(str(path), cache_dir=options.get("cache_dir"))
    except Exception as exc:  # datasets raises many kinds (DataFilesNotFoundError, ArrowInvalid, ...)
        raise EventCorpusError("E100", f"datasets.load_dataset failed: {exc}", file=str(path)) from exc
    for split_name, dataset in dataset_dict.items():
        missing = {"id", "text", "entities", "events"} - set(dataset.features)
        if missing:
            raise EventCorpusError(
                "E100",
                f"split {split_name} lacks the column(s) {sorted(missing)}",
                file=str(path),
                expected="a folder written by --to hf",
            )
        event_feature = dataset.features["events"].feature
        entity_names = dataset.features["entities"].feature["label"].names
        event_names = event_feature["type"].names
        role_names = event_feature["arguments"].feature["role"].names
        attribute_names = {
            name: feature.names
            for name, feature in event_feature.items()
            if isinstance(feature, datasets.ClassLabel) and name != "type"
        }
        for index, row in enumerate(dataset):
            where = f"{path}[{split_name}][{index}]"
            document = Document.from_dict(
                {
                    "id": row["id"],
                    "text": row["text"],
                    **{name: row[name] for name in _TEXT_FIELDS},
                    "provenance": _loads(row["provenance"], []),
                    "meta": _loads(row["meta"], {}),
                }
            )
            entities = [
                Entity(e["id"], e["start"], e["end"], entity_names[e["label"]], _loads(e["meta"], {}))
                for e in row["entities"]
            ]
            events = []
            for e in row["events"]:
                attributes = {name: names[e[name]] for name, names in attribute_names.items() if e[name] >= 0}
                events.append(
                    Event(
                        e["id"],
                        event_names[e["type"]],
                        Trigger(e["trigger_start"], e["trigger_end"]),
                        [Argument(role_names[a["role"]], a["entity_id"]) for a in e["arguments"]],
                        attributes,
                        _loads(e["meta"], {}),
                    )
                )
            annotations = AnnotationSet(
                document.id, row["annotator"], entities, events, _loads(row["annotation_meta"], {})
            )
            if row["text_sha256"] != document.text_sha256:
                raise EventCorpusError("E010", "text_sha256 does not match the text", file=where, doc_id=document.id)
            annotations.check(document.text, file=where)
            yield Record(document, annotations)
