"""A generated news crawl for the sharded-run tests and the benchmark: JSON Lines, WARC, .txt and .html shards.

The stream holds exact duplicates across shards (the same record in two JSON Lines files)
and near-duplicates (the same wire story with one word changed, in several shards).
"""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

PLACES = ["Baghdad", "Mosul", "Aleppo", "Kabul", "Sanaa", "Kharkiv", "Goma", "Mogadishu", "Tripoli", "Idlib"]
ACTORS = ["the army", "rebel fighters", "the militia", "police", "a coalition drone", "gunmen", "the air force"]
VERBS = ["attacked", "shelled", "raided", "bombed", "stormed", "surrounded"]
TARGETS = ["a checkpoint", "the airport", "a market", "the border post", "a convoy", "the town hall"]
TAILS = [
    "Officials said {n} people were killed and {m} wounded.",
    "Witnesses described heavy gunfire that lasted for {n} hours.",
    "The ministry promised an inquiry into the incident within {n} days.",
    "Aid groups said {n} families had fled towards {place}.",
    "A spokesman for {actor} denied any involvement in the fighting.",
]


def story(rng: random.Random, sentences: int = 6) -> str:
    """A few paragraphs of a conflict report (every sentence ends with a full stop)."""
    paragraphs = []
    for _ in range(max(2, sentences // 2)):
        lines = []
        for _ in range(2):
            place, actor = rng.choice(PLACES), rng.choice(ACTORS)
            lines.append(f"{actor.capitalize()} {rng.choice(VERBS)} {rng.choice(TARGETS)} near {place} on Monday.")
            tail = rng.choice(TAILS)
            lines.append(tail.format(n=rng.randint(2, 90), m=rng.randint(2, 90), place=place, actor=actor))
        paragraphs.append(" ".join(lines))
    return "\n\n".join(paragraphs)


def reword(rng: random.Random, text: str) -> str:
    """The same story with one number changed: a near-duplicate."""
    words = text.split(" ")
    numbers = [i for i, w in enumerate(words) if w.isdigit()]
    i = rng.choice(numbers) if numbers else len(words) - 1
    words[i] = str(int(words[i]) + 1) if words[i].isdigit() else words[i] + "s"
    return " ".join(words)


def _html(title: str, text: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
    return (
        f'<html lang="en"><head><title>{title}</title>'
        f'<meta property="article:published_time" content="2024-03-04"></head>'
        f"<body><nav>Home | World</nav><article><h1>{title}</h1>{body}</article>"
        f"<footer>Copyright 2024 Example News</footer></body></html>"
    )


def write_warc(path: Path, pages: list[tuple[str, str, str]]) -> None:
    """A gzipped WARC of (url, title, text) pages as HTTP responses, with a request and an image record."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for number, (url, title, text) in enumerate(pages):
            if number == 0:
                request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example.org")], is_http_request=True)
                writer.write_record(writer.create_warc_record(url, "request", http_headers=request))
                image = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
                writer.write_record(
                    writer.create_warc_record(
                        url + "logo.png", "response", payload=io.BytesIO(b"\x89PNG"), http_headers=image
                    )
                )
            html = _html(title, text).encode("utf-8")
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(url, "response", payload=io.BytesIO(html), http_headers=headers)
            )


def write_crawl(root: Path, *, jsonl_shards: int = 4, per_shard: int = 60, warc_pages: int = 40, seed: int = 7) -> Path:
    """Write a crawl of ``jsonl_shards`` JSON Lines shards, one WARC, one .txt and one .html article; return its folder."""
    rng = random.Random(seed)
    folder = root / "crawl"
    folder.mkdir(parents=True, exist_ok=True)
    wire = [story(rng) for _ in range(8)]  # wire stories reprinted (reworded) by several outlets
    shards: list[list[dict[str, str]]] = []
    for s in range(jsonl_shards):
        records = []
        for i in range(per_shard):
            text = reword(rng, wire[(s + i) % len(wire)]) if i % 10 == 0 else story(rng)
            records.append({"id": f"s{s}-{i}", "title": f"Report {s}-{i}", "text": text, "source": f"Outlet {s}"})
            records[-1]["published"] = f"2024-03-{1 + i % 28:02d}"
        shards.append(records)
    for s in range(1, jsonl_shards):  # exact duplicates across shards: the same record crawled twice
        shards[s].extend(dict(r, id=f"copy-{r['id']}") for r in shards[s - 1][1:4])
    for s, records in enumerate(shards):
        with (folder / f"part-{s:02d}.jsonl").open("w", encoding="utf-8") as handle:
            handle.writelines(json.dumps(r) + "\n" for r in records)
    pages = []
    for i in range(warc_pages):
        text = reword(rng, wire[(i // 8) % len(wire)]) if i % 8 == 0 else story(rng)
        pages.append((f"https://news.example.org/{i}", f"Web report {i}", text))
    write_warc(folder / "crawl-00.warc.gz", pages)
    (folder / "article.txt").write_text(f"Night of shelling\n\n{story(rng)}\n", encoding="utf-8")
    (folder / "page.html").write_text(_html("Convoy hit", story(rng)), encoding="utf-8")
    return folder
