"""Choose the M2E2 articles that corpus part 2 annotates, and which of them get a second pass.

Rule (deterministic): rank M2E2's 224 articles by how many conflict event mentions M2E2's
annotation gives them (Conflict:Attack, Conflict:Demonstrate, Life:Die, Justice:Arrest-Jail),
most first, then by fewer tokens, then by id; keep the first ``--count``. The second pass goes
to the ``--second`` kept articles with the smallest SHA-256 of their id (a stable random pick).
Only these counts are read from M2E2's annotation: annotators never see it.

    python scripts/select_m2e2_articles.py --m2e2 ../shared/datasets/m2e2/text_only_event.json
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from eventcorpus.corpus import write_text_keeping_backup
from eventcorpus.sources import M2E2_SELECTION_PATH

CONFLICT_TYPES = ("Conflict:Attack", "Conflict:Demonstrate", "Life:Die", "Justice:Arrest-Jail")


def main(
    m2e2: Annotated[Path, typer.Option(help="M2E2's text_only_event.json.")],
    count: Annotated[int, typer.Option(help="Articles to keep.")] = 104,
    second: Annotated[int, typer.Option(help="Kept articles that get an independent second pass.")] = 32,
    out: Annotated[Path, typer.Option(help="Selection file to write.")] = M2E2_SELECTION_PATH,
) -> None:
    sentences = json.loads(m2e2.read_text(encoding="utf-8"))
    conflict: Counter[str] = Counter()
    tokens: Counter[str] = Counter()
    for sentence in sentences:
        article = sentence["sentence_id"].rsplit("_", 1)[0]
        tokens[article] += len(sentence["words"])
        conflict[article] += sum(e["event_type"] in CONFLICT_TYPES for e in sentence["golden-event-mentions"])
    ranked = sorted(tokens, key=lambda a: (-conflict[a], tokens[a], a))[:count]
    by_hash = sorted(ranked, key=lambda a: hashlib.sha256(a.encode()).hexdigest())[:second]
    lines = [
        "# M2E2 articles annotated in corpus part 2 (written by scripts/select_m2e2_articles.py; see its rule).",
        "# conflict_events and tokens are M2E2's counts, used only to rank; second_pass marks the articles",
        "# annotated twice, independently.",
        "version: 1",
        "articles:",
    ]
    for rank, article in enumerate(ranked, 1):
        lines.append(
            f"  - {{id: {article}, rank: {rank}, conflict_events: {conflict[article]}, tokens: {tokens[article]}, "
            f"second_pass: {'true' if article in by_hash else 'false'}}}"
        )
    write_text_keeping_backup(out, "\n".join(lines) + "\n")
    print(
        f"{len(ranked)} articles ({sum(tokens[a] for a in ranked)} tokens), {len(by_hash)} with a second pass -> {out}"
    )


if __name__ == "__main__":
    typer.run(main)
