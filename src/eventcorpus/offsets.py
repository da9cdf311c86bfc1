"""Offset conversion between the canonical convention and other counting modes.

Canonical: Python ``str`` indices (code points), end-exclusive. Others:
``utf16`` (UTF-16 code units, as JavaScript and doccano's browser count) and
``grapheme`` (extended grapheme clusters, as a user perceives characters).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
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


def misfit(text: str, start: int, end: int) -> bool:
    """Whether a code-point span starts or ends inside a word, or on whitespace."""

    def cuts(i: int) -> bool:
        return 0 < i < len(text) and text[i - 1].isalnum() and text[i].isalnum()

    return text[start : start + 1].isspace() or text[end - 1 : end].isspace() or cuts(start) or cuts(end)


@dataclass
class OffsetTally:
    """Counts spans that cut words or sit on whitespace when read in ``mode``, to catch a wrong mode.

    A file read in the wrong offset mode (``utf16`` on a code-point file, ...) shifts spans
    off word boundaries after the first emoji or combining mark. For each line with such a
    span, the other modes are tried too, so :meth:`warning` can name the mode that fits.
    """

    mode: str
    spans: int = 0
    misfits: int = 0
    other_misfits: dict[str, int] = field(default_factory=dict)

    def add(self, text: str, raw_spans: list[tuple[int, int]]) -> None:
        counts = {mode: 0 for mode in MODES}
        for mode in (self.mode, *(m for m in MODES if m != self.mode)):
            if mode != self.mode and not counts[self.mode]:
                continue  # the other modes are only tried on lines the stated mode does not fit
            table = OffsetMap(text, mode)  # type: ignore[arg-type]
            for start, end in raw_spans:
                try:
                    a, b = table.to_codepoint(start), table.to_codepoint(end)
                except ValueError:
                    counts[mode] += 1
                    continue
                counts[mode] += a >= b or misfit(text, a, b)
        self.spans += len(raw_spans)
        self.misfits += counts[self.mode]
        if counts[self.mode]:
            for mode in MODES:
                if mode != self.mode:
                    self.other_misfits[mode] = self.other_misfits.get(mode, 0) + counts[mode]

    def warning(self, file: str, *, least: int = 3, share: float = 0.2) -> str | None:
        """A warning when at least ``least`` spans and ``share`` of all cut words or sit on whitespace."""
        if self.misfits < least or self.misfits < share * self.spans:
            return None
        best = min(self.other_misfits, key=lambda m: self.other_misfits[m], default=None)
        if best is None or self.other_misfits[best] * 2 >= self.misfits:
            return None  # no mode fits clearly better: scripts without spaces (Chinese, Japanese) "cut" in every mode
        return (
            f"{file}: {self.misfits} of {self.spans} spans start or end inside a word or on whitespace "
            f"when read as {self.mode} offsets; as {best} offsets {self.other_misfits[best]} would: "
            f"try --offset-mode {best}"
        )
