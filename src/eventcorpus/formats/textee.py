"""TextEE's unified format (ej0cl6/TextEE), in and out: one JSON line per window.

The keys TextEE's loaders read, and nothing less: ``doc_id``, ``wnd_id``, ``text`` (the
window's text), ``lang``, ``tokens``, ``entity_mentions`` [{id, entity_type, text, start,
end}], ``event_mentions`` [{id, event_type, trigger {text, start, end}, arguments
[{entity_id, role, text, start, end}]}] and ``relation_mentions``. ``start``/``end`` are
token offsets in the window, end-exclusive; an argument's ``entity_id`` names a mention of
the same line (TextEE looks it up and fails on a missing one).

Option ``textee_task``: ``"e2e"`` (default) writes every entity mention; ``"eae"`` writes
argument-only files, whose ``entity_mentions`` are just the argument fillers (the other
entities are reported dropped). Argument spans that are not entities (label
``records.ARGUMENT_SPAN_LABEL``) are written as mentions of type ``ARG`` so TextEE can
find them; a mention without ``entity_type`` reads back as such a span.

The event attributes the schema declares (``attributes:`` in schema.yaml: polarity,
modality, ...) are written as keys of the event mention, named as in the schema; other
attributes travel under ``attributes``. Windows, exact offsets (``token_offsets``,
``document``) and losses are those of the OneIE writer (:mod:`eventcorpus.formats.oneie`):
extra keys TextEE ignores, which make the round trip exact.

Reading checks each line for the keys TextEE reads (E112 names the key, file and line)
and rebuilds documents as the OneIE reader does, using each line's own ``text``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from eventcorpus.corpus import atomic_open, dumps, iter_json_lines
from eventcorpus.errors import EventCorpusError
from eventcorpus.formats import ConversionReport, Dropped
from eventcorpus.formats.oneie import CANNOT_HOLD as _ONEIE_CANNOT_HOLD
from eventcorpus.formats.oneie import read_windows, record_windows
from eventcorpus.records import Record
from eventcorpus.schema import Schema

CANNOT_HOLD = [
    *_ONEIE_CANNOT_HOLD,
    "entities that fill no argument, in argument-only (textee_task eae) files (reported dropped)",
]
TASKS = ("e2e", "eae")
# What TextEE's loaders index, per line and per mention: a missing one is a KeyError there.
LINE_KEYS = ("doc_id", "wnd_id", "text", "tokens", "entity_mentions", "event_mentions")
ENTITY_KEYS = ("id", "start", "end", "text")
EVENT_KEYS = ("event_type", "trigger", "arguments")
TRIGGER_KEYS = ("start", "end", "text")
ARGUMENT_KEYS = ("entity_id", "role", "text")


def write(records: Iterable[Record], path: Path, *, schema: Schema, options: dict[str, Any]) -> ConversionReport:
    """Write TextEE lines (sentence windows unless ``window`` is ``"document"``), reporting losses."""
    window = str(options.get("window", "sentence"))
    task = str(options.get("textee_task", "e2e"))
    if task not in TASKS:
        raise EventCorpusError("E017", f"textee_task {task!r}", expected=f"one of {', '.join(TASKS)}")
    report = ConversionReport()
    with atomic_open(path) as handle:
        for record in records:
            report.add(record)
            for line in record_windows(record, window, report.dropped):
                handle.write(dumps(textee_line(line, schema, task, report.dropped)) + "\n")
    return report


def textee_line(line: dict[str, Any], schema: Schema, task: str, dropped: list[Dropped]) -> dict[str, Any]:
    """A OneIE window as a TextEE line: schema attributes as mention keys, argument-only entities for eae."""
    for mention in line["event_mentions"]:
        attributes = dict(mention.pop("attributes", {}))
        for name in schema.attributes:
            if name in attributes:
                mention[name] = attributes.pop(name)
        if attributes:
            mention["attributes"] = attributes
    if task == "eae":
        fillers = {a["entity_id"] for m in line["event_mentions"] for a in m["arguments"]}
        for mention in line["entity_mentions"]:
            if mention["id"] not in fillers:
                dropped.append(
                    Dropped(line["doc_id"], "entity", mention["id"], None, "fills no argument (argument-only file)")
                )
        line["entity_mentions"] = [m for m in line["entity_mentions"] if m["id"] in fillers]
    return line


def read(path: Path, *, schema: Schema, options: dict[str, Any]) -> Iterator[Record]:
    """Records from a TextEE file; E112 for a line without a key TextEE reads."""
    file = str(path)
    checked = ((number, _checked(line, number, file, schema)) for number, line in iter_json_lines(path))
    yield from read_windows(checked, schema=schema, options=options, file=file)


def _missing(obj: Any, keys: tuple[str, ...], what: str, number: int, file: str, doc_id: Any) -> None:
    if not isinstance(obj, dict):
        raise EventCorpusError(
            "E112", f"{what} is {obj!r}", file=file, line=number, doc_id=doc_id, expected="an object"
        )
    for key in keys:
        if key not in obj:
            raise EventCorpusError(
                "E112",
                f"{what} has no {key!r}",
                file=file,
                line=number,
                doc_id=None if doc_id is None else str(doc_id),
                expected=f"{what} with keys {', '.join(keys)}",
            )


def _list(value: Any, what: str, number: int, file: str, doc_id: Any) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise EventCorpusError("E112", f"{what} is {value!r}", file=file, line=number, doc_id=doc_id, expected="a list")
    return value


def _checked(line: Any, number: int, file: str, schema: Schema) -> dict[str, Any]:
    """The line, after checking TextEE's keys; schema attributes lifted into ``attributes``."""
    _missing(line, LINE_KEYS, "the line", number, file, None)
    doc_id = line["doc_id"]
    for index, entity in enumerate(_list(line["entity_mentions"], "entity_mentions", number, file, doc_id)):
        _missing(entity, ENTITY_KEYS, f"entity_mentions[{index}]", number, file, doc_id)
    for index, event in enumerate(_list(line["event_mentions"], "event_mentions", number, file, doc_id)):
        _missing(event, EVENT_KEYS, f"event_mentions[{index}]", number, file, doc_id)
        _missing(event["trigger"], TRIGGER_KEYS, f"event_mentions[{index}].trigger", number, file, doc_id)
        arguments = _list(event["arguments"], f"event_mentions[{index}].arguments", number, file, doc_id)
        for position, argument in enumerate(arguments):
            _missing(argument, ARGUMENT_KEYS, f"event_mentions[{index}].arguments[{position}]", number, file, doc_id)
        given = event.get("attributes") or {}
        if not isinstance(given, dict):
            raise EventCorpusError(
                "E112",
                f"event_mentions[{index}].attributes is {given!r}",
                file=file,
                line=number,
                doc_id=doc_id,
                expected="an object",
            )
        attributes = dict(given)
        for name in schema.attributes:
            if name in event:
                attributes[name] = str(event[name])
        if attributes:
            event["attributes"] = attributes
    return line
