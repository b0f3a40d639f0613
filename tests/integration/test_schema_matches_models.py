"""The models and the migrations describe one schema: Alembic's autogenerate finds nothing."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from disseminator.store import Store
from disseminator.store.migrate import upgrade
from disseminator.store.schema import metadata


def _differences(db_url: str) -> list[Any]:
    store = Store(db_url)
    try:
        upgrade(store.engine)
        with store.engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": False})
            found = compare_metadata(ctx, metadata)
    finally:
        store.close()
    # alembic_version is Alembic's own table, not ours.
    return [d for d in found if not (d[0] == "remove_table" and d[1].name == "alembic_version")]


def test_migrations_build_exactly_the_models(db_url: str) -> None:
    assert _differences(db_url) == []
