"""scripts/audit_counts.py: the audit's counts on small hand-made files."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from eventcorpus.corpus import write_records
from tests.quality_records import make_record

SCRIPT = Path(__file__).parents[1] / "scripts" / "audit_counts.py"
spec = importlib.util.spec_from_file_location("audit_counts", SCRIPT)
assert spec is not None and spec.loader is not None
audit_counts = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit_counts)

ROUNDUP = "Near Raqqah, one strike engaged an ISIL unit and destroyed a vehicle. Aircraft destroyed a bridge."
WAR = "The war goes on. IS fighters were holding captives. We hire guards at an hourly rate."


def records():
    centcom = make_record(
        ROUNDUP,
        "gold",
        [(5, 11, "GPE"), (35, 44, "ORG"), (61, 68, "VEH"), (91, 97, "FAC")],
        [
            ("Conflict:Attack", (17, 23), [("Target", 1), ("Target", 2), ("Place", 0)]),
            ("Conflict:Attack", (79, 88), [("Target", 3)]),
        ],
    )
    centcom.document.source = "re3d/CENTCOM/X"
    other = make_record(
        WAR,
        "gold",
        [],
        [
            ("Conflict:Attack", (4, 7), []),
            ("Justice:Arrest-Jail", (34, 41), []),
            ("Transaction:Transfer-Money", (55, 59), []),
            ("Transaction:Transfer-Money", (80, 84), []),
        ],
    )
    other.annotations.events[0].attributes = {"genericity": "generic"}
    return [centcom, other]


def test_counts_by_hand() -> None:
    (counts,) = audit_counts.audit(records()).values()
    assert counts["roundup_sentences"] == 1
    assert counts["roundup_verbs"]["engaged"] == {"occurrences": 1, "annotated": 0}
    assert counts["roundup_verbs"]["destroyed"] == {"occurrences": 1, "annotated": 0}
    assert counts["narrative_verbs"]["destroyed"] == {"occurrences": 1, "annotated": 1}
    assert (counts["roundup_strike_events"], counts["roundup_strike_targets"]) == (1, 2)
    assert counts["abstract_attack"] == {"war": 1} and counts["abstract_attack_generic"] == 1
    assert counts["attack_events"] == 3 and counts["abstract_attack_share_pct"] == 33.3
    assert counts["events_without_arguments"] == 4
    assert (counts["events_with_place"], counts["events_with_time"]) == (1, 0)
    assert [len(hits) for hits in counts["type_errors"].values()] == [1, 0, 2]


def test_command_line_prints_json(tmp_path: Path, capsys) -> None:
    path = tmp_path / "gold.jsonl"
    write_records(path, records())
    assert audit_counts.main([str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["gold"]["documents"] == 2
