"""MUC-4 in the processed template form of GTT and GRIT (Du et al., 2021): read and write.

One JSON object per document (JSON Lines, as ``train.json``, or pretty-printed one after the
other, as ``pretty_train.json``): ``docid``, ``doctext`` (the lower-cased text) and either
``templates`` [{incident_type, PerpInd, PerpOrg, Target, Victim, Weapon}] (GTT) or
``extracts`` {PerpInd, PerpOrg, Target, Victim, Weapon} (GRIT). Each role holds a list of
entities, each entity a list of coreferent mentions, each mention ``[string, offset]`` (or a
bare string, in other processed copies).

Templates have no trigger. Each template becomes an event of type ``incident_type`` (GRIT's
role fillers: one event of type ``incident``) whose trigger span is the whole document and
whose ``meta["trigger"]`` is ``"document"``: trigger scores mean nothing for MUC-4. Every
mention is aligned to the text: at its offset when the string is there, else at the first
occurrence of the string (reported as moved), else it cannot be aligned and is reported
dropped. Mentions become ARG spans; an entity's argument points at its first aligned mention,
and ``meta["muc4_entities"]`` lists each argument's aligned mention ids (the coreference
cluster). An entity none of whose mentions align is reported dropped.

The writer writes GTT templates (the role keys of the five MUC-4 roles, each argument's
cluster as mentions with offsets).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from eventcorpus.errors import EventCorpusError
from eventcorpus.formats import ConversionReport, Dropped
from eventcorpus.formats._datasets import (
    DocumentBuilder,
    Labels,
    dataset_document,
    need,
    note_unheld,
    read_objects,
    write_objects,
)
from eventcorpus.formats._shared import note_dropped
from eventcorpus.records import Record
from eventcorpus.schema import Schema

CODE = "E177"
DATASET = "muc4"
ROLES = ("PerpInd", "PerpOrg", "Target", "Victim", "Weapon")
CANNOT_HOLD = [
    "entities that are not role fillers of a template (reported)",
    "events whose trigger is a span of the text (templates have no trigger; reported)",
]


def read(path: Path, *, schema: Schema, options: dict[str, Any] | None = None) -> Iterator[Record]:
    """Stream one record per MUC-4 document."""
    return read_objects(path, schema, options, DATASET, _record)


read_muc4 = read


def _align(text: str, mention: Any, at: dict[str, Any], what: str, options: dict[str, Any]) -> tuple[int, int] | None:
    if isinstance(mention, str):
        string, offset = mention, None
    elif (
        isinstance(mention, list) and len(mention) == 2 and isinstance(mention[0], str) and isinstance(mention[1], int)
    ):
        string, offset = mention
    else:
        raise EventCorpusError(
            CODE,
            f"{what} is {str(mention)[:60]!r}",
            file=at["file"],
            line=at["line"],
            doc_id=at["doc_id"],
            expected="a mention: [string, offset] or a string",
        )
    if not string:
        return None
    if offset is not None and text[offset : offset + len(string)] == string:
        return offset, offset + len(string)
    found = text.find(string)
    if found < 0:
        lowered = text.lower().find(string.lower())
        found = lowered
    if found < 0:
        note_dropped(
            options, Dropped(at["doc_id"], "mention", what, offset, f"{string!r} cannot be aligned to the text")
        )
        return None
    if offset is not None:
        note_dropped(
            options,
            Dropped(
                at["doc_id"],
                "moved",
                what,
                offset,
                f"{string!r} is not at {offset}: aligned to its first occurrence {found}",
            ),
        )
    return found, found + len(string)


def _record(obj: Any, line: int, file: str, options: dict[str, Any], labels: Labels, annotator: str) -> Record:
    doc_id = str(need(obj, "docid", str, code=CODE, file=file, line=line))
    at: dict[str, Any] = {"code": CODE, "file": file, "line": line, "doc_id": doc_id}
    text = need(obj, "doctext", str, **at)
    if "templates" in obj:
        templates = need(obj, "templates", list, **at)
        layout = "gtt"
    elif "extracts" in obj:
        templates = [{"incident_type": "incident", **need(obj, "extracts", dict, **at)}]
        layout = "grit"
    else:
        raise EventCorpusError(
            CODE,
            "has neither 'templates' nor 'extracts'",
            file=file,
            line=line,
            doc_id=doc_id,
            expected="'templates' (GTT) or 'extracts' (GRIT)",
        )
    builder = DocumentBuilder(doc_id, text, file=file, line=line, options=options, labels=labels)
    for t, template in enumerate(templates):
        what = f"templates[{t}]" if layout == "gtt" else "extracts"
        incident = str(need(template, "incident_type", str, where=what, **at))
        arguments: list[tuple[str, str]] = []
        clusters: list[list[str]] = []
        for role, entities in template.items():
            if role == "incident_type":
                continue
            if not isinstance(entities, list):
                raise EventCorpusError(
                    CODE,
                    f"{what}.{role} is not a list",
                    file=file,
                    line=line,
                    doc_id=doc_id,
                    expected=f"{role!r}: [[mention, ...], ...]",
                )
            for n, entity in enumerate(entities):
                where = f"{what}.{role}[{n}]"
                mentions = (
                    entity
                    if isinstance(entity, list)
                    and not (len(entity) == 2 and isinstance(entity[1], int) and isinstance(entity[0], str))
                    else [entity]
                )
                ids = []
                for m, mention in enumerate(mentions):
                    span = _align(text, mention, at, f"{where}[{m}]", options)
                    if span is not None:
                        ids.append(builder.span(span[0], span[1], code="E182", meta={"muc4": True}))
                if not ids:
                    note_dropped(
                        options,
                        Dropped(doc_id, "argument", f"{where}", None, f"no mention of this {role} entity aligns"),
                    )
                    continue
                arguments.append((role, ids[0]))
                clusters.append(ids)
        if not text:
            note_dropped(options, Dropped(doc_id, "event", what, None, "empty document: no span to hold the template"))
            continue
        builder.event(
            incident,
            0,
            len(text),
            arguments,
            code="E182",
            meta={"trigger": "document", "muc4_entities": clusters, "muc4_layout": layout},
        )
    document = dataset_document(doc_id, text, DATASET, file, line)
    return builder.record(document, annotator)


# --- writing -----------------------------------------------------------------------------


def write(
    records: Iterable[Record], path: Path, *, schema: Schema, options: dict[str, Any] | None = None
) -> ConversionReport:
    """Write one GTT object per record: each event a template, each argument an entity."""
    return write_objects(records, path, record_templates)


write_muc4 = write


def record_templates(record: Record, dropped: list[Dropped]) -> dict[str, Any]:
    """The GTT object of one record."""
    note_unheld(record, dropped, "MUC-4", untyped_spans=True)
    text = record.document.text
    by_id = record.annotations.entity_by_id()
    used: set[str] = set()
    templates = []
    for event in record.annotations.events:
        if event.meta.get("trigger") != "document":
            dropped.append(
                Dropped(record.id, "trigger", event.id, event.trigger.start, "MUC-4 templates have no trigger")
            )
        template: dict[str, Any] = {"incident_type": event.type, **{role: [] for role in ROLES}}
        clusters = event.meta.get("muc4_entities") or []
        for k, argument in enumerate(event.arguments):
            cluster = clusters[k] if k < len(clusters) and isinstance(clusters[k], list) else [argument.entity_id]
            mentions = [[text[by_id[i].start : by_id[i].end], by_id[i].start] for i in cluster if i in by_id]
            used.update(cluster)
            template.setdefault(argument.role, []).append(mentions)
        templates.append(template)
    for entity in record.annotations.entities:
        if entity.id not in used:
            dropped.append(Dropped(record.id, "entity", entity.id, entity.start, "not a role filler of any template"))
    return {"docid": record.id, "doctext": text, "templates": templates}
