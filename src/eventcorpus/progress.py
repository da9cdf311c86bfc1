"""Progress of long steps on stderr: a bar on a terminal, plain lines everywhere else.

Away from a terminal (a log file, CI, a pipe) a bar would be noise, and nothing at all
looks like a hang; there :func:`track` writes a line such as
``predicting: 320/1,000 documents (32 %)`` at every tenth of the total or every
``PLAIN_EVERY_S`` seconds, whichever comes first, and a closing line with the time taken.
A step done within ``PLAIN_DELAY_S`` seconds writes nothing, so short runs stay quiet.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from time import monotonic
from typing import TextIO, TypeVar

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

T = TypeVar("T")

PLAIN_EVERY_S = 30.0  # away from a terminal: a line at least this often...
PLAIN_TENTHS = 10  # ...and at every tenth of the total
PLAIN_DELAY_S = 2.0  # nothing at all for a step that is over sooner


def progress_enabled(stream: TextIO | None = None) -> bool:
    """Whether a bar can be drawn: ``stream`` (default stderr) is a terminal."""
    stream = sys.stderr if stream is None else stream
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def progress_line(description: str, done: int, total: int | None, unit: str) -> str:
    """``predicting: 320/1,000 documents (32 %)``; without a total ``predicting: 320 documents``."""
    if total:
        return f"{description}: {done:,}/{total:,} {unit} ({100 * done // total} %)"
    return f"{description}: {done:,} {unit}"


def track(
    items: Iterable[T],
    description: str,
    total: int | None = None,
    *,
    unit: str = "items",
    size: Callable[[T], int] | None = None,
    quiet: bool = False,
    stream: TextIO | None = None,
) -> Iterator[T]:
    """Yield ``items``, showing progress on ``stream`` (default stderr) unless ``quiet``.

    ``total`` counts units, ``size(item)`` is how many units an item holds (default 1: a
    batch of documents can advance a bar counted in documents).
    """
    if quiet:
        yield from items
        return
    stream = sys.stderr if stream is None else stream
    if progress_enabled(stream):
        yield from _bar(items, description, total, size, stream)
    else:
        yield from _plain(items, description, total, unit, size, stream)


def _bar(
    items: Iterable[T], description: str, total: int | None, size: Callable[[T], int] | None, stream: TextIO
) -> Iterator[T]:
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()]
    with Progress(*columns, console=Console(file=stream), transient=True) as bar:
        task = bar.add_task(description, total=total)
        for item in items:
            yield item
            bar.advance(task, size(item) if size else 1)


def _plain(
    items: Iterable[T],
    description: str,
    total: int | None,
    unit: str,
    size: Callable[[T], int] | None,
    stream: TextIO,
) -> Iterator[T]:
    started = last = monotonic()
    done, shown, tenth = 0, False, 0
    for item in items:
        yield item
        done += size(item) if size else 1
        now = monotonic()
        reached = False
        if total:
            reached = PLAIN_TENTHS * done // total > tenth
            tenth = PLAIN_TENTHS * done // total
        if now - started < PLAIN_DELAY_S or (total and done >= total):
            continue  # too soon to say anything; or finished, which the closing line says
        if reached or now - last >= PLAIN_EVERY_S:
            stream.write(progress_line(description, done, total, unit) + "\n")
            stream.flush()
            shown, last = True, now
    seconds = monotonic() - started
    if shown or seconds >= PLAIN_DELAY_S:
        stream.write(f"{progress_line(description, done, total, unit)} in {seconds:.1f} s\n")
        stream.flush()
