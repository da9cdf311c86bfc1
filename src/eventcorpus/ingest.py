"""Raw articles -> documents: decoding, cleaning, metadata, ids, duplicates, licences.

Inputs are ``.txt`` articles (a short header of title, date line, publisher and issuer
lines, then paragraphs), ``.html``/``.htm`` pages (main text and metadata through
trafilatura, offline: the HTML string is passed in, no URL is ever fetched) and
``.jsonl`` files of article records (``text`` plus optional ``title``, ``url``,
``published``, ``source``, ``licence``, ``attribution``, ``language``; other fields go
to ``meta``). Folders are searched recursively in sorted order; hidden files and files
of other types found in folders are listed as skipped.

The clean text:
- a line is removed when it matches a boilerplate rule (``boilerplate.yaml``, or the
  file given as ``patterns``); header lines of ``.txt`` files that become metadata are
  taken out of the text too. Both are listed in the document's provenance with their
  line number, text and the rule or field, so nothing is lost;
- kept lines are copied exactly as they are (only the line terminator is dropped);
- paragraphs are separated by ``"\\n\\n"``: in ``.txt`` and ``.jsonl`` text wherever the
  source had one or more blank lines (or header lines taken as metadata) between two
  kept lines; kept lines that were adjacent in the source, or separated only by removed
  boilerplate lines, are joined by ``"\\n"`` as in the source. In HTML every block that
  trafilatura extracts is a paragraph.

The document id is :func:`eventcorpus.records.document_id` of the clean text. Exact
duplicates (same id) are merged into one document keeping every provenance entry; near
duplicates are flagged with ``meta["near_duplicate_cluster"]`` (MinHash over word
shingles with LSH banding). Files are read one at a time; the near-duplicate pass keeps
one small signature per document and the documents themselves are held until the end,
which is fine at the corpus sizes this project handles.

Library functions here never print; failures are coded :class:`EventCorpusError` s.
"""

from __future__ import annotations

import calendar
import hashlib
import re
import unicodedata
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from eventcorpus.corpus import decode_json_line
from eventcorpus.errors import EventCorpusError
from eventcorpus.progress import track
from eventcorpus.records import Document, document_id, normalise_text

FORMATS = {".txt": "txt", ".text": "txt", ".html": "html", ".htm": "html", ".jsonl": "jsonl", ".warc": "warc"}
COMPRESSED_FORMATS = {".warc.gz": "warc"}  # (WARC files need the `scale` extra: warcio)


def file_kind(path: Path) -> str | None:
    """The article type of a file from its name (``txt``, ``html``, ``jsonl``, ``warc``), or None."""
    name = path.name.lower()
    for suffix, kind in COMPRESSED_FORMATS.items():
        if name.endswith(suffix):
            return kind
    return FORMATS.get(path.suffix.lower())


DOCUMENT_FIELDS = ("title", "source", "url", "published")
DEFAULT_THRESHOLD = 0.8
UNKNOWN = "unknown"

# --------------------------------------------------------------------------- patterns


@dataclass(frozen=True)
class LineRule:
    """A boilerplate rule (``name``) or a metadata rule (``name`` is the field it fills)."""

    name: str
    pattern: re.Pattern[str]

    def match(self, line: str) -> re.Match[str] | None:
        return self.pattern.fullmatch(line.strip())


@dataclass(frozen=True)
class Patterns:
    boilerplate: tuple[LineRule, ...]
    metadata: tuple[LineRule, ...]
    source: str = "default"

    def boilerplate_rule(self, line: str) -> str | None:
        """The name of the first boilerplate rule the line matches, or None."""
        for rule in self.boilerplate:
            if rule.match(line):
                return rule.name
        return None

    def metadata_field(self, line: str) -> tuple[str, str] | None:
        """(field, value) of the first metadata rule the line matches, or None."""
        for rule in self.metadata:
            found = rule.match(line)
            if found:
                return rule.name, found.group("value").strip()
        return None


def _pattern_error(file: str, detail: str) -> EventCorpusError:
    return EventCorpusError(
        "E018", detail, file=file, expected="boilerplate: [{rule, pattern}], metadata: [{field, pattern}]"
    )


def _parse_rules(items: Any, key: str, file: str, *, needs_value: bool) -> list[LineRule]:
    if items is None:
        return []
    if not isinstance(items, list):
        raise _pattern_error(file, f"'{'metadata' if needs_value else 'boilerplate'}' must be a list")
    rules = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not isinstance(item.get(key), str) or not isinstance(item.get("pattern"), str):
            raise _pattern_error(file, f"entry {number} needs string fields {key!r} and 'pattern', got {item!r}")
        try:
            compiled = re.compile(item["pattern"], re.IGNORECASE)
        except re.error as exc:
            raise _pattern_error(file, f"entry {number} ({item[key]}): bad regular expression: {exc}") from exc
        if needs_value and "value" not in compiled.groupindex:
            raise _pattern_error(file, f"entry {number} ({item[key]}): the pattern needs a named group (?P<value>...)")
        rules.append(LineRule(item[key], compiled))
    return rules


