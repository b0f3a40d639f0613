"""What publishing one post costs besides the network call: a client kept per account (one
TCP connection for all of its posts), and a few database statements, not a dozen."""

from __future__ import annotations

import datetime as dt
import http.server
import itertools
import json
import threading
from collections import Counter
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
from sqlalchemy import event

from channels.base import Article, Draft
from disseminator.articles import content_hash
from disseminator.config import Settings, parse_settings
from disseminator.sandbox.credentials import DEFAULT as SB
from disseminator.store import Store
from disseminator.store.migrate import upgrade
from disseminator.worker import Worker

#: Statements one single-part post may cost, from its claim to its settled status (the
#: database's clock reads on PostgreSQL aside): 14 on SQLite, 16 on PostgreSQL (one more
#: look after the claim, and the claim's SET LOCAL enable_seqscan).  Before: 20 on SQLite, 21 on PostgreSQL; then 9 and 10, until
#: the publication record (disseminator.store.record) added five: its head read and its
#: INSERT in the claim's transaction and in the publish's, and the parts read for what
#: went out.
MOST_PER_POST = {"sqlite": 14, "postgresql": 16}
#: Reads of the database's clock (PostgreSQL) per post, a trivial statement each: the
#: claim's, the call's start and end, the move to published, and pacing's (three now).
#: Before: 8.4.
MOST_CLOCK_READS = 8


def _settings(db_url: str, url: str, accounts: int) -> Settings:
    return parse_settings({
        "database": db_url,
        "accounts": {f"fb{i}": {"channel": "facebook", "base_url": url, "page_id": SB.fb_page_id,
                                "access_token": SB.fb_page_token} for i in range(accounts)},
    })


def _queue(store: Store, n: int, accounts: int, tag: str) -> None:
    when = store.clock.now() - dt.timedelta(seconds=1)
    for k in range(n):
        art = Article(title=f"{tag} {k}", url=f"https://a.go.id/{tag}/{k}")
        aid = store.add_article(art, source=None, content_hash=content_hash(art))[0]
        store.add_post(article_id=aid, account=f"fb{k % accounts}", channel="facebook", variant="default",
                       draft=Draft(parts=(f"Rilis {tag} nomor {k}",), link=art.url), scheduled_at=when)


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = Store(db_url)
    upgrade(s.engine)
    yield s
    s.close()


def _statements(store: Store) -> list[str]:
    seen: list[str] = []

    @event.listens_for(store.engine, "before_cursor_execute")
    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(" ".join(statement.split()[:4]))

    return seen


def test_a_post_costs_a_few_statements(store: Store, sandbox, db_url: str) -> None:  # type: ignore[no-untyped-def]
    settings = _settings(db_url, sandbox.url, 2)
    worker = Worker(settings, store, worker_id="w")
    # The run's own statements (recovery, the report of held posts) measured on an empty queue.
    seen = _statements(store)
    worker.run_due(concurrency=1)
    empty = Counter(seen)
    seen.clear()
    n = 12
    _queue(store, n, 2, "biaya")
    seen.clear()
    report = worker.run_due(concurrency=1)
    assert [o.status for o in report.outcomes] == ["published"] * n
    counted = Counter(seen)
    counted.subtract(empty)
    clock = sum(c for s, c in counted.items() if "statement_timestamp" in s)
    work = sum(c for s, c in counted.items() if "statement_timestamp" not in s)
    detail = "\n".join(f"{c / n:5.1f} {s}" for s, c in counted.most_common())
    assert work <= MOST_PER_POST[store.engine.dialect.name] * n, f"{work / n:.1f} statements a post:\n{detail}"
    assert clock <= MOST_CLOCK_READS * n, f"{clock / n:.1f} clock reads a post:\n{detail}"
    # Nothing the post needs is lost on the way: the sandbox has each once, the queue agrees.
    posts = {p["id"]: p["text"] for p in sandbox.posts()}
    rows = store.posts(["published"])
    assert len(posts) == n and {r.remote_ids[0]: r.parts[0] for r in rows} == posts
    assert all(r.attempts == 1 and r.part_rows[0].attempts == 1 and r.published_at for r in rows)
    assert {(a.action, a.outcome) for a in store.attempts()} == {("publish", "published")}
    assert [e.edge for e in store.events(rows[0].id)] == ["create", "claim", "published"]


class _KeepAliveGraph(http.server.BaseHTTPRequestHandler):
    """Graph's ``POST /{page}/feed`` over HTTP/1.1 keep-alive, noting each connection's
    client port.  (The sandbox's werkzeug server closes every connection after one answer,
    so it cannot show whether a client keeps its connection; the networks keep them.)"""

    protocol_version = "HTTP/1.1"
    ports: ClassVar[list[int]] = []
    made: ClassVar[Iterator[int]] = itertools.count(1)

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.client_address[1] not in self.ports:
            self.ports.append(self.client_address[1])
        body = json.dumps({"id": f"{SB.fb_page_id}_{next(self.made)}"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_one_client_and_one_connection_per_account(store: Store, db_url: str) -> None:
    _KeepAliveGraph.ports.clear()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _KeepAliveGraph)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        settings = _settings(db_url, f"http://127.0.0.1:{server.server_address[1]}", 2)
        worker = Worker(settings, store, worker_id="w")
        _queue(store, 10, 2, "klien")
        assert {o.status for o in worker.run_due().outcomes} == {"published"}
        _queue(store, 4, 2, "klien-lagi")  # a later run (the daemon's next) keeps them too
        assert {o.status for o in worker.run_due().outcomes} == {"published"}
    finally:
        server.shutdown()
        server.server_close()
    assert len(_KeepAliveGraph.ports) == 2, f"14 posts of 2 accounts opened {len(_KeepAliveGraph.ports)} connections"
    assert worker.clients.made == 2


def test_a_changed_setting_makes_a_new_client(store: Store, sandbox, db_url: str,  # type: ignore[no-untyped-def]
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The account as resolved now is compared with the one its client was made for: a new
    value in the environment (a rotated token, another address) is used at the next post."""
    port = sandbox.url.rsplit(":", 1)[1]
    settings = parse_settings({"database": db_url, "accounts": {"fb0": {
        "channel": "facebook", "base_url": "http://${SB_HOST}:" + port, "page_id": SB.fb_page_id,
        "access_token": SB.fb_page_token}}})
    monkeypatch.setenv("SB_HOST", "127.0.0.1")
    worker = Worker(settings, store, worker_id="w")
    _queue(store, 2, 1, "ganti")
    assert {o.status for o in worker.run_due().outcomes} == {"published"}
    monkeypatch.setenv("SB_HOST", "localhost")
    _queue(store, 2, 1, "ganti-lagi")
    outcomes = worker.run_due().outcomes
    assert {o.status for o in outcomes} == {"published"}
    assert all("localhost" in (o.remote_url or "") for o in outcomes)
    assert worker.clients.made == 2
