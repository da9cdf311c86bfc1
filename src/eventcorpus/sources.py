"""The corpus sources: the pinned manifest, fetching with hash checks, and the documents in them.

``corpus/sources.yaml`` names every source file with its origin (pinned to a commit), its
licence and its SHA-256. :func:`fetch_sources` materialises the remote files under a
destination folder (``build/sources/`` by default), from their origin over HTTPS or from a
local mirror laid out like ``../shared/datasets`` (``<path>`` as in the manifest), and checks
every hash. :func:`corpus_documents` lists the documents the project annotates: every re3d
document (a re3d folder is one newline-delimited ``documents.json``), the CEMO report, and the
M2E2 articles that ``corpus/m2e2_articles.yaml`` selects (Voice of America news as M2E2's file
holds it; M2E2's own annotation of them is never read here).
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml

from eventcorpus.corpus import atomic_open
from eventcorpus.errors import EventCorpusError
from eventcorpus.ingest import Defaults, load_patterns, read_txt
from eventcorpus.schema import load_schema

REPO_ROOT = Path(__file__).resolve().parents[2]
SOURCES_PATH = REPO_ROOT / "corpus" / "sources.yaml"
DEFAULT_DEST = Path("build") / "sources"
CEMO_KEY = "cemo"
CEMO_PATH = Path("corpus") / "raw" / "cemo_2022-01-06_bases-attacked.txt"
M2E2_SELECTION_PATH = REPO_ROOT / "corpus" / "m2e2_articles.yaml"
M2E2_FILE = Path("m2e2") / "text_only_event.json"
# Wire services whose copy Voice of America carries; their text is not public domain.
WIRE_SERVICES = {
    "Associated Press": r"Associated Press|\bAP\b",
    "Reuters": r"\bReuters\b",
    "Agence France-Presse": r"Agence France[- ]Presse|\bAFP\b",
    "Deutsche Presse-Agentur": r"Deutsche Presse-Agentur|\bdpa\b",
    "Xinhua": r"\bXinhua\b",
}
RE3D_FOLDERS = (
    "CENTCOM",
    "US State Department",
    "UK Government",
    "Australian Department of Foreign Affairs",
    "Wikipedia",
    "BBC Online",
    "Delegation of the European Union to Syria",
)
_CHUNK = 1 << 16


@dataclass(frozen=True)
class SourceFile:
    path: str  # relative to the destination (remote) or to the repository (local)
    sha256: str
    url: str | None = None
    member: str | None = None  # the file inside a zip archive at ``url``
    size: int | None = None


@dataclass(frozen=True)
class Source:
    name: str
    kind: str  # "remote" (fetched) or "local" (committed in the repository)
    part: str
    origin: str
    licence: str
    licence_text: str
    attribution: str
    files: tuple[SourceFile, ...]
    commit: str | None = None


@dataclass
class FetchReport:
    dest: str
    fetched: list[str] = field(default_factory=list)  # copied or downloaded now
    present: list[str] = field(default_factory=list)  # already there with the right hash
    local: list[str] = field(default_factory=list)  # committed files, checked in place

    @property
    def up_to_date(self) -> bool:
        return not self.fetched


def load_sources(path: str | Path | None = None) -> list[Source]:
    """Read and check the sources manifest (E700 on any missing field)."""
    manifest = Path(path) if path is not None else SOURCES_PATH
    try:
        raw = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise EventCorpusError("E700", f"cannot read the manifest: {exc}", file=str(manifest)) from exc
    except yaml.YAMLError as exc:
        raise EventCorpusError("E700", f"not valid YAML: {exc}", file=str(manifest)) from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("sources"), list):
        raise EventCorpusError("E700", "the manifest needs a `sources:` list", file=str(manifest))
    sources = []
    for index, item in enumerate(raw["sources"]):
        where = f"sources[{index}]"
        try:
            files = tuple(
                SourceFile(
                    path=str(f["path"]),
                    sha256=str(f["sha256"]).lower(),
                    url=f.get("url"),
                    member=f.get("member"),
                    size=f.get("size"),
                )
                for f in item["files"]
            )
            source = Source(
                name=str(item["name"]),
                kind=str(item["kind"]),
                part=str(item.get("part", "")),
                origin=str(item["origin"]),
                licence=str(item["licence"]),
                licence_text=str(item.get("licence_text", "")),
                attribution=str(item.get("attribution", "")),
                files=files,
                commit=item.get("commit"),
            )
        except (KeyError, TypeError) as exc:
            raise EventCorpusError(
                "E700",
                f"{where} lacks a field ({exc!r})",
                file=str(manifest),
                expected="name, kind, origin, licence, files",
            ) from exc
        if source.kind not in ("remote", "local"):
            raise EventCorpusError(
                "E700", f"{where} kind {source.kind!r}", file=str(manifest), expected="remote or local"
            )
        for f in files:
            if not re.fullmatch(r"[0-9a-f]{64}", f.sha256):
                raise EventCorpusError(
                    "E700", f"{where} file {f.path}: sha256 is not 64 hex digits", file=str(manifest)
                )
            if source.kind == "remote" and not f.url:
                raise EventCorpusError("E700", f"{where} file {f.path} has no url", file=str(manifest))
        sources.append(source)
    return sources


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def check_hash(path: Path, expected: str) -> None:
    """Raise E701 naming the file, the expected and the actual hash when they differ."""
    actual = sha256_file(path)
    if actual != expected:
        raise EventCorpusError(
            "E701",
            f"{path} has SHA-256 {actual}",
            file=str(path),
            expected=f"SHA-256 {expected}",
        )


def fetch_sources(
    dest: str | Path = DEFAULT_DEST,
    *,
    mirror: str | Path | None = None,
    sources: list[Source] | None = None,
    repo_root: str | Path = REPO_ROOT,
    timeout: float = 60.0,
) -> FetchReport:
    """Materialise every remote source file under ``dest`` and check every hash.

    A file already under ``dest`` with the right hash is left alone (re-running does
    nothing). A file with the wrong hash there is replaced. Files come from ``mirror``
    when given (``mirror/<path>``), else from their pinned origin over HTTPS.
    """
    dest_dir = Path(dest)
    report = FetchReport(dest=str(dest_dir))
    for source in sources if sources is not None else load_sources():
        for file in source.files:
            if source.kind == "local":
                local = Path(repo_root) / file.path
                if not local.is_file():
                    raise EventCorpusError("E703", f"local source {source.name} lacks {file.path}", file=str(local))
                check_hash(local, file.sha256)
                report.local.append(file.path)
                continue
            target = dest_dir / file.path
            if target.is_file() and sha256_file(target) == file.sha256:
                report.present.append(file.path)
                continue
            data = _read_mirror(Path(mirror), file) if mirror is not None else _download(file, timeout)
            actual = hashlib.sha256(data).hexdigest()
            origin = str(Path(mirror) / file.path) if mirror is not None else str(file.url)
            if actual != file.sha256:
                raise EventCorpusError(
                    "E701", f"{origin} has SHA-256 {actual}", file=origin, expected=f"SHA-256 {file.sha256}"
                )
            with atomic_open(target, "wb") as handle:
                handle.write(data)
            report.fetched.append(file.path)
    return report


def _read_mirror(mirror: Path, file: SourceFile) -> bytes:
    path = mirror / file.path
    try:
        return path.read_bytes()
    except OSError as exc:
        raise EventCorpusError("E703", f"the mirror has no {file.path} ({exc.strerror})", file=str(path)) from exc


def _download(file: SourceFile, timeout: float) -> bytes:
    url = str(file.url)
    try:
        with httpx.Client(timeout=httpx.Timeout(timeout, connect=15.0), follow_redirects=True) as client:
            response = client.get(url)
            response.raise_for_status()
            data = response.content
    except httpx.HTTPError as exc:
        raise EventCorpusError("E702", f"GET {url} failed: {exc!r}", file=file.path) from exc
    if file.member is None:
        return data
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = [n for n in archive.namelist() if n == file.member or n.endswith("/" + file.member)]
            if not names:
                raise EventCorpusError("E703", f"{url} holds no {file.member}", file=file.path)
            return archive.read(names[0])
    except zipfile.BadZipFile as exc:
        raise EventCorpusError("E702", f"{url} is not a zip archive ({exc})", file=file.path) from exc


# --- re3d documents -------------------------------------------------------------------------


@dataclass(frozen=True)
class Re3dEntity:
    """One of re3d's gold entities, its type already mapped through the schema."""

    begin: int
    end: int
    label: str
    value: str  # re3d's own value; differs from the text at begin:end on a few rows
    re3d_type: str = ""


