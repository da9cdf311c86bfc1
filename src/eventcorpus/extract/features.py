"""Sparse features (string -> 1.0 dicts) for tokens and (trigger, entity) pairs. No dependencies, no parser."""

from __future__ import annotations

import re
from collections.abc import Sequence

from eventcorpus.extract.data import Mention, Parsed

_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "ied", "ed", "es", "s", "ly", "ment", "ments")
_DIGIT = re.compile(r"\d")
_CONTEXT = 6  # tokens either side that the trigger's context bag covers


def stem(word: str) -> str:
    """A crude lemma: lowercase with one common English suffix removed (no lookup tables needed)."""
    low = word.lower()
    for suffix in _SUFFIXES:
        if low.endswith(suffix) and len(low) - len(suffix) >= 3:
            return low[: -len(suffix)]
    return low


def shape(word: str) -> str:
    out: list[str] = []
    for ch in word[:6]:
        kind = "X" if ch.isupper() else "x" if ch.isalpha() else "d" if ch.isdigit() else ch
        if not out or out[-1] != kind:
            out.append(kind)
    return "".join(out)


def entity_tags(parsed: Parsed, entities: list[Mention]) -> list[str]:
    """Per token: the label of the entity covering it, or '' (first entity wins on overlap)."""
    tags = [""] * len(parsed)
    for entity in entities:
        for i in range(entity.start, entity.end):
            if not tags[i]:
                tags[i] = entity.label
    return tags


def word_features(parsed: Parsed, i: int, window: int) -> dict[str, float]:
    """Word-only features of token ``i`` and its neighbours (the baseline's entity features too)."""
    words = parsed.words
    word = words[i]
    low = word.lower()
    feats = {
        f"w={low}": 1.0,
        f"stem={stem(word)}": 1.0,
        f"suf3={low[-3:]}": 1.0,
        f"pre4={low[:4]}": 1.0,
        f"shape={shape(word)}": 1.0,
        "bias": 1.0,
    }
    for offset in range(-window, window + 1):
        if offset == 0:
            continue
        j = i + offset
        if 0 <= j < len(words) and parsed.sentence[j] == parsed.sentence[i]:
            feats[f"w[{offset}]={words[j].lower()}"] = 1.0
        else:
            feats[f"w[{offset}]=<edge>"] = 1.0
    if i > 0:
        feats[f"bi-={words[i - 1].lower()}_{low}"] = 1.0
    if i + 1 < len(words):
        feats[f"bi+={low}_{words[i + 1].lower()}"] = 1.0
    return feats


def trigger_features(parsed: Parsed, i: int, tags: list[str], window: int) -> dict[str, float]:
    """Token ``i`` as a possible trigger: its words, neighbours (and their crude lemmas), affixes,
    the entity types around it, and a bag of the words further out in its sentence."""
    feats = word_features(parsed, i, window)
    if tags[i]:
        feats[f"in_ent={tags[i]}"] = 1.0
    sent = parsed.sentence[i]
    low = parsed.words[i].lower()
    for offset in range(-4, 5):
        j = i + offset
        if offset == 0 or not 0 <= j < len(parsed) or parsed.sentence[j] != sent or not tags[j]:
            continue
        side = "L" if offset < 0 else "R"
        feats[f"ent{side}={tags[j]}"] = 1.0
        feats[f"ent{side}={tags[j]}|w={low}"] = 1.0
        if abs(offset) == 1:
            feats[f"ent[{offset}]={tags[j]}"] = 1.0
    for offset in (-1, 1):
        j = i + offset
        if 0 <= j < len(parsed) and parsed.sentence[j] == sent:
            feats[f"stem[{offset}]={stem(parsed.words[j])}"] = 1.0
    feats[f"suf4={low[-4:]}"] = 1.0
    feats[f"pre3={low[:3]}"] = 1.0
    # a weaker bag of the wider context: the words that say what kind of event this is
    for j in range(max(0, i - _CONTEXT), min(len(parsed), i + _CONTEXT + 1)):
        if abs(j - i) > window and parsed.sentence[j] == sent:
            feats[f"ctx={stem(parsed.words[j])}"] = 0.5
    if _DIGIT.search(parsed.words[i]):
        feats["has_digit"] = 1.0
    return feats


