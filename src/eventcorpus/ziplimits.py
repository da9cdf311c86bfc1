"""Reading JSON Lines members of a zip (doccano exports) as streams, with limits against zip bombs.

A member is never read whole into memory: its lines are decoded as they are inflated, and
the bytes inflated so far are counted. Past ``max_bytes`` (all members together) or past
``max_ratio`` times the member's compressed size (once it is past ``ratio_floor`` bytes,
so small, very repetitive members still pass), reading stops with E032 naming the member
and the limit. Member names become annotator names: two members with one stem in
different folders (``a/alice.jsonl``, ``b/alice.jsonl``) get distinct names, reported.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from eventcorpus.errors import EventCorpusError
from eventcorpus.paths import original_name

MIB = 1 << 20
DEFAULT_MAX_MB = 1024
DEFAULT_MAX_RATIO = 100.0


@dataclass
class ZipLimits:
    """How far members may expand: bytes across the archive, and expanded/compressed ratio per member."""

    max_bytes: int = DEFAULT_MAX_MB * MIB
    max_ratio: float = DEFAULT_MAX_RATIO
    ratio_floor: int = MIB
    inflated: int = 0  # bytes inflated so far, over all members

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> ZipLimits:
        return cls(
            max_bytes=int(float(options.get("max_unzip_mb") or DEFAULT_MAX_MB) * MIB),
            max_ratio=float(options.get("max_unzip_ratio") or DEFAULT_MAX_RATIO),
        )


class _Counted(io.RawIOBase):
    """A member's inflated bytes, counted against the limits as they are read."""

    def __init__(self, raw: IO[bytes], *, name: str, compressed: int, limits: ZipLimits) -> None:
        self._raw, self._name, self._compressed, self._limits = raw, name, max(compressed, 1), limits
        self._read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._raw.read(len(buffer))
        count = len(data)
        buffer[:count] = data
        self._read += count
        self._limits.inflated += count
        limits = self._limits
        if limits.inflated > limits.max_bytes:
            raise EventCorpusError(
                "E032",
                f"member {self._name} expands past {limits.max_bytes // MIB} MiB "
                f"(the limit for the whole archive, --max-unzip-mb)",
                file=self._name,
                expected=f"at most {limits.max_bytes // MIB} MiB inflated",
            )
        if self._read > limits.ratio_floor and self._read > limits.max_ratio * self._compressed:
            raise EventCorpusError(
                "E032",
                f"member {self._name} expands more than {limits.max_ratio:g} times its compressed size "
                f"({self._compressed} bytes; --max-unzip-ratio)",
                file=self._name,
                expected=f"an expansion ratio of at most {limits.max_ratio:g}",
            )
        return count


@dataclass
class Members:
    """The ``.jsonl`` members of an archive and the annotator name each stands for."""

    names: list[tuple[str, str]] = field(default_factory=list)  # (member, annotator)
    notes: list[str] = field(default_factory=list)  # renamings and members left out, to report


def open_zip(source: str | Path | bytes, name: str) -> zipfile.ZipFile:
    """Open an archive from a path or bytes; E033 when it is not a readable zip."""
    try:
        return zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise EventCorpusError("E033", str(exc), file=name) from exc


def jsonl_members(archive: zipfile.ZipFile) -> Members:
    """Every ``.jsonl`` member with a distinct annotator name (its stem, plus its folder when stems repeat)."""
    found = Members()
    paths = sorted(info.filename for info in archive.infolist() if not info.is_dir())
    jsonl = [p for p in paths if p.endswith(".jsonl")]
    stems: dict[str, list[str]] = {}
    for member in jsonl:
        stems.setdefault(original_name(PurePosixPath(member.replace("\\", "/")).stem), []).append(member)
    taken = {stem for stem, members in stems.items() if len(members) == 1}
    for stem, members in sorted(stems.items()):
        if len(members) == 1:
            found.names.append((members[0], stem))
            continue
        for member in members:
            parts = [p for p in PurePosixPath(member.replace("\\", "/")).parent.parts if p not in ("", ".", "/")]
            name = "@".join([stem, "-".join(parts) or "root"])
            while name in taken:
                name += "+"
            taken.add(name)
            found.names.append((member, name))
        found.notes.append(
            f"{len(members)} members share the name {stem}.jsonl ({', '.join(members)}): "
            f"read as annotators {', '.join(n for m, n in found.names if m in members)}"
        )
    found.names.sort()
    return found


def member_lines(archive: zipfile.ZipFile, member: str, *, name: str, limits: ZipLimits) -> Iterator[tuple[int, str]]:
    """(line number, line) of one member, decoded as UTF-8 while it is inflated; E014 names the line that is not."""
    info = archive.getinfo(member)
    try:
        with archive.open(info) as raw:
            counted = _Counted(raw, name=name, compressed=info.compress_size, limits=limits)
            for number, data in enumerate(io.BufferedReader(counted, buffer_size=1 << 16), start=1):
                try:
                    yield number, data.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise EventCorpusError(
                        "E014",
                        f"byte {exc.start} of the line: {exc.reason}",
                        file=name,
                        line=number,
                        expected="UTF-8 text",
                    ) from exc
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise EventCorpusError("E033", f"member {member}: {exc}", file=name) from exc
