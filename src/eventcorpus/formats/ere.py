"""DEFT Rich ERE (LDC2015E29 and later) from a user's own licensed copy: ``.rich_ere.xml``; read only.

The input is one ``.rich_ere.xml``, or a folder searched recursively for them. The source of
``<deft_ere doc_id="D">`` is looked for beside the annotation and in a sibling ``source``
folder (the release's ``data/ere`` and ``data/source``), as ``D.xml``, ``D.cmp.txt``,
``D.mp.txt`` or ``D.txt`` (E179 when none is there). Nothing of ERE ships with eventcorpus.

Offsets: ``offset`` and ``length`` (end = offset + length, exclusive) count characters of
the source file as it is, TAGS INCLUDED. The document text is the source with its tags taken
out and character references decoded; every span is converted to it and compared with the
annotation's text. A span inside markup (a post's ``author`` attribute) has no place in the
clean text: it is reported dropped, with the arguments that point at it.

Entity mentions become entities (label: the entity ``type``, ``PER``...; the NOM head in
``meta["head"]``); fillers become entities labelled with their filler type (``weapon``,
``time``...; ``meta["ere_kind"] = "filler"``). Event mentions of hoppers become events typed
``type:subtype`` as written (``conflict:attack``); ``realis`` and the hopper id go to
``meta``, each argument's realis to ``meta["arg_realis"]``. Relations are reported dropped.
``--inventory ere`` maps the labels onto the schema.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from eventcorpus.errors import EventCorpusError
from eventcorpus.formats import Dropped
from eventcorpus.formats._datasets import DocumentBuilder, Labels, dataset_document, read_text
from eventcorpus.formats._ldc import MarkupText, attribute, integer, parse_xml
from eventcorpus.formats._shared import note_dropped
from eventcorpus.records import Record
from eventcorpus.schema import Schema

CODE = "E180"
DATASET = "ere"
SUFFIXES = (".xml", ".cmp.txt", ".mp.txt", ".txt")
CANNOT_HOLD = [
    "no writer: ERE is LDC-licensed and read only",
    "spans inside markup, such as post authors (reported dropped)",
    "relations (reported dropped)",
]


def files(path: Path) -> list[Path]:
    """The ``.rich_ere.xml`` files at or under ``path``; E183 when there are none."""
    path = Path(path)
    found = [path] if path.is_file() else sorted(path.rglob("*.rich_ere.xml")) if path.is_dir() else []
    if not found:
        raise EventCorpusError("E183", f"no .rich_ere.xml files in {path}", file=str(path), expected="*.rich_ere.xml")
    return found


def source_file(annotation: Path, doc_id: str) -> Path:
    """The source text of ``doc_id`` for ``annotation``; E179 naming where it was looked for."""
    folders = [annotation.parent, annotation.parent.parent / "source", annotation.parent / "source"]
    for folder in folders:
        for suffix in SUFFIXES:
            candidate = folder / f"{doc_id}{suffix}"
            if candidate.is_file():
                return candidate
    raise EventCorpusError(
        "E179",
        f"no source for {doc_id} in {', '.join(str(f) for f in folders)}",
        file=str(annotation),
        doc_id=doc_id,
        expected=f"{doc_id} with one of {', '.join(SUFFIXES)}",
    )


def read(path: Path, *, schema: Schema, options: dict[str, Any] | None = None) -> Iterator[Record]:
    """Stream one record per ERE document."""
    options = options or {}
    annotator = str(options.get("annotator") or DATASET)
    for annotation in files(Path(path)):
        yield _record(annotation, schema, options, annotator)


read_ere = read


def _record(annotation: Path, schema: Schema, options: dict[str, Any], annotator: str) -> Record:
    file = str(annotation)
    root = parse_xml(annotation, CODE)
    if root.tag != "deft_ere":
        raise EventCorpusError(CODE, f"root is <{root.tag}>", file=file, expected="<deft_ere doc_id=...>")
    doc_id = attribute(root, "doc_id", code=CODE, file=file, doc_id=None)
    source = source_file(annotation, doc_id)
    markup = MarkupText(read_text(source), tags_count=True)
    text = markup.text
    labels = Labels(schema, options, file=file)
    builder = DocumentBuilder(doc_id, text, file=file, line=None, options=options, labels=labels)
    at: dict[str, Any] = {"code": CODE, "file": file, "doc_id": doc_id}

    def span(element: Any, what: str) -> tuple[int, int] | None:
        start = integer(element, "offset", **at)
        length = integer(element, "length", **at)
        found = markup.span(start, start + length)
        if found is None:
            note_dropped(
                options,
                Dropped(doc_id, "span", what, start, f"{start}+{length} is inside markup or outside {source.name}"),
            )
        return found

    mentions: dict[str, str] = {}
    for entity in root.iter("entity"):
        label = attribute(entity, "type", **at)
        for mention in entity.iter("entity_mention"):
            mention_id = attribute(mention, "id", **at)
            found = span(mention, mention_id)
            if found is None:
                continue
            meta: dict[str, Any] = {"entity_id": entity.get("id"), "noun_type": mention.get("noun_type")}
            if entity.get("specificity"):
                meta["specificity"] = entity.get("specificity")
            head = mention.find("nom_head")
            if head is not None:
                head_span = span(head, f"{mention_id} head")
                if head_span is not None:
                    meta["head"] = list(head_span)
            text_element = mention.find("mention_text")
            stored = text_element.text if text_element is not None else None
            mentions[mention_id] = builder.entity(
                found[0], found[1], label, code="E182", item_id=mention_id, stored=stored, meta=meta
            )
    for filler in root.iter("filler"):
        filler_id = attribute(filler, "id", **at)
        found = span(filler, filler_id)
        if found is None:
            continue
        mentions[filler_id] = builder.entity(
            found[0],
            found[1],
            attribute(filler, "type", **at),
            code="E182",
            item_id=filler_id,
            stored=filler.text,
            meta={"ere_kind": "filler"},
        )
    for hopper in root.iter("hopper"):
        for mention in hopper.iter("event_mention"):
            mention_id = attribute(mention, "id", **at)
            event_type = f"{attribute(mention, 'type', **at)}:{attribute(mention, 'subtype', **at)}"
            trigger = mention.find("trigger")
            if trigger is None:
                raise EventCorpusError(
                    CODE,
                    f"event mention {mention_id} has no <trigger>",
                    file=file,
                    doc_id=doc_id,
                    expected="<trigger offset length>",
                )
            found = span(trigger, mention_id)
            if found is None:
                continue
            arguments: list[tuple[str, str]] = []
            realis: list[str | None] = []
            for argument in mention.iter("em_arg"):
                role = attribute(argument, "role", **at)
                target = argument.get("entity_mention_id") or argument.get("filler_id")
                if target not in mentions:
                    note_dropped(
                        options,
                        Dropped(doc_id, "argument", f"{mention_id}:{role}", found[0], f"mention {target} was not read"),
                    )
                    continue
                arguments.append((role, mentions[str(target)]))
                realis.append(argument.get("realis"))
            event_meta: dict[str, Any] = {
                "hopper": hopper.get("id"),
                "realis": mention.get("realis"),
                "arg_realis": realis,
            }
            builder.event(
                event_type,
                found[0],
                found[1],
                arguments,
                code="E182",
                item_id=mention_id,
                stored=trigger.text,
                meta=event_meta,
            )
    for relation in root.iter("relation_mention"):
        note_dropped(options, Dropped(doc_id, "relation", str(relation.get("id")), None, "the schema has no relations"))
    document = dataset_document(
        doc_id, text, DATASET, file, None, source=root.get("source_type"), licence="LDC-User-Agreement"
    )
    return builder.record(document, annotator)
