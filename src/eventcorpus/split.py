"""Leak-free, stable, stratified train/dev/test splits, and the leakage report.

The unit of splitting is the *group*: documents that share a near-duplicate cluster, a
story id or an article id (sentence records of one M2E2 article) always go together.

Stability: a group's split is a pure function of its key, the seed and the proportions
(a hash mapped onto the cumulative proportions), so a growing corpus never moves a
document. Stratification: when a manifest is first made, ``seed_trials`` seeds are
tried and the one whose per-label distribution (event types and event-type/role pairs)
is closest to the target is kept and recorded; later runs with ``previous`` reuse it.
``rebalance`` may go further with multi-label iterative stratification, and then lists
every document it moves.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from eventcorpus import __version__
from eventcorpus.corpus import write_json
from eventcorpus.errors import EventCorpusError
from eventcorpus.records import Record, normalise_text

SPLITS = ("train", "dev", "test")
GROUP_KEYS = ("near_duplicate_cluster", "story_id", "article_id")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass
class Unit:
    """What the splitter needs of one record: id, group, labels, date and text."""

    id: str
    group: str
    labels: Counter[str]
    published: str | None
    text: str
    list_ids: tuple[str, ...] = ()
    source: str = ""


@dataclass
class Move:
    doc_id: str
    before: str
    after: str


@dataclass
class SplitResult:
    assignments: dict[str, str]
    settings: dict[str, Any]
    groups: dict[str, str]
    distribution: dict[str, dict[str, int]]
    target: dict[str, float]
    missing: list[tuple[str, str]]
    moves: list[Move] = field(default_factory=list)
    unassigned: list[str] = field(default_factory=list)

    def manifest(self) -> dict[str, Any]:
        """The manifest as written to disk: settings, assignments and their checksum."""
        ordered = dict(sorted(self.assignments.items()))
        return {
            "format": "eventcorpus-split-manifest",
            "version": 1,
            "toolkit_version": __version__,
            "settings": self.settings,
            "counts": dict(Counter(ordered.values())),
            "checksum": assignments_checksum(ordered),
            "assignments": ordered,
        }


def assignments_checksum(assignments: Mapping[str, str]) -> str:
    payload = "\n".join(f"{doc}\t{split}" for doc, split in sorted(assignments.items()))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record_labels(record: Record) -> Counter[str]:
    """Stratification labels of a record: event types and event-type/role pairs."""
    labels: Counter[str] = Counter()
    for event in record.annotations.events:
        labels[event.type] += 1
        for argument in event.arguments:
            labels[f"{event.type}/{argument.role}"] += 1
    return labels


def units_from_records(records: Iterable[Record]) -> list[Unit]:
    """Turn records into units, joining records that share a group key (union-find)."""
    raw: list[tuple[str, list[str], Counter[str], str | None, str, tuple[str, ...], str]] = []
    for record in records:
        meta = record.document.meta
        keys = [f"{k}:{meta[k]}" for k in GROUP_KEYS if meta.get(k) not in (None, "")]
        list_ids = tuple(str(meta[k]) for k in ("sentence_id",) if meta.get(k))
        document = record.document
        raw.append(
            (record.id, keys, record_labels(record), document.published, document.text, list_ids, document.source or "")
        )
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for doc_id, keys, *_ in raw:
        for key in keys:
            parent[find(f"doc:{doc_id}")] = find(key)
    units = []
    seen: set[str] = set()
    for doc_id, _keys, labels, published, text, list_ids, source in raw:
        if doc_id in seen:
            raise EventCorpusError("E401", f"document {doc_id} appears twice in the input", doc_id=doc_id)
        seen.add(doc_id)
        units.append(Unit(doc_id, find(f"doc:{doc_id}"), labels, published, text, list_ids, source))
    return units


def hash_fraction(seed: int, key: str) -> float:
    """A deterministic number in [0, 1) for ``key`` under ``seed``."""
    digest = hashlib.sha256(f"{seed}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def split_of(fraction: float, proportions: Mapping[str, float]) -> str:
    """Map a hash fraction onto the cumulative proportions (test first, then dev, then train)."""
    edge = 0.0
    for name in ("test", "dev"):
        edge += proportions[name]
        if fraction < edge:
            return name
    return "train"


def _group_labels(units: list[Unit]) -> dict[str, Counter[str]]:
    grouped: dict[str, Counter[str]] = defaultdict(Counter)
    for unit in units:
        grouped[unit.group].update(unit.labels)
        grouped[unit.group]["__documents__"] += 1
    return grouped


def distribution(units: list[Unit], assignments: Mapping[str, str]) -> dict[str, dict[str, int]]:
    """Per-label counts per split (plus documents)."""
    table: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(SPLITS, 0))
    for unit in units:
        split = assignments.get(unit.id)
        if split is None:
            continue
        table["__documents__"][split] += 1
        for label, count in unit.labels.items():
            table[label][split] += count
    return dict(sorted(table.items()))


def _imbalance(groups: dict[str, Counter[str]], assign: Mapping[str, str], target: Mapping[str, float]) -> float:
    totals: dict[str, Counter[str]] = {s: Counter() for s in SPLITS}
    for group, labels in groups.items():
        totals[assign[group]].update(labels)
    everything: Counter[str] = Counter()
    for counter in totals.values():
        everything.update(counter)
    loss = 0.0
    for label, total in everything.items():
        for split in SPLITS:
            share = totals[split][label] / total
            loss += (share - target[split]) ** 2 * (4.0 if label == "__documents__" else 1.0)
            if totals[split][label] == 0 and total * target[split] >= 1.0:
                loss += 1.0  # a label absent from a split that should hold at least one
    return loss


def missing_labels(dist: Mapping[str, Mapping[str, int]], target: Mapping[str, float]) -> list[tuple[str, str]]:
    """(label, split) pairs where the counts would allow at least one item but there is none."""
    out = []
    for label, counts in dist.items():
        total = sum(counts.values())
        out += [(label, s) for s in SPLITS if counts[s] == 0 and total * target[s] >= 1.0]
    return out


def make_split(
    records: Iterable[Record],
    *,
    dev: float = 0.1,
    test: float = 0.1,
    seed: int = 13,
    seed_trials: int = 100,
    by: str = "hash",
    cutoff: str | None = None,
    lists: Path | None = None,
    previous: Mapping[str, Any] | None = None,
    rebalance: bool = False,
    parts: Mapping[str, Mapping[str, float]] | None = None,
) -> SplitResult:
    """Assign every record to train, dev or test; see the module docstring for the rules.

    ``parts`` gives documents whose source starts with a prefix their own ``dev``/``test``
    proportions (a corpus part added later can fill a small test split without moving a
    document already assigned); they are recorded in the manifest's settings, and the
    ones a previous manifest recorded win.
    """
    if not (0 <= dev < 1 and 0 <= test < 1 and dev + test < 1):
        raise EventCorpusError(
            "E409", f"proportions dev={dev} test={test}", expected="0 <= dev, test and dev + test < 1"
        )
    if by not in ("hash", "time"):
        raise EventCorpusError("E017", f"--by {by!r}", expected="'hash' or 'time'")
    target = {"train": 1.0 - dev - test, "dev": dev, "test": test}
    units = units_from_records(records)
    if not units:
        raise EventCorpusError("E410", "there are no documents to split")
    groups = _group_labels(units)
    settings: dict[str, Any] = {"method": by, "dev": dev, "test": test, "seed": seed, "seed_trials": seed_trials}
    kept: dict[str, str] = {}
    if previous is not None:
        settings = dict(previous["settings"])
        target = {"train": 1.0 - settings["dev"] - settings["test"], "dev": settings["dev"], "test": settings["test"]}
        kept = dict(previous["assignments"])
        seed_trials = 1
        seed = int(settings["seed"])
        by = settings["method"]
        cutoff = settings.get("cutoff")
    part_targets = _part_targets({**(parts or {}), **(settings.get("parts") or {})})
    if part_targets:
        settings["parts"] = {prefix: {"dev": t["dev"], "test": t["test"]} for prefix, t in part_targets.items()}

    def target_of(unit: Unit) -> Mapping[str, float]:
        return next((t for prefix, t in part_targets.items() if unit.source.startswith(prefix)), target)

    unassigned: list[str] = []
    if lists is not None:
        assignments, unassigned = _from_lists(units, lists)
        settings.update(method="lists", lists=str(lists))
    elif by == "time":
        if cutoff is None:
            raise EventCorpusError("E017", "--by time needs --cutoff DATE", expected="an ISO date such as 2016-06-01")
        assignments = _by_time(units, cutoff, seed, target)
        settings["cutoff"] = cutoff
    else:
        best_seed = min(
            range(seed, seed + max(1, seed_trials)),
            key=lambda s: _imbalance(groups, {g: split_of(hash_fraction(s, g), target) for g in groups}, target),
        )
        settings["seed"] = best_seed
        settings["base_seed"] = settings.get("base_seed", seed)
        assignments = {u.id: split_of(hash_fraction(best_seed, u.group), target_of(u)) for u in units}
    for doc_id, split in kept.items():
        if doc_id in assignments:
            assignments[doc_id] = split
    moves: list[Move] = []
    if rebalance:
        assignments, moves = _rebalance(units, assignments, target, seed)
    dist = distribution(units, assignments)
    if lists is not None and assignments:
        counts = Counter(assignments.values())
        target = {s: counts[s] / len(assignments) for s in SPLITS}
    return SplitResult(
        assignments=assignments,
        settings=settings,
        groups={u.id: u.group for u in units},
        distribution=dist,
        target=target,
        missing=missing_labels(dist, target),
        moves=moves,
        unassigned=unassigned,
    )


def _part_targets(parts: Mapping[str, Mapping[str, float]]) -> dict[str, dict[str, float]]:
    """Each part's train/dev/test proportions (E409 when they do not add up)."""
    out: dict[str, dict[str, float]] = {}
    for prefix, proportions in sorted(parts.items()):
        dev, test = float(proportions.get("dev", 0.0)), float(proportions.get("test", 0.0))
        if not (0 <= dev < 1 and 0 <= test < 1 and dev + test < 1):
            raise EventCorpusError(
                "E409",
                f"part {prefix!r}: proportions dev={dev} test={test}",
                expected="0 <= dev, test and dev + test < 1",
            )
        out[prefix] = {"train": 1.0 - dev - test, "dev": dev, "test": test}
    return out


