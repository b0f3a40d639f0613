"""Run the Alembic migrations shipped in ``migrations/`` against a database."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect

from .errors import translated

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
#: The newest revision in ``migrations/versions`` (a test keeps the two in step), so that
#: opening a database needs neither Alembic nor a scan of the migration scripts.
HEAD = "0024"


def _config(engine: Engine | None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Create or upgrade the schema to ``revision``; raises :class:`DatabaseError`."""
    from alembic import command

    with translated(_url(engine)), warnings.catch_warnings():
        # SQLite cannot reflect the expression index ix_posts_done_time (0016); the batch
        # migrations that rebuild posts recreate it (0021).  SQLAlchemy says so on stderr,
        # which an officer running `init` or `demo` should not have to read.
        warnings.filterwarnings("ignore", message="Skipped unsupported reflection of expression-based index")
        command.upgrade(_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Take the schema back to ``revision`` (for operators undoing an upgrade)."""
    from alembic import command

    with translated(_url(engine)):
        command.downgrade(_config(engine), revision)


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def current_revision(engine: Engine) -> str | None:
    """The schema revision the database is at, or None when it has none."""
    from sqlalchemy import text

    with translated(_url(engine)):
        if not inspect(engine).has_table("alembic_version"):
            return None
        with engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def head_revision() -> str:
    return HEAD


def script_head() -> str | None:
    """The head revision as Alembic finds it in the migration scripts."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config(None)).get_current_head()  # type: ignore[arg-type]


def is_initialised(engine: Engine) -> bool:
    return inspect(engine).has_table("posts")
