from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from eventcorpus.cli import app
from eventcorpus.errors import EventCorpusError
from eventcorpus.schema import load_schema, parse_schema

REQUIRED_ACE = [
    "Conflict:Attack",
    "Conflict:Demonstrate",
    "Life:Die",
    "Movement:Transport",
    "Justice:Arrest-Jail",
    "Contact:Meet",
    "Contact:Phone-Write",
    "Transaction:Transfer-Money",
    "Life:Injure",
]


@pytest.fixture()
def raw(repo: Path) -> dict:
    return yaml.safe_load((repo / "annotation_guidelines" / "schema.yaml").read_text(encoding="utf-8"))


def test_default_schema_loads_with_the_ace_types_and_extensions() -> None:
    schema = load_schema()
    for name in REQUIRED_ACE:
        assert name in schema.event_types
    extensions = [n for n, t in schema.event_types.items() if t.source != "ACE 2005"]
    assert len(extensions) >= 4
    assert {"PER", "ORG", "GPE", "LOC", "FAC", "VEH", "WEA", "TIME"} <= set(schema.entity_labels)
    assert schema.allowed_fillers("Conflict:Attack", "Attacker") == ("PER", "ORG", "GPE")
    assert schema.allowed_fillers("Conflict:Attack", "Victim") is None
    for event_type in schema.event_types.values():
        assert event_type.acled["event_type"]


def test_every_m2e2_and_re3d_label_is_mapped(shared_datasets: Path) -> None:
    import json

    schema = load_schema()
    sentences = json.loads((shared_datasets / "m2e2" / "text_only_event.json").read_text(encoding="utf-8"))
    for sentence in sentences[:2000]:
        for mention in sentence["golden-entity-mentions"]:
            assert schema.map_label("m2e2", "entity_types", mention["entity-type"]) is not None
        for event in sentence["golden-event-mentions"]:
            assert schema.map_label("m2e2", "event_types", event["event_type"]) in schema.event_types
            for argument in event["arguments"]:
                role = schema.map_label("m2e2", "roles", argument["role"])
                assert schema.allowed_fillers(event["event_type"], role) is not None
    for folder in (shared_datasets / "re3d").iterdir():
        for line in (folder / "entities.json").read_text(encoding="utf-8").splitlines():
            if line.strip():
                schema.map_label("re3d", "entity_types", json.loads(line)["type"])


def test_unmapped_label_is_an_error_that_lists_it() -> None:
    schema = load_schema()
    with pytest.raises(EventCorpusError) as info:
        schema.map_label("re3d", "entity_types", "Spaceship")
    assert info.value.code == "E003"
    assert "Spaceship" in str(info.value)
    assert "Organisation" in str(info.value)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda r: r["event_types"]["Conflict:Attack"]["roles"]["Target"].update(fillers=["SHIP"]), "SHIP"),
        (lambda r: r["entity_types"]["ORG"].update(key="p"), "shortcut key"),
        (lambda r: r["entity_types"]["ORG"].update(color="red"), "colour"),
        (lambda r: r["mappings"]["m2e2"]["roles"].update(Attacker="Shooter"), "Shooter"),
        (lambda r: r["event_types"]["Life:Die"].pop("acled"), "acled"),
    ],
)
def test_inconsistent_schema_is_refused(raw: dict, mutate, message: str) -> None:
    broken = copy.deepcopy(raw)
    mutate(broken)
    with pytest.raises(EventCorpusError) as info:
        parse_schema(broken, "schema.yaml")
    assert info.value.code == "E002"
    assert message in str(info.value)


def test_bad_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "schema.yaml"
    path.write_text("version: 1\nentity_types: [\n", encoding="utf-8")
    with pytest.raises(EventCorpusError) as info:
        load_schema(path)
    assert info.value.code == "E001"
    assert info.value.line is not None


def test_schema_write_tables_missing_file_raised_traceback(tmp_path: Path) -> None:
    """`schema --write-tables` on a missing file used to end in FileNotFoundError; now E004, exit 2."""
    result = CliRunner().invoke(app, ["schema", "--write-tables", str(tmp_path / "missing.md")])
    assert result.exit_code == 2
    assert "E004" in result.output
    assert not (tmp_path / "missing.md").exists()


def test_schema_not_utf8_raised_traceback(tmp_path: Path) -> None:
    """A schema file that is not UTF-8 used to end in UnicodeDecodeError; now E001 naming it."""
    path = tmp_path / "schema.yaml"
    path.write_bytes(b"\xff\xfename: x\n")
    with pytest.raises(EventCorpusError) as info:
        load_schema(path)
    assert info.value.code == "E001"
    assert "schema.yaml" in str(info.value)
