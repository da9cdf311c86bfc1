"""Time conversion (canonical -> spacy, canonical -> hf) and validation against spaCy's tokenizer.

    .venv/bin/python scripts/bench_convert_validate.py [--docs 100000] [--repeat 1] [--seed 0] [--keep DIR]
    .venv/bin/python scripts/bench_convert_validate.py --docs 10000 --profile validate
    .venv/bin/python scripts/bench_convert_validate.py --docs 2000 --readers-only [--reader-docs 2000]

Builds a synthetic canonical corpus of ``--docs`` documents (about 2,000 characters, 20
entities and 5 events with arguments each; a fixed seed), then, in ONE run, times on the same
texts:

- ``tokenizer``: spaCy's tokenizer alone (the reference; only the tokenizer calls are timed);
- ``spacy``: canonical file -> spaCy DocBin shards (``get_format("spacy").write``);
- ``hf``: canonical file -> Hugging Face parquet DatasetDict (``get_format("hf").write``);
- ``validate``: :func:`eventcorpus.validate.validate` on the canonical file.

The conversions and the validation are timed end to end, reading the canonical file included.
Each stage runs in its own process at 10,000 documents and at ``--docs`` (when larger), so
the peak RSS of each stage is its own: flat memory means the two figures stay close. Prints
each stage's time, its ratio to the tokenizer time of the same size (floor: <= 2.0x) and its
peak RSS. ``--profile STAGE`` prints the top functions of one stage (cProfile) instead.

Then, in the same run (``--no-readers`` skips it, ``--readers-only`` does only this), the
readers of the field's public event datasets: the first ``--reader-docs`` documents (default
1,000, so the run stays quick) are written in each dataset's layout (by the project's writers
where the format has one, by a small generator here for GENEVA, CASIE, ACE 2005 and ERE),
then each file is read back to canonical records and timed as a ratio to spaCy's tokenizer
over the same texts, in the same process.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from eventcorpus.corpus import dumps
from eventcorpus.records import text_sha256
from eventcorpus.schema import load_schema

STAGES = ("tokenizer", "spacy", "hf", "validate")
READERS = ("wikievents", "rams", "maven", "maven-arg", "geneva", "casie", "muc4", "ace2005", "ere")
FLOOR = 2.0
SMALL = 10_000
COMMON_TEXT = (
    "the a of in on at to from with by and or but that which after before during near over under "
    "forces militia rockets drone base convoy village city province border airport checkpoint "
    "soldiers civilians officials spokesman ministry coalition fighters police protesters "
    "attacked struck fired shelled killed wounded arrested met said reported claimed denied "
    "Monday Tuesday Wednesday night morning week year 2021 2022 three five dozens several "
    "Iraq Syria Baghdad Erbil Damascus Aleppo Kobani Mosul Anbar Deir ez-Zor al-Tanf U.S. "
    "Iranian Kurdish Turkish Harakat al-Nujaba Kataib Hezbollah SDF ISIS YPG CENTCOM "
    "240mm Katyusha mortar IED F-16 $5 million 2,500 400 18 Soleimani's don't (SDF) \"fighters\""
)
COMMON = COMMON_TEXT.split()
SYLLABLE_TEXT = "ba ka ri mo sul an tar eq ni fa dor el shi ya qa ze hu lin gro vet pas tel mun dra"
SYLLABLES = SYLLABLE_TEXT.split()


def vocabulary(rng: random.Random, size: int = 40_000) -> tuple[list[str], list[float]]:
    """Common news words plus ``size`` invented ones, with Zipf cumulative weights (like real text)."""
    invented = {"".join(rng.choices(SYLLABLES, k=rng.randint(1, 4))) for _ in range(size)}
    words = COMMON + sorted(invented)
    rng.shuffle(words)
    cumulative, total = [], 0.0
    for rank in range(1, len(words) + 1):
        total += 1 / rank
        cumulative.append(total)
    return words, cumulative


def make_text(
    rng: random.Random, vocab: tuple[list[str], list[float]], target: int = 2000
) -> tuple[str, list[tuple[int, int]]]:
    """About ``target`` characters of sentences, with each word's character span."""
    words_list, cumulative = vocab
    parts: list[str] = []
    words: list[tuple[int, int]] = []
    length = 0
    while length < target:
        count = rng.randint(8, 22)
        sentence = rng.choices(words_list, cum_weights=cumulative, k=count)
        for i in range(count):
            word = sentence[i]
            if i == 0:
                word = word[:1].upper() + word[1:]
            if parts:
                parts.append(" ")
                length += 1
            words.append((length, length + len(word)))
            parts.append(word)
            length += len(word)
            if i < count - 1 and rng.random() < 0.08:
                parts.append(",")
                length += 1
        parts.append(rng.choice([".", ".", ".", "?", "!"]))
        length += 1
        if rng.random() < 0.2:
            parts.append("\n")
            length += 1
    return "".join(parts), words


