"""OneIE / TextEE JSON Lines: one line per sentence window of a document.

Each line: ``doc_id``, ``wnd_id``, ``text`` (the window's text, which TextEE's loaders
read), ``lang``, ``tokens``, ``sentence`` (OneIE's name for the same text), ``entity_mentions``
[{id, start, end, entity_type, mention_type, text}] (token offsets, end-exclusive),
``relation_mentions`` [] and ``event_mentions`` [{id, event_type, trigger {start, end,
text}, arguments [{entity_id, role, text}]}]. Tokens come from
:func:`eventcorpus.tokens.sentences` (option ``window``: ``"sentence"``, the default, or
``"document"`` for one window per document).

Exact offsets: every line also carries ``token_offsets`` (each token's ``[start, end]`` in
the document text, code points, end-exclusive), and the first window of a document carries
``document`` (its metadata and exact ``text``). OneIE consumers ignore these extra keys; the
reader uses them to rebuild the document and every span exactly. Entity and event ``meta``
and event ``attributes`` travel as extra keys too. Files from elsewhere (no ``document``)
use their own ``text`` (a document text shared by the windows, with WikiEvents'
``sentences`` offsets, or one text per window joined by one space) when the tokens are
found in it, and only otherwise (reported) tokens joined by single spaces, with
``meta["windows"]`` giving each window's id and character range; option ``inventory``
(e.g. ``"m2e2"``) maps their labels through the schema.

Cannot hold: spans that cross windows (reported dropped) and spans that do not start and end
on token boundaries (snapped to tokens and reported).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from eventcorpus.corpus import atomic_open, dumps, iter_json_lines
from eventcorpus.errors import EventCorpusError
from eventcorpus.formats import ConversionReport, Dropped
from eventcorpus.formats._shared import default_annotator, document_fields, document_from_fields, note_dropped
from eventcorpus.records import (
    ARGUMENT_SPAN_LABEL,
    AnnotationSet,
    Argument,
    Entity,
    Event,
    Record,
    Trigger,
    text_sha256,
)
from eventcorpus.schema import Schema
from eventcorpus.tokens import sentences as split_sentences
from eventcorpus.tokens import tokenize

CANNOT_HOLD = [
    "entities, triggers and arguments that cross a window (sentence) boundary (reported dropped)",
    "spans that do not start and end on token boundaries (snapped to tokens, reported)",
]


# --- writing -----------------------------------------------------------------------------


def _windows(text: str, window: str) -> list[list[tuple[int, int]]]:
    if window == "document":
        return [[(t.start, t.end) for t in tokenize(text)]]
    if window != "sentence":
        raise EventCorpusError("E017", f"oneie window {window!r}", expected="'sentence' or 'document'")
    found = [[(t.start, t.end) for t in sentence] for sentence in split_sentences(text)]
    return found or [[]]


def write(
    records: Iterable[Record], path: Path, *, schema: Schema, options: dict[str, Any] | None = None
) -> ConversionReport:
    """Write one JSON line per window; report what crosses windows or cuts through tokens."""
    options = options or {}
    window = str(options.get("window", "sentence"))
    report = ConversionReport()
    with atomic_open(path) as handle:
        for record in records:
            report.add(record)
            for line in record_windows(record, window, report.dropped):
                handle.write(dumps(line) + "\n")
    return report


def record_windows(record: Record, window: str, dropped: list[Dropped]) -> list[dict[str, Any]]:
    """The OneIE lines of one record (windows in text order), noting losses in ``dropped``."""
    text = record.document.text
    doc_id = record.id
    windows = _windows(text, window)
    starts: list[int] = []
    ends: list[int] = []
    place: list[tuple[int, int]] = []  # (window, token in window) per global token
    for w, tokens in enumerate(windows):
        for t, (start, end) in enumerate(tokens):
            starts.append(start)
            ends.append(end)
            place.append((w, t))

    def locate(start: int, end: int, kind: str, item: str) -> tuple[int, int, int] | None:
        first = bisect_right(ends, start)  # first token ending after start
        last = bisect_left(starts, end) - 1  # last token starting before end
        if first > last:
            dropped.append(Dropped(doc_id, kind, item, start, "span covers no token"))
            return None
        (w_first, t_first), (w_last, t_last) = place[first], place[last]
        if w_first != w_last:
            dropped.append(Dropped(doc_id, kind, item, start, "span crosses a window boundary"))
            return None
        if (starts[first], ends[last]) != (start, end):
            dropped.append(
                Dropped(
                    doc_id,
                    kind,
                    item,
                    start,
                    f"span {start}-{end} snapped to tokens {starts[first]}-{ends[last]} (kept)",
                )
            )
        return w_first, t_first, t_last + 1

    lines: list[dict[str, Any]] = []
    for w, tokens in enumerate(windows):
        line: dict[str, Any] = {
            "doc_id": doc_id,
            "wnd_id": f"{doc_id}-{w}",
            "text": text[tokens[0][0] : tokens[-1][1]] if tokens else "",  # TextEE's loaders read dt["text"]
            "lang": record.document.language,
            "tokens": [text[a:b] for a, b in tokens],
            "sentence": text[tokens[0][0] : tokens[-1][1]] if tokens else "",  # OneIE's own name for it
            "token_offsets": [[a, b] for a, b in tokens],
            "entity_mentions": [],
            "relation_mentions": [],
            "event_mentions": [],
        }
        if w == 0:
            line["document"] = {**document_fields(record), "text": text, "window": window}
        lines.append(line)
    entity_window: dict[str, int] = {}
    entity_text: dict[str, str] = {}
    entity_tokens: dict[str, tuple[int, int]] = {}
    for entity in record.annotations.entities:
        found = locate(entity.start, entity.end, "entity", entity.id)
        if found is None:
            continue
        w, a, b = found
        mention_text = _slice(text, lines[w], a, b)
        mention: dict[str, Any] = {
            "id": entity.id,
            "start": a,
            "end": b,
            "entity_type": entity.label,
            "mention_type": str(entity.meta.get("mention_type", "UNK")),
            "text": mention_text,
        }
        if entity.meta:
            mention["meta"] = entity.meta
        lines[w]["entity_mentions"].append(mention)
        entity_window[entity.id] = w
        entity_text[entity.id] = mention_text
        entity_tokens[entity.id] = (a, b)
    for event in record.annotations.events:
        found = locate(event.trigger.start, event.trigger.end, "event", event.id)
        if found is None:
            continue
        w, a, b = found
        arguments = []
        for argument in event.arguments:
            where = entity_window.get(argument.entity_id)
            if where != w:
                reason = "its entity was not written" if where is None else "its entity lies in another window"
                item = f"{event.id}/{argument.role}:{argument.entity_id}"
                dropped.append(Dropped(doc_id, "argument", item, event.trigger.start, reason))
                continue
            first, last = entity_tokens[argument.entity_id]
            arguments.append(
                {
                    "entity_id": argument.entity_id,
                    "role": argument.role,
                    "text": entity_text[argument.entity_id],
                    "start": first,
                    "end": last,
                }
            )
        mention = {
            "id": event.id,
            "event_type": event.type,
            "trigger": {"start": a, "end": b, "text": _slice(text, lines[w], a, b)},
            "arguments": arguments,
        }
        if event.attributes:
            mention["attributes"] = event.attributes
        if event.meta:
            mention["meta"] = event.meta
        lines[w]["event_mentions"].append(mention)
    return lines


def _slice(text: str, line: dict[str, Any], first: int, end: int) -> str:
    """The document text under tokens ``first``..``end - 1`` of a window."""
    offsets = line["token_offsets"]
    return text[offsets[first][0] : offsets[end - 1][1]]


# --- reading -----------------------------------------------------------------------------


def read(path: Path, *, schema: Schema, options: dict[str, Any] | None = None) -> Iterator[Record]:
    """Rebuild one record per document from its consecutive windows."""
    yield from read_windows(iter_json_lines(path), schema=schema, options=options or {}, file=str(path))


def read_windows(
    lines: Iterable[tuple[int, Any]], *, schema: Schema, options: dict[str, Any], file: str
) -> Iterator[Record]:
    """Records from numbered, parsed window lines (the windows of a document consecutive)."""
    group: list[tuple[int, dict[str, Any]]] = []
    finished: set[str] = set()
    for number, line in lines:
        if not isinstance(line, dict) or not isinstance(line.get("doc_id"), str):
            raise EventCorpusError("E153", "a line needs a string doc_id", file=file, line=number, expected="doc_id")
        if group and line["doc_id"] != group[0][1]["doc_id"]:
            finished.add(group[0][1]["doc_id"])
            yield _document(group, schema, options, file)
            group = []
        if line["doc_id"] in finished:
            raise EventCorpusError(
                "E154",
                f"windows of {line['doc_id']} are not consecutive",
                file=file,
                line=number,
                doc_id=line["doc_id"],
                expected="the windows of a document next to each other",
            )
        group.append((number, line))
    if group:
        yield _document(group, schema, options, file)


def _document(group: list[tuple[int, dict[str, Any]]], schema: Schema, options: dict[str, Any], file: str) -> Record:
    first_number, first = group[0]
    doc_id = first["doc_id"]
    stored = first.get("document")
    windows: list[dict[str, Any]] = []
    offsets: list[list[tuple[int, int]]] = []
    if isinstance(stored, dict) and isinstance(stored.get("text"), str):
        text = stored["text"]
        for number, line in group:
            tokens = _tokens(line, number, file, doc_id)
            spans = [(int(a), int(b)) for a, b in line.get("token_offsets") or []]
            if len(spans) != len(tokens) or any(text[a:b] != t for (a, b), t in zip(spans, tokens, strict=True)):
                raise EventCorpusError(
                    "E154",
                    f"window {line.get('wnd_id')} tokens do not match the document text at token_offsets",
                    file=file,
                    line=number,
                    doc_id=doc_id,
                )
            offsets.append(spans)
        if stored.get("text_sha256") not in (None, text_sha256(text)):
            raise EventCorpusError(
                "E010",
                "the stored document text does not match its text_sha256",
                file=file,
                line=first_number,
                doc_id=doc_id,
            )
        fields = {k: v for k, v in stored.items() if k != "text"}
        document = document_from_fields(text, fields, doc_id)
        annotator = str(stored.get("annotator") or default_annotator(options))
        annotation_meta = dict(stored.get("annotation_meta") or {})
    else:
        text, offsets, windows = _foreign_text(group, file, doc_id, options)
        document = document_from_fields(text, {"meta": {"windows": windows}}, doc_id)
        annotator = default_annotator(options)
        annotation_meta = {}
    inventory = options.get("inventory")

    def label(kind: str, value: Any) -> str | None:
        if not inventory:
            return str(value)
        return schema.map_label(inventory, kind, str(value), file=file, keep_unmapped=True)

    entities: list[Entity] = []
    events: list[Event] = []
    known: set[str] = set()
    for (number, line), spans in zip(group, offsets, strict=True):
        for mention in line.get("entity_mentions") or []:
            start, end = _char_span(mention, spans, number, file, doc_id, "entity")
            raw_type = mention.get("entity_type")
            # a mention without a type is an argument span, not an entity (RAMS-style files)
            entity_type = ARGUMENT_SPAN_LABEL if raw_type in (None, "") else label("entity_types", raw_type)
            entity_id = str(mention.get("id"))
            if entity_type is None:
                note_dropped(options, Dropped(doc_id, "entity", entity_id, start, "label maps to null"))
                continue
            meta = dict(mention.get("meta") or {})
            if mention.get("mention_type") not in (None, "UNK") and "mention_type" not in meta:
                meta["mention_type"] = mention["mention_type"]
            entities.append(Entity(entity_id, start, end, entity_type, meta))
            known.add(entity_id)
        for mention in line.get("event_mentions") or []:
            start, end = _char_span(mention.get("trigger") or {}, spans, number, file, doc_id, "trigger")
            event_id = str(mention.get("id"))
            event_type = label("event_types", mention.get("event_type"))
            if event_type is None:
                note_dropped(options, Dropped(doc_id, "event", event_id, start, "label maps to null"))
                continue
            arguments = []
            for argument in mention.get("arguments") or []:
                role = label("roles", argument.get("role"))
                entity_id = str(argument.get("entity_id"))
                if role is None or entity_id not in known:
                    reason = "role maps to null" if role is None else f"entity {entity_id} is not in this document"
                    note_dropped(
                        options,
                        Dropped(doc_id, "argument", f"{event_id}/{argument.get('role')}:{entity_id}", start, reason),
                    )
                    continue
                arguments.append(Argument(role, entity_id))
            events.append(
                Event(
                    event_id,
                    event_type,
                    Trigger(start, end),
                    arguments,
                    dict(mention.get("attributes") or {}),
                    dict(mention.get("meta") or {}),
                )
            )
    annotations = AnnotationSet(document.id, annotator, entities, events, annotation_meta)
    annotations.check(document.text, file=file, line=first_number)
    return Record(document, annotations)


def _align(tokens: list[str], text: str, cursor: int = 0) -> list[tuple[int, int]] | None:
    """Each token's span in ``text`` from ``cursor`` on, only whitespace between; None if one is not there."""
    spans: list[tuple[int, int]] = []
    for token in tokens:
        while cursor < len(text) and text[cursor].isspace():
            cursor += 1
        if not text.startswith(token, cursor):
            return None
        spans.append((cursor, cursor + len(token)))
        cursor += len(token)
    return spans