def _default_patterns_text() -> str:
    return resources.files("eventcorpus").joinpath("boilerplate.yaml").read_text(encoding="utf-8")


def load_patterns(path: str | Path | None = None) -> Patterns:
    """Load cleaning patterns: the packaged defaults, or a YAML file in the same shape."""
    if path is None:
        text, file = _default_patterns_text(), "eventcorpus/boilerplate.yaml"
    else:
        file = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise EventCorpusError("E004", f"cannot read the patterns file: {exc}", file=file) from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise _pattern_error(file, f"not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise _pattern_error(file, "the file must be a YAML mapping")
    boilerplate = _parse_rules(data.get("boilerplate"), "rule", file, needs_value=False)
    metadata = _parse_rules(data.get("metadata"), "field", file, needs_value=True)
    if path is not None and data.get("include_defaults"):
        defaults = load_patterns()
        boilerplate = list(defaults.boilerplate) + boilerplate
        metadata = list(defaults.metadata) + metadata
    return Patterns(tuple(boilerplate), tuple(metadata), source=file)


# --------------------------------------------------------------------------- dates

_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_MONTH = "(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = (
    r"(?:(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)\.?,?\s+)?"
)
_PREFIX = r"(?:(?:published|posted|updated|last\s+updated|date|dated)\s*(?:on|:)?\s*)?"
_DAY = r"(?P<d>\d{1,2})(?:st|nd|rd|th)?"
_DATE_FORMS = (
    _DAY + r"[\s/.\-]+" + _MONTH + r",?[\s/.\-]+(?P<y>\d{4})",  # 06/January/2022, 6 Jan 2022
    _MONTH + r"\s+" + _DAY + r",?\s+(?P<y>\d{4})",  # January 6, 2022
    r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})",  # 2022-01-06
    r"(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})",  # 2022/01/06
)
_TIME = (
    r"(?:(?:\s*(?:[-–—,|@]|at)\s*|\s+|T)"
    r"(?P<H>\d{1,2})[:.](?P<M>\d{2})(?::(?P<S>\d{2}))?\s*(?P<ampm>[ap]\.?\s?m\.?)?)?"
)
_ZONE = r"(?:\s*\(?(?P<tz>utc|gmt|z|[+-]\d{2}:?\d{2})\)?)?"
_DATE_LINES = tuple(re.compile(_PREFIX + _WEEKDAY + form + _TIME + _ZONE, re.IGNORECASE) for form in _DATE_FORMS)


def parse_date_line(line: str) -> str | None:
    """An ISO 8601 string if the whole line is a date (and time), else None.

    Understands an optional "Published"/"Updated" prefix and weekday, day-month-year with
    the month's name ("Thursday 06/January/2022 - 02:36 PM", "6 Jan. 2022"), month-day-year
    ("January 6, 2022 10:15 am"), ISO and year/month/day dates, 12- or 24-hour times and a
    UTC/GMT or numeric zone. All-numeric day/month orders are ambiguous and not guessed.
    Gives "YYYY-MM-DD", or "YYYY-MM-DDTHH:MM[:SS]" with "Z"/"+HH:MM" when a zone is given.
    """
    text = line.strip()
    for pattern in _DATE_LINES:
        found = pattern.fullmatch(text)
        if found:
            return _iso_from_match(found)
    return None


def _iso_from_match(found: re.Match[str]) -> str | None:
    parts = found.groupdict()
    month = _MONTHS[parts["mon"].lower()] if parts.get("mon") else int(parts["m"])
    try:
        day = datetime(int(parts["y"]), month, int(parts["d"]))
    except ValueError:
        return None
    if parts["H"] is None:
        return day.strftime("%Y-%m-%d")
    hour, minute = int(parts["H"]), int(parts["M"])
    ampm = (parts["ampm"] or "").replace(".", "").replace(" ", "").lower()
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    iso = f"{day:%Y-%m-%d}T{hour:02d}:{minute:02d}"
    if parts["S"] is not None:
        if int(parts["S"]) > 59:
            return None
        iso += f":{parts['S']}"
    zone = (parts["tz"] or "").lower()
    if zone in ("utc", "gmt", "z"):
        iso += "Z"
    elif zone:
        digits = zone.replace(":", "")
        iso += f"{digits[:3]}:{digits[3:]}"
    return iso


# --------------------------------------------------------------------------- cleaning

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_WORD = re.compile(r"\w+(?:[.'’-]\w+)*\.?")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*$")
MAX_HEADER_LINES = 10  # header lines looked at before the first paragraph
MAX_TITLE_WORDS = 30
MAX_PUBLISHER_WORDS = 8


