"""The README's tour is a specification: its commands run as written and print what it shows.

The slow test runs every ``$`` command of "A five-minute tour" in a clean folder (links to
corpus/ and the other folders it reads; ../shared/datasets as the mirror) and compares the
output with the README under the rules in tests/readme_tour.py. The fast tests pin those
rules and the two steps whose absence once broke the tour.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.readme_tour import Outcome, line_matches, match_output, parse_tour, regenerate


def _commands(repo: Path) -> list[str]:
    return [step.command for step in parse_tour((repo / "README.md").read_text(encoding="utf-8"))]


def test_tour_applies_pass2_before_agree(repo: Path) -> None:
    commands = _commands(repo)
    pass2 = next(i for i, c in enumerate(commands) if "corpus apply corpus/annotations/pass2.jsonl" in c)
    agree = next(i for i, c in enumerate(commands) if c.startswith("eventcorpus agree"))
    assert pass2 < agree


def test_tour_makes_work_splits_before_train(repo: Path) -> None:
    commands = _commands(repo)
    splits = next(i for i, c in enumerate(commands) if "--to canonical --out work/splits" in c)
    train = next(i for i, c in enumerate(commands) if c.startswith("eventcorpus train"))
    assert splits < train


def test_work_folder_is_ignored_by_git(repo: Path) -> None:
    assert "work/" in (repo / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_elision_line_stands_for_any_run_of_lines() -> None:
    shown = ["a 1", "…", "z 2"]
    assert match_output(shown, ["a 1", "b", "c", "z 2"], trained=False) == [0, -1, 3]
    assert match_output(shown, ["a 1", "z 2"], trained=False) == [0, -1, 1]
    assert match_output(shown, ["a 1", "b", "z 3"], trained=False) is None
    assert match_output(["a 1"], ["a 1", "extra"], trained=False) is None


def test_table_width_and_times_do_not_count_but_other_numbers_do() -> None:
    assert line_matches("│ TI   │ 65.0 │", "│ TI       │ 65.0 │", trained=False)
    assert line_matches("┏━━━━┳━━┓", "┏━━━━━━━━┳━━━━┓", trained=False)
    assert line_matches("written in 78s; (0.4s)", "written in 131s; (1.2s)", trained=False)
    assert not line_matches("train 73, dev 14", "train 76, dev 11", trained=False)
    assert not line_matches("99 records", "99 documents", trained=False)


def test_trained_numbers_may_differ_within_the_stated_tolerance() -> None:
    assert line_matches("TC 62.0, AC 17.5", "TC 70.0, AC 20.1", trained=True)
    assert not line_matches("TC 62.0", "TC 80.0", trained=True)
    assert line_matches("269 entities", "350 entities", trained=True)
    assert not line_matches("269 entities", "400 entities", trained=True)


def test_regeneration_keeps_the_elisions_and_replaces_stale_lines() -> None:
    readme = "## A five-minute tour\n\n```console\n$ cmd\nold 1\n…\nend 9\n```\n"
    (step,) = parse_tour(readme)
    assert step.shown == ["old 1", "…", "end 9"]
    outcome = Outcome(step, 0, ["old 2", "x", "y", "end 10"])
    assert regenerate(readme, [outcome]) == "## A five-minute tour\n\n```console\n$ cmd\nold 2\n…\nend 10\n```\n"


@pytest.mark.slow
def test_readme_tour_runs_as_written(repo: Path, shared_datasets: Path, tmp_path: Path) -> None:
    from tests.readme_tour import run_tour

    problems = []
    ran = 0
    for outcome in run_tour(repo / "README.md", repo, shared_datasets, tmp_path):
        ran += 1
        for problem in outcome.problems:
            problems.append(f"README line {outcome.step.first_line}: $ {outcome.step.command}\n{problem}")
        if outcome.returncode != 0:
            break
    assert ran >= 15
    assert not problems, "\n\n".join(problems) + "\n(python scripts/update_readme_tour.py rewrites the shown output)"