def _bucket(distance: int) -> str:
    return str(distance) if distance < 4 else "4-6" if distance < 7 else "7-12" if distance < 13 else "13+"


def _distance(entity: Mention, token: int) -> int:
    if entity.start <= token < entity.end:
        return 0
    return min(abs(entity.start - token), abs(entity.end - 1 - token))


def pair_features(
    parsed: Parsed,
    trigger: int,
    event_type: str,
    entity: Mention,
    entities: list[Mention],
    triggers: Sequence[int] = (),
) -> dict[str, float]:
    """A (trigger, entity) pair as a possible argument: types, distance, words between, cues.

    ``triggers`` are all trigger tokens of the document: another trigger between the two, or
    closer to the entity, usually takes the entity as its own argument.
    """
    words = parsed.words
    label = entity.label
    before = entity.end <= trigger
    if before:
        gap_start, gap_end, distance = entity.end, trigger, trigger - entity.end
    else:
        gap_start, gap_end, distance = trigger + 1, entity.start, max(entity.start - trigger - 1, 0)
    side = "L" if before else "R"
    dist = _bucket(distance)
    head = words[entity.end - 1].lower()
    trig = stem(words[trigger])
    prev = words[entity.start - 1].lower() if entity.start > 0 else "<s>"
    nxt = words[entity.end].lower() if entity.end < len(words) else "</s>"
    feats = {
        "bias": 1.0,
        f"T={event_type}": 1.0,
        f"L={label}": 1.0,
        f"TL={event_type}|{label}": 1.0,
        f"TLs={event_type}|{label}|{side}": 1.0,
        f"TLd={event_type}|{label}|{side}{dist}": 1.0,
        f"d={side}{dist}": 1.0,
        f"tw={trig}|{label}": 1.0,
        f"tws={trig}|{label}|{side}": 1.0,
        f"head={head}": 1.0,
        f"Thead={event_type}|{head}": 1.0,
        f"prev={prev}": 1.0,
        f"Tprev={event_type}|{label}|{prev}": 1.0,
        f"next={nxt}": 1.0,
        f"Tnext={event_type}|{nxt}": 1.0,
    }
    if entity.start <= trigger < entity.end:
        feats["covers_trigger"] = 1.0
    gap = words[gap_start:gap_end]
    if len(gap) <= 12:
        for w in gap:
            feats[f"between={w.lower()}"] = 1.0
            feats[f"Tbetween={event_type}|{w.lower()}"] = 1.0
    else:
        feats["long_gap"] = 1.0
    between = [e for e in entities if e is not entity and gap_start <= e.start and e.end <= gap_end]
    feats[f"ents_between={min(len(between), 3)}"] = 1.0
    for e in between[:4]:
        feats[f"ent_between={e.label}"] = 1.0
    same_label = [e for e in entities if e.label == label and parsed.sentence[e.start] == parsed.sentence[trigger]]
    nearest = min(same_label, key=lambda e: min(abs(e.start - trigger), abs(e.end - 1 - trigger)), default=None)
    if nearest is entity:
        feats[f"nearest_of_type|{event_type}|{label}"] = 1.0
    if gap and gap[-1].lower() in {",", "and", "said", "says"}:
        feats[f"gap_ends={gap[-1].lower()}"] = 1.0
    # the function words that link trigger and entity ("attack on", "killed in", "by")
    feats[f"tprev={trig}|{prev}|{side}"] = 1.0
    if gap:
        feats[f"gap0={gap[0].lower()}|{event_type}|{label}|{side}"] = 1.0
        feats[f"gapN={gap[-1].lower()}|{event_type}|{label}|{side}"] = 1.0
    else:
        feats[f"adjacent|{event_type}|{label}|{side}"] = 1.0
    sent = parsed.sentence[trigger]
    others = [t for t in triggers if t != trigger and parsed.sentence[t] == sent]
    near = entity.start if entity.start > trigger else entity.end - 1
    low_end, high_end = sorted((trigger, near))
    if any(low_end < t < high_end for t in others):
        feats["trigger_between"] = 1.0
        feats[f"trigger_between|{event_type}"] = 1.0
    if any(_distance(entity, t) < _distance(entity, trigger) for t in others):
        feats["closer_trigger"] = 1.0
        feats[f"closer_trigger|{event_type}|{label}"] = 1.0
    return feats