def make_record(number: int, rng: random.Random, schema: Any, vocab: tuple[list[str], list[float]]) -> dict[str, Any]:
    """One canonical record with 20 entities and 5 events whose arguments fit the schema."""
    text, words = make_text(rng, vocab)
    labels = schema.entity_labels
    chosen = sorted(rng.sample(range(len(words) - 3), 25))
    entities: list[dict[str, Any]] = []
    used: set[int] = set()
    for index in chosen[:20]:
        width = rng.choice([1, 1, 1, 2, 3])
        if any(i in used for i in range(index, index + width)):
            width = 1
        used.update(range(index, index + width))
        start, end = words[index][0], words[index + width - 1][1]
        entities.append({"id": f"T{len(entities) + 1}", "start": start, "end": end, "label": rng.choice(labels)})
    events: list[dict[str, Any]] = []
    for index in chosen[20:25]:
        event_type = rng.choice(schema.event_labels)
        arguments: list[dict[str, str]] = []
        for role, spec in schema.event_types[event_type].roles.items():
            fitting = [e for e in entities if e["label"] in spec.fillers]
            if fitting and len(arguments) < 3:
                arguments.append({"role": role, "entity_id": rng.choice(fitting)["id"]})
        start, end = words[index]
        events.append(
            {
                "id": f"E{len(events) + 1}",
                "type": event_type,
                "trigger": {"start": start, "end": end},
                "arguments": arguments,
            }
        )
    return {
        "id": f"doc{number:07d}",
        "text": text,
        "title": None,
        "source": "synthetic",
        "url": None,
        "published": None,
        "language": "en",
        "licence": "CC0-1.0",
        "attribution": None,
        "provenance": [],
        "meta": {"split": rng.choice(["train", "train", "train", "dev", "test"])},
        "text_sha256": text_sha256(text),
        "annotator": "bench",
        "entities": entities,
        "events": events,
    }


def build_corpus(path: Path, docs: int, seed: int) -> None:
    schema = load_schema()
    rng = random.Random(seed)
    vocab = vocabulary(rng)
    with path.open("w", encoding="utf-8") as handle:
        for number in range(docs):
            handle.write(dumps(make_record(number, rng, schema, vocab)) + "\n")


def run_stage(stage: str, corpus: Path, workdir: Path) -> float:
    """Run one stage and return its seconds (only the tokenizer calls for ``tokenizer``)."""
    schema = load_schema()
    if stage == "tokenizer":
        from eventcorpus.tokens import blank_pipeline

        tokenizer = blank_pipeline().tokenizer
        spent = 0.0
        with corpus.open(encoding="utf-8") as handle:
            for line in handle:
                text = json.loads(line)["text"]
                began = time.perf_counter()
                tokenizer(text)
                spent += time.perf_counter() - began
        return spent
    began = time.perf_counter()
    if stage in ("spacy", "hf"):
        from eventcorpus.formats import get_format

        records = get_format("canonical").read(corpus, schema=schema, options={})
        get_format(stage).write(records, workdir / f"out-{stage}", schema=schema, options={})
    elif stage == "validate":
        from eventcorpus.validate import validate

        validate(corpus, schema=schema)
    else:
        raise SystemExit(f"unknown stage {stage}")
    return time.perf_counter() - began


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def worker(stage: str, corpus: Path, docs: int) -> None:
    """Child process: warm the tokenizer, run one stage on the first ``docs`` lines, print JSON."""
    from eventcorpus.tokens import blank_pipeline

    blank_pipeline().tokenizer("Warm up the tokenizer.")
    with tempfile.TemporaryDirectory() as tmp:
        part = Path(tmp) / "corpus.jsonl"
        with corpus.open(encoding="utf-8") as source, part.open("w", encoding="utf-8") as target:
            for number, line in enumerate(source):
                if number >= docs:
                    break
                target.write(line)
        seconds = run_stage(stage, part, Path(tmp))
    print(json.dumps({"stage": stage, "docs": docs, "seconds": seconds, "peak_rss_mib": peak_rss_mib()}))


