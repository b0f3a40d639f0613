"""Daemons as separate processes on one database, against the sandbox: a queue filled in
bulk, the processes started, stopped or killed, and what must hold at the end (each post
on its network exactly once, under the remote id the queue recorded, in each account's
planned order).  Used by the integration tests and by the benchmarks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, update

from disseminator.sandbox.credentials import DEFAULT as SB
from disseminator.store import ArticleRow, PartRow, PostRow, PostStatus, Store

REPO = Path(__file__).resolve().parents[1]


def write_config(folder: Path, *, database: str, sandbox_url: str, accounts: int, concurrency: int = 8,
                 lease_seconds: int = 900, max_attempts: int = 8, extra: str = "") -> Path:
    """A configuration of ``accounts`` Facebook pages (``fb0``, ``fb1``, ...) on the sandbox
    (they share its one page: every post's text names its account)."""
    pages = "".join(f'\n[accounts.fb{i}]\nchannel = "facebook"\nbase_url = "{sandbox_url}"\n'
                    f'page_id = "{SB.fb_page_id}"\naccess_token = "{SB.fb_page_token}"\n' for i in range(accounts))
    path = folder / "fleet.toml"
    path.write_text(f'database = "{database}"\ntimezone = "Asia/Jakarta"\n\n[worker]\nconcurrency = {concurrency}\n'
                    f"lease_seconds = {lease_seconds}\nmax_attempts = {max_attempts}\n{extra}{pages}", encoding="utf-8")
    return path


def text_of(tag: str, account: str, k: int) -> str:
    return f"Rilis {tag} {account} nomor {k:05d}"


def fill(store: Store, *, accounts: int, per_account: int, tag: str, due: dt.datetime) -> dict[str, list[str]]:
    """Queue ``per_account`` posts for each account, all due by ``due``, inserted in bulk
    (no ORM objects).  Each account's posts are planned a millisecond apart, in the order
    of their numbers.  Returns each account's texts in that order."""
    now = dt.datetime.now(dt.timezone.utc)
    plan = [(f"fb{a}", k) for k in range(per_account) for a in range(accounts)]
    with store.session() as s:
        ids = []
        for start in range(0, len(plan), 2000):
            chunk = plan[start:start + 2000]
            ids += list(s.scalars(insert(ArticleRow).returning(ArticleRow.id, sort_by_parameter_order=True), [
                {"title": text_of(tag, acc, k), "body": "", "tags": [], "content_hash": f"{tag}-{acc}-{k}", "revision": 1,
                 "created_at": now, "updated_at": now} for acc, k in chunk]))
        post_ids = []
        for start in range(0, len(plan), 2000):
            chunk = list(zip(plan[start:start + 2000], ids[start:start + 2000]))
            post_ids += list(s.scalars(insert(PostRow).returning(PostRow.id, sort_by_parameter_order=True), [
                {"article_id": aid, "account": acc, "channel": "facebook", "variant": "default", "media": [],
                 "warnings": [], "status": PostStatus.SCHEDULED, "attempts": 0, "needs_reconcile": False,
                 "overtake": False, "created_at": now, "updated_at": now,
                 "scheduled_at": due - dt.timedelta(seconds=1) + dt.timedelta(milliseconds=k),
                 "next_attempt_at": due - dt.timedelta(seconds=1) + dt.timedelta(milliseconds=k)}
                for (acc, k), aid in chunk]))
        for start in range(0, len(plan), 2000):
            chunk = list(zip(plan[start:start + 2000], post_ids[start:start + 2000]))
            s.execute(insert(PartRow), [
                {"post_id": pid, "index": 0, "text": text_of(tag, acc, k),
                 "text_hash": hashlib.sha256(text_of(tag, acc, k).encode()).hexdigest(), "state": "pending",
                 "attempts": 0} for (acc, k), pid in chunk])
    return {f"fb{a}": [text_of(tag, f"fb{a}", k) for k in range(per_account)] for a in range(accounts)}


def counts(store: Store) -> dict[str, int]:
    """Posts by status (one grouped query)."""
    with store.session() as s:
        return {str(st): int(n) for st, n in s.execute(select(PostRow.status, func.count()).group_by(PostRow.status))}


def due_now(store: Store) -> int:
    """Make every retry waiting for later due now (the retry backoff is a minute and up:
    a test does not wait for it).  Returns how many moved."""
    now = store.clock.now()
    with store.session() as s:
        result = s.execute(update(PostRow).where(PostRow.status == PostStatus.SCHEDULED, PostRow.next_attempt_at > now)
                           .values(next_attempt_at=now))
        return int(result.rowcount)  # type: ignore[attr-defined]


@dataclass
class Fleet:
    """Daemon processes on one configuration; each one's output goes to a file in ``logs``."""

    config: Path
    logs: Path
    tick: float = 5.0
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)
    started: int = 0

    def start(self, n: int = 1) -> None:
        env = {k: v for k, v in os.environ.items() if k != "DISSEMINATOR_CONFIG"}
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
        for _ in range(n):
            self.started += 1
            log = (self.logs / f"daemon-{self.started}.log").open("wb")
            self.procs.append(subprocess.Popen(
                [sys.executable, "-m", "disseminator", "--config", str(self.config), "daemon", "--tick", str(self.tick)],
                stdout=log, stderr=subprocess.STDOUT, env=env))
            log.close()

    def kill(self, procs: Sequence[subprocess.Popen[bytes]] | None = None) -> None:
        """SIGKILL: no ``finally``, no release, the leases left to run out."""
        for p in list(procs if procs is not None else self.procs):
            p.send_signal(signal.SIGKILL)
            p.wait()
            self.procs.remove(p)

    def stop(self, timeout: float = 60) -> list[int]:
        """SIGTERM every daemon and wait for it; returns their exit codes."""
        for p in self.procs:
            p.send_signal(signal.SIGTERM)
        codes = []
        for p in self.procs:
            try:
                codes.append(p.wait(timeout=timeout))
            except subprocess.TimeoutExpired:
                p.kill()
                codes.append(p.wait())
        self.procs.clear()
        return codes

    def output(self) -> str:
        return "".join(f.read_text(errors="replace") for f in sorted(self.logs.glob("daemon-*.log")))


