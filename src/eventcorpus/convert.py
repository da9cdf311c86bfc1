"""Convert annotations between formats, through canonical records, reporting every dropped item."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from eventcorpus.corpus import backup_existing, check_writable
from eventcorpus.errors import EventCorpusError
from eventcorpus.formats import ConversionReport, Dropped, get_format
from eventcorpus.records import ARGUMENT_SPAN_LABEL, Record
from eventcorpus.schema import Schema, count_outside, load_schema, outside_message


def map_inventory(
    records: Iterable[Record], schema: Schema, inventory: str, dropped: list[Dropped]
) -> Iterator[Record]:
    """Map each record's labels through the schema's ``mappings[inventory]`` tables.

    A label the table sends to null is dropped on purpose and reported (an entity with the
    arguments that point at it, an event, an argument for its role). A label the table
    does not list is kept exactly as it is, for ``validate`` to report; it never becomes
    another kind of item. ``ARG`` argument spans are not entity types and are not mapped.
    """

    def mapped(kind: str, label: str) -> str | None:
        return schema.map_label(inventory, kind, label, keep_unmapped=True)

    for record in records:
        doc_id = record.id
        annotations = record.annotations
        kept_entities = []
        for entity in annotations.entities:
            label = entity.label if entity.label == ARGUMENT_SPAN_LABEL else mapped("entity_types", entity.label)
            if label is None:
                dropped.append(
                    Dropped(doc_id, "entity", entity.id, entity.start, f"{inventory}: {entity.label} maps to null")
                )
                continue
            entity.label = label
            kept_entities.append(entity)
        known = {e.id for e in kept_entities}
        kept_events = []
        for event in annotations.events:
            event_type = mapped("event_types", event.type)
            if event_type is None:
                dropped.append(
                    Dropped(doc_id, "event", event.id, event.trigger.start, f"{inventory}: {event.type} maps to null")
                )
                continue
            event.type = event_type
            arguments = []
            for argument in event.arguments:
                role = mapped("roles", argument.role)
                if role is None or argument.entity_id not in known:
                    reason = f"role {argument.role} maps to null" if role is None else "its entity maps to null"
                    item = f"{event.id}/{argument.role}:{argument.entity_id}"
                    dropped.append(Dropped(doc_id, "argument", item, event.trigger.start, f"{inventory}: {reason}"))
                    continue
                argument.role = role
                arguments.append(argument)
            event.arguments = arguments
            kept_events.append(event)
        annotations.entities, annotations.events = kept_entities, kept_events
        yield record


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

    ``options`` go to both sides (``offset_mode``, ``annotator``, ``split``, ``shard_size``...);
    ``inventory`` (a table under ``mappings`` in schema.yaml) maps the labels read, see
    :func:`map_inventory` (E113 for an inventory the schema does not have).
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
    inventory = (options or {}).get("inventory")
    if inventory is not None and inventory not in schema.mappings:
        raise EventCorpusError(
            "E113",
            f"inventory {inventory!r}",
            file=schema.path,
            expected=f"one of {', '.join(sorted(schema.mappings)) or '(none: the schema has no mappings)'}",
        )
    read_dropped: list[Dropped] = []
    warnings: list[str] = []
    read_options = {k: v for k, v in (options or {}).items() if k != "inventory"}
    read_options.update(dropped=read_dropped, warnings=warnings)
    records: Iterable[Record] = source.read(Path(in_path), schema=schema, options=read_options)
    if inventory is not None:
        records = map_inventory(records, schema, str(inventory), read_dropped)
    outside: Counter[str] = Counter()
    records = count_outside(records, schema, outside)
    try:
        report: ConversionReport = target.write(records, Path(out_path), schema=schema, options=dict(options or {}))
    except OSError as exc:  # the disk filled up, a folder turned read-only while writing...
        raise EventCorpusError(
            "E030", f"{exc.strerror or exc}: {exc.filename or out_path}", file=str(out_path)
        ) from exc
    report.dropped[:0] = read_dropped
    report.warnings[:0] = warnings
    if outside:
        report.warnings.append(outside_message(outside))
    if Path(in_path).is_file() and not report.documents and _blank(Path(in_path)):
        report.warnings.append(f"{in_path} is empty: nothing was converted (give the file content)")
    return report


def _blank(path: Path) -> bool:
    """True when the file holds nothing but whitespace (its first 64 KiB, for a file that read as no records)."""
    with open(path, "rb") as handle:
        return not handle.read(1 << 16).strip()
