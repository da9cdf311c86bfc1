"""Validate annotation files against the schema and the text: a catalogue of coded rules.

:func:`validate` reads canonical JSON Lines *raw* (line by line, never through the strict
``Record.from_dict``), so one broken record is reported and the rest are still checked. It
returns a :class:`ValidationReport` (counts and the first few locations per rule); it
never prints. With ``fix=OUT`` it writes a new file where spans that cut through tokens or
start/end on whitespace are snapped to the shared tokenisation, logging each change.

Each rule has a code (``V0xx``), a level (``error`` makes the run fail, ``warning`` does
not), a hint, and where one exists the ``E`` code the strict reader would raise.
"""

from __future__ import annotations

import json
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy
from spacy.attrs import IDX, IS_SPACE, LENGTH

from eventcorpus.corpus import atomic_open, backup_existing, dumps
from eventcorpus.errors import EventCorpusError
from eventcorpus.paths import is_safe_name, safe_name
from eventcorpus.records import ARGUMENT_SPAN_LABEL, UNANNOTATED, Record, text_sha256
from eventcorpus.schema import Schema
from eventcorpus.tokens import blank_pipeline

_NOT_EDGE_PUNCT = frozenset("%#&@*/\\")  # punctuation that belongs to a mention ("25%", "AT&T")
# a period glued to a short capitalised word or initials is an abbreviation ("Capt.", "U.S."), not punctuation
_ABBREVIATION = re.compile(r"(?:\b[A-Z][A-Za-z]{0,3}|\b(?:[A-Za-z]\.)+[A-Za-z])\.$")
ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Rule:
    code: str
    level: str
    title: str  # what the rule checks, phrased as the good state
    problem: str  # what a hit means
    hint: str
    error_code: str | None = None


RULES: dict[str, Rule] = {
    r.code: r
    for r in (
        Rule(
            "V001",
            ERROR,
            "records are well-formed JSON objects",
            "malformed record",
            "Fix the JSON or the missing field on that line.",
            "E006",
        ),
        Rule(
            "V002",
            ERROR,
            "offsets lie inside the text",
            "span offsets outside the text or not integers",
            "Offsets are code points, 0 <= start < end <= len(text).",
            "E007",
        ),
        Rule(
            "V003",
            ERROR,
            "ids are unique in each annotation set",
            "id used twice",
            "Give every entity and event its own id.",
            "E008",
        ),
        Rule(
            "V004",
            ERROR,
            "span text equals the stored text",
            "span text differs from the text stored with it",
            "The offsets or the text moved; re-derive the offsets from the stored text.",
            "E105",
        ),
        Rule(
            "V005",
            WARNING,
            "spans neither start nor end on whitespace",
            "span starts or ends on whitespace",
            "Trim the span (validate --fix does it).",
        ),
        Rule(
            "V006",
            WARNING,
            "spans neither start nor end on punctuation",
            "span starts or ends on a punctuation token",
            "Leave quotes, brackets and final punctuation outside the span.",
        ),
        Rule(
            "V007",
            WARNING,
            "spans start and end on token boundaries",
            "span cuts through a token",
            "Snap the span to whole tokens (validate --fix does it).",
        ),
        Rule(
            "V008",
            ERROR,
            "entity labels are in the schema",
            "unknown entity label",
            "Use an entity type of schema.yaml or map the label.",
        ),
        Rule(
            "V009",
            ERROR,
            "event types are in the schema",
            "unknown event type",
            "Use an event type of schema.yaml or map the label.",
        ),
        Rule("V010", ERROR, "roles are in the schema", "unknown role", "Use a role of schema.yaml or map the label."),
        Rule(
            "V011",
            ERROR,
            "each role is allowed for its event type",
            "role not allowed for the event type",
            "Pick one of the event type's roles in schema.yaml.",
        ),
        Rule(
            "V012",
            ERROR,
            "argument fillers have allowed entity types",
            "filler entity type not allowed for the role",
            "Relabel the entity or pick the role that allows its type.",
        ),
        Rule(
            "V013",
            ERROR,
            "arguments point at existing entities",
            "argument points at a missing entity",
            "Add the entity or remove the argument.",
            "E009",
        ),
        Rule(
            "V014",
            ERROR,
            "every event has a trigger",
            "event without a trigger",
            "Mark the word or phrase that expresses the event.",
        ),
        Rule(
            "V015",
            WARNING,
            "no span is annotated twice with the same label",
            "duplicate span (same label, same offsets)",
            "Remove one of the two.",
        ),
        Rule(
            "V016",
            WARNING,
            "no span carries two different labels",
            "same span, different labels",
            "Decide on one label.",
        ),
        Rule(
            "V017",
            WARNING,
            "entities nest or stay apart (no crossing)",
            "entities cross (overlap without nesting)",
            "Make one span contain the other or separate them.",
        ),
        Rule(
            "V018",
            ERROR,
            "annotations match their document text (text_sha256)",
            "text changed since it was annotated",
            "Re-annotate, or restore the original text.",
            "E010",
        ),
        Rule(
            "V019",
            WARNING,
            "every document has annotations",
            "document has no entity and no event",
            "Annotate it, or leave it out of the gold files (a record without an annotator name is not "
            "unannotated: pass --annotator when converting to name who annotated it).",
        ),
        Rule(
            "V020",
            ERROR,
            "event attributes are in the schema",
            "unknown attribute or value",
            "Use the attributes and values of schema.yaml.",
        ),
        Rule(
            "V021",
            WARNING,
            "each document appears once per annotator",
            "document repeated for the same annotator",
            "Keep one record per document and annotator.",
            "E303",
        ),
        Rule(
            "V022",
            ERROR,
            "document ids and annotator names are safe file names",
            "id or name holds a path separator, '..', a leading dot or a control character",
            "Rename it: writers escape such names as %XX so that nothing lands outside the output folder.",
            "E031",
        ),
    )
}


