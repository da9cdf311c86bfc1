"""Hypothesis strategies shared by the round-trip tests of every format.

Texts mix words with emoji (single and ZWJ sequences, flags), CRLF, Arabic, combining
marks and zero-width joiners; annotation sets have overlapping and nested entities and
events that share arguments. Spans always start and end on word boundaries so that
token-based formats can hold them.
"""

from __future__ import annotations

from hypothesis import strategies as st

from eventcorpus.records import AnnotationSet, Argument, Document, Entity, Event, Record, Trigger, document_id
from eventcorpus.schema import load_schema

WORDS = [
    "rockets",
    "struck",
    "Ayn",
    "al-Assad",
    "base",
    "Iraq",
    "القاعدة",
    "العراق",
    "café",
    "cafe\u0301",
    "😀",
    "👩\u200d👩\u200d👧",
    "🇸🇾",
    "a\u200db",
    "drone",
    "militia",
    "e\u0301\u0301",
    "Soleimani’s",
    "2,500",
]
SEPARATORS = [" ", " ", " ", "\r\n", "\n", "  ", ", ", ". "]


@st.composite
def tricky_words(draw: st.DrawFn, min_words: int = 1, max_words: int = 25) -> tuple[str, list[tuple[int, int]]]:
    """A text and the (start, end) code-point span of each word in it."""
    words = draw(st.lists(st.sampled_from(WORDS), min_size=min_words, max_size=max_words))
    text, spans = "", []
    for index, word in enumerate(words):
        if index:
            text += draw(st.sampled_from(SEPARATORS))
        spans.append((len(text), len(text) + len(word)))
        text += word
    return text, spans


@st.composite
def records(draw: st.DrawFn, annotator: str = "alice", allow_overlap: bool = True) -> Record:
    """A checked canonical record with entities and events over tricky text."""
    schema = load_schema()
    text, spans = draw(tricky_words(min_words=2))
    entities: list[Entity] = []
    used: set[tuple[int, int]] = set()
    for index in range(draw(st.integers(0, min(6, len(spans))))):
        first = draw(st.integers(0, len(spans) - 1))
        last = draw(st.integers(first, min(first + 2, len(spans) - 1)))
        start, end = spans[first][0], spans[last][1]
        if not allow_overlap and any(s < end and start < e for s, e in used):
            continue
        used.add((start, end))
        entities.append(Entity(f"T{index + 1}", start, end, draw(st.sampled_from(schema.entity_labels))))
    events: list[Event] = []
    for index in range(draw(st.integers(0, 3))):
        event_type = draw(st.sampled_from(schema.event_labels))
        word = draw(st.sampled_from(spans))
        arguments = []
        roles = list(schema.event_types[event_type].roles)
        for entity in entities:
            if draw(st.booleans()):
                arguments.append(Argument(draw(st.sampled_from(roles)), entity.id))
        events.append(Event(f"E{index + 1}", event_type, Trigger(*word), arguments))
    doc = Document(id=document_id(text), text=text, title="generated", licence="CC0-1.0")
    annotations = AnnotationSet(doc.id, annotator, entities, events)
    annotations.check(text)
    return Record(doc, annotations)
