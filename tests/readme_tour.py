"""Run the README's tour the way a doctest runs: every ``$ `` command, output compared.

The tour is the README section "A five-minute tour". Each of its ```console blocks holds
commands (``$ ``, continued with a trailing backslash) and the lines each one printed.
Comparison rules, so that the README stays readable and still cannot drift:

- a line that is only ``…`` stands for any number of lines (the README trims there);
- runs of spaces and of table rules (``━``, ``─``) compare as one, so a column that
  grows by a digit does not fail the tour;
- a time (a number followed by ``s``, as in ``78s`` or ``0.4s``) matches any time;
- in the output of commands whose numbers depend on training (``TRAINED``), a score (a
  number with a decimal point) may differ from the shown one by ``SCORE_TOLERANCE`` points
  and a count by ``COUNT_TOLERANCE`` of its value (at least ``COUNT_SLACK``); every other
  number must be equal.

A command with no lines under it is checked for exit status 0 only. ``export A=B`` sets
the variables for the commands after it; a command ending in ``&`` starts in the
background and is stopped when the tour ends. The doccano block runs against a free port
and a password made for the run (the README shows port 8000 and ``...``).

``scripts/update_readme_tour.py`` rewrites the shown lines from a real run, keeping each
``…`` where it is.
"""

from __future__ import annotations

import os
import re
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from eventcorpus.doccano.server import free_port

TOUR_HEADING = "## A five-minute tour"
ELISION = "…"
SCORE_TOLERANCE = 12.0  # points (scores are x 100)
COUNT_TOLERANCE = 0.35  # of the shown value
COUNT_SLACK = 5
TRAINED = ("eventcorpus train", "eventcorpus predict", "eventcorpus evaluate")
# What the tour reads from the repository; the temp folder links to these.
NEEDS = ("corpus", "scripts", "annotation_guidelines", "models", "schemas")
COLUMNS = "100"  # terminal width the shown tables were printed at
SHOWN_PORT = "8000"
SHOWN_PASSWORD = "..."
READY_TIMEOUT = 600.0  # the first start installs doccano (about a minute on a fast network)

_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?s?(?![\w.])")
_RULES = re.compile(r"([━─═])\1+")
_SPACES = re.compile(r"\s+")


@dataclass
class Step:
    """One ``$ `` command of the tour and the lines the README shows under it."""

    command: str
    shown: list[str]
    block: int
    first_line: int  # 1-based README line of the command
    shown_lines: tuple[int, int] = (0, 0)  # README line range [start, end) of the shown output

    @property
    def trained(self) -> bool:
        return self.command.startswith(TRAINED)


@dataclass
class Outcome:
    step: Step
    returncode: int
    output: list[str]
    problems: list[str] = field(default_factory=list)


def tour_section(readme: str) -> tuple[int, int]:
    """Line range [start, end) of the tour section in the README's lines."""
    lines = readme.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(TOUR_HEADING))
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    return start, end


def parse_tour(readme: str) -> list[Step]:
    """Every command of the tour's console blocks, with its shown output and README lines."""
    lines = readme.splitlines()
    start, end = tour_section(readme)
    steps: list[Step] = []
    block = 0
    i = start
    while i < end:
        if lines[i].strip() != "```console":
            i += 1
            continue
        block += 1
        i += 1
        current: Step | None = None
        while i < end and lines[i].strip() != "```":
            line = lines[i]
            if line.startswith("$ "):
                if current is not None:
                    steps.append(current)
                first = i
                command = line[2:]
                while command.rstrip().endswith("\\"):
                    i += 1
                    command = command.rstrip()[:-1].rstrip() + " " + lines[i].strip()
                current = Step(command.strip(), [], block, first + 1, (i + 1, i + 1))
            elif current is not None:
                current.shown.append(line)
                current.shown_lines = (current.shown_lines[0], i + 1)
            i += 1
        if current is not None:
            steps.append(current)
        i += 1
    for step in steps:
        while step.shown and not step.shown[-1].strip():  # a blank line between commands is layout
            step.shown.pop()
            step.shown_lines = (step.shown_lines[0], step.shown_lines[1] - 1)
    return steps


