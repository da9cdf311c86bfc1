"""CASIE (Satyapanich et al., AAAI 2020; cybersecurity events, github.com/Ebiquity/CASIE): read only.

The input is CASIE's ``data`` folder (``annotation/*.json`` beside ``source/*.txt``), the
``annotation`` folder, or one annotation file. Each annotation file is one JSON object:
``sourcefile`` (``10003.txt``), ``content`` (the text; older files lack it, and the text is
then read from ``source/<sourcefile>``), ``info`` (title, date, link) and ``cyberevent`` {
``hopper`` [{index, relation, events [{index, type, subtype, realis, nugget {startOffset,
endOffset, text}, argument [{index, startOffset, endOffset, text, type, role {type, ...}}]}]}]}.
Offsets are character offsets into the text, end-exclusive. When a file carries ``content``
and the source file exists too, they must agree (E176).

Event types are ``type:subtype`` (``Attack:Databreach``, as TextEE writes them); ``realis``,
the hopper and the CASIE ids are kept in ``meta``. Arguments are spans, often nested or
overlapping, not entity mentions: each becomes an ARG span (its CASIE type, e.g. ``Person``,
in ``meta["casie_type"]``). Some CASIE offsets are one character late: when the stored text
is found one character earlier, the span is moved there and the move is reported; any other
difference is reported with the offsets kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from eventcorpus.errors import EventCorpusError
from eventcorpus.formats import Dropped
from eventcorpus.formats._datasets import DocumentBuilder, Labels, dataset_document, json_objects, need, read_text
from eventcorpus.formats._shared import note_dropped
from eventcorpus.records import Record
from eventcorpus.schema import Schema

CODE = "E175"
DATASET = "casie"
CANNOT_HOLD = ["no writer: CASIE is read only"]


def files(path: Path) -> list[Path]:
    """The annotation files under ``path``; E183 when there are none."""
    path = Path(path)
    if path.is_file():
        return [path]
    folder = path / "annotation" if (path / "annotation").is_dir() else path
    found = sorted(folder.glob("*.json")) if folder.is_dir() else []
    if not found:
        raise EventCorpusError(
            "E183", f"no CASIE annotation files (*.json) in {path}", file=str(path), expected="annotation/*.json"
        )
    return found


def read(path: Path, *, schema: Schema, options: dict[str, Any] | None = None) -> Iterator[Record]:
    """Stream one record per CASIE annotation file."""
    options = options or {}
    annotator = str(options.get("annotator") or DATASET)
    for file in files(Path(path)):
        labels = Labels(schema, options, file=str(file))
        for line, obj in json_objects(file):
            yield _record(obj, line, file, options, labels, annotator)


read_casie = read


def _source_text(obj: dict[str, Any], annotation: Path, doc_id: str, line: int) -> str:
    candidates = [annotation.parent.parent / "source" / doc_id, annotation.parent / doc_id]
    source = next((c for c in candidates if c.is_file()), None)
    content = obj.get("content")
    if isinstance(content, str):
        if source is not None and read_text(source) != content:
            raise EventCorpusError(
                "E176",
                f"'content' differs from the source file {source}",
                file=str(annotation),
                line=line,
                doc_id=doc_id,
                expected="the annotation's content equal to its source text",
            )
        return content
    if source is None:
        raise EventCorpusError(
            "E176",
            f"no 'content' and no source file {doc_id} in {candidates[0].parent} or {candidates[1].parent}",
            file=str(annotation),
            line=line,
            doc_id=doc_id,
            expected="'content', or source/<sourcefile>",
        )
    return read_text(source)


def _record(obj: Any, line: int, path: Path, options: dict[str, Any], labels: Labels, annotator: str) -> Record:
    file = str(path)
    doc_id = str(need(obj, "sourcefile", str, code=CODE, file=file, line=line))
    at: dict[str, Any] = {"code": CODE, "file": file, "line": line, "doc_id": doc_id}
    text = _source_text(obj, path, doc_id, line)
    builder = DocumentBuilder(doc_id, text, file=file, line=line, options=options, labels=labels)

    def offsets(item: Any, what: str, item_id: str) -> tuple[int, int]:
        start = need(item, "startOffset", int, where=what, **at)
        end = need(item, "endOffset", int, where=what, **at)
        stored = item.get("text")
        if isinstance(stored, str) and text[start:end] != stored and text[start - 1 : end - 1] == stored and start > 0:
            note_dropped(
                options,
                Dropped(
                    doc_id,
                    "shifted",
                    item_id,
                    start,
                    f"{what} offsets {start}-{end} moved one character back to fit {stored!r}",
                ),
            )
            return start - 1, end - 1
        return start, end

    cyberevent = need(obj, "cyberevent", dict, **at)
    for h, hopper in enumerate(cyberevent.get("hopper") or []):
        where_h = f"cyberevent.hopper[{h}]"
        for e, event in enumerate(need(hopper, "events", list, where=where_h, **at)):
            what = f"{where_h}.events[{e}]"
            event_type = f"{need(event, 'type', str, where=what, **at)}:{need(event, 'subtype', str, where=what, **at)}"
            nugget = need(event, "nugget", dict, where=what, **at)
            casie_id = str(event.get("index") or f"E{h}-{e}")
            start, end = offsets(nugget, f"{what}.nugget", casie_id)
            arguments: list[tuple[str, str]] = []
            details: list[dict[str, Any]] = []
            for a, argument in enumerate(event.get("argument") or []):
                where = f"{what}.argument[{a}]"
                role = need(need(argument, "role", dict, where=where, **at), "type", str, where=f"{where}.role", **at)
                arg_id = str(argument.get("index") or f"{casie_id}-{a}")
                s, t = offsets(argument, where, arg_id)
                meta = {"casie_type": argument.get("type"), "casie_index": arg_id}
                if argument.get("external_reference"):
                    meta["external_reference"] = argument["external_reference"]
                arguments.append(
                    (role, builder.span(s, t, code="E182", item_id=arg_id, stored=argument.get("text"), meta=meta))
                )
                details.append({k: v for k, v in argument["role"].items() if k != "type"})
            meta = {
                "casie_index": casie_id,
                "hopper": hopper.get("index", h),
                "realis": event.get("realis"),
            }
            if hopper.get("relation"):
                meta["hopper_relation"] = hopper["relation"]
            if any(details):
                meta["role_details"] = details
            builder.event(
                event_type, start, end, arguments, code="E182", item_id=casie_id, stored=nugget.get("text"), meta=meta
            )
    info: dict[str, Any] = obj["info"] if isinstance(obj.get("info"), dict) else {}
    date = info.get("date")
    document = dataset_document(
        doc_id,
        text,
        DATASET,
        file,
        line,
        title=info.get("title") if isinstance(info.get("title"), str) else None,
        url=info.get("link") if isinstance(info.get("link"), str) else None,
        published=date.replace("_", "-") if isinstance(date, str) else None,
    )
    return builder.record(document, annotator)
