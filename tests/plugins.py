"""The channel packages of ``plugins/`` (TikTok), installed for the test session.

A network added in a package of its own must work through the entry points alone (issue:
"more places to publish, as plugins"), so the tests install ``plugins/tiktok`` for real:
``pip install --target`` builds its wheel and unpacks it into a folder of its own, keyed
by the package's content (a changed file installs afresh), which goes first on this
process's ``sys.path`` and on ``PYTHONPATH`` for the CLI processes the tests start.  A
checkout where the package is already installed (``pip install -e plugins/tiktok``) uses
that one.  Several test processes (pytest-xdist) share the folder under a file lock.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.util
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PLUGINS = {"disseminator_tiktok": REPO / "plugins" / "tiktok"}


def install_plugins() -> None:
    """Make every package of ``plugins/`` importable and its entry points visible.
    Raises ``RuntimeError`` with pip's words when one cannot be installed."""
    for module, source in PLUGINS.items():
        if importlib.util.find_spec(module) is not None:
            continue
        target = _target(source)
        with open(target.with_suffix(".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not (target / module).is_dir():
                done = subprocess.run(
                    [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                     "--target", str(target), str(source)],
                    capture_output=True, text=True, check=False)
                if done.returncode != 0:
                    raise RuntimeError(f"cannot install {source} for the tests:\n{done.stderr[-2000:]}")
        sys.path.insert(0, str(target))
        os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(target), os.environ.get("PYTHONPATH")) if p)
        importlib.invalidate_caches()


def _target(source: Path) -> Path:
    digest = hashlib.sha256()
    for path in sorted(p for p in source.rglob("*") if p.is_file() and not _generated(p.relative_to(source))):
        digest.update(str(path.relative_to(source)).encode() + b"\0" + path.read_bytes())
    folder = Path(tempfile.gettempdir()) / "disseminator-test-plugins" / f"{source.name}-{digest.hexdigest()[:16]}"
    folder.parent.mkdir(parents=True, exist_ok=True)
    return folder


def _generated(path: Path) -> bool:
    """Whether ``path`` (inside a plugin) is something a build left there."""
    return any(part == "build" or part == "__pycache__" or part.endswith(".egg-info") for part in path.parts)
