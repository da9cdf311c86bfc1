from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventcorpus.offsets import OffsetMap, convert_span
from tests.strategies import records

SAMPLES = ["👩‍👩‍👧 a", "e\u0301x", "مرحبا\r\nworld", "🇮🇶 Iraq", "a\u200db"]
PIECES = list("ab \r\n") + ["😀", "👩‍👩‍👧", "🇸🇾", "\u0301", "\u200d", "ب", "ي"]
text_strategy = st.lists(st.one_of(st.sampled_from(PIECES), st.characters()), max_size=30).map("".join)


def test_utf16_counts_astral_characters_twice() -> None:
    text = "a😀b"
    mapping = OffsetMap(text, "utf16")
    assert [mapping.from_codepoint(i) for i in range(4)] == [0, 1, 3, 4]
    assert convert_span(text, 2, 3, "codepoint", "utf16") == (3, 4)


def test_grapheme_clusters_count_as_one() -> None:
    text = SAMPLES[0]
    mapping = OffsetMap(text, "grapheme")
    assert mapping.from_codepoint(len("👩‍👩‍👧")) == 1
    assert mapping.to_codepoint(2) == len("👩‍👩‍👧 ")


@given(text_strategy)
def test_every_boundary_round_trips_through_each_mode(text: str) -> None:
    for mode in ("utf16", "grapheme", "codepoint"):
        mapping = OffsetMap(text, mode)  # type: ignore[arg-type]
        for i in range(len(text) + 1):
            try:
                other = mapping.from_codepoint(i)
            except ValueError:
                assert mode == "grapheme"
                continue
            assert mapping.to_codepoint(other) == i


@given(records())
def test_generated_records_survive_canonical_json(record) -> None:
    from eventcorpus.records import Record

    assert Record.from_dict(record.to_dict()).to_dict() == record.to_dict()


def test_from_codepoint_negative_offset_counted_from_the_end() -> None:
    """utf16 from_codepoint(-1) returned the text's length (list indexing) and len+1 raised IndexError."""
    text = "a😀b"
    for mode in ("codepoint", "utf16", "grapheme"):
        offsets = OffsetMap(text, mode)
        for bad in (-1, len(text) + 1):
            with pytest.raises(ValueError):
                offsets.from_codepoint(bad)
        assert offsets.from_codepoint(len(text)) == {"codepoint": 3, "utf16": 4, "grapheme": 3}[mode]
