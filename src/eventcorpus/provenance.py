"""Who or what made each annotation pass, declared once (``corpus/annotations/passes.yaml``).

The file names every pass (its stand-off file, who or what made it, whether a person
reviewed it, which passes it was made without seeing, the guidelines version and the
date) and the adjudication. The dataset card's ``annotations_creators`` and its opening
lines are derived from it, and :func:`card_provenance_problems` checks a rendered card
against it, so the card cannot claim more than the corpus declares (E609).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from eventcorpus.errors import EventCorpusError

DEFAULT_PROVENANCE = Path("corpus/annotations/passes.yaml")
CREATORS = ("found", "crowdsourced", "expert-generated", "machine-generated", "other")
MACHINE = "machine-generated"
NOT_REVIEWED = "never reviewed by a person"
_PASS_FIELDS = {
    "file",
    "made_by",
    "creator",
    "reviewed_by_person",
    "independent_of",
    "guidelines_version",
    "date",
    "preannotation",
}
_ADJUDICATION_FIELDS = {"decisions", "made_by", "creator", "reviewed_by_person", "date"}
_REVISION_FIELDS = {"file", "made_by", "creator", "reviewed_by_person", "guidelines_version", "date"}


@dataclass(frozen=True)
class Maker:
    """One pass (or the adjudication): who or what made it."""

    name: str
    made_by: str
    creator: str
    reviewed_by_person: bool
    file: str = ""
    independent_of: tuple[str, ...] = ()
    guidelines_version: str = ""
    date: str = ""
    preannotation: str = ""  # what the annotators started from (a model, re3d's entities, nothing)


@dataclass
class Provenance:
    path: str
    passes: dict[str, Maker]
    adjudication: Maker | None = None
    decisions: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    revision: Maker | None = None  # recorded edits applied to the adjudicated gold (corpus/annotations/revisions/)

    def makers(self) -> list[Maker]:
        return [
            *self.passes.values(),
            *([self.adjudication] if self.adjudication else []),
            *([self.revision] if self.revision else []),
        ]

    def creators(self) -> list[str]:
        """The card's ``annotations_creators``: every creator value declared, sorted."""
        return sorted({m.creator for m in self.makers()})

    @property
    def reviewed_by_person(self) -> bool:
        """True only when every pass and the adjudication were reviewed by a person."""
        return all(m.reviewed_by_person for m in self.makers())

    def statement(self) -> str:
        """The card's opening lines on how the annotations were made (derived, never typed into the card)."""
        makers = self.makers()
        creators = {m.creator for m in makers}
        reviewed = [m.name for m in makers if m.reviewed_by_person]
        if creators == {MACHINE}:
            head = "**Machine-made annotations"
        elif len(creators) > 1:
            head = "**Annotations of mixed origin"
        else:
            head = f"**Annotations: {next(iter(creators))}"
        head += f", {NOT_REVIEWED}.**" if not reviewed else f"; reviewed by a person: {', '.join(reviewed)}.**"
        parts = []
        for maker in self.passes.values():
            text = f"{maker.name}: {maker.made_by} ({maker.creator}"
            text += f", {maker.date}" if maker.date else ""
            text += f", guidelines {maker.guidelines_version}" if maker.guidelines_version else ""
            text += f"; made without seeing {', '.join(maker.independent_of)}" if maker.independent_of else ""
            text += f"; started from {maker.preannotation}" if maker.preannotation else ""
            parts.append(text + ")")
        lines = [head, "Passes: " + "; ".join(parts) + "."]
        if self.adjudication is not None:
            lines.append(
                "The `gold` annotator is **adjudicated**, not expert gold: the passes merged by recorded "
                f"decisions, one per conflict, made by {self.adjudication.made_by} ({self.adjudication.creator})."
            )
        if self.revision is not None:
            lines.append(
                f"It was then revised by recorded edits, each with its reason ({self.revision.file}), made by "
                f"{self.revision.made_by} ({self.revision.creator}); agreement figures are measured before this revision."
            )
        return " ".join(lines)


