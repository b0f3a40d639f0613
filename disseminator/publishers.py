"""Publishers in parallel: one run's posts go out over several threads, one per publisher.

Each publisher repeats: claim a due post, publish it and settle it, until nothing is left
to claim.  Which posts may go concurrently is the database's rule, not ours: a claim
is one guarded UPDATE, and an account has at most one post in flight (a unique index), so
posts of different accounts go out side by side and posts of one account one at a time,
in their order (:func:`disseminator.queue.claim.claim_next`).

A publisher that finds nothing to claim while others are still publishing waits for one
of them to finish (its account's next post may be due) and looks again; all stop when
none is publishing and none finds anything.  ``stop`` ends the run after the posts in
hand (the daemon's SIGTERM); Ctrl-C in the main thread does the same, then goes on up.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

P = TypeVar("P")
T = TypeVar("T")


class Drain(Generic[P, T]):
    """In one thread per publisher: ``claim(publisher)`` a post (None: nothing to claim
    now), then ``work(publisher, post)`` it; until nothing is left to claim."""

    def __init__(self, publishers: Sequence[P], claim: Callable[[P], T | None], work: Callable[[P, T], object],
                 *, stop: Callable[[], bool] | None = None) -> None:
        self.publishers = list(publishers)
        self.claim = claim
        self.work = work
        self._stop = stop or (lambda: False)
        self._halt = threading.Event()
        self._changed = threading.Condition()
        self._working = 0  # publishers holding a post
        self._finished = 0  # posts worked so far: a waiting publisher looks again when it grows
        self._errors: list[BaseException] = []

    def stopping(self) -> bool:
        return self._halt.is_set() or self._stop()

    def run(self) -> None:
        if len(self.publishers) == 1:  # no thread: tracebacks and signals as they always were
            only = self.publishers[0]
            while not self.stopping():
                item = self.claim(only)
                if item is None:
                    return
                self.work(only, item)
            return
        threads = [threading.Thread(target=self._loop, args=(p,), name=f"publisher-{i}", daemon=True)
                   for i, p in enumerate(self.publishers)]
        for t in threads:
            t.start()
        try:
            for t in threads:
                t.join()
        except KeyboardInterrupt:
            self._halt.set()  # the posts in hand are finished and settled first
            with self._changed:
                self._changed.notify_all()
            for t in threads:
                t.join()
            raise
        if self._errors:
            raise self._errors[0]

    def _loop(self, publisher: P) -> None:
        try:
            while not self.stopping():
                with self._changed:
                    seen = self._finished
                item = self.claim(publisher)
                if item is None:
                    with self._changed:
                        # Nothing to claim.  While others publish, the end of one may free its
                        # account's next post: wait for a post to finish, then look again.
                        while self._working and self._finished == seen and not self.stopping():
                            self._changed.wait()
                        if not self._working and self._finished == seen:
                            return
                    continue
                with self._changed:
                    self._working += 1
                try:
                    self.work(publisher, item)
                finally:
                    with self._changed:
                        self._working -= 1
                        self._finished += 1
                        self._changed.notify_all()
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread
            self._errors.append(exc)
            self._halt.set()
            with self._changed:
                self._changed.notify_all()