def _normal(text: str) -> str:
    return _SPACES.sub(" ", _RULES.sub(r"\1", text)).strip()


def _split_numbers(line: str) -> tuple[list[str], list[str]]:
    texts: list[str] = []
    numbers: list[str] = []
    last = 0
    for match in _NUMBER.finditer(line):
        texts.append(line[last : match.start()])
        numbers.append(match.group())
        last = match.end()
    texts.append(line[last:])
    return texts, numbers


def line_matches(shown: str, actual: str, *, trained: bool, loose: bool = False) -> bool:
    """Does one printed line match the README's line under the comparison rules above?

    ``loose`` lets every number differ (the update script aligns stale lines with it).
    """
    shown_texts, shown_numbers = _split_numbers(shown)
    actual_texts, actual_numbers = _split_numbers(actual)
    if len(shown_numbers) != len(actual_numbers):
        return False
    if [_normal(t) for t in shown_texts] != [_normal(t) for t in actual_texts]:
        return False
    for want, got in zip(shown_numbers, actual_numbers, strict=True):
        if want.endswith("s") != got.endswith("s"):
            return False
        if want.endswith("s"):
            continue  # a time
        if want == got or loose:
            continue
        if not trained:
            return False
        a, b = float(want), float(got)
        allowed = SCORE_TOLERANCE if "." in want else max(COUNT_SLACK, COUNT_TOLERANCE * abs(a))
        if abs(a - b) > allowed:
            return False
    return True


def match_output(shown: list[str], actual: list[str], *, trained: bool, loose: bool = False) -> list[int] | None:
    """Align shown lines with printed ones (``…`` matches any run); the printed index per shown line, or None."""
    memo: dict[tuple[int, int], list[int] | None] = {}

    def walk(i: int, j: int) -> list[int] | None:
        key = (i, j)
        if key in memo:
            return memo[key]
        result: list[int] | None = None
        if i == len(shown):
            result = [] if j == len(actual) else None
        elif shown[i].strip() == ELISION:
            for k in range(j, len(actual) + 1):
                rest = walk(i + 1, k)
                if rest is not None:
                    result = [-1, *rest]
                    break
        elif j < len(actual) and line_matches(shown[i], actual[j], trained=trained, loose=loose):
            rest = walk(i + 1, j + 1)
            if rest is not None:
                result = [j, *rest]
        memo[key] = result
        return result

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * (len(shown) + len(actual)) + 1000))
    return walk(0, 0)


def first_difference(shown: list[str], actual: list[str], *, trained: bool) -> str:
    """A short description of where the shown output stops matching (for failure messages)."""
    j = 0
    for i, line in enumerate(shown):
        if line.strip() == ELISION:
            return f"shown line {i + 1} is '…'; no alignment of the lines after it matched"
        if j >= len(actual):
            return f"shown line {i + 1} {line!r}: the command printed only {len(actual)} lines"
        if not line_matches(line, actual[j], trained=trained):
            return f"shown line {i + 1}:\n  README : {line}\n  printed: {actual[j]}"
        j += 1
    return f"the command printed {len(actual) - j} more lines than shown (end the block with '…' to trim)"


def prepare_folder(root: Path, repo: Path, datasets: Path) -> Path:
    """A clean folder laid out like a checkout: links to what the tour reads, ../shared/datasets the mirror."""
    work = root / "eventcorpus"
    work.mkdir(parents=True)
    for name in NEEDS:
        (work / name).symlink_to(repo / name, target_is_directory=True)
    (root / "shared").mkdir()
    (root / "shared" / "datasets").symlink_to(datasets.resolve(), target_is_directory=True)
    return work


def tour_env(repo: Path) -> dict[str, str]:
    """The environment of the tour: this interpreter's scripts first, the checkout's sources importable."""
    env = dict(os.environ)
    bindir = str(Path(sys.executable).parent)
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    env["PYTHONPATH"] = str(repo / "src") + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["COLUMNS"] = COLUMNS
    env.pop("FORCE_COLOR", None)
    env["NO_COLOR"] = "1"
    env["PYTHONUNBUFFERED"] = "1"
    return env


