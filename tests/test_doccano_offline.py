"""The parts of the doccano integration that need no server: upload lines, offset modes, folders."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import regex

from eventcorpus.doccano.server import _python_version, default_venv, find_python
from eventcorpus.doccano.sync import doccano_line, new_pull_folder, project_offset_mode
from eventcorpus.errors import EventCorpusError
from eventcorpus.formats.doccano import record_to_doccano
from eventcorpus.records import AnnotationSet, Document, Entity, Record, document_id
from tests.strategies import WORDS


def test_upload_line_is_ascii_and_has_every_key() -> None:
    text = "😀 café القاعدة\r\nend"
    doc = Document(document_id(text), text)
    record = Record(doc, AnnotationSet(doc.id, "m", [Entity("T1", 7, 14, "FAC")]))
    line = doccano_line(record, "utf16")
    assert line.isascii() and "\n" not in line  # doccano guesses encodings; CRLF must stay inside the JSON
    obj = json.loads(line)
    assert obj["text"] == text and obj["annotation_meta"] == {}  # the same keys on every line (pandas NaN trap)
    assert obj["entities"][0]["start_offset"] == 8  # the emoji counts two UTF-16 units
    assert obj == {"annotation_meta": {}, **record_to_doccano(record, offset_mode="utf16"), "pushed_by": None}


def test_offset_mode_follows_the_project() -> None:
    assert project_offset_mode({"grapheme_mode": False}) == "utf16"
    assert project_offset_mode({"grapheme_mode": True}) == "grapheme"
    assert project_offset_mode({"grapheme_mode": True}, "codepoint") == "codepoint"
    with pytest.raises(EventCorpusError) as caught:
        project_offset_mode({}, "bytes")
    assert caught.value.code == "E017"


def test_pull_folders_are_never_reused(tmp_path: Path) -> None:
    first = new_pull_folder(tmp_path)
    first.mkdir()
    second = new_pull_folder(tmp_path)
    assert second != first and second.name.startswith("pull-")


def test_doccano_needs_python_up_to_3_11() -> None:
    try:
        python = find_python()
    except EventCorpusError as exc:
        assert exc.code == "E212" and "3.8-3.11" in exc.detail
    else:
        assert _python_version(python) in {(3, 8), (3, 9), (3, 10), (3, 11)}


# Runs the grapheme splitter bundled in doccano's own front end (the code that counts offsets
# in a grapheme-mode project) on our tricky words, under node. Finds the webpack module that
# defines splitGraphemes and loads it alone.
_SPLITTER_JS = r"""
const fs = require('fs');
const s = fs.readFileSync(process.argv[1], 'utf8');
const words = JSON.parse(fs.readFileSync(0, 'utf8'));
const i = s.indexOf('splitGraphemes=function');
const header = /([,{])("?[\w$]+"?):function\(([a-z])(?:,([a-z]))?(?:,([a-z]))?\)\{/g;
let m, starts = [];
while ((m = header.exec(s)) && m.index < i) starts.push(m.index + m[1].length + m[2].length + 1);
for (const start of starts.slice(-5).reverse()) {
  for (let end = s.indexOf('}', i); end > 0; end = s.indexOf('}', end + 1)) {
    let factory;
    try { factory = new Function('return (' + s.slice(start, end + 1) + ')')(); } catch (e) { continue; }
    const module = {exports: {}};
    try { factory(module, module.exports, () => { throw new Error('has dependencies'); }); } catch (e) { break; }
    const Splitter = module.exports.default || module.exports;
    const splitter = new Splitter();
    console.log(JSON.stringify(words.map(w => splitter.splitGraphemes(w).length)));
    process.exit(0);
  }
}
process.exit(3);
"""


def test_grapheme_mode_counts_like_doccanos_front_end() -> None:
    """doccano 1.8.4's grapheme mode (grapheme-splitter, Unicode 10 rules) agrees with ours on emoji,
    flags, ZWJ families and combining marks; it splits Indic conjuncts that Unicode 15.1 keeps whole."""
    node = shutil.which("node")
    venv = default_venv()
    bundles = sorted(venv.glob("lib/python3*/site-packages/backend/client/dist/static/_nuxt/*.js"))
    bundle = next(
        (b for b in bundles if "splitGraphemes=function" in b.read_text(encoding="utf-8", errors="ignore")), None
    )
    if node is None or bundle is None:
        pytest.skip("needs node and doccano 1.8.4 installed (its front-end bundle)")
    devanagari = "\u0915\u094d\u0937"  # क्ष: one cluster since Unicode 15.1 (GB9c), two for grapheme-splitter
    words = [*WORDS, "👩🏽‍🚀", "🏳️‍🌈", "🇸🇾🇮🇶", "a\r\nb", devanagari]
    answer = subprocess.run(
        [node, "-e", _SPLITTER_JS, str(bundle)], input=json.dumps(words), capture_output=True, text=True, timeout=60
    )
    assert answer.returncode == 0, answer.stderr
    theirs = json.loads(answer.stdout)
    ours = [len(regex.findall(r"\X", word)) for word in words]
    assert theirs[:-1] == ours[:-1]
    assert (theirs[-1], ours[-1]) == (2, 1)
