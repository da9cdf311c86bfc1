"""The learned parts: entity recogniser, trigger classifier, argument classifier, and their baselines."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
import spacy
from scipy import sparse
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.training import Example
from spacy.util import filter_spans, fix_random_seed, minibatch

from eventcorpus.extract.config import ArgumentConfig, EntityConfig, TriggerConfig
from eventcorpus.extract.data import Mention, Parsed
from eventcorpus.extract.features import entity_tags, pair_features, trigger_features, word_features
from eventcorpus.progress import track
from eventcorpus.records import ARGUMENT_SPAN_LABEL, Record
from eventcorpus.schema import Schema

NONE = "O"
MAX_TEXT = 100_000_000  # characters; see blank_nlp
Vectors = Sequence[np.ndarray] | None


def blank_nlp() -> Language:
    """The shared tokenisation (spaCy blank English) with a sentencizer."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    # spaCy's 1,000,000-character limit (E088) guards parsers and NER models, which this pipeline
    # lacks: tokenising and sentence-splitting a long report is linear, so long documents are read whole
    nlp.max_length = MAX_TEXT
    return nlp


def _stack(x: sparse.csr_matrix, dense: np.ndarray | None) -> sparse.csr_matrix:
    if dense is None:
        return x
    return sparse.hstack([x, sparse.csr_matrix(dense)], format="csr")


def _logreg(c: float, seed: int) -> LogisticRegression:
    return LogisticRegression(C=c, max_iter=400, random_state=seed)


# --- entities --------------------------------------------------------------------------------


def _ner_examples(nlp: Language, records: Sequence[Record]) -> tuple[list[Example], int]:
    """Gold entities as one spaCy example per sentence (long documents would give few updates).

    Spans snap outward to tokens; overlapping spans keep the longest; spans crossing a sentence
    boundary are dropped. Returns the examples and how many gold spans were dropped.
    """
    examples: list[Example] = []
    dropped = 0
    sentencizer = nlp.get_pipe("sentencizer")
    for record in records:
        doc = sentencizer(nlp.make_doc(record.document.text))
        spans = []
        for entity in record.annotations.entities:
            if entity.label == ARGUMENT_SPAN_LABEL:  # an argument filler, not an entity mention to learn
                continue
            span = doc.char_span(entity.start, entity.end, label=entity.label, alignment_mode="expand")
            if span is None:
                dropped += 1
            else:
                spans.append(span)
        kept = filter_spans(spans)
        dropped += len(spans) - len(kept)
        for sent in doc.sents:
            tokens = list(sent)
            if all(t.is_space for t in tokens):
                continue
            words, spaces = [t.text for t in tokens], [bool(t.whitespace_) for t in tokens]
            reference = Doc(nlp.vocab, words=words, spaces=spaces)
            inside = [e for e in kept if sent.start <= e.start and e.end <= sent.end]
            dropped += sum(1 for e in kept if e.start < sent.end and e.end > sent.start) - len(inside)
            reference.ents = [Span(reference, e.start - sent.start, e.end - sent.start, e.label_) for e in inside]
            examples.append(Example(Doc(nlp.vocab, words=words, spaces=spaces), reference))
    return examples, dropped


def _ner_batches(examples: list[Example], size: int, description: str) -> Iterator[list[Example]]:
    """One epoch's minibatches, with progress in examples (a bar, or lines away from a terminal)."""
    return track(minibatch(examples, size=size), description, len(examples), unit="examples", size=len)


def train_spacy_ner(
    train: Sequence[Record],
    dev: Sequence[Record],
    config: EntityConfig,
    seed: int,
    log: Callable[[str], None] = lambda _: None,
    epochs: int | None = None,
) -> tuple[Language, dict[str, Any]]:
    """Train spaCy's ``ner`` from scratch (no pretrained weights), keeping the best epoch on dev.

    With ``epochs`` set, train exactly that many epochs and keep the last (``dev`` is not used):
    the refit on train + dev for the epoch count that early stopping chose.
    """
    fix_random_seed(seed)
    nlp = blank_nlp()
    nlp.add_pipe("ner")
    train_examples, dropped = _ner_examples(nlp, train)
    optimizer = nlp.initialize(lambda: train_examples)
    rng = random.Random(seed)
    if epochs is not None:
        for epoch in range(1, epochs + 1):
            rng.shuffle(train_examples)
            losses: dict[str, float] = {}
            for batch in _ner_batches(train_examples, config.batch_size, f"ner refit epoch {epoch}/{epochs}"):
                nlp.update(batch, drop=config.dropout, sgd=optimizer, losses=losses)
            log(f"ner refit epoch {epoch}/{epochs}: loss {losses.get('ner', 0.0):.1f}")
        return nlp, {"epochs": epochs, "dropped_gold_spans": dropped}
    dev_examples, _ = _ner_examples(nlp, dev)
    best_f, best_bytes, best_epoch, stale = -1.0, nlp.to_bytes(), 0, 0
    for epoch in range(1, config.max_epochs + 1):
        rng.shuffle(train_examples)
        losses = {}
        for batch in _ner_batches(train_examples, config.batch_size, f"ner epoch {epoch}"):
            nlp.update(batch, drop=config.dropout, sgd=optimizer, losses=losses)
        score = float(nlp.evaluate(dev_examples)["ents_f"] or 0.0) if dev_examples else 0.0
        log(f"ner epoch {epoch}: loss {losses.get('ner', 0.0):.1f}, dev F1 {100 * score:.1f}")
        if score > best_f:
            best_f, best_bytes, best_epoch, stale = score, nlp.to_bytes(), epoch, 0
        else:
            stale += 1
            if stale >= config.patience:
                break
    nlp.from_bytes(best_bytes)
    return nlp, {"dev_f1": round(100 * best_f, 2), "best_epoch": best_epoch, "dropped_gold_spans": dropped}