def wait_until_done(store: Store, total: int, *, seconds: float, nudge: bool = False) -> dict[str, int]:
    """Wait until ``total`` posts are published or failed (``nudge``: retries made due at
    once); returns the counts by status at the end."""
    deadline = time.monotonic() + seconds
    while True:
        now = counts(store)
        if now.get("published", 0) + now.get("failed", 0) >= total or time.monotonic() > deadline:
            return now
        if nudge:
            due_now(store)
        time.sleep(0.25)


def check_exactly_once(store: Store, sandbox: Any, expected: dict[str, list[str]], tag: str, *,
                       order: bool = True) -> None:
    """Every post of ``expected`` is on the sandbox once, the queue has it published under
    the id the sandbox gave it, none is left publishing, and (``order``) each account's
    posts reached the network in their planned order."""
    on_network = [p for p in sandbox.posts() if f" {tag} " in f" {p['text']} "]
    texts = [p["text"] for p in on_network]
    dupes = sorted({t for t in texts if texts.count(t) > 1}) if len(texts) != len(set(texts)) else []
    assert not dupes, f"{len(dupes)} posts on the network twice, e.g. {dupes[:3]}"
    wanted = {t for ts in expected.values() for t in ts}
    assert set(texts) == wanted, f"missing on the network: {len(wanted - set(texts))}, unexpected: {len(set(texts) - wanted)}"
    with store.session() as s:
        rows = s.execute(select(PostRow.status, PartRow.text, PartRow.remote_id)
                         .join(PartRow, PartRow.post_id == PostRow.id)).all()
    statuses = {str(st) for st, _t, _r in rows}
    assert statuses == {"published"}, f"not all published: {counts(store)}"
    assert {t: r for _st, t, r in rows} == {p["text"]: p["id"] for p in on_network}, "the queue and the network disagree"
    for account, planned in expected.items() if order else ():
        landed = [t for t in texts if t.split()[2] == account]
        assert landed == planned, f"{account}: out of its planned order"
