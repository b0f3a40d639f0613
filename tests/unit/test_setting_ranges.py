"""The README's table of allowed values is the table the loader and the CLI check."""

from __future__ import annotations

from pathlib import Path

import pytest

from disseminator import setting_ranges
from disseminator.setting_ranges import Range

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("setting", "rng"),
    [*((f"worker.{k}", r) for k, r in setting_ranges.WORKER.items()),
     *((f"web.{k}", r) for k, r in setting_ranges.WEB.items()),
     *((f"accounts.*.{k}", r) for k, r in setting_ranges.ACCOUNT.items())],
)
def test_readme_lists_each_range(setting: str, rng: Range) -> None:
    assert f"| `{setting}` | {rng.describe()} |" in README


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (0.1, None), (3600, None), (30, None),
        (0, "expected a number of seconds from 0.1 to 3,600, got 0"),
        (0.09, "expected a number of seconds from 0.1 to 3,600, got 0.09"),
        (3600.5, "expected a number of seconds from 0.1 to 3,600, got 3600.5"),
        (float("nan"), "expected a number of seconds from 0.1 to 3,600, got nan"),
        (float("-inf"), "expected a number of seconds from 0.1 to 3,600, got -inf"),
        (True, "expected a number of seconds from 0.1 to 3,600, got true"),
        ("30", "expected a number of seconds from 0.1 to 3,600, got a string"),
    ],
)
def test_tick_range(value: object, problem: str | None) -> None:
    assert setting_ranges.TICK.problem(value) == problem


def test_whole_numbers_refuse_fractions() -> None:
    rng = setting_ranges.WORKER["max_attempts"]
    assert rng.problem(8) is None
    assert rng.problem(8.0) == "expected a whole number from 1 to 100, got 8.0"
