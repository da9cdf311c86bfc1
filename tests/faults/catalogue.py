"""A catalogue of bad inputs run against every command that reads a file (typer CliRunner).

Each case builds its inputs in a fresh folder and names the command line to run. The
outcome of a run is classified: a coded error (``E0xx`` in the output, exit 1 or 2), a
stated warning (``⚠``), a traceback (any exception other than the CLI's exit) and damaged
files (any byte of a file that existed before the run changed or gone). Used by
tests/faults/test_catalogue.py and scripts/fault_totals.py.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from typer.testing import CliRunner

from eventcorpus.cli import app
from tests.faults.bad_inputs import bomb, doccano_line, jsonl, record, write, zip_bytes

CODE = re.compile(r"\b[EV]\d{3}\b")  # catalogue errors, and validate's rule codes


@dataclass
class Outcome:
    case: str
    command: str
    exit_code: int
    coded: bool
    warned: bool
    traceback: str | None
    damaged: list[str] = field(default_factory=list)


# --- bad input files: name -> builder(folder) -> path ---------------------------------------
def _good(folder: Path) -> Path:
    return write(folder / "good.jsonl", jsonl(record("d1"), record("d2", text="Drones hit Erbil airport on Monday.")))


def _bad_offsets(folder: Path) -> Path:
    bad = record("d1")
    bad["entities"][0]["end"] = 999
    return write(folder / "offsets.jsonl", jsonl(bad))


def _wrong_label(folder: Path) -> Path:
    bad = record("d1")
    bad["entities"][0]["label"] = "WEAPONRY"
    return write(folder / "label.jsonl", jsonl(bad))


def _duplicate(folder: Path) -> Path:
    return write(folder / "dup.jsonl", jsonl(record("d1"), record("d1")))


INPUTS: dict[str, Callable[[Path], Path]] = {
    "binary": lambda f: write(f / "binary.jsonl", bytes(range(256)) * 4),
    "utf16": lambda f: write(f / "utf16.jsonl", (json.dumps(record()) + "\n").encode("utf-16")),
    "latin1": lambda f: write(
        f / "latin1.jsonl", json.dumps(record(text="Iräq"), ensure_ascii=False).encode("latin-1")
    ),
    "truncated line": lambda f: write(f / "cut.jsonl", json.dumps(record())[:60]),
    "nul bytes": lambda f: write(f / "nul.jsonl", json.dumps(record()).encode() + b"\x00\x00\n"),
    "list line": lambda f: write(f / "list.jsonl", "[1, 2, 3]\n"),
    "number line": lambda f: write(f / "number.jsonl", "42\n"),
    "missing text": lambda f: write(f / "notext.jsonl", jsonl({"id": "d1", "entities": []})),
    "offsets out of range": _bad_offsets,
    "label outside the schema": _wrong_label,
    "duplicate ids": _duplicate,
    "empty file": lambda f: write(f / "empty.jsonl", ""),
    "path-like id": lambda f: write(f / "slip.jsonl", jsonl(record("../../victim"))),
    "missing file": lambda f: f / "no-such-file.jsonl",
    "folder instead of file": lambda f: (f / "adir").mkdir() or f / "adir",
}

DOCCANO_ZIPS: dict[str, Callable[[Path], Path]] = {
    "zip slip": lambda f: write(f / "slip.zip", zip_bytes({"../../../etc/evil.jsonl": jsonl(doccano_line(1))})),
    "zip bomb": lambda f: write(f / "bomb.zip", bomb(48)),
    "zip same stems": lambda f: write(
        f / "stems.zip", zip_bytes({"a/alice.jsonl": jsonl(doccano_line(1)), "b/alice.jsonl": jsonl(doccano_line(2))})
    ),
    "zip bad json": lambda f: write(f / "badjson.zip", zip_bytes({"alice.jsonl": '{"id": 1, "text": \n'})),
    "zip not utf-8": lambda f: write(f / "latin.zip", zip_bytes({"alice.jsonl": b'{"id": 1, "text": "Ir\xe4q"}\n'})),
    "zip truncated": lambda f: write(f / "cut.zip", zip_bytes({"alice.jsonl": jsonl(doccano_line(1))})[:40]),
}

# --- commands: name -> argv given (input, folder) --------------------------------------------
COMMANDS: dict[str, Callable[[Path, Path], list[str]]] = {
    "convert canonical->brat": lambda i, f: ["convert", str(i), "--from", "canonical", "--to", "brat", "--out", str(f / "brat")],
    "convert canonical->doccano": lambda i, f: ["convert", str(i), "--from", "canonical", "--to", "doccano", "--out", str(f / "o.zip")],
    "convert doccano->canonical": lambda i, f: ["convert", str(i), "--from", "doccano", "--to", "canonical", "--out", str(f / "o.jsonl")],
    "validate": lambda i, f: ["validate", str(i)],
    "stats": lambda i, f: ["stats", str(i), "--report", str(f / "report.md")],
    "evaluate": lambda i, f: ["evaluate", "--gold", str(i), "--pred", str(i), "--no-ci", "--errors", str(f / "e.jsonl")],
    "split": lambda i, f: ["split", str(i), "--out", str(f / "split.json"), "--seed-trials", "2"],
}  # fmt: skip


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in folder.rglob("*") if p.is_file() and os.access(p, os.R_OK)}


def run_case(case: str, argv: list[str], folder: Path) -> Outcome:
    """Run one command line in ``folder`` and classify what happened."""
    before = _snapshot(folder)
    result = CliRunner().invoke(app, argv)
    output = result.output + (result.stderr if result.stderr_bytes else "")
    traceback = None
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        traceback = f"{type(result.exception).__name__}: {result.exception}"
    after = _snapshot(folder)
    damaged = [path for path, data in before.items() if after.get(path) != data]
    return Outcome(
        case,
        " ".join(argv[:1]),
        result.exit_code,
        bool(CODE.search(output)) and result.exit_code in (1, 2),
        "⚠" in output,
        traceback,
        damaged,
    )


def cases() -> list[tuple[str, Callable[[Path], list[str]]]]:
    """Every (case name, builder of the argv in a fresh folder)."""
    out: list[tuple[str, Callable[[Path], list[str]]]] = []
    for input_name, build in INPUTS.items():
        for command, argv in COMMANDS.items():
            if command.startswith("convert doccano"):
                continue
            out.append((f"{command} / {input_name}", lambda f, b=build, a=argv: a(b(f), f)))
    for input_name, build in DOCCANO_ZIPS.items():
        argv = COMMANDS["convert doccano->canonical"]
        out.append((f"convert doccano->canonical / {input_name}", lambda f, b=build, a=argv: a(b(f), f)))
    # outputs that must not be written
    out.append(
        (
            "convert / output = input",
            lambda f: [
                "convert",
                str(_good(f)),
                "--from",
                "canonical",
                "--to",
                "canonical",
                "--out",
                str(f / "good.jsonl"),
            ],
        )
    )
    out.append(
        (
            "evaluate / --errors = --gold",
            lambda f: [
                "evaluate",
                "--gold",
                str(_good(f)),
                "--pred",
                str(f / "good.jsonl"),
                "--no-ci",
                "--errors",
                str(f / "good.jsonl"),
            ],
        )
    )
    out.append(("stats / --report = input", lambda f: ["stats", str(_good(f)), "--report", str(f / "good.jsonl")]))
    out.append(("split / --out = input", lambda f: ["split", str(_good(f)), "--out", str(f / "good.jsonl")]))
    out.append(
        (
            "convert / read-only output folder",
            lambda f: [
                "convert",
                str(_good(f)),
                "--from",
                "canonical",
                "--to",
                "doccano",
                "--out",
                str(_read_only(f) / "x.zip"),
            ],
        )
    )
    out.append(
        (
            "convert brat / read-only output folder",
            lambda f: [
                "convert",
                str(_good(f)),
                "--from",
                "canonical",
                "--to",
                "brat",
                "--out",
                str(_read_only(f) / "b"),
            ],
        )
    )
    out.append(
        (
            "convert / killed write left a partial output",
            lambda f: [
                "convert",
                str(_good(f)),
                "--from",
                "canonical",
                "--to",
                "canonical",
                "--out",
                str(write(f / "out.jsonl", json.dumps(record())[:30])),
            ],
        )
    )
    return out  # fmt: skip


def _read_only(folder: Path) -> Path:
    target = folder / "ro"
    target.mkdir()
    target.chmod(stat.S_IRUSR | stat.S_IXUSR)
    return target


def run_all(root: Path) -> list[Outcome]:
    outcomes = []
    for number, (name, build) in enumerate(cases()):
        folder = root / f"case{number:03d}"
        folder.mkdir(parents=True)
        outcomes.append(run_case(name, build(folder), folder))
        for path in folder.rglob("*"):
            if path.is_dir():
                path.chmod(0o755)
    return outcomes
