"""Small builders of hostile inputs shared by the fault tests: records, doccano zips, bombs."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

from eventcorpus.records import text_sha256

TEXT = "Kataib Hezbollah fired rockets at Ayn al-Assad."


def record(doc_id: str = "d1", annotator: str = "alice", text: str = TEXT) -> dict[str, Any]:
    """A small valid canonical record (one attack with two arguments)."""
    return {
        "id": doc_id,
        "text": text,
        "text_sha256": text_sha256(text),
        "annotator": annotator,
        "entities": [
            {"id": "T1", "start": 0, "end": 16, "label": "ORG"},
            {"id": "T2", "start": 34, "end": 46, "label": "FAC"},
        ],
        "events": [
            {
                "id": "E1",
                "type": "Conflict:Attack",
                "trigger": {"start": 17, "end": 22},
                "arguments": [{"role": "Attacker", "entity_id": "T1"}, {"role": "Target", "entity_id": "T2"}],
            }
        ],
    }


def doccano_line(example_id: int = 7, text: str = TEXT, doc_id: str | None = None) -> dict[str, Any]:
    """One doccano export example with three spans and two relations (meta keys as push stores them)."""
    line: dict[str, Any] = {
        "id": example_id,
        "text": text,
        "entities": [
            {"id": 10, "start_offset": 0, "end_offset": 16, "label": "ORG"},
            {"id": 11, "start_offset": 34, "end_offset": 46, "label": "FAC"},
            {"id": 12, "start_offset": 17, "end_offset": 22, "label": "Conflict:Attack"},
        ],
        "relations": [
            {"id": 3, "from_id": 12, "to_id": 10, "type": "Attacker"},
            {"id": 4, "from_id": 12, "to_id": 11, "type": "Target"},
        ],
    }
    if doc_id is not None:
        line.update(doc_id=doc_id, text_sha256=text_sha256(text))
    return line


def zip_bytes(members: dict[str, bytes | str], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data.encode("utf-8") if isinstance(data, str) else data)
    return buffer.getvalue()


def jsonl(*objects: Any) -> str:
    return "".join(json.dumps(o) + "\n" for o in objects)


def bomb(expanded_mib: int = 64) -> bytes:
    """A doccano-looking zip whose one member inflates ~1000 times (kept small: 64 MiB of spaces)."""
    buffer = io.BytesIO()
    block = b" " * (1 << 20)
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("alice.jsonl", "w", force_zip64=True) as member,
    ):
        member.write(json.dumps(doccano_line()).encode() + b"\n")
        for _ in range(expanded_mib):
            member.write(block)
    return buffer.getvalue()


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path
