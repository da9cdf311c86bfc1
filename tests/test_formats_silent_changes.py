"""Regression tests for the four silent changes of issue 19, each named after what broke.

Each test fails on the code before the fix: an item changed kind, a role came back
renamed, a span's text differed from the source, or TextEE could not read the export.
"""

from __future__ import annotations

import json
from pathlib import Path

from eventcorpus.formats import Dropped, get_format
from eventcorpus.formats.doccano import doccano_to_record, record_to_doccano
from eventcorpus.records import AnnotationSet, Argument, Document, Entity, Event, Record, Trigger, document_id
from eventcorpus.schema import load_schema
from tests.textee_loader import load_e2e, load_eae, load_earl, load_ed

SCHEMA = load_schema()
DOCCANO, BRAT, ONEIE = get_format("doccano"), get_format("brat"), get_format("oneie")


def _record(text: str, entities: list[Entity], events: list[Event]) -> Record:
    doc = Document(id=document_id(text), text=text)
    return Record(doc, AnnotationSet(doc.id, "alice", entities, events))


def test_doccano_events_outside_the_schema_without_arguments_came_back_as_entities(tmp_path: Path) -> None:
    text = "Rebels seized Tal Abyad; the town was looted and later a ceasefire held."
    entities = [Entity("T1", 0, 6, "PER"), Entity("T2", 14, 23, "GPE"), Entity("T3", 0, 6, "Rebel-Group")]
    events = [
        Event("E1", "Conflict:Seize", Trigger(7, 13), [Argument("Agent", "T1"), Argument("Place", "T2")]),
        Event("E2", "Transaction:Loot", Trigger(38, 44)),  # outside the schema, no argument
        Event("E3", "Cessation", Trigger(57, 66), attributes={"polarity": "positive"}),
    ]
    record = _record(text, entities, events)
    path = tmp_path / "d.jsonl"
    DOCCANO.write([record], path, schema=SCHEMA, options={})
    (back,) = DOCCANO.read(path, schema=SCHEMA, options={})
    assert (len(back.annotations.events), len(back.annotations.entities)) == (3, 3)
    assert back.to_dict() == record.to_dict()


def test_doccano_label_outside_the_schema_never_turns_an_entity_into_an_event() -> None:
    text = "A Shahed drone fell."
    record = _record(text, [Entity("T1", 2, 14, "Conflict:Attack")], [])  # an entity whose label is an event type
    back = doccano_to_record(record_to_doccano(record), annotator="alice", schema=SCHEMA)
    assert [e.label for e in back.annotations.entities] == ["Conflict:Attack"] and not back.annotations.events


def test_brat_repeated_roles_outside_the_schema_came_back_numbered(tmp_path: Path) -> None:
    text = "Judges tried Ali, Omar and Said; the clerk and the guard testified."
    names = {"Ali": 13, "Omar": 18, "Said": 27, "clerk": 37, "guard": 51}
    entities = [Entity(f"T{i}", s, s + len(n), "PER") for i, (n, s) in enumerate(names.items(), start=1)]
    roles = ["Defendant", "Defendant", "Defendant", "Employee", "Employee"]
    arguments = [Argument(r, e.id) for r, e in zip(roles, entities, strict=True)]
    record = _record(text, entities, [Event("E1", "Justice:Trial", Trigger(7, 12), arguments)])
    BRAT.write([record], tmp_path / "b", schema=SCHEMA, options={})
    (back,) = BRAT.read(tmp_path / "b", schema=SCHEMA, options={})
    assert [a.role for a in back.annotations.events[0].arguments] == roles
    # a brat folder from elsewhere (no sidecar) keeps brat's numbering out of the roles too
    (tmp_path / "b" / f"{record.id}.json").unlink()
    (plain,) = BRAT.read(tmp_path / "b", schema=SCHEMA, options={})
    assert [a.role for a in plain.annotations.events[0].arguments] == roles


def test_brat_role_corrected_in_the_ann_file_is_not_undone_by_the_sidecar(tmp_path: Path) -> None:
    """The sidecar's exact roles once overrode, position by position, a role an annotator changed in brat."""
    text = "Judges tried Ali and Omar in Baghdad."
    entities = [
        Entity(f"T{i + 1}", text.index(w), text.index(w) + len(w), "PER") for i, w in enumerate(["Ali", "Omar"])
    ]
    arguments = [Argument("Defendant", "T1"), Argument("Defendant", "T2")]
    record = _record(text, entities, [Event("E1", "Justice:Trial", Trigger(7, 12), arguments)])
    BRAT.write([record], tmp_path / "b", schema=SCHEMA, options={})
    ann = tmp_path / "b" / f"{record.id}.ann"
    edited = ann.read_text(encoding="utf-8").replace("Defendant2:", "Witness:")
    assert edited != ann.read_text(encoding="utf-8")
    ann.write_text(edited, encoding="utf-8")
    (back,) = BRAT.read(tmp_path / "b", schema=SCHEMA, options={})
    assert [a.role for a in back.annotations.events[0].arguments] == ["Defendant", "Witness"]