def _parse_date(value: str, doc_id: str | None = None) -> datetime:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError as exc:
        raise EventCorpusError(
            "E402", f"date {value!r} is not ISO 8601", doc_id=doc_id, expected="YYYY-MM-DD or YYYY-MM-DDTHH:MM"
        ) from exc


def _by_time(units: list[Unit], cutoff: str, seed: int, target: Mapping[str, float]) -> dict[str, str]:
    limit = _parse_date(cutoff)
    undated = [u.id for u in units if not u.published]
    if undated:
        raise EventCorpusError(
            "E403",
            f"{len(undated)} documents have no published date: {', '.join(undated[:5])}",
            doc_id=undated[0],
            fix="Add published dates to these documents, or split them with --by hash.",
        )
    latest: dict[str, datetime] = {}
    for unit in units:
        when = _parse_date(unit.published or "", unit.id)
        latest[unit.group] = max(latest.get(unit.group, when), when)
    pre = {
        "train": target["train"] / (target["train"] + target["dev"]),
        "dev": target["dev"] / (target["train"] + target["dev"]),
        "test": 0.0,
    }
    out = {}
    for unit in units:
        if latest[unit.group] >= limit:
            out[unit.id] = "test"
        else:
            out[unit.id] = split_of(hash_fraction(seed, unit.group), pre)
    return out


