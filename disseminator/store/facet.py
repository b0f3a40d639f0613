"""What each facet of :class:`disseminator.store.Store` relies on: its clock and its sessions.

The store's reads and writes are split by what they are about (articles, posts, listings,
due times, attempts); each is a mixin of :class:`StoreFacet`, and ``Store`` joins them.
"""

from __future__ import annotations

from contextlib import AbstractContextManager

from sqlalchemy.orm import Session

from channels.clock import Clock


class StoreFacet:
    """A part of :class:`disseminator.store.Store`, which provides ``clock`` and ``session``."""

    clock: Clock

    def session(self) -> AbstractContextManager[Session]:  # provided by Store
        raise NotImplementedError
