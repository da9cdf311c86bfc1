"""Load and check ``annotation_guidelines/schema.yaml``; derive labels for every consumer."""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from eventcorpus.errors import EventCorpusError

if TYPE_CHECKING:
    from eventcorpus.records import Record

SCHEMA_ENV = "EVENTCORPUS_SCHEMA"
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class EntityType:
    name: str
    description: str
    color: str
    key: str


@dataclass(frozen=True)
class Role:
    name: str
    fillers: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class EventType:
    name: str
    definition: str
    source: str
    color: str
    key: str
    roles: dict[str, Role]
    acled: dict[str, str]


@dataclass(frozen=True)
class Attribute:
    name: str
    description: str
    values: tuple[str, ...]
    default: str


@dataclass(frozen=True)
class Schema:
    version: str
    name: str
    entity_types: dict[str, EntityType]
    event_types: dict[str, EventType]
    attributes: dict[str, Attribute]
    mappings: dict[str, dict[str, dict[str, str | None]]]
    path: str = field(default="", compare=False)

    @property
    def entity_labels(self) -> list[str]:
        return list(self.entity_types)

    @property
    def event_labels(self) -> list[str]:
        return list(self.event_types)

    @property
    def role_labels(self) -> list[str]:
        """Every role name used by any event type, in first-seen order."""
        seen: dict[str, None] = {}
        for event_type in self.event_types.values():
            for role in event_type.roles:
                seen.setdefault(role, None)
        return list(seen)

    def allowed_fillers(self, event_type: str, role: str) -> tuple[str, ...] | None:
        """Entity types allowed in ``role`` of ``event_type``; None if the role is not allowed."""
        spec = self.event_types.get(event_type)
        if spec is None or role not in spec.roles:
            return None
        return spec.roles[role].fillers

    def map_label(
        self, inventory: str, kind: str, label: str, *, file: str | None = None, keep_unmapped: bool = False
    ) -> str | None:
        """Map ``label`` of ``kind`` (entity_types, event_types, roles) from another inventory.

        Returns the schema label, or None when the schema drops that label on purpose.
        Raises E003 for a label the mapping does not list, unless ``keep_unmapped``: then the
        label comes back as it is (``validate`` reports it as outside the schema).
        """
        table = self.mappings.get(inventory, {}).get(kind)
        if keep_unmapped and inventory in self.mappings and (table is None or label not in table):
            return label
        if table is None:
            raise EventCorpusError(
                "E003",
                f"the schema has no {kind} mapping for inventory {inventory!r}",
                file=file or self.path,
                expected=f"one of {sorted(self.mappings)}",
            )
        if label not in table:
            raise EventCorpusError(
                "E003",
                f"{inventory} {kind} label {label!r} is not mapped",
                file=file,
                expected=f"one of {sorted(table)}",
            )
        return table[label]


def default_schema_path() -> Path:
    """The schema shipped with the package, else the repository's copy, else $EVENTCORPUS_SCHEMA."""
    env = os.environ.get(SCHEMA_ENV)
    if env:
        return Path(env)
    repo_copy = Path(__file__).resolve().parents[2] / "annotation_guidelines" / "schema.yaml"
    if repo_copy.is_file():
        return repo_copy
    packaged = resources.files("eventcorpus") / "schema.yaml"
    return Path(str(packaged))


def _fail(path: str, detail: str) -> EventCorpusError:
    return EventCorpusError("E002", detail, file=path)


def _require(mapping: Any, key: str, where: str, path: str) -> Any:
    if not isinstance(mapping, dict) or key not in mapping:
        raise _fail(path, f"{where} has no {key!r}")
    return mapping[key]


