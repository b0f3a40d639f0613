"""Alembic environment: the engine is handed in by disseminator.store.migrate."""

from __future__ import annotations

from alembic import context

from disseminator.store.schema import metadata

engine = context.config.attributes["engine"]
sqlite = engine.dialect.name == "sqlite"
with engine.connect() as connection:
    if sqlite:
        # Batch migrations rebuild tables (copy, drop, rename); with foreign keys on,
        # dropping a table other tables point at fails.  The PRAGMA only works outside a
        # transaction, so it comes first, and is restored for the pooled connection.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    try:
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
    finally:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
