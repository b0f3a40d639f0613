"""Everything the sandbox remembers, behind one lock, optionally saved as JSON.

State is plain JSON-able dicts so that saving is one ``json.dump``: posts (in creation
order), media, Instagram containers and publish times, rate-limit windows, revoked
tokens and id counters.  With a data directory every change is written atomically
(temporary file, then ``os.replace``) so a killed sandbox never leaves half a file, and a
restarted one continues where it stopped, ids included.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

STATE_FILE = "sandbox-state.json"
# X's snowflake epoch (2010-11-04): ids made from it are 19 digits long today, like X's.
_X_EPOCH_MS = 1288834974657
# Where the numeric parts of Graph and Instagram ids start; real ones are this long.
_FB_BASE = 122_100_000_000_000_000
_IG_CONTAINER_BASE = 17_900_000_000_000_000
_IG_MEDIA_BASE = 18_000_000_000_000_000
_THREADS_BASE = 17_950_000_000_000_000


def _empty() -> dict[str, Any]:
    return {
        "posts": [],
        # Posts deleted through the API (DELETE /2/tweets/:id, DELETE /{post-id}), with when:
        # gone from every read, kept here for ``GET /_sandbox/deleted``.
        "deleted": [],
        "media": {},
        "containers": {},
        "ig_publishes": {},
        # Threads media containers and publish times per profile (sandbox/threads.py).
        "th_containers": {},
        "th_publishes": {},
        "rate": {},
        "revoked": {},
        "token_expiry": {},
        "counters": {"snowflake": 0, "fb": 0, "ig_container": 0, "ig_media": 0},
    }


def iso_utc(ts: float) -> str:
    """``ts`` (Unix seconds) as ISO 8601 UTC with milliseconds, as X writes created_at."""
    return dt.datetime.fromtimestamp(ts, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{int(ts * 1000) % 1000:03d}Z"
    )


class State:
    """The sandbox's memory.  Callers hold ``lock`` around read-modify-write sequences.

    ``data`` is public on purpose: handlers read and change it under the lock and then
    call :meth:`save`.  Raises ``OSError`` from :meth:`save` when the directory is not
    writable, and ``ValueError`` at start when the saved file is not valid JSON.
    """

    def __init__(self, data_dir: str | None = None) -> None:
        self.lock = threading.RLock()
        self.path = Path(data_dir) / STATE_FILE if data_dir else None
        self.data: dict[str, Any] = _empty()
        # Chunked-upload segments live in memory only: an unfinished upload does not
        # survive a restart on X either (it expires).
        self.chunks: dict[str, dict[int, bytes]] = {}
        if self.path is not None and self.path.exists():
            loaded = json.loads(self.path.read_text(encoding="utf-8"))
            self.data.update(loaded)

    # ------------------------------------------------------------------ persistence

    def save(self) -> None:
        """Write the state to the data directory, atomically; no-op without one."""
        if self.path is None:
            return
        with self.lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".state-", suffix=".json")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    json.dump(self.data, fh, ensure_ascii=False, indent=1)
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise

    def reset(self) -> None:
        """Forget posts, media, containers, quotas and revocations; keep id counters.

        Counters keep growing so that an id seen before a reset never names a new post.
        """
        with self.lock:
            counters = self.data["counters"]
            self.data = _empty()
            self.data["counters"] = counters
            self.chunks.clear()
            self.save()

    # ------------------------------------------------------------------ ids

    def next_snowflake(self) -> str:
        """A new X id (posts and media): 19 digits, time-ordered, strictly increasing."""
        with self.lock:
            stamp = (int(time.time() * 1000) - _X_EPOCH_MS) << 22
            value = max(stamp, self.data["counters"]["snowflake"] + 1)
            self.data["counters"]["snowflake"] = value
            return str(value)

    def _next(self, counter: str, base: int) -> str:
        with self.lock:
            counters = self.data["counters"]
            counters[counter] = counters.get(counter, 0) + 1  # a state saved before a counter existed
            return str(base + counters[counter])

    def next_fb_id(self) -> str:
        """A new Graph object id (the part after ``{page}_`` in a post id, photo ids)."""
        return self._next("fb", _FB_BASE)

    def next_ig_container_id(self) -> str:
        """A new Instagram media-container id."""
        return self._next("ig_container", _IG_CONTAINER_BASE)

    def next_threads_id(self) -> str:
        """A new Threads id (containers and posts share Meta's media id space)."""
        return self._next("threads", _THREADS_BASE)

    def next_ig_media_id(self) -> str:
        """A new published Instagram media id."""
        return self._next("ig_media", _IG_MEDIA_BASE)

    # ------------------------------------------------------------------ posts

    def add_post(self, post: dict[str, Any]) -> dict[str, Any]:
        """Record a published post (public fields plus an optional ``extra`` dict) and save."""
        with self.lock:
            self.data["posts"].append(post)
            self.save()
            return post

    def find_post(self, network: str, post_id: str) -> dict[str, Any] | None:
        """The stored post with this network and id, or None."""
        with self.lock:
            for post in self.data["posts"]:
                if post["network"] == network and post["id"] == post_id:
                    found: dict[str, Any] = post
                    return found
            return None

    def remove_post(self, network: str, post_id: str, *, deleted_at: str) -> dict[str, Any] | None:
        """Delete a post (it disappears from every read), keep it among the deleted with
        ``deleted_at``, and save; None when there is no such post."""
        with self.lock:
            post = self.find_post(network, post_id)
            if post is None:
                return None
            self.data["posts"].remove(post)
            self.data.setdefault("deleted", []).append({**public_post(post), "deleted_at": deleted_at})
            self.save()
            return post

    def deleted_posts(self) -> list[dict[str, Any]]:
        """Every post deleted through the API, in the order deleted (a deep copy)."""
        with self.lock:
            return copy.deepcopy(self.data.get("deleted", []))

    def posts_of(self, network: str, account: str) -> list[dict[str, Any]]:
        """One account's posts on one network, oldest first."""
        with self.lock:
            return [p for p in self.data["posts"] if p["network"] == network and p["account"] == account]

    def public_posts(self) -> list[dict[str, Any]]:
        """Every post in creation order, in the shape of ``GET /_sandbox/posts``."""
        with self.lock:
            return [public_post(p) for p in self.data["posts"]]


def public_post(post: dict[str, Any]) -> dict[str, Any]:
    """A stored post without the sandbox's private ``extra`` fields (a deep copy)."""
    return copy.deepcopy({k: v for k, v in post.items() if k != "extra"})
