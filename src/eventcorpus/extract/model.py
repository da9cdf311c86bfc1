"""The event-extraction model: train it, save it, load it, run it on documents.

Model folder layout (everything needed to predict; loading never uses the network):

- ``meta.json``: name, version, format, config, seed, calibrated thresholds, sha256 of
  the training and dev files and of the config, label sets, dev scores, timings, versions.
- ``config.yaml``: the config the model was trained with.
- ``pipeline/``: the spaCy pipeline (tokenizer, sentencizer and, unless baseline, ``ner``).
- ``components.joblib``: the scikit-learn parts (trigger and argument classifiers, the
  baseline entity tagger when there is one).
- ``README.md``: the model card (data, metrics with bootstrap intervals, use, limits).
"""

from __future__ import annotations

import json
import platform
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import sklearn
import spacy
import yaml
from spacy.language import Language

from eventcorpus import __version__
from eventcorpus.corpus import atomic_open, read_records, write_json
from eventcorpus.errors import EventCorpusError
from eventcorpus.extract.components import (
    ArgumentClassifier,
    AttributeClassifier,
    MajorityArguments,
    TokenEntityTagger,
    TriggerClassifier,
    blank_nlp,
    train_spacy_ner,
)
from eventcorpus.extract.config import ModelConfig, config_from_dict, file_sha256
from eventcorpus.extract.data import Parsed, add_gold, parse_doc
from eventcorpus.extract.finetune import FineTunedTriggers, check_settings
from eventcorpus.records import ARGUMENT_SPAN_LABEL, AnnotationSet, Argument, Document, Entity, Event, Record, Trigger
from eventcorpus.schema import Schema, load_schema
from eventcorpus.scoring import score

FORMAT = 1
THRESHOLDS = [round(0.05 + 0.025 * i, 3) for i in range(35)]  # 0.05 .. 0.9
Log = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


class EventModel:
    """One trained artefact: text in, entities and events out."""

    def __init__(
        self,
        config: ModelConfig,
        schema: Schema,
        nlp: Language,
        triggers: TriggerClassifier | FineTunedTriggers,
        arguments: ArgumentClassifier | MajorityArguments,
        entity_tagger: TokenEntityTagger | None = None,
        meta: dict[str, Any] | None = None,
        attributes: AttributeClassifier | None = None,
    ) -> None:
        self.config = config
        self.schema = schema
        self.nlp = nlp
        self.triggers = triggers
        self.arguments = arguments
        self.entity_tagger = entity_tagger
        self.attributes = attributes
        self.meta = meta or {}
        self._encoder: Any = None

    @property
    def annotator(self) -> str:
        return f"{self.config.name}-{self.config.version}"

    @property
    def encoder(self) -> Any:
        if self._encoder is None and self.config.uses_encoder:
            from eventcorpus.extract.encoder import TokenEncoder

            self._encoder = TokenEncoder(self.config.encoder)
        return self._encoder

    def parse(self, documents: Sequence[Document], batch_size: int = 64) -> list[Parsed]:
        """Tokenise, split sentences and recognise entities."""
        docs = self.nlp.pipe((d.text for d in documents), batch_size=batch_size)
        parsed = [parse_doc(doc, d.id) for doc, d in zip(docs, documents, strict=False)]
        if self.entity_tagger is not None:
            for p in parsed:
                p.entities = self.entity_tagger.predict(p)
        return parsed

    def vectors(self, parsed: Sequence[Parsed]) -> list[np.ndarray] | None:
        """Encoder token vectors per document, or None without an encoder."""
        return self.encoder.encode(parsed) if self.encoder is not None else None

    def trigger_probabilities(
        self, parsed: Sequence[Parsed], vectors: Sequence[np.ndarray] | None = None
    ) -> list[np.ndarray]:
        """(tokens x event types) probabilities per document."""
        if isinstance(self.triggers, FineTunedTriggers):
            return self.triggers.probabilities_all(parsed, vectors)
        vecs = list(vectors) if vectors is not None else [None] * len(parsed)
        return [self.triggers.probabilities(p, v) for p, v in zip(parsed, vecs, strict=True)]

    def extract(
        self,
        parsed: Sequence[Parsed],
        *,
        trigger_threshold: float | None = None,
        argument_threshold: float | None = None,
        vectors: Sequence[np.ndarray] | None = None,
    ) -> list[AnnotationSet]:
        """Triggers and arguments over parsed documents (entities already on them)."""
        if vectors is None:
            vectors = self.vectors(parsed)
        probs = self.trigger_probabilities(parsed, vectors)
        out = []
        for i, p in enumerate(parsed):
            vec = vectors[i] if vectors is not None else None
            events = self.triggers.decode(probs[i], trigger_threshold)
            scored = self.arguments.scored(p, events, self.schema, vec)
            roles = self.arguments.decode(scored, argument_threshold)
            attributes = self.attributes.predict(p, events) if self.attributes is not None else None
            out.append(to_annotations(p, events, roles, self.annotator, attributes))
        return out

    def annotate(self, documents: Sequence[Document], batch_size: int = 64) -> list[AnnotationSet]:
        """Entities and events for each document."""
        return self.extract(self.parse(documents, batch_size))

    def save(self, folder: str | Path) -> Path | None:
        """Write the model folder; an existing non-empty folder is first renamed to a timestamped backup."""
        target = Path(folder)
        backup = None
        if target.is_dir() and any(target.iterdir()):
            stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
            backup = target.with_name(f"{target.name}.{stamp}.bak")
            target.rename(backup)
        target.mkdir(parents=True, exist_ok=True)
        self.nlp.to_disk(target / "pipeline")
        parts = {
            "triggers": self.triggers,
            "arguments": self.arguments,
            "entity_tagger": self.entity_tagger,
            "attributes": self.attributes,
        }
        with atomic_open(target / "components.joblib", "wb") as handle:
            joblib.dump(parts, handle)
        with atomic_open(target / "config.yaml") as handle:
            yaml.safe_dump(self.config.to_dict(), handle, sort_keys=False)
        write_json(target / "meta.json", self.meta)
        with atomic_open(target / "README.md") as handle:
            handle.write(model_card(self.meta))
        return backup


