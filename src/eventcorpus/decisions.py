"""Adjudication as a recorded act: a committed file of decisions, one per conflict.

Every conflict that majority adjudication lists gets a stable key (:func:`conflict_key`):

- entity / trigger: ``DOC:entity:START-END`` / ``DOC:trigger:START-END`` (the conflict's region);
- argument tie: ``DOC:argument:TSTART-TEND:EVENT_TYPE:START-END``;
- orphan argument: ``DOC:orphan:TSTART-TEND:EVENT_TYPE:START-END``;
- attribute tie: ``DOC:attribute:TSTART-TEND:EVENT_TYPE:NAME``.

A decisions file holds one JSON object per line: ``{"key", "decision", "reason"}`` and,
for ``edit`` only, ``item``. Inside a conflict's region only the disputed versions (those
majority left out) are touched; versions every annotator agreed on stay:

- an annotator's name (``pass1``, ``pass2``): accept that annotator's disputed versions,
  reject the others';
- ``both``: accept every disputed version; ``neither``: reject them all;
- ``edit``: ``item`` is the exact list of what the region holds in gold (agreed versions
  included): entities ``{start, end, label}``; triggers ``{start, end, type, arguments:
  [{role, start, end}], attributes?}``; arguments ``{role, start, end}`` (0 or 1 for an
  orphan); an attribute ``{value}`` (0 or 1 items).

A trigger version accepted by a decision keeps the arguments and attributes its chosen
annotator gave it. An orphan argument's decision says whether the argument stays; its
filler is the gold entity on its span, as the entity conflict decided it.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eventcorpus.adjudicate import (
    DECISIONS,
    GOLD,
    Adjudication,
    ArgKey,
    Candidates,
    EntityKey,
    EventKey,
    adjudicate,
    collect,
)
from eventcorpus.agreement import AnnotatorSets
from eventcorpus.corpus import iter_json_lines
from eventcorpus.errors import EventCorpusError
from eventcorpus.records import AnnotationSet, Argument, Document, Entity, Event, Record, Trigger

BOTH, NEITHER, EDIT = "both", "neither", "edit"
LAYERS = ("entity", "trigger", "argument", "orphan", "attribute")
DECISION_KINDS = ("pass1", "pass2", BOTH, NEITHER, EDIT)  # the order of the counts


def key_layer(key: str) -> str | None:
    """The layer a key names (its second ``:`` field), or None."""
    parts = key.split(":")
    return parts[1] if len(parts) > 2 and parts[1] in LAYERS else None


@dataclass(frozen=True)
class Decision:
    key: str
    decision: str
    reason: str
    item: list[dict[str, Any]] | None = None
    line: int = 0


@dataclass
class Decisions:
    """A read decisions file: its decisions by key, where it is and its SHA-256."""

    path: str
    by_key: dict[str, Decision]
    sha256: str

    def counts(self) -> dict[str, int]:
        found = Counter(d.decision if d.decision in DECISION_KINDS else "other pass" for d in self.by_key.values())
        return {kind: found[kind] for kind in (*DECISION_KINDS, "other pass") if kind in DECISION_KINDS or found[kind]}


_ITEM_FIELDS: dict[str, dict[str, type]] = {
    "entity": {"start": int, "end": int, "label": str},
    "trigger": {"start": int, "end": int, "type": str},
    "argument": {"role": str, "start": int, "end": int},
    "orphan": {"role": str, "start": int, "end": int},
    "attribute": {"value": str},
}


def _check_item(layer: str, item: Any, where: dict[str, Any]) -> None:
    if not isinstance(item, list) or not all(isinstance(i, dict) for i in item):
        raise EventCorpusError("E310", "`item` must be a list of objects", expected="item: [{...}, ...]", **where)
    if layer in ("orphan", "attribute") and len(item) > 1:
        raise EventCorpusError("E310", f"a {layer} edit holds at most one item, not {len(item)}", **where)
    fields = _ITEM_FIELDS[layer]
    for one in item:
        wrong = [
            name
            for name, kind in fields.items()
            if not isinstance(one.get(name), kind) or isinstance(one.get(name), bool)
        ]
        if layer == "trigger":
            arguments = one.get("arguments", [])
            if not isinstance(arguments, list) or any(
                not isinstance(a, dict) or any(not isinstance(a.get(n), k) for n, k in _ITEM_FIELDS["argument"].items())
                for a in arguments
            ):
                wrong.append("arguments")
            if not isinstance(one.get("attributes", {}), dict):
                wrong.append("attributes")
        if wrong:
            shape = ", ".join(f"{n}: {k.__name__}" for n, k in fields.items())
            raise EventCorpusError("E310", f"{layer} item {one} has a wrong {wrong}", expected=f"{{{shape}}}", **where)


def read_decisions(path: str | Path) -> Decisions:
    """Read and check the shape of a decisions file (E310 malformed line, E313 key decided twice)."""
    file = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise EventCorpusError("E004", str(exc), file=file) from exc
    by_key: dict[str, Decision] = {}
    for number, value in iter_json_lines(path):
        where: dict[str, Any] = {"file": file, "line": number}
        if not isinstance(value, dict):
            raise EventCorpusError(
                "E310", "the line is not a JSON object", expected='{"key", "decision", "reason"}', **where
            )
        unknown = sorted(set(value) - {"key", "decision", "reason", "item"})
        key, decision, reason = value.get("key"), value.get("decision"), value.get("reason")
        if unknown or not all(isinstance(v, str) and v.strip() for v in (key, decision, reason)):
            raise EventCorpusError(
                "E310",
                f"fields {sorted(value)}" + (f" (unknown: {unknown})" if unknown else ""),
                expected="non-empty strings key, decision and reason; item only with decision edit",
                **where,
            )
        assert isinstance(key, str) and isinstance(decision, str) and isinstance(reason, str)
        layer = key_layer(key)
        if layer is None:
            raise EventCorpusError(
                "E310", f"key {key!r} names no layer", expected=f"DOC:LAYER:... with LAYER one of {LAYERS}", **where
            )
        if "\n" in reason:
            raise EventCorpusError("E310", "the reason spans several lines", expected="a one-line reason", **where)
        item = value.get("item")
        if decision == EDIT:
            if item is None:
                raise EventCorpusError("E310", f"{key}: decision edit without `item`", expected="item: [...]", **where)
            _check_item(layer, item, {**where, "doc_id": key.split(":")[0]})
        elif item is not None:
            raise EventCorpusError(
                "E310", f"{key}: `item` given with decision {decision!r}", expected="item only with edit", **where
            )
        if key in by_key:
            raise EventCorpusError(
                "E313", f"{key} is decided on line {by_key[key].line} and again here", doc_id=key.split(":")[0], **where
            )
        by_key[key] = Decision(key, decision, reason.strip(), item, number)
    return Decisions(file, by_key, hashlib.sha256(raw).hexdigest())


def check_coverage(decisions: Decisions, conflicts: Iterable[dict[str, Any]]) -> None:
    """E311 listing every conflict without a decision; E312 listing every decision matching no conflict."""
    keys = [c["key"] for c in conflicts]
    missing = [k for k in keys if k not in decisions.by_key]
    if missing:
        raise EventCorpusError(
            "E311",
            f"{len(missing)} of {len(keys)} conflicts have no decision: " + ", ".join(missing),
            file=decisions.path,
            fix=(
                f"Add one line per key to {decisions.path}, e.g. "
                + json.dumps({"key": missing[0], "decision": "pass1", "reason": "§N ..."})
                + " (list the conflicts with `eventcorpus adjudicate DIR --strategy majority --conflicts FILE`)."
            ),
        )
    known = set(keys)
    stray = [d for d in decisions.by_key.values() if d.key not in known]
    if stray:
        raise EventCorpusError(
            "E312",
            f"{len(stray)} decisions match no conflict: " + ", ".join(f"line {d.line} {d.key}" for d in stray),
            file=decisions.path,
            line=stray[0].line,
        )


@dataclass
class _Chosen:
    """What the decisions accept in one document."""

    entities: dict[EntityKey, str | None] = field(default_factory=dict)  # key -> deciding conflict key (or None)
    events: dict[EventKey, str | None] = field(default_factory=dict)
    arguments: dict[EventKey, dict[ArgKey, str | None]] = field(default_factory=lambda: defaultdict(dict))
    attributes: dict[EventKey, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))


def _edit_items(decision: Decision) -> list[dict[str, Any]]:
    return (decision.item or []) if decision.decision == EDIT else []


def _accepts(decision: Decision, support: Iterable[str]) -> bool:
    if decision.decision == BOTH:
        return True
    if decision.decision == NEITHER:
        return False
    return decision.decision in support


def _within(text: str, start: int, end: int, decision: Decision, file: str, what: str) -> None:
    if not 0 <= start < end <= len(text):
        raise EventCorpusError(
            "E314",
            f"{decision.key}: {what} {start}-{end} in a text of {len(text)} characters",
            file=file,
            line=decision.line,
            doc_id=decision.key.split(":")[0],
            offset=start,
            expected="0 <= start < end <= text length (code points)",
        )


def decide_document(
    document: Document,
    sets: dict[str, AnnotationSet],
    conflicts: list[dict[str, Any]],
    decisions: Decisions,
    meta: dict[str, Any],
) -> tuple[AnnotationSet, list[str]]:
    """Gold for one document: what every annotator agreed on, merged by the conflicts' decisions.

    Also returns the arguments left out because no gold entity stays on their filler's span.
    """
    found: Candidates = collect(sets)
    total = len(found.annotators)
    text = document.text
    file = decisions.path

    def agreed(support: set[str]) -> bool:
        return 2 * len(support) > total

    chosen = _Chosen()
    chosen.entities = {k: None for k, s in found.entities.items() if agreed(s)}
    chosen.events = {k: None for k, s in found.events.items() if agreed(s)}
    for key in chosen.events:
        chosen.arguments[key] = {a: None for a, s in found.arguments[key].items() if agreed(s)}
    by_layer: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for conflict in conflicts:
        by_layer[key_layer(conflict["key"]) or ""].append(conflict)

    def decision_for(conflict: dict[str, Any]) -> Decision:
        decision = decisions.by_key[conflict["key"]]
        if decision.decision not in (BOTH, NEITHER, EDIT, *conflict["annotators"]):
            raise EventCorpusError(
                "E316",
                f"{decision.key}: decision {decision.decision!r}",
                file=file,
                line=decision.line,
                doc_id=document.id,
                expected=f"one of {[*conflict['annotators'], BOTH, NEITHER, EDIT]}",
            )
        return decision

    for conflict in by_layer["entity"]:
        decision = decision_for(conflict)
        for version in conflict["versions"]:
            key = (version["start"], version["end"], version["label"])
            if decision.decision == EDIT:
                chosen.entities.pop(key, None)
            elif not version["in_gold"] and _accepts(decision, version["supported_by"]):
                chosen.entities[key] = decision.key
        for item in _edit_items(decision):
            _within(text, item["start"], item["end"], decision, file, f"entity {item['label']}")
            chosen.entities[item["start"], item["end"], item["label"]] = decision.key

    for conflict in by_layer["trigger"]:
        decision = decision_for(conflict)
        for version in conflict["versions"]:
            key = (version["start"], version["end"], version["type"])
            if decision.decision == EDIT:
                chosen.events.pop(key, None)
            elif not version["in_gold"] and _accepts(decision, version["supported_by"]):
                chosen.events[key] = decision.key
                own = decision.decision if decision.decision in version["supported_by"] else None
                chosen.arguments[key] = {
                    a: decision.key for a, s in found.arguments[key].items() if own is None or own in s
                }
                chosen.attributes[key] = {
                    name: value
                    for name, values in sorted(found.attributes[key].items())
                    for value, s in sorted(values.items())
                    if own is None or own in s
                }
        for item in _edit_items(decision):
            _within(text, item["start"], item["end"], decision, file, f"trigger {item['type']}")
            for argument in item.get("arguments", []):
                _within(text, argument["start"], argument["end"], decision, file, f"argument {argument['role']}")
            key = (item["start"], item["end"], item["type"])
            chosen.events[key] = decision.key
            chosen.arguments[key] = {(a["role"], a["start"], a["end"]): decision.key for a in item.get("arguments", [])}
            chosen.attributes[key] = dict(item.get("attributes", {}))

    for conflict in by_layer["argument"] + by_layer["orphan"]:
        decision = decision_for(conflict)
        event_key = (conflict["event"]["trigger"][0], conflict["event"]["trigger"][1], conflict["event"]["type"])
        if event_key not in chosen.events or chosen.events[event_key] is not None:
            continue  # the event itself was decided (or edited) away: its trigger conflict settles its arguments
        arguments = chosen.arguments[event_key]
        role_versions = [v for v in conflict["versions"] if "role" in v]
        for version in role_versions:
            arg_key = (version["role"], version["start"], version["end"])
            if decision.decision == EDIT:
                arguments.pop(arg_key, None)
            elif conflict["kind"] == "orphan_argument":
                if not _accepts(decision, version["supported_by"]):
                    arguments.pop(arg_key, None)
            elif not version["in_gold"] and _accepts(decision, version["supported_by"]):
                arguments[arg_key] = decision.key
        for item in _edit_items(decision):
            _within(text, item["start"], item["end"], decision, file, f"argument {item['role']}")
            arguments[item["role"], item["start"], item["end"]] = decision.key

    attribute_decisions = {}
    for conflict in by_layer["attribute"]:
        decision = decision_for(conflict)
        event_key = (conflict["event"]["trigger"][0], conflict["event"]["trigger"][1], conflict["event"]["type"])
        name = conflict["attribute"]
        if decision.decision == EDIT:
            value = decision.item[0]["value"] if decision.item else None
        else:
            values = sorted({v["value"] for v in conflict["versions"] if _accepts(decision, v["supported_by"])})
            if len(values) > 1:
                raise EventCorpusError(
                    "E316",
                    f"{decision.key}: {decision.decision!r} accepts the values {values} of one attribute",
                    file=file,
                    line=decision.line,
                    doc_id=document.id,
                    expected="one annotator's name, neither, or edit with one value",
                )
            value = values[0] if values else None
        attribute_decisions[event_key, name] = value

    return _assemble(document, found, chosen, attribute_decisions, meta, file)


def _assemble(
    document: Document,
    found: Candidates,
    chosen: _Chosen,
    attribute_decisions: dict[tuple[EventKey, str], str | None],
    meta: dict[str, Any],
    file: str,
) -> tuple[AnnotationSet, list[str]]:
    total = len(found.annotators)
    entities = []
    for index, (key, decided) in enumerate(sorted(chosen.entities.items())):
        entity_meta: dict[str, Any] = {"supported_by": sorted(found.entities.get(key, set()))}
        if decided:
            entity_meta["decision"] = decided
        entities.append(Entity(f"T{index + 1}", key[0], key[1], key[2], entity_meta))
    by_span: dict[tuple[int, int], list[Entity]] = defaultdict(list)
    for entity in entities:
        by_span[entity.start, entity.end].append(entity)

    events: list[Event] = []
    orphaned: list[str] = []
    for index, (key, decided) in enumerate(sorted(chosen.events.items())):
        arguments: list[Argument] = []
        argument_support: list[list[str]] = []
        for arg_key, arg_decided in sorted(chosen.arguments[key].items()):
            role, s, e = arg_key
            fillers = by_span.get((s, e), [])
            if not fillers:
                orphaned.append(
                    f"{document.id}: {key[2]} '{document.text[key[0] : key[1]]}' ({key[0]}-{key[1]}) {role} "
                    f"'{document.text[s:e]}' ({s}-{e})" + (f" [decided by {arg_decided}]" if arg_decided else "")
                )
                continue
            labels = found.filler_labels.get((key, arg_key), Counter())
            filler = min(fillers, key=lambda x: (-labels[x.label], x.label))
            arguments.append(Argument(role, filler.id))
            argument_support.append(sorted(found.arguments[key].get(arg_key, set())))
        attributes: dict[str, str] = {}
        if decided is None:
            supporters = found.events[key]
            for name, values in sorted(found.attributes[key].items()):
                if (key, name) in attribute_decisions:
                    value = attribute_decisions[key, name]
                    if value is not None:
                        attributes[name] = value
                    continue
                value, support = sorted(values.items(), key=lambda item: (-len(item[1]), item[0]))[0]
                if 2 * len(support) > len(supporters):
                    attributes[name] = value
        else:
            attributes = dict(chosen.attributes[key])
        event_meta: dict[str, Any] = {
            "supported_by": sorted(found.events.get(key, set())),
            "arguments_supported_by": argument_support,
        }
        if decided:
            event_meta["decision"] = decided
        events.append(Event(f"E{index + 1}", key[2], Trigger(key[0], key[1]), arguments, attributes, event_meta))
    set_meta = dict(meta)
    if total == 1:
        set_meta["single_annotator"] = True
    gold = AnnotationSet(document.id, GOLD, entities, events, set_meta)
    gold.check(document.text, file=file)
    return gold, orphaned


def adjudicate_with_decisions(data: AnnotatorSets, decisions: Decisions) -> Adjudication:
    """Gold for every annotated document of ``data``: the passes merged by ``decisions``.

    The conflicts are those of majority adjudication (each with its ``key``); every one
    needs exactly one decision (E311) and every decision a conflict (E312). An argument
    left without a filler entity by the decisions raises E315, listing them all.
    """
    majority = adjudicate(data, "majority")
    check_coverage(decisions, majority.conflicts)
    by_doc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for conflict in majority.conflicts:
        by_doc[conflict["doc_id"]].append(conflict)
    counts = decisions.counts()
    gold: list[Record] = []
    orphaned: list[str] = []
    for doc_id in sorted(data.sets):
        document = data.documents[doc_id]
        meta = {
            "adjudication": {
                "strategy": DECISIONS,
                "annotators": sorted(data.sets[doc_id]),
                "decisions_file": Path(decisions.path).name,
                "decisions_sha256": decisions.sha256,
                "decisions": counts,
                "conflicts_decided_here": len(by_doc[doc_id]),
            }
        }
        one, lost = decide_document(document, data.sets[doc_id], by_doc[doc_id], decisions, meta)
        gold.append(Record(document, one))
        orphaned += lost
    if orphaned:
        raise EventCorpusError(
            "E315",
            f"{len(orphaned)} arguments point at a span whose entity was decided away: " + "; ".join(orphaned),
            file=decisions.path,
            fix="Decide the filler's entity conflict so an entity stays on that span, or decide the argument away.",
        )
    return Adjudication(
        DECISIONS,
        gold,
        majority.conflicts,
        majority.review,
        majority.unannotated_documents,
        decisions={"file": decisions.path, "sha256": decisions.sha256, "counts": counts},
    )
