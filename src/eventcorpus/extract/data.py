"""Records turned into token sequences the components learn from and predict on.

A :class:`Parsed` keeps the non-whitespace tokens of one record (the shared spaCy
tokenisation), each token's sentence, and entities and triggers as token spans, so that
every component works on token indices and only the edges speak in character offsets.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc

from eventcorpus.records import Record


@dataclass
class Mention:
    """An entity as a token span [start, end) with its label (and its id in the source set)."""

    start: int
    end: int
    label: str
    id: str = ""


@dataclass
class GoldEvent:
    token: int  # the token that carries the trigger
    type: str
    arguments: list[tuple[str, int]]  # (role, index into Parsed.entities)
    attributes: dict[str, str] = field(default_factory=dict)  # as annotated (defaults left out)


@dataclass
class Parsed:
    doc_id: str
    text: str
    words: list[str]
    starts: list[int]
    ends: list[int]
    sentence: list[int]
    entities: list[Mention] = field(default_factory=list)
    events: list[GoldEvent] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.words)

    def token_at(self, char: int) -> int | None:
        """The token whose span holds character ``char``, or None (whitespace, outside)."""
        i = bisect.bisect_right(self.starts, char) - 1
        if 0 <= i < len(self.words) and self.starts[i] <= char < self.ends[i]:
            return i
        return None

    def token_span(self, start: int, end: int) -> tuple[int, int] | None:
        """Tokens that overlap the characters [start, end), or None when no token does."""
        first = bisect.bisect_right(self.ends, start)
        last = bisect.bisect_left(self.starts, end)
        if first >= last:
            return None
        return first, last

    def char_span(self, start: int, end: int) -> tuple[int, int]:
        return self.starts[start], self.ends[end - 1]


Unit = tuple[int, list[int]]  # (document index, token indices of one sentence)


def sentence_units(parsed: Sequence[Parsed]) -> list[Unit]:
    """The non-whitespace tokens of every document, grouped by sentence."""
    units: list[Unit] = []
    for k, p in enumerate(parsed):
        by_sentence: dict[int, list[int]] = {}
        for i, s in enumerate(p.sentence):
            by_sentence.setdefault(s, []).append(i)
        units.extend((k, idx) for idx in by_sentence.values())
    return units


def parse_doc(doc: Doc, doc_id: str) -> Parsed:
    """Non-whitespace tokens of a spaCy Doc (sentences set) with canonical offsets."""
    words: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    sentence: list[int] = []
    has_sents = doc.has_annotation("SENT_START")
    sent_no = -1
    for token in doc:
        if token.i == 0 or (has_sents and token.is_sent_start):
            sent_no += 1
        if token.is_space:
            continue
        words.append(token.text)
        starts.append(token.idx)
        ends.append(token.idx + len(token.text))
        sentence.append(sent_no)
    parsed = Parsed(doc_id, doc.text, words, starts, ends, sentence)
    for ent in doc.ents:
        span = parsed.token_span(ent.start_char, ent.end_char)
        if span:
            parsed.entities.append(Mention(span[0], span[1], ent.label_))
    return parsed


def add_gold(parsed: Parsed, record: Record) -> int:
    """Put the record's entities and events on ``parsed`` as token spans; return how many could not align."""
    parsed.entities = []
    unaligned = 0
    index_of: dict[str, int] = {}
    for entity in record.annotations.entities:
        span = parsed.token_span(entity.start, entity.end)
        if span is None:
            unaligned += 1
            continue
        index_of[entity.id] = len(parsed.entities)
        parsed.entities.append(Mention(span[0], span[1], entity.label, entity.id))
    parsed.events = []
    for event in record.annotations.events:
        token = parsed.token_at(event.trigger.start)
        if token is None:
            unaligned += 1
            continue
        arguments = [(a.role, index_of[a.entity_id]) for a in event.arguments if a.entity_id in index_of]
        parsed.events.append(GoldEvent(token, event.type, arguments, dict(event.attributes)))
    return unaligned
