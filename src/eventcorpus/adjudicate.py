"""Merge several annotators' sets into gold, with every decision traceable.

Candidates are keyed by what they say: an entity by (start, end, label), an event by its
trigger (start, end, type), an argument of an event by (role, filler start, filler end).
An annotator supports a candidate when their set holds it. Strategies:

- ``majority``: a candidate enters gold when more than half of the document's annotators
  support it; exactly half is a tie, listed as a conflict and not guessed.
- ``union``: every candidate enters gold (for recall-oriented passes). Where annotators
  gave one argument span different entity labels, the argument points at the gold entity
  whose label most of its supporters used (ties: label name order).
- ``prefer:NAME``: NAME's version of each document NAME labelled, the majority elsewhere.
- ``decisions`` (with a decisions file): what every annotator agreed on, plus what a
  recorded decision per conflict accepts (:mod:`eventcorpus.decisions`).

Arguments in gold point at gold entities; an argument accepted by the vote whose filler
entity did not enter gold is an ``orphan_argument`` conflict. Candidates left out are
grouped by overlapping spans into conflicts: ``tie`` (some version had exactly half),
``no_majority`` (no gold item overlaps the region), ``outvoted`` (a gold version exists),
``not_preferred`` (prefer:NAME left another annotator's version out).
Each conflict has a stable ``key`` (:func:`conflict_key`) and lists all versions with their supporters, the annotators who marked nothing
there, and the text in context. Single-annotator documents pass through (every item of
theirs is accepted), marked ``meta["single_annotator"] = True``. Gold ids are regenerated
in offset order (T1.., E1..); items record ``meta["supported_by"]``, events also
``meta["arguments_supported_by"]`` (one list per argument, in order).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eventcorpus.agreement import AnnotatorSets, read_annotator_sets
from eventcorpus.corpus import backup_existing, write_json_lines, write_records
from eventcorpus.errors import EventCorpusError
from eventcorpus.records import AnnotationSet, Argument, Document, Entity, Event, Record, Trigger
from eventcorpus.scoring import context

GOLD = "gold"
DECISIONS = "decisions"
REVIEW = "review-candidates"
EntityKey = tuple[int, int, str]  # start, end, label
EventKey = tuple[int, int, str]  # trigger start, end, type
ArgKey = tuple[str, int, int]  # role, filler start, filler end


@dataclass(frozen=True)
class Strategy:
    name: str  # majority, union, prefer
    preferred: str | None = None

    def __str__(self) -> str:
        return f"prefer:{self.preferred}" if self.name == "prefer" else self.name


def parse_strategy(text: str) -> Strategy:
    """``majority``, ``union`` or ``prefer:NAME`` (E305 otherwise)."""
    if text in ("majority", "union"):
        return Strategy(text)
    if text.startswith("prefer:") and text[len("prefer:") :]:
        return Strategy("prefer", text[len("prefer:") :])
    raise EventCorpusError("E305", f"strategy {text!r}", expected="majority, union or prefer:NAME")


@dataclass
class Candidates:
    """Who supports what in one document."""

    annotators: list[str]
    entities: dict[EntityKey, set[str]] = field(default_factory=lambda: defaultdict(set))
    events: dict[EventKey, set[str]] = field(default_factory=lambda: defaultdict(set))
    arguments: dict[EventKey, dict[ArgKey, set[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(set))
    )
    filler_labels: dict[tuple[EventKey, ArgKey], Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    attributes: dict[EventKey, dict[str, dict[str, set[str]]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(lambda: defaultdict(set)))
    )


def collect(sets: dict[str, AnnotationSet]) -> Candidates:
    """Gather every annotator's entities, events, arguments and attributes as keyed candidates."""
    found = Candidates(sorted(sets))
    for annotator, one_set in sets.items():
        entities = one_set.entity_by_id()
        for entity in one_set.entities:
            found.entities[entity.start, entity.end, entity.label].add(annotator)
        for event in one_set.events:
            key = (event.trigger.start, event.trigger.end, event.type)
            found.events[key].add(annotator)
            for name, value in event.attributes.items():
                found.attributes[key][name][value].add(annotator)
            for argument in event.arguments:
                filler = entities[argument.entity_id]
                arg_key = (argument.role, filler.start, filler.end)
                if annotator not in found.arguments[key][arg_key]:
                    found.filler_labels[key, arg_key][filler.label] += 1
                found.arguments[key][arg_key].add(annotator)
    return found