@dataclass
class CleanText:
    """The clean text of one article and what was taken out of it (line numbers from 1)."""

    text: str
    fields: dict[str, str] = field(default_factory=dict)
    removed: list[dict[str, Any]] = field(default_factory=list)
    consumed: list[dict[str, Any]] = field(default_factory=list)


def _word_count(line: str) -> int:
    return len(_WORD.findall(line))


def _is_paragraph(line: str) -> bool:
    """A body paragraph rather than a header line: long, or a sentence of several words."""
    words = _word_count(line)
    return words >= 15 or (words >= 6 and _SENTENCE_END.search(line.strip()) is not None)


def split_lines(text: str) -> list[str]:
    """Lines without their terminators (\\n, \\r\\n or \\r)."""
    return _LINE_BREAK.split(text)


def clean_text(raw: str, patterns: Patterns, *, header: bool = True, block_per_line: bool = False) -> CleanText:
    """Remove boilerplate lines, take header lines as metadata (if ``header``) and join the rest.

    ``block_per_line``: every line is its own paragraph (HTML extraction output).
    """
    lines = split_lines(raw)
    result = CleanText(text="")
    kind: list[str] = []  # per line: blank, removed, consumed, kept
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            kind.append("blank")
            continue
        rule = patterns.boilerplate_rule(line)
        if rule is not None:
            kind.append("removed")
            result.removed.append({"line": number, "text": line, "rule": rule})
        else:
            kind.append("kept")
    if header:
        _take_header(lines, kind, patterns, result)
    pieces: list[str] = []
    gap = ""
    for line, what in zip(lines, kind, strict=True):
        if what == "kept":
            if pieces:
                pieces.append("\n\n" if block_per_line else gap or "\n")
            pieces.append(line)
            gap = ""
        elif what in ("blank", "consumed") and pieces:
            gap = "\n\n"
    result.text = "".join(pieces)
    return result


def _take_header(lines: list[str], kind: list[str], patterns: Patterns, result: CleanText) -> None:
    """Turn the short lines before the first paragraph into fields.

    Metadata rules (issuer, source, url, byline) and date lines come first; then the first
    other line is the title, and a short line right beside the date line is the publisher
    (``source``). Header lines that are none of these stay in the text.
    """
    candidates = [i for i, what in enumerate(kind) if what == "kept"]
    header: list[int] = []
    for index in candidates:
        if _is_paragraph(lines[index]):
            break
        header.append(index)
    else:
        return  # no paragraph at all: nothing to tell header from body
    if not header or len(header) > MAX_HEADER_LINES:
        return
    fields = result.fields
    unclassified: list[int] = []
    date_index: int | None = None

    def consume(index: int, name: str, value: str) -> None:
        kind[index] = "consumed"
        result.consumed.append({"line": index + 1, "text": lines[index], "field": name})
        fields.setdefault(name, value)

    for index in header:
        found = patterns.metadata_field(lines[index])
        if found is not None:
            consume(index, *found)
            continue
        published = parse_date_line(lines[index]) if "published" not in fields else None
        if published is not None:
            consume(index, "published", published)
            date_index = index
            continue
        unclassified.append(index)
    for index in unclassified:
        line = lines[index].strip()
        if "title" not in fields and _word_count(line) <= MAX_TITLE_WORDS:
            consume(index, "title", line)
        elif (
            "source" not in fields
            and date_index is not None
            and _next_non_blank(lines, index, date_index)
            and _word_count(line) <= MAX_PUBLISHER_WORDS
            and not re.search(r"[.!?:;,]$", line)
        ):
            consume(index, "source", line)
    result.consumed.sort(key=lambda entry: entry["line"])


def _next_non_blank(lines: list[str], a: int, b: int) -> bool:
    """True when lines a and b are neighbours once blank lines are skipped."""
    low, high = sorted((a, b))
    return all(not lines[i].strip() for i in range(low + 1, high))


# --------------------------------------------------------------------------- decoding

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
MAX_CONTROL_SHARE = 0.05
MAX_CHAOS = 0.1
MIN_COHERENCE = 0.2