class TourRun:
    """Runs the steps one by one in ``folder``; background commands are stopped by ``close``."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.folder = folder
        self.env = env
        self.port = str(free_port())
        self.password = "tour-" + secrets.token_urlsafe(12)
        self.background: list[subprocess.Popen[str]] = []

    def localise(self, command: str) -> str:
        """The command as run here: a free port instead of 8000, the run's password instead of '...'."""
        command = command.replace(f":{SHOWN_PORT}", f":{self.port}").replace(
            f"--port {SHOWN_PORT}", f"--port {self.port}"
        )
        return command.replace(f"PASSWORD={SHOWN_PASSWORD}", f"PASSWORD={self.password}")

    def run(self, step: Step, timeout: float = 1800.0) -> Outcome:
        command = self.localise(step.command)
        bare = command.split("  #", 1)[0].strip()  # a comment after the command
        if bare.startswith("export "):
            for assignment in shlex.split(bare[len("export ") :]):
                name, _, value = assignment.partition("=")
                self.env[name] = value
            return Outcome(step, 0, [])
        if bare.endswith("&"):
            return self._start_background(step, bare[:-1].strip())
        done = subprocess.run(
            ["bash", "-c", command],
            cwd=self.folder,
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        outcome = Outcome(step, done.returncode, done.stdout.rstrip("\n").splitlines())
        if done.returncode != 0:
            outcome.problems.append(f"exit {done.returncode}; stderr:\n{done.stderr[-3000:]}")
        return outcome

    def _start_background(self, step: Step, command: str) -> Outcome:
        process = subprocess.Popen(
            ["bash", "-c", f"exec {command}"],
            cwd=self.folder,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.background.append(process)
        lines: list[str] = []
        started = time.monotonic()
        assert process.stdout is not None
        while time.monotonic() - started < READY_TIMEOUT:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line.rstrip("\n"))
            if " ready in " in line:
                return Outcome(step, 0, [])
        code = process.poll()
        return Outcome(step, code or 1, lines, ["never said 'ready'; it printed:\n" + "\n".join(lines[-20:])])

    def close(self) -> None:
        for process in self.background:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()


def run_tour(readme_path: Path, repo: Path, datasets: Path, root: Path) -> Iterator[Outcome]:
    """Run every step of the tour in a clean folder under ``root``; yield each outcome as it comes."""
    steps = parse_tour(readme_path.read_text(encoding="utf-8"))
    folder = prepare_folder(root, repo, datasets)
    runner = TourRun(folder, tour_env(repo))
    try:
        for step in steps:
            outcome = runner.run(step)
            shown_differs = step.shown and match_output(step.shown, outcome.output, trained=step.trained) is None
            if outcome.returncode == 0 and shown_differs:
                outcome.problems.append(first_difference(step.shown, outcome.output, trained=step.trained))
            yield outcome
    finally:
        runner.close()
        shutil.rmtree(folder / "work" / "doccano", ignore_errors=True)


def regenerate(readme: str, outcomes: list[Outcome]) -> str:
    """The README with every step's shown lines replaced by what it printed, each ``…`` kept in place.

    Where the old lines still match, the printed lines they matched replace them. Where they
    do not (the command changed), the printed output replaces them, cut after as many lines
    as were shown before the first ``…``, which stays.
    """
    lines = readme.splitlines()
    for outcome in sorted(outcomes, key=lambda o: o.step.first_line, reverse=True):
        step = outcome.step
        if not step.shown or outcome.returncode != 0:
            continue
        alignment = match_output(step.shown, outcome.output, trained=step.trained, loose=True)
        if alignment is not None:
            new = [ELISION if j < 0 else outcome.output[j] for j in alignment]
        elif ELISION in [s.strip() for s in step.shown]:
            keep = [s.strip() for s in step.shown].index(ELISION)
            new = [*outcome.output[:keep], ELISION]
        else:
            new = list(outcome.output)
        start, end = step.shown_lines
        lines[start:end] = new
    return "\n".join(lines) + "\n"
