"""Clean text out of LDC SGML/XML sources, with a map from the annotation's offsets to it.

ACE 2005 counts its offsets in the ``.sgm`` text with the tags taken out (character
references such as ``&amp;`` counted as written); DEFT Rich ERE counts them in the source file
as it is, tags included. Both readers keep the text without tags and with character
references decoded, and convert every span through :class:`MarkupText`.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from eventcorpus.errors import EventCorpusError

_PIECE = re.compile(r"<[^<>]*>|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


class MarkupText:
    """The clean text of an SGML/XML source and the map from its offset space to the clean text.

    ``tags_count``: whether the annotation's offsets count the characters of tags (ERE) or
    not (ACE). Character references always count as written in the source.
    """

    def __init__(self, source: str, *, tags_count: bool) -> None:
        clean: list[str] = []
        to_clean: list[int] = []
        length = 0
        pos = 0
        for match in _PIECE.finditer(source):
            plain = source[pos : match.start()]
            to_clean.extend(range(length, length + len(plain)))
            clean.append(plain)
            length += len(plain)
            piece = match.group()
            if piece.startswith("<"):
                if tags_count:
                    to_clean.extend([-1] * len(piece))
            else:
                decoded = html.unescape(piece)
                to_clean.extend([length] * len(piece))
                clean.append(decoded)
                length += len(decoded)
            pos = match.end()
        plain = source[pos:]
        to_clean.extend(range(length, length + len(plain)))
        clean.append(plain)
        self.text = "".join(clean)
        self.to_clean = to_clean

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """Clean (start, end-exclusive) of the source span ``start``..``end - 1``; None inside a tag or outside."""
        if not 0 <= start < end <= len(self.to_clean):
            return None
        first, last = self.to_clean[start], self.to_clean[end - 1]
        if first < 0 or last < 0:
            return None
        return first, last + 1


def parse_xml(path: Path, code: str) -> ET.Element:
    """The root element of an LDC XML annotation file; ``code`` (with the line) when it is not XML."""
    try:
        return ET.parse(path).getroot()  # noqa: S314 (a user's own LDC copy; expat refuses entity bombs)
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else None
        raise EventCorpusError(code, f"not well-formed XML: {exc}", file=str(path), line=line) from exc
    except OSError as exc:
        raise EventCorpusError("E004", str(exc), file=str(path)) from exc


def line_of(file: str, element: ET.Element) -> int | None:
    """The line of ``file`` where ``element`` starts, found by its tag and first attribute (error path only)."""
    try:
        text = Path(file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    first = next(iter(element.attrib.items()), None)
    pattern = rf"<{re.escape(element.tag)}\b"
    if first is not None:
        pattern += rf"[^>]*\b{re.escape(first[0])}=[\"']{re.escape(first[1])}[\"']"
    found = re.search(pattern, text)
    return text.count("\n", 0, found.start()) + 1 if found else None


def attribute(element: ET.Element, name: str, *, code: str, file: str, doc_id: str | None) -> str:
    """``element``'s attribute ``name``; ``code`` naming the attribute expected (and the line) when it is missing."""
    value = element.get(name)
    if value is None:
        raise EventCorpusError(
            code,
            f"<{element.tag} {' '.join(f'{k}={v!r}' for k, v in list(element.attrib.items())[:3])}> has no {name}",
            file=file,
            line=line_of(file, element),
            doc_id=doc_id,
            expected=f"attribute {name!r} on <{element.tag}>",
        )
    return value


def integer(element: ET.Element, name: str, *, code: str, file: str, doc_id: str | None) -> int:
    """An integer attribute, else ``code``."""
    value = attribute(element, name, code=code, file=file, doc_id=doc_id)
    try:
        return int(value)
    except ValueError as exc:
        raise EventCorpusError(
            code,
            f"<{element.tag}> {name}={value!r}",
            file=file,
            line=line_of(file, element),
            doc_id=doc_id,
            expected=f"{name}: an integer",
        ) from exc
