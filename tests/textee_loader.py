"""The key access of TextEE's four loaders (ej0cl6/TextEE ``TextEE/utils.py``), re-stated.

TextEE reads a unified JSON Lines file with ``load_E2E_data``, ``load_ED_data``,
``load_EAE_data`` and ``load_EARL_data``. Each indexes the same keys with ``[]`` (a missing
key is a KeyError there, and here): per line ``doc_id``, ``wnd_id``, ``tokens``, ``text``,
``entity_mentions`` and ``event_mentions``; per event mention ``event_type`` and
``trigger`` (``start``, ``end``, ``text``) and ``arguments`` (``entity_id``, ``role``,
``text``), the argument's token span taken from the entity mention its ``entity_id`` names
(``id``, ``start``, ``end``; EARL also reads the ``text`` of every entity mention). The
tuples built here are what TextEE's trainers receive.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

Span = tuple[int, int, str, str]


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _trigger(mention: dict[str, Any]) -> Span:
    trigger = mention["trigger"]
    return (trigger["start"], trigger["end"], mention["event_type"], trigger["text"])


def _arguments(mention: dict[str, Any], entity_of: dict[str, dict[str, Any]]) -> list[Span]:
    found = []
    for argument in mention["arguments"]:
        entity = entity_of[argument["entity_id"]]
        found.append((entity["start"], entity["end"], argument["role"], argument["text"]))
    return sorted(found, key=lambda a: (a[0], a[1]))


def _base(line: dict[str, Any]) -> dict[str, Any]:
    return {"doc_id": line["doc_id"], "wnd_id": line["wnd_id"], "tokens": line["tokens"], "text": line["text"]}


def load_e2e(path: Path) -> list[dict[str, Any]]:
    """One instance per window: its events as (trigger, arguments)."""
    out = []
    for line in _lines(path):
        entity_of = {entity["id"]: entity for entity in line["entity_mentions"]}
        mentions = sorted(line["event_mentions"], key=lambda m: m["trigger"]["start"])
        events = [{"trigger": _trigger(m), "arguments": _arguments(m, entity_of)} for m in mentions]
        out.append({**_base(line), "events": sorted(events, key=lambda e: e["trigger"][:2])})
    return out


def load_ed(path: Path) -> list[dict[str, Any]]:
    """One instance per window: its triggers."""
    return [
        {**_base(line), "triggers": sorted((_trigger(m) for m in line["event_mentions"]), key=lambda t: t[:2])}
        for line in _lines(path)
    ]


def load_eae(path: Path) -> list[dict[str, Any]]:
    """One instance per event mention: its trigger and arguments."""
    out = []
    for line in _lines(path):
        entity_of = {entity["id"]: entity for entity in line["entity_mentions"]}
        for mention in sorted(line["event_mentions"], key=lambda m: m["trigger"]["start"]):
            out.append({**_base(line), "trigger": _trigger(mention), "arguments": _arguments(mention, entity_of)})
    return out


def load_earl(path: Path) -> list[dict[str, Any]]:
    """EAE plus every entity mention that fills no role (role None)."""
    out = []
    for line in _lines(path):
        entity_of = {entity["id"]: entity for entity in line["entity_mentions"]}
        for mention in sorted(line["event_mentions"], key=lambda m: m["trigger"]["start"]):
            arguments = _arguments(mention, entity_of)
            filled = {(a[0], a[1]) for a in arguments}
            arguments += [
                (e["start"], e["end"], None, e["text"])  # type: ignore[misc]
                for e in line["entity_mentions"]
                if (e["start"], e["end"]) not in filled
            ]
            out.append({**_base(line), "trigger": _trigger(mention), "arguments": arguments})
    return out