def conflict_key(conflict: dict[str, Any]) -> str:
    """The stable key of one conflict of majority adjudication."""
    doc, start, end = conflict["doc_id"], conflict["start"], conflict["end"]
    layer = conflict["layer"]
    if layer in ("entity", "trigger"):
        return f"{doc}:{layer}:{start}-{end}"
    event = conflict["event"]
    trigger = f"{event['trigger'][0]}-{event['trigger'][1]}:{event['type']}"
    if conflict["kind"] == "orphan_argument":
        return f"{doc}:orphan:{trigger}:{start}-{end}"
    if layer == "argument":
        return f"{doc}:argument:{trigger}:{start}-{end}"
    return f"{doc}:attribute:{trigger}:{conflict['attribute']}"


def _accepted(support: set[str], total: int, strategy: Strategy, preferred_here: bool) -> bool:
    if preferred_here:
        return strategy.preferred in support
    if strategy.name == "union":
        return True
    return 2 * len(support) > total


def _is_tie(support: set[str], total: int, strategy: Strategy, preferred_here: bool) -> bool:
    return not preferred_here and strategy.name != "union" and 2 * len(support) == total


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _groups(spans: list[tuple[int, int]]) -> list[list[int]]:
    """Indices of ``spans`` grouped into connected runs of overlapping spans."""
    order = sorted(range(len(spans)), key=lambda i: spans[i])
    groups: list[list[int]] = []
    end = -1
    for i in order:
        if groups and spans[i][0] < end:
            groups[-1].append(i)
            end = max(end, spans[i][1])
        else:
            groups.append([i])
            end = spans[i][1]
    return groups


@dataclass
class DocumentResult:
    gold: AnnotationSet
    conflicts: list[dict[str, Any]]
    review: AnnotationSet | None


