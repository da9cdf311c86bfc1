"""Measure the v0.1 audit's counts on a canonical file (a pass or the gold).

    python scripts/audit_counts.py build/gold.jsonl [--json]

Counts, per annotator in the file (gold files have one, ``gold``):

- **strike round-ups** (CENTCOM documents; a sentence with the word "strike(s)" and a
  result verb): each result verb (destroyed, damaged, engaged, suppressed), how often it
  occurs there and how often it is annotated as a trigger; the Targets attached to the
  "strike(s)" events of those sentences; and the same verbs in CENTCOM sentences without
  "strike(s)" (narrative, where they stay triggers) (guidelines 12.1);
- **abstract Attack triggers** by lemma (operation, defeat, fight, campaign, conflict, war,
  violence), their share of all Conflict:Attack events, and how many are marked
  ``genericity: generic`` (guidelines 12.2);
- **events without arguments**; the **share of events with a Time** argument and with a
  **place role** (Place, Origin, Destination);
- the audit's **type errors** (guidelines 12.3): Justice:Arrest-Jail on "hold/held/holding",
  Contact:Meet on "cross", Transaction:Transfer-Money on "rate" or "hire".
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from eventcorpus.corpus import read_records
from eventcorpus.errors import EventCorpusError
from eventcorpus.records import Record
from eventcorpus.tokens import sentences

ATTACK = "Conflict:Attack"
RESULT_VERBS = ("destroyed", "damaged", "engaged", "suppressed")
STRIKE = re.compile(r"^strikes?$", re.IGNORECASE)
ABSTRACT_LEMMAS = {
    "operation": "operation",
    "operations": "operation",
    "defeat": "defeat",
    "defeating": "defeat",
    "defeated": "defeat",
    "fight": "fight",
    "fights": "fight",
    "fighting": "fight",
    "campaign": "campaign",
    "campaigns": "campaign",
    "conflict": "conflict",
    "conflicts": "conflict",
    "war": "war",
    "wars": "war",
    "violence": "violence",
}
PLACE_ROLES = ("Place", "Origin", "Destination")
TYPE_ERRORS = {
    "Arrest-Jail on hold/held/holding (captives)": ("Justice:Arrest-Jail", re.compile(r"\b(hold|holding|held)\b")),
    "Contact:Meet on cross (paths will cross)": ("Contact:Meet", re.compile(r"\bcross")),
    "Transfer-Money on rate/hire": ("Transaction:Transfer-Money", re.compile(r"\b(rate|hire|hired|hiring)\b")),
}


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def audit(records: Iterable[Record]) -> dict[str, dict[str, Any]]:
    """The audit's counts per annotator of ``records``."""
    found: dict[str, dict[str, Any]] = {}
    for record in records:
        annotator = record.annotations.annotator
        counts = found.setdefault(
            annotator,
            {
                "documents": 0,
                "events": 0,
                "roundup_sentences": 0,
                "roundup_verbs": {v: {"occurrences": 0, "annotated": 0} for v in RESULT_VERBS},
                "narrative_verbs": {v: {"occurrences": 0, "annotated": 0} for v in RESULT_VERBS},
                "roundup_strike_events": 0,
                "roundup_strike_targets": 0,
                "attack_events": 0,
                "abstract_attack": defaultdict(int),
                "abstract_attack_generic": 0,
                "events_without_arguments": 0,
                "events_with_time": 0,
                "events_with_place": 0,
                "type_errors": {name: [] for name in TYPE_ERRORS},
            },
        )
        text = record.document.text
        annotations = record.annotations
        entities = annotations.entity_by_id()
        counts["documents"] += 1
        triggers = [(e.trigger.start, e.trigger.end) for e in annotations.events]
        for event in annotations.events:
            counts["events"] += 1
            roles = [a.role for a in event.arguments]
            counts["events_without_arguments"] += not roles
            counts["events_with_time"] += "Time" in roles
            counts["events_with_place"] += any(r in PLACE_ROLES for r in roles)
            word = text[event.trigger.start : event.trigger.end].lower()
            if event.type == ATTACK:
                counts["attack_events"] += 1
                lemma = ABSTRACT_LEMMAS.get(word)
                if lemma:
                    counts["abstract_attack"][lemma] += 1
                    counts["abstract_attack_generic"] += event.attributes.get("genericity") == "generic"
            for name, (event_type, pattern) in TYPE_ERRORS.items():
                if event.type == event_type and pattern.search(word):
                    counts["type_errors"][name].append(f"{record.id}:{event.trigger.start} {word!r}")
        if "centcom" not in (record.document.source or "").lower():
            continue
        for sentence in sentences(text):
            words = [t.text.lower() for t in sentence]
            if not any(v in words for v in RESULT_VERBS):
                continue
            roundup = any(STRIKE.match(w) for w in words)
            table = counts["roundup_verbs" if roundup else "narrative_verbs"]
            for token in sentence:
                verb = token.text.lower()
                if verb in RESULT_VERBS:
                    table[verb]["occurrences"] += 1
                    table[verb]["annotated"] += any(s < token.end and token.start < e for s, e in triggers)
            if not roundup:
                continue
            counts["roundup_sentences"] += 1
            start, end = sentence[0].start, sentence[-1].end
            for event in annotations.events:
                if start <= event.trigger.start < end and STRIKE.match(text[event.trigger.start : event.trigger.end]):
                    counts["roundup_strike_events"] += 1
                    counts["roundup_strike_targets"] += sum(
                        1 for a in event.arguments if a.role == "Target" and a.entity_id in entities
                    )
    for counts in found.values():
        abstract = dict(sorted(counts["abstract_attack"].items(), key=lambda item: (-item[1], item[0])))
        counts["abstract_attack"] = abstract
        counts["abstract_attack_total"] = sum(abstract.values())
        counts["abstract_attack_share_pct"] = _pct(counts["abstract_attack_total"], counts["attack_events"])
        counts["events_with_time_pct"] = _pct(counts["events_with_time"], counts["events"])
        counts["events_with_place_pct"] = _pct(counts["events_with_place"], counts["events"])
    return found


