"""The README's promises: the two fresh-machine commands, and a CLI reference in step with the app."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_readme_opens_with_the_two_commands(repo: Path) -> None:
    text = (repo / "README.md").read_text(encoding="utf-8")
    block = text.split("```bash", 1)[1].split("```", 1)[0]
    commands = [line for line in block.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert len(commands) == 2
    assert "eventcorpus build" in commands[0]
    assert "pytest" in commands[1]
    ci = (repo / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1].strip() in ci


def test_cli_reference_is_up_to_date(repo: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(repo / "scripts" / "update_cli_reference.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
