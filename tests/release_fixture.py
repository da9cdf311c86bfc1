"""A small corpus with mixed licences (and a CEMO-like report) for the export and publish tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from eventcorpus.corpus import write_json, write_records
from eventcorpus.records import AnnotationSet, Argument, Document, Entity, Event, Record, Trigger, document_id
from eventcorpus.split import assignments_checksum

EntitySpec = tuple[str, str]  # (surface text, label); the first occurrence is meant
EventSpec = tuple[str, str, list[tuple[str, int]]]  # (trigger text, type, [(role, entity index)])


def make_record(
    text: str,
    *,
    source: str,
    licence: str,
    entities: list[EntitySpec],
    events: list[EventSpec],
    annotator: str = "gold",
    meta: dict[str, Any] | None = None,
) -> Record:
    doc_id = document_id(text)
    spans = []
    for number, (surface, label) in enumerate(entities):
        start = text.index(surface)
        spans.append(Entity(f"T{number}", start, start + len(surface), label))
    made = []
    for number, (trigger, event_type, arguments) in enumerate(events):
        start = text.index(trigger)
        made.append(
            Event(
                f"E{number}",
                event_type,
                Trigger(start, start + len(trigger)),
                [Argument(role, f"T{index}") for role, index in arguments],
            )
        )
    document = Document(
        id=doc_id,
        text=text,
        title=text.split(".")[0],
        source=source,
        licence=licence,
        attribution=f"{source}, via the test fixture",
        meta=dict(meta or {}),
    )
    annotations = AnnotationSet(doc_id, annotator, spans, made)
    annotations.check(text)
    return Record(document, annotations)


def fixture_records() -> dict[str, Record]:
    """Named records: five publishable, one non-commercial, one EEAS, one CEMO-like, one unknown."""
    return {
        "centcom": make_record(
            "Coalition aircraft struck an ISIS weapons depot near Raqqa on Monday. "
            "Two fighters were killed in the strike.",
            source="CENTCOM",
            licence="public-domain-us-gov",
            entities=[
                ("Coalition", "ORG"),
                ("aircraft", "VEH"),
                ("ISIS weapons depot", "FAC"),
                ("ISIS", "ORG"),
                ("Raqqa", "GPE"),
                ("Monday", "TIME"),
                ("fighters", "PER"),
            ],
            events=[
                (
                    "struck",
                    "Conflict:Attack",
                    [("Attacker", 0), ("Instrument", 1), ("Target", 2), ("Place", 4), ("Time", 5)],
                ),
                ("killed", "Life:Die", [("Victim", 6)]),
            ],
            meta={"re3d_id": "A1", "re3d_folder": "CENTCOM"},
        ),
        "ukgov": make_record(
            "The Foreign Secretary condemned the attack on civilians in Aleppo.",
            source="UK Government",
            licence="OGL-UK-3.0",
            entities=[("Foreign Secretary", "PER"), ("civilians", "PER"), ("Aleppo", "GPE")],
            events=[("attack", "Conflict:Attack", [("Target", 1), ("Place", 2)])],
        ),
        "wikipedia": make_record(
            "Protesters gathered in Baghdad on Friday. Police arrested twelve demonstrators.",
            source="Wikipedia",
            licence="CC-BY-SA-3.0",
            entities=[("Protesters", "PER"), ("Baghdad", "GPE"), ("Friday", "TIME"), ("demonstrators", "PER")],
            events=[("gathered", "Conflict:Demonstrate", []), ("arrested", "Justice:Arrest-Jail", [])],
        ),
        "bbc": make_record(
            "A car bomb exploded in Mosul, injuring five people.",
            source="BBC Online",
            licence="CC-BY-NC-3.0",
            entities=[("car bomb", "WEA"), ("Mosul", "GPE"), ("five people", "PER")],
            events=[
                ("exploded", "Conflict:Attack", [("Instrument", 0), ("Place", 1)]),
                ("injuring", "Life:Injure", []),
            ],
        ),
        "eeas": make_record(
            "The EU delegation met officials in Damascus.",
            source="Delegation of the European Union to Syria",
            licence="EEAS-legal-notice",
            entities=[("EU delegation", "ORG"), ("officials", "PER"), ("Damascus", "GPE")],
            events=[("met", "Contact:Meet", [])],
        ),
        "cemo": make_record(
            "Rockets and indirect fire struck bases housing U.S. forces in Syria and Iraq.",
            source="The Reference",
            licence="unknown",
            entities=[("Rockets", "WEA"), ("bases", "FAC"), ("U.S. forces", "ORG"), ("Syria", "GPE")],
            events=[("struck", "Conflict:Attack", [("Instrument", 0), ("Target", 1)])],
            meta={"issuing_organisation": "CEMO Center - Paris"},
        ),
        "dfat": make_record(
            "Australia deployed troops to Iraq to train local forces.",
            source="Australian Department of Foreign Affairs",
            licence="CC-BY-3.0-AU",
            entities=[("Australia", "GPE"), ("troops", "PER"), ("Iraq", "GPE")],
            events=[("deployed", "Movement:Deploy", [])],
        ),
        "state": make_record(
            "The State Department said militants seized weapons in Deir ez-Zor.",
            source="US State Department",
            licence="public-domain-us-gov",
            entities=[("State Department", "ORG"), ("militants", "PER"), ("weapons", "WEA"), ("Deir ez-Zor", "GPE")],
            events=[("seized", "Conflict:Seize", [])],
        ),
        "blog": make_record(
            "A blogger reported shelling in Idlib.",
            source="Some blog",
            licence="unknown",
            entities=[("Idlib", "GPE")],
            events=[("shelling", "Conflict:Attack", [("Place", 0)])],
        ),
    }


SPLITS = {
    "centcom": "train",
    "ukgov": "train",
    "wikipedia": "train",
    "bbc": "train",
    "eeas": "train",
    "cemo": "train",
    "dfat": "dev",
    "blog": "dev",
    "state": "test",
}
PUBLISHABLE = {"centcom", "ukgov", "wikipedia", "dfat", "state"}


def manifest_for(records: dict[str, Record]) -> dict[str, Any]:
    assignments = dict(sorted((records[name].id, split) for name, split in SPLITS.items()))
    return {
        "format": "eventcorpus-split-manifest",
        "version": 1,
        "settings": {"by": "hash", "seed": 13, "proportions": {"train": 0.8, "dev": 0.1, "test": 0.1}},
        "checksum": assignments_checksum(assignments),
        "assignments": assignments,
    }


def write_fixture(folder: Path) -> tuple[Path, Path, dict[str, Record]]:
    """Write the fixture as gold.jsonl and split.json under ``folder``."""
    records = fixture_records()
    gold = folder / "gold.jsonl"
    write_records(gold, list(records.values()))
    manifest = folder / "split.json"
    write_json(manifest, manifest_for(records))
    return gold, manifest, records