def parse_schema(raw: dict[str, Any], path: str = "<schema>") -> Schema:
    """Build a :class:`Schema` from parsed YAML and check that it is consistent."""
    entity_types: dict[str, EntityType] = {}
    for name, spec in (_require(raw, "entity_types", "schema", path) or {}).items():
        entity_types[name] = EntityType(
            name=name,
            description=str(_require(spec, "description", f"entity type {name}", path)),
            color=str(_require(spec, "color", f"entity type {name}", path)),
            key=str(_require(spec, "key", f"entity type {name}", path)),
        )
    event_types: dict[str, EventType] = {}
    for name, spec in (_require(raw, "event_types", "schema", path) or {}).items():
        roles = {}
        for role_name, role in (_require(spec, "roles", f"event type {name}", path) or {}).items():
            fillers = tuple(_require(role, "fillers", f"role {name}/{role_name}", path))
            for filler in fillers:
                if filler not in entity_types:
                    raise _fail(path, f"role {name}/{role_name} allows unknown entity type {filler!r}")
            roles[role_name] = Role(role_name, fillers, str(role.get("description", "")))
        event_types[name] = EventType(
            name=name,
            definition=str(_require(spec, "definition", f"event type {name}", path)),
            source=str(spec.get("source", "")),
            color=str(_require(spec, "color", f"event type {name}", path)),
            key=str(_require(spec, "key", f"event type {name}", path)),
            roles=roles,
            acled=dict(_require(spec, "acled", f"event type {name}", path)),
        )
    attributes = {
        name: Attribute(name, str(spec.get("description", "")), tuple(spec["values"]), str(spec["default"]))
        for name, spec in (raw.get("attributes") or {}).items()
    }
    for attribute in attributes.values():
        if attribute.default not in attribute.values:
            raise _fail(path, f"attribute {attribute.name} default {attribute.default!r} is not one of its values")
    clash = set(entity_types) & set(event_types)
    if clash:
        raise _fail(path, f"labels used both as entity and event type: {sorted(clash)}")
    keys: dict[str, str] = {}
    labelled: list[tuple[str, EntityType | EventType]] = [*entity_types.items(), *event_types.items()]
    for label, spec in labelled:
        if not _COLOUR.match(spec.color):
            raise _fail(path, f"{label} colour {spec.color!r} is not #rrggbb")
        if len(spec.key) != 1 or not spec.key.isalnum():
            raise _fail(path, f"{label} key {spec.key!r} is not one letter or digit")
        if spec.key in keys:
            raise _fail(path, f"{label} and {keys[spec.key]} share the shortcut key {spec.key!r}")
        keys[spec.key] = label
    for name, spec in event_types.items():
        if "event_type" not in spec.acled:
            raise _fail(path, f"event type {name} has no ACLED event_type mapping")
    role_names = {role for spec in event_types.values() for role in spec.roles}
    targets = {"entity_types": set(entity_types), "event_types": set(event_types), "roles": role_names}
    mappings: dict[str, dict[str, dict[str, str | None]]] = {}
    for inventory, tables in (raw.get("mappings") or {}).items():
        mappings[inventory] = {}
        for kind, table in tables.items():
            if kind not in targets:
                raise _fail(path, f"mapping {inventory} has an unknown table {kind!r}")
            for source_label, target in table.items():
                if target is not None and target not in targets[kind]:
                    raise _fail(path, f"mapping {inventory}/{kind} sends {source_label!r} to unknown {target!r}")
            mappings[inventory][kind] = dict(table)
    return Schema(
        version=str(_require(raw, "version", "schema", path)),
        name=str(raw.get("name", "")),
        entity_types=entity_types,
        event_types=event_types,
        attributes=attributes,
        mappings=mappings,
        path=path,
    )


def load_schema(path: str | Path | None = None) -> Schema:
    """Read and check a schema file (the default one when ``path`` is None)."""
    resolved = Path(path) if path is not None else default_schema_path()
    return _load_cached(str(resolved.resolve()))