def render(found: dict[str, dict[str, Any]], source: str) -> str:
    lines = []
    for annotator, c in sorted(found.items()):
        verbs = ", ".join(f"{v} {d['annotated']}/{d['occurrences']}" for v, d in c["roundup_verbs"].items())
        narrative = ", ".join(f"{v} {d['annotated']}/{d['occurrences']}" for v, d in c["narrative_verbs"].items())
        abstract = ", ".join(f"{lemma} {n}" for lemma, n in c["abstract_attack"].items())
        lines += [
            f"{source} — annotator {annotator}: {c['documents']} documents, {c['events']} events",
            f"  strike round-ups: {c['roundup_sentences']} sentences; result verbs annotated/occurring: {verbs}; "
            f"{c['roundup_strike_events']} strike(s) events with {c['roundup_strike_targets']} Targets",
            f"  CENTCOM sentences with a result verb but no strike(s) (narrative): annotated/occurring: {narrative}",
            f"  abstract Attack triggers: {c['abstract_attack_total']} of {c['attack_events']} Attack events "
            f"({c['abstract_attack_share_pct']} %): {abstract or 'none'}; marked generic: {c['abstract_attack_generic']}",
            f"  events without arguments: {c['events_without_arguments']}; with Time: {c['events_with_time']} "
            f"({c['events_with_time_pct']} %); with a place role: {c['events_with_place']} ({c['events_with_place_pct']} %)",
        ]
        for name, hits in c["type_errors"].items():
            lines.append(f"  type error {name}: {len(hits)}" + (f" ({'; '.join(hits)})" if hits else ""))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, help="canonical JSONL (a pass or the gold)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    try:
        found = audit(read_records(args.file))
    except EventCorpusError as exc:
        print(exc.render(), file=sys.stderr)
        return exc.exit_code
    print(json.dumps(found, indent=2, ensure_ascii=False) if args.json else render(found, str(args.file)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
