"""brat standoff: a folder with ``<doc>.txt`` + ``<doc>.ann`` per document, plus configuration.

- ``.txt``: the document text, written byte for byte (``newline=""``: CRLF stays CRLF);
  brat offsets are character offsets into it, which in Python are code points.
- ``.ann``: ``T`` lines for entities and triggers (``T3<TAB>PER 0 5<TAB>text``), ``E`` lines
  for events (``E1<TAB>Conflict_Attack:T7 Attacker:T1 Target:T2``; a role used twice in
  one event is numbered ``Target2`` as brat does, and the sidecar keeps each role exactly,
  so ``Defendant2`` never comes back for a repeated ``Defendant``), ``A`` lines for event attributes
  (``A1<TAB>polarity E1 negative``). brat type names cannot hold ``:``, so ``:`` in
  labels becomes ``_`` (``Conflict:Attack`` -> ``Conflict_Attack``) and is mapped back.
- ``<doc>.json``: a sidecar brat ignores, holding what brat cannot (document metadata,
  annotator, canonical ids, entity/event ``meta``) so the round trip is exact.
- ``annotation.conf`` and ``visual.conf`` derived from the schema (types, roles with their
  filler types, attributes, colours).

A document annotated by several annotators gets ``<doc>.<annotator>.*`` files after the
first. Reading refuses discontinuous spans (E104) and spans whose text differs from the
``.txt`` (E105); relations (R), equivalences (*), normalisations (N), notes (#),
attributes on entities and arguments that are events are reported as dropped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from eventcorpus.errors import EventCorpusError
from eventcorpus.formats import ConversionReport, Dropped
from eventcorpus.formats._shared import default_annotator, document_fields, document_from_fields, note_dropped
from eventcorpus.formats._shared import output_folder as _output_folder
from eventcorpus.paths import inside
from eventcorpus.records import AnnotationSet, Argument, Entity, Event, Record, Trigger, document_id
from eventcorpus.schema import Schema

CANNOT_HOLD = [
    "(reading) discontinuous spans, relations between entities, events as arguments, entity attributes, notes",
]
_T_LINE = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t(.*)$")
_E_LINE = re.compile(r"^(E\d+)\t(\S+):(T\d+)((?: \S+:[TE]\d+)*) ?$")
_A_LINE = re.compile(r"^([AM]\d+)\t(\S+) ([TE]\d+)(?: (\S+))?$")
_ROLE_NUMBER = re.compile(r"^(.*?)(\d+)$")


def brat_type(label: str) -> str:
    """A label as a brat type name (no ``:`` or whitespace)."""
    return re.sub(r"[:\s]", "_", label)


def _span_text(text: str) -> str:
    """The span text brat shows after the offsets: whitespace (newlines, tabs) as spaces."""
    return re.sub(r"\s", " ", text)


def _ann_lines(record: Record) -> tuple[list[str], dict[str, Any]]:
    text = record.document.text
    annotations = record.annotations
    lines: list[str] = []
    ids: dict[str, str] = {}
    labels: dict[str, str] = {}
    entity_meta: dict[str, Any] = {}
    event_meta: dict[str, Any] = {}
    event_roles: dict[str, list[str]] = {}
    t_of_entity: dict[str, str] = {}
    for number, entity in enumerate(annotations.entities, start=1):
        tid = f"T{number}"
        t_of_entity[entity.id] = tid
        ids[tid] = entity.id
        labels[brat_type(entity.label)] = entity.label
        if entity.meta:
            entity_meta[tid] = entity.meta
        span = _span_text(text[entity.start : entity.end])
        lines.append(f"{tid}\t{brat_type(entity.label)} {entity.start} {entity.end}\t{span}")
    next_t = len(annotations.entities) + 1
    attribute_number = 0
    event_lines: list[str] = []
    for number, event in enumerate(annotations.events, start=1):
        tid, eid = f"T{next_t}", f"E{number}"
        next_t += 1
        ids[eid] = event.id
        kind = brat_type(event.type)
        labels[kind] = event.type
        if event.meta:
            event_meta[eid] = event.meta
        span = _span_text(text[event.trigger.start : event.trigger.end])
        lines.append(f"{tid}\t{kind} {event.trigger.start} {event.trigger.end}\t{span}")
        seen: dict[str, int] = {}
        parts = [f"{kind}:{tid}"]
        for argument in event.arguments:
            role = brat_type(argument.role)
            labels[role] = argument.role
            seen[role] = seen.get(role, 0) + 1
            suffix = str(seen[role]) if seen[role] > 1 else ""
            parts.append(f"{role}{suffix}:{t_of_entity[argument.entity_id]}")
        if any(count > 1 for count in seen.values()):  # brat numbers repeats: keep each exact role
            event_roles[eid] = [argument.role for argument in event.arguments]
        event_lines.append(f"{eid}\t{' '.join(parts)}")
        for name, value in event.attributes.items():
            attribute_number += 1
            event_lines.append(f"A{attribute_number}\t{brat_type(name)} {eid} {brat_type(value)}")
            labels[brat_type(name)] = name
            labels[brat_type(value)] = value
    sidecar = {
        "document": document_fields(record),
        "ids": ids,
        "labels": {k: v for k, v in labels.items() if k != v},
        "entity_meta": entity_meta,
        "event_meta": event_meta,
        "roles": event_roles,
    }
    return lines + event_lines, sidecar


def annotation_conf(schema: Schema) -> str:
    """brat's ``annotation.conf`` for the schema: entities, events with roles and fillers, attributes."""
    out = ["[entities]", *(brat_type(label) for label in schema.entity_labels), "", "[relations]"]
    out.append("<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>")
    out += ["", "[events]"]
    for name, event_type in schema.event_types.items():
        roles = ", ".join(
            f"{brat_type(role)}*:{'|'.join(brat_type(f) for f in spec.fillers)}"
            for role, spec in event_type.roles.items()
        )
        out.append(f"{brat_type(name)}\t{roles}".rstrip())
    out += ["", "[attributes]"]
    for name, attribute in schema.attributes.items():
        out.append(f"{brat_type(name)}\tArg:<EVENT>, Value:{'|'.join(brat_type(v) for v in attribute.values)}")
    return "\n".join(out) + "\n"