def to_annotations(
    parsed: Parsed,
    events: Sequence[tuple[int, str]],
    roles: Sequence[tuple[int, int, str]],
    annotator: str,
    attributes: Sequence[dict[str, str]] | None = None,
) -> AnnotationSet:
    """Token-level predictions as a canonical annotation set (character offsets, ids T1.., E1..)."""
    entities = []
    for j, mention in enumerate(parsed.entities):
        start, end = parsed.char_span(mention.start, mention.end)
        entities.append(Entity(f"T{j + 1}", start, end, mention.label))
    out_events = []
    for k, (token, event_type) in enumerate(events):
        arguments = [Argument(role, f"T{j + 1}") for kk, j, role in roles if kk == k]
        trigger = Trigger(parsed.starts[token], parsed.ends[token])
        values = dict(attributes[k]) if attributes is not None else {}
        out_events.append(Event(f"E{k + 1}", event_type, trigger, arguments, values))
    return AnnotationSet(parsed.doc_id, annotator, entities, out_events)


# --- training ----------------------------------------------------------------------------------


def _read(path: str | Path) -> list[Record]:
    records = list(read_records(path))
    if not records:
        raise EventCorpusError(
            "E500", "the file holds no records", file=str(path), expected="canonical records with events"
        )
    return records


def _gold_parsed(nlp: Language, records: Sequence[Record]) -> tuple[list[Parsed], int]:
    """Tokenised records carrying their gold entities and events (no ner run)."""
    parsed: list[Parsed] = []
    unaligned = 0
    with nlp.select_pipes(enable=["sentencizer"]):
        for doc, record in zip(nlp.pipe(r.document.text for r in records), records, strict=False):
            p = parse_doc(doc, record.document.id)
            unaligned += add_gold(p, record)
            parsed.append(p)
    return parsed, unaligned


def _best(values: Iterable[tuple[float, float]]) -> tuple[float, float]:
    """(threshold, f1) with the highest f1; the lower threshold wins ties."""
    return max(values, key=lambda tf: (round(tf[1], 6), -tf[0]))