def decode_bytes(data: bytes, file: str) -> tuple[str, dict[str, Any]]:
    """Decode a text file: UTF-8 (or a BOM's encoding), else a confidently detected encoding.

    Returns the text and what to record about its encoding. Raises E012 (empty), E013
    (binary: NUL bytes or control characters) or E014 (not UTF-8, and no confident guess;
    the detail gives the byte offset of the first byte that is not UTF-8).
    """
    if not data.strip():
        raise EventCorpusError("E012", f"the file has {len(data)} bytes and no text", file=file)
    encoding_info: dict[str, Any]
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise EventCorpusError(
                    "E014",
                    f"starts with a {encoding} byte-order mark but byte {exc.start} is invalid",
                    file=file,
                    offset=exc.start,
                ) from exc
            encoding_info = {"encoding": encoding.replace("-sig", ""), "byte_order_mark": True}
            break
    else:
        if b"\x00" in data:
            nul = data.index(b"\x00")
            raise EventCorpusError(
                "E013", f"NUL byte at byte offset {nul}", file=file, offset=nul, expected="a text file"
            )
        try:
            text = data.decode("utf-8")
            encoding_info = {"encoding": "utf-8"}
        except UnicodeDecodeError as exc:
            text, encoding_info = _detect(data, file, exc)
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f\v")
    if controls > MAX_CONTROL_SHARE * len(text):
        raise EventCorpusError(
            "E013", f"{controls} of {len(text)} characters are control characters", file=file, expected="a text file"
        )
    if not text.strip():
        raise EventCorpusError("E012", "the file holds only whitespace", file=file)
    return text, encoding_info


PREFERRED_ON_TIE = ("cp1252", "latin_1", "iso8859_15")  # common Western encodings (WHATWG's default first)
NEAR_TIE_CHAOS = 0.02  # candidates this close to the best one are a tie...
NEAR_TIE_COHERENCE = 0.1  # ...and a Western encoding among them wins it
CONFIDENT_COHERENCE = 0.5  # below this (or with other readings close by) a guess is announced as unsure


def _western(match: Any) -> str | None:
    return next((name for name in PREFERRED_ON_TIE if name in match.could_be_from_charset), None)


def _detect(data: bytes, file: str, error: UnicodeDecodeError) -> tuple[str, dict[str, Any]]:
    """Decode with charset-normalizer when it is confident enough: little chaos and a coherent language.

    Among near-tied candidates a common Western encoding (cp1252, latin-1) wins: an English
    file with one Latin-1 letter must not become Mac Icelandic. A guess with other readings
    close by, or with low coherence, is kept but flagged ``low_confidence`` with the
    encodings considered, so that ingest warns naming the file.
    """
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    good = [m for m in matches if m.chaos <= MAX_CHAOS and m.coherence >= MIN_COHERENCE]
    chosen = None
    readings: set[str] = set()
    if good:
        best = good[0]
        tied = [
            m
            for m in good
            if m.chaos - best.chaos <= NEAR_TIE_CHAOS and best.coherence - m.coherence <= NEAR_TIE_COHERENCE
        ]
        chosen = next((m for m in tied if _western(m)), best)
        readings = {str(m) for m in tied}
    elif matches:  # no coherent reading (short text): a Western reading with as little chaos still wins, unsure
        tied = [m for m in matches if m.chaos <= min(MAX_CHAOS, matches[0].chaos + NEAR_TIE_CHAOS)]
        chosen = next((m for m in tied if _western(m)), None)
        good, readings = tied, {str(m) for m in tied}
    if chosen is not None:
        western = _western(chosen)
        info: dict[str, Any] = {
            "encoding": western or chosen.encoding,
            "detected": True,
            "chaos": round(float(chosen.chaos), 3),
            "coherence": round(float(chosen.coherence), 3),
        }
        others = sorted({m.encoding for m in good} - {chosen.encoding})
        if others:
            info["other_candidates"] = others
        if len(readings) > 1 or chosen.coherence < CONFIDENT_COHERENCE:
            info["low_confidence"] = True
            info["considered"] = list(dict.fromkeys(_western(m) or m.encoding for m in good))[:8]
        try:
            text = data.decode(western) if western else str(chosen)
        except UnicodeDecodeError:  # a byte cp1252 leaves undefined: keep charset-normalizer's reading
            text, info["encoding"] = str(chosen), chosen.encoding
        return text, info
    best_any = matches[0] if matches else None
    guess = (
        f" (best guess {best_any.encoding}, coherence {best_any.coherence:.2f}: too unsure or ambiguous)"
        if best_any is not None
        else ""
    )
    raise EventCorpusError(
        "E014",
        f"byte 0x{data[error.start]:02x} at byte offset {error.start} is not UTF-8 ({error.reason}){guess}",
        file=file,
        offset=error.start,
        expected="UTF-8 text, or text in an encoding that can be detected with confidence",
    )


# --------------------------------------------------------------------------- files -> documents


@dataclass(frozen=True)
class Defaults:
    """Licence and attribution for documents whose input does not give its own."""

    licence: str = UNKNOWN
    attribution: str | None = None


def _attribution(
    given: str | None, defaults: Defaults, source: str | None, meta: dict[str, Any], url: str | None
) -> str:
    if given:
        return given
    if defaults.attribution:
        return defaults.attribution
    issuer = meta.get("issuer")
    if source and issuer:
        return f"{source} ({issuer})"
    return source or (str(issuer) if issuer else None) or url or UNKNOWN


