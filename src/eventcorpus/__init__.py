"""eventcorpus: a toolkit and an annotated corpus for event extraction from conflict news."""

__version__ = "0.1.0"