def _escaped(name: object) -> str:
    try:
        return safe_name(str(name))
    except EventCorpusError as exc:
        return exc.detail


@dataclass
class Location:
    """Where a rule fired: document, line, span, and the span's text in context."""

    doc_id: str | None
    line: int | None
    item: str | None = None
    start: int | None = None
    end: int | None = None
    text: str | None = None
    context: str | None = None
    detail: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None and v != ""}


@dataclass
class RuleResult:
    rule: Rule
    count: int = 0
    examples: list[Location] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.rule.code,
            "level": self.rule.level,
            "title": self.rule.title,
            "problem": self.rule.problem,
            "hint": self.rule.hint,
            "error_code": self.rule.error_code,
            "count": self.count,
            "examples": [e.as_dict() for e in self.examples],
        }


@dataclass
class Fix:
    """One span moved by ``fix``."""

    doc_id: str
    line: int | None
    item: str
    old: tuple[int, int]
    new: tuple[int, int]
    old_text: str
    new_text: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "line": self.line,
            "item": self.item,
            "old": list(self.old),
            "new": list(self.new),
            "old_text": self.old_text,
            "new_text": self.new_text,
        }


@dataclass
class ValidationReport:
    source: str
    records: int = 0
    entities: int = 0
    events: int = 0
    results: dict[str, RuleResult] = field(default_factory=lambda: {c: RuleResult(r) for c, r in RULES.items()})
    fixes: list[Fix] = field(default_factory=list)
    fixed_path: str | None = None
    fixed_backup: str | None = None  # an earlier file at the --fix path, kept here
    unwritten_lines: list[int] = field(default_factory=list)  # lines --fix could not parse, so not copied

    @property
    def errors(self) -> int:
        return sum(r.count for r in self.results.values() if r.rule.level == ERROR)

    @property
    def warnings(self) -> int:
        return sum(r.count for r in self.results.values() if r.rule.level == WARNING)

    @property
    def ok(self) -> bool:
        return self.errors == 0

    def count(self, code: str) -> int:
        return self.results[code].count

    def lines(self) -> list[tuple[str, str]]:
        """(status, text) lines like ``spacy debug data``: good, warn and fail, with locations."""
        out: list[tuple[str, str]] = []
        for result in self.results.values():
            rule = result.rule
            if result.count == 0:
                out.append(("good", f"{rule.code} {rule.title}"))
                continue
            status = "fail" if rule.level == ERROR else "warn"
            linked = f" [{rule.error_code}]" if rule.error_code else ""
            out.append((status, f"{rule.code} {result.count} × {rule.problem}{linked}. {rule.hint}"))
            for example in result.examples:
                out.append(("info", "    " + _describe(example)))
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "records": self.records,
            "entities": self.entities,
            "events": self.events,
            "errors": self.errors,
            "warnings": self.warnings,
            "ok": self.ok,
            "rules": [r.as_dict() for r in self.results.values()],
            "fixes": [f.as_dict() for f in self.fixes],
            "fixed_path": self.fixed_path,
            "fixed_backup": self.fixed_backup,
            "unwritten_lines": self.unwritten_lines,
        }