def _sentence_offsets(line: dict[str, Any], tokens: list[str], text: str) -> list[tuple[int, int]] | None:
    """Token spans from WikiEvents-style ``sentences`` ([[[token, start, end], ...], sentence text] each)."""
    sentences = line.get("sentences")
    if not isinstance(sentences, list):
        return None
    spans: list[tuple[int, int]] = []
    try:
        for sentence in sentences:
            for _token, start, end in sentence[0]:
                spans.append((int(start), int(end)))
    except (TypeError, ValueError, IndexError):
        return None
    if len(spans) != len(tokens) or any(text[a:b] != t for (a, b), t in zip(spans, tokens, strict=True)):
        return None
    return spans


def _foreign_text(
    group: list[tuple[int, dict[str, Any]]], file: str, doc_id: str, options: dict[str, Any]
) -> tuple[str, list[list[tuple[int, int]]], list[dict[str, Any]]]:
    """The document text and each window's token spans for a file this writer did not write.

    The file's own text is used whenever its tokens can be found in it: a ``text`` shared by
    every window of the document (WikiEvents: the document, with ``sentences`` giving each
    token's character offsets), or one ``text`` per window (TextEE; windows joined by one
    space). Only when there is no text, or the tokens are not in it (reported), is the text
    rebuilt from the tokens joined by single spaces.
    """
    lines = [(number, line, _tokens(line, number, file, doc_id)) for number, line in group]
    texts = [line.get("text") for _, line, _ in lines]
    windows: list[dict[str, Any]] = []
    offsets: list[list[tuple[int, int]]] = []
    if all(isinstance(t, str) for t in texts):
        if len(set(texts)) == 1:  # one document text for every window
            text = str(texts[0])
            cursor = 0
            for _, line, tokens in lines:
                spans = _sentence_offsets(line, tokens, text) or _align(tokens, text, cursor)
                if spans is None:
                    break
                offsets.append(spans)
                cursor = spans[-1][1] if spans else cursor
                windows.append({"wnd_id": line.get("wnd_id"), "start": spans[0][0] if spans else cursor, "end": cursor})
            else:
                return text, offsets, windows
        windows, offsets, parts, start = [], [], [], 0
        for _, line, tokens in lines:
            window_text = str(line["text"])
            found = _align(tokens, window_text)
            if found is None:
                break
            offsets.append([(a + start, b + start) for a, b in found])
            windows.append({"wnd_id": line.get("wnd_id"), "start": start, "end": start + len(window_text)})
            parts.append(window_text)
            start += len(window_text) + 1
        else:
            return " ".join(parts), offsets, windows
        number, line, tokens = lines[len(offsets)]
        note_dropped(
            options,
            Dropped(
                doc_id,
                "text",
                str(line.get("wnd_id")),
                None,
                f"{file}:{number}: the tokens are not found in the line's own text (only whitespace between "
                "them); the document text was rebuilt from the tokens joined by spaces",
            ),
        )
    windows, offsets, parts = [], [], []
    cursor = 0
    for _, line, tokens in lines:
        if parts:
            parts.append(" ")
            cursor += 1
        spans = []
        for token in tokens:
            spans.append((cursor, cursor + len(token)))
            cursor += len(token) + 1
        if tokens:
            cursor -= 1
        window_text = " ".join(tokens)
        windows.append({"wnd_id": line.get("wnd_id"), "start": cursor - len(window_text), "end": cursor})
        parts.append(window_text)
        offsets.append(spans)
    return "".join(parts), offsets, windows


def _tokens(line: dict[str, Any], number: int, file: str, doc_id: str) -> list[str]:
    tokens = line.get("tokens")
    if not isinstance(tokens, list) or not all(isinstance(t, str) and t and t.split() == [t] for t in tokens):
        raise EventCorpusError(
            "E153",
            f"window {line.get('wnd_id')} tokens must be non-empty strings without whitespace",
            file=file,
            line=number,
            doc_id=doc_id,
        )
    return tokens


def _char_span(
    span: dict[str, Any], offsets: list[tuple[int, int]], number: int, file: str, doc_id: str, what: str
) -> tuple[int, int]:
    start, end = span.get("start"), span.get("end")
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end <= len(offsets):
        raise EventCorpusError(
            "E151",
            f"{what} token span {start!r}-{end!r} in a window of {len(offsets)} tokens",
            file=file,
            line=number,
            doc_id=doc_id,
            expected="0 <= start < end <= len(tokens)",
        )
    return offsets[start][0], offsets[end - 1][1]