def adjudicate_document(document: Document, sets: dict[str, AnnotationSet], strategy: Strategy) -> DocumentResult:
    """Gold, conflicts and (if there are conflicts) review candidates for one document."""
    found = collect(sets)
    total = len(found.annotators)
    preferred_here = strategy.name == "prefer" and strategy.preferred in sets
    text = document.text

    def accept(support: set[str]) -> bool:
        return _accepted(support, total, strategy, preferred_here)

    gold_entity_keys = sorted(k for k, s in found.entities.items() if accept(s))
    entities = [
        Entity(f"T{i + 1}", s, e, label, {"supported_by": sorted(found.entities[s, e, label])})
        for i, (s, e, label) in enumerate(gold_entity_keys)
    ]
    by_span: dict[tuple[int, int], list[Entity]] = defaultdict(list)
    for entity in entities:
        by_span[entity.start, entity.end].append(entity)

    conflicts: list[dict[str, Any]] = []
    base = {"doc_id": document.id, "annotators": found.annotators, "strategy": str(strategy)}

    def version(start: int, end: int, support: set[str], accepted: bool, **extra: Any) -> dict[str, Any]:
        return {
            "start": start,
            "end": end,
            "text": text[start:end],
            **extra,
            "supported_by": sorted(support),
            "in_gold": accepted,
        }

    def region_conflicts(layer: str, items: dict[Any, set[str]], span_of: Any, describe: Any, **extra: Any) -> None:
        keys = list(items)
        rejected = [k for k in keys if not accept(items[k])]
        for group in _groups([span_of(k) for k in rejected]):
            members = [rejected[i] for i in group]
            start = min(span_of(k)[0] for k in members)
            end = max(span_of(k)[1] for k in members)
            near = sorted((k for k in keys if _overlaps(span_of(k), (start, end))), key=lambda k: (span_of(k), str(k)))
            gold_near = [k for k in near if accept(items[k])]
            if preferred_here:
                kind = "not_preferred"
            elif any(_is_tie(items[k], total, strategy, preferred_here) for k in members):
                kind = "tie"
            else:
                kind = "outvoted" if gold_near else "no_majority"
            speakers = set().union(*(items[k] for k in near))
            conflicts.append(
                {
                    **base,
                    "kind": kind,
                    "layer": layer,
                    "start": start,
                    "end": end,
                    "text": text[start:end],
                    "context": context(text, start, end),
                    **extra,
                    "versions": [
                        version(span_of(k)[0], span_of(k)[1], items[k], accept(items[k]), **describe(k)) for k in near
                    ],
                    "silent": sorted(set(found.annotators) - speakers),
                }
            )

    region_conflicts("entity", found.entities, lambda k: (k[0], k[1]), lambda k: {"label": k[2]})

    def event_versions(key: EventKey) -> dict[str, Any]:
        arguments = [
            {"role": role, "start": s, "end": e, "text": text[s:e], "supported_by": sorted(support)}
            for (role, s, e), support in sorted(found.arguments[key].items())
        ]
        return {"type": key[2], "arguments": arguments}

    region_conflicts("trigger", found.events, lambda k: (k[0], k[1]), event_versions)

    events: list[Event] = []
    for index, key in enumerate(sorted(k for k, s in found.events.items() if accept(s))):
        start, end, event_type = key
        trigger_info = {"event": {"type": event_type, "trigger": [start, end], "trigger_text": text[start:end]}}
        arguments: list[Argument] = []
        argument_support: list[list[str]] = []
        for arg_key in sorted(found.arguments[key]):
            support = found.arguments[key][arg_key]
            if not accept(support):
                continue
            role, s, e = arg_key
            fillers = by_span.get((s, e), [])
            if not fillers:
                conflicts.append(
                    {
                        **base,
                        "kind": "orphan_argument",
                        "layer": "argument",
                        "start": s,
                        "end": e,
                        "text": text[s:e],
                        "context": context(text, s, e),
                        **trigger_info,
                        "versions": [
                            version(s, e, found.arguments[key][arg_key], False, role=role),
                            *(
                                version(es, ee, sup, False, label=label)
                                for (es, ee, label), sup in sorted(found.entities.items())
                                if (es, ee) == (s, e)
                            ),
                        ],
                        "silent": sorted(set(found.annotators) - support),
                    }
                )
                continue
            labels = found.filler_labels[key, arg_key]
            filler = min(fillers, key=lambda x: (-labels[x.label], x.label))
            arguments.append(Argument(role, filler.id))
            argument_support.append(sorted(support))
        region_conflicts(
            "argument",
            found.arguments[key],
            lambda k: (k[1], k[2]),
            lambda k: {"role": k[0]},
            **trigger_info,
        )
        attributes: dict[str, str] = {}
        supporters = found.events[key]
        for name, values in sorted(found.attributes[key].items()):
            ranked = sorted(values.items(), key=lambda item: (-len(item[1]), item[0]))
            value, support = ranked[0]
            if preferred_here and strategy.preferred in supporters:
                chosen = [v for v, s in values.items() if strategy.preferred in s]
                if chosen:
                    attributes[name] = chosen[0]
                continue
            if 2 * len(support) > len(supporters):
                attributes[name] = value
            else:
                conflicts.append(
                    {
                        **base,
                        "kind": "attribute_tie",
                        "layer": "attribute",
                        "start": start,
                        "end": end,
                        "text": text[start:end],
                        "context": context(text, start, end),
                        **trigger_info,
                        "attribute": name,
                        "versions": [{"value": v, "supported_by": sorted(s)} for v, s in sorted(values.items())],
                        "silent": sorted(supporters - set().union(*values.values())),
                    }
                )
        events.append(
            Event(
                f"E{index + 1}",
                event_type,
                Trigger(start, end),
                arguments,
                attributes,
                {"supported_by": sorted(supporters), "arguments_supported_by": argument_support},
            )
        )

    conflicts = [{"key": conflict_key(c), **c} for c in conflicts]
    meta: dict[str, Any] = {"adjudication": {"strategy": str(strategy), "annotators": found.annotators}}
    if total == 1:
        meta["single_annotator"] = True
    gold = AnnotationSet(document.id, GOLD, entities, events, meta)
    gold.check(text)
    review = review_candidates(document, found) if conflicts else None
    return DocumentResult(gold, conflicts, review)