@dataclass
class CorpusDocument:
    """One document of the project's corpus: its key, source id, text and origin."""

    key: str
    source: str  # "re3d/<folder>/<_id>" or "cemo"
    text: str
    title: str | None = None
    url: str | None = None
    licence: str = "unknown"
    attribution: str | None = None
    re3d_entities: list[Re3dEntity] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)


def folder_slug(folder: str) -> str:
    return re.sub(r"[^a-z0-9]", "-", folder.lower())


def re3d_key(folder: str, doc_id: str) -> str:
    """The authoring key of a re3d document: ``re3d-<folder-slug>-<_id>``."""
    return f"re3d-{folder_slug(folder)}-{doc_id}"


def read_re3d_folder(
    folder_dir: Path, *, licence: str = "unknown", attribution: str | None = None
) -> list[CorpusDocument]:
    """Documents of one re3d folder in file order, with re3d's gold entities mapped by the schema.

    Reading is :mod:`eventcorpus.formats.re3d`'s; what it drops on purpose (alternatives with
    confidence 0, types the schema maps to null) is listed in ``meta["re3d_dropped"]``.
    """
    from eventcorpus.formats import re3d as re3d_format

    if not (folder_dir / "documents.json").is_file():
        raise EventCorpusError(
            "E703",
            f"no documents.json in {folder_dir}",
            file=str(folder_dir / "documents.json"),
            fix="Run `eventcorpus corpus fetch` first, or give --dest the folder it fetched into.",
        )
    folder = folder_dir.name
    dropped: list[Any] = []
    records = list(re3d_format.read(folder_dir, schema=load_schema(), options={"dropped": dropped}))
    documents: list[CorpusDocument] = []
    for record in records:
        doc = record.document
        re3d_id = str(doc.meta["re3d_id"])
        entities = [
            Re3dEntity(
                e.start,
                e.end,
                e.label,
                str(e.meta.get("text", doc.text[e.start : e.end])),
                str(e.meta.get("re3d_id", "")).rsplit("-", 1)[-1],
            )
            for e in record.annotations.entities
        ]
        notes = [f"{d.reason} at {d.offset}" for d in dropped if d.doc_id == doc.id and d.kind != "alternative"]
        documents.append(
            CorpusDocument(
                key=re3d_key(folder, re3d_id),
                source=f"re3d/{folder}/{re3d_id}",
                text=doc.text,
                title=doc.title,
                url=doc.url,
                licence=licence,
                attribution=attribution,
                re3d_entities=entities,
                meta={"re3d_dropped": notes} if notes else {},
            )
        )
    return documents


