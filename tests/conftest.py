"""Shared fixtures: a sandbox per test, a fresh database per test (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import CliResult, run_cli, write_config
from tests.plugins import install_plugins

# Messages in English whatever the machine's locale or a starter config's language (the
# tests of the Indonesian catalog ask for it themselves).
os.environ["DISSEMINATOR_LANGUAGE"] = "en"

# The TikTok channel is a package of its own (plugins/tiktok): installed before anything
# reads the entry points, so the contract suite and the CLI find it like ours.
install_plugins()

PG_URL = os.environ.get("DISSEMINATOR_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture(autouse=True)
def _speaks_english_after() -> Iterator[None]:
    """Each test leaves the process speaking English, whatever it ran (an in-process CLI
    run or a web request in Indonesian): a test's language never depends on the order."""
    yield
    from channels import i18n

    if i18n.current() != "en":
        i18n.use("en")


@pytest.fixture
def indonesian() -> Iterator[None]:
    """Messages in Indonesian for one test (the rest of the suite speaks English)."""
    from channels import i18n

    i18n.use("id")
    try:
        yield
    finally:
        i18n.use("en")


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[object]:
    """A fresh sandbox on a free port, serving tmp_path/media at /media/."""
    from disseminator.sandbox import SandboxOptions, start_sandbox

    media = tmp_path / "media"
    media.mkdir(exist_ok=True)
    server = start_sandbox(SandboxOptions(port=0, media_dir=str(media)))
    try:
        yield server
    finally:
        server.stop()


def _pg_available() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_URL.replace("postgresql+psycopg://", "postgresql://"), connect_timeout=3):
            return None
    except Exception as exc:  # noqa: BLE001
        return f"PostgreSQL not reachable at {PG_URL} ({type(exc).__name__}); set DISSEMINATOR_TEST_PG_URL"


@pytest.fixture(scope="session")
def pg_server() -> str:
    reason = _pg_available()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the PostgreSQL tests: {reason}")
        pytest.skip(reason)
    return PG_URL


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A database URL whose tables live in a schema of their own, dropped afterwards."""
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    plain = pg_server.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in plain else "?"
    try:
        yield f"{plain}{sep}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test using this runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def config(tmp_path: Path, sandbox: object, db_url: str) -> Path:
    """A config with the three sandbox accounts, initialised."""
    path = write_config(tmp_path, sandbox_url=sandbox.url, database=db_url)  # type: ignore[attr-defined]
    result = run_cli(["--config", str(path), "init"])
    assert result.code == 0, result.err
    return path


@pytest.fixture
def cli(config: Path):  # type: ignore[no-untyped-def]
    """Run the CLI in-process with the test config."""

    def run(*args: str) -> CliResult:
        return run_cli(["--config", str(config), *args])

    return run