def calibrate(
    model: EventModel, parsed: Sequence[Parsed], gold: Sequence[AnnotationSet], vectors: Sequence[np.ndarray] | None
) -> dict[str, Any]:
    """Choose the 'no event' and 'no role' thresholds that maximise TC and AC F1 on dev."""
    out: dict[str, Any] = {}
    vecs = list(vectors) if vectors is not None else [None] * len(parsed)
    probs = model.trigger_probabilities(parsed, vectors)
    if model.config.triggers.calibrate:
        sweep = []
        for t in THRESHOLDS:
            pred = [
                to_annotations(p, model.triggers.decode(pr, t), [], model.annotator)
                for p, pr in zip(parsed, probs, strict=False)
            ]
            sweep.append((t, score(gold, pred, n_bootstrap=0).f1("TC")))
        model.triggers.threshold, f1 = _best(sweep)
        out["trigger_threshold"] = {"value": model.triggers.threshold, "dev_TC": round(100 * f1, 2)}
    if model.config.arguments.calibrate:
        events = [model.triggers.decode(pr) for pr in probs]
        scored = [model.arguments.scored(p, ev, model.schema, v) for p, ev, v in zip(parsed, events, vecs, strict=True)]
        sweep = []
        for t in THRESHOLDS:
            pred = [
                to_annotations(p, ev, model.arguments.decode(sc, t), model.annotator)
                for p, ev, sc in zip(parsed, events, scored, strict=False)
            ]
            sweep.append((t, score(gold, pred, n_bootstrap=0).f1("AC")))
        model.arguments.threshold, f1 = _best(sweep)
        out["argument_threshold"] = {"value": model.arguments.threshold, "dev_AC": round(100 * f1, 2)}
    return out


def _threshold_line(thresholds: dict[str, Any]) -> str:
    """``trigger threshold 0.5 (dev TC 63.2), ...``: the calibration as a person reads it."""
    parts = []
    for name, found in thresholds.items():
        if isinstance(found, dict):
            scores = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in found.items() if k != "value")
            parts.append(f"{name.replace('_', ' ')} {found.get('value')}" + (f" ({scores})" if scores else ""))
        else:
            parts.append(f"{name.replace('_', ' ')} {found}")
    return ", ".join(parts)


def _data_info(path: str | Path, records: Sequence[Record], unaligned: int) -> dict[str, Any]:
    return {
        "path": str(path),
        "sha256": file_sha256(path),
        "documents": len(records),
        "entities": sum(len(r.annotations.entities) for r in records),
        "events": sum(len(r.annotations.events) for r in records),
        "arguments": sum(len(e.arguments) for r in records for e in r.annotations.events),
        "spans_not_on_tokens": unaligned,
    }