def cemo_document(repo_root: str | Path = REPO_ROOT, source: Source | None = None) -> CorpusDocument:
    """The CEMO report, cleaned by ``eventcorpus.ingest`` (the clean text the offsets point into).

    Its licence and attribution come from ``source`` (the ``cemo`` entry of sources.yaml).
    """
    path = Path(repo_root) / CEMO_PATH
    if not path.is_file():
        raise EventCorpusError("E703", "cannot read the CEMO report (no such file)", file=str(path))
    ingested = read_txt(path, load_patterns(), Defaults())
    return CorpusDocument(
        key=CEMO_KEY,
        source=CEMO_KEY,
        text=ingested.text,
        title=ingested.title or "Military Bases Housing U.S. Forces Attacked in Syria and Iraq",
        licence=source.licence if source else "all-rights-reserved",
        attribution=source.attribution if source else ingested.attribution,
        meta={"cleaned_by_ingest": True, "published": ingested.published},
    )


def wire_credits(text: str) -> list[str]:
    """The wire services a text names (as a source, a credit or a photo line), in a fixed order."""
    return [name for name, pattern in WIRE_SERVICES.items() if re.search(pattern, text)]


def m2e2_key(article_id: str) -> str:
    """The authoring key of an M2E2 article: ``m2e2-<article id>``."""
    return f"m2e2-{article_id}"