def _from_lists(units: list[Unit], folder: Path) -> tuple[dict[str, str], list[str]]:
    by_id: dict[str, str] = {}
    for split in SPLITS:
        path = folder / f"{split}.txt"
        if not path.is_file():
            raise EventCorpusError(
                "E404", f"no list for split {split}", file=str(path), fix=f"Put the ids of {split} in {path}."
            )
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError as exc:
            raise EventCorpusError("E014", f"byte {exc.start}: {exc.reason}", file=str(path), offset=exc.start) from exc
        for number, line in enumerate(lines, start=1):
            key = line.strip()
            if not key:
                continue
            if key in by_id and by_id[key] != split:
                raise EventCorpusError(
                    "E405", f"id {key} is in both {by_id[key]} and {split}", file=str(path), line=number
                )
            by_id[key] = split
    assignments: dict[str, str] = {}
    unassigned: list[str] = []
    for unit in units:
        listed = next((by_id[k] for k in (unit.id, *unit.list_ids) if k in by_id), None)
        if listed is None:
            unassigned.append(unit.id)
        else:
            assignments[unit.id] = listed
    return assignments, unassigned


def _rebalance(
    units: list[Unit], assignments: dict[str, str], target: Mapping[str, float], seed: int
) -> tuple[dict[str, str], list[Move]]:
    """Multi-label iterative stratification over groups; returns new assignments and the moves."""
    from iterstrat.ml_stratifiers import MultilabelStratifiedShuffleSplit

    groups = _group_labels(units)
    names = sorted(groups)
    labels = sorted({label for counter in groups.values() for label in counter if label != "__documents__"})
    if len(names) < 3 or not labels:
        return assignments, []
    matrix = np.array([[1 if groups[g][label] else 0 for label in labels] for g in names])
    index = np.arange(len(names))
    group_split: dict[str, str] = {}
    if target["test"] > 0:
        rest, test_idx = next(
            MultilabelStratifiedShuffleSplit(1, test_size=target["test"], random_state=seed).split(index, matrix)
        )
    else:
        rest, test_idx = index, np.array([], dtype=int)
    group_split.update({names[i]: "test" for i in test_idx})
    dev_share = target["dev"] / (target["dev"] + target["train"])
    if dev_share > 0 and len(rest) >= 2:
        train_idx, dev_idx = next(
            MultilabelStratifiedShuffleSplit(1, test_size=dev_share, random_state=seed).split(rest, matrix[rest])
        )
        group_split.update({names[rest[i]]: "dev" for i in dev_idx})
        group_split.update({names[rest[i]]: "train" for i in train_idx})
    else:
        group_split.update({names[i]: "train" for i in rest})
    new = {u.id: group_split[u.group] for u in units}
    moves = [Move(doc, assignments[doc], split) for doc, split in new.items() if assignments.get(doc) != split]
    return new, moves


