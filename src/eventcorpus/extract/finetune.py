"""Triggers from a pretrained encoder fine-tuned as a per-token event-type classifier.

The accuracy config's trigger part (``triggers.kind: encoder_finetune``). Needs the optional
``accuracy`` extra (torch, transformers); the starting weights come from the same places as
:class:`~eventcorpus.extract.encoder.TokenEncoder` and are never downloaded. Each token is
classified from its first word piece, sentence by sentence; the epoch with the best trigger
classification F1 on dev is kept. The fine-tuned weights travel inside the component, so they
are saved with the model folder's ``components.joblib``.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from eventcorpus.errors import EventCorpusError
from eventcorpus.extract.components import TriggerClassifier
from eventcorpus.extract.config import EncoderConfig, TriggerConfig
from eventcorpus.extract.data import Parsed, Unit, sentence_units
from eventcorpus.extract.encoder import load_pretrained, tokenize_units
from eventcorpus.progress import track

NONE = "O"


def best_token_f1(
    probs: Sequence[np.ndarray], classes: Sequence[str], gold: set[tuple[int, int, str]], thresholds: Sequence[float]
) -> tuple[float, float]:
    """(F1, threshold) of (document, token, type) triples at the best threshold."""
    best = (0.0, thresholds[0])
    for t in thresholds:
        pred = {
            (k, int(i), classes[j])
            for k, pr in enumerate(probs)
            for i, j in zip(*np.nonzero(pr >= t), strict=False)
            if classes[j] != NONE
        }
        hits = len(pred & gold)
        f1 = 2 * hits / (len(pred) + len(gold)) if pred or gold else 0.0
        if f1 > best[0]:
            best = (f1, t)
    return best


def check_settings(config: TriggerConfig, file: str | None = None) -> None:
    """E502 for fine-tuning settings that cannot train, before any training starts."""
    problems = []
    if config.epochs < 1:
        problems.append(f"epochs {config.epochs} (at least 1)")
    if config.batch_size < 1:
        problems.append(f"batch_size {config.batch_size} (at least 1)")
    if not config.learning_rate > 0:
        problems.append(f"learning_rate {config.learning_rate} (above 0)")
    if not 0 <= config.encoder_weight <= 1:
        problems.append(f"encoder_weight {config.encoder_weight} (between 0 and 1)")
    if problems:
        raise EventCorpusError(
            "E502",
            "triggers: " + "; ".join(problems),
            file=file,
            expected="encoder_finetune settings in range",
            fix="see models/accuracy.yaml for working values",
        )


class FineTunedTriggers:
    """An encoder plus a linear layer over event types, fine-tuned on the training triggers.

    Same interface as :class:`~eventcorpus.extract.components.TriggerClassifier`: a token triggers
    every type whose probability reaches ``threshold`` (calibrated on dev afterwards). With
    ``config.encoder_weight`` below 1 the probabilities are a weighted mean with those of the token
    logistic regression (sparse features plus the frozen encoder vectors, when the config has them).
    """

    def __init__(self, config: TriggerConfig, encoder: EncoderConfig, seed: int) -> None:
        self.config = config
        self.encoder_config = encoder
        self.seed = seed
        self.threshold = config.threshold
        self.classes: list[str] = [NONE]
        self.history: list[dict[str, float]] = []
        self.linear = TriggerClassifier(config, seed) if config.encoder_weight < 1 else None
        self._encoder: Any = None
        self._head: Any = None
        self._tokenizer: Any = None

    # --- torch parts, built lazily (load_pretrained imports torch) so that the module imports without it ---

    def _build(self, state: dict[str, Any] | None = None) -> None:
        torch, tokenizer, encoder = load_pretrained(self.encoder_config)
        self._torch = torch
        self._tokenizer = tokenizer
        self._encoder = encoder
        self._head = torch.nn.Linear(encoder.config.hidden_size, len(self.classes)).to(self.encoder_config.device)
        if state is not None:
            self._encoder.load_state_dict(state["encoder"])
            self._head.load_state_dict(state["head"])

    def _state(self) -> dict[str, Any]:
        return {
            "encoder": {k: v.detach().cpu().clone() for k, v in self._encoder.state_dict().items()},
            "head": {k: v.detach().cpu().clone() for k, v in self._head.state_dict().items()},
        }

    def __getstate__(self) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items() if k not in ("_encoder", "_head", "_tokenizer", "_torch")}
        out["weights"] = self._state() if self._encoder is not None else None
        return out

    def __setstate__(self, state: dict[str, Any]) -> None:
        weights = state.pop("weights", None)
        self.__dict__.update(state)
        self._encoder = self._head = self._tokenizer = None
        if weights is not None:
            self._build(weights)

    def _batch(self, parsed: Sequence[Parsed], units: Sequence[Unit]) -> tuple[Any, Any]:
        """Encoder inputs and, per unit and token, the position of its first word piece (-1: cut off)."""
        torch = self._torch
        enc = tokenize_units(self._tokenizer, parsed, units, self.encoder_config.max_length)
        first = torch.full((len(units), max(len(idx) for _, idx in units)), -1, dtype=torch.long)
        for row in range(len(units)):
            for piece, word in enumerate(enc.word_ids(row)):
                if word is not None and first[row, word] < 0:
                    first[row, word] = piece
        device = self.encoder_config.device
        return {k: v.to(device) for k, v in enc.items()}, first.to(device)

    def _logits(self, inputs: Any, first: Any) -> Any:
        hidden = self._encoder(**inputs).last_hidden_state
        index = first.clamp(min=0).unsqueeze(-1).expand(-1, -1, hidden.size(-1))
        return self._head(self._torch.gather(hidden, 1, index))

    # --- the TriggerClassifier interface ---

    def fit(
        self,
        parsed: Sequence[Parsed],
        vectors: Any = None,
        *,
        dev: Sequence[Parsed] = (),
        dev_gold: Sequence[Parsed] = (),
        dev_vectors: Any = None,
        thresholds: Sequence[float] = (0.5,),
        log: Callable[[str], None] = lambda _: None,
    ) -> None:
        """Fine-tune for ``config.epochs``; with ``dev`` keep the epoch whose trigger classification F1
        (at its best threshold) against ``dev_gold`` (the same tokens, gold events on them) is highest."""
        self.classes = [NONE, *sorted({e.type for p in parsed for e in p.events})]
        if self.linear is not None:
            self.linear.fit(parsed, vectors)
        self._build()
        torch = self._torch
        torch.manual_seed(self.seed)
        rng = random.Random(self.seed)
        label = {t: j for j, t in enumerate(self.classes)}
        units = sentence_units(parsed)
        targets: dict[tuple[int, int], int] = {}
        for k, p in enumerate(parsed):
            for event in p.events:
                targets.setdefault((k, event.token), label[event.type])
        size = self.config.batch_size
        epochs = self.config.epochs
        steps = epochs * ((len(units) + size - 1) // size)
        params = list(self._encoder.parameters()) + list(self._head.parameters())
        optimizer = torch.optim.AdamW(params, lr=self.config.learning_rate, weight_decay=0.01)
        warmup = max(1, steps // 10)
        schedule = torch.optim.lr_scheduler.LambdaLR(
            optimizer, lambda step: min(1.0, (step + 1) / warmup) * max(0.0, (steps - step) / steps)
        )
        gold_triggers = {(k, e.token, e.type) for k, p in enumerate(dev_gold) for e in p.events}
        best_f1, best_state = -1.0, None
        for epoch in range(1, epochs + 1):
            self._encoder.train()
            rng.shuffle(units)
            # batches of similar length (less padding), in random order
            batches: list[list[Unit]] = []
            for start in range(0, len(units), 20 * size):
                chunk = sorted(units[start : start + 20 * size], key=lambda u: len(u[1]))
                batches.extend(chunk[b : b + size] for b in range(0, len(chunk), size))
            rng.shuffle(batches)
            total = 0.0
            for batch in track(batches, f"trigger encoder epoch {epoch}/{epochs}", len(batches), unit="batches"):
                inputs, first = self._batch(parsed, batch)
                gold = torch.full(first.shape, -100, dtype=torch.long)
                kept = (first >= 0).cpu()  # read element by element on the CPU, whatever the device
                for row, (k, idx) in enumerate(batch):
                    for w, i in enumerate(idx):
                        if kept[row, w]:
                            gold[row, w] = targets.get((k, i), 0)
                logits = self._logits(inputs, first)
                loss = torch.nn.functional.cross_entropy(
                    logits.reshape(-1, logits.size(-1)), gold.reshape(-1).to(logits.device), ignore_index=-100
                )
                loss.backward()
                torch.nn.utils.clip_grad_norm_(params, 1.0)
                optimizer.step()
                schedule.step()
                optimizer.zero_grad()
                total += float(loss.item())
            record = {"epoch": epoch, "loss": round(total / max(1, len(batches)), 4)}
            if dev:
                dev_probs = self.probabilities_all(dev, dev_vectors)
                f1, at = best_token_f1(dev_probs, self.classes, gold_triggers, thresholds)
                record.update(dev_TC=round(100 * f1, 2), threshold=at)
                if f1 > best_f1:
                    best_f1, best_state = f1, self._state()
            self.history.append(record)
            log(f"trigger encoder epoch {epoch}/{epochs}: {record}")
        if best_state is not None:
            self._encoder.load_state_dict(best_state["encoder"])
            self._head.load_state_dict(best_state["head"])
        self._encoder.eval()

    def refit(self, parsed: Sequence[Parsed], vectors: Any = None) -> None:
        """Refit on train + dev: the linear part only (fine-tuning again would double the cost)."""
        if self.linear is not None:
            self.linear.fit(parsed, vectors)

    @property
    def best_epoch(self) -> int | None:
        scored = [h for h in self.history if "dev_TC" in h]
        return int(max(scored, key=lambda h: h["dev_TC"])["epoch"]) if scored else None

    def probabilities_all(self, parsed: Sequence[Parsed], vectors: Any = None) -> list[np.ndarray]:
        """(tokens x classes) probabilities per document, blended with the linear part's when there is one."""
        fine = self._encoder_probabilities(parsed)
        if self.linear is None:
            return fine
        weight = self.config.encoder_weight
        columns = [list(self.linear.classifier.classes_).index(c) for c in self.classes]
        vecs = list(vectors) if vectors is not None else [None] * len(parsed)
        return [
            weight * f + (1 - weight) * self.linear.probabilities(p, v)[:, columns]
            for f, p, v in zip(fine, parsed, vecs, strict=True)
        ]

    def _encoder_probabilities(self, parsed: Sequence[Parsed]) -> list[np.ndarray]:
        """(tokens x classes) from the fine-tuned encoder; tokens past max_length get 'no event'."""
        torch = self._torch
        out = [np.zeros((len(p), len(self.classes)), dtype=np.float32) for p in parsed]
        for probs_of_doc in out:
            probs_of_doc[:, 0] = 1.0
        units = sorted(sentence_units(parsed), key=lambda u: len(u[1]))
        was_training = self._encoder.training
        self._encoder.eval()
        with torch.inference_mode():
            for b in range(0, len(units), 64):
                batch = units[b : b + 64]
                inputs, first = self._batch(parsed, batch)
                probs = self._logits(inputs, first).softmax(-1).float().cpu().numpy()
                cut = first.cpu().numpy() < 0
                for row, (k, idx) in enumerate(batch):
                    keep = ~cut[row, : len(idx)]
                    out[k][np.asarray(idx)[keep]] = probs[row, : len(idx)][keep]
        self._encoder.train(was_training)
        return out

    def decode(self, probs: np.ndarray, threshold: float | None = None) -> list[tuple[int, str]]:
        """(token, event type) for every type at or above the threshold."""
        limit = self.threshold if threshold is None else threshold
        return [(int(i), self.classes[j]) for i, j in zip(*np.nonzero(probs >= limit), strict=False) if j != 0]
