"""The one catalogue of coded errors.

Every failure the toolkit reports is an :class:`EventCorpusError` carrying a code from
``CATALOGUE``. The message names where the problem is (file, line, document, offset),
what was expected, and how to fix it. The CLI prints it and exits with the code's
``exit_code``: 1 for problems in the data, 2 for usage or environment errors.

Code ranges: E0xx core (schema, records, files, ingest), E1xx formats and validation,
E2xx doccano, E3xx agreement and adjudication, E4xx splits, E5xx model and scoring,
E6xx publishing, E7xx corpus sources and build.
"""

from __future__ import annotations

from dataclasses import dataclass

DATA = 1
USAGE = 2


@dataclass(frozen=True)
class ErrorSpec:
    code: str
    title: str
    fix: str
    exit_code: int = DATA


def _specs(*specs: ErrorSpec) -> dict[str, ErrorSpec]:
    return {s.code: s for s in specs}


CATALOGUE: dict[str, ErrorSpec] = _specs(
    # --- core: schema, records, files (E0xx) ---
    ErrorSpec(
        "E001", "schema file cannot be read", "Check the path; the default is annotation_guidelines/schema.yaml.", USAGE
    ),
    ErrorSpec(
        "E002",
        "schema is inconsistent",
        "Edit schema.yaml so every reference names a declared type, role or key.",
        USAGE,
    ),
    ErrorSpec(
        "E003",
        "label not in the schema's mapping",
        "Add the label to the mapping table in schema.yaml (map it to null to drop it on purpose).",
    ),
    ErrorSpec("E004", "input path cannot be read", "Check that the path exists and is readable.", USAGE),
    ErrorSpec("E005", "malformed JSON line", "Fix the JSON on that line (one object per line, UTF-8)."),
    ErrorSpec(
        "E006",
        "record does not match the canonical format",
        "See schemas/record.schema.json for the fields a record needs.",
    ),
    ErrorSpec(
        "E007",
        "span offsets are invalid",
        "Offsets are code-point indices into the clean text, 0 <= start < end <= len(text).",
    ),
    ErrorSpec("E008", "duplicate id", "Give every entity and event in an annotation set its own id."),
    ErrorSpec("E009", "argument points at a missing entity", "Add the entity or remove the argument."),
    ErrorSpec(
        "E010",
        "text hash mismatch",
        "The document text changed since it was annotated; re-annotate or restore the original text.",
    ),
    ErrorSpec(
        "E011",
        "output already exists",
        "Choose another output path or pass --force (the old file is kept as a backup).",
        USAGE,
    ),
    ErrorSpec("E012", "empty input file", "Remove the file from the input or give it content."),
    ErrorSpec(
        "E013", "binary input file", "Only text (.txt), HTML (.html) and JSON Lines (.jsonl) articles can be ingested."
    ),
    ErrorSpec(
        "E014",
        "input is not UTF-8 and its encoding cannot be detected",
        "Convert the file to UTF-8 (e.g. iconv -f CP1252 -t UTF-8).",
    ),
    ErrorSpec("E015", "unsupported input file type", "Give .txt, .html/.htm or .jsonl files, or folders of them."),
    ErrorSpec(
        "E016",
        "some inputs failed; nothing was written",
        "Fix the inputs listed, or pass --skip-invalid to write the good ones and a report of the rest.",
    ),
    ErrorSpec("E017", "unknown option value", "Use one of the values listed.", USAGE),
    # --- formats and validation (E1xx) ---
    ErrorSpec(
        "E100",
        "input cannot be parsed in the stated format",
        "Check --from names the file's real format; fix the line named.",
    ),
    ErrorSpec(
        "E101",
        "span cannot be expressed in the target offset mode",
        "Use --offset-mode codepoint, or snap the span to grapheme boundaries.",
    ),
    ErrorSpec(
        "E102",
        "offset cannot be mapped back to a code point",
        "The offset falls inside a surrogate pair or grapheme, or past the text; check --offset-mode.",
    ),
    ErrorSpec(
        "E103",
        "relation does not go from an event trigger to an entity",
        "Draw each relation from a trigger span (event type label) to an argument span.",
    ),
    ErrorSpec(
        "E104",
        "discontinuous brat span",
        "Split the annotation into continuous spans; eventcorpus spans are continuous.",
    ),
    ErrorSpec(
        "E105",
        "span text does not match the text at its offsets",
        "The offsets or the .txt file changed; re-export both together.",
    ),
    ErrorSpec(
        "E106",
        "token does not align with the document text",
        "Keep the '# text = ' line and the token column of the same export together.",
    ),
    ErrorSpec("E107", "format has no writer", "Convert to one of the formats with a writer.", USAGE),
    # formats part B (oneie, m2e2, re3d) and the validator: E150-E199
    ErrorSpec("E150", "M2E2 file is malformed", "Give the M2E2 JSON list of sentences (text_only_event.json)."),
    ErrorSpec("E151", "token span outside the sentence", "Token spans are 0 <= start < end <= number of tokens."),
    ErrorSpec(
        "E152",
        "sentences of one article are not together",
        "Keep each article's sentences next to each other, or read with unit='sentence'.",
    ),
    ErrorSpec("E153", "OneIE record is malformed", "Each line needs doc_id, wnd_id, tokens and mention lists."),
    ErrorSpec(
        "E154",
        "OneIE windows of one document disagree",
        "Keep the windows of a document together, in order, with the same document text.",
    ),
    ErrorSpec(
        "E155",
        "re3d folder lacks documents.json or entities.json",
        "Give the re3d root or one of its source folders.",
        USAGE,
    ),
    ErrorSpec(
        "E156",
        "re3d row is malformed",
        "Fix the row named: documents need _id and text; entities documentId, begin, end, type.",
    ),
    ErrorSpec("E157", "--fix would overwrite the input", "Write the fixed records to a new file.", USAGE),
    # --- doccano (E2xx) ---
    # --- agreement, adjudication, statistics (E3xx) ---
    # --- splits (E4xx) ---
    # --- model, prediction, scoring (E5xx) ---
    # --- publishing (E6xx) ---
    # --- corpus sources and build (E7xx) ---
)


