"""The event attribute genericity (specific | generic): schema, validation, HF features, exports."""

from __future__ import annotations

from pathlib import Path

import datasets
import pytest

from eventcorpus.corpus import write_records
from eventcorpus.formats import get_format
from eventcorpus.formats.hf import features_for
from eventcorpus.schema import load_schema
from eventcorpus.validate import validate
from tests.quality_records import make_record

SCHEMA = load_schema()
TEXT = "The war in Syria goes on; rebels shelled Aleppo."


def generic_war():
    record = make_record(
        TEXT,
        "pass1",
        [(11, 16, "GPE"), (26, 32, "ORG"), (41, 47, "GPE")],
        [("Conflict:Attack", (4, 7), [("Place", 0)]), ("Conflict:Attack", (33, 40), [("Attacker", 1), ("Target", 2)])],
    )
    record.annotations.events[0].attributes = {"genericity": "generic"}
    return record


def test_schema_declares_genericity_with_default_specific() -> None:
    genericity = SCHEMA.attributes["genericity"]
    assert (list(genericity.values), genericity.default) == (["specific", "generic"], "specific")


def test_validate_accepts_generic_and_refuses_an_unknown_value(tmp_path: Path) -> None:
    good = tmp_path / "good.jsonl"
    write_records(good, [generic_war()])
    assert validate(good, schema=SCHEMA).errors == 0
    bad_record = generic_war()
    bad_record.annotations.events[0].attributes = {"genericity": "habitual"}
    bad = tmp_path / "bad.jsonl"
    write_records(bad, [bad_record])
    assert validate(bad, schema=SCHEMA).errors == 1


def test_hf_features_hold_genericity_as_a_classlabel() -> None:
    events = features_for(SCHEMA)["events"]
    feature = (events[0] if isinstance(events, list) else events.feature)["genericity"]
    assert isinstance(feature, datasets.ClassLabel) and feature.names == ["specific", "generic"]


@pytest.mark.parametrize(
    ("fmt", "target"), [("brat", "brat"), ("doccano", "d.jsonl"), ("spacy", "x.spacy"), ("hf", "hf")]
)
def test_exports_carry_genericity_and_read_it_back(tmp_path: Path, fmt: str, target: str) -> None:
    handler = get_format(fmt)
    handler.write([generic_war()], tmp_path / target, schema=SCHEMA, options={})
    (back,) = handler.read(tmp_path / target, schema=SCHEMA, options={})
    by_trigger = {e.trigger.start: e.attributes for e in back.annotations.events}
    assert by_trigger[4] == {"genericity": "generic"} and by_trigger[33] == {}