def train_model(
    train_path: str | Path,
    dev_path: str | Path,
    config: ModelConfig,
    *,
    config_path: str | Path | None = None,
    schema: Schema | None = None,
    entities_from: str | Path | None = None,
    log: Log = _quiet,
) -> EventModel:
    """Train every part on ``train_path``, calibrate on ``dev_path``; return the model (not yet saved).

    ``entities_from`` reuses the spaCy pipeline (tokenizer and ``ner``) of a saved model instead
    of training one (e.g. the accuracy config on top of the default model's entities).
    """
    schema = schema or load_schema()
    started = time.perf_counter()
    train, dev = _read(train_path), _read(dev_path)
    if not any(r.annotations.events for r in train):
        raise EventCorpusError("E500", "no events in the training data", file=str(train_path), expected="gold events")
    triggers: TriggerClassifier | FineTunedTriggers
    if config.triggers.kind in ("token_lr", "bow_lr"):
        triggers = TriggerClassifier(config.triggers, config.seed)
    elif config.triggers.kind == "encoder_finetune" and config.uses_encoder:
        check_settings(config.triggers, str(config_path) if config_path else None)
        triggers = FineTunedTriggers(config.triggers, config.encoder, config.seed)
    else:
        raise EventCorpusError(
            "E502",
            f"triggers.kind {config.triggers.kind!r}",
            expected="token_lr, bow_lr, or encoder_finetune with an encoder (encoder.package or encoder.model)",
        )
    arguments: ArgumentClassifier | MajorityArguments
    if config.arguments.kind == "pair_lr":
        arguments = ArgumentClassifier(config.arguments, config.seed)
    elif config.arguments.kind == "majority":
        arguments = MajorityArguments(config.arguments, config.seed)
    else:
        raise EventCorpusError("E502", f"arguments.kind {config.arguments.kind!r}", expected="pair_lr or majority")
    timings: dict[str, float] = {}
    ner_info: dict[str, Any] = {}
    tagger: TokenEntityTagger | None = None
    if entities_from is not None:
        source = load_model(entities_from, schema)
        if source.entity_tagger is not None:
            raise EventCorpusError("E502", "entities_from must be a model with a spaCy ner", file=str(entities_from))
        if source.meta.get("entities", {}).get("refit_on_dev") and (
            source.meta.get("data", {}).get("dev", {}).get("sha256") == file_sha256(dev_path)
        ):
            raise EventCorpusError(
                "E502",
                "the entities_from model's ner was refitted on this same dev file, so calibrating on it would "
                "see entities the recogniser was trained on",
                file=str(entities_from),
                expected="a model trained with entities.refit_on_dev false, or another dev file",
            )
        nlp, ner_info = source.nlp, {**source.meta.get("entities", {}), "from_model": str(entities_from)}
    elif config.entities.kind == "spacy_ner":
        nlp, ner_info = train_spacy_ner(train, dev, config.entities, config.seed, log)
    elif config.entities.kind == "token_lr":
        nlp = blank_nlp()
        tagger = TokenEntityTagger(config.entities, config.seed)
    else:
        raise EventCorpusError("E502", f"entities.kind {config.entities.kind!r}", expected="spacy_ner or token_lr")
    timings["entities"] = time.perf_counter() - started
    train_parsed, train_unaligned = _gold_parsed(nlp, train)
    if tagger is not None:
        tagger.fit(train_parsed)
        timings["entities"] = time.perf_counter() - started
    model = EventModel(config, schema, nlp, triggers, arguments, tagger)
    mark = time.perf_counter()
    train_vectors = model.vectors(train_parsed)
    timings["encoder_train"] = time.perf_counter() - mark
    dev_gold_parsed, dev_unaligned = _gold_parsed(nlp, dev)
    dev_parsed = model.parse([r.document for r in dev])  # as the model sees it: recognised entities
    dev_vectors = model.vectors(dev_parsed)
    mark = time.perf_counter()
    if isinstance(triggers, FineTunedTriggers):
        triggers.fit(
            train_parsed,
            train_vectors,
            dev=dev_parsed,
            dev_gold=dev_gold_parsed,
            dev_vectors=dev_vectors,
            thresholds=THRESHOLDS,
            log=log,
        )
    else:
        triggers.fit(train_parsed, train_vectors)
    timings["triggers"] = time.perf_counter() - mark
    log(f"triggers trained in {timings['triggers']:.1f}s")
    mark = time.perf_counter()
    arguments.fit(train_parsed, schema, train_vectors)
    timings["arguments"] = time.perf_counter() - mark
    log(f"arguments trained in {timings['arguments']:.1f}s")
    model.attributes = AttributeClassifier(config.seed)
    model.attributes.fit(train_parsed, schema)
    mark = time.perf_counter()
    dev_gold = [r.annotations for r in dev]
    thresholds = calibrate(model, dev_parsed, dev_gold, dev_vectors)
    timings["calibration"] = time.perf_counter() - mark
    log("calibrated on dev: " + _threshold_line(thresholds))
    dev_predicted = model.extract(dev_parsed, vectors=dev_vectors)
    dev_scores = score(dev_gold, dev_predicted, n_bootstrap=1000, seed=config.seed)
    attribute_scores = attribute_accuracy(dev_gold, dev_predicted, schema)
    log("dev attributes (events whose trigger and type are right): " + _attribute_line(attribute_scores))
    if config.refit_on_dev:
        mark = time.perf_counter()
        both = train_parsed + dev_gold_parsed
        # the same tokens as dev_parsed, so the same encoder vectors
        both_vectors = None if train_vectors is None or dev_vectors is None else train_vectors + dev_vectors
        triggers.refit(both, both_vectors)
        arguments.fit(both, schema, both_vectors)
        model.attributes.fit(both, schema)
        timings["refit"] = time.perf_counter() - mark
        log(f"refitted triggers and arguments on train + dev in {timings['refit']:.1f}s")
    if config.entities.refit_on_dev and config.entities.kind == "spacy_ner" and entities_from is None:
        mark = time.perf_counter()
        epochs = int(ner_info["best_epoch"])
        model.nlp, _ = train_spacy_ner(train + dev, [], config.entities, config.seed, log, epochs=epochs)
        timings["entities_refit"] = time.perf_counter() - mark
        ner_info["refit_on_dev"] = {"epochs": epochs, "documents": len(train) + len(dev)}
        log(f"refitted ner on train + dev ({epochs} epochs) in {timings['entities_refit']:.1f}s")
    timings["total"] = time.perf_counter() - started
    model.meta = {
        "name": config.name,
        "version": config.version,
        "annotator": model.annotator,
        "format": FORMAT,
        "baseline": config.entities.kind == "token_lr",
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "seed": config.seed,
        "refit_on_dev": config.refit_on_dev,
        "config": config.to_dict(),
        "config_sha256": file_sha256(config_path) if config_path else _dict_sha256(config.to_dict()),
        "config_path": str(config_path) if config_path else None,
        "data": {
            "train": _data_info(train_path, train, train_unaligned),
            "dev": _data_info(dev_path, dev, dev_unaligned),
        },
        "schema": {"name": schema.name, "version": schema.version},
        "labels": {
            "entities": sorted(
                {e.label for r in train for e in r.annotations.entities if e.label != ARGUMENT_SPAN_LABEL}
            ),
            "events": sorted({e.type for r in train for e in r.annotations.events}),
        },
        "entities": ner_info,
        **(
            {"trigger_encoder": {"epochs": triggers.history, "best_epoch": triggers.best_epoch}}
            if isinstance(triggers, FineTunedTriggers)
            else {}
        ),
        "thresholds": {"trigger": model.triggers.threshold, "argument": model.arguments.threshold, **thresholds},
        "dev_scores": {m: _rounded(s.to_dict()) for m, s in dev_scores.metrics.items()},
        "dev_attributes": attribute_scores,
        "timings_s": {k: round(v, 2) for k, v in timings.items()},
        "environment": {
            "eventcorpus": __version__,
            "spacy": spacy.__version__,
            "scikit-learn": sklearn.__version__,
            "python": platform.python_version(),
        },
    }
    return model


