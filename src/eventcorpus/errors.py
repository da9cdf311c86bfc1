"""The one catalogue of coded errors.

Every failure the toolkit reports is an :class:`EventCorpusError` carrying a code from
``CATALOGUE``. The message names where the problem is (file, line, document, offset),
what was expected, and how to fix it. The CLI prints it and exits with the code's
``exit_code``: 1 for problems in the data, 2 for usage or environment errors.

Code ranges: E0xx core (schema, records, files, ingest), E1xx formats and validation,
E2xx doccano, E3xx agreement, adjudication, statistics and scoring, E4xx splits, E5xx model,
E6xx publishing, E7xx corpus sources and build, E800-E829 sharded runs on Ray and WARC input (scale.py, warc.py).
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
    ErrorSpec(
        "E018",
        "boilerplate patterns file is invalid",
        "Follow the shape of eventcorpus/boilerplate.yaml: boilerplate: [{rule, pattern}], metadata: [{field, pattern}].",
        USAGE,
    ),
    ErrorSpec(
        "E019",
        "JSON Lines article record lacks text or has a field of the wrong type",
        'Each line needs a non-empty "text" string; title, url, published, source, licence, attribution '
        "and language must be strings when present.",
    ),
    ErrorSpec(
        "E020", "no articles found in the inputs", "Give .txt, .html/.htm or .jsonl files, or folders holding them."
    ),
    ErrorSpec(
        "E030", "output path cannot be written", "Give an output path whose folders are folders and writable.", USAGE
    ),
    # faults (issue 18): E031-E049
    ErrorSpec(
        "E031",
        "id or name cannot become a file name",
        "Rename the document or annotator: ids and names become file names inside the output folder only "
        "(separators, '..', control characters are escaped as %XX; an empty or over-long name is refused).",
    ),
    ErrorSpec(
        "E032",
        "zip member expands beyond the limit",
        "The archive may be a zip bomb; if it is genuine, raise the limit with --max-unzip-mb / --max-unzip-ratio.",
    ),
    ErrorSpec("E033", "zip archive cannot be read", "Give an intact .zip (re-download or re-export it)."),
    ErrorSpec(
        "E037",
        "the same document and annotator appear twice in one file",
        "Keep one record per (document id, annotator): remove or merge the duplicate line (the error names both lines).",
    ),
    ErrorSpec(
        "E036",
        "output would replace an input",
        "Give the output a path other than every input (the inputs are never overwritten).",
        USAGE,
    ),
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
    ErrorSpec("E108", "format has no reader", "Convert from one of the formats with a reader.", USAGE),
    ErrorSpec("E109", "input and output are the same path", "Give --out a different path.", USAGE),
    # formats, issue 19 part A (E110-E129)
    ErrorSpec(
        "E110",
        "the format reads one file but a folder was given",
        "Give the .jsonl file (or the doccano export .zip) itself, not the folder holding it.",
        USAGE,
    ),
    ErrorSpec(
        "E111",
        "brat folder holds no .ann/.txt pairs",
        "Point --from brat at the folder holding <doc>.ann and <doc>.txt files (sub-folders are searched).",
    ),
    ErrorSpec(
        "E112",
        "TextEE line lacks a key TextEE's loaders read",
        "Each line needs doc_id, wnd_id, text, tokens, entity_mentions and event_mentions (see TextEE's README).",
    ),
    ErrorSpec(
        "E113",
        "unknown inventory",
        "Name one of the mapping tables under `mappings:` in schema.yaml, or add one.",
        USAGE,
    ),
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
    # the field's public event datasets (WikiEvents, RAMS, MAVEN, GENEVA, CASIE, MUC-4, ACE, ERE): E170-E199
    ErrorSpec(
        "E170",
        "WikiEvents record is malformed",
        "Each line needs doc_id, text, tokens, sentences, entity_mentions and event_mentions "
        "(the layout of data/wikievents in raspberryice/gen-arg).",
    ),
    ErrorSpec(
        "E171",
        "RAMS record is malformed",
        "Each line needs doc_key, sentences, ent_spans, evt_triggers and gold_evt_links (RAMS 1.0 .jsonlines).",
    ),
    ErrorSpec(
        "E172",
        "MAVEN record is malformed",
        "Each line needs id, title, content [{sentence, tokens}] and events (or candidates), as in MAVEN's DataFormat.md.",
    ),
    ErrorSpec(
        "E173",
        "MAVEN-Arg record is malformed",
        "Each line needs id, document, entities and events with character offsets, as in MAVEN-Arg's README.",
    ),
    ErrorSpec(
        "E174",
        "GENEVA record is malformed",
        "Each line needs doc_id, wnd_id, sentence, tokens, entity_mentions and event_mentions (GENEVA all_data.json).",
    ),
    ErrorSpec(
        "E175",
        "CASIE annotation is malformed",
        "Each file needs sourcefile, content (or its source .txt) and cyberevent.hopper[].events[] with nugget offsets.",
    ),
    ErrorSpec(
        "E176",
        "CASIE source text not found or different",
        "Keep data/annotation/*.json beside data/source/*.txt (or give files that carry 'content').",
    ),
    ErrorSpec(
        "E177",
        "MUC-4 template record is malformed",
        "Each record needs docid, doctext and templates (GTT) or extracts (GRIT) of role -> entities -> mentions.",
    ),
    ErrorSpec(
        "E178",
        "ACE 2005 APF file is malformed",
        "Give the .apf.xml of the LDC release unchanged (source_file/document, charseq START and END).",
    ),
    ErrorSpec(
        "E179",
        "LDC source text not found",
        "Keep each .apf.xml beside its .sgm (ACE) and each .rich_ere.xml where its source file can be found (ERE).",
        USAGE,
    ),
    ErrorSpec(
        "E180",
        "ERE annotation file is malformed",
        "Give the .rich_ere.xml of the LDC release unchanged (deft_ere, offset and length on every mention).",
    ),
    ErrorSpec(
        "E181",
        "tokens do not align with the dataset's text",
        "Keep the file's text and tokens together as the dataset ships them.",
    ),
    ErrorSpec(
        "E182",
        "span outside the document",
        "Offsets must fall inside the document (token indices within the tokens, characters within the text).",
    ),
    ErrorSpec(
        "E183",
        "no files of this dataset in the folder",
        "Give the dataset's file, or a folder holding its files (see docs/formats.md for each layout).",
        USAGE,
    ),
    # --- doccano (E2xx) ---
    ErrorSpec(
        "E200",
        "doccano server unreachable",
        "Start the server (python scripts/doccano_server.py) or check --url; retried with back-off before giving up.",
        USAGE,
    ),
    ErrorSpec(
        "E201",
        "doccano login failed",
        "Check EVENTCORPUS_DOCCANO_USER / EVENTCORPUS_DOCCANO_PASSWORD (or the prompted credentials).",
        USAGE,
    ),
    ErrorSpec(
        "E202",
        "doccano project missing",
        "Check --project, or create the project with `eventcorpus doccano push`.",
        USAGE,
    ),
    ErrorSpec(
        "E203",
        "no doccano task worker running",
        "Start the worker beside the web server: `doccano task` (scripts/doccano_server.py starts both).",
        USAGE,
    ),
    ErrorSpec(
        "E204",
        "doccano rejected lines of an import",
        "Fix the lines listed (the import kept the others); pushing again sends only what the project lacks.",
    ),
    ErrorSpec(
        "E205",
        "doccano server version not supported",
        "eventcorpus talks to doccano 1.8 (tested with 1.8.4); point --url at a doccano 1.8 server.",
        USAGE,
    ),
    ErrorSpec(
        "E206",
        "doccano request failed",
        "Read the server's answer above; check the project settings and the server log.",
        USAGE,
    ),
    ErrorSpec("E207", "doccano task failed", "Read the task error above and the worker's log (`doccano task`).", USAGE),
    ErrorSpec(
        "E208",
        "no doccano credentials",
        "Set EVENTCORPUS_DOCCANO_USER and EVENTCORPUS_DOCCANO_PASSWORD, or run in a terminal to be prompted.",
        USAGE,
    ),
    ErrorSpec(
        "E209",
        "document edited inside doccano",
        "doccano texts must stay as pushed: restore the text in doccano, or delete the example and push the document again.",
    ),
    ErrorSpec(
        "E210",
        "pre-annotations do not fit the documents pushed",
        "Give at most one annotation set per document, for documents in DOCS.",
    ),
    ErrorSpec(
        "E211",
        "doccano example cannot be mapped to a document",
        "Push documents with `eventcorpus doccano push` (it stores doc_id and text_sha256 in each example's meta).",
    ),
    ErrorSpec(
        "E213",
        "doccano export line is malformed",
        "Re-export the project; each line of a member must be one UTF-8 JSON object with an id.",
    ),
    ErrorSpec(
        "E212",
        "doccano server cannot be installed or started",
        "Read the log named above; doccano 1.8.4 needs Python 3.8-3.11 (pandas<2 has no wheels for 3.12).",
        USAGE,
    ),
    # --- agreement, adjudication, statistics (E3xx) ---
    ErrorSpec("E300", "no canonical files to read", "Give a folder holding canonical .jsonl files.", USAGE),
    ErrorSpec(
        "E301",
        "several annotators for one document in a file to score",
        "Score one annotator at a time: adjudicate into gold first, or filter the file by annotator.",
    ),
    ErrorSpec("E302", "unknown metric", "Use TI, TC, AI, AC, AI+, AC+ or entities.", USAGE),
    ErrorSpec(
        "E303",
        "one annotator labelled one document twice",
        "Keep one annotation set per document and annotator (remove the older file or record).",
    ),
    ErrorSpec(
        "E304",
        "records of one document have different texts",
        "Offsets are only comparable over the same text: re-export both files from the same documents.",
    ),
    ErrorSpec(
        "E305",
        "unknown adjudication strategy",
        "Use majority, union, prefer:NAME, or decisions with --decisions FILE.",
        USAGE,
    ),
    ErrorSpec(
        "E307",
        "preferred annotator never appears",
        "Name an annotator that occurs in the input (see eventcorpus agree DIR).",
        USAGE,
    ),
    ErrorSpec(
        "E308",
        "no document was labelled by two or more annotators",
        "Agreement needs documents annotated by at least two annotators; assign overlapping documents.",
    ),
    ErrorSpec(
        "E309",
        "adjudication output would land among the annotators' files",
        "Write --out, --conflicts and --review outside the annotators' folder (a .jsonl there is read as input).",
        USAGE,
    ),
    ErrorSpec(
        "E310",
        "decisions file line is malformed",
        'Write one JSON object per line: {"key", "decision": pass1|pass2|both|neither|edit, "reason"}, '
        "and `item` (a list) only with edit; see eventcorpus.decisions.",
    ),
    ErrorSpec(
        "E311",
        "conflicts without a decision",
        "Add one line per listed key to the decisions file, each with a decision and a one-line reason.",
    ),
    ErrorSpec(
        "E312",
        "decision matches no conflict",
        "Remove the line, or fix its key: list the conflicts with `eventcorpus adjudicate DIR --strategy majority "
        "--conflicts FILE` (keys change when the passes change).",
    ),
    ErrorSpec("E313", "conflict decided twice", "Keep one decision per key (remove the other line)."),
    ErrorSpec(
        "E314",
        "edited item lies outside the text",
        "Give code-point offsets with 0 <= start < end <= text length (copy them from the conflict's versions).",
    ),
    ErrorSpec(
        "E315",
        "argument filler decided away",
        "Decide the filler's entity conflict so an entity stays on that span, or decide the argument away.",
    ),
    ErrorSpec(
        "E316",
        "decision does not fit the conflict",
        "Name an annotator of the conflict, both, neither or edit; an attribute takes one value (no both).",
    ),
    ErrorSpec(
        "E330",
        "revision edit is malformed",
        "Each line of the revision file is a JSON object with doc_id, op (one of the listed operations), the op's "
        "fields and a non-empty reason; see docs/revisions.md.",
    ),
    ErrorSpec(
        "E331",
        "revision edit quotes text that is not at its offsets",
        "Each edit repeats the text of the spans it names (trigger_text, filler_text, text); correct the offsets "
        "or the quote so that text[start:end] equals it.",
    ),
    ErrorSpec(
        "E332",
        "revision edit names an item the annotation set does not hold",
        "The event (trigger span and type), argument or entity must exist in the set being revised: check that "
        "the edit was written against this adjudicated gold, or remove the edit.",
    ),
    ErrorSpec(
        "E333",
        "revision edit would leave the set inconsistent",
        "An entity that an argument still points at cannot be removed, and an item cannot be added twice: "
        "remove the argument first, or drop the duplicate edit.",
    ),
    ErrorSpec(
        "E334",
        "revision output would replace one of its inputs",
        "Give --out a new file: the set being revised and the revision file are both kept as they are.",
        USAGE,
    ),
    # --- splits (E4xx) ---
    ErrorSpec(
        "E401",
        "document appears twice in the split input",
        "Remove the duplicate record, or merge the two with `eventcorpus ingest`.",
    ),
    ErrorSpec("E402", "date is not ISO 8601", "Write published dates as YYYY-MM-DD or YYYY-MM-DDTHH:MM."),
    ErrorSpec("E403", "documents without a published date cannot be split by time", "Add the dates, or use --by hash."),
    ErrorSpec(
        "E404", "split list missing", "Give a folder with train.txt, dev.txt and test.txt (one id per line).", USAGE
    ),
    ErrorSpec("E405", "id listed in two splits", "Keep each id in exactly one list."),
    ErrorSpec("E406", "not a split manifest", "Give a manifest written by `eventcorpus split`.", USAGE),
    ErrorSpec("E407", "split manifest checksum mismatch", "Re-create the manifest with `eventcorpus split`."),
    ErrorSpec(
        "E408",
        "documents not covered by the split lists",
        "Add their ids to one of the lists, or pass --allow-unassigned to leave them out.",
    ),
    ErrorSpec(
        "E409", "split proportions out of range", "Give --dev and --test between 0 and 1 with a sum below 1.", USAGE
    ),
    ErrorSpec("E410", "nothing to split", "Give a file with at least one document."),
    # --- model, prediction, scoring (E5xx) ---
    ErrorSpec("E500", "nothing to train on", "Give canonical records with gold entities and events (train and dev)."),
    ErrorSpec(
        "E501",
        "not a usable model folder",
        "Give the folder written by `eventcorpus train`, or retrain the model.",
        USAGE,
    ),
    ErrorSpec("E502", "model config is invalid", "Fix the config; see models/README.md for its keys.", USAGE),
    ErrorSpec(
        "E503",
        "the encoder cannot be loaded",
        "Install the optional extra (torch, transformers) and give a local or cached model.",
        USAGE,
    ),
    ErrorSpec(
        "E504",
        "unsupported prediction input",
        "Give canonical .jsonl records, a .txt file, or a folder of .txt files.",
        USAGE,
    ),
    # --- publishing (E6xx) ---
    ErrorSpec(
        "E600",
        "documents missing from the split manifest",
        "Re-run `eventcorpus split IN --out MANIFEST` (it keeps existing assignments), or pass --allow-unassigned.",
    ),
    ErrorSpec("E601", "split name cannot name a file", "Use split names of letters, digits and _.", USAGE),
    ErrorSpec(
        "E602",
        "format cannot be exported",
        "Use one of canonical, doccano, oneie, m2e2, spacy, conll, brat, hf.",
        USAGE,
    ),
    ErrorSpec(
        "E603",
        "nothing left to publish",
        "Every document was left out by the licence gate or the manifest; check the licences.",
    ),
    ErrorSpec("E604", "dataset card fails the Hub's metadata rules", "Fix the card metadata named in the message."),
    ErrorSpec(
        "E605",
        "agreement input cannot be read",
        "Give the folder `eventcorpus agree` reads, or its --json output.",
        USAGE,
    ),
    ErrorSpec(
        "E606", "invalid repository id", "Give the dataset repository as ORG/NAME (letters, digits, -, _, .).", USAGE
    ),
    ErrorSpec("E607", "--dry-run needs --out", "Give --out DIR for the dataset folder of a dry run.", USAGE),
    ErrorSpec(
        "E608",
        "corpus README lacks a section the dataset card needs",
        "Add '## How the annotations were made' and '## Known weaknesses' to the README (see corpus/README.md).",
        USAGE,
    ),
    ErrorSpec(
        "E609",
        "dataset card disagrees with the corpus's declared provenance",
        "Fix corpus/annotations/passes.yaml if it is wrong; never edit the card by hand: it is derived from it.",
    ),
    ErrorSpec(
        "E620", "no Hugging Face token", "Set HF_TOKEN, or run `hf auth login`; or use --dry-run --out DIR.", USAGE
    ),
    ErrorSpec(
        "E621",
        "Hugging Face Hub is offline or unreachable",
        "Check the network and HF_ENDPOINT, unset HF_HUB_OFFLINE, or use --dry-run.",
        USAGE,
    ),
    ErrorSpec(
        "E622",
        "the Hub refused the push",
        "Check the token's write access to the repository and the repository id.",
        USAGE,
    ),
    # --- corpus sources and build (E7xx) ---
    ErrorSpec(
        "E700", "sources manifest is malformed", "Fix corpus/sources.yaml: each file needs path and sha256.", USAGE
    ),
    ErrorSpec(
        "E701",
        "source file hash mismatch",
        "The file differs from the pinned one: delete it and fetch again, or check the mirror is an unchanged copy.",
    ),
    ErrorSpec(
        "E702",
        "source file cannot be downloaded",
        "Check the network, or pass --mirror DIR with a local copy laid out like ../shared/datasets.",
        USAGE,
    ),
    ErrorSpec(
        "E703", "source file missing", "Check --mirror (laid out as <part>/<folder>/<file>) or the repository.", USAGE
    ),
    ErrorSpec("E704", "corpus document not found", "Run `eventcorpus corpus fetch` and check the document key.", USAGE),
    ErrorSpec(
        "E705",
        "authoring file already exists",
        "An annotator's file is never overwritten: edit it, or move it away first.",
        USAGE,
    ),
    ErrorSpec("E710", "authoring file is malformed", "See the authoring form in corpus/README.md."),
    ErrorSpec("E711", "span text not found", "Quote the text exactly as it is in the document (case, spaces)."),
    ErrorSpec("E712", "span text is ambiguous", "Add `occurrence: N` or a `context:` quote that occurs once."),
    ErrorSpec(
        "E713",
        "span context does not identify the span",
        "Give a context quote that occurs once and contains the text.",
    ),
    ErrorSpec("E714", "span offsets do not match the text", "Fix start/end or the quoted text (code-point offsets)."),
    ErrorSpec(
        "E715", "label not in the schema", "Use an entity type or event type of annotation_guidelines/schema.yaml."
    ),
    ErrorSpec("E716", "role not allowed", "Use a role the schema allows for this event type."),
    ErrorSpec("E717", "filler type not allowed", "Point the role at an entity of a type the schema allows for it."),
    ErrorSpec(
        "E718",
        "attribute not in the schema",
        "Use polarity: positive|negative, modality: asserted|other and genericity: specific|generic.",
    ),
    ErrorSpec(
        "E719",
        "stand-off annotation has no document",
        "Fetch the sources (`eventcorpus corpus fetch`) so every annotated document is present.",
    ),
    ErrorSpec(
        "E720",
        "passes.yaml is malformed",
        "Declare each pass under `passes:` with made_by, creator (a Hub annotations_creators value), "
        "reviewed_by_person (true/false), independent_of, guidelines_version and date.",
    ),
    ErrorSpec(
        "E721",
        "annotation passes and passes.yaml disagree",
        "Give every stand-off pass file in corpus/annotations/ one entry in passes.yaml (`file:`), and no more.",
    ),
    ErrorSpec(
        "E750", "no stand-off annotation files", "Compile the authoring files with `eventcorpus corpus compile`."
    ),
    ErrorSpec(
        "E751", "the gold has validation errors", "Run `eventcorpus validate` on the gold file and fix the passes."
    ),
    # --- sharded runs on Ray, WARC input (E800-E829) ---
    ErrorSpec(
        "E800",
        "optional dependency missing",
        "Install the scale extra: pip install 'eventcorpus[scale]' (Ray Data, warcio, datasketch).",
        USAGE,
    ),
    ErrorSpec("E801", "WARC file cannot be read", "Check that the file is a complete WARC (.warc or .warc.gz) file."),
    ErrorSpec(
        "E802", "unknown engine or option", "Use --engine local or --engine ray (--address needs --engine ray).", USAGE
    ),
    ErrorSpec(
        "E803",
        "cannot join the Ray cluster",
        "Check --address (HOST:PORT of the head node, as `ray start --head` printed it) and that the cluster runs.",
        USAGE,
    ),
    ErrorSpec("E804", "no input shards", "Give files, folders or quoted glob patterns that match input files.", USAGE),
    ErrorSpec(
        "E805",
        "a shard failed on every try",
        "Read the worker's error in the detail; fix the input or the cluster, then re-run (finished shards are kept).",
    ),
    ErrorSpec(
        "E806",
        "output folder holds another kind of run",
        "Give a fresh --out folder: this one holds the shards of another step or another model.",
        USAGE,
    ),
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
