"""Push documents (and pre-annotations) to a doccano project; pull every annotator's work back.

The conversion of one document to and from a doccano line is
:mod:`eventcorpus.formats.doccano`'s; this module does the talking: project set-up from
the schema, idempotent chunked uploads, exports, mapping examples back to documents
through their ``meta`` (``doc_id``, ``text_sha256``) and versioned pull folders.

Offsets: doccano's backend stores whatever integers it is given; its browser front end
counts UTF-16 code units (JavaScript string indices) in a default project and grapheme
clusters in a project with ``grapheme_mode``. ``offset_mode="auto"`` follows the project,
and new projects are created in UTF-16 mode unless grapheme mode is asked for: the front
end's grapheme splitter follows Unicode 10 rules and splits Indic conjuncts that current
Unicode (and :mod:`eventcorpus.offsets`) keeps whole, so UTF-16 is the exact choice.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from eventcorpus.corpus import atomic_open, decode_json_line, read_documents, read_records, write_json, write_records
from eventcorpus.doccano.client import DoccanoClient, ImportError_
from eventcorpus.errors import EventCorpusError
from eventcorpus.formats.doccano import doccano_to_record, record_to_doccano
from eventcorpus.offsets import MODES
from eventcorpus.paths import inside
from eventcorpus.records import UNANNOTATED, AnnotationSet, Document, Record, text_sha256
from eventcorpus.schema import EntityType, EventType, Schema, load_schema
from eventcorpus.ziplimits import ZipLimits, jsonl_members, member_lines, open_zip

OFFSET_MODES = ("auto", *MODES)
PUSHED_BY = "pushed_by"  # meta key: the doccano user who uploaded the example and owns its pre-annotations
NOTES = "eventcorpus"  # meta key of formats.doccano's notes (canonical ids, attributes) on pushed spans
COLLABORATIVE_ANNOTATOR = "collaborative"  # the one annotation set of a collaborative project
ROLE_COLOURS = ("#264653", "#6d597a", "#355070", "#3d405b", "#5f0f40", "#0b525b", "#7f4f24", "#344e41")
DEFAULT_GUIDELINES = Path(__file__).resolve().parents[3] / "annotation_guidelines" / "guidelines.md"


@dataclass
class PushResult:
    project: str
    project_id: int
    created: bool
    offset_mode: str
    collaborative: bool
    documents: int = 0
    uploaded: int = 0
    skipped: int = 0
    pre_annotated: int = 0
    pre_annotations_skipped: int = 0  # for documents already in the project (never overwritten)
    span_types_created: list[str] = field(default_factory=list)
    relation_types_created: list[str] = field(default_factory=list)
    pre_annotation_owner: str | None = None  # who owns pre-annotations in a non-collaborative project
    # a re-run completes pre-annotations an interrupted push left short (an import killed mid-way)
    completed: int = 0  # documents whose missing spans/relations were sent again
    spans_restored: int = 0
    relations_restored: int = 0
    left_alone: list[str] = field(default_factory=list)  # documents whose spans were changed in doccano: not touched


@dataclass
class AnnotatorSummary:
    annotator: str
    documents: int = 0  # documents with at least one span, or marked done
    done: int = 0  # documents the annotator marked done (doccano's "confirmed")
    entities: int = 0
    events: int = 0
    arguments: int = 0

    @property
    def spans(self) -> int:
        return self.entities + self.events


@dataclass
class PullResult:
    project: str
    offset_mode: str
    folder: Path
    annotators: list[AnnotatorSummary] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. annotators renamed apart (members sharing a stem)


def project_offset_mode(project: dict[str, Any], requested: str = "auto") -> str:
    """The counting mode of a project: grapheme with grapheme_mode on, else UTF-16 (doccano's browser)."""
    if requested not in OFFSET_MODES:
        raise EventCorpusError(
            "E017", f"unknown offset mode {requested!r}", expected=f"one of {', '.join(OFFSET_MODES)}"
        )
    if requested != "auto":
        return requested
    return "grapheme" if project.get("grapheme_mode") else "utf16"


def guideline_text(path: Path | None = None) -> str:
    path = path or DEFAULT_GUIDELINES
    # stripped: doccano trims the field, and an unchanged guideline should compare equal
    return path.read_text(encoding="utf-8").strip() if path.is_file() else ""


def ensure_project(
    client: DoccanoClient,
    name: str,
    *,
    schema: Schema,
    collaborative: bool,
    offset_mode: str,
    guideline: str,
) -> tuple[dict[str, Any], bool, list[str], list[str]]:
    """Find or create the project; add missing span and relation types; keep the guideline current."""
    project = client.find_project(name)
    created = project is None
    if project is None:
        project = client.create_project(
            name,
            guideline=guideline,
            collaborative=collaborative,
            grapheme_mode=offset_mode == "grapheme",
            description=f"eventcorpus schema {schema.name} {schema.version}",
        )
    else:
        project = client.project(name)  # checks the type
        if guideline and project.get("guideline") != guideline:
            project = client.update_project(int(project["id"]), guideline=guideline)
    project_id = int(project["id"])
    have = {t["text"] for t in client.span_types(project_id)}
    used_keys = {t.get("suffix_key") for t in client.span_types(project_id)}
    span_types_created: list[str] = []
    labelled: list[EntityType | EventType] = [*schema.entity_types.values(), *schema.event_types.values()]
    for spec in labelled:
        if spec.name in have:
            continue
        key = spec.key if spec.key not in used_keys else None
        client.create_span_type(project_id, spec.name, color=spec.color, key=key)
        span_types_created.append(spec.name)
    have_roles = {t["text"] for t in client.relation_types(project_id)}
    relation_types_created: list[str] = []
    for index, role in enumerate(schema.role_labels):
        if role not in have_roles:
            client.create_relation_type(project_id, role, color=ROLE_COLOURS[index % len(ROLE_COLOURS)])
            relation_types_created.append(role)
    return project, created, span_types_created, relation_types_created


def existing_doc_ids(client: DoccanoClient, project_id: int) -> set[str]:
    """The ``doc_id`` in the meta of every example already in the project."""
    return set(existing_examples(client, project_id))


def existing_examples(client: DoccanoClient, project_id: int) -> dict[str, dict[str, Any]]:
    """``{doc_id: example}`` for every example already in the project (the first, should one be doubled)."""
    found: dict[str, dict[str, Any]] = {}
    for example in client.examples(project_id):
        meta = example.get("meta") or {}
        if isinstance(meta, dict) and isinstance(meta.get("doc_id"), str):
            found.setdefault(meta["doc_id"], example)
    return found


def complete_pre_annotations(
    client: DoccanoClient,
    project_id: int,
    example: dict[str, Any],
    wanted: dict[str, Any],
    span_types: dict[str, int],
    relation_types: dict[str, int],
) -> tuple[int, int] | None:
    """Send the spans and relations of ``wanted`` (a doccano line) that ``example`` lacks; (spans, relations) sent.

    The logged-in user's spans on the example are compared with the wanted ones as a multiset
    of (start, end, label). When they are a part of them (an import that died between creating
    the examples and their labels leaves none), the rest is created, so a re-run converges on
    an uninterrupted push with nothing doubled. When they hold anything else, someone edited
    them in doccano: nothing is touched and None is returned.
    """
    example_id = int(example["id"])
    have = client.spans(project_id, example_id)
    pool: dict[tuple[int, int, int], list[int]] = {}
    for span in have:
        pool.setdefault((int(span["start_offset"]), int(span["end_offset"]), int(span["label"])), []).append(
            int(span["id"])
        )
    span_id: dict[int, int] = {}  # the line's span id -> doccano's
    missing: list[tuple[int, tuple[int, int, int]]] = []
    for span in wanted.get("entities") or []:
        key = (int(span["start_offset"]), int(span["end_offset"]), span_types[str(span["label"])])
        if pool.get(key):
            span_id[int(span["id"])] = pool[key].pop(0)
        else:
            missing.append((int(span["id"]), key))
    if any(pool.values()):
        return None
    for line_id, (start, end, label) in missing:
        span_id[line_id] = int(client.create_span(project_id, example_id, label, start, end)["id"])
    present = {(int(r["from_id"]), int(r["to_id"]), int(r["type"])) for r in client.relations(project_id, example_id)}
    relations = 0
    for relation in wanted.get("relations") or []:
        key = (
            span_id[int(relation["from_id"])],
            span_id[int(relation["to_id"])],
            relation_types[str(relation["type"])],
        )
        if key not in present:
            client.create_relation(project_id, example_id, key[2], key[0], key[1])
            present.add(key)
            relations += 1
    return len(missing), relations


def load_pre_annotations(path: Path, documents: dict[str, Document]) -> dict[str, Record]:
    """One annotation set per document from a canonical file; E210 for doubles or strangers, E010 for text drift."""
    by_doc: dict[str, Record] = {}
    for record in read_records(path):
        where: dict[str, Any] = {"file": str(path), "doc_id": record.id}
        if record.id not in documents:
            raise EventCorpusError("E210", "annotations for a document that is not among the documents pushed", **where)
        if record.id in by_doc:
            raise EventCorpusError(
                "E210",
                f"two annotation sets ({by_doc[record.id].annotations.annotator}, {record.annotations.annotator})",
                expected="one annotation set per document",
                **where,
            )
        if record.document.text_sha256 != documents[record.id].text_sha256:
            raise EventCorpusError("E010", "the annotated text differs from the document's text", **where)
        by_doc[record.id] = record
    return by_doc


def doccano_line(record: Record, offset_mode: str, pushed_by: str | None = None) -> str:
    """One upload line: ASCII-escaped JSON (doccano guesses encodings) with the same keys on every line.

    doccano reads an upload into a pandas table: a key missing from some lines would come
    back as NaN in those examples' meta, which SQLite's JSON check refuses. ``pushed_by``
    (kept in meta) names the user who owns the pre-annotations, so that their notes (ids,
    attributes) are not lent to other annotators' spans on pull.
    """
    obj = record_to_doccano(record, offset_mode=offset_mode)
    obj.setdefault("annotation_meta", {})
    obj[PUSHED_BY] = pushed_by
    return json.dumps(obj, ensure_ascii=True)


def _chunks(items: list[tuple[str, str]], size: int) -> Iterator[list[tuple[str, str]]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def push(
    client: DoccanoClient,
    docs_path: Path,
    *,
    project: str,
    annotations_path: Path | None = None,
    collaborative: bool = False,
    offset_mode: str = "auto",
    schema: Schema | None = None,
    guidelines_path: Path | None = None,
    chunk_size: int = 500,
    progress: Callable[[Iterable[Any], str, int], Iterable[Any]] | None = None,
) -> PushResult:
    """Create/extend the project and upload the documents not yet in it (with pre-annotations)."""
    schema = schema or load_schema()
    if offset_mode not in OFFSET_MODES:
        project_offset_mode({}, offset_mode)  # raises E017
    client.check_worker()
    documents: dict[str, Document] = {}
    for document in read_documents(docs_path):
        documents.setdefault(document.id, document)
    pre = load_pre_annotations(annotations_path, documents) if annotations_path else {}
    wanted_mode = "utf16" if offset_mode == "auto" else offset_mode
    info, created, span_types, relation_types = ensure_project(
        client,
        project,
        schema=schema,
        collaborative=collaborative,
        offset_mode=wanted_mode,
        guideline=guideline_text(guidelines_path),
    )
    mode = project_offset_mode(info, offset_mode)
    project_id = int(info["id"])
    collaborative_project = bool(info.get("collaborative_annotation"))
    result = PushResult(
        project=project,
        project_id=project_id,
        created=created,
        offset_mode=mode,
        collaborative=collaborative_project,
        documents=len(documents),
        span_types_created=span_types,
        relation_types_created=relation_types,
    )
    there = existing_examples(client, project_id)
    label_ids = {str(t["text"]): int(t["id"]) for t in client.span_types(project_id)} if pre else {}
    role_ids = {str(t["text"]): int(t["id"]) for t in client.relation_types(project_id)} if pre else {}
    lines: list[tuple[str, str]] = []
    for doc_id, document in documents.items():
        if doc_id in there:
            result.skipped += 1
            example = there[doc_id]
            meta: dict[str, Any] = example.get("meta") or {}
            ours = collaborative_project or meta.get(PUSHED_BY) == client.username
            if doc_id not in pre or not ours or example.get("text") != document.text:
                result.pre_annotations_skipped += int(doc_id in pre)
                continue
            wanted = record_to_doccano(Record(document, pre[doc_id].annotations), offset_mode=mode)
            sent = complete_pre_annotations(client, project_id, example, wanted, label_ids, role_ids)
            if sent is None:
                result.left_alone.append(doc_id)
                result.pre_annotations_skipped += 1
            elif any(sent):
                result.completed += 1
                result.spans_restored += sent[0]
                result.relations_restored += sent[1]
            continue
        record = pre.get(doc_id)
        if record is not None:
            record = Record(document, record.annotations)
            result.pre_annotated += 1
        else:
            record = Record(document, AnnotationSet(doc_id, UNANNOTATED))
        lines.append((doc_id, doccano_line(record, mode, client.username)))
    if result.pre_annotated and not collaborative_project:
        result.pre_annotation_owner = client.username
    rejected: list[tuple[str, ImportError_]] = []
    chunks = list(_chunks(lines, max(1, chunk_size)))
    stepper = progress(chunks, "uploading to doccano", len(chunks)) if progress else chunks
    for number, chunk in enumerate(stepper, start=1):
        body = "".join(line + "\n" for _, line in chunk).encode("ascii")
        name = f"eventcorpus-{number:04d}.jsonl"
        for error in client.upload_jsonl(project_id, body, name):
            doc_id = chunk[error.line - 1][0] if 0 < error.line <= len(chunk) else "?"
            rejected.append((doc_id, error))
        result.uploaded += len(chunk)
    if rejected:
        listing = "; ".join(f"document {doc_id} ({e.filename} line {e.line}): {e.message}" for doc_id, e in rejected)
        raise EventCorpusError(
            "E204",
            f"{len(rejected)} of {result.uploaded} lines rejected: {listing}",
            file=str(docs_path),
        )
    return result


# --- pull --------------------------------------------------------------------------------


def _export_members(
    archive: bytes, collaborative: bool, limits: ZipLimits | None = None, notes: list[str] | None = None
) -> dict[str, list[tuple[int, dict[str, Any]]]]:
    """``{annotator: [(line number, object)]}`` from a doccano JSONL export zip.

    A collaborative project exports one ``all.jsonl``; the others one ``<username>.jsonl`` per member.
    Members are streamed within ``limits`` (E032); a line that is not a UTF-8 JSON object with an
    ``id`` is E213. Members sharing a stem get distinct annotator names, said in ``notes``.
    """
    limits = limits or ZipLimits()
    out: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    with open_zip(archive, "doccano export") as handle:
        members = jsonl_members(handle)
        if notes is not None:
            notes.extend(members.notes)
        for member, user in members.names:
            name = f"doccano export {member}"
            rows: list[tuple[int, dict[str, Any]]] = []
            try:
                for number, line in member_lines(handle, member, name=name, limits=limits):
                    if line.strip():
                        rows.append((number, _export_line(line, name, number)))
            except EventCorpusError as exc:
                if exc.code != "E014":
                    raise
                raise EventCorpusError(
                    "E213", f"bytes that are not UTF-8: {exc.detail}", file=name, line=exc.line
                ) from exc
            out[COLLABORATIVE_ANNOTATOR if collaborative and user == "all" else user] = rows
    return out


def _export_line(line: str, name: str, number: int) -> dict[str, Any]:
    """One exported example: a JSON object with an integer ``id``; E213 otherwise."""
    try:
        obj = decode_json_line(line, name, number)
    except EventCorpusError as exc:  # E005 from the one JSON line decoder, as an export error
        raise EventCorpusError("E213", exc.detail, file=name, line=number) from exc
    if not isinstance(obj, dict):
        raise EventCorpusError("E213", f"a {type(obj).__name__}, not an object", file=name, line=number)
    if isinstance(obj.get("id"), bool) or not isinstance(obj.get("id"), int):
        raise EventCorpusError(
            "E213", f"example id {obj.get('id')!r}", file=name, line=number, expected="an integer id"
        )
    return obj


def _check_example(obj: dict[str, Any], where: dict[str, Any]) -> str:
    """The document id of an exported example; E211 without one, E209 when its text was edited."""
    doc_id, stored = obj.get("doc_id"), obj.get("text_sha256")
    if not isinstance(doc_id, str) or not isinstance(stored, str):
        raise EventCorpusError("E211", f"example {obj.get('id')} has no doc_id/text_sha256 in its meta", **where)
    actual = text_sha256(str(obj.get("text", "")))
    if actual != stored:
        raise EventCorpusError(
            "E209",
            f"doccano example {obj.get('id')} holds a text (sha256 {actual[:12]}...) that differs from the "
            f"pushed one ({stored[:12]}...); its offsets no longer point into the document",
            doc_id=doc_id,
            **where,
        )
    return doc_id


def new_pull_folder(out_dir: Path) -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    folder = out_dir / f"pull-{stamp}"
    suffix = 1
    while folder.exists():
        suffix += 1
        folder = out_dir / f"pull-{stamp}-{suffix}"
    return folder


def point_latest(out_dir: Path, folder: Path) -> None:
    """Make ``out_dir/latest`` a relative symbolic link to ``folder``, replaced atomically, so
    ``latest/alice.jsonl`` works; where links cannot be made, ``latest`` is a file naming the folder."""
    link = out_dir / "latest"
    staging = out_dir / f".latest-{os.getpid()}"
    try:
        staging.unlink(missing_ok=True)
        os.symlink(folder.name, staging, target_is_directory=True)
        os.replace(staging, link)
    except OSError:
        staging.unlink(missing_ok=True)
        with atomic_open(link) as handle:
            handle.write(folder.name + "\n")


def pull(
    client: DoccanoClient,
    *,
    project: str,
    out_dir: Path,
    offset_mode: str = "auto",
    schema: Schema | None = None,
    limits: ZipLimits | None = None,
) -> PullResult:
    """Export the project, convert each annotator's work to canonical records in a new versioned folder."""
    schema = schema or load_schema()
    client.check_worker()
    info = client.project(project)
    mode = project_offset_mode(info, offset_mode)
    project_id = int(info["id"])
    archive = client.export_zip(project_id)
    collaborative = bool(info.get("collaborative_annotation"))
    notes: list[str] = []
    limits = limits or ZipLimits()
    exported = _export_members(archive, collaborative, replace(limits, inflated=0), notes)
    confirmed_zip = client.export_zip(project_id, confirmed_only=True)
    confirmed = _export_members(confirmed_zip, collaborative, replace(limits, inflated=0))
    done_ids = {user: {int(obj["id"]) for _, obj in rows} for user, rows in confirmed.items()}

    per_annotator: dict[str, list[Record]] = {}
    summaries: list[AnnotatorSummary] = []
    for user, rows in exported.items():
        summary = AnnotatorSummary(user)
        records: list[Record] = []
        for number, obj in rows:
            where: dict[str, Any] = {"file": f"doccano export {user}.jsonl", "line": number}
            doc_id = _check_example(obj, where)
            done = int(obj.get("id", -1)) in done_ids.get(user, set())
            if not obj.get("entities") and not done:
                continue  # this annotator has not touched the document
            if not collaborative and obj.get(PUSHED_BY) not in (None, user):
                # the notes describe the uploader's pre-annotations, not this annotator's spans
                obj = {key: value for key, value in obj.items() if key != NOTES}
            record = doccano_to_record(
                obj, offset_mode=mode, annotator=user, file=where["file"], line=number, schema=schema
            )
            if record.id != doc_id:
                raise EventCorpusError("E211", f"meta doc_id {doc_id} but the record says {record.id}", **where)
            records.append(record)
            summary.documents += 1
            summary.done += int(done)
            summary.entities += len(record.annotations.entities)
            summary.events += len(record.annotations.events)
            summary.arguments += sum(len(e.arguments) for e in record.annotations.events)
        per_annotator[user] = records
        summaries.append(summary)

    out_dir.mkdir(parents=True, exist_ok=True)
    folder = new_pull_folder(out_dir)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=out_dir))
    try:
        for user, records in per_annotator.items():
            write_records(inside(staging, user, suffix=".jsonl", what="annotator"), records)
        (staging / "doccano-export.zip").write_bytes(archive)  # the raw export, kept as it came
        write_json(
            staging / "pull.json",
            {
                "project": project,
                "project_id": project_id,
                "url": client.url,
                "offset_mode": mode,
                "pulled_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "annotators": [
                    {**vars(s), "spans": s.spans, "file": inside(staging, s.annotator, suffix=".jsonl").name}
                    for s in summaries
                ],
                "notes": notes,
            },
        )
        os.replace(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    point_latest(out_dir, folder)
    return PullResult(project=project, offset_mode=mode, folder=folder, annotators=summaries, notes=notes)