def _rounded(d: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        if isinstance(v, float):
            out[k] = round(100 * v, 2)
        elif k == "ci" and isinstance(v, dict):
            out[k] = {m: [round(100 * x, 2) for x in b] for m, b in v.items()}
        else:
            out[k] = v
    return out


def _dict_sha256(data: dict[str, Any]) -> str:
    import hashlib

    return hashlib.sha256(json.dumps(data, sort_keys=True).encode("utf-8")).hexdigest()


def attribute_accuracy(
    gold: Sequence[AnnotationSet], predicted: Sequence[AnnotationSet], schema: Schema
) -> dict[str, dict[str, Any]]:
    """Per attribute: accuracy on the events found with the right trigger span and type, beside the
    accuracy of always answering the schema's default, and the number of such events."""
    pairs: list[tuple[dict[str, str], dict[str, str]]] = []
    by_doc = {g.doc_id: g for g in gold}
    for p in predicted:
        g = by_doc.get(p.doc_id)
        if g is None:
            continue
        gold_events = {(e.trigger.start, e.trigger.end, e.type): e.attributes for e in g.events}
        for event in p.events:
            found = gold_events.get((event.trigger.start, event.trigger.end, event.type))
            if found is not None:
                pairs.append((found, event.attributes))
    out: dict[str, dict[str, Any]] = {}
    for name, spec in schema.attributes.items():
        right = sum(g.get(name, spec.default) == p.get(name, spec.default) for g, p in pairs)
        default = sum(g.get(name, spec.default) == spec.default for g, _ in pairs)
        out[name] = {
            "events": len(pairs),
            "accuracy": round(100 * right / len(pairs), 1) if pairs else None,
            "default_accuracy": round(100 * default / len(pairs), 1) if pairs else None,
        }
    return out


def _attribute_line(scores: dict[str, dict[str, Any]]) -> str:
    return ", ".join(
        f"{name} {s['accuracy']} (always {name} default: {s['default_accuracy']}; {s['events']} events)"
        for name, s in scores.items()
    )


# --- loading -----------------------------------------------------------------------------------


def load_model(folder: str | Path, schema: Schema | None = None) -> EventModel:
    """Load a saved model folder; E501 names what is missing."""
    root = Path(folder)
    needed = ["meta.json", "config.yaml", "components.joblib", "pipeline"]
    missing = [name for name in needed if not (root / name).exists()]
    if missing:
        raise EventCorpusError(
            "E501",
            f"{root} lacks {', '.join(missing)}",
            file=str(root),
            expected="a folder written by `eventcorpus train` (" + ", ".join(needed) + ")",
        )
    try:
        meta = json.loads((root / "meta.json").read_text(encoding="utf-8"))
        config = config_from_dict(
            yaml.safe_load((root / "config.yaml").read_text(encoding="utf-8")), file=str(root / "config.yaml")
        )
        parts = joblib.load(root / "components.joblib")
        nlp = spacy.load(root / "pipeline")
    except (ValueError, OSError, EOFError, KeyError, TypeError) as exc:
        raise EventCorpusError("E501", f"cannot read the model in {root}: {exc!r}", file=str(root)) from exc
    if meta.get("format") != FORMAT:
        raise EventCorpusError(
            "E501",
            f"model format {meta.get('format')!r}",
            file=str(root),
            expected=f"format {FORMAT}",
            fix="retrain the model",
        )
    return EventModel(
        config,
        schema or load_schema(),
        nlp,
        parts["triggers"],
        parts["arguments"],
        parts["entity_tagger"],
        meta,
        parts.get("attributes"),  # models saved before attributes were predicted have none
    )


# --- model card ------------------------------------------------------------------------------


def model_card(meta: dict[str, Any]) -> str:
    """The model folder's README.md: data, dev metrics with bootstrap intervals, use, limits."""
    data = meta.get("data", {})
    lines = [
        f"# {meta.get('name')} {meta.get('version')}",
        "",
        "An event extractor trained by `eventcorpus train`: text in, entities and events out, "
        f"in the schema {meta.get('schema', {}).get('name')} {meta.get('schema', {}).get('version')}. "
        f"Annotator name in its predictions: `{meta.get('annotator')}`.",
        "",
        "## Parts",
        f"- entities: `{meta['config']['entities']['kind']}`; triggers: `{meta['config']['triggers']['kind']}`; "
        f"arguments: `{meta['config']['arguments']['kind']}`; encoder: "
        f"`{meta['config']['encoder']['model'] or meta['config']['encoder']['package'] or 'none (no pretrained weights)'}`.",
        f"- calibrated on dev: trigger threshold {meta['thresholds']['trigger']}, argument threshold {meta['thresholds']['argument']}.",
        "",
        "## Data",
        "| split | file | sha256 | documents | entities | events | arguments |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for split in ("train", "dev"):
        d = data.get(split, {})
        lines.append(
            f"| {split} | `{Path(d.get('path', '')).name}` | `{d.get('sha256', '')[:16]}…` | {d.get('documents')} | "
            f"{d.get('entities')} | {d.get('events')} | {d.get('arguments')} |"
        )
    lines += [
        "",
        "## Metrics on the dev split (micro F1 x 100, 95% bootstrap interval over documents)",
        "Measured before the final refit: the thresholds were calibrated on this same dev split, so these "
        "figures are optimistic"
        + (
            "; the triggers and arguments were then refitted on train + dev"
            + (" (the fine-tuned trigger encoder was not)" if "trigger_encoder" in meta else "")
            if meta.get("refit_on_dev")
            else ""
        )
        + (
            "; the entity recogniser was then retrained on train + dev for the epoch count chosen on dev"
            if meta.get("entities", {}).get("refit_on_dev")
            else ""
        )
        + ". Score a held-out test split with `eventcorpus evaluate` for an unbiased figure.",
        "",
        "| metric | P | R | F1 | 95% CI of F1 |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for metric, s in meta.get("dev_scores", {}).items():
        ci = s.get("ci", {}).get("f1")
        lines.append(
            f"| {metric} | {s['precision']:.1f} | {s['recall']:.1f} | {s['f1']:.1f} | "
            + (f"{ci[0]:.1f}–{ci[1]:.1f}" if ci else "n/a")
            + " |"
        )
    attributes = meta.get("dev_attributes") or {}
    if attributes:
        lines += [
            "",
            "## Event attributes on the dev split",
            "Accuracy (%) on the dev events whose trigger span and type the model found, beside always answering "
            "the schema's default value.",
            "",
            "| attribute | accuracy | always the default | events |",
            "| --- | ---: | ---: | ---: |",
        ]
        for name, s in attributes.items():
            lines.append(f"| {name} | {s['accuracy']} | {s['default_accuracy']} | {s['events']} |")
    lines += [
        "",
        "## Intended use",
        "Pre-annotation for doccano (`eventcorpus predict`, then `doccano push --annotations`) and a measured "
        "reference point for event extractors trained on the corpus. Every prediction needs human review.",
        "",
        "## Limits",
        f"- Trained on {data.get('train', {}).get('documents')} documents with {data.get('train', {}).get('events')} "
        "events; trigger words never seen in training are rarely found without a pretrained encoder.",
        "- A trigger is one token; multi-word triggers are found by their first token only.",
        "- Arguments are looked for within the trigger's sentence only, and only among recognised entities.",
        "- English news only; other genres and languages are untested.",
        "",
        "## Reproduce",
        f"seed {meta.get('seed')}, config sha256 `{meta.get('config_sha256', '')[:16]}…`, training took "
        f"{meta.get('timings_s', {}).get('total')} s; versions: {meta.get('environment')}.",
        "",
    ]
    return "\n".join(lines)