def read_manifest(path: str | Path) -> dict[str, Any]:
    """Read a split manifest and check its checksum."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise EventCorpusError("E004", str(exc), file=str(path)) from exc
    except UnicodeDecodeError as exc:
        raise EventCorpusError("E014", f"byte {exc.start}: {exc.reason}", file=str(path), offset=exc.start) from exc
    except json.JSONDecodeError as exc:
        raise EventCorpusError("E005", exc.msg, file=str(path), line=exc.lineno) from exc
    if not isinstance(data, dict) or not isinstance(data.get("assignments"), dict):
        raise EventCorpusError("E406", "not a split manifest (no assignments)", file=str(path))
    if data.get("checksum") != assignments_checksum(data["assignments"]):
        raise EventCorpusError(
            "E407",
            "the manifest's checksum does not match its assignments",
            file=str(path),
            fix="Someone edited the assignments by hand; re-create the manifest with `eventcorpus split`.",
        )
    return data


def write_manifest(path: str | Path, result: SplitResult) -> None:
    write_json(path, result.manifest())


# --- leakage -------------------------------------------------------------------------


@dataclass
class LeakageReport:
    shared_groups: dict[str, int]
    shared_group_examples: list[tuple[str, str, str]]
    identical_sentences: dict[str, int]
    identical_examples: list[tuple[str, str, str]]
    near_duplicate_pairs: dict[str, int]
    near_duplicate_examples: list[tuple[str, str, float]]
    units: dict[str, int]


def _sentences(text: str) -> list[str]:
    return [s for s in (normalise_text(p).lower() for p in _SENTENCE_END.split(text)) if len(s) >= 20]


def leakage_report(
    records: Iterable[Record], assignments: Mapping[str, str], *, near_threshold: float = 0.8, examples: int = 5
) -> LeakageReport:
    """Count what test and dev share with train: groups, identical sentences, near duplicates."""
    units = [u for u in units_from_records(records) if u.id in assignments]
    by_split: dict[str, list[Unit]] = defaultdict(list)
    for unit in units:
        by_split[assignments[unit.id]].append(unit)
    train_groups = {u.group for u in by_split["train"]}
    train_sentences: dict[str, str] = {}
    for unit in by_split["train"]:
        for sentence in _sentences(unit.text):
            train_sentences.setdefault(sentence, unit.id)
    shared_groups: dict[str, int] = {}
    identical: dict[str, int] = {}
    group_examples: list[tuple[str, str, str]] = []
    identical_examples: list[tuple[str, str, str]] = []
    for split in ("dev", "test"):
        shared_groups[split] = sum(1 for u in by_split[split] if u.group in train_groups)
        group_examples += [(split, u.id, u.group) for u in by_split[split] if u.group in train_groups][:examples]
        count = 0
        for unit in by_split[split]:
            for sentence in _sentences(unit.text):
                if sentence in train_sentences:
                    count += 1
                    if len(identical_examples) < examples:
                        identical_examples.append((split, unit.id, sentence[:120]))
        identical[split] = count
    near_counts, near_examples = _near_duplicates_across(by_split, near_threshold, examples)
    return LeakageReport(
        shared_groups=shared_groups,
        shared_group_examples=group_examples,
        identical_sentences=identical,
        identical_examples=identical_examples,
        near_duplicate_pairs=near_counts,
        near_duplicate_examples=near_examples,
        units={s: len(by_split[s]) for s in SPLITS},
    )


def _shingles(text: str, size: int = 5) -> set[str]:
    words = normalise_text(text).lower().split()
    return {" ".join(words[i : i + size]) for i in range(max(1, len(words) - size + 1))}


def _near_duplicates_across(
    by_split: Mapping[str, list[Unit]], threshold: float, examples: int
) -> tuple[dict[str, int], list[tuple[str, str, float]]]:
    """Near-duplicate document pairs between train and dev/test (word 5-gram Jaccard)."""
    index: dict[str, set[int]] = defaultdict(set)
    train_shingles = []
    for position, unit in enumerate(by_split.get("train", [])):
        shingles = _shingles(unit.text)
        train_shingles.append(shingles)
        for shingle in shingles:
            index[shingle].add(position)
    counts: dict[str, int] = {}
    found: list[tuple[str, str, float]] = []
    for split in ("dev", "test"):
        count = 0
        for unit in by_split.get(split, []):
            shingles = _shingles(unit.text)
            overlap: Counter[int] = Counter()
            for shingle in shingles:
                overlap.update(index.get(shingle, ()))
            for position, common in overlap.items():
                jaccard = common / len(shingles | train_shingles[position])
                if jaccard >= threshold:
                    count += 1
                    if len(found) < examples:
                        found.append((unit.id, by_split["train"][position].id, round(jaccard, 3)))
        counts[split] = count
    return counts, found
