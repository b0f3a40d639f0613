"""The shared oracles (../shared/oracles): found, or skipped with a reason, or failed under CI."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

ORACLES = Path(__file__).resolve().parents[1] / ".." / "shared" / "oracles"


def oracle_tests(name: str) -> dict[str, Any] | None:
    """The ``tests`` table of a twitter-text conformance file, or None when the oracles
    are absent here (a user's laptop).  Under CI their absence fails the run."""
    import yaml

    path = ORACLES / name
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"oracle {path} is missing and CI is set")
        return None
    tests: dict[str, Any] = yaml.safe_load(path.read_text("utf-8"))["tests"]
    return tests


def missing(name: str) -> list[Any]:
    """A single skipped parameter, for a parametrize list whose oracle is absent."""
    return [pytest.param(None, marks=pytest.mark.skip(reason=f"no oracle at {ORACLES / name}"))]
