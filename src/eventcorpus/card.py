"""The dataset card (``README.md``) of a release and the Hub metadata rules it must meet.

:func:`render_card` writes the YAML metadata (licences, language, tasks, size category,
creators, source datasets, ``configs`` with their data files, ``dataset_info`` with the
features) and the body (coverage, schema tables, statistics per split, agreement, how the
annotations were made, split method and leakage, licences per source, limitations,
citation). :func:`check_card` parses a card with ``huggingface_hub.DatasetCard`` and checks
the rules the Hub applies that can be checked offline.

The Hub's vocabularies are copied here as facts: licence ids from the Hub documentation
(repositories-licenses), task categories and task ids from huggingface.js
``packages/tasks/src/pipelines.ts`` (the language-related part); size categories, language
codes and creator values are read from the ``datasets`` package's own resource files.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import datasets
import pyarrow.parquet as pq
import yaml
from datasets.splits import SplitDict, SplitInfo

from eventcorpus import __version__
from eventcorpus.errors import EventCorpusError
from eventcorpus.formats import Dropped
from eventcorpus.provenance import Provenance
from eventcorpus.records import Record
from eventcorpus.schema import Schema, markdown_tables
from eventcorpus.split import LeakageReport

HUB_LICENCES = frozenset(
    [
        "apache-2.0",
        "mit",
        "openrail",
        "bigscience-openrail-m",
        "creativeml-openrail-m",
        "bigscience-bloom-rail-1.0",
        "bigcode-openrail-m",
        "afl-3.0",
        "artistic-2.0",
        "bsl-1.0",
        "bsd",
        "bsd-2-clause",
        "bsd-3-clause",
        "bsd-3-clause-clear",
        "c-uda",
        "cc",
        "cc0-1.0",
        "cc-by-2.0",
        "cc-by-2.5",
        "cc-by-3.0",
        "cc-by-4.0",
        "cc-by-sa-3.0",
        "cc-by-sa-4.0",
        "cc-by-nc-2.0",
        "cc-by-nc-3.0",
        "cc-by-nc-4.0",
        "cc-by-nd-4.0",
        "cc-by-nc-nd-3.0",
        "cc-by-nc-nd-4.0",
        "cc-by-nc-sa-2.0",
        "cc-by-nc-sa-3.0",
        "cc-by-nc-sa-4.0",
        "cdla-sharing-1.0",
        "cdla-permissive-1.0",
        "cdla-permissive-2.0",
        "wtfpl",
        "ecl-2.0",
        "epl-1.0",
        "epl-2.0",
        "etalab-2.0",
        "eupl-1.1",
        "agpl-3.0",
        "gfdl",
        "gpl",
        "gpl-2.0",
        "gpl-3.0",
        "lgpl",
        "lgpl-2.1",
        "lgpl-3.0",
        "isc",
        "lppl-1.3c",
        "ms-pl",
        "mpl-2.0",
        "odc-by",
        "odbl",
        "openrail++",
        "osl-3.0",
        "postgresql",
        "ofl-1.1",
        "ncsa",
        "unlicense",
        "zlib",
        "pddl",
        "lgpl-lr",
        "deepfloyd-if-license",
        "llama2",
        "gemma",
        "unknown",
        "other",
    ]
)
# Language task categories of the Hub and their task ids.
HUB_TASKS: dict[str, tuple[str, ...]] = {
    "text-classification": (
        "acceptability-classification",
        "entity-linking-classification",
        "fact-checking",
        "intent-classification",
        "language-identification",
        "multi-class-classification",
        "multi-label-classification",
        "multi-input-text-classification",
        "natural-language-inference",
        "semantic-similarity-classification",
        "sentiment-classification",
        "topic-classification",
        "semantic-similarity-scoring",
        "sentiment-scoring",
        "sentiment-analysis",
        "hate-speech-detection",
        "text-scoring",
    ),
    "token-classification": (
        "named-entity-recognition",
        "part-of-speech",
        "parsing",
        "lemmatization",
        "word-sense-disambiguation",
        "coreference-resolution",
    ),
    "table-question-answering": (),
    "question-answering": ("extractive-qa", "open-domain-qa", "closed-domain-qa"),
    "zero-shot-classification": (),
    "translation": (),
    "summarization": ("news-articles-summarization", "news-articles-headline-generation"),
    "feature-extraction": (),
    "text-generation": ("dialogue-modeling", "dialogue-generation", "conversational", "language-modeling"),
    "text2text-generation": (
        "text-simplification",
        "explanation-generation",
        "abstractive-qa",
        "open-domain-abstractive-qa",
        "closed-domain-qa",
        "open-book-qa",
        "closed-book-qa",
    ),
    "fill-mask": ("slot-filling", "masked-language-modeling"),
    "sentence-similarity": (),
    "text-ranking": (),
    "text-retrieval": (
        "document-retrieval",
        "utterance-retrieval",
        "entity-linking-retrieval",
        "fact-checking-retrieval",
    ),
}
TASK_CATEGORIES = ["token-classification"]
TASK_IDS = ["named-entity-recognition"]
_SIZE_BOUNDS = (
    (1_000, "n<1K"),
    (10_000, "1K<n<10K"),
    (100_000, "10K<n<100K"),
    (1_000_000, "100K<n<1M"),
    (10_000_000, "1M<n<10M"),
    (100_000_000, "10M<n<100M"),
    (1_000_000_000, "100M<n<1B"),
    (10_000_000_000, "1B<n<10B"),
    (100_000_000_000, "10B<n<100B"),
    (1_000_000_000_000, "100B<n<1T"),
)
_LICENCE_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]*$")


def _datasets_resource(name: str) -> Any:
    return json.loads(resources.files("datasets.utils.resources").joinpath(name).read_text(encoding="utf-8"))


def size_category(rows: int) -> str:
    """The Hub size category for ``rows`` examples."""
    for bound, name in _SIZE_BOUNDS:
        if rows < bound:
            return name
    return "n>1T"


@dataclass
class CardInfo:
    """What the card says that the data cannot: title, prose, authors."""

    pretty_name: str = "eventcorpus: events in conflict news"
    summary: str = (
        "English news and official reports on armed conflict, annotated with entities and events "
        "(typed triggers with arguments and attributes) for event extraction."
    )
    annotation_process: str = ""
    limitations: str = ""
    authors: str = "eventcorpus maintainers"
    year: str = ""
    provenance: Provenance | None = None  # corpus/annotations/passes.yaml: creators and the opening lines
    adjudication: dict[str, Any] | None = None  # the build's adjudication summary: conflicts, decisions, with gold
    external: list[str] = field(default_factory=list)  # the checks against people's annotations (markdown lines)
    also_in: dict[str, list[str]] = field(default_factory=dict)  # public dataset -> its documents in this corpus


def _section(markdown: str, heading: str) -> str:
    """The text under ``## heading`` (up to the next ``## ``), stripped; "" when absent."""
    match = re.search(rf"^## {re.escape(heading)}\s*$(.*?)(?=^## |\Z)", markdown, re.MULTILINE | re.DOTALL)
    return match.group(1).strip() if match else ""


def card_info_from_readme(path: str | Path, **overrides: Any) -> CardInfo:
    """CardInfo with the corpus README's "How the annotations were made" and "Known weaknesses"."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise EventCorpusError("E004", f"cannot read the corpus README: {exc}", file=str(path)) from exc
    sections = {heading: _section(text, heading) for heading in ("How the annotations were made", "Known weaknesses")}
    missing = [heading for heading, body in sections.items() if not body]
    if missing:  # the card would silently go without them
        raise EventCorpusError("E608", f"no (or an empty) section {missing}", file=str(path), expected="## <heading>")
    return CardInfo(
        annotation_process=sections["How the annotations were made"],
        limitations=sections["Known weaknesses"],
        **overrides,
    )


@dataclass
class CardInputs:
    repo_id: str
    schema: Schema
    records: list[Record]
    splits: list[str]
    rows: dict[str, dict[str, int]]  # config -> split -> rows
    num_bytes: dict[str, dict[str, int]]
    features: dict[str, datasets.Features]
    stats_markdown: str
    leakage: LeakageReport
    split_settings: dict[str, Any]
    split_checksum: str
    excluded: list[tuple[str | None, str, str]]  # (source, licence, reason)
    unassigned: int
    dropped: list[Dropped]
    bio_problems: list[Dropped]
    agreement: dict[str, Any] | None
    licence_names: dict[str, tuple[str, str, str, str]]  # licence id -> (hub id, name, slug, link)
    info: CardInfo = field(default_factory=CardInfo)

    def licence(self, licence: str) -> tuple[str, str, str, str]:
        return self.licence_names.get(licence.lower(), ("other", licence, licence.lower(), ""))


def data_path(config: str, split: str) -> str:
    return f"data/{config}/{split}-*.parquet"


def card_metadata(inputs: CardInputs) -> dict[str, Any]:
    """The card's YAML metadata as a mapping (order kept)."""
    licences = sorted({inputs.licence(r.document.licence)[0] for r in inputs.records})
    others = sorted(
        {
            inputs.licence(r.document.licence)[2]
            for r in inputs.records
            if inputs.licence(r.document.licence)[0] == "other"
        }
    )
    languages = sorted({r.document.language for r in inputs.records})
    sources = ["original"]
    if any("re3d_id" in r.document.meta or (r.document.source or "").startswith("re3d/") for r in inputs.records):
        sources.append("extended|other-dstl-re3d")
    most_rows = max(sum(split_rows.values()) for split_rows in inputs.rows.values())
    meta: dict[str, Any] = {
        "pretty_name": inputs.info.pretty_name,
        "language": languages,
        "multilinguality": "monolingual" if len(languages) == 1 else "multilingual",
        "license": licences,
    }
    if "other" in licences:
        meta["license_name"] = "-and-".join(others) or "other"
        meta["license_link"] = "LICENSE.md"
    if inputs.info.provenance is not None:  # never claimed without a declaration to derive it from
        meta["annotations_creators"] = inputs.info.provenance.creators()
    meta.update(
        {
            "language_creators": ["found"],
            "source_datasets": sources,
            "task_categories": TASK_CATEGORIES,
            "task_ids": TASK_IDS,
            "size_categories": [size_category(most_rows)],
            "tags": ["event-extraction", "conflict", "news"],
        }
    )
    meta["configs"] = [
        {
            "config_name": config,
            **({"default": True} if position == 0 else {}),
            "data_files": [{"split": s, "path": data_path(config, s)} for s in inputs.rows[config]],
        }
        for position, config in enumerate(inputs.rows)
    ]
    infos = []
    for config, split_rows in inputs.rows.items():
        splits = SplitDict()
        for split, count in split_rows.items():
            splits.add(SplitInfo(name=split, num_bytes=inputs.num_bytes[config][split], num_examples=count))
        info = datasets.DatasetInfo(
            features=inputs.features[config],
            splits=splits,
            dataset_size=sum(inputs.num_bytes[config].values()),
        )
        infos.append({"config_name": config, **info._to_yaml_dict()})
    meta["dataset_info"] = infos
    return meta


# --- the body -----------------------------------------------------------------------------


def _table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    lines += ["| " + " | ".join(str(c).replace("|", "\\|").replace("\n", " ") for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _demote(markdown: str, levels: int = 1) -> str:
    return re.sub(r"^(#+) ", lambda m: "#" * (len(m.group(1)) + levels) + " ", markdown, flags=re.MULTILINE)


def _percent(value: Any) -> str:
    return "—" if value is None else f"{100 * float(value):.1f}"


def _agreement_section(inputs: CardInputs) -> list[str]:
    data = inputs.agreement
    if data is None:
        return ["No agreement figures were given for this release (`eventcorpus publish --agreement DIR`)."]
    released = {r.id for r in inputs.records}
    lines = [
        f"Measured by `eventcorpus agree` over **{data['documents']} documents** labelled by two or more "
        f"annotators ({', '.join(data.get('annotators', []))}); figures resting on fewer than "
        f"{data.get('min_items', '?')} items are marked *.",
    ]
    ids = data.get("document_ids")
    if ids is not None:
        inside = sum(1 for doc_id in ids if doc_id in released)
        lines[-1] += f" {inside} of those documents are in this release."
    else:
        lines[-1] += " Some of them may be documents this release leaves out (licence gate)."
    rows = [
        [mode, metric, _percent(f["value"]) + ("*" if f.get("low_support") else ""), f["items"], f["documents"]]
        for mode, metrics in data.get("average", {}).items()
        for metric, f in metrics.items()
    ]
    lines += [
        "",
        "F1 x 100, mean over annotator pairs:",
        "",
        _table(["match", "metric", "F1", "items", "documents"], rows),
    ]
    alpha = data.get("alpha", {})
    if alpha:
        rows = [[layer, _percent(f["value"]), f["items"], f["documents"]] for layer, f in alpha.items()]
        lines += [
            "",
            "Krippendorff's alpha x 100 on token labels:",
            "",
            _table(["layer", "alpha", "tokens", "documents"], rows),
        ]
    return lines


def adjudication_lines(summary: dict[str, Any]) -> list[str]:
    """Markdown on how the gold was adjudicated, from the build's adjudication summary (no typed-in figure)."""
    conflicts = summary.get("conflicts", {})
    lines = [
        f"The `gold` annotations are adjudicated, machine-made: strategy `{summary.get('strategy')}` over "
        f"{summary.get('documents')} documents ({summary.get('single_annotator_documents')} annotated by one pass "
        f"only, taken as they are); {sum(conflicts.values())} conflicts between the passes"
        + (" (" + ", ".join(f"{n} {kind}" for kind, n in conflicts.items()) + ")" if conflicts else "")
        + "."
    ]
    decisions = summary.get("decisions")
    if decisions:
        counts = decisions.get("counts", {})
        lines += [
            "",
            f"Each conflict was settled by one recorded decision (decisions file SHA-256 `{decisions.get('sha256')}`):",
            "",
            _table(["pass1", "pass2", "both", "neither", "edited"], [[counts.get(k, 0) for k in DECISION_COLUMNS]]),
        ]
    with_gold = summary.get("with_gold")
    if with_gold:
        metrics = list(next(iter(with_gold.values()))["exact"])
        lines += [
            "",
            "Agreement of each pass with the adjudicated gold (exact F1 x 100, double-annotated documents):",
            "",
            _table(
                ["pass", "documents", *metrics],
                [
                    [name, found["documents"], *(_percent(found["exact"][m]["value"]) for m in metrics)]
                    for name, found in with_gold.items()
                ],
            ),
        ]
    revision = summary.get("revision") or {}
    if revision.get("edits"):
        ops = revision.get("by_op", {})
        lines += [
            "",
            f"The adjudicated gold was then revised by {revision['edits']} recorded edits, each with its reason, on "
            f"{revision.get('documents_revised')} documents (revision file `{revision.get('file')}`, SHA-256 "
            f"`{revision.get('edits_sha256')}`); the agreement figures above are measured before the revision:",
            "",
            _table(list(ops), [list(ops.values())]),
        ]
    lines += [
        "",
        f"Adjudicated gold before the revision: {summary.get('entities')} entities, {summary.get('events')} events, "
        f"{summary.get('arguments')} arguments.",
    ]
    return lines


DECISION_COLUMNS = ("pass1", "pass2", "both", "neither", "edit")


def _leakage_section(inputs: CardInputs) -> list[str]:
    settings = inputs.split_settings
    described = (
        ", ".join(f"{k}: {json.dumps(v, sort_keys=True)}" for k, v in sorted(settings.items())) or "not recorded"
    )
    leak = inputs.leakage
    rows = [
        [
            split,
            leak.units.get(split, 0),
            leak.shared_groups.get(split, 0),
            leak.identical_sentences.get(split, 0),
            leak.near_duplicate_pairs.get(split, 0),
        ]
        for split in ("dev", "test")
    ]
    return [
        "Documents are split by `eventcorpus split`: the unit is the group (documents sharing a "
        "near-duplicate cluster, a story or an article always go together), each group's split is a "
        "hash of its key, and the seed with the best-balanced event-type distribution is kept.",
        "",
        f"Settings: {described}. Manifest checksum `{inputs.split_checksum}`.",
        "",
        "What dev and test share with train (released documents only):",
        "",
        _table(
            ["split", "documents", "groups shared with train", "sentences identical to train", "near-duplicate pairs"],
            rows,
        ),
    ]


def _licence_section(inputs: CardInputs) -> list[str]:
    per_licence: Counter[tuple[str, str]] = Counter(
        (r.document.licence, r.document.attribution or "—") for r in inputs.records
    )
    rows = [[inputs.licence(lic)[1], n, a] for (lic, a), n in sorted(per_licence.items())]
    lines = [
        "Each document keeps its own `licence` and `attribution` columns (documents configuration); "
        "the text and its annotations are distributed under that document's licence. See LICENSE.md.",
        "",
        _table(["licence", "documents", "attribution"], rows),
        "",
    ]
    if inputs.excluded:
        reasons: Counter[tuple[str, str]] = Counter((reason, licence) for _, licence, reason in inputs.excluded)
        lines += [
            f"**{len(inputs.excluded)} documents were left out** because their licence does not permit "
            "redistribution (the licence gate of `eventcorpus publish`):",
            "",
            _table(["reason", "licence", "documents"], [[r, lic, n] for (r, lic), n in sorted(reasons.items())]),
        ]
    else:
        lines.append("No document was left out by the licence gate.")
    if inputs.unassigned:
        lines += ["", f"{inputs.unassigned} documents had no split in the manifest and were left out."]
    return lines


def _problems_table(problems: list[Dropped]) -> str:
    counts: Counter[tuple[str, str]] = Counter((p.kind, p.reason) for p in problems)
    return _table(["item", "what happened", "count"], [[k, r, n] for (k, r), n in sorted(counts.items())])


def _citation(inputs: CardInputs) -> str:
    key = re.sub(r"\W+", "_", inputs.repo_id.split("/")[-1]).strip("_") or "eventcorpus"
    fields = [
        f"  title = {{{inputs.info.pretty_name}}}",
        f"  author = {{{inputs.info.authors}}}",
        f"  howpublished = {{\\url{{https://huggingface.co/datasets/{inputs.repo_id}}}}}",
        f"  note = {{Release built with eventcorpus {__version__}, schema {inputs.schema.name} {inputs.schema.version}}}",
    ]
    if inputs.info.year:
        fields.append(f"  year = {{{inputs.info.year}}}")
    return "```bibtex\n@misc{" + key + ",\n" + ",\n".join(fields) + "\n}\n```"


def render_body(inputs: CardInputs) -> str:
    info = inputs.info
    docs, sents = inputs.rows["documents"], inputs.rows["sentences"]
    annotators = Counter(r.annotations.annotator for r in inputs.records)
    parts = [f"# {info.pretty_name}", ""]
    if info.provenance is not None:
        parts += [info.provenance.statement(), ""]
    parts += [
        info.summary,
        "",
        f"This release holds {sum(docs.values())} documents and {sum(sents.values())} sentences in the splits "
        + ", ".join(f"{s} ({docs[s]} documents)" for s in docs)
        + f"; schema {inputs.schema.name} version {inputs.schema.version}; built with eventcorpus {__version__}.",
        "",
        "## Loading",
        "",
        "```python",
        "from datasets import load_dataset",
        "",
        f'documents = load_dataset("{inputs.repo_id}", "documents")  # whole articles, nested entities and events',
        f'sentences = load_dataset("{inputs.repo_id}", "sentences")  # token rows with BIO tags',
        "```",
        "",
        "## Configurations",
        "",
        "- `documents`: one row per article: `text`, its metadata (`title`, `source`, `url`, `published`, "
        "`language`, `licence`, `attribution`), `entities` (`id`, `start`, `end`, `label`) and `events` (`type`, "
        "`trigger_start`, `trigger_end`, `arguments` as `role` + `entity_id`, and the event attributes). Offsets "
        "are Python string indices (code points) into `text`, end exclusive. Labels, types, roles and attribute "
        "values are `ClassLabel`s taken from the schema (-1: attribute not set).",
        "- `sentences`: one row per sentence (spaCy's rule-based English tokenizer and sentencizer): `tokens`, "
        "their offsets in the article (`token_starts`, `token_ends`), `ner_tags` (BIO over entity types) and "
        "`trigger_tags` (BIO over event types), ready for token-classification fine-tuning.",
        "",
        "The size category counts the rows of the larger configuration (sentences).",
        "",
    ]
    if inputs.bio_problems:
        parts += [
            "BIO holds one label per token, so the `sentences` configuration cannot hold everything the "
            "`documents` configuration does; what it left out or changed:",
            "",
            _problems_table(inputs.bio_problems),
            "",
        ]
    if inputs.dropped:
        parts += ["Items the `documents` configuration could not hold:", "", _problems_table(inputs.dropped), ""]
    if info.external:
        parts += ["## Annotation quality against people's annotations", "", *info.external, ""]
    for dataset, documents in info.also_in.items():
        parts += [
            f"## Documents also in {dataset}",
            "",
            f"{len(documents)} documents of this corpus are articles of {dataset}, annotated here anew by the "
            f"project. Do not train on them and test on {dataset} (or the reverse): that measures memory, not "
            "extraction. They are:",
            "",
            ", ".join(f"`{d}`" for d in documents),
            "",
        ]
    parts += ["## Schema", "", markdown_tables(inputs.schema).rstrip(), ""]
    stats = inputs.stats_markdown.split("\n", 1)[1] if inputs.stats_markdown.startswith("# ") else inputs.stats_markdown
    parts += ["## Statistics per split", "", _demote(stats.strip(), 1), ""]
    parts += ["## Agreement", "", *_agreement_section(inputs), ""]
    if info.adjudication is not None:
        parts += ["## Adjudication", "", *adjudication_lines(info.adjudication), ""]
    parts += [
        "## How the annotations were made",
        "",
        "Annotation sets in this release per annotator: "
        + ", ".join(f"{name} {count}" for name, count in sorted(annotators.items()))
        + ".",
        "",
    ]
    if info.annotation_process:
        parts += [_demote(info.annotation_process, 1), ""]
    parts += ["## Splits and leakage", "", *_leakage_section(inputs), ""]
    parts += ["## Licences and attributions", "", *_licence_section(inputs), ""]
    parts += ["## Known limitations", ""]
    if info.limitations:
        parts += [_demote(info.limitations, 1), ""]
    parts += [
        "- Documents whose licence does not permit redistribution are not in this release, so figures "
        "measured on the full corpus (agreement, models trained on it) rest on more documents than are here.",
        "- Spans that overlap or nest cannot all be BIO tags: the `sentences` configuration keeps the longest "
        "and lists the rest above; the `documents` configuration keeps them all.",
        "",
        "## Release manifest",
        "",
        "`release_manifest.json` lists every document id with the SHA-256 of its text and its split, the "
        "documents left out and why, the schema and toolkit versions, and the SHA-256 of every data file, so a "
        "release can be checked against the sources.",
        "",
        "## Citation",
        "",
        _citation(inputs),
        "",
    ]
    return "\n".join(parts)


def render_licence(inputs: CardInputs) -> str:
    """LICENSE.md: the licences of the released documents, with the attributions they require."""
    by_licence: dict[str, Counter[str]] = {}
    for record in inputs.records:
        by_licence.setdefault(record.document.licence, Counter())[record.document.attribution or "—"] += 1
    lines = [
        "# Licences of this release",
        "",
        "Every document carries its own licence (column `licence`) and attribution (column `attribution`); "
        "the text and its annotations are distributed under that licence.",
    ]
    for licence in sorted(by_licence):
        hub_id, name, _slug, link = inputs.licence(licence)
        lines += ["", f"## {name} (`{licence}`)", ""]
        if link:
            lines += [f"Licence text: {link}", ""]
        lines += [f"- {count} documents: {attribution}" for attribution, count in sorted(by_licence[licence].items())]
    return "\n".join(lines) + "\n"


def render_card(inputs: CardInputs) -> tuple[str, str]:
    """(README.md, LICENSE.md) of a release."""
    meta = yaml.safe_dump(card_metadata(inputs), sort_keys=False, allow_unicode=True, width=1000)
    return f"---\n{meta}---\n\n{render_body(inputs)}", render_licence(inputs)


# --- checks -------------------------------------------------------------------------------


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def check_card(folder: str | Path) -> list[str]:
    """Problems with the card of a release folder against the Hub's offline-checkable rules."""
    from huggingface_hub import DatasetCard

    folder = Path(folder)
    card = DatasetCard((folder / "README.md").read_text(encoding="utf-8"))
    data = card.data.to_dict()
    problems: list[str] = []
    for licence in _as_list(data.get("license")):
        if licence not in HUB_LICENCES:
            problems.append(f"license {licence!r} is not a Hub licence id")
    if "other" in _as_list(data.get("license")):
        if not _LICENCE_NAME.match(str(data.get("license_name", ""))):
            problems.append("license 'other' needs a license_name of lower-case letters, digits, '-' and '.'")
        if not data.get("license_link") or not (folder / str(data.get("license_link"))).is_file():
            problems.append("license 'other' needs a license_link to a file in the repository")
    categories = _as_list(data.get("task_categories"))
    for category in categories:
        if category not in HUB_TASKS:
            problems.append(f"task category {category!r} is not a Hub task")
    allowed_ids = {task_id for c in categories for task_id in HUB_TASKS.get(c, ())}
    for task_id in _as_list(data.get("task_ids")):
        if task_id not in allowed_ids:
            problems.append(f"task id {task_id!r} is not a task id of {categories}")
    languages = _datasets_resource("languages.json")
    for language in _as_list(data.get("language")):
        if language not in languages:
            problems.append(f"language {language!r} is not a known language code")
    creators = _datasets_resource("creators.json")
    for key, kind in (("annotations_creators", "annotations"), ("language_creators", "language")):
        for value in _as_list(data.get(key)):
            if value not in creators[kind]:
                problems.append(f"{key} value {value!r} is not one of {creators[kind]}")
    if not data.get("pretty_name"):
        problems.append("pretty_name is missing")
    infos = {i["config_name"]: i for i in _as_list(data.get("dataset_info"))}
    configs = _as_list(data.get("configs"))
    if set(infos) != {c["config_name"] for c in configs}:
        problems.append("dataset_info and configs name different configurations")
    most_rows = 0
    for config in configs:
        info = infos.get(config["config_name"], {})
        declared = {s["name"]: s["num_examples"] for s in info.get("splits", [])}
        for entry in config["data_files"]:
            files = sorted(folder.glob(entry["path"]))
            where = f"config {config['config_name']} split {entry['split']}"
            if not files:
                problems.append(f"{where}: no file {entry['path']}")
            elif sum(pq.read_metadata(f).num_rows for f in files) != declared.get(entry["split"]):
                problems.append(f"{where}: the files' rows differ from dataset_info's num_examples")
        most_rows = max(most_rows, sum(s["num_examples"] for s in info.get("splits", [])))
    sizes = _as_list(data.get("size_categories"))
    if sizes != [size_category(most_rows)]:
        problems.append(f"size_categories {sizes} does not match {most_rows} rows ({size_category(most_rows)})")
    if sizes and sizes[0] not in _datasets_resource("size_categories.json"):
        problems.append(f"size category {sizes[0]!r} is not a Hub size category")
    return problems