def _document(
    cleaned: CleanText,
    provenance: dict[str, Any],
    defaults: Defaults,
    *,
    licence: str | None = None,
    attribution: str | None = None,
    language: str | None = None,
    extra_meta: dict[str, Any] | None = None,
) -> Document:
    provenance["removed"] = cleaned.removed
    provenance["metadata_lines"] = cleaned.consumed
    fields = cleaned.fields
    meta = dict(extra_meta or {})
    meta.update({k: v for k, v in fields.items() if k not in DOCUMENT_FIELDS})
    document = Document(
        id=document_id(cleaned.text),
        text=cleaned.text,
        title=fields.get("title"),
        source=fields.get("source"),
        url=fields.get("url"),
        published=fields.get("published"),
        licence=licence or defaults.licence or UNKNOWN,
        provenance=[provenance],
        meta=meta,
    )
    if language:
        document.language = language
    document.attribution = _attribution(attribution, defaults, document.source, meta, document.url)
    return document


def _no_text(file: str, line: int | None = None) -> EventCorpusError:
    return EventCorpusError(
        "E012", "no text is left once boilerplate and header lines are taken out", file=file, line=line
    )


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise EventCorpusError("E004", f"cannot read the file: {exc.strerror or exc}", file=str(path)) from exc


def read_txt(path: Path, patterns: Patterns, defaults: Defaults) -> Document:
    """One document from a plain-text article (header lines become metadata)."""
    file = path.as_posix()
    data = _read_bytes(path)
    text, encoding = decode_bytes(data, file)
    cleaned = clean_text(text, patterns, header=True)
    if not cleaned.text.strip():
        raise _no_text(file)
    provenance = {"path": file, "sha256": hashlib.sha256(data).hexdigest(), "format": "txt", **encoding}
    provenance["lines"] = "file"
    return _document(cleaned, provenance, defaults)


_HTML_LANG = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})", re.IGNORECASE)
_PUBLISHED_META = re.compile(
    r"<meta\b(?=[^>]*\b(?:property|name|itemprop)\s*=\s*[\"'](?:article:published_time|og:published_time|datePublished)[\"'])"
    r"[^>]*\bcontent\s*=\s*[\"']([^\"']+)[\"']",
    re.IGNORECASE,
)


def _published_from_meta(html: str) -> str | None:
    """The publication time of an article:published_time-style meta tag, keeping its time and zone."""
    found = _PUBLISHED_META.search(html)
    if not found:
        return None
    value = found.group(1).strip()
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return parse_date_line(value)
    if len(value) <= 10:
        return f"{moment:%Y-%m-%d}"
    offset = moment.utcoffset()
    zone = "" if offset is None else "Z" if not offset else moment.strftime("%z")[:3] + ":" + moment.strftime("%z")[3:]
    return f"{moment:%Y-%m-%dT%H:%M}{zone}"


def read_html(path: Path, patterns: Patterns, defaults: Defaults) -> Document:
    """One document from an HTML page: trafilatura's main text and metadata, no network."""
    file = path.as_posix()
    data = _read_bytes(path)
    return html_document(data, file, patterns, defaults, {"path": file, "sha256": hashlib.sha256(data).hexdigest()})


def html_document(
    data: bytes, file: str, patterns: Patterns, defaults: Defaults, origin: dict[str, Any], url: str | None = None
) -> Document:
    """One document from the bytes of an HTML page (a file, or a WARC record); ``origin`` starts its provenance."""
    import trafilatura

    html, encoding = decode_bytes(data, file)
    extracted = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        date_extraction_params={"extensive_search": False, "original_date": True, "outputformat": "%Y-%m-%dT%H:%M"},
    )
    main_text = getattr(extracted, "text", None) if extracted is not None else None
    if not main_text or not main_text.strip():
        raise EventCorpusError("E012", "trafilatura found no main text in the page", file=file)
    title = getattr(extracted, "title", None)
    cleaned = clean_text(main_text, patterns, header=False, block_per_line=True)
    kept_lines = cleaned.text.split("\n\n")
    if title and kept_lines and kept_lines[0].strip() == title.strip():
        first = next(i for i, line in enumerate(split_lines(main_text), 1) if line.strip())
        cleaned.consumed.append({"line": first, "text": kept_lines[0], "field": "title"})
        cleaned.text = "\n\n".join(kept_lines[1:])
    if not cleaned.text.strip():
        raise _no_text(file)
    published = _published_from_meta(html) or getattr(extracted, "date", None)
    if published and published.endswith("T00:00"):
        published = published[: -len("T00:00")]  # a date without a time, not midnight
    fields = {"title": title, "url": getattr(extracted, "url", None) or url, "published": published}
    fields["source"] = getattr(extracted, "sitename", None) or getattr(extracted, "hostname", None)
    cleaned.fields = {k: str(v) for k, v in fields.items() if v}
    extra = {"author": getattr(extracted, "author", None), "description": getattr(extracted, "description", None)}
    provenance = {"format": "html", **origin, **encoding}
    provenance.update(
        {"lines": "main text extracted by trafilatura", "extractor": f"trafilatura {trafilatura.__version__}"}
    )
    language = getattr(extracted, "language", None)
    lang_attr = _HTML_LANG.search(html[:4096])
    return _document(
        cleaned,
        provenance,
        defaults,
        licence=getattr(extracted, "license", None),
        language=language or (lang_attr.group(1).lower() if lang_attr else None),
        extra_meta={k: v for k, v in extra.items() if v},
    )