class TokenEntityTagger:
    """Baseline entity recogniser: a logistic regression over BIO tags, one token at a time (no CRF)."""

    def __init__(self, config: EntityConfig, seed: int) -> None:
        self.seed = seed
        self.vectorizer = DictVectorizer()
        self.classifier = _logreg(1.0, seed)

    @staticmethod
    def _tags(parsed: Parsed) -> list[str]:
        tags = ["O"] * len(parsed)
        for entity in sorted(parsed.entities, key=lambda e: e.start - e.end):
            if entity.label != ARGUMENT_SPAN_LABEL and all(t == "O" for t in tags[entity.start : entity.end]):
                tags[entity.start] = f"B-{entity.label}"
                for i in range(entity.start + 1, entity.end):
                    tags[i] = f"I-{entity.label}"
        return tags

    def fit(self, parsed: Sequence[Parsed]) -> None:
        rows = [word_features(p, i, 2) for p in parsed for i in range(len(p))]
        labels = [t for p in parsed for t in self._tags(p)]
        self.classifier.fit(self.vectorizer.fit_transform(rows), labels)

    def predict(self, parsed: Parsed) -> list[Mention]:
        if not len(parsed):
            return []
        x = self.vectorizer.transform([word_features(parsed, i, 2) for i in range(len(parsed))])
        tags = self.classifier.predict(x)
        mentions: list[Mention] = []
        for i, tag in enumerate(tags):
            if tag == "O":
                continue
            label = tag[2:]
            last = mentions[-1] if mentions else None
            if tag.startswith("I-") and last and last.end == i and last.label == label:
                last.end = i + 1
            else:
                mentions.append(Mention(i, i + 1, label))
        return mentions


# --- triggers --------------------------------------------------------------------------------


class TriggerClassifier:
    """Token-level logistic regression over event types; a token may carry several types.

    A token triggers every type whose probability reaches ``threshold`` (calibrated on dev).
    ``bow`` uses the word alone (the baseline).
    """

    def __init__(self, config: TriggerConfig, seed: int) -> None:
        self.config = config
        self.seed = seed
        self.vectorizer = DictVectorizer()
        self.classifier = _logreg(config.C, seed)
        self.threshold = config.threshold

    def _features(self, parsed: Parsed, entities: list[Mention]) -> list[dict[str, float]]:
        if self.config.kind == "bow_lr":
            return [{f"w={w.lower()}": 1.0, "bias": 1.0} for w in parsed.words]
        tags = entity_tags(parsed, entities)
        return [trigger_features(parsed, i, tags, self.config.window) for i in range(len(parsed))]

    def fit(self, parsed: Sequence[Parsed], vectors: Vectors = None) -> None:
        rows: list[dict[str, float]] = []
        labels: list[str] = []
        dense: list[np.ndarray] = []
        for k, p in enumerate(parsed):
            types: dict[int, list[str]] = defaultdict(list)
            for event in p.events:
                if event.type not in types[event.token]:
                    types[event.token].append(event.type)
            for i, feats in enumerate(self._features(p, p.entities)):
                for label in types.get(i) or [NONE]:
                    rows.append(feats)
                    labels.append(label)
                    if vectors is not None:
                        dense.append(vectors[k][i])
        x = _stack(self.vectorizer.fit_transform(rows), np.vstack(dense) if dense else None)
        self.classifier.fit(x, labels)

    def refit(self, parsed: Sequence[Parsed], vectors: Vectors = None) -> None:
        """Refit on train + dev with the same settings (``refit_on_dev``)."""
        self.fit(parsed, vectors)

    def probabilities(self, parsed: Parsed, vectors: np.ndarray | None = None) -> np.ndarray:
        if not len(parsed):
            return np.zeros((0, len(self.classifier.classes_)))
        x = _stack(self.vectorizer.transform(self._features(parsed, parsed.entities)), vectors)
        return self.classifier.predict_proba(x)

    def decode(self, probs: np.ndarray, threshold: float | None = None) -> list[tuple[int, str]]:
        """(token, event type) for every type at or above the threshold."""
        limit = self.threshold if threshold is None else threshold
        classes = self.classifier.classes_
        out = []
        for i, j in zip(*np.nonzero(probs >= limit), strict=False):
            if classes[j] != NONE:
                out.append((int(i), str(classes[j])))
        return out