class EventCorpusError(Exception):
    """An error with a catalogue code and the place it concerns."""

    def __init__(
        self,
        code: str,
        detail: str,
        *,
        file: str | None = None,
        line: int | None = None,
        doc_id: str | None = None,
        offset: int | None = None,
        expected: str | None = None,
        fix: str | None = None,
    ) -> None:
        if code not in CATALOGUE:
            raise KeyError(f"error code {code} is not in the catalogue")
        self.spec = CATALOGUE[code]
        self.code = code
        self.detail = detail
        self.file = file
        self.line = line
        self.doc_id = doc_id
        self.offset = offset
        self.expected = expected
        self.fix = fix or self.spec.fix
        super().__init__(self.render())

    @property
    def exit_code(self) -> int:
        return self.spec.exit_code

    @property
    def location(self) -> str:
        parts = []
        if self.file is not None:
            parts.append(f"{self.file}:{self.line}" if self.line is not None else str(self.file))
        if self.doc_id is not None:
            parts.append(f"document {self.doc_id}")
        if self.offset is not None:
            parts.append(f"offset {self.offset}")
        return ", ".join(parts)

    def render(self) -> str:
        where = f" [{self.location}]" if self.location else ""
        text = f"{self.code} {self.spec.title}{where}: {self.detail}"
        if self.expected:
            text += f" Expected: {self.expected}."
        return text + f" Fix: {self.fix}"

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "title": self.spec.title,
            "detail": self.detail,
            "file": self.file,
            "line": self.line,
            "doc_id": self.doc_id,
            "offset": self.offset,
            "expected": self.expected,
            "fix": self.fix,
        }