def _describe(location: Location) -> str:
    parts = [f"document {location.doc_id}"]
    if location.line is not None:
        parts.insert(0, f"line {location.line}")
    if location.item:
        parts.append(location.item)
    if location.start is not None:
        parts.append(f"offset {location.start}-{location.end}")
    text = ", ".join(parts)
    if location.context is not None:
        text += f": {location.context}"
    if location.detail:
        text += f" ({location.detail})"
    return text


def context(text: str, start: int, end: int, width: int = 30) -> str:
    """The span in brackets with ``width`` characters either side, newlines shown as ⏎."""
    left = text[max(0, start - width) : start]
    right = text[end : end + width]
    shown = f"{'…' if start > width else ''}{left}[{text[start:end]}]{right}{'…' if end + width < len(text) else ''}"
    return shown.replace("\r", "").replace("\n", "⏎")


# --- reading ---------------------------------------------------------------------------


def _raw_lines(path: Path) -> Iterator[tuple[int, Any, str | None]]:
    """(line, parsed object or None, problem) for each non-blank line; never raises on bad data."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise EventCorpusError("E004", str(exc), file=str(path)) from exc
    with handle:
        for number, raw in enumerate(handle, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield number, None, f"not UTF-8 at byte {exc.start}"
                continue
            if not line.strip():
                continue
            try:
                yield number, json.loads(line), None
            except json.JSONDecodeError as exc:
                yield number, None, f"invalid JSON: {exc.msg} at column {exc.colno}"


def _objects(
    source: str | Path | Iterable[Record | dict[str, Any]], schema: Schema, input_format: str | None
) -> Iterator[tuple[int | None, Any, str | None]]:
    if isinstance(source, (str, Path)):
        path = Path(source)
        if input_format is not None and input_format != "canonical":
            from eventcorpus.formats import get_format

            module = get_format(input_format)
            for number, record in enumerate(module.read(path, schema=schema, options={}), start=1):
                yield number, record.to_dict(), None
            return
        yield from _raw_lines(path)
        return
    for number, item in enumerate(source, start=1):
        yield number, item.to_dict() if isinstance(item, Record) else item, None


# --- tokens ----------------------------------------------------------------------------


def token_bounds(text: str) -> tuple[list[int], list[int]]:
    """Start and end offsets of the non-whitespace tokens of the shared tokenizer.

    The same tokens as :func:`eventcorpus.tokens.tokenize`, read with ``Doc.to_array``:
    building a Token object per token costs four times the tokenizer itself.
    (Tokenising only the chunks around span edges is not exact: spaCy's special cases,
    e.g. emoticons, can match across the space between two chunks.)
    """
    table = blank_pipeline().tokenizer(text).to_array([IDX, LENGTH, IS_SPACE])
    if not len(table):
        return [], []
    table = table[table[:, 2] == 0]
    starts = table[:, 0].astype(numpy.int64)
    return starts.tolist(), (starts + table[:, 1].astype(numpy.int64)).tolist()


# --- checking --------------------------------------------------------------------------


class _Checker:
    def __init__(self, schema: Schema, report: ValidationReport, max_examples: int, fixing: bool) -> None:
        self.schema = schema
        self.report = report
        self.max_examples = max_examples
        self.fixing = fixing
        self.entity_labels = frozenset(schema.entity_types)
        self.event_types = schema.event_types
        self.role_labels = frozenset(schema.role_labels)
        self.attributes = {name: frozenset(a.values) for name, a in schema.attributes.items()}
        self.seen: set[tuple[str, str]] = set()
        self._punct: dict[str, bool] = {}

    def hit(self, code: str, location: Location) -> None:
        result = self.report.results[code]
        result.count += 1
        if len(result.examples) < self.max_examples:
            result.examples.append(location)

    def span_hit(
        self, code: str, doc_id: str, line: int | None, item: str, text: str, start: int, end: int, detail: str = ""
    ) -> None:
        result = self.report.results[code]
        result.count += 1
        if len(result.examples) < self.max_examples:
            result.examples.append(
                Location(doc_id, line, item, start, end, text[start:end], context(text, start, end), detail)
            )

    def is_punct(self, token: str) -> bool:
        found = self._punct.get(token)
        if found is None:
            found = all(unicodedata.category(ch).startswith("P") and ch not in _NOT_EDGE_PUNCT for ch in token)
            self._punct[token] = found
        return found

    def check(self, line: int | None, obj: Any, problem: str | None) -> dict[str, Any] | None:
        """Check one raw record; return it (possibly with fixed spans) when fixing."""
        report = self.report
        report.records += 1
        if problem is not None or not isinstance(obj, dict):
            self.hit("V001", Location(None, line, detail=problem or "a record must be a JSON object"))
            return None
        doc_id, text = obj.get("id"), obj.get("text")
        if not isinstance(doc_id, str) or not isinstance(text, str):
            self.hit(
                "V001",
                Location(str(doc_id) if doc_id is not None else None, line, detail="id and text must be strings"),
            )
            return obj
        stored_hash = obj.get("text_sha256")
        if stored_hash is not None and stored_hash != text_sha256(text):
            self.hit(
                "V018",
                Location(doc_id, line, detail=f"stored {str(stored_hash)[:12]}…, text {text_sha256(text)[:12]}…"),
            )
        annotator = obj.get("annotator")
        for what, name in (("document id", doc_id), ("annotator", annotator)):
            if name is not None and not is_safe_name(name):
                self.hit("V022", Location(doc_id, line, detail=f"{what} {name!r} becomes {_escaped(name)!r}"))
        key = (doc_id, str(annotator))
        if key in self.seen:
            self.hit("V021", Location(doc_id, line, detail=f"annotator {annotator}"))
        self.seen.add(key)
        entities = obj.get("entities") or []
        events = obj.get("events") or []
        if not isinstance(entities, list) or not isinstance(events, list):
            self.hit("V001", Location(doc_id, line, detail="entities and events must be lists"))
            return obj
        if not entities and not events:  # a record with annotations but no annotator name is annotated
            named = "no annotator name" if annotator in (None, UNANNOTATED) else f"annotator {annotator!r}"
            self.hit("V019", Location(doc_id, line, detail=f"{named}, 0 entities, 0 events"))
        report.entities += len(entities)
        report.events += len(events)
        starts, ends = token_bounds(text)
        ids: set[str] = set()
        entity_labels: dict[str, str] = {}
        spans: list[tuple[int, int, str, str]] = []
        fixed_entities: list[Any] = []
        for position, entity in enumerate(entities):
            if not isinstance(entity, dict) or not {"id", "start", "end", "label"} <= entity.keys():
                self.hit("V001", Location(doc_id, line, f"entity #{position}", detail="needs id, start, end, label"))
                fixed_entities.append(entity)
                continue
            item = f"entity {entity['id']}"
            self.unique(str(entity["id"]), ids, doc_id, line, item)
            label = str(entity["label"])
            entity_labels.setdefault(str(entity["id"]), label)
            if label not in self.entity_labels and label != ARGUMENT_SPAN_LABEL:  # ARG: a filler, any role
                self.hit("V008", Location(doc_id, line, item, detail=f"label {label!r}"))
            span = self.span(entity["start"], entity["end"], text, doc_id, line, item, starts, ends)
            if span is None:
                fixed_entities.append(entity)
                continue
            start, end = span
            stored = (entity.get("meta") or {}).get("text") if isinstance(entity.get("meta"), dict) else None
            if isinstance(stored, str) and stored != text[start:end]:
                self.span_hit("V004", doc_id, line, item, text, start, end, f"stored {stored!r}")
            if label != ARGUMENT_SPAN_LABEL:  # argument spans may coincide with or cross entity mentions
                spans.append((start, end, label, item))
            fixed_entities.append(self.fixed(entity, start, end, text, doc_id, line, item, starts, ends))
        self.overlaps(spans, text, doc_id, line)
        triggers: list[tuple[int, int, str, str]] = []
        fixed_events: list[Any] = []
        for position, event in enumerate(events):
            if not isinstance(event, dict) or "id" not in event or "type" not in event:
                self.hit(
                    "V001", Location(doc_id, line, f"event #{position}", detail="needs id, type, trigger, arguments")
                )
                fixed_events.append(event)
                continue
            item = f"event {event['id']}"
            self.unique(str(event["id"]), ids, doc_id, line, item)
            event_type = str(event["type"])
            spec = self.event_types.get(event_type)
            if spec is None:
                self.hit("V009", Location(doc_id, line, item, detail=f"type {event_type!r}"))
            self.attributes_of(event, doc_id, line, item)
            trigger = event.get("trigger")
            fixed_event = event
            if not isinstance(trigger, dict) or trigger.get("start") is None or trigger.get("end") is None:
                self.hit("V014", Location(doc_id, line, item, detail=f"trigger {trigger!r}"))
            else:
                span = self.span(trigger["start"], trigger["end"], text, doc_id, line, f"{item} trigger", starts, ends)
                if span is not None:
                    triggers.append((span[0], span[1], event_type, item))
                    new_trigger = self.fixed(
                        trigger, span[0], span[1], text, doc_id, line, f"{item} trigger", starts, ends
                    )
                    if new_trigger is not trigger:
                        fixed_event = {**event, "trigger": new_trigger}
            self.arguments(event, spec, entity_labels, doc_id, line, item)
            fixed_events.append(fixed_event)
        self.duplicates(triggers, text, doc_id, line)
        if not self.fixing:
            return None
        return {**obj, "entities": fixed_entities, "events": fixed_events}

    def unique(self, value: str, ids: set[str], doc_id: str, line: int | None, item: str) -> None:
        if value in ids:
            self.hit("V003", Location(doc_id, line, item, detail=f"id {value!r}"))
        ids.add(value)

    def span(
        self,
        start: Any,
        end: Any,
        text: str,
        doc_id: str,
        line: int | None,
        item: str,
        starts: list[int],
        ends: list[int],
    ) -> tuple[int, int] | None:
        """Check a span's offsets and edges; None when the offsets are unusable."""
        if type(start) is not int or type(end) is not int or not 0 <= start < end <= len(text):
            self.hit(
                "V002", Location(doc_id, line, item, detail=f"{start!r}-{end!r} in a text of {len(text)} characters")
            )
            return None
        if text[start].isspace() or text[end - 1].isspace():
            self.span_hit("V005", doc_id, line, item, text, start, end)
        first = bisect_right(starts, start) - 1
        if first >= 0 and starts[first] < start < ends[first]:
            self.span_hit(
                "V007", doc_id, line, item, text, start, end, f"starts inside {text[starts[first] : ends[first]]!r}"
            )
        else:
            last = bisect_left(ends, end)
            if last < len(ends) and starts[last] < end < ends[last]:
                self.span_hit(
                    "V007", doc_id, line, item, text, start, end, f"ends inside {text[starts[last] : ends[last]]!r}"
                )
        if first >= 0 and starts[first] == start and self.is_punct(text[start : ends[first]]):
            self.span_hit("V006", doc_id, line, item, text, start, end, f"starts with {text[start : ends[first]]!r}")
            return start, end
        last = bisect_left(ends, end)
        abbreviation = text[end - 1] == "." and _ABBREVIATION.search(text, max(0, start), end) is not None
        if last < len(ends) and ends[last] == end and self.is_punct(text[starts[last] : end]) and not abbreviation:
            self.span_hit("V006", doc_id, line, item, text, start, end, f"ends with {text[starts[last] : end]!r}")
        return start, end

    def fixed(
        self,
        holder: dict[str, Any],
        start: int,
        end: int,
        text: str,
        doc_id: str,
        line: int | None,
        item: str,
        starts: list[int],
        ends: list[int],
    ) -> dict[str, Any]:
        """``holder`` with its span snapped to whole tokens (a copy), or ``holder`` itself if unchanged."""
        if not self.fixing:
            return holder
        first = bisect_right(ends, start)  # first token ending after start
        last = bisect_left(starts, end) - 1  # last token starting before end
        if first > last:
            return holder
        new = (starts[first], ends[last])
        if new == (start, end):
            return holder
        self.report.fixes.append(Fix(doc_id, line, item, (start, end), new, text[start:end], text[new[0] : new[1]]))
        return {**holder, "start": new[0], "end": new[1]}

    def attributes_of(self, event: dict[str, Any], doc_id: str, line: int | None, item: str) -> None:
        attributes = event.get("attributes") or {}
        if not isinstance(attributes, dict):
            self.hit("V001", Location(doc_id, line, item, detail="attributes must be an object"))
            return
        for name, value in attributes.items():
            allowed = self.attributes.get(name)
            if allowed is None or value not in allowed:
                self.hit("V020", Location(doc_id, line, item, detail=f"{name}={value!r}"))

    def arguments(
        self, event: dict[str, Any], spec: Any, entity_labels: dict[str, str], doc_id: str, line: int | None, item: str
    ) -> None:
        arguments = event.get("arguments") or []
        if not isinstance(arguments, list):
            self.hit("V001", Location(doc_id, line, item, detail="arguments must be a list"))
            return
        for argument in arguments:
            if not isinstance(argument, dict) or "role" not in argument or "entity_id" not in argument:
                self.hit("V001", Location(doc_id, line, item, detail=f"argument {argument!r} needs role and entity_id"))
                continue
            role, entity_id = str(argument["role"]), str(argument["entity_id"])
            where = f"{item} {role}"
            if role not in self.role_labels:
                self.hit("V010", Location(doc_id, line, where, detail=f"role {role!r}"))
            elif spec is not None and role not in spec.roles:
                self.hit("V011", Location(doc_id, line, where, detail=f"{spec.name} allows {', '.join(spec.roles)}"))
            label = entity_labels.get(entity_id)
            if label is None:
                self.hit("V013", Location(doc_id, line, where, detail=f"entity {entity_id!r}"))
            elif (
                spec is not None
                and role in spec.roles
                and label in self.entity_labels
                and label not in spec.roles[role].fillers
            ):
                fillers = ", ".join(spec.roles[role].fillers)
                self.hit(
                    "V012",
                    Location(doc_id, line, where, detail=f"entity {entity_id} is {label}; {role} takes {fillers}"),
                )

    def overlaps(self, spans: list[tuple[int, int, str, str]], text: str, doc_id: str, line: int | None) -> None:
        self.duplicates(spans, text, doc_id, line)
        ordered = sorted(spans)
        for i, (start, end, _, item) in enumerate(ordered):
            for other_start, other_end, _, other in ordered[i + 1 :]:
                if other_start >= end:
                    break
                if start < other_start < end < other_end:
                    self.span_hit(
                        "V017",
                        doc_id,
                        line,
                        item,
                        text,
                        start,
                        other_end,
                        f"{item} {start}-{end} and {other} {other_start}-{other_end}",
                    )

    def duplicates(self, spans: list[tuple[int, int, str, str]], text: str, doc_id: str, line: int | None) -> None:
        labels: dict[tuple[int, int], list[tuple[str, str]]] = {}
        for start, end, label, item in spans:
            found = labels.setdefault((start, end), [])
            for other_label, other in found:
                if other_label == label:
                    self.span_hit("V015", doc_id, line, item, text, start, end, f"same as {other} ({label})")
                else:
                    self.span_hit(
                        "V016", doc_id, line, item, text, start, end, f"{label} here, {other_label} on {other}"
                    )
            found.append((label, item))