def profile(stage: str, corpus: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        profiler = cProfile.Profile()
        profiler.enable()
        run_stage(stage, corpus, Path(tmp))
        profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(25)
    stats.sort_stats("tottime").print_stats(20)


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _write_casie_ace_ere(record: Any, number: int, casie: Path, ace: Path, ere: Path) -> None:
    """One record as a CASIE annotation, an ACE .sgm/.apf.xml pair and an ERE source/annotation pair."""
    text = record.document.text
    by_id = record.annotations.entity_by_id()
    events = [
        {
            "index": event.id,
            "type": event.type.split(":")[0],
            "subtype": event.type.split(":")[-1],
            "realis": "Actual",
            "nugget": {
                "startOffset": event.trigger.start,
                "endOffset": event.trigger.end,
                "index": f"N{event.id}",
                "text": text[event.trigger.start : event.trigger.end],
            },
            "argument": [
                {
                    "index": a.entity_id,
                    "startOffset": by_id[a.entity_id].start,
                    "endOffset": by_id[a.entity_id].end,
                    "text": text[by_id[a.entity_id].start : by_id[a.entity_id].end],
                    "role": {"type": a.role},
                    "type": by_id[a.entity_id].label,
                }
                for a in event.arguments
            ],
        }
        for event in record.annotations.events
    ]
    source = f"{number:07d}.txt"
    obj = {"content": text, "sourcefile": source, "cyberevent": {"hopper": [{"index": 0, "events": events}]}}
    (casie / f"{number:07d}.json").write_text(json.dumps(obj), encoding="utf-8")
    # ACE: offsets count in the .sgm text without tags, ends inclusive
    head = f"<DOC>\n<DOCID> {record.id} </DOCID>\n<BODY>\n<TEXT>\n"
    body = _xml(text)
    sgm_plain = f"\n {record.id} \n\n\n"  # the tagless text before the body
    shift = len(sgm_plain)
    escaped_at = [0]
    for char in text:
        escaped_at.append(escaped_at[-1] + len(_xml(char)))

    def charseq(start: int, end: int) -> str:
        first, last = shift + escaped_at[start], shift + escaped_at[end] - 1
        return f'<charseq START="{first}" END="{last}">{_xml(text[start:end])}</charseq>'

    parts = [
        f'<?xml version="1.0"?>\n<source_file URI="{record.id}.sgm" SOURCE="newswire" TYPE="text">',
        f'<document DOCID="{record.id}">',
    ]
    for entity in record.annotations.entities:
        parts.append(
            f'<entity ID="{entity.id}" TYPE="{entity.label}"><entity_mention ID="{entity.id}-1" TYPE="NAM">'
            f"<extent>{charseq(entity.start, entity.end)}</extent><head>{charseq(entity.start, entity.end)}</head>"
            "</entity_mention></entity>"
        )
    for event in record.annotations.events:
        kind, _, sub = event.type.partition(":")
        arguments = "".join(
            f'<event_mention_argument REFID="{a.entity_id}-1" ROLE="{a.role}"><extent>'
            f"{charseq(by_id[a.entity_id].start, by_id[a.entity_id].end)}</extent></event_mention_argument>"
            for a in event.arguments
        )
        parts.append(
            f'<event ID="{event.id}" TYPE="{kind}" SUBTYPE="{sub}"><event_mention ID="{event.id}-1">'
            f"<anchor>{charseq(event.trigger.start, event.trigger.end)}</anchor>{arguments}</event_mention></event>"
        )
    parts.append("</document>\n</source_file>\n")
    (ace / f"{number:07d}.sgm").write_text(f"{head}{body}\n</TEXT>\n</BODY>\n</DOC>\n", encoding="utf-8")
    (ace / f"{number:07d}.apf.xml").write_text("".join(parts), encoding="utf-8")
    # ERE: offset + length counted in the source file with its tags
    opening = f'<DOC id="{record.id}">\n<TEXT>\n'
    (ere / "source" / f"{record.id}.xml").write_text(f"{opening}{body}\n</TEXT>\n</DOC>\n", encoding="utf-8")

    def where(start: int, end: int) -> str:
        first = len(opening) + escaped_at[start]
        return f'offset="{first}" length="{escaped_at[end] - escaped_at[start]}"'

    ere_parts = [
        f'<?xml version="1.0" encoding="UTF-8"?>\n<deft_ere doc_id="{record.id}" source_type="newswire"><entities>'
    ]
    for entity in record.annotations.entities:
        ere_parts.append(
            f'<entity id="{entity.id}" type="{entity.label}"><entity_mention id="{entity.id}-1" noun_type="NAM" '
            f"{where(entity.start, entity.end)}><mention_text>{_xml(text[entity.start : entity.end])}</mention_text>"
            "</entity_mention></entity>"
        )
    ere_parts.append("</entities><hoppers>")
    for event in record.annotations.events:
        kind, _, sub = event.type.partition(":")
        arguments = "".join(
            f'<em_arg entity_id="{a.entity_id}" entity_mention_id="{a.entity_id}-1" role="{a.role}" realis="true">'
            f"{_xml(text[by_id[a.entity_id].start : by_id[a.entity_id].end])}</em_arg>"
            for a in event.arguments
        )
        ere_parts.append(
            f'<hopper id="h-{event.id}"><event_mention id="{event.id}" type="{kind}" subtype="{sub}" realis="actual">'
            f"<trigger {where(event.trigger.start, event.trigger.end)}>"
            f"{_xml(text[event.trigger.start : event.trigger.end])}</trigger>{arguments}</event_mention></hopper>"
        )
    ere_parts.append("</hoppers></deft_ere>\n")
    (ere / "ere" / f"{record.id}.rich_ere.xml").write_text("".join(ere_parts), encoding="utf-8")


def dataset_files(records: list[Any], folder: Path) -> dict[str, Path]:
    """Write ``records`` in every dataset layout the readers take; return the path to read per format."""
    from eventcorpus.formats import get_format
    from eventcorpus.formats.wikievents import record_line

    schema = load_schema()
    files: dict[str, Path] = {}
    for name in ("wikievents", "rams", "maven", "maven-arg", "muc4"):
        files[name] = folder / f"{name}.jsonl"
        get_format(name).write(iter(records), files[name], schema=schema, options={})
    files["geneva"] = folder / "geneva.json"
    casie = folder / "casie" / "annotation"
    ace = folder / "ace2005"
    ere = folder / "ere"
    for path in (casie, ace, ere / "ere", ere / "source"):
        path.mkdir(parents=True, exist_ok=True)
    with files["geneva"].open("w", encoding="utf-8") as geneva:
        for number, record in enumerate(records):
            line = record_line(record, [])
            window = {
                "doc_id": record.id,
                "wnd_id": f"{record.id}_w",
                "sentence": record.document.text,
                "tokens": line["tokens"],
                "entity_mentions": [{k: m[k] for k in ("id", "start", "end", "text")} for m in line["entity_mentions"]],
                "event_mentions": line["event_mentions"],
            }
            geneva.write(json.dumps(window) + "\n")
            _write_casie_ace_ere(record, number, casie, ace, ere)
    files.update({"casie": folder / "casie", "ace2005": ace, "ere": ere})
    return files


def time_readers(corpus: Path, docs: int, repeat: int) -> None:
    """Write the first ``docs`` documents in each dataset layout, read each back, time it against the tokenizer."""
    from eventcorpus.formats import get_format
    from eventcorpus.tokens import blank_pipeline

    schema = load_schema()
    records = []
    for record in get_format("canonical").read(corpus, schema=schema, options={}):
        if len(records) >= docs:
            break
        records.append(record)
    tokenizer = blank_pipeline().tokenizer
    tokenizer("Warm up the tokenizer.")
    with tempfile.TemporaryDirectory() as tmp:
        files = dataset_files(records, Path(tmp))
        print(f"readers: {len(records)} documents in each dataset layout")
        print(f"{'reader':<11} {'docs':>6} {'seconds':>9} {'tokenizer s':>12} {'x tokenizer':>12} {'dropped':>8}")
        for name in READERS:
            best: tuple[float, float, int, int] | None = None
            for _ in range(max(1, repeat)):
                dropped: list[Any] = []
                began = time.perf_counter()
                read = list(get_format(name).read(files[name], schema=schema, options={"dropped": dropped}))
                seconds = time.perf_counter() - began
                began = time.perf_counter()
                for record in read:
                    tokenizer(record.document.text)
                reference = time.perf_counter() - began
                if best is None or seconds / reference < best[0] / best[1]:
                    best = (seconds, reference, len(read), len(dropped))
            assert best is not None
            seconds, reference, count, lost = best
            print(f"{name:<11} {count:>6} {seconds:>9.3f} {reference:>12.3f} {seconds / reference:>11.2f}x {lost:>8}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, help="Write the synthetic corpus here (kept) instead of a temp dir.")
    parser.add_argument("--profile", choices=STAGES, help="Profile one stage instead of timing all.")
    parser.add_argument("--stages", default=",".join(STAGES), help="Comma-separated stages to time.")
    parser.add_argument("--repeat", type=int, default=1, help="Run each stage this many times; keep the fastest.")
    parser.add_argument("--reader-docs", type=int, default=1000, help="Documents per dataset file for the readers.")
    parser.add_argument("--no-readers", action="store_true", help="Skip timing the dataset readers.")
    parser.add_argument("--readers-only", action="store_true", help="Time only the dataset readers.")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.corpus, args.docs)
        return
    with tempfile.TemporaryDirectory() as tmp:
        corpus = (args.keep or Path(tmp)) / "bench_corpus.jsonl"
        corpus.parent.mkdir(parents=True, exist_ok=True)
        began = time.perf_counter()
        build_corpus(corpus, args.docs, args.seed)
        size = corpus.stat().st_size / 2**20
        print(f"corpus: {args.docs} documents, {size:.0f} MiB, built in {time.perf_counter() - began:.1f} s")
        if args.profile:
            profile(args.profile, corpus)
            return
        if args.readers_only:
            time_readers(corpus, min(args.reader_docs, args.docs), args.repeat)
            return
        sizes = sorted({min(SMALL, args.docs), args.docs})
        stages = [s for s in args.stages.split(",") if s]
        if "tokenizer" not in stages:
            stages.insert(0, "tokenizer")
        results: dict[tuple[str, int], dict[str, Any]] = {}
        for docs in sizes:
            for stage in stages:
                command = [sys.executable, __file__, "--worker", stage, "--corpus", str(corpus), "--docs", str(docs)]
                runs = []
                for _ in range(max(1, args.repeat)):
                    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
                    runs.append(json.loads(output.strip().splitlines()[-1]))
                results[(stage, docs)] = min(runs, key=lambda run: run["seconds"])
        print(f"{'stage':<10} {'docs':>8} {'seconds':>9} {'x tokenizer':>12} {'peak RSS MiB':>13}")
        failed = False
        for docs in sizes:
            reference = results[("tokenizer", docs)]["seconds"]
            for stage in stages:
                row = results[(stage, docs)]
                ratio = row["seconds"] / reference
                mark = "" if stage == "tokenizer" else ("  ok" if ratio <= FLOOR else f"  ABOVE {FLOOR}x")
                failed |= stage != "tokenizer" and ratio > FLOOR
                print(
                    f"{stage:<10} {docs:>8} {row['seconds']:>9.2f} {ratio:>11.2f}x {row['peak_rss_mib']:>13.0f}{mark}"
                )
        if len(sizes) == 2:
            for stage in stages:
                small, large = results[(stage, sizes[0])], results[(stage, sizes[1])]
                growth = large["peak_rss_mib"] / small["peak_rss_mib"]
                print(
                    f"peak RSS {stage}: {small['peak_rss_mib']:.0f} MiB at {sizes[0]} -> "
                    f"{large['peak_rss_mib']:.0f} MiB at {sizes[1]} ({growth:.2f}x)"
                )
        print("floor (each <= 2.0x the tokenizer):", "met" if not failed else "NOT met")
        if not args.no_readers:
            time_readers(corpus, min(args.reader_docs, args.docs), args.repeat)


if __name__ == "__main__":
    main()