# --- event attributes ------------------------------------------------------------------------

_BEFORE, _AFTER = 8, 4  # tokens of the trigger's sentence looked at on each side


def attribute_features(parsed: Parsed, token: int, event_type: str) -> dict[str, float]:
    """What tells a real event from a threatened, planned, denied or generic one: the words around it."""
    words = parsed.words
    sentence = parsed.sentence[token]
    feats = {"bias": 1.0, f"type={event_type}": 1.0, f"w={words[token].lower()}": 1.0}
    for offset in range(1, _BEFORE + 1):
        i = token - offset
        if i < 0 or parsed.sentence[i] != sentence:
            break
        feats[f"before={words[i].lower()}"] = 1.0
        if offset <= 2:
            feats[f"before{offset}={words[i].lower()}"] = 1.0
    for offset in range(1, _AFTER + 1):
        i = token + offset
        if i >= len(words) or parsed.sentence[i] != sentence:
            break
        feats[f"after={words[i].lower()}"] = 1.0
    return feats


class AttributeClassifier:
    """One logistic regression per schema attribute (polarity, modality, ...) over the trigger's context.

    An attribute whose training events all carry one value is predicted as that value.
    Every predicted event gets a value for every attribute, so a reader sees what the
    model decided rather than a silent default.
    """

    def __init__(self, seed: int, C: float = 1.0) -> None:
        self.seed = seed
        self.C = C
        self.defaults: dict[str, str] = {}
        self.models: dict[str, tuple[DictVectorizer, LogisticRegression]] = {}
        self.constant: dict[str, str] = {}

    def fit(self, parsed: Sequence[Parsed], schema: Schema) -> None:
        rows = [attribute_features(p, e.token, e.type) for p in parsed for e in p.events]
        self.defaults = {name: spec.default for name, spec in schema.attributes.items()}
        self.models, self.constant = {}, {}
        for name, default in self.defaults.items():
            labels = [e.attributes.get(name, default) for p in parsed for e in p.events]
            if len(set(labels)) < 2:
                self.constant[name] = labels[0] if labels else default
                continue
            vectorizer = DictVectorizer()
            model = LogisticRegression(C=self.C, max_iter=2000, class_weight="balanced", random_state=self.seed)
            model.fit(vectorizer.fit_transform(rows), labels)
            self.models[name] = (vectorizer, model)

    def predict(self, parsed: Parsed, events: Sequence[tuple[int, str]]) -> list[dict[str, str]]:
        """One {attribute: value} per (token, event type), in order."""
        out: list[dict[str, str]] = [dict(self.constant) for _ in events]
        if not events:
            return out
        rows = [attribute_features(parsed, token, event_type) for token, event_type in events]
        for name, (vectorizer, model) in self.models.items():
            for values, label in zip(out, model.predict(vectorizer.transform(rows)), strict=True):
                values[name] = str(label)
        return [dict(sorted(values.items())) for values in out]


# --- arguments -------------------------------------------------------------------------------


def candidate_pairs(
    parsed: Parsed, events: Sequence[tuple[int, str]], schema: Schema
) -> list[tuple[int, int, tuple[str, ...]]]:
    """(event index, entity index, roles the schema allows) for entities in the trigger's sentence."""
    out = []
    for k, (token, event_type) in enumerate(events):
        spec = schema.event_types.get(event_type)
        if spec is None:
            continue
        for j, entity in enumerate(parsed.entities):
            if parsed.sentence[entity.start] != parsed.sentence[token]:
                continue
            roles = tuple(r for r, role in spec.roles.items() if entity.label in role.fillers)
            if roles:
                out.append((k, j, roles))
    return out


