"""The project's one tokenisation and sentence split, shared by every token-based consumer.

spaCy's rule-based English tokenizer (no model, no download) and its ``sentencizer``.
Token offsets are canonical (code points, end-exclusive); whitespace is never a token.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

MAX_TEXT = 100_000_000  # characters; see blank_pipeline


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str


@lru_cache(maxsize=1)
def blank_pipeline() -> Language:
    """A blank English pipeline with a sentencizer; built once per process."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    # spaCy's 1,000,000-character limit (E088) guards parsers and NER models, which this pipeline
    # lacks: tokenising and sentence-splitting a long report is linear, so long documents are read whole
    nlp.max_length = MAX_TEXT
    return nlp


def make_doc(text: str) -> Doc:
    """Tokenise and sentence-split ``text`` with the shared pipeline."""
    return blank_pipeline()(text)


def tokenize(text: str) -> list[Token]:
    """Non-whitespace tokens of ``text`` with canonical offsets."""
    return [Token(t.idx, t.idx + len(t.text), t.text) for t in blank_pipeline().tokenizer(text) if not t.is_space]


def sentences(text: str) -> list[list[Token]]:
    """Sentences of ``text`` as lists of non-whitespace tokens (empty sentences dropped)."""
    out: list[list[Token]] = []
    for sent in make_doc(text).sents:
        toks = [Token(t.idx, t.idx + len(t.text), t.text) for t in sent if not t.is_space]
        if toks:
            out.append(toks)
    return out
