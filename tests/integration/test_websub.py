"""WebSub end to end with a hub the tests write (tests/websub_hub.py): a feed that
advertises a hub is subscribed to, the hub's intent check is answered only for what we
asked, a signed push queues the new entry's posts without a poll, an unsigned or wrongly
signed push is ignored, the seen-entry rules hold across push and poll, and the
subscription is renewed before its lease ends."""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from channels.clock import FakeClock
from disseminator.config import Settings, load_settings
from disseminator.ingest import websub
from disseminator.ingest.feed_loop import FeedLoop
from disseminator.ingest.feed_poll import poll_due
from disseminator.ingest.websub_server import CallbackServer
from disseminator.store import Store
from disseminator.store.websub_models import SubscriptionRow
from tests.feed_server import Publisher, feed_server, rss
from tests.helpers import CliResult, run_cli, write_config
from tests.integration.test_feeds import _item
from tests.websub_hub import Hub, websub_hub

SECRET = "rahasia-uji-websub"


@dataclass
class World:
    config: Path
    settings: Settings
    store: Store
    clock: FakeClock
    pub: Publisher
    hub: Hub
    feed_url: str
    loop: FeedLoop

    def cli(self, *args: str) -> CliResult:
        return run_cli(["--config", str(self.config), *args])

    def row(self) -> SubscriptionRow:
        with self.store.session() as s:
            (found,) = s.query(SubscriptionRow).all()
            return found

    def titles(self) -> list[str]:
        return sorted(q["article_title"] for q in self.cli("queue", "--json").json())

    def wait_active(self) -> None:
        """Until the hub has verified the subscription and recorded it (its thread does so
        after our answer): a bound, not a timing (30 s: the suite runs two processes)."""
        deadline = time.monotonic() + 30
        while (self.row().state != "active" or self.feed_url not in self.hub.subscribers) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert self.row().state == "active" and self.feed_url in self.hub.subscribers


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def world(tmp_path: Path, sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    monkeypatch.setenv("WEBSUB_SECRET", SECRET)
    port = _free_port()
    config = write_config(tmp_path, sandbox_url=sandbox.url, database=f"sqlite:///{tmp_path / 'w.db'}",
                          extra=f'\n[feeds]\ncallback_url = "http://127.0.0.1:{port}/websub"\n'
                                f'listen = "127.0.0.1:{port}"\nsecret = "${{WEBSUB_SECRET}}"\n')
    assert run_cli(["--config", str(config), "init"]).code == 0
    with feed_server() as pub, websub_hub() as hub:
        feed_url = pub.base + "/feed/"
        pub.put("/feed/", rss([_item(1)], hub=hub.url, self_url=feed_url))
        added = run_cli(["--config", str(config), "feeds", "add", feed_url, "--account", "sandbox_x", "--every", "1h"])
        assert added.code == 0, added.err
        settings = load_settings(config)
        clock = FakeClock(dt.datetime.now(dt.timezone.utc))
        store = Store.open(settings.database, clock=clock)
        loop = FeedLoop(settings, store, stop=threading.Event())
        server = CallbackServer(settings, store)
        try:
            yield World(config, settings, store, clock, pub, hub, feed_url, loop)
        finally:
            server.close()
            store.close()


def test_a_push_queues_the_new_entry_without_a_poll(world: World) -> None:
    world.loop.round()  # the poll that finds the hub, then asks it; the hub checks our intent on the callback
    world.wait_active()
    (form,) = world.hub.requests
    assert world.row().hub == world.hub.url and world.row().topic == world.feed_url
    assert form["hub.topic"] == world.feed_url and form["hub.callback"].endswith("/websub/" + world.row().nonce)
    assert form["hub.secret"] == websub.secret_for(SECRET, world.row().nonce) and SECRET not in form["hub.secret"]
    assert world.hub.verifications == [(form["hub.callback"], True)]
    assert world.titles() == []  # entry 1 was there when the feed was added: seen, not taken

    feed_reads = len(world.pub.hits("/feed/"))
    body = rss([_item(2), _item(1)], hub=world.hub.url, self_url=world.feed_url)
    assert world.hub.publish(world.feed_url, body) == 202
    assert world.titles() == [_item(2).title]
    assert len(world.pub.hits("/feed/")) == feed_reads  # pushed, not polled

    assert world.hub.publish(world.feed_url, body) == 202  # the same entry pushed again: seen
    poll_due(world.settings, world.store, every=True)  # and polled: seen too
    assert world.titles() == [_item(2).title]


def test_a_pushed_entry_edited_in_place_is_the_next_revision_once(world: World) -> None:
    import dataclasses

    world.loop.round()
    world.wait_active()
    assert world.hub.publish(world.feed_url, rss([_item(2), _item(1)], hub=world.hub.url,
                                                 self_url=world.feed_url)) == 202
    assert world.titles() == [_item(2).title]
    fixed = dataclasses.replace(_item(2), title="Siaran pers 2 (ralat): jadwal program diperbarui")
    body = rss([fixed, _item(1)], hub=world.hub.url, self_url=world.feed_url)
    assert world.hub.publish(world.feed_url, body) == 202
    [post] = world.store.posts()
    assert fixed.title in post.parts[0]  # the queued post carries the corrected title
    assert [r.revision for r in world.store.revisions(1)] == [1, 2]
    assert world.hub.publish(world.feed_url, body) == 202  # the same edit pushed again, then polled: no revision
    poll_due(world.settings, world.store, every=True)
    assert [r.revision for r in world.store.revisions(1)] == [1, 2] and len(world.store.articles()) == 1


def test_a_push_with_a_wrong_signature_is_ignored(world: World) -> None:
    world.loop.round()
    world.wait_active()
    body = rss([_item(3), _item(1)], hub=world.hub.url, self_url=world.feed_url)
    assert world.hub.publish(world.feed_url, body, secret="bukan-rahasianya") == 202  # answered, but ignored
    assert world.titles() == []
    callback = world.hub.subscribers[world.feed_url][0]
    unsigned = urllib.request.Request(callback, data=body, method="POST", headers={"Content-Type": "application/rss+xml"})
    with urllib.request.urlopen(unsigned, timeout=10) as answer:
        assert answer.status == 202
    assert world.titles() == []
    assert world.hub.publish(world.feed_url, body, method="sha1") == 202  # sha1 is allowed by WebSub
    assert world.titles() == [_item(3).title]  # the ignored pushes did not mark it seen


def test_the_intent_check_is_answered_only_for_what_we_asked(world: World) -> None:
    world.loop.round()
    world.wait_active()
    callback = world.hub.subscribers[world.feed_url][0]
    for query, status in [("hub.mode=subscribe&hub.topic=http%3A%2F%2Flain%2Ffeed&hub.challenge=abc", 404),
                          (f"hub.mode=unsubscribe&hub.topic={world.feed_url}&hub.challenge=abc", 404),
                          ("hub.mode=subscribe&hub.topic=x&hub.challenge=abc", 404)]:
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(f"{callback}?{query}", timeout=10)
        assert info.value.code == status
    other = callback.rsplit("/", 1)[0] + "/00000000000000000000000000000000"
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(f"{other}?hub.mode=subscribe&hub.topic={world.feed_url}&hub.challenge=abc", timeout=10)


def test_a_hub_that_checks_before_it_answers_leaves_the_subscription_active(world: World) -> None:
    """The intent check may reach us before the hub's 202 does: the "active" it records
    stays (the request's bookkeeping is written before the request and never touches the
    state after it; CI once saw a late "pending" overwrite a check that had just landed)."""
    world.hub.verify_first = True
    world.loop.round()
    assert world.hub.verifications == [(world.hub.requests[0]["hub.callback"], True)]
    assert world.row().state == "active" and world.row().failures == 0


def test_the_subscription_is_renewed_before_its_lease_ends(world: World) -> None:
    world.loop.round()
    world.wait_active()
    lease_until = world.row().lease_until
    assert lease_until is not None and lease_until - world.clock.now() == dt.timedelta(seconds=world.hub.lease)
    world.loop.round()
    assert len(world.hub.requests) == 1  # not yet due
    world.clock.advance(dt.timedelta(seconds=world.hub.lease) - websub.RENEW_BEFORE + dt.timedelta(seconds=1))
    world.hub.done.clear()
    world.loop.round()
    assert len(world.hub.requests) == 2
    assert world.hub.done.wait(10) and world.hub.verifications[-1][1]
    assert world.row().lease_until == world.clock.now() + dt.timedelta(seconds=world.hub.lease)


def test_a_hub_that_refuses_is_asked_again_after_a_backoff(world: World) -> None:
    world.pub.put("/feed/", rss([_item(1)], hub=world.hub.url + "tidak-ada/", self_url=world.feed_url))
    world.hub.requests.clear()
    world.loop.round()
    row = world.row()
    assert row.state == "failed" and row.failures == 1 and "HTTP 404" in (row.last_error or "")
    world.loop.round()
    assert world.row().failures == 1  # waits its backoff
    world.clock.advance(61)
    world.loop.round()
    assert world.row().failures == 2


def test_websub_needs_its_secret(tmp_path: Path) -> None:
    config = write_config(tmp_path, sandbox_url=None, database=f"sqlite:///{tmp_path / 'x.db'}",
                          extra='\n[feeds]\ncallback_url = "https://humas.example.go.id/websub"\n')
    bad = run_cli(["--config", str(config), "feeds", "list"])
    assert bad.code == 2
    assert 'feeds.secret: expected a secret such as "${WEBSUB_SECRET}"' in bad.err
