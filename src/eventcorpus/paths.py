"""The one gate through which an id or an annotator name becomes a file name.

A document id or an annotator name comes from input data (a record, a doccano export's
member names) and must never steer a write outside the output folder. :func:`safe_name`
escapes what a file name cannot hold safely (path separators, a leading dot, which covers
``..`` and hidden files, control characters, ``%`` itself) as ``%XX``, reversibly
(:func:`original_name`); ordinary ids (``33a5c0a27bc92d2c``, ``alice``) pass unchanged.
:func:`inside` joins a name to a folder and refuses (E031) any result that would leave it.
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path
from urllib.parse import unquote

from eventcorpus.errors import EventCorpusError

MAX_NAME = 200  # bytes of UTF-8 left for a suffix within the usual 255-byte file-name limit
_ESCAPE = frozenset('/\\%:*?"<>|')


def _escape(char: str) -> str:
    return "".join(f"%{byte:02X}" for byte in char.encode("utf-8"))


def safe_name(name: str, *, what: str = "id") -> str:
    """``name`` as one file-name component: unsafe characters escaped as ``%XX``; E031 if empty or too long."""
    if not isinstance(name, str) or not name:
        raise EventCorpusError("E031", f"an empty {what} cannot name a file", expected=f"a non-empty {what}")
    out = []
    for index, char in enumerate(name):
        unsafe = char in _ESCAPE or unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp")
        if unsafe or (index == 0 and char in ". "):
            out.append(_escape(char))
        else:
            out.append(char)
    escaped = "".join(out)
    if escaped.endswith((" ", ".")):
        escaped = escaped[:-1] + _escape(escaped[-1])
    if len(escaped.encode("utf-8")) > MAX_NAME:
        raise EventCorpusError(
            "E031",
            f"{what} {name[:60]!r}... is {len(escaped.encode('utf-8'))} bytes as a file name",
            expected=f"at most {MAX_NAME} bytes",
        )
    return escaped


def original_name(escaped: str) -> str:
    """The name :func:`safe_name` escaped."""
    return unquote(escaped)


def is_safe_name(name: object) -> bool:
    """True when ``name`` can be a file name as it is (no escaping needed)."""
    if not isinstance(name, str) or not name:
        return False
    try:
        return safe_name(name) == name
    except EventCorpusError:
        return False


def inside(folder: str | Path, name: str, *, suffix: str = "", what: str = "id") -> Path:
    """``folder / (safe_name(name) + suffix)``, checked to lie inside ``folder`` (E031 otherwise)."""
    base = Path(folder)
    target = base / (safe_name(name, what=what) + suffix)
    root = os.path.realpath(base)
    real = os.path.realpath(target)
    if os.path.commonpath([root, real]) != root or real == root:
        raise EventCorpusError(
            "E031", f"{what} {name!r} would write {real}, outside {root}", file=str(target), expected="a path inside"
        )
    return target
