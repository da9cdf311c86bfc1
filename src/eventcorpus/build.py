"""`eventcorpus build`: the whole chain on the project's own corpus.

fetch sources -> apply the stand-off annotation passes -> validate -> agree ->
adjudicate into gold -> split (the manifest is committed in ``corpus/``) -> export ->
statistics -> train the default model on the gold training split -> evaluate on the test
split -> publish as a dry run. Every step reads and writes files under ``build/``, so a
step whose outputs are newer than all its inputs (files, the schema, and the settings
with the toolkit version) is skipped, as ``make`` would. Edits to the toolkit's code that
keep its version do not count as changes: use ``--force`` after them.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eventcorpus import __version__
from eventcorpus.card import adjudication_lines
from eventcorpus.corpus import atomic_open, read_records, write_json, write_records
from eventcorpus.errors import EventCorpusError
from eventcorpus.provenance import check_declared, load_provenance
from eventcorpus.records import Record
from eventcorpus.schema import Schema, load_schema

DECISIONS = "decisions"
REPO_ROOT = Path(__file__).resolve().parents[2]
EXPORT_FORMATS = ("hf", "spacy", "oneie", "brat", "conll")
GOLD_STRATEGY = "decisions"  # corpus/annotations/decisions.jsonl, one recorded decision per conflict
DECISIONS_FILE = "decisions.jsonl"
PROVENANCE_FILE = "passes.yaml"
REPO_ID = "eventcorpus/eventcorpus-conflict"
# Corpus part 2 (M2E2 articles) fills the test split: its own proportions, recorded in the manifest.
PART_PROPORTIONS = {"m2e2/": {"dev": 0.15, "test": 0.3}}

Log = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


@dataclass
class BuildSettings:
    mirror: Path | None = None
    build_dir: Path = Path("build")
    repo_root: Path = REPO_ROOT
    with_m2e2: bool = False
    strategy: str = GOLD_STRATEGY
    force: bool = False
    repo_id: str = REPO_ID
    manifest: Path | None = None  # default: corpus/split.json, committed
    decisions: Path | None = None  # default: corpus/annotations/decisions.jsonl (strategy decisions)

    @property
    def manifest_path(self) -> Path:
        return self.manifest or self.repo_root / "corpus" / "split.json"

    @property
    def decisions_path(self) -> Path:
        return self.decisions or self.repo_root / "corpus" / "annotations" / DECISIONS_FILE

    def as_dict(self) -> dict[str, Any]:
        """What the outputs depend on besides files: a change here redoes every step."""
        return {
            "with_m2e2": self.with_m2e2,
            "strategy": self.strategy,
            "decisions": str(self.decisions) if self.decisions else None,  # another file, however old, redoes it
            "repo_id": self.repo_id,
            "toolkit_version": __version__,
        }


@dataclass
class StepResult:
    name: str
    ran: bool
    seconds: float
    outputs: list[str]
    summary: dict[str, Any] = field(default_factory=dict)


@dataclass
class BuildReport:
    steps: list[StepResult] = field(default_factory=list)

    def step(self, name: str) -> StepResult:
        return next(s for s in self.steps if s.name == name)

    def to_dict(self) -> dict[str, Any]:
        return {"steps": [vars(s) for s in self.steps]}


def _files(paths: Iterable[Path]) -> list[Path]:
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(p for p in path.rglob("*") if p.is_file())
        elif path.exists():
            out.append(path)
    return out


def up_to_date(outputs: Iterable[Path], inputs: Iterable[Path]) -> bool:
    """True when every output exists and is newer than every input (files or folders)."""
    output_files = list(outputs)
    if not output_files or not all(p.exists() for p in output_files):
        return False
    newest_input = max((p.stat().st_mtime for p in _files(inputs)), default=0.0)
    # backups an output keeps of its former self (NAME.<time>.bak) are old on purpose: not outputs
    written = [p for p in _files(output_files) if not any(part.endswith(".bak") for part in p.parts)]
    oldest_output = min((p.stat().st_mtime for p in written), default=-1.0)
    return oldest_output >= newest_input


class _Runner:
    def __init__(self, settings: BuildSettings, log: Log) -> None:
        self.settings = settings
        self.log = log
        self.report = BuildReport()
        self.dir = settings.build_dir
        self.settings_file = self.dir / "settings.json"
        self.schema_file = Path(load_schema().path)

    def path(self, *parts: str) -> Path:
        return self.dir.joinpath(*parts)

    def run(
        self, name: str, inputs: list[Path], outputs: list[Path], action: Callable[[], dict[str, Any]]
    ) -> StepResult:
        started = time.perf_counter()
        all_inputs = [*inputs, self.settings_file, self.schema_file]
        # The step's summary is written only when the step succeeds, so a step that failed
        # half-way (outputs written, then an error) is never taken as up to date.
        summary_file = self.path("steps", f"{name}.json")
        if not self.settings.force and up_to_date([*outputs, summary_file], all_inputs):
            summary = json.loads(summary_file.read_text(encoding="utf-8"))
            result = StepResult(name, False, 0.0, [str(p) for p in outputs], summary)
            self.log(f"· {name}: up to date")
        else:
            self.log(f"▶ {name}")
            summary_file.unlink(missing_ok=True)
            summary = action()
            write_json(summary_file, summary)
            result = StepResult(name, True, round(time.perf_counter() - started, 2), [str(p) for p in outputs], summary)
            self.log(f"✔ {name} ({result.seconds:.1f} s)")
        self.report.steps.append(result)
        return result


def build(settings: BuildSettings, *, log: Log = _quiet) -> BuildReport:
    """Run the whole chain; return what each step did (or found up to date)."""
    from eventcorpus.sources import corpus_documents, fetch_sources, load_sources

    schema = load_schema()
    runner = _Runner(settings, log)
    root = settings.repo_root
    runner.dir.mkdir(parents=True, exist_ok=True)
    previous = json.loads(runner.settings_file.read_text(encoding="utf-8")) if runner.settings_file.exists() else None
    if previous != settings.as_dict():
        write_json(runner.settings_file, settings.as_dict())

    sources_dir = runner.path("sources")
    # Fetching checks every hash, is idempotent and cheap: always run it.
    started = time.perf_counter()
    fetched = fetch_sources(
        sources_dir, mirror=settings.mirror, sources=load_sources(root / "corpus" / "sources.yaml"), repo_root=root
    )
    runner.report.steps.append(
        StepResult(
            "fetch",
            bool(fetched.fetched),
            round(time.perf_counter() - started, 2),
            [str(sources_dir)],
            {"fetched": len(fetched.fetched), "present": len(fetched.present), "local": len(fetched.local)},
        )
    )
    log(f"✔ fetch: {len(fetched.fetched)} fetched, {len(fetched.present)} already present")

    standoff = sorted(p for p in (root / "corpus" / "annotations").glob("*.jsonl") if p.name != DECISIONS_FILE)
    if not standoff:
        raise EventCorpusError("E750", "no stand-off annotation files", file=str(root / "corpus" / "annotations"))
    provenance_file = root / "corpus" / "annotations" / PROVENANCE_FILE
    provenance = load_provenance(provenance_file)
    check_declared(provenance, standoff)
    decisions_file = settings.decisions_path if settings.strategy == DECISIONS else None
    if decisions_file is not None and not decisions_file.is_file():
        raise EventCorpusError(
            "E004",
            f"no decisions file {decisions_file} for strategy decisions",
            file=str(decisions_file),
            fix="Commit one decision per conflict there (see eventcorpus.decisions), or build with --strategy prefer:pass1.",
        )
    passes_dir = runner.path("annotations")
    corpus_inputs = [*standoff, sources_dir, root / "corpus" / "raw"]
    pass_outputs = [passes_dir / p.name for p in standoff]

    def apply_passes() -> dict[str, Any]:
        from eventcorpus.authoring import apply_standoff

        documents = list(corpus_documents(sources_dir, repo_root=root).values())
        summary: dict[str, Any] = {"documents": len(documents), "passes": {}}
        annotated: set[str] = set()
        for path in standoff:
            records = apply_standoff(path, documents)
            write_records(passes_dir / path.name, records)
            annotated |= {r.document.source or r.id for r in records}
            summary["passes"][path.stem] = _counts(records)
        missing = sorted(d.source for d in documents if d.source not in annotated)
        summary["documents_never_annotated"] = missing
        return summary

    annotations = runner.run("annotations", corpus_inputs, pass_outputs, apply_passes)
    if annotations.summary.get("documents_never_annotated"):
        log(f"⚠ documents never annotated: {', '.join(annotations.summary['documents_never_annotated'])}")

    def validate_passes() -> dict[str, Any]:
        from eventcorpus.validate import validate

        summary = {}
        for path in pass_outputs:
            report = validate(path, schema=schema)
            summary[path.stem] = {"errors": report.errors, "warnings": report.warnings, "records": report.records}
        return summary

    runner.run("validate-passes", pass_outputs, [runner.path("steps", "validate-passes.json")], validate_passes)

    agreement_file = runner.path("agreement.json")

    def agree() -> dict[str, Any]:
        from eventcorpus.agreement import agreement, read_annotator_sets

        result = agreement(read_annotator_sets(passes_dir)).to_dict()
        write_json(agreement_file, result)
        return {"documents": result["documents"], "average": result["average"].get("exact", {})}

    runner.run("agree", pass_outputs, [agreement_file], agree)

    adjudicated_file = runner.path("adjudicated.jsonl")
    gold_file = runner.path("gold.jsonl")
    conflicts_file = runner.path("conflicts.jsonl")

    gold_agreement_file = runner.path("agreement_with_gold.json")

    def adjudicate_gold() -> dict[str, Any]:
        from eventcorpus.adjudicate import adjudicate_folder
        from eventcorpus.agreement import agreement_with_gold, gold_agreement_summary, read_annotator_sets

        result, _ = adjudicate_folder(
            passes_dir,
            adjudicated_file,
            strategy=settings.strategy,
            conflicts_path=conflicts_file,
            review_path=runner.path("review.jsonl"),
            decisions_path=decisions_file,
        )
        _check_valid(adjudicated_file, schema)
        with_gold = agreement_with_gold(
            read_annotator_sets(passes_dir), {r.id: r.annotations for r in read_records(adjudicated_file)}
        )
        write_json(gold_agreement_file, {a: found.to_dict() for a, found in with_gold.items()})
        summary = result.summary()
        if summary.get("decisions"):  # the file's place in the repository, not this machine's path
            summary["decisions"]["file"] = decisions_file.name if decisions_file else None
        summary["with_gold"] = gold_agreement_summary(with_gold)
        return summary

    adjudicated = runner.run(
        "adjudicate",
        [*pass_outputs, *([decisions_file] if decisions_file else [])],
        [adjudicated_file, conflicts_file, gold_agreement_file],
        adjudicate_gold,
    )
    revision_file = (
        root / "corpus" / "annotations" / provenance.revision.file if provenance.revision is not None else None
    )

    def revise_gold() -> dict[str, Any]:
        from eventcorpus.revise import revise_file

        records = list(read_records(adjudicated_file))
        if revision_file is None:  # no revision declared: gold is the adjudicated set
            write_records(gold_file, records)
            return {"edits": 0}
        result = revise_file(records, revision_file, annotator=GOLD_ANNOTATOR, schema=schema)
        write_records(gold_file, result.records)
        _check_valid(gold_file, schema)
        return {**result.summary(), "file": revision_file.name}

    revised = runner.run(
        "revise",
        [adjudicated_file, provenance_file, *([revision_file] if revision_file else [])],  # passes.yaml names it
        [gold_file],
        revise_gold,
    )
    readme_file = root / "corpus" / "README.md"
    if settings.strategy == DECISIONS and settings.decisions is None:  # the corpus's own gold, not an experiment
        update_generated_block(
            readme_file,
            ADJUDICATION_BLOCK,
            "\n".join(adjudication_lines({**adjudicated.summary, "revision": revised.summary})),
        )

    re3d_file = runner.path("re3d_check.json")

    def check_against_re3d() -> dict[str, Any]:
        from eventcorpus.external import re3d_check

        check = re3d_check(gold_file, sources_dir)
        write_json(re3d_file, check)
        return check

    re3d = runner.run("re3d-check", [gold_file, sources_dir], [re3d_file], check_against_re3d)
    if settings.strategy == DECISIONS and settings.decisions is None:
        from eventcorpus.external import re3d_lines

        update_generated_block(readme_file, RE3D_BLOCK, "\n".join(re3d_lines(re3d.summary)))

    m2e2_file = runner.path("m2e2_check.json")
    m2e2_disagreements_file = runner.path("m2e2_disagreements.jsonl")

    def check_against_m2e2() -> dict[str, Any]:
        from eventcorpus.corpus import write_json_lines
        from eventcorpus.external import m2e2_check, m2e2_disagreements, m2e2_sets

        sets = m2e2_sets(gold_file, sources_dir)  # the corpus and M2E2 read once for both
        check = m2e2_check(gold_file, sources_dir, sets=sets)
        write_json(m2e2_file, check)
        write_json_lines(m2e2_disagreements_file, m2e2_disagreements(gold_file, sources_dir, sets=sets))
        return check

    m2e2 = runner.run("m2e2-check", [gold_file, sources_dir], [m2e2_file, m2e2_disagreements_file], check_against_m2e2)
    if settings.strategy == DECISIONS and settings.decisions is None:
        update_generated_block(readme_file, M2E2_BLOCK, "\n".join(_m2e2_block(m2e2.summary, root)))

    manifest_file = settings.manifest_path

    def make_manifest() -> dict[str, Any]:
        from eventcorpus.split import leakage_report, make_split, read_manifest, write_manifest

        gold = list(read_records(gold_file))
        prior = read_manifest(manifest_file) if manifest_file.exists() else None
        result = make_split(gold, previous=prior, parts=PART_PROPORTIONS)
        if prior is None or result.manifest()["checksum"] != prior["checksum"]:
            write_manifest(manifest_file, result)
        else:
            manifest_file.touch()
        leakage = leakage_report(gold, result.assignments)
        return {"counts": result.manifest()["counts"], "seed": result.settings["seed"], "leakage": vars(leakage)}

    runner.run("split", [gold_file], [manifest_file], make_manifest)

    export_dir = runner.path("export")
    split_dir = runner.path("splits")

    def export_all() -> dict[str, Any]:
        from eventcorpus.export import export
        from eventcorpus.split import read_manifest

        manifest = read_manifest(manifest_file)
        gold = list(read_records(gold_file))
        summary: dict[str, Any] = {}
        for fmt in ("canonical", *EXPORT_FORMATS):
            target = split_dir if fmt == "canonical" else export_dir / fmt
            report = export(gold, manifest, fmt, target, schema=schema)
            summary[fmt] = {"dropped": len(report.dropped)}
        return summary

    runner.run("export", [gold_file, manifest_file], [export_dir, split_dir], export_all)

    stats_file = runner.path("stats.md")

    def statistics() -> dict[str, Any]:
        from eventcorpus.stats import stats_for_file

        result = stats_for_file(
            gold_file, split_manifest=manifest_file, annotators_dir=passes_dir, plots_dir=runner.path("plots")
        )
        stats_file.write_text(result.report, encoding="utf-8")
        return {"plots": [str(p) for p in result.plots]}

    runner.run("stats", [gold_file, manifest_file, *pass_outputs], [stats_file], statistics)

    model_dir = runner.path("model")
    config_file = root / "models" / "default.yaml"

    def train() -> dict[str, Any]:
        from eventcorpus.extract.config import load_config
        from eventcorpus.extract.model import train_model

        train_file = split_dir / "train.jsonl"
        if settings.with_m2e2:
            train_file = _with_m2e2(train_file, sources_dir, runner.path("train_with_m2e2.jsonl"), schema)
        model = train_model(
            train_file,
            split_dir / "dev.jsonl",
            load_config(config_file),
            config_path=config_file,
            schema=schema,
            log=lambda line: log(f"  {line}"),  # epochs and dev scores, as the standalone `train` shows
        )
        model.save(model_dir)
        return {"model": str(model_dir), "train": str(train_file)}

    runner.run("train", [split_dir, config_file], [model_dir], train)

    evaluation_file = runner.path("evaluation.json")

    def evaluate() -> dict[str, Any]:
        from eventcorpus.extract.predict import predict_file
        from eventcorpus.scoring import evaluate_files

        predictions = runner.path("predictions", "test.jsonl")
        predict_file(model_dir, split_dir / "test.jsonl", predictions)
        evaluation = evaluate_files(split_dir / "test.jsonl", predictions)
        write_json(evaluation_file, evaluation.to_dict())
        metrics = evaluation.scores.metrics
        return {
            "f1": {metric: round(evaluation.scores.f1(metric), 4) for metric in metrics},
            "f1_ci": {m: [round(x, 4) for x in s.ci["f1"]] for m, s in metrics.items() if s.ci and "f1" in s.ci},
            "documents": evaluation.scores.documents,
        }

    runner.run("evaluate", [model_dir, split_dir], [evaluation_file], evaluate)

    release_dir = runner.path("release")

    def publish_dry_run() -> dict[str, Any]:
        from eventcorpus.card import card_info_from_readme
        from eventcorpus.external import re3d_lines, sorted_sample_lines
        from eventcorpus.publish import load_agreement, publish
        from eventcorpus.split import read_manifest

        gold_records = list(read_records(gold_file))
        external = ["### Events and entities against M2E2 (people's annotation, corpus part 2)", ""]
        external += [*_m2e2_block(m2e2.summary, root), "", "### Entities against re3d (people's annotation, v0.1)", ""]
        external += [*re3d_lines(re3d.summary), ""]
        external += sorted_sample_lines(root / "corpus" / "checks" / "re3d_disagreements_sorted.jsonl", "re3d")
        in_m2e2 = sorted(
            str(r.document.meta["article_id"]) for r in gold_records if (r.document.source or "").startswith("m2e2/")
        )

        result = publish(
            gold_records,
            read_manifest(manifest_file),
            schema=schema,
            repo_id=settings.repo_id,
            out_dir=release_dir,
            dry_run=True,
            agreement=load_agreement(passes_dir),
            info=card_info_from_readme(
                readme_file,
                provenance=provenance,
                adjudication={**adjudicated.summary, "revision": revised.summary},
                external=external,
                also_in={"M2E2 (Li et al., ACL 2020)": in_m2e2} if in_m2e2 else {},
            ),
        )
        return {"folder": str(release_dir), "rows": result.release.rows, "excluded": len(result.release.excluded)}

    runner.run(
        "publish",
        [
            gold_file,
            manifest_file,
            agreement_file,
            gold_agreement_file,
            readme_file,
            provenance_file,
            m2e2_file,
            root / "corpus" / "checks",
        ],
        [release_dir],
        publish_dry_run,
    )
    write_json(runner.path("summary.json"), runner.report.to_dict())
    return runner.report


ADJUDICATION_BLOCK = "adjudication"
RE3D_BLOCK = "re3d-check"
M2E2_BLOCK = "m2e2-check"
GOLD_ANNOTATOR = "gold"


def _m2e2_block(check: dict[str, Any], root: Path) -> list[str]:
    """The M2E2 check's tables and the count of its hand-sorted disagreement sample."""
    from eventcorpus.external import m2e2_lines, sorted_sample_lines

    sample = sorted_sample_lines(root / "corpus" / "checks" / "m2e2_disagreements_sorted.jsonl", "M2E2")
    return [*m2e2_lines(check), *([""] + sample if sample else [])]


