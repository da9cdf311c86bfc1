"""re3d reader: every gold entity of the real folders, licences, and small inline folders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eventcorpus.errors import EventCorpusError
from eventcorpus.formats import Dropped, get_format
from eventcorpus.records import document_id
from eventcorpus.schema import load_schema

re3d = get_format("re3d")
SCHEMA = load_schema()
RE3D_TYPES = SCHEMA.mappings["re3d"]["entity_types"]


def _gold_rows(root: Path) -> list[tuple[str, str, int, int, str]]:
    """(folder, text slice, begin, end, type) of every gold row, read straight from the files."""
    rows = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        texts = {}
        for line in (folder / "documents.json").read_text(encoding="utf-8").splitlines():
            if line.strip():
                doc = json.loads(line)
                texts[doc["_id"]] = doc["text"]
        for line in (folder / "entities.json").read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            if row["confidence"] != 0 and RE3D_TYPES[row["type"]] is not None:
                text = texts[row["documentId"]]
                rows.append((folder.name, text[row["begin"] : row["end"]], row["begin"], row["end"], row["type"]))
    return rows


def test_all_folders_give_every_gold_entity(shared_datasets: Path) -> None:
    root = shared_datasets / "re3d"
    dropped: list[Dropped] = []
    records = list(re3d.read(root, schema=SCHEMA, options={"dropped": dropped}))
    assert len(records) == 98
    expected = sorted(_gold_rows(root))
    got = sorted(
        (
            r.document.meta["re3d_folder"],
            r.document.text[e.start : e.end],
            e.start,
            e.end,
            _source_type(e.meta["re3d_id"]),
        )
        for r in records
        for e in r.annotations.entities
    )
    assert got == expected and len(got) > 3000
    for record in records:
        for entity in record.annotations.entities:
            assert entity.label == RE3D_TYPES[_source_type(entity.meta["re3d_id"])]
    alternatives = sum(r.annotations.meta.get("re3d_alternatives", 0) for r in records)
    assert alternatives == sum(1 for d in dropped if d.kind == "alternative") > 0
    by_folder = {r.document.meta["re3d_folder"]: r.document.licence for r in records}
    assert by_folder == {
        "Australian Department of Foreign Affairs": "CC-BY-3.0-AU",
        "BBC Online": "CC-BY-NC-3.0",
        "CENTCOM": "public-domain-us-gov",
        "Delegation of the European Union to Syria": "EEAS-legal-notice",
        "UK Government": "OGL-UK-3.0",
        "US State Department": "public-domain-us-gov",
        "Wikipedia": "CC-BY-SA-3.0",
    }
    for record in records:
        record.annotations.check(record.document.text)
        assert record.id == document_id(record.document.text)
        assert record.document.attribution and "Aleph Insights" in record.document.attribution
    one = list(re3d.read(root / "CENTCOM", schema=SCHEMA, options={}))
    assert len(one) == 23


def _source_type(row_id: str) -> str:
    return row_id.rsplit("-", 1)[1]  # re3d row ids end with the type


def _folder(tmp_path: Path, entities: list[dict], licence: str = "This dataset is public domain.") -> Path:
    folder = tmp_path / "Source"
    folder.mkdir()
    doc = {
        "_id": "D1",
        "sourceName": "Src",
        "sourceUrl": "http://x",
        "title": "T",
        "text": "ISIS fired a rocket at Mosul.",
    }
    (folder / "documents.json").write_text(json.dumps(doc) + "\n", encoding="utf-8")
    rows = [{"documentId": "D1", "confidence": 1, **row} for row in entities]
    (folder / "entities.json").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    (folder / "LICENSE").write_text(licence, encoding="utf-8")
    (folder / "ATTRIBUTION").write_text("Made by someone.", encoding="utf-8")
    return folder


def test_alternatives_nulls_and_mismatches_are_reported(tmp_path: Path) -> None:
    folder = _folder(
        tmp_path,
        [
            {"_id": "a", "begin": 0, "end": 4, "type": "Organisation", "value": "ISIS"},
            {"_id": "b", "begin": 0, "end": 4, "type": "Person", "value": "ISIS", "confidence": 0},
            {"_id": "c", "begin": 13, "end": 19, "type": "Weapon", "value": "rockets", "confidence": 0.8},
            {"_id": "d", "begin": 23, "end": 28, "type": "DocumentReference", "value": "Mosul"},
        ],
    )
    dropped: list[Dropped] = []
    (record,) = re3d.read(tmp_path, schema=SCHEMA, options={"dropped": dropped})
    assert record.document.licence == "public-domain-us-gov"
    assert record.document.attribution == "Made by someone."
    assert record.document.meta["re3d_id"] == "D1" and record.document.meta["re3d_folder"] == "Source"
    assert [(e.label, e.start, e.end) for e in record.annotations.entities] == [("ORG", 0, 4), ("WEA", 13, 19)]
    assert record.annotations.entities[1].meta == {"re3d_id": "c", "confidence": 0.8, "text": "rockets"}
    assert record.annotations.meta == {"re3d_alternatives": 1}
    assert sorted((d.kind, d.item_id) for d in dropped) == [("alternative", "b"), ("entity", "d"), ("mismatch", "c")]
    assert list(re3d.read(folder, schema=SCHEMA, options={}))[0].id == record.id


@pytest.mark.parametrize(
    ("text", "short"),
    [
        ("Creative Commons Attribution-NonCommercial 3.0 license", "CC-BY-NC-3.0"),
        ("public sector information licensed under the Open Government Licence v3.0", "OGL-UK-3.0"),
        ("something else", "unknown"),
    ],
)
def test_licence_ids(text: str, short: str) -> None:
    assert re3d.licence_id(text) == short


def test_bad_folders_and_rows_are_coded(tmp_path: Path) -> None:
    with pytest.raises(EventCorpusError) as caught:
        list(re3d.read(tmp_path, schema=SCHEMA, options={}))
    assert caught.value.code == "E155"
    _folder(tmp_path, [{"_id": "a", "begin": 0, "end": 99, "type": "Organisation", "value": "ISIS"}])
    with pytest.raises(EventCorpusError) as caught:
        list(re3d.read(tmp_path, schema=SCHEMA, options={}))
    assert caught.value.code == "E156" and caught.value.line == 1
    entities = tmp_path / "Source" / "entities.json"
    entities.write_text(json.dumps({"documentId": "NOPE", "begin": 0, "end": 4, "type": "Person"}) + "\n")
    with pytest.raises(EventCorpusError) as caught:
        list(re3d.read(tmp_path, schema=SCHEMA, options={}))
    assert caught.value.code == "E156" and "NOPE" in caught.value.detail
    entities.write_text(json.dumps({"documentId": "D1", "begin": 0, "end": 4, "type": "Alien", "confidence": 1}))
    with pytest.raises(EventCorpusError) as caught:
        list(re3d.read(tmp_path, schema=SCHEMA, options={}))
    assert caught.value.code == "E003"
