"""Offset conversion between the canonical convention and other counting modes.

Canonical: Python ``str`` indices (code points), end-exclusive. Others:
``utf16`` (UTF-16 code units, as JavaScript and doccano's browser count) and
``grapheme`` (extended grapheme clusters, as a user perceives characters).
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Literal

import regex

Mode = Literal["codepoint", "utf16", "grapheme"]
MODES: tuple[str, ...] = ("codepoint", "utf16", "grapheme")
_GRAPHEME = regex.compile(r"\X")


class OffsetMap:
    """Maps code-point offsets of one text to and from another counting mode.

    ``to_other[i]`` is the offset in the other mode of code point ``i`` (for i in 0..len).
    A code-point offset that falls inside a grapheme cluster has no exact counterpart;
    :meth:`from_codepoint` raises ValueError for it unless ``snap`` is given.
    """

    def __init__(self, text: str, mode: Mode) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown offset mode {mode!r}; expected one of {MODES}")
        self.mode = mode
        self.text = text
        if mode == "codepoint":
            self._to_other: list[int] | None = None
            self._boundaries: list[int] | None = None
        elif mode == "utf16":
            table = [0]
            for char in text:
                table.append(table[-1] + (2 if ord(char) > 0xFFFF else 1))
            self._to_other = table
            self._boundaries = None
        else:
            starts = [m.start() for m in _GRAPHEME.finditer(text)] + [len(text)]
            self._boundaries = starts
            self._to_other = None

    def from_codepoint(self, offset: int) -> int:
        if not 0 <= offset <= len(self.text):  # a negative index would silently count from the end
            raise ValueError(f"code-point offset {offset} outside text of length {len(self.text)}")
        if self.mode == "codepoint":
            return offset
        if self._to_other is not None:
            return self._to_other[offset]
        assert self._boundaries is not None
        index = bisect_left(self._boundaries, offset)
        if index >= len(self._boundaries) or self._boundaries[index] != offset:
            raise ValueError(f"code-point offset {offset} falls inside a grapheme cluster")
        return index

    def to_codepoint(self, offset: int) -> int:
        if self.mode == "codepoint":
            if not 0 <= offset <= len(self.text):
                raise ValueError(f"offset {offset} outside text of length {len(self.text)}")
            return offset
        if self._to_other is not None:
            index = bisect_left(self._to_other, offset)
            if index >= len(self._to_other) or self._to_other[index] != offset:
                raise ValueError(f"UTF-16 offset {offset} falls inside a surrogate pair or past the text")
            return index
        assert self._boundaries is not None
        if not 0 <= offset < len(self._boundaries):
            raise ValueError(f"grapheme offset {offset} outside text of {len(self._boundaries) - 1} graphemes")
        return self._boundaries[offset]


def convert_span(text: str, start: int, end: int, source: Mode, target: Mode) -> tuple[int, int]:
    """Convert one span between modes (through code points)."""
    src, dst = OffsetMap(text, source), OffsetMap(text, target)
    return dst.from_codepoint(src.to_codepoint(start)), dst.from_codepoint(src.to_codepoint(end))