def visual_conf(schema: Schema) -> str:
    """brat's ``visual.conf``: full label names and the schema's colours."""
    out = ["[labels]"]
    for label in [*schema.entity_labels, *schema.event_labels]:
        out.append(f"{brat_type(label)} | {label}")
    out += ["", "[drawing]"]
    colours = {name: spec.color for name, spec in schema.entity_types.items()}
    colours.update({name: spec.color for name, spec in schema.event_types.items()})
    out += [f"{brat_type(label)}\tbgColor:{colour}" for label, colour in colours.items()]
    return "\n".join(out) + "\n"


def write(records: Iterable[Record], path: Path, *, schema: Schema, options: dict[str, Any]) -> ConversionReport:
    """Write a brat folder: .txt, .ann and a .json sidecar per record, plus the configuration."""
    report = ConversionReport()
    with _output_folder(path) as folder:
        used: set[str] = set()
        for record in records:
            stem = record.id if record.id not in used else f"{record.id}.{brat_type(record.annotations.annotator)}"
            counter = 1
            while stem in used:
                counter += 1
                stem = f"{record.id}.{brat_type(record.annotations.annotator)}.{counter}"
            used.add(stem)
            lines, sidecar = _ann_lines(record)
            base = inside(folder, stem, what="document id")  # ids never name a path outside the folder
            with open(base.with_name(base.name + ".txt"), "w", encoding="utf-8", newline="") as handle:
                handle.write(record.document.text)
            with open(base.with_name(base.name + ".ann"), "w", encoding="utf-8", newline="\n") as handle:
                handle.write("".join(line + "\n" for line in lines))
            sidecar_text = json.dumps(sidecar, ensure_ascii=False, indent=1)
            base.with_name(base.name + ".json").write_text(sidecar_text, encoding="utf-8")
            report.add(record)
        (folder / "annotation.conf").write_text(annotation_conf(schema), encoding="utf-8")
        (folder / "visual.conf").write_text(visual_conf(schema), encoding="utf-8")
    return report


def _role_name(raw: str, known: set[str], earlier: list[str]) -> str:
    """``Target2`` -> ``Target`` when brat numbered a repeated role.

    A number is brat's when the role is not a known label itself and its base is a known
    role or was used un-numbered earlier in the same event (``Defendant Defendant2``), so
    roles outside the schema lose brat's numbering too; any other role is kept as written.
    """
    match = _ROLE_NUMBER.match(raw)
    if raw not in known and match and (match.group(1) in known or match.group(1) in earlier):
        return match.group(1)
    return raw


