"""The production clocks.  The protocol, the system clock and the fake one for tests are
in :mod:`channels.clock` (channels wait too); this module adds the database's clock.

Several workers on several machines share one PostgreSQL queue.  If each judged leases
and due times by its own clock, a machine whose clock runs ahead would take live claims
and publish early; so on PostgreSQL the store's clock is the database server's
(``now()``), one clock for every worker.  SQLite serves one machine: its clock is the
machine's.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, func, select

from channels.clock import FakeClock, SystemClock

__all__ = ["DatabaseClock", "SystemClock", "FakeClock"]


class DatabaseClock(SystemClock):
    """``now()`` from the database server on PostgreSQL; the machine's clock elsewhere.

    Waiting (``sleep``, ``monotonic``) is always the machine's: only the wall time is
    shared between workers.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.remote = engine.dialect.name == "postgresql"

    def now(self) -> dt.datetime:
        if not self.remote:
            return super().now()
        from .store.errors import translated

        with translated(self.engine.url.render_as_string(hide_password=False)), self.engine.connect() as conn:
            value = conn.execute(select(func.statement_timestamp())).scalar_one()
        return value.astimezone(dt.timezone.utc)