_JSONL_TEXT_FIELDS = ("title", "url", "published", "source", "licence", "attribution", "language")
_JSONL_ALIASES = {"license": "licence", "publisher": "source", "date": "published", "lang": "language"}


def read_jsonl(path: Path, patterns: Patterns, defaults: Defaults) -> Iterator[Document | EventCorpusError]:
    """Documents from a JSON Lines file of article records, streamed; a bad line yields its error."""
    file = path.as_posix()
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            head = handle.read(65536)
            if b"\x00" in head:
                nul = head.index(b"\x00")
                yield EventCorpusError("E013", f"NUL byte at byte offset {nul}", file=file, offset=nul)
                return
            while head:
                digest.update(head)
                head = handle.read(1 << 20)
        handle = path.open("rb")  # noqa: SIM115 (closed by the with below)
    except OSError as exc:
        yield EventCorpusError("E004", f"cannot read the file: {exc.strerror or exc}", file=file)
        return
    sha256 = digest.hexdigest()
    records = 0
    with handle:
        offset = 0
        for number, raw in enumerate(handle, start=1):
            start, offset = offset, offset + len(raw)
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw, start = raw[3:], start + 3
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield EventCorpusError(
                    "E014",
                    f"byte 0x{raw[exc.start]:02x} at byte offset {start + exc.start} is not UTF-8 ({exc.reason})",
                    file=file,
                    line=number,
                    offset=start + exc.start,
                    expected="UTF-8 (JSON Lines is always UTF-8)",
                )
                continue
            if not line.strip():
                continue
            records += 1
            try:
                yield _jsonl_document(line, file, number, sha256, patterns, defaults)
            except EventCorpusError as exc:
                yield exc
    if records == 0:
        yield EventCorpusError("E012", "the file has no records", file=file)


def _jsonl_document(line: str, file: str, number: int, sha256: str, patterns: Patterns, defaults: Defaults) -> Document:
    data = decode_json_line(line, file, number, expected="one JSON object per line")
    if not isinstance(data, dict):
        raise EventCorpusError("E019", f"the line holds a JSON {type(data).__name__}", file=file, line=number)
    data = {_JSONL_ALIASES.get(k, k): v for k, v in data.items()}
    text = data.pop("text", None)
    if not isinstance(text, str) or not text.strip():
        raise EventCorpusError("E019", "field 'text' is missing, empty or not a string", file=file, line=number)
    fields: dict[str, str] = {}
    for name in _JSONL_TEXT_FIELDS:
        value = data.pop(name, None)
        if value is None:
            continue
        if not isinstance(value, str):
            raise EventCorpusError("E019", f"field {name!r} is {value!r}, not a string", file=file, line=number)
        fields[name] = value
    if "published" in fields:
        fields["published"] = parse_date_line(fields["published"]) or fields["published"]
    cleaned = clean_text(text, patterns, header=False)
    if not cleaned.text.strip():
        raise _no_text(file, number)
    cleaned.fields = {k: fields[k] for k in DOCUMENT_FIELDS if k in fields}
    input_id = data.pop("id", None)
    extra = {"input_id": input_id} if input_id is not None else {}
    extra.update(data)
    provenance = {
        "path": file,
        "sha256": sha256,
        "format": "jsonl",
        "encoding": "utf-8",
        "record_line": number,
        "record_sha256": hashlib.sha256(line.rstrip("\r\n").encode("utf-8")).hexdigest(),
        "lines": "text field",
    }
    return _document(
        cleaned,
        provenance,
        defaults,
        licence=fields.get("licence"),
        attribution=fields.get("attribution"),
        language=fields.get("language"),
        extra_meta=extra,
    )


def iter_file(path: Path, patterns: Patterns, defaults: Defaults) -> Iterator[Document | EventCorpusError]:
    """The documents of one input file, and an error for each part of it that failed."""
    kind = file_kind(path)
    if kind is None:
        yield EventCorpusError(
            "E015",
            f"'{path.suffix or path.name}' is not a supported article type",
            file=path.as_posix(),
            expected=", ".join([*FORMATS, *COMPRESSED_FORMATS]),
        )
        return
    if kind == "jsonl":
        yield from read_jsonl(path, patterns, defaults)
        return
    if kind == "warc":
        from eventcorpus.warc import read_warc

        yield from read_warc(path, patterns, defaults)
        return
    try:
        yield read_txt(path, patterns, defaults) if kind == "txt" else read_html(path, patterns, defaults)
    except EventCorpusError as exc:
        yield exc


