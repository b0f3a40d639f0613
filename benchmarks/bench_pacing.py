"""Pacing: 60 posts for one X account that the sandbox limits to 10 a minute.

The ideal is what the limit allows: 60 posts at 10 a window are 6 windows (6 minutes).
Paced, the worker reads ``x-rate-limit-remaining`` on each post's answer and holds the
account until ``x-rate-limit-reset`` when none is left, so no 429 is asked for.  The
baseline, measured in the same run, is the same worker with the header logic switched off
(``pacing.network_wait`` answers "go"): it writes until X answers 429, then waits for the
reset that 429 names (what the worker did before).  Between runs the worker sleeps until
the next moment something may become due (``Store.next_wake``), as the daemon does.

    python benchmarks/bench_pacing.py [--posts 60] [--limit 10] [--scale 10]

``--scale 10`` shrinks the window tenfold (10 posts per 6 s, 36 s ideal) for a quick run;
``--scale 1`` is the real minute (about 12 minutes for both runs).  Targets: paced within
1.1x the ideal, 0 answers of 429.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import func, select

from channels.base import Article, Draft
from disseminator import pacing
from disseminator.articles import content_hash
from disseminator.config import Settings, parse_settings
from disseminator.sandbox import SandboxOptions, start_sandbox
from disseminator.sandbox.credentials import DEFAULT
from disseminator.store import AttemptRow, PostStatus, Store
from disseminator.store.migrate import upgrade
from disseminator.worker import Worker


def settings_for(database: str, url: str) -> Settings:
    return parse_settings({
        "database": database,
        "accounts": {"x": {"channel": "twitter", "base_url": url, "consumer_key": DEFAULT.x_consumer_key,
                           "consumer_secret": DEFAULT.x_consumer_secret, "access_token": DEFAULT.x_access_token,
                           "access_token_secret": DEFAULT.x_access_token_secret, "images": False}},
    })


@contextmanager
def header_logic(on: bool) -> Iterator[None]:
    """The baseline: the network's word is not read (budgets from the file still are)."""
    original = pacing.network_wait
    if not on:
        pacing.network_wait = lambda *args, **kwargs: None  # type: ignore[assignment]
    try:
        yield
    finally:
        pacing.network_wait = original  # type: ignore[assignment]


def one_run(posts: int, limit: int, window: int, *, paced: bool) -> tuple[float, int, int]:
    """(seconds from the first call to the last post out, answers of 429, posts published)."""
    server = start_sandbox(SandboxOptions(port=0, x_post_limit=(limit, window)))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            settings = settings_for(f"sqlite:///{Path(tmp) / 'pacing.db'}", server.url)
            store = Store(settings.database)
            upgrade(store.engine)
            tag = uuid.uuid4().hex[:6]
            due = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)
            for n in range(posts):
                art = Article(title=f"Pacing {tag} {n}", url=f"https://a.go.id/{tag}/{n}")
                aid = store.add_article(art, source=None, content_hash=content_hash(art))[0]
                store.add_post(article_id=aid, account="x", channel="twitter", variant="default",
                               draft=Draft(parts=(f"Rilis {tag} nomor {n}",)), scheduled_at=due + dt.timedelta(microseconds=n))
            worker = Worker(settings, store, worker_id=f"pacing-{tag}")
            start = time.perf_counter()
            with header_logic(paced):
                while _published(store) < posts:
                    worker.run_due()
                    now = store.clock.now()
                    wake = store.next_wake(now)
                    if _published(store) < posts:
                        time.sleep(min(max((wake - now).total_seconds(), 0.01), 5.0) if wake else 0.05)
            took = time.perf_counter() - start  # the loop ends as the last post is out
            with store.session() as s:
                refused = int(s.scalar(select(func.count()).select_from(AttemptRow).where(AttemptRow.http_status == 429)) or 0)
            published = _published(store)
            store.close()
            return took, refused, published
    finally:
        server.stop()


def _published(store: Store) -> int:
    from disseminator.store import PostRow

    with store.session() as s:
        return int(s.scalar(select(func.count()).select_from(PostRow).where(PostRow.status == PostStatus.PUBLISHED)) or 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=60)
    parser.add_argument("--limit", type=int, default=10, help="posts the sandbox allows per window")
    parser.add_argument("--scale", type=float, default=1.0, help="shrink the 60 s window this many times")
    args = parser.parse_args()
    window = max(1, round(60 / args.scale))
    ideal = -(-args.posts // args.limit) * window
    print(f"{args.posts} posts, X limit {args.limit} per {window} s; ideal {ideal} s "
          f"({-(-args.posts // args.limit)} windows)")
    print(f"{'run':<28}{'seconds':>9}{'vs ideal':>10}{'429s':>6}{'published':>11}")
    for name, paced in (("baseline (no header logic)", False), ("paced (headers read)", True)):
        took, refused, published = one_run(args.posts, args.limit, window, paced=paced)
        print(f"{name:<28}{took:>9.1f}{took / ideal:>9.2f}x{refused:>6}{published:>11}")


if __name__ == "__main__":
    main()
