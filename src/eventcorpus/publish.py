"""Publish a release of the corpus as a Hugging Face dataset repository.

One step per function:

- :func:`licence_gate`: keep the documents whose licence permits redistribution
  (the policy table is :data:`LICENCE_POLICY`; the CEMO report is never published);
- :func:`build_release`: the repository folder: parquet per split for the ``documents``
  configuration (the hf format's rows and ``Features``) and the ``sentences`` configuration
  (BIO entity and trigger tags over :func:`eventcorpus.tokens.sentences`), ``README.md``
  (the dataset card, checked against the Hub's rules), ``LICENSE.md`` and
  ``release_manifest.json``; the same input always gives byte-identical files;
- :func:`push_release`: upload the folder with ``huggingface_hub`` (create the repository,
  upload, tag), failing fast with a coded error when there is no token or no Hub;
- :func:`publish`: the ``eventcorpus publish`` command's one call.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import datasets
import httpx
import pyarrow as pa
import pyarrow.parquet as pq

from eventcorpus import __version__
from eventcorpus.agreement import agreement as measure_agreement
from eventcorpus.agreement import read_annotator_sets
from eventcorpus.card import CardInfo, CardInputs, check_card, render_card
from eventcorpus.corpus import write_json
from eventcorpus.errors import EventCorpusError
from eventcorpus.export import group_by_split
from eventcorpus.formats import Dropped
from eventcorpus.formats import hf as hf_format
from eventcorpus.formats._shared import output_folder
from eventcorpus.provenance import card_provenance_problems
from eventcorpus.records import Record
from eventcorpus.schema import Schema
from eventcorpus.split import leakage_report
from eventcorpus.stats import corpus_stats, markdown_report
from eventcorpus.tokens import sentences

DOCUMENTS = "documents"
SENTENCES = "sentences"
CONFIGS = (DOCUMENTS, SENTENCES)
HUB_TIMEOUT_S = 5.0
_REPO_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")

# --- the licence policy (the one place it lives) -----------------------------------------

OPEN = "open"
NON_COMMERCIAL = "non-commercial"
RESTRICTED = "restricted"


@dataclass(frozen=True)
class LicencePolicy:
    """What a licence id of ``Document.licence`` allows, and how the Hub card names it."""

    permission: str  # OPEN, NON_COMMERCIAL or RESTRICTED
    hub_id: str  # a Hub licence id ("other" when the Hub lists none)
    name: str  # full name, and the reason when restricted
    slug: str = ""  # for license_name when hub_id is "other"
    link: str = ""


# Keys are lower-case licence ids as the readers and corpus/sources.yaml write them.
LICENCE_POLICY: dict[str, LicencePolicy] = {
    "public-domain-us-gov": LicencePolicy(
        OPEN, "other", "US government work, public domain", "us-government-public-domain"
    ),
    "ogl-uk-3.0": LicencePolicy(
        OPEN,
        "other",
        "Open Government Licence v3.0 (UK)",
        "ogl-uk-3.0",
        "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    ),
    "cc-by-3.0-au": LicencePolicy(
        OPEN,
        "other",
        "Creative Commons Attribution 3.0 Australia",
        "cc-by-3.0-au",
        "https://creativecommons.org/licenses/by/3.0/au/",
    ),
    "cc-by-3.0": LicencePolicy(
        OPEN, "cc-by-3.0", "Creative Commons Attribution 3.0", link="https://creativecommons.org/licenses/by/3.0/"
    ),
    "cc-by-4.0": LicencePolicy(
        OPEN, "cc-by-4.0", "Creative Commons Attribution 4.0", link="https://creativecommons.org/licenses/by/4.0/"
    ),
    "cc-by-sa-3.0": LicencePolicy(
        OPEN,
        "cc-by-sa-3.0",
        "Creative Commons Attribution-ShareAlike 3.0",
        link="https://creativecommons.org/licenses/by-sa/3.0/",
    ),
    "cc-by-sa-4.0": LicencePolicy(
        OPEN,
        "cc-by-sa-4.0",
        "Creative Commons Attribution-ShareAlike 4.0",
        link="https://creativecommons.org/licenses/by-sa/4.0/",
    ),
    "cc0-1.0": LicencePolicy(
        OPEN, "cc0-1.0", "Creative Commons Zero 1.0", link="https://creativecommons.org/publicdomain/zero/1.0/"
    ),
    "cc-by-nc-3.0": LicencePolicy(
        NON_COMMERCIAL, "cc-by-nc-3.0", "Creative Commons Attribution-NonCommercial 3.0 (non-commercial)"
    ),
    "cc-by-nc-4.0": LicencePolicy(
        NON_COMMERCIAL, "cc-by-nc-4.0", "Creative Commons Attribution-NonCommercial 4.0 (non-commercial)"
    ),
    "eeas-legal-notice": LicencePolicy(
        RESTRICTED, "other", "EEAS legal notice: redistribution terms unclear", "eeas-legal-notice"
    ),
    "all-rights-reserved": LicencePolicy(RESTRICTED, "other", "all rights reserved"),
    "wire-copy": LicencePolicy(
        RESTRICTED,
        "other",
        "the text credits a wire service (AP, Reuters, AFP...) whose copy is not public domain",
        "wire-copy",
    ),
    "unknown": LicencePolicy(RESTRICTED, "unknown", "licence unknown"),
}
# Publishers whose documents are never published, whatever their licence field says.
NEVER_PUBLISHED = ("The Reference", "CEMO Center")


@dataclass
class Excluded:
    doc_id: str
    source: str | None
    licence: str
    reason: str


@dataclass
class GateResult:
    kept: list[Record]
    excluded: list[Excluded]


def licence_policy(licence: str) -> LicencePolicy | None:
    return LICENCE_POLICY.get(licence.strip().lower())


def exclusion_reason(record: Record, *, allow_nc: bool = False) -> str | None:
    """Why ``record`` may not be published (None when it may)."""
    document = record.document
    names = [
        document.source,
        document.attribution,
        *(document.meta.get(k) for k in ("publisher", "issuing_organisation")),
    ]
    for publisher in NEVER_PUBLISHED:
        if any(isinstance(n, str) and publisher.lower() in n.lower() for n in names):
            return f"never published: {publisher} (copyright kept by its publisher)"
    policy = licence_policy(document.licence)
    if policy is None:
        return f"licence {document.licence!r} is not in the licence policy (terms not checked)"
    if policy.permission == RESTRICTED:
        return policy.name
    if policy.permission == NON_COMMERCIAL and not allow_nc:
        return f"{policy.name}; pass --allow-nc to include"
    return None


def licence_gate(records: Iterable[Record], *, allow_nc: bool = False) -> GateResult:
    """Split ``records`` into the publishable ones and the excluded ones with their reasons."""
    kept: list[Record] = []
    excluded: list[Excluded] = []
    for record in records:
        reason = exclusion_reason(record, allow_nc=allow_nc)
        if reason is None:
            kept.append(record)
        else:
            document = record.document
            excluded.append(Excluded(document.id, document.source, document.licence, reason))
    return GateResult(kept, excluded)


# --- the sentences configuration ---------------------------------------------------------


def bio_names(labels: Iterable[str]) -> list[str]:
    names = ["O"]
    for label in labels:
        names += [f"B-{label}", f"I-{label}"]
    return names


def sentence_features(schema: Schema) -> datasets.Features:
    """Token rows: tokens, their offsets in the document, BIO entity tags and BIO trigger tags."""
    string = datasets.Value("string")
    offset = datasets.Value("int32")
    return datasets.Features(
        {
            "id": string,
            "doc_id": string,
            "sentence_index": offset,
            "start": offset,
            "end": offset,
            "text": string,
            "tokens": datasets.List(string),
            "token_starts": datasets.List(offset),
            "token_ends": datasets.List(offset),
            "ner_tags": datasets.List(datasets.ClassLabel(names=bio_names(schema.entity_labels))),
            "trigger_tags": datasets.List(datasets.ClassLabel(names=bio_names(schema.event_labels))),
        }
    )


def _tag_spans(
    spans: list[tuple[str, int, int, str, str]],
    starts: list[int],
    ends: list[int],
    sentence_of: list[int],
    names: Mapping[str, int],
    doc_id: str,
    problems: list[Dropped],
) -> list[int]:
    """BIO tag ids per token for ``spans`` (kind, start, end, label, item id); longest spans first.

    A span that overlaps an already tagged span, crosses a sentence, covers no token or has a
    label outside the schema is reported and left out; one not on token boundaries is tagged as
    the tokens it touches and reported.
    """
    tags = [0] * len(starts)
    for kind, start, end, label, item in sorted(spans, key=lambda s: (-(s[2] - s[1]), s[1], s[3], s[4])):
        first = bisect.bisect_right(ends, start)
        last = bisect.bisect_left(starts, end) - 1
        reason = None
        if f"B-{label}" not in names:
            reason = f"label {label!r} not in the schema"
        elif first > last:
            reason = "covers no token"
        elif sentence_of[first] != sentence_of[last]:
            reason = "crosses a sentence boundary"
        elif any(tags[i] for i in range(first, last + 1)):
            reason = "overlaps another span; BIO holds one label per token"
        if reason:
            problems.append(Dropped(doc_id, kind, item, start, f"left out of BIO tags: {reason}"))
            continue
        if starts[first] != start or ends[last] != end:
            problems.append(
                Dropped(doc_id, kind, item, start, "not on token boundaries: tagged as the tokens it touches")
            )
        tags[first] = names[f"B-{label}"]
        for i in range(first + 1, last + 1):
            tags[i] = names[f"I-{label}"]
    return tags


def sentence_rows(record: Record, schema: Schema, problems: list[Dropped]) -> list[dict[str, Any]]:
    """One row per sentence of ``record`` with BIO tags; what BIO cannot hold goes to ``problems``."""
    text = record.document.text
    sents = sentences(text)
    tokens = [t for s in sents for t in s]
    sentence_of = [i for i, s in enumerate(sents) for _ in s]
    starts = [t.start for t in tokens]
    ends = [t.end for t in tokens]
    entity_names = {n: i for i, n in enumerate(bio_names(schema.entity_labels))}
    trigger_names = {n: i for i, n in enumerate(bio_names(schema.event_labels))}
    annotations = record.annotations
    entity_tags = _tag_spans(
        [("entity", e.start, e.end, e.label, e.id) for e in annotations.entities],
        starts,
        ends,
        sentence_of,
        entity_names,
        record.id,
        problems,
    )
    trigger_tags = _tag_spans(
        [("trigger", e.trigger.start, e.trigger.end, e.type, e.id) for e in annotations.events],
        starts,
        ends,
        sentence_of,
        trigger_names,
        record.id,
        problems,
    )
    rows = []
    position = 0
    for index, sent in enumerate(sents):
        span = slice(position, position + len(sent))
        position += len(sent)
        rows.append(
            {
                "id": f"{record.id}-{index:04d}",
                "doc_id": record.id,
                "sentence_index": index,
                "start": sent[0].start,
                "end": sent[-1].end,
                "text": text[sent[0].start : sent[-1].end],
                "tokens": [t.text for t in sent],
                "token_starts": starts[span],
                "token_ends": ends[span],
                "ner_tags": entity_tags[span],
                "trigger_tags": trigger_tags[span],
            }
        )
    return rows


# --- the release folder -------------------------------------------------------------------


@dataclass
class Release:
    """What :func:`build_release` wrote."""

    folder: str
    repo_id: str
    rows: dict[str, dict[str, int]]  # config -> split -> rows
    files: dict[str, str]  # relative path -> sha256
    excluded: list[Excluded]
    unassigned: list[str]
    dropped: list[Dropped]  # items the documents configuration could not hold
    bio_problems: list[Dropped]  # items the sentences configuration could not hold as BIO
    card_problems: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "folder": self.folder,
            "repo_id": self.repo_id,
            "rows": self.rows,
            "files": self.files,
            "excluded": [vars(e) for e in self.excluded],
            "unassigned": self.unassigned,
            "dropped": [vars(d) for d in self.dropped],
            "bio_problems": [vars(d) for d in self.bio_problems],
        }


def load_agreement(path: str | Path) -> dict[str, Any]:
    """Agreement figures from a folder of annotators' files (measured now) or ``agree --json`` output.

    From a folder the result also lists ``document_ids``, the documents the figures rest on.
    """
    path = Path(path)
    try:
        if path.is_dir():
            sets = read_annotator_sets(path)
            data = measure_agreement(sets).to_dict()
            data["document_ids"] = sets.shared_documents()
            return data
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise EventCorpusError("E605", str(exc), file=str(path)) from exc
    except json.JSONDecodeError as exc:
        raise EventCorpusError("E605", exc.msg, file=str(path), line=exc.lineno) from exc
    if not isinstance(loaded, dict) or "average" not in loaded or "documents" not in loaded:
        raise EventCorpusError(
            "E605", "not the output of `eventcorpus agree --json`", file=str(path), expected="keys documents, average"
        )
    return loaded


def load_adjudication(path: str | Path) -> dict[str, Any]:
    """The adjudication summary of ``adjudicate --json`` (or the build's ``steps/adjudicate.json``)."""
    path = Path(path)
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise EventCorpusError("E605", str(exc), file=str(path)) from exc
    except json.JSONDecodeError as exc:
        raise EventCorpusError("E605", exc.msg, file=str(path), line=exc.lineno) from exc
    if not isinstance(loaded, dict) or "strategy" not in loaded or "conflicts" not in loaded:
        raise EventCorpusError(
            "E605",
            "not the output of `eventcorpus adjudicate --json`",
            file=str(path),
            expected="keys strategy, conflicts",
        )
    return loaded


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _write_parquet(rows: list[dict[str, Any]], features: datasets.Features, path: Path) -> int:
    """Write rows as one parquet file; return the Arrow size in bytes (dataset_info's num_bytes)."""
    table = pa.Table.from_pylist(rows, schema=features.arrow_schema)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)
    return int(table.nbytes)


def _write_documents_split(
    records: list[Record], split: str, folder: Path, schema: Schema
) -> tuple[int, list[Dropped]]:
    """The documents configuration's parquet for one split, written by the hf format's writer."""
    scratch = Path(tempfile.mkdtemp(prefix=".documents-", dir=folder))
    try:
        report = hf_format.write(records, scratch / "out", schema=schema, options={"split": split})
        written = scratch / "out" / "data" / f"{split}-00000-of-00001.parquet"
        target = folder / "data" / DOCUMENTS / written.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(written), target)
    finally:
        shutil.rmtree(scratch)
    return int(pq.read_table(target).nbytes), report.dropped


def _release_manifest(
    grouped: Mapping[str, list[Record]],
    excluded: list[Excluded],
    schema: Schema,
    manifest: Mapping[str, Any],
    repo_id: str,
    files: Mapping[str, str],
) -> dict[str, Any]:
    documents = [
        {
            "id": r.id,
            "text_sha256": r.document.text_sha256,
            "split": split,
            "source": r.document.source,
            "licence": r.document.licence,
        }
        for split, rows in grouped.items()
        for r in rows
    ]
    return {
        "format": "eventcorpus-release-manifest",
        "version": 1,
        "repo_id": repo_id,
        "toolkit_version": __version__,
        "schema": {"name": schema.name, "version": schema.version},
        "split_manifest_checksum": manifest.get("checksum"),
        "documents": sorted(documents, key=lambda d: d["id"]),
        "excluded": [{"id": e.doc_id, "licence": e.licence, "reason": e.reason} for e in excluded],
        "files": dict(files),
    }


def build_release(
    records: Iterable[Record],
    manifest: Mapping[str, Any],
    out_dir: str | Path,
    *,
    schema: Schema,
    repo_id: str,
    allow_nc: bool = False,
    allow_unassigned: bool = False,
    agreement: Mapping[str, Any] | None = None,
    info: CardInfo | None = None,
) -> Release:
    """Write the dataset repository folder for ``records`` split by ``manifest`` into ``out_dir``.

    Raises E603 when the licence gate leaves nothing, E604 when the card breaks a Hub rule.
    """
    check_repo_id(repo_id)
    all_records = list(records)
    seen: set[str] = set()
    for record in all_records:
        if record.id in seen:
            raise EventCorpusError(
                "E401",
                f"document {record.id} appears twice; a release holds one (gold) record per document",
                doc_id=record.id,
                fix="Publish the adjudicated gold file, one record per document.",
            )
        seen.add(record.id)
    assignments: Mapping[str, str] = manifest["assignments"]
    grouped_all, unassigned = group_by_split(all_records, assignments, allow_unassigned=allow_unassigned)
    gate = licence_gate([r for rows in grouped_all.values() for r in rows], allow_nc=allow_nc)
    if not gate.kept:
        raise EventCorpusError("E603", f"all {len(gate.excluded)} assigned documents were left out by the licence gate")
    kept_ids = {r.id for r in gate.kept}
    grouped = {s: [r for r in rows if r.id in kept_ids] for s, rows in grouped_all.items()}
    grouped = {s: rows for s, rows in grouped.items() if rows}
    kept_assignments = {r.id: s for s, rows in grouped.items() for r in rows}
    sentence_feats = sentence_features(schema)
    document_feats = hf_format.features_for(schema)
    rows: dict[str, dict[str, int]] = {DOCUMENTS: {}, SENTENCES: {}}
    num_bytes: dict[str, dict[str, int]] = {DOCUMENTS: {}, SENTENCES: {}}
    dropped: list[Dropped] = []
    bio_problems: list[Dropped] = []
    card_problems: list[str] = []
    with output_folder(out_dir) as folder:
        for split, split_records in grouped.items():
            size, split_dropped = _write_documents_split(split_records, split, folder, schema)
            rows[DOCUMENTS][split] = len(split_records)
            num_bytes[DOCUMENTS][split] = size
            dropped += split_dropped
            sentence_table = [row for r in split_records for row in sentence_rows(r, schema, bio_problems)]
            target = folder / "data" / SENTENCES / f"{split}-00000-of-00001.parquet"
            num_bytes[SENTENCES][split] = _write_parquet(sentence_table, sentence_feats, target)
            rows[SENTENCES][split] = len(sentence_table)
        kept = [r for rows_ in grouped.values() for r in rows_]
        stats = corpus_stats(kept, splits=kept_assignments, schema=schema)
        inputs = CardInputs(
            repo_id=repo_id,
            schema=schema,
            records=kept,
            splits=list(grouped),
            rows=rows,
            num_bytes=num_bytes,
            features={DOCUMENTS: document_feats, SENTENCES: sentence_feats},
            stats_markdown=markdown_report(stats, title="Statistics"),
            leakage=leakage_report(kept, kept_assignments),
            split_settings=dict(manifest.get("settings") or {}),
            split_checksum=str(manifest.get("checksum") or ""),
            excluded=[(e.source, e.licence, e.reason) for e in gate.excluded],
            unassigned=len(unassigned),
            dropped=dropped,
            bio_problems=bio_problems,
            agreement=dict(agreement) if agreement is not None else None,
            licence_names={k: (v.hub_id, v.name, v.slug, v.link) for k, v in LICENCE_POLICY.items()},
            info=info or CardInfo(),
        )
        card, licence_text = render_card(inputs)
        (folder / "README.md").write_text(card, encoding="utf-8")
        (folder / "LICENSE.md").write_text(licence_text, encoding="utf-8")
        card_problems = check_card(folder)
        if card_problems:
            raise EventCorpusError("E604", "; ".join(card_problems), file=str(Path(out_dir) / "README.md"))
        provenance = (info or CardInfo()).provenance
        if provenance is not None:
            disagreements = card_provenance_problems(card, provenance)
            if disagreements:
                raise EventCorpusError("E609", "; ".join(disagreements), file=str(Path(out_dir) / "README.md"))
        files = {p.relative_to(folder).as_posix(): _sha256(p) for p in sorted(folder.rglob("*")) if p.is_file()}
        write_json(
            folder / "release_manifest.json",
            _release_manifest(grouped, gate.excluded, schema, manifest, repo_id, files),
        )
    files["release_manifest.json"] = _sha256(Path(out_dir) / "release_manifest.json")
    return Release(str(out_dir), repo_id, rows, files, gate.excluded, unassigned, dropped, bio_problems)


# --- the push -----------------------------------------------------------------------------


def check_repo_id(repo_id: str) -> None:
    if not _REPO_ID.match(repo_id):
        raise EventCorpusError("E606", f"{repo_id!r} is not ORG/NAME", expected="e.g. my-org/eventcorpus")


def _env_true(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def hub_endpoint(endpoint: str | None = None) -> str:
    from huggingface_hub import constants

    return (endpoint or os.environ.get("HF_ENDPOINT") or constants.ENDPOINT).rstrip("/")


def hub_token(token: str | None = None) -> str:
    """The token to push with: given, else HF_TOKEN, else the stored login; E620 when none."""
    from huggingface_hub import get_token

    found = token or os.environ.get("HF_TOKEN") or get_token()
    if not found:
        raise EventCorpusError(
            "E620", "no token in HF_TOKEN and no stored login (`hf auth login`)", expected="a write token"
        )
    return found


def check_hub(endpoint: str, token: str, *, timeout: float = HUB_TIMEOUT_S) -> str:
    """Ask the Hub who the token belongs to; fail fast (E621 offline/unreachable, E622 refused)."""
    if _env_true("HF_HUB_OFFLINE"):
        raise EventCorpusError("E621", "HF_HUB_OFFLINE is set: the push needs the network", expected="online")
    url = f"{endpoint}/api/whoami-v2"
    try:
        response = httpx.get(url, headers={"authorization": f"Bearer {token}"}, timeout=timeout)
    except httpx.HTTPError as exc:
        raise EventCorpusError("E621", f"cannot reach {endpoint} ({type(exc).__name__}: {exc})", file=url) from exc
    if response.status_code in (401, 403):
        raise EventCorpusError("E622", f"the Hub rejected the token (HTTP {response.status_code})", file=url)
    if response.status_code >= 400:
        raise EventCorpusError("E621", f"{endpoint} answered HTTP {response.status_code}", file=url)
    try:
        return str(response.json().get("name") or "")
    except ValueError as exc:
        raise EventCorpusError("E621", f"{endpoint} did not answer like a Hugging Face Hub", file=url) from exc


@dataclass
class PushResult:
    repo_url: str
    commit_url: str
    tag: str | None
    user: str


def push_release(
    folder: str | Path,
    repo_id: str,
    *,
    private: bool = False,
    revision: str | None = None,
    token: str | None = None,
    endpoint: str | None = None,
) -> PushResult:
    """Create the dataset repository if needed, upload ``folder`` and tag ``revision``."""
    from huggingface_hub import HfApi
    from huggingface_hub.errors import HfHubHTTPError

    check_repo_id(repo_id)
    found_token = hub_token(token)
    base = hub_endpoint(endpoint)
    user = check_hub(base, found_token)
    api = HfApi(endpoint=base, token=found_token)
    manifest = json.loads((Path(folder) / "release_manifest.json").read_text(encoding="utf-8"))
    message = f"eventcorpus {manifest['toolkit_version']} release, schema {manifest['schema']['version']}"
    try:
        repo_url = api.create_repo(repo_id, repo_type="dataset", private=private, exist_ok=True)
        commit = api.upload_folder(
            repo_id=repo_id,
            folder_path=str(folder),
            repo_type="dataset",
            commit_message=message,
            delete_patterns=["data/**"],  # the release replaces every data file of the previous one
        )
        if revision:
            api.create_tag(repo_id, tag=revision, repo_type="dataset", tag_message=message, exist_ok=False)
    except HfHubHTTPError as exc:
        raise EventCorpusError("E622", str(exc).splitlines()[0], file=f"{base}/datasets/{repo_id}") from exc
    except httpx.HTTPError as exc:
        raise EventCorpusError("E621", f"{type(exc).__name__}: {exc}", file=base) from exc
    return PushResult(str(repo_url), str(getattr(commit, "commit_url", commit)), revision, user)


@dataclass
class PublishResult:
    release: Release
    push: PushResult | None


def publish(
    records: Iterable[Record],
    manifest: Mapping[str, Any],
    *,
    schema: Schema,
    repo_id: str,
    out_dir: str | Path | None = None,
    dry_run: bool = False,
    private: bool = False,
    revision: str | None = None,
    allow_nc: bool = False,
    allow_unassigned: bool = False,
    agreement: Mapping[str, Any] | None = None,
    info: CardInfo | None = None,
) -> PublishResult:
    """Build the release folder and, unless ``dry_run``, push it (token and Hub checked first)."""
    check_repo_id(repo_id)
    if dry_run and out_dir is None:
        raise EventCorpusError("E607", "a dry run writes the folder it would push; say where")
    if not dry_run:
        check_hub(hub_endpoint(), hub_token())
    build = functools.partial(
        build_release,
        schema=schema,
        repo_id=repo_id,
        allow_nc=allow_nc,
        allow_unassigned=allow_unassigned,
        agreement=agreement,
        info=info,
    )
    if out_dir is not None:
        release = build(records, manifest, out_dir)
        pushed = None if dry_run else push_release(out_dir, repo_id, private=private, revision=revision)
        return PublishResult(release, pushed)
    with tempfile.TemporaryDirectory(prefix="eventcorpus-release-") as scratch:
        folder = Path(scratch) / "release"
        release = build(records, manifest, folder)
        return PublishResult(release, push_release(folder, repo_id, private=private, revision=revision))
