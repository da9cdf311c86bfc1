"""GENEVA (Parekh et al., ACL 2023; ``data/all_data.json``, train/val/test.json): read only.

One JSON object per line and sentence window (GENEVA re-annotates MAVEN sentences with
FrameNet-derived roles): ``doc_id``, ``wnd_id``, ``sentence`` (the text), ``tokens``,
``entity_mentions`` [{id, start, end, entity_type, text}] and ``event_mentions`` [{id,
event_type, trigger {start, end, text}, arguments [{entity_id, role, text}]}]. Offsets are
token indices into the window, end-exclusive.

Each window becomes one record (id ``wnd_id``; the MAVEN document in ``meta["doc_id"]``); its
text is ``sentence``, and tokens are found in it in order (E181 when one is not there).
Argument fillers are spans, not typed entity mentions: a mention without an entity type (or
typed ``N/A``) becomes an ARG span, a typed one an entity with its type. Stored texts are
compared with the text at their offsets. GENEVA has no writer: people train on the TextEE
form of it (``--to textee``/``oneie``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from eventcorpus.errors import EventCorpusError
from eventcorpus.formats import Dropped
from eventcorpus.formats._datasets import DocumentBuilder, Labels, align_tokens, dataset_document, need, read_objects
from eventcorpus.formats._shared import note_dropped
from eventcorpus.records import Record
from eventcorpus.schema import Schema

CODE = "E174"
DATASET = "geneva"
UNTYPED = {"", "N/A", "NA", "None"}
CANNOT_HOLD = ["no writer (write TextEE/OneIE for training)"]


def read(path: Path, *, schema: Schema, options: dict[str, Any] | None = None) -> Iterator[Record]:
    """Stream one record per GENEVA sentence window."""
    return read_objects(path, schema, options, DATASET, _record)


read_geneva = read


def _record(obj: Any, line: int, file: str, options: dict[str, Any], labels: Labels, annotator: str) -> Record:
    wnd_id = str(need(obj, "wnd_id", str, code=CODE, file=file, line=line))
    at: dict[str, Any] = {"code": CODE, "file": file, "line": line, "doc_id": wnd_id}
    doc_id = str(need(obj, "doc_id", str, **at))
    text = need(obj, "sentence", str, **at)
    tokens = need(obj, "tokens", list, **at)
    spans, _ = align_tokens(text, [str(t) for t in tokens], 0, code="E181", file=file, line=line, doc_id=wnd_id)
    builder = DocumentBuilder(wnd_id, text, file=file, line=line, options=options, labels=labels)

    def chars(mention: Any, what: str) -> tuple[int, int]:
        start = need(mention, "start", int, where=what, **at)
        end = need(mention, "end", int, where=what, **at)
        if not 0 <= start < end <= len(spans):
            raise EventCorpusError(
                "E182",
                f"{what} token span {start}-{end} in a window of {len(spans)} tokens",
                file=file,
                line=line,
                doc_id=wnd_id,
                expected="0 <= start < end <= len(tokens)",
            )
        return spans[start][0], spans[end - 1][1]

    ids: dict[str, str] = {}
    for index, mention in enumerate(need(obj, "entity_mentions", list, **at)):
        what = f"entity_mentions[{index}]"
        mention_id = str(need(mention, "id", str, where=what, **at))
        start, end = chars(mention, what)
        label = mention.get("entity_type")
        if isinstance(label, str) and label not in UNTYPED:
            ids[mention_id] = builder.entity(
                start, end, label, code="E182", item_id=mention_id, stored=mention.get("text")
            )
        else:
            ids[mention_id] = builder.span(
                start, end, code="E182", item_id=mention_id, stored=mention.get("text"), meta={"geneva_id": mention_id}
            )
    for index, mention in enumerate(need(obj, "event_mentions", list, **at)):
        what = f"event_mentions[{index}]"
        trigger = need(mention, "trigger", dict, where=what, **at)
        start, end = chars(trigger, f"{what}.trigger")
        event_id = str(mention.get("id") or f"{wnd_id}-E{index + 1}")
        arguments: list[tuple[str, str]] = []
        for number, argument in enumerate(need(mention, "arguments", list, where=what, **at)):
            where = f"{what}.arguments[{number}]"
            target = str(need(argument, "entity_id", str, where=where, **at))
            role = str(need(argument, "role", str, where=where, **at))
            if target not in ids:
                note_dropped(
                    options,
                    Dropped(wnd_id, "argument", f"{event_id}:{role}", start, f"entity {target} is not in the window"),
                )
                continue
            arguments.append((role, ids[target]))
        builder.event(
            str(need(mention, "event_type", str, where=what, **at)),
            start,
            end,
            arguments,
            code="E182",
            item_id=event_id,
            stored=trigger.get("text"),
        )
    document = dataset_document(wnd_id, text, DATASET, file, line, meta={"doc_id": doc_id})
    return builder.record(document, annotator)
