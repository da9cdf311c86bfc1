"""Rebuild the hand-made quality fixtures: `python tests/data/quality/build_fixtures.py`.

three_annotators/: alice, bob and carol on three short documents. The expected agreement
figures, gold and conflicts are worked out by hand in tests/test_agreement.py and
tests/test_adjudicate.py; change them together with this file.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from tests.quality_records import make_record  # noqa: E402

from eventcorpus.corpus import write_records  # noqa: E402

ROCKETS = "Rockets struck Ayn al-Assad on Wednesday."
MILITIA = "Militia fired drones at Erbil."
PROTEST = "Protesters gathered in Basra."
ATTACK = "Conflict:Attack"


def main() -> None:
    folder = HERE / "three_annotators"
    alice = [
        make_record(
            ROCKETS,
            "alice",
            [(0, 7, "WEA"), (15, 27, "FAC"), (31, 40, "TIME")],
            [(ATTACK, (8, 14), [("Instrument", 0), ("Target", 1), ("Time", 2)])],
        ),
        make_record(
            MILITIA,
            "alice",
            [(0, 7, "ORG"), (14, 20, "WEA"), (24, 29, "GPE")],
            [(ATTACK, (8, 13), [("Attacker", 0), ("Instrument", 1), ("Target", 2)])],
        ),
    ]
    bob = [
        make_record(
            ROCKETS,
            "bob",
            [(0, 7, "WEA"), (15, 27, "GPE"), (31, 40, "TIME")],
            [(ATTACK, (8, 14), [("Instrument", 0), ("Place", 1), ("Time", 2)])],
        ),
        make_record(
            MILITIA,
            "bob",
            [(0, 7, "ORG"), (14, 20, "VEH"), (24, 29, "GPE")],
            [(ATTACK, (8, 13), [("Attacker", 0), ("Instrument", 1), ("Target", 2)])],
        ),
    ]
    carol = [
        make_record(
            ROCKETS,
            "carol",
            [(0, 7, "WEA"), (19, 27, "FAC"), (31, 40, "TIME")],
            [(ATTACK, (8, 14), [("Instrument", 0), ("Target", 1)])],
        )
    ]
    carol_more = [
        make_record(
            PROTEST,
            "carol",
            [(0, 10, "PER"), (23, 28, "GPE")],
            [("Conflict:Demonstrate", (11, 19), [("Entity", 0), ("Place", 1)])],
            licence="CC0-1.0",
        )
    ]
    write_records(folder / "alice.jsonl", alice)
    write_records(folder / "bob.jsonl", bob)
    write_records(folder / "carol" / "batch1.jsonl", carol)
    write_records(folder / "carol" / "batch2.jsonl", carol_more)


if __name__ == "__main__":
    main()