def test_oneie_reader_rebuilt_the_text_from_tokens_when_the_file_carries_its_own(tmp_path: Path) -> None:
    text = "Fighting in Deir ez-Zor:\nthe regime’s forces advanced."
    tokens = [(m, text.index(m)) for m in ["Fighting", "in", "Deir", "ez", "-", "Zor", ":"]]
    tokens += [("the", 25), ("regime", 29), ("’s", 35), ("forces", 38), ("advanced", 45), (".", 53)]
    assert all(text[s : s + len(t)] == t for t, s in tokens)
    wikievents = {  # WikiEvents' layout: document text, sentences with character offsets
        "doc_id": "wiki_1",
        "tokens": [t for t, _ in tokens],
        "text": text,
        "sentences": [
            [[[t, s, s + len(t)] for t, s in tokens[:7]], text[:24]],
            [[[t, s, s + len(t)] for t, s in tokens[7:]], text[25:]],
        ],
        "entity_mentions": [
            {"id": "e1", "sent_idx": 0, "start": 2, "end": 6, "entity_type": "GPE", "text": "Deir ez-Zor"},
            {"id": "e2", "sent_idx": 1, "start": 7, "end": 10, "entity_type": "ORG", "text": "the regime’s"},
        ],
        "event_mentions": [
            {
                "id": "ev1",
                "event_type": "Movement.Transportation.Unspecified",
                "trigger": {"start": 11, "end": 12, "text": "advanced", "sent_idx": 1},
                "arguments": [{"entity_id": "e2", "role": "Transporter", "text": "the regime’s"}],
            }
        ],
    }
    path = tmp_path / "wiki.jsonl"
    path.write_text(json.dumps(wikievents, ensure_ascii=False) + "\n", encoding="utf-8")
    dropped: list[Dropped] = []
    (record,) = ONEIE.read(path, schema=SCHEMA, options={"dropped": dropped})
    assert record.document.text == text and not dropped
    shown = [text[e.start : e.end] for e in record.annotations.entities]
    assert shown == [m["text"] for m in wikievents["entity_mentions"]]  # type: ignore[index]


def test_oneie_reader_reports_a_text_its_tokens_are_not_in(tmp_path: Path) -> None:
    line = {"doc_id": "d", "wnd_id": "d-0", "text": "He said “no”.", "tokens": ["He", "said", "``", "no", "''", "."]}
    path = tmp_path / "ptb.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    dropped: list[Dropped] = []
    (record,) = ONEIE.read(path, schema=SCHEMA, options={"dropped": dropped})
    assert record.document.text == "He said `` no '' ."
    assert [(d.kind, d.item_id) for d in dropped] == [("text", "d-0")]


def test_oneie_writer_emitted_no_text_key_and_textee_failed_with_key_error(tmp_path: Path) -> None:
    text = "Militants attacked the base. Two soldiers died."
    entities = [Entity("T1", 0, 9, "PER"), Entity("T2", 19, 27, "FAC"), Entity("T3", 29, 41, "PER")]
    events = [
        Event("E1", "Conflict:Attack", Trigger(10, 18), [Argument("Attacker", "T1"), Argument("Target", "T2")]),
        Event("E2", "Life:Die", Trigger(42, 46), [Argument("Victim", "T3")]),
    ]
    path = tmp_path / "oneie.jsonl"
    ONEIE.write([_record(text, entities, events)], path, schema=SCHEMA, options={})
    e2e = load_e2e(path)  # KeyError: 'text' before the fix
    assert [w["text"] for w in e2e] == ["Militants attacked the base.", "Two soldiers died."]
    assert e2e[0]["events"][0] == {
        "trigger": (1, 2, "Conflict:Attack", "attacked"),
        "arguments": [(0, 1, "Attacker", "Militants"), (2, 4, "Target", "the base")],
    }
    assert len(load_ed(path)) == 2 and len(load_eae(path)) == 2 and len(load_earl(path)) == 2


def test_a_correct_chinese_doccano_file_draws_no_offset_warning(tmp_path: Path) -> None:
    """Every span of a text without spaces 'cuts a word', so each correct CJK file drew a warning."""
    text = "叙利亚北部发生火箭袭击美军基地遭到攻击伊拉克官员说"
    words = ["叙利亚", "火箭", "美军基地", "伊拉克官员"]
    labels = ["GPE", "WEA", "FAC", "PER"]
    entities = [
        Entity(f"T{i + 1}", text.index(w), text.index(w) + len(w), label)
        for i, (w, label) in enumerate(zip(words, labels, strict=True))
    ]
    path = tmp_path / "zh.jsonl"
    path.write_text(
        json.dumps(record_to_doccano(_record(text, entities, [])), ensure_ascii=False) + "\n", encoding="utf-8"
    )
    warnings: list[str] = []
    (back,) = DOCCANO.read(path, schema=SCHEMA, options={"warnings": warnings, "annotator": "alice"})
    assert [text[e.start : e.end] for e in back.annotations.entities] == words
    assert warnings == []