def _maker(name: str, entry: Any, allowed: set[str], where: dict[str, Any]) -> Maker:
    if not isinstance(entry, dict):
        raise EventCorpusError("E720", f"{name} is not a mapping", expected=f"keys {sorted(allowed)}", **where)
    unknown = sorted(set(entry) - allowed)
    missing = sorted({"made_by", "creator", "reviewed_by_person"} - set(entry))
    if unknown or missing:
        raise EventCorpusError(
            "E720",
            f"{name}: unknown keys {unknown}, missing keys {missing}",
            expected=f"keys {sorted(allowed)}",
            **where,
        )
    if entry["creator"] not in CREATORS:
        raise EventCorpusError("E720", f"{name}: creator {entry['creator']!r}", expected=f"one of {CREATORS}", **where)
    if not isinstance(entry["reviewed_by_person"], bool):
        raise EventCorpusError("E720", f"{name}: reviewed_by_person must be true or false", **where)
    independent = entry.get("independent_of") or []
    if not isinstance(independent, list):
        raise EventCorpusError("E720", f"{name}: independent_of must be a list of pass names", **where)
    return Maker(
        name,
        str(entry["made_by"]),
        entry["creator"],
        entry["reviewed_by_person"],
        str(entry.get("file") or ""),
        tuple(str(p) for p in independent),
        str(entry.get("guidelines_version") or ""),
        str(entry.get("date") or ""),
        str(entry.get("preannotation") or ""),
    )


def load_provenance(path: str | Path) -> Provenance:
    """Read and check a passes.yaml (E720 when malformed)."""
    where: dict[str, Any] = {"file": str(path)}
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise EventCorpusError("E720", f"cannot read it: {exc}", **where) from exc
    except yaml.YAMLError as exc:
        raise EventCorpusError("E720", f"not YAML: {exc}", **where) from exc
    if not isinstance(data, dict) or not isinstance(data.get("passes"), dict) or not data["passes"]:
        raise EventCorpusError("E720", "no `passes` mapping", expected="passes: {NAME: {...}}", **where)
    passes = {str(name): _maker(str(name), entry, _PASS_FIELDS, where) for name, entry in data["passes"].items()}
    for maker in passes.values():
        unknown = [p for p in maker.independent_of if p not in passes]
        if unknown:
            raise EventCorpusError(
                "E720",
                f"{maker.name}: independent_of names unknown passes {unknown}",
                expected=str(list(passes)),
                **where,
            )
    adjudication = None
    if data.get("adjudication") is not None:
        adjudication = _maker("adjudication", data["adjudication"], _ADJUDICATION_FIELDS, where)
    decisions = str((data.get("adjudication") or {}).get("decisions") or "")
    revision = None
    if data.get("revision") is not None:
        revision = _maker("revision", data["revision"], _REVISION_FIELDS, where)
        if not revision.file:
            raise EventCorpusError("E720", "revision: no file", expected="file: revisions/NAME.jsonl", **where)
    return Provenance(str(path), passes, adjudication, decisions, revision=revision)


def check_declared(provenance: Provenance, standoff: list[Path]) -> None:
    """E721 when a stand-off pass file has no entry in passes.yaml, or an entry names no file there."""
    files = {p.name for p in standoff}
    declared = {m.file or f"{m.name}.jsonl" for m in provenance.passes.values()}
    undeclared, absent = sorted(files - declared), sorted(declared - files)
    if undeclared or absent:
        raise EventCorpusError(
            "E721",
            f"pass files without an entry: {undeclared}; entries without a file: {absent}",
            file=provenance.path,
        )


def card_provenance_problems(card: str, provenance: Provenance) -> list[str]:
    """Where a rendered card (README.md text) disagrees with the declared provenance."""
    from huggingface_hub import DatasetCard

    parsed = DatasetCard(card)
    data = parsed.data.to_dict()
    problems = []
    declared = provenance.creators()
    stated = sorted(data.get("annotations_creators") or [])
    if stated != declared:
        problems.append(f"annotations_creators {stated} but {provenance.path} declares {declared}")
    opening = "\n".join(parsed.text.strip().splitlines()[:6])
    if provenance.statement() not in opening:
        problems.append(f"the card's opening lines do not state how the annotations were made ({provenance.path})")
    if not provenance.reviewed_by_person and "expert-generated" in stated:
        problems.append("the card calls the annotations expert-generated, but no person reviewed them")
    return problems
