"""A real headless browser for the web page's end-to-end tests: Debian's chromium driven by
Playwright (never a browser Playwright downloads).  Without chromium (or Playwright) the
tests are skipped with the reason, except under CI, where they must run: there a missing
browser fails them (``.ci/run`` installs it)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

#: Where chromium is looked for: $DISSEMINATOR_CHROMIUM, then Debian's path, then $PATH.
CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


def chromium_path() -> str | None:
    wanted = os.environ.get("DISSEMINATOR_CHROMIUM")
    if wanted:
        return wanted if Path(wanted).exists() else None
    for path in CANDIDATES:
        if Path(path).exists():
            return path
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the browser tests: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless chromium for the session."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright is not installed (pip install -e '.[test]')")
    path = chromium_path()
    if path is None:
        _missing("no chromium found (apt-get install chromium; or set DISSEMINATOR_CHROMIUM)")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=path, headless=True, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where the screenshots go (not committed): $DISSEMINATOR_ARTIFACTS, else a new
    temporary folder; its path is printed."""
    folder = Path(os.environ.get("DISSEMINATOR_ARTIFACTS") or tempfile.mkdtemp(prefix="disseminator-web-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nweb screenshots: {folder}")
    return folder
