"""Hugging Face folders: read back by datasets.load_dataset, offline, with schema ClassLabels."""

from __future__ import annotations

from pathlib import Path

import datasets
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventcorpus.formats import get_format
from eventcorpus.formats.hf import features_for
from eventcorpus.records import AnnotationSet, Argument, Document, Entity, Event, Record, Trigger, document_id
from eventcorpus.schema import load_schema
from tests.formats_strategies import minus_dropped, off_schema_records, rich_records

SCHEMA = load_schema()
HF = get_format("hf")


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")


def _key(record: Record) -> str:
    return repr(sorted(record.to_dict().items(), key=lambda kv: kv[0]))


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(st.lists(rich_records(), min_size=1, max_size=6))
def test_round_trip_through_load_dataset_is_identity(
    tmp_path_factory: pytest.TempPathFactory, records: list[Record]
) -> None:
    tmp = tmp_path_factory.mktemp("hf")
    report = HF.write(records, tmp / "ds", schema=SCHEMA, options={})
    assert not report.dropped and report.documents == len(records)
    back = list(HF.read(tmp / "ds", schema=SCHEMA, options={"cache_dir": str(tmp / "cache")}))
    assert sorted(map(_key, back)) == sorted(map(_key, records))


def _record(split: str | None, label: str = "FAC") -> Record:
    text = f"Rockets struck the base ({split})"
    doc = Document(id=document_id(text), text=text, meta={"split": split} if split else {})
    events = [Event("E1", "Conflict:Attack", Trigger(8, 14), [Argument("Target", "T2")], {"polarity": "negative"})]
    return Record(doc, AnnotationSet(doc.id, "gold", [Entity("T1", 0, 7, "WEA"), Entity("T2", 19, 23, label)], events))


def test_splits_classlabels_and_missing_attributes(tmp_path: Path) -> None:
    HF.write(
        [_record("train"), _record("dev"), _record(None), _record("test")], tmp_path / "ds", schema=SCHEMA, options={}
    )
    loaded = datasets.load_dataset(str(tmp_path / "ds"), cache_dir=str(tmp_path / "cache"))
    assert sorted(loaded) == ["dev", "test", "train"]
    assert loaded["train"].num_rows == 2
    assert loaded["train"].features == features_for(SCHEMA)
    event = loaded["dev"][0]["events"][0]
    events_feature = loaded["dev"].features["events"].feature
    assert events_feature["type"].int2str(event["type"]) == "Conflict:Attack"
    assert events_feature["polarity"].int2str(event["polarity"]) == "negative"
    assert event["modality"] == -1  # unset attributes stay unset
    assert events_feature["arguments"].feature["role"].int2str(event["arguments"][0]["role"]) == "Target"


def test_split_option_overrides_meta(tmp_path: Path) -> None:
    HF.write([_record("train"), _record("dev")], tmp_path / "ds", schema=SCHEMA, options={"split": "gold"})
    assert sorted(datasets.load_dataset(str(tmp_path / "ds"), cache_dir=str(tmp_path / "c"))) == ["gold"]


def test_labels_outside_the_schema_are_reported_with_their_arguments(tmp_path: Path) -> None:
    report = HF.write([_record("train", label="SHIP")], tmp_path / "ds", schema=SCHEMA, options={})
    assert [(d.kind, d.item_id, d.offset) for d in report.dropped] == [
        ("entity", "T2", 19),
        ("argument", "E1/Target:T2", 8),
    ]
    (back,) = HF.read(tmp_path / "ds", schema=SCHEMA, options={"cache_dir": str(tmp_path / "c")})
    assert [e.id for e in back.annotations.entities] == ["T1"] and back.annotations.events[0].arguments == []


def test_rewriting_keeps_the_old_folder(tmp_path: Path) -> None:
    HF.write([_record("train")], tmp_path / "ds", schema=SCHEMA, options={})
    HF.write([_record("dev")], tmp_path / "ds", schema=SCHEMA, options={})
    assert len(list(tmp_path.glob("ds.*.bak"))) == 1


def test_an_empty_corpus_gives_an_empty_train_file(tmp_path: Path) -> None:
    report = HF.write([], tmp_path / "ds", schema=SCHEMA, options={})
    assert report.documents == 0
    (parquet,) = (tmp_path / "ds" / "data").glob("train-*.parquet")
    assert datasets.Features.from_arrow_schema(pq.read_schema(parquet)) == features_for(SCHEMA)
    assert list(HF.read(tmp_path / "ds", schema=SCHEMA, options={})) == []


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(off_schema_records())
def test_labels_outside_the_schema_come_back_as_input_minus_reported_drops(
    tmp_path_factory: pytest.TempPathFactory, record: Record
) -> None:
    tmp = tmp_path_factory.mktemp("hf")
    report = HF.write([record], tmp / "ds", schema=SCHEMA, options={})
    (back,) = HF.read(tmp / "ds", schema=SCHEMA, options={"cache_dir": str(tmp / "cache")})
    assert back.to_dict() == minus_dropped(record, report.dropped)


def test_hf_corrupt_parquet_or_foreign_columns_raised_traceback(tmp_path: Path) -> None:
    """A corrupt parquet file (ArrowInvalid) or a dataset without our columns (KeyError) used to escape; now E100."""
    from eventcorpus.errors import EventCorpusError

    corrupt = tmp_path / "corrupt"
    (corrupt / "data").mkdir(parents=True)
    (corrupt / "data" / "train-00000-of-00001.parquet").write_text("garbage", encoding="utf-8")
    foreign = tmp_path / "foreign"
    (foreign / "data").mkdir(parents=True)
    datasets.Dataset.from_dict({"sentence": ["a b"]}).to_parquet(foreign / "data" / "train-00000-of-00001.parquet")
    for folder in (corrupt, foreign):
        with pytest.raises(EventCorpusError) as info:
            list(get_format("hf").read(folder, schema=load_schema(), options={"cache_dir": str(tmp_path / "cache")}))
        assert info.value.code == "E100"


def test_hf_bad_split_name_was_a_parse_error(tmp_path: Path) -> None:
    """A split name that cannot name a file was E100 'input cannot be parsed' in hf but E601 in export."""
    from eventcorpus.errors import EventCorpusError

    text = "Rockets struck."
    record = Record(Document(document_id(text), text), AnnotationSet(document_id(text), "a"))
    for split in ("../evil", "tëst"):
        with pytest.raises(EventCorpusError) as info:
            HF.write([record], tmp_path / "out", schema=load_schema(), options={"split": split})
        assert info.value.code == "E601"
    assert not (tmp_path / "out").exists()
