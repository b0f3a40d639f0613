"""The store: articles, posts and their parts, attempts and account holds in one SQL database.

:class:`Store` is the way the rest of the core reads or writes rows; post status changes
go through :mod:`disseminator.queue` (guarded updates along :mod:`disseminator.states`),
account holds through :mod:`disseminator.holds`.  The store carries the clock every one
of them reads (:attr:`Store.clock`): the database's own on PostgreSQL, where several
machines share one queue; the machine's on SQLite.

This module opens the database and joins the facets; the tables are in the ``*_models``
modules (:mod:`.schema` gathers them).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from channels.clock import Clock
from channels.i18n import _

from ..config import redact_url
from ..errors import ConfigError
from .articles import ArticleAdded, ArticleStore
from .attempts import AttemptStore
from .due import DueStore
from .engine import make_engine, session_factory
from .errors import DatabaseError, translated
from .listing import PostListing
from .posts import PostStore
from . import record as _record  # noqa: F401 - its session hooks write the record at commit
from . import schema as _schema  # noqa: F401 - every table joins Base (schema test, migrations)
from .account_models import HoldKind, HoldRow
from .article_models import ArticleRow, RevisionRow
from .columns import utcnow
from .ops_models import DaemonRow
from .post_models import AttemptRow, EventRow, PartRow, PartState, PostRow, PostStatus

__all__ = [
    "Store", "DaemonRow", "ArticleRow", "PostRow", "PartRow", "PartState", "EventRow", "AttemptRow", "HoldRow", "HoldKind",
    "PostStatus", "utcnow", "DatabaseError", "RevisionRow", "ArticleAdded",
]


class Store(PostStore, PostListing, DueStore, AttemptStore, ArticleStore):
    """One database.  Construct with :meth:`open` (checks the schema) or directly.

    Its reads and writes are facets by subject: posts (:mod:`.posts`), listings
    (:mod:`.listing`), due times (:mod:`.due`), attempts (:mod:`.attempts`) and articles
    (:mod:`.articles`).

    ``clock`` is what every queue, lease and hold decision reads; by default the
    database's clock (:class:`disseminator.clock.DatabaseClock`).
    """

    def __init__(self, url: str, *, clock: Clock | None = None) -> None:
        from ..clock import DatabaseClock

        self.url = url
        self.engine = make_engine(url)
        self.sessions = session_factory(self.engine)
        self.clock: Clock = clock or DatabaseClock(self.engine)

    @classmethod
    def open(cls, url: str, *, clock: Clock | None = None) -> Store:
        """Open an initialised database; raises :class:`ConfigError` otherwise."""
        from .migrate import current_revision, head_revision

        if url.startswith("sqlite:///") and ":memory:" not in url:
            from pathlib import Path

            path = Path(url.split("sqlite:///", 1)[1].split("?", 1)[0])
            if not path.exists():  # do not leave an empty database file behind
                raise ConfigError(_("database {url} does not exist yet: run 'disseminator init'").format(url=url))
        store = cls(url, clock=clock)
        with translated(url):
            revision = current_revision(store.engine)
        if revision is None:
            raise ConfigError(
                _("database {url} is not initialised: run 'disseminator init'").format(url=redact_url(url))
            )
        if revision != head_revision():
            raise ConfigError(
                _("database {url} is at schema {revision}, this version needs "
                  "{head}: run 'disseminator db upgrade'").format(url=redact_url(url), revision=revision,
                                                                  head=head_revision())
            )
        return store

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose transaction commits on success and rolls back on error.

        The driver's operational failures leave as one-line :class:`DatabaseError` errors.
        """
        with translated(self.url), self.sessions.begin() as session:
            yield session