@lru_cache(maxsize=8)
def _load_cached(path: str) -> Schema:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise EventCorpusError("E001", str(exc), file=path) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise EventCorpusError(
            "E001", f"not valid YAML: {exc}", file=path, line=(mark.line + 1) if mark else None
        ) from exc
    if not isinstance(raw, dict):
        raise EventCorpusError("E001", "the schema must be a YAML mapping", file=path)
    return parse_schema(raw, path)


GENERATED_BEGIN = (
    "<!-- BEGIN GENERATED FROM schema.yaml: do not edit by hand; run `eventcorpus schema --write-tables FILE` -->"
)
GENERATED_END = "<!-- END GENERATED FROM schema.yaml -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_tables(schema: Schema) -> str:
    """The guideline tables (entity types, event types with roles and fillers, ACLED map)."""
    lines = [f"Schema {schema.name} version {schema.version}.", "", "### Entity types", ""]
    lines += ["| type | key | description |", "| --- | --- | --- |"]
    lines += [f"| {e.name} | {e.key} | {_cell(e.description)} |" for e in schema.entity_types.values()]
    lines += [
        "",
        "### Event types",
        "",
        "| type | key | source | definition | nearest ACLED type |",
        "| --- | --- | --- | --- | --- |",
    ]
    for t in schema.event_types.values():
        acled = t.acled["event_type"] + (f" / {t.acled['sub_event_type']}" if t.acled.get("sub_event_type") else "")
        lines.append(f"| {t.name} | {t.key} | {t.source} | {_cell(t.definition)} | {_cell(acled)} |")
    lines += [
        "",
        "### Roles and the entity types that may fill them",
        "",
        "| event type | role | fillers | description |",
        "| --- | --- | --- | --- |",
    ]
    for t in schema.event_types.values():
        for role in t.roles.values():
            lines.append(f"| {t.name} | {role.name} | {', '.join(role.fillers)} | {_cell(role.description)} |")
    lines += [
        "",
        "### Event attributes",
        "",
        "| attribute | values | default | description |",
        "| --- | --- | --- | --- |",
    ]
    for a in schema.attributes.values():
        lines.append(f"| {a.name} | {', '.join(a.values)} | {a.default} | {_cell(a.description)} |")
    return "\n".join(lines) + "\n"


def replace_generated_tables(document: str, schema: Schema) -> str:
    """Return ``document`` with the text between the generated markers rebuilt from ``schema``."""
    if GENERATED_BEGIN not in document or GENERATED_END not in document:
        raise EventCorpusError("E002", "the guidelines lack the generated-table markers", expected=GENERATED_BEGIN)
    head, rest = document.split(GENERATED_BEGIN, 1)
    _, tail = rest.split(GENERATED_END, 1)
    return f"{head}{GENERATED_BEGIN}\n{markdown_tables(schema)}{GENERATED_END}{tail}"


def count_outside(records: Iterable[Record], schema: Schema, counts: Counter[str]) -> Iterator[Record]:
    """Pass records through, counting entity labels, event types and roles the schema does not have."""
    from eventcorpus.records import ARGUMENT_SPAN_LABEL  # records imports nothing of the schema at run time

    for record in records:
        for entity in record.annotations.entities:
            if entity.label not in schema.entity_types and entity.label != ARGUMENT_SPAN_LABEL:
                counts[entity.label] += 1
        for event in record.annotations.events:
            spec = schema.event_types.get(event.type)
            if spec is None:
                counts[event.type] += 1
            for argument in event.arguments:
                if spec is not None and argument.role not in spec.roles:
                    counts[f"{event.type}/{argument.role}"] += 1
        yield record


def outside_message(counts: Counter[str]) -> str:
    """One line naming the labels outside the schema, most frequent first."""
    listed = ", ".join(f"{label} ({n})" for label, n in counts.most_common(10))
    more = " …" if len(counts) > 10 else ""
    return (
        f"{sum(counts.values())} labels outside the schema, kept as they are: {listed}{more} "
        "(`eventcorpus validate` lists where)"
    )