def expand_paths(paths: Iterable[str | Path]) -> tuple[list[Path], list[str], list[EventCorpusError]]:
    """Files to read (folders searched recursively, sorted), files skipped in folders, missing paths."""
    files: list[Path] = []
    skipped: list[str] = []
    failures: list[EventCorpusError] = []
    seen: set[Path] = set()

    def add(candidate: Path) -> None:
        resolved = candidate.resolve()
        if resolved not in seen:
            seen.add(resolved)
            files.append(candidate)

    for given in paths:
        path = Path(given)
        if path.is_dir():
            for found in sorted(path.rglob("*"), key=lambda p: p.relative_to(path).as_posix()):
                if not found.is_file():
                    continue
                hidden = any(part.startswith(".") for part in found.relative_to(path).parts)
                if hidden or file_kind(found) is None:
                    skipped.append(found.as_posix())
                else:
                    add(found)
        elif path.is_file():
            add(path)
        else:
            what = "does not exist" if not path.exists() else "is neither a file nor a folder"
            failures.append(EventCorpusError("E004", f"the path {what}", file=path.as_posix()))
    return files, skipped, failures


# --------------------------------------------------------------------------- near duplicates

_MERSENNE = np.uint64((1 << 61) - 1)
NUM_PERM = 128
SHINGLE_SIZE = 5
MINHASH_SEED = 20220106


def shingles(text: str, size: int = SHINGLE_SIZE) -> set[str]:
    """Word ``size``-grams of the case-folded, normalised text (the whole text if shorter)."""
    words = re.findall(r"\w+", normalise_text(text).casefold())
    if len(words) <= size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 1 << 31, size=num_perm, dtype=np.uint64)
    b = rng.integers(0, 1 << 31, size=num_perm, dtype=np.uint64)
    return a, b


def minhash_signature(
    text: str, *, num_perm: int = NUM_PERM, shingle_size: int = SHINGLE_SIZE, seed: int = MINHASH_SEED
) -> np.ndarray:
    """MinHash signature: for each of ``num_perm`` hash functions (a*x+b mod 2^61-1 over CRC32
    shingle hashes, a and b drawn from a fixed seed) the least value over the text's shingles."""
    hashes = np.fromiter((zlib.crc32(s.encode("utf-8")) for s in shingles(text, shingle_size)), dtype=np.uint64)
    if hashes.size == 0:
        return np.full(num_perm, _MERSENNE, dtype=np.uint64)
    a, b = _permutations(num_perm, seed)
    signature = np.full(num_perm, _MERSENNE, dtype=np.uint64)
    for start in range(0, hashes.size, 4096):  # bounded memory for long texts
        chunk = hashes[start : start + 4096, None]
        signature = np.minimum(signature, ((chunk * a + b) % _MERSENNE).min(axis=0))
    return signature


def estimated_jaccard(first: np.ndarray, second: np.ndarray) -> float:
    return float(np.mean(first == second))


def _rows_per_band(num_perm: int, threshold: float, recall: float = 0.99) -> int:
    """The most rows per LSH band that still make a pair at ``threshold`` a candidate with ``recall``."""
    best = 1
    for rows in range(1, num_perm + 1):
        if num_perm % rows:
            continue
        bands = num_perm // rows
        if 1 - (1 - threshold**rows) ** bands >= recall:
            best = rows
    return best


