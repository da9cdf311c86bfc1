"""Records for the format tests: the shared ``records()`` plus event attributes and metadata."""

from __future__ import annotations

from hypothesis import strategies as st

from eventcorpus.records import Record
from eventcorpus.schema import load_schema
from tests.strategies import records


@st.composite
def rich_records(draw: st.DrawFn, annotator: str = "alice", allow_overlap: bool = True) -> Record:
    """A record whose events carry polarity/modality and whose document has metadata."""
    record = draw(records(annotator=annotator, allow_overlap=allow_overlap))
    schema = load_schema()
    for event in record.annotations.events:
        for name, attribute in schema.attributes.items():
            if draw(st.booleans()):
                event.attributes[name] = draw(st.sampled_from(attribute.values))
    if draw(st.booleans()):
        record.document.meta = {
            "split": draw(st.sampled_from(["train", "dev", "test"])),
            "note": "ü\r\n",
            "tags": ["a", ["b"]],
        }
        record.document.url = "https://example.org/a?b=1"
        record.document.published = "2022-01-06"
        record.document.provenance = [{"raw": "corpus/raw/x.txt", "sha256": "0" * 64}]
    return record