def _check_valid(path: Path, schema: Schema) -> None:
    from eventcorpus.validate import validate

    report = validate(path, schema=schema)
    if report.errors:
        raise EventCorpusError(
            "E751",
            f"the gold has {report.errors} validation errors; run `eventcorpus validate {path}`",
            file=str(path),
        )


def update_generated_block(path: Path, name: str, body: str) -> bool:
    """Replace the text between ``<!-- generated: NAME -->`` and ``<!-- end generated: NAME -->`` in ``path``.

    Writes (atomically) only when the block's text changes, so a rebuild leaves the file
    and its time stamp alone. Returns whether it wrote. E004 when the markers are missing.
    """
    begin, end = f"<!-- generated: {name} (by eventcorpus build; do not edit) -->", f"<!-- end generated: {name} -->"
    text = path.read_text(encoding="utf-8")
    if begin not in text or end not in text:
        raise EventCorpusError(
            "E004",
            f"no generated block {name!r} in {path}",
            file=str(path),
            expected=f"the lines {begin} and {end}",
            fix="Put the two marker lines where the build should write the figures.",
        )
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    updated = f"{head}{begin}\n{body.strip()}\n{end}{tail}"
    if updated == text:
        return False
    with atomic_open(path) as handle:
        handle.write(updated)
    return True


def _counts(records: list[Record]) -> dict[str, int]:
    return {
        "documents": len(records),
        "entities": sum(len(r.annotations.entities) for r in records),
        "events": sum(len(r.annotations.events) for r in records),
        "arguments": sum(len(e.arguments) for r in records for e in r.annotations.events),
    }


def _with_m2e2(train_file: Path, sources_dir: Path, out: Path, schema: Schema) -> Path:
    """The gold training split followed by the M2E2 sentences of every article the corpus does not
    hold (more data for the model). The corpus's own M2E2 articles are left out wherever their split:
    in dev or test they would leak, in train their text is already there with the project's annotation."""
    from eventcorpus.formats import get_format

    corpus_articles = {
        str(r.document.meta["article_id"])
        for split in ("train", "dev", "test")
        for r in read_records(train_file.with_name(f"{split}.jsonl"))
        if (r.document.source or "").startswith("m2e2/")
    }
    m2e2 = get_format("m2e2").read(
        sources_dir / "m2e2" / "text_only_event.json", schema=schema, options={"unit": "sentence"}
    )
    kept = (r for r in m2e2 if r.document.meta["article_id"] not in corpus_articles)
    write_records(out, [*read_records(train_file), *kept])
    return out