def near_duplicate_clusters(
    signatures: Sequence[tuple[str, np.ndarray]], threshold: float = DEFAULT_THRESHOLD
) -> dict[str, list[str]]:
    """Clusters of documents whose estimated Jaccard similarity is at least ``threshold``.

    LSH banding proposes candidate pairs; each is checked on the full signatures; pairs are
    joined transitively. Returns {cluster id: [document ids]} for clusters of two or more,
    the cluster id being "ndc-" + the id of its first document in input order.
    """
    if not signatures:
        return {}
    num_perm = len(signatures[0][1])
    rows = _rows_per_band(num_perm, threshold)
    parent = list(range(len(signatures)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    buckets: dict[tuple[int, bytes], list[int]] = {}
    for index, (_, signature) in enumerate(signatures):
        for band in range(num_perm // rows):
            key = (band, signature[band * rows : (band + 1) * rows].tobytes())
            for other in buckets.setdefault(key, []):
                if root(other) != root(index) and estimated_jaccard(signatures[other][1], signature) >= threshold:
                    parent[max(root(other), root(index))] = min(root(other), root(index))
            buckets[key].append(index)
    groups: dict[int, list[str]] = {}
    for index, (doc_id, _) in enumerate(signatures):
        groups.setdefault(root(index), []).append(doc_id)
    return {f"ndc-{members[0]}": members for members in groups.values() if len(members) > 1}


# --------------------------------------------------------------------------- the whole step


class IngestFailed(EventCorpusError):
    """Some inputs failed and ``skip_invalid`` was not set: nothing should be written."""

    def __init__(self, failures: list[EventCorpusError], files: int) -> None:
        self.failures = failures
        listed = "; ".join(f"{f.code} {f.location}" for f in failures[:10])
        more = f" and {len(failures) - 10} more" if len(failures) > 10 else ""
        super().__init__("E016", f"{len(failures)} problem(s) reading {files} file(s): {listed}{more}")


@dataclass
class IngestResult:
    documents: list[Document]
    failures: list[EventCorpusError] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    clusters: dict[str, list[str]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    files: int = 0

    @property
    def warnings(self) -> list[str]:
        """Unsure encoding guesses, one line per file: the file, the guess and the encodings considered."""
        found = []
        for document in self.documents:
            for source in document.provenance:
                if source.get("low_confidence"):
                    found.append(
                        f"{source.get('path')}: not UTF-8; read as {source.get('encoding')} with low confidence "
                        f"(coherence {source.get('coherence')}; considered {', '.join(source.get('considered', []))}). "
                        "Check the text, or convert the file to UTF-8 first."
                    )
        return found

    @property
    def removed_lines(self) -> int:
        return sum(len(p.get("removed", [])) for d in self.documents for p in d.provenance)

    def report(self) -> dict[str, Any]:
        """A JSON-ready summary: counts, merges, clusters, skipped files and every failure."""
        return {
            "files": self.files,
            "documents": len(self.documents),
            "removed_lines": self.removed_lines,
            "duplicates_merged": self.duplicates,
            "near_duplicate_clusters": self.clusters,
            "skipped": self.skipped,
            "failures": [f.as_dict() for f in self.failures],
            "warnings": self.warnings,
        }


def _merge(kept: Document, duplicate: Document) -> None:
    kept.provenance.extend(duplicate.provenance)
    for name in DOCUMENT_FIELDS:
        if getattr(kept, name) is None and getattr(duplicate, name) is not None:
            setattr(kept, name, getattr(duplicate, name))
    if kept.licence == UNKNOWN and duplicate.licence != UNKNOWN:
        kept.licence = duplicate.licence
    if kept.attribution == UNKNOWN and duplicate.attribution not in (None, UNKNOWN):
        kept.attribution = duplicate.attribution  # never None after _document, so the loop above skips it
    for key, value in duplicate.meta.items():
        kept.meta.setdefault(key, value)


def ingest(
    paths: Iterable[str | Path],
    *,
    patterns: Patterns | str | Path | None = None,
    skip_invalid: bool = False,
    licence: str = UNKNOWN,
    attribution: str | None = None,
    near_duplicate_threshold: float = DEFAULT_THRESHOLD,
) -> IngestResult:
    """Read articles from files and folders into documents (see the module docstring).

    Every input is read, so that every failure is listed. Without ``skip_invalid`` any
    failure raises :class:`IngestFailed` (E016) carrying them all; with it the result
    holds the good documents and the failures. ``licence``/``attribution`` apply to
    documents whose input gives none.
    """
    rules = patterns if isinstance(patterns, Patterns) else load_patterns(patterns)
    defaults = Defaults(licence=licence or UNKNOWN, attribution=attribution)
    files, skipped, failures = expand_paths(paths)
    by_id: dict[str, Document] = {}
    duplicates: list[dict[str, Any]] = []
    for path in track(files, "ingesting", total=len(files), unit="files"):
        for item in iter_file(path, rules, defaults):
            if isinstance(item, EventCorpusError):
                failures.append(item)
            elif item.id in by_id:
                _merge(by_id[item.id], item)
                duplicates.append({"id": item.id, "kept": by_id[item.id].provenance[0], "merged": item.provenance[0]})
            else:
                by_id[item.id] = item
    if failures and not skip_invalid:
        raise IngestFailed(failures, len(files))
    documents = list(by_id.values())
    signatures = [(d.id, minhash_signature(d.text)) for d in documents]
    clusters = near_duplicate_clusters(signatures, near_duplicate_threshold)
    for cluster_id, members in clusters.items():
        for doc_id in members:
            by_id[doc_id].meta["near_duplicate_cluster"] = cluster_id
    duplicates = [{"id": d["id"], "kept": _where(d["kept"]), "merged": _where(d["merged"])} for d in duplicates]
    return IngestResult(documents, failures, duplicates, clusters, skipped, len(files))


def _where(provenance: dict[str, Any]) -> str:
    line = provenance.get("record_line")
    return f"{provenance['path']}:{line}" if line else str(provenance["path"])