class ArgumentClassifier:
    """Logistic regression over (trigger, entity) pairs; picks the best role the schema allows."""

    def __init__(self, config: ArgumentConfig, seed: int) -> None:
        self.config = config
        self.seed = seed
        self.vectorizer = DictVectorizer()
        self.classifier = _logreg(config.C, seed)
        self.threshold = config.threshold

    @staticmethod
    def _dense(vectors: np.ndarray | None, parsed: Parsed, token: int, entity: Mention) -> np.ndarray | None:
        if vectors is None:
            return None
        return np.concatenate([vectors[token], vectors[entity.start : entity.end].mean(axis=0)])

    def fit(self, parsed: Sequence[Parsed], schema: Schema, vectors: Vectors = None) -> None:
        rows: list[dict[str, float]] = []
        labels: list[str] = []
        dense: list[np.ndarray] = []
        for k, p in enumerate(parsed):
            events = [(e.token, e.type) for e in p.events]
            tokens = sorted({e.token for e in p.events})
            for event_index, entity_index, _ in candidate_pairs(p, events, schema):
                event = p.events[event_index]
                entity = p.entities[entity_index]
                roles = [r for r, j in event.arguments if j == entity_index]
                rows.append(pair_features(p, event.token, event.type, entity, p.entities, tokens))
                labels.append(roles[0] if roles else NONE)
                if vectors is not None:
                    dense.append(self._dense(vectors[k], p, event.token, entity))  # type: ignore[arg-type]
        if len(set(labels)) < 2:
            labels.append("__never__" if labels and labels[0] != NONE else NONE)
            rows.append({"bias": 1.0})
            if dense:
                dense.append(np.zeros_like(dense[0]))
        x = _stack(self.vectorizer.fit_transform(rows), np.vstack(dense) if dense else None)
        self.classifier.fit(x, labels)

    def scored(
        self, parsed: Parsed, events: Sequence[tuple[int, str]], schema: Schema, vectors: np.ndarray | None = None
    ) -> list[tuple[int, int, str, float]]:
        """(event index, entity index, best allowed role, its probability) for each candidate pair."""
        pairs = candidate_pairs(parsed, events, schema)
        if not pairs:
            return []
        tokens = sorted({token for token, _ in events})
        rows = [
            pair_features(parsed, events[k][0], events[k][1], parsed.entities[j], parsed.entities, tokens)
            for k, j, _ in pairs
        ]
        dense = None
        if vectors is not None:
            dense = np.vstack([self._dense(vectors, parsed, events[k][0], parsed.entities[j]) for k, j, _ in pairs])  # type: ignore[misc]
        probs = self.classifier.predict_proba(_stack(self.vectorizer.transform(rows), dense))
        column = {c: i for i, c in enumerate(self.classifier.classes_)}
        out = []
        for (k, j, roles), row in zip(pairs, probs, strict=False):
            known = [r for r in roles if r in column]
            if not known:
                continue
            role = max(known, key=lambda r: row[column[r]])
            out.append((k, j, role, float(row[column[role]])))
        return out

    def decode(
        self, scored: list[tuple[int, int, str, float]], threshold: float | None = None
    ) -> list[tuple[int, int, str]]:
        limit = self.threshold if threshold is None else threshold
        return [(k, j, role) for k, j, role, p in scored if p >= limit]


class MajorityArguments:
    """Baseline: the nearest entity of each (event type, entity type) gets that pair's most frequent role."""

    def __init__(self, config: ArgumentConfig, seed: int) -> None:
        self.majority: dict[tuple[str, str], str] = {}
        self.threshold = 0.0

    def fit(self, parsed: Sequence[Parsed], schema: Schema, vectors: Vectors = None) -> None:
        counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
        for p in parsed:
            for event in p.events:
                for role, j in event.arguments:
                    counts[(event.type, p.entities[j].label)][role] += 1
        self.majority = {key: c.most_common(1)[0][0] for key, c in counts.items()}

    def scored(
        self, parsed: Parsed, events: Sequence[tuple[int, str]], schema: Schema, vectors: np.ndarray | None = None
    ) -> list[tuple[int, int, str, float]]:
        best: dict[tuple[int, str], tuple[int, int]] = {}
        for k, j, roles in candidate_pairs(parsed, events, schema):
            role = self.majority.get((events[k][1], parsed.entities[j].label))
            if role is None or role not in roles:
                continue
            entity = parsed.entities[j]
            distance = min(abs(entity.start - events[k][0]), abs(entity.end - 1 - events[k][0]))
            if (k, role) not in best or distance < best[(k, role)][1]:
                best[(k, role)] = (j, distance)
        return [(k, j, role, 1.0) for (k, role), (j, _) in best.items()]

    def decode(
        self, scored: list[tuple[int, int, str, float]], threshold: float | None = None
    ) -> list[tuple[int, int, str]]:
        return [(k, j, role) for k, j, role, _ in scored]