def _read_sidecar(path: Path) -> dict[str, Any]:
    """The ``<doc>.json`` sidecar this writer adds (document fields, label and id maps); {} when absent."""
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise EventCorpusError("E004", str(exc), file=str(path)) from exc
    except json.JSONDecodeError as exc:
        raise EventCorpusError("E100", f"sidecar is not JSON: {exc.msg}", file=str(path), line=exc.lineno) from exc
    if not isinstance(data, dict):
        raise EventCorpusError("E100", "the sidecar must be a JSON object", file=str(path), expected="{...}")
    for key in ("document", "labels", "ids", "roles"):
        if data.get(key) is not None and not isinstance(data[key], dict):
            raise EventCorpusError("E100", f"sidecar field {key!r} is not an object", file=str(path), expected="{...}")
    return data


def read_document(ann_path: Path, *, schema: Schema, options: dict[str, Any]) -> Record:
    """One record from ``<doc>.ann`` and ``<doc>.txt`` (and the ``<doc>.json`` sidecar when present)."""
    txt_path = ann_path.with_suffix(".txt")
    reading = txt_path
    try:
        with open(txt_path, encoding="utf-8", newline="") as handle:
            text = handle.read()
        reading = ann_path
        ann = ann_path.read_text(encoding="utf-8")
    except OSError as exc:
        raise EventCorpusError("E004", str(exc), file=str(reading), expected="a .txt beside each .ann") from exc
    except UnicodeDecodeError as exc:
        raise EventCorpusError(
            "E014", f"byte offset {exc.start}: {exc.reason}", file=str(reading), expected="UTF-8 text"
        ) from exc
    sidecar = _read_sidecar(ann_path.with_suffix(".json"))
    fields = sidecar.get("document") or {}
    document = document_from_fields(text, fields, document_id(text), where={"file": str(ann_path.with_suffix(".json"))})
    labels: dict[str, str] = {
        brat_type(x): x for x in [*schema.entity_labels, *schema.event_labels, *schema.role_labels]
    }
    for name, attribute in schema.attributes.items():
        labels[brat_type(name)] = name
        labels.update({brat_type(v): v for v in attribute.values})
    labels.update(sidecar.get("labels") or {})
    ids: dict[str, str] = sidecar.get("ids") or {}
    file = str(ann_path)
    spans: dict[str, tuple[str, int, int, int]] = {}
    event_rows: list[tuple[str, str, str, str, int]] = []
    attribute_rows: list[tuple[str, str, str, str | None, int]] = []
    for number, line in enumerate(ann.splitlines(), start=1):
        where: dict[str, Any] = {"file": file, "line": number, "doc_id": document.id}
        if not line.strip():
            continue
        if line.startswith("T"):
            match = _T_LINE.match(line)
            if not match:
                raise EventCorpusError(
                    "E100", f"bad T line {line!r}", expected="T<n>\\t<type> <start> <end>\\t<text>", **where
                )
            tid, kind, offsets, shown = match.groups()
            if ";" in offsets:
                raise EventCorpusError(
                    "E104",
                    f"{tid} has fragments {offsets}",
                    offset=int(offsets.split()[0]),
                    expected="one start-end pair",
                    **where,
                )
            start, end = (int(x) for x in offsets.split())
            if not 0 <= start < end <= len(text):
                raise EventCorpusError(
                    "E007", f"{tid} spans {start}-{end} in a text of {len(text)} characters", offset=start, **where
                )
            if _span_text(text[start:end]) != _span_text(shown):
                raise EventCorpusError(
                    "E105",
                    f"{tid} says {shown!r} but the .txt has {text[start:end]!r} at {start}-{end}",
                    offset=start,
                    **where,
                )
            spans[tid] = (kind, start, end, number)
        elif line.startswith("E"):
            match = _E_LINE.match(line)
            if not match:
                raise EventCorpusError(
                    "E100", f"bad E line {line!r}", expected="E<n>\\t<type>:<T id> <role>:<id> ...", **where
                )
            event_rows.append((match.group(1), match.group(2), match.group(3), match.group(4), number))
        elif line[0] in "AM":
            match = _A_LINE.match(line)
            if not match:
                raise EventCorpusError(
                    "E100", f"bad attribute line {line!r}", expected="A<n>\\t<name> <id> [<value>]", **where
                )
            attribute_rows.append((match.group(1), match.group(2), match.group(3), match.group(4), number))
        elif line[0] in "RN*#":
            kinds = {"R": "relation", "N": "normalization", "*": "equivalence", "#": "note"}
            ident = line.split("\t", 1)[0]
            note_dropped(
                options,
                Dropped(
                    document.id,
                    kinds[line[0]],
                    ident,
                    None,
                    f"{file}:{number}: canonical records hold no {kinds[line[0]]}s",
                ),
            )
        else:
            raise EventCorpusError(
                "E100", f"unknown line {line!r}", expected="a T, E, A, M, R, N, * or # line", **where
            )

    triggers = {row[2] for row in event_rows}
    entity_meta, event_meta = sidecar.get("entity_meta") or {}, sidecar.get("event_meta") or {}
    entities: list[Entity] = []
    entity_of_t: dict[str, str] = {}
    for tid, (kind, start, end, _) in spans.items():
        if tid in triggers:
            continue
        entity = Entity(ids.get(tid, tid), start, end, labels.get(kind, kind), dict(entity_meta.get(tid) or {}))
        entity_of_t[tid] = entity.id
        entities.append(entity)
    roles = set(labels.values())
    events: list[Event] = []
    event_by_e: dict[str, Event] = {}
    for eid, kind, tid, rest, number in event_rows:
        if tid not in spans:
            raise EventCorpusError(
                "E100", f"{eid} trigger {tid} has no T line", file=file, line=number, doc_id=document.id
            )
        _, start, end, _ = spans[tid]
        event = Event(
            ids.get(eid, eid), labels.get(kind, kind), Trigger(start, end), meta=dict(event_meta.get(eid) or {})
        )
        exact = (sidecar.get("roles") or {}).get(eid)
        if not (isinstance(exact, list) and len(exact) == len(rest.split())):
            exact = None
        written: list[str] = []
        for index, part in enumerate(rest.split()):
            raw_role, target = part.split(":", 1)
            if exact is not None and re.fullmatch(re.escape(brat_type(str(exact[index]))) + r"\d*", raw_role):
                role = str(exact[index])  # this writer's sidecar names the role exactly (brat may have numbered it)
            else:
                role = _role_name(labels.get(raw_role, raw_role), roles, written)
            written.append(role)
            if target not in entity_of_t:
                reason = (
                    "an event or trigger as argument"
                    if target in triggers or target.startswith("E")
                    else "no such T line"
                )
                if reason == "no such T line":
                    raise EventCorpusError(
                        "E100", f"{eid} argument {part} has {reason}", file=file, line=number, doc_id=document.id
                    )
                note_dropped(
                    options, Dropped(document.id, "argument", f"{eid}/{part}", start, f"{file}:{number}: {reason}")
                )
                continue
            event.arguments.append(Argument(role, entity_of_t[target]))
        events.append(event)
        event_by_e[eid] = event
    for aid, name, target, value, number in attribute_rows:
        event_target = event_by_e.get(target)
        if event_target is None:
            note_dropped(
                options,
                Dropped(document.id, "attribute", aid, None, f"{file}:{number}: only event attributes are held"),
            )
            continue
        event_target.attributes[labels.get(name, name)] = labels.get(value, value) if value is not None else "true"
    annotator = str(fields.get("annotator") or default_annotator(options))
    annotation_meta = fields.get("annotation_meta") or {}
    annotations = AnnotationSet(document.id, annotator, entities, events, dict(annotation_meta))
    annotations.check(text, file=file)
    return Record(document, annotations)


def read(path: Path, *, schema: Schema, options: dict[str, Any]) -> Iterator[Record]:
    """Stream records from a brat folder (every ``.ann`` with its ``.txt``, sub-folders included)."""
    path = Path(path)
    if not path.is_dir():
        raise EventCorpusError("E004", "not a folder", file=str(path), expected="a brat folder of .txt and .ann files")
    found = 0
    for ann_path in sorted(path.rglob("*.ann")):
        found += 1
        yield read_document(ann_path, schema=schema, options=options)
    if not found:
        texts = sum(1 for _ in path.rglob("*.txt"))
        raise EventCorpusError(
            "E111",
            f"no .ann file in the folder or its sub-folders ({texts} .txt file(s))",
            file=str(path),
            expected="<doc>.ann beside <doc>.txt",
        )
