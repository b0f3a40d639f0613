"""One channel per account for the life of the process, not one per post.

A channel holds its network client and that client's HTTP session (:mod:`channels.http`),
so keeping it keeps the connection open: the second post of an account reuses the
first one's TCP (and TLS) connection instead of opening another.  The cache is keyed by
account name and remembers the account as resolved when the channel was made: a
changed setting (a new token in the environment, an edited configuration) makes a new
channel at the account's next post.

The fence stays per post.  A channel is made once with a context whose ``fence`` is a
:class:`FenceSlot`; :meth:`Clients.use` lends the channel to one publisher for one post
with that post's fence in the slot, and takes both back afterwards.  A lent channel is
never lent again before it is given back (one lock per account): one channel object is
used by one thread at a time.  Within a process that never makes anyone wait, since an
account has at most one post in flight (a unique index).
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from channels.base import Account, Channel, Context
from channels.clock import Clock

from .config import Settings


class FenceSlot:
    """The fence of the post a channel is publishing now (none between posts)."""

    def __init__(self) -> None:
        self.current: Callable[[], None] | None = None

    def __call__(self) -> None:
        if self.current is not None:
            self.current()


@dataclass
class _Entry:
    account: Account
    channel: Channel
    slot: FenceSlot
    lock: threading.Lock = field(default_factory=threading.Lock)


class Clients:
    """The channels of one configuration (``settings``), made on first use per account.

    ``factory`` makes a channel (:func:`disseminator.registry.make_channel` in production)
    and raises :class:`~disseminator.errors.ConfigError` as it does; ``clock`` is the
    channels' clock (the store's).
    """

    def __init__(self, settings: Settings, factory: Callable[..., Channel], clock: Clock) -> None:
        self.settings = settings
        self.factory = factory
        self.clock = clock
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()
        #: Channels made so far (a test and the benchmark read it).
        self.made = 0

    @contextmanager
    def use(self, name: str, fence: Callable[[], None]) -> Iterator[Channel]:
        """The account's channel, fenced by ``fence`` until the block ends.

        Raises :class:`~disseminator.errors.ConfigError` when the account cannot be
        resolved or its channel made (nothing is cached then).
        """
        account = self.settings.account(name, resolve=True)
        entry = self._entry(account)
        with entry.lock:
            entry.slot.current = fence
            try:
                yield entry.channel
            finally:
                entry.slot.current = None

    def _entry(self, account: Account) -> _Entry:
        with self._lock:
            entry = self._entries.get(account.name)
            if entry is not None and entry.account == account:
                return entry
            # First use, or the account's settings changed: a new client (the old one's
            # connections close when nothing holds it any more).
            slot = FenceSlot()
            context = dataclasses.replace(self.settings.context, clock=self.clock, fence=slot)
            entry = _Entry(account, self.factory(account, context=context), slot)
            self._entries[account.name] = entry
            self.made += 1
            return entry

    def forget(self, name: str) -> None:
        """Make the account's next post build a new channel (after a crash inside it)."""
        with self._lock:
            self._entries.pop(name, None)


def context_for(settings: Settings, clock: Clock, fence: Callable[[], None]) -> Context:
    """A one-post context, as the worker built before channels were kept."""
    return dataclasses.replace(settings.context, clock=clock, fence=fence)