def review_candidates(document: Document, found: Candidates) -> AnnotationSet:
    """One set with every candidate span, event and argument, for a reviewer to settle in doccano."""
    keys = sorted(found.entities)
    entities = [
        Entity(f"T{i + 1}", s, e, label, {"supported_by": sorted(found.entities[s, e, label])})
        for i, (s, e, label) in enumerate(keys)
    ]
    by_span: dict[tuple[int, int], list[Entity]] = defaultdict(list)
    for entity in entities:
        by_span[entity.start, entity.end].append(entity)
    events = []
    for index, key in enumerate(sorted(found.events)):
        arguments = []
        for arg_key in sorted(found.arguments[key]):
            role, s, e = arg_key
            labels = found.filler_labels[key, arg_key]
            filler = min(by_span[s, e], key=lambda x: (-labels[x.label], x.label))
            arguments.append(Argument(role, filler.id))
        events.append(
            Event(
                f"E{index + 1}",
                key[2],
                Trigger(key[0], key[1]),
                arguments,
                {},
                {"supported_by": sorted(found.events[key])},
            )
        )
    review = AnnotationSet(document.id, REVIEW, entities, events, {"annotators": found.annotators})
    review.check(document.text)
    return review


@dataclass
class Adjudication:
    """Gold records, conflicts and review records of one adjudication round."""

    strategy: str
    gold: list[Record]
    conflicts: list[dict[str, Any]]
    review: list[Record]
    unannotated_documents: int = 0
    decisions: dict[str, Any] | None = None  # file, sha256, counts (strategy "decisions")

    def summary(self) -> dict[str, Any]:
        return {
            "strategy": self.strategy,
            "documents": len(self.gold),
            "single_annotator_documents": sum(1 for r in self.gold if r.annotations.meta.get("single_annotator")),
            "unannotated_documents": self.unannotated_documents,
            "entities": sum(len(r.annotations.entities) for r in self.gold),
            "events": sum(len(r.annotations.events) for r in self.gold),
            "arguments": sum(len(e.arguments) for r in self.gold for e in r.annotations.events),
            "conflicts": dict(sorted(Counter(c["kind"] for c in self.conflicts).items())),
            "documents_to_review": len(self.review),
            **({"decisions": self.decisions} if self.decisions is not None else {}),
        }


def adjudicate(data: AnnotatorSets, strategy: Strategy | str = "majority") -> Adjudication:
    """Adjudicate every annotated document of ``data`` (in document id order)."""
    chosen = parse_strategy(strategy) if isinstance(strategy, str) else strategy
    if chosen.name == "prefer" and chosen.preferred not in data.annotators:
        raise EventCorpusError(
            "E307",
            f"annotator {chosen.preferred!r} labelled no document",
            expected=f"one of {', '.join(data.annotators)}",
        )
    gold, conflicts, review = [], [], []
    for doc_id in sorted(data.sets):
        document = data.documents[doc_id]
        result = adjudicate_document(document, data.sets[doc_id], chosen)
        gold.append(Record(document, result.gold))
        conflicts.extend(result.conflicts)
        if result.review is not None:
            review.append(Record(document, result.review))
    return Adjudication(str(chosen), gold, conflicts, review, len(data.documents) - len(data.sets))


def adjudicate_folder(
    directory: str | Path,
    out: str | Path,
    *,
    strategy: str = "majority",
    conflicts_path: str | Path | None = None,
    review_path: str | Path | None = None,
    decisions_path: str | Path | None = None,
) -> tuple[Adjudication, Path | None]:
    """Adjudicate a folder of annotators' files into ``out`` (an existing file is backed up first).

    With ``decisions_path`` (or strategy ``decisions``, which needs it) the gold is the
    annotators merged by that decisions file (:mod:`eventcorpus.decisions`).

    Returns the round and the backup's path (None when ``out`` did not exist).
    """
    root = Path(directory).resolve()
    for output in (out, conflicts_path, review_path):
        if output is not None and Path(output).suffix == ".jsonl" and Path(output).resolve().is_relative_to(root):
            raise EventCorpusError(
                "E309", f"{output} is inside {directory}: the next run would read it as an annotator", file=str(output)
            )
    if strategy == DECISIONS or decisions_path is not None:
        from eventcorpus.decisions import adjudicate_with_decisions, read_decisions

        if decisions_path is None:
            raise EventCorpusError("E305", "strategy decisions without a decisions file", expected="--decisions FILE")
        result = adjudicate_with_decisions(read_annotator_sets(directory), read_decisions(decisions_path))
    else:
        result = adjudicate(read_annotator_sets(directory), strategy)
    backup = backup_existing(out)
    write_records(out, result.gold)
    if conflicts_path is not None:
        backup_existing(conflicts_path)
        write_json_lines(conflicts_path, result.conflicts)
    if review_path is not None:
        backup_existing(review_path)
        write_records(review_path, result.review)
    return result, backup
