"""ACE 2005 (LDC2006T06) from a user's own licensed copy: ``.apf.xml`` + ``.sgm``; read only.

The input is one ``.apf.xml``, or a folder searched recursively for them (the release's
``data/English/<genre>/timex2norm/``); each needs its ``.sgm`` beside it (E179). Nothing of
ACE ships with eventcorpus.

Offsets: every ``charseq`` has ``START`` and ``END`` (END INCLUSIVE), counted in the ``.sgm``
text with its tags taken out and character references (``&amp;``) counted as written. The
document text is that text with character references decoded; every span is converted to it
(:class:`eventcorpus.formats._ldc.MarkupText`) and compared with the ``charseq`` text
(differences reported).

Entity mentions become entities (the full ``extent``; the ``head`` in ``meta["head"]``), with
the entity ``TYPE`` as label (``PER``) and subtype, class, mention type and the entity id in
``meta``; value mentions take their ``TYPE`` (``Crime``, ``Job-Title``...), timex2 mentions
the label ``TIME``. Event mentions become events typed ``TYPE:SUBTYPE`` (``Conflict:Attack``)
with their arguments (ROLE as written: ``Time-Within``); ACE's POLARITY and MODALITY fill the
schema's ``polarity``/``modality`` attributes (lower-cased), GENERICITY and TENSE ``meta``.
Relations are reported dropped (the schema has none). ``--inventory m2e2`` maps the ACE
labels the schema shares.
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

CODE = "E178"
DATASET = "ace2005"
CANNOT_HOLD = ["no writer: ACE 2005 is LDC-licensed and read only", "relations (reported dropped)"]


def files(path: Path) -> list[Path]:
    """The ``.apf.xml`` files at or under ``path``; E183 when there are none."""
    path = Path(path)
    found = [path] if path.is_file() else sorted(path.rglob("*.apf.xml")) if path.is_dir() else []
    if not found:
        raise EventCorpusError(
            "E183", f"no .apf.xml files in {path}", file=str(path), expected="*.apf.xml with its .sgm"
        )
    return found


def read(path: Path, *, schema: Schema, options: dict[str, Any] | None = None) -> Iterator[Record]:
    """Stream one record per ACE document."""
    options = options or {}
    annotator = str(options.get("annotator") or DATASET)
    for apf in files(Path(path)):
        yield _record(apf, schema, options, annotator)


read_ace2005 = read


def _record(apf: Path, schema: Schema, options: dict[str, Any], annotator: str) -> Record:
    file = str(apf)
    root = parse_xml(apf, CODE)
    document_element = root.find("document")
    if root.tag != "source_file" or document_element is None:
        raise EventCorpusError(CODE, f"root is <{root.tag}>", file=file, expected="<source_file><document DOCID=...>")
    doc_id = attribute(document_element, "DOCID", code=CODE, file=file, doc_id=None)
    sgm = apf.with_name(apf.name[: -len(".apf.xml")] + ".sgm")
    if not sgm.is_file():
        raise EventCorpusError(
            "E179", f"{sgm.name} is not beside {apf.name}", file=file, doc_id=doc_id, expected=str(sgm)
        )
    markup = MarkupText(read_text(sgm), tags_count=False)
    text = markup.text
    labels = Labels(schema, options, file=file)
    builder = DocumentBuilder(doc_id, text, file=file, line=None, options=options, labels=labels)
    at: dict[str, Any] = {"code": CODE, "file": file, "doc_id": doc_id}

    def charseq(parent: Any, path: str, what: str) -> tuple[int, int, str | None] | None:
        element = parent.find(path)
        if element is None:
            raise EventCorpusError(CODE, f"{what} has no {path}", file=file, doc_id=doc_id, expected=f"<{path}>")
        start = integer(element, "START", **at)
        end = integer(element, "END", **at) + 1  # ACE ends are inclusive
        span = markup.span(start, end)
        if span is None:
            note_dropped(
                options, Dropped(doc_id, "span", what, start, f"{start}-{end - 1} is not in the text of {sgm.name}")
            )
            return None
        return span[0], span[1], element.text

    mentions: dict[str, str] = {}

    def add(mention: Any, label: str, meta: dict[str, Any], extent_path: str, head: bool) -> None:
        mention_id = attribute(mention, "ID", **at)
        found = charseq(mention, extent_path, f"mention {mention_id}")
        if found is None:
            return
        start, end, stored = found
        if head and mention.find("head/charseq") is not None:
            head_span = charseq(mention, "head/charseq", f"mention {mention_id} head")
            if head_span is not None:
                meta = {**meta, "head": [head_span[0], head_span[1]]}
        mentions[mention_id] = builder.entity(
            start, end, label, code="E182", item_id=mention_id, stored=stored, meta=meta
        )

    for entity in document_element.iter("entity"):
        label = attribute(entity, "TYPE", **at)
        base = {"entity_id": entity.get("ID"), "subtype": entity.get("SUBTYPE"), "class": entity.get("CLASS")}
        for mention in entity.iter("entity_mention"):
            meta = {**base, "mention_type": mention.get("TYPE"), "ldc_type": mention.get("LDCTYPE")}
            add(mention, label, {k: v for k, v in meta.items() if v is not None}, "extent/charseq", True)
    for value in document_element.iter("value"):
        label = attribute(value, "TYPE", **at)
        base = {"entity_id": value.get("ID"), "ace_kind": "value", "subtype": value.get("SUBTYPE")}
        for mention in value.iter("value_mention"):
            add(mention, label, {k: v for k, v in base.items() if v is not None}, "extent/charseq", False)
    for timex in document_element.iter("timex2"):
        base = {"entity_id": timex.get("ID"), "ace_kind": "timex2", "val": timex.get("VAL")}
        for mention in timex.iter("timex2_mention"):
            add(mention, "TIME", {k: v for k, v in base.items() if v is not None}, "extent/charseq", False)
    for event in document_element.iter("event"):
        event_type = f"{attribute(event, 'TYPE', **at)}:{attribute(event, 'SUBTYPE', **at)}"
        for mention in event.iter("event_mention"):
            mention_id = attribute(mention, "ID", **at)
            found = charseq(mention, "anchor/charseq", f"event mention {mention_id}")
            if found is None:
                continue
            start, end, stored = found
            arguments: list[tuple[str, str]] = []
            for argument in mention.iter("event_mention_argument"):
                refid = attribute(argument, "REFID", **at)
                role = attribute(argument, "ROLE", **at)
                if refid not in mentions:
                    note_dropped(
                        options,
                        Dropped(doc_id, "argument", f"{mention_id}:{role}", start, f"mention {refid} was not read"),
                    )
                    continue
                arguments.append((role, mentions[refid]))
            event_meta: dict[str, Any] = {
                "event_id": event.get("ID"),
                "genericity": event.get("GENERICITY"),
                "tense": event.get("TENSE"),
            }
            extent = mention.find("extent/charseq")
            if extent is not None:
                found_extent = markup.span(integer(extent, "START", **at), integer(extent, "END", **at) + 1)
                if found_extent is not None:
                    event_meta["extent"] = list(found_extent)
            builder.event(
                event_type,
                start,
                end,
                arguments,
                code="E182",
                item_id=mention_id,
                stored=stored,
                meta={k: v for k, v in event_meta.items() if v is not None},
            )
            attributes = {
                name: value.lower()
                for name, value in (("polarity", event.get("POLARITY")), ("modality", event.get("MODALITY")))
                if value
            }
            builder.events[-1].attributes.update(attributes)
    for relation in document_element.iter("relation_mention"):
        note_dropped(options, Dropped(doc_id, "relation", str(relation.get("ID")), None, "the schema has no relations"))
    source = root.get("SOURCE")
    document = dataset_document(doc_id, text, DATASET, file, None, source=source, licence="LDC-User-Agreement")
    return builder.record(document, annotator)
