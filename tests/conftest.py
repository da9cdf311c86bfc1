"""Shared test fixtures: paths to the repository and to the public data beside it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("EVENTCORPUS_SHARED", REPO.parent / "shared"))
SEED = REPO / "corpus" / "raw" / "cemo_2022-01-06_bases-attacked.txt"


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def shared_datasets() -> Path:
    path = SHARED / "datasets"
    if not path.is_dir():
        pytest.skip(f"public data mirror not found at {path} (set EVENTCORPUS_SHARED)")
    return path


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED
