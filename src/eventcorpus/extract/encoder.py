"""Optional pretrained transformer token vectors as features (the accuracy config).

Needs the ``accuracy`` extra (torch + transformers). Weights come from a local folder, a Hugging
Face name already in the local cache, or a Python package that ships them; loading never
touches the network (``local_files_only``).
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from eventcorpus.errors import EventCorpusError
from eventcorpus.extract.config import EncoderConfig
from eventcorpus.extract.data import Parsed, Unit, sentence_units


def resolve_model_path(config: EncoderConfig) -> str:
    """The folder (or cached name) the weights load from."""
    if config.package:
        try:
            module: Any = importlib.import_module(config.package)
        except ImportError as exc:
            raise EventCorpusError(
                "E503",
                f"the encoder package {config.package!r} is not installed",
                fix=f"pip install {config.package.replace('_', '-')}",
            ) from exc
        return str(module.get_model_path())
    return config.model


def load_pretrained(config: EncoderConfig) -> tuple[Any, Any, Any]:
    """(torch, tokenizer, model) for the configured weights, loaded offline onto ``config.device``."""
    try:
        import torch
        from transformers import AutoModel, AutoTokenizer
    except ImportError as exc:
        raise EventCorpusError(
            "E503",
            "the accuracy config needs torch and transformers (the optional 'accuracy' extra)",
            fix="pip install 'eventcorpus[accuracy]' (CPU: pip install torch==2.13.0 transformers)",
        ) from exc
    path = resolve_model_path(config)
    try:
        tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        model = AutoModel.from_pretrained(path, local_files_only=True).to(config.device)
    except OSError as exc:
        where = "folder" if Path(path).is_dir() else "Hugging Face cache"
        raise EventCorpusError(
            "E503",
            f"encoder {path!r} not found in the local {where}: {exc}",
            fix="give a local folder or a cached model name",
        ) from exc
    return torch, tokenizer, model


def tokenize_units(tokenizer: Any, parsed: Sequence[Parsed], units: Sequence[Unit], max_length: int) -> Any:
    """Word pieces of sentence units (already split into the shared tokens), padded into one batch."""
    words = [[parsed[k].words[i] for i in idx] for k, idx in units]
    return tokenizer(
        words, is_split_into_words=True, truncation=True, max_length=max_length, padding=True, return_tensors="pt"
    )


class TokenEncoder:
    """Mean of the last layer's word pieces for each token, sentence by sentence."""

    def __init__(self, config: EncoderConfig) -> None:
        self.config = config
        self.torch, self.tokenizer, self.model = load_pretrained(config)
        self.model.eval()
        self.dim = int(self.model.config.hidden_size)

    def encode(self, parsed: Sequence[Parsed]) -> list[np.ndarray]:
        """One (tokens x dim) float32 array per Parsed; tokens cut off by max_length get zeros."""
        units = sentence_units(parsed)
        out = [np.zeros((len(p), self.dim), dtype=np.float32) for p in parsed]
        size = self.config.batch_size
        torch = self.torch
        for b in range(0, len(units), size):
            batch = units[b : b + size]
            enc = tokenize_units(self.tokenizer, parsed, batch, self.config.max_length)
            with torch.inference_mode():
                states = self.model(**{k: v.to(self.config.device) for k, v in enc.items()}, output_hidden_states=True)
                hidden = torch.stack([states.hidden_states[i] for i in self.config.layers]).mean(dim=0)
            hidden_np = hidden.float().cpu().numpy()
            for row, (k, idx) in enumerate(batch):
                sums = np.zeros((len(idx), self.dim), dtype=np.float32)
                counts = np.zeros(len(idx), dtype=np.float32)
                for piece, word in enumerate(enc.word_ids(row)):
                    if word is not None:
                        sums[word] += hidden_np[row, piece]
                        counts[word] += 1
                vectors = sums / np.maximum(counts, 1.0)[:, None]
                out[k][idx] = vectors * self.config.scale
        return out