def read_m2e2_selection(path: str | Path = M2E2_SELECTION_PATH) -> list[dict[str, Any]]:
    """The selected articles (``id``, ``rank``, ``second_pass``...) of corpus part 2 (E700 if malformed)."""
    file = Path(path)
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise EventCorpusError("E004", f"cannot read the M2E2 selection ({exc.strerror})", file=str(file)) from exc
    except yaml.YAMLError as exc:
        raise EventCorpusError("E700", f"the M2E2 selection is not YAML: {exc}", file=str(file)) from exc
    articles = data.get("articles") if isinstance(data, dict) else None
    if not isinstance(articles, list) or not all(
        isinstance(a, dict) and isinstance(a.get("id"), str) for a in articles
    ):
        raise EventCorpusError("E700", "the M2E2 selection has no list of articles with ids", file=str(file))
    return articles


def m2e2_documents(m2e2_file: str | Path, selection: list[dict[str, Any]]) -> list[CorpusDocument]:
    """The selected M2E2 articles as corpus documents, without M2E2's annotation.

    The text is M2E2's: each kept sentence's words joined by single spaces, one sentence per
    line (offsets equal the M2E2 reader's, whose sentences are joined by a space). An article
    whose text names a wire service gets the licence ``wire-copy`` and ``meta["wire_credits"]``;
    the others are Voice of America's own text, a US government work in the public domain.
    """
    from eventcorpus.formats import m2e2 as m2e2_format

    path = Path(m2e2_file)
    if not path.is_file():
        raise EventCorpusError(
            "E703",
            "cannot read M2E2's text_only_event.json",
            file=str(path),
            fix="Run `eventcorpus corpus fetch` first, or give --dest the folder it fetched into.",
        )
    wanted = {str(a["id"]): a for a in selection}
    documents: dict[str, CorpusDocument] = {}
    for record in m2e2_format.read(path, schema=load_schema(), options={"unit": "article"}):
        article = record.document.id
        if article not in wanted:
            continue
        text = list(record.document.text)
        for sentence in record.document.meta["sentences"][1:]:
            between = int(sentence["start"]) - 1
            if text[between] != " ":  # the reader joins sentences with one space; anything else moved offsets
                raise EventCorpusError(
                    "E150", f"sentences of {article} are not joined by one space", file=str(path), doc_id=article
                )
            text[between] = "\n"
        joined = "".join(text)
        credits = wire_credits(joined)
        documents[article] = CorpusDocument(
            key=m2e2_key(article),
            source=f"m2e2/{article}",
            text=joined,
            title=None,
            url=None,
            licence="wire-copy" if credits else "public-domain-us-gov",
            attribution="Voice of America (text as tokenised in M2E2: Li et al., ACL 2020)",
            meta={
                "article_id": article,
                **({"wire_credits": credits} if credits else {}),
            },
        )
    missing = sorted(set(wanted) - set(documents))
    if missing:
        raise EventCorpusError(
            "E704", f"{len(missing)} selected M2E2 articles are not in the file, e.g. {missing[0]}", file=str(path)
        )
    return [documents[str(a["id"])] for a in selection]


def corpus_documents(
    dest: str | Path = DEFAULT_DEST, *, repo_root: str | Path = REPO_ROOT
) -> dict[str, CorpusDocument]:
    """Every document of the corpus by key: the re3d folders under ``dest``, the CEMO report and
    the selected M2E2 articles."""
    licences = {s.name: s for s in load_sources(Path(repo_root) / "corpus" / "sources.yaml")}
    out: dict[str, CorpusDocument] = {}
    for folder in RE3D_FOLDERS:
        source = licences.get(f"re3d-{folder_slug(folder)}")
        for doc in read_re3d_folder(
            Path(dest) / "re3d" / folder,
            licence=source.licence if source else "unknown",
            attribution=source.attribution if source else None,
        ):
            out[doc.key] = doc
    cemo = cemo_document(repo_root, licences.get(CEMO_KEY))
    out[cemo.key] = cemo
    selection_path = Path(repo_root) / "corpus" / "m2e2_articles.yaml"
    if selection_path.is_file():
        for doc in m2e2_documents(Path(dest) / M2E2_FILE, read_m2e2_selection(selection_path)):
            out[doc.key] = doc
    return out
