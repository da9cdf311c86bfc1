"""doccano integration: a REST client, push/pull of documents and annotations, a local server.

- :mod:`eventcorpus.doccano.client`: typed client for doccano 1.8's REST API (httpx);
- :mod:`eventcorpus.doccano.sync`: :func:`push` and :func:`pull`;
- :mod:`eventcorpus.doccano.server`: install and run doccano 1.8.4 locally (scripts, tests).

The line format (one document per doccano line) is :mod:`eventcorpus.formats.doccano`'s.
"""

from __future__ import annotations

from eventcorpus.doccano.client import DoccanoClient
from eventcorpus.doccano.sync import AnnotatorSummary, PullResult, PushResult, pull, push

__all__ = ["AnnotatorSummary", "DoccanoClient", "PullResult", "PushResult", "pull", "push"]