def validate(
    source: str | Path | Iterable[Record | dict[str, Any]],
    *,
    schema: Schema,
    input_format: str | None = None,
    fix: str | Path | None = None,
    max_examples: int = 5,
) -> ValidationReport:
    """Check records (a canonical file, a file in ``input_format``, or records/dicts) against every rule.

    With ``fix``, write every record to that file (atomically), spans snapped to tokens; an
    earlier file there is kept as a timestamped backup; refuses (E157) to write over the input.
    """
    name = str(source) if isinstance(source, (str, Path)) else "<records>"
    report = ValidationReport(name)
    if fix is not None and isinstance(source, (str, Path)) and Path(fix).resolve() == Path(source).resolve():
        raise EventCorpusError("E157", f"--fix {fix} is the input file", file=str(fix), expected="a new path")
    checker = _Checker(schema, report, max_examples, fixing=fix is not None)
    objects = _objects(source, schema, input_format)
    if fix is None:
        for line, obj, problem in objects:
            checker.check(line, obj, problem)
        return report
    backup = backup_existing(fix)
    report.fixed_backup = str(backup) if backup is not None else None
    with atomic_open(fix) as handle:
        for line, obj, problem in objects:
            fixed = checker.check(line, obj, problem)
            if fixed is not None:
                handle.write(dumps(fixed) + "\n")
            elif obj is not None:
                handle.write(json.dumps(obj, ensure_ascii=False) + "\n")
            elif line is not None:
                report.unwritten_lines.append(line)
    report.fixed_path = str(fix)
    return report
