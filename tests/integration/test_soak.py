"""A small soak: flaky networks, lost answers, three workers at once, many rounds.

Whatever the faults, every post ends on its network exactly once.  Telegram and TikTok
cannot be asked whether a post arrived: their posts in doubt wait as ``unknown`` (never
sent twice), and an officer who looks at the network settles each with ``post confirm``.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from disseminator.config import load_settings
from disseminator import holds
from disseminator.store import HoldKind, Store
from disseminator.worker import Worker
from tests.contract.conftest import NETWORK, later, sandbox_settings
from tests.helpers import REPO, article_file


@pytest.mark.parametrize("seed", [3, 11])
def test_every_post_lands_exactly_once_under_faults(cli, config: Path, sandbox, tmp_path: Path, seed: int) -> None:  # type: ignore[no-untyped-def]
    shutil.copy(REPO / "disseminator" / "data" / "contoh-bendungan.jpg", tmp_path / "media" / "f.jpg")
    config.write_text(config.read_text().replace('ig_user_id = "17841400000000001"',
                                                 'ig_user_id = "17841400000000001"\npoll_seconds = 0.05'))
    paths = [str(article_file(tmp_path, f"s{i}.md", title=f"Rilis uji ketahanan nomor {i}",
                              url=f"https://humas.example.go.id/soak/{i}", image=f"{sandbox.url}/media/f.jpg"))
             for i in range(6)]
    assert cli("article", "add", *paths).code == 0
    for i in range(1, 7):
        assert cli("schedule", str(i), "--now").code == 0
    expected = 6 * len(sandbox_settings())  # six articles on every network
    sandbox.set_faults({
        "seed": seed,
        "error_rate": 0.25,
        "lose_response": [{"network": "x", "path": "/2/tweets", "count": 2},
                          {"network": "graph", "path": "*/feed", "count": 2},
                          {"network": "graph", "path": "*/media_publish", "count": 2},
                          {"network": "threads", "path": "*/threads_publish", "count": 2},
                          {"network": "telegram", "path": "/sendPhoto", "count": 2}],
    })
    settings = load_settings(config)
    store = Store(settings.database)
    settled = ("published", "failed", "unknown")
    _rounds(settings, store, lambda: sum(store.count_posts(s) for s in settled) == expected)
    unknown = [r for r in store.posts(None) if r.status == "unknown"]
    assert unknown, "no post was left in doubt: the faults did not reach a network that cannot be asked"
    network_of = {name: NETWORK[name] for name in sandbox_settings()}
    for name in {r.account for r in unknown}:
        on_it = [p for p in sandbox.posts() if p["network"] == network_of[name]]
        assert len({p["text"] for p in on_it}) == len(on_it)  # in doubt, never sent twice
    # The officer looks at the network and says, post by post.
    sandbox.set_faults({})
    for r in unknown:
        seen = [p["id"] for p in sandbox.posts()
                if p["network"] == network_of[r.account] and p["text"] == r.parts[0]]
        said = ["--remote-id", seen[0]] if seen else ["--not-sent"]
        assert cli("post", "confirm", str(r.id), *said).code == 0
    _rounds(settings, store, lambda: store.count_posts("published") + store.count_posts("failed") == expected)
    outcomes = {(a.action, a.outcome) for a in store.attempts()}
    # The faults really happened: failed calls, and answers lost after the write landed.
    assert ("publish", "transient") in outcomes and ("reconcile", "found") in outcomes, outcomes
    posts = sandbox.posts()
    texts = [(p["network"], p["text"]) for p in posts]
    assert len(texts) == len(set(texts)), "a post appeared twice on a network"
    rows = store.posts(None)
    published = [r for r in rows if r.status == "published"]
    failed = [r for r in rows if r.status == "failed"]
    assert len(published) + len(failed) == expected, [(r.id, r.account, r.status, r.error_kind, r.error_message)
                                                      for r in rows if r not in published and r not in failed]
    # Every published post is on its network under the id we recorded, and nothing else is.
    on_network = {p["id"] for p in posts}
    assert {r.remote_ids[0] for r in published} == on_network
    for r in failed:  # a failed post is not on its network
        assert r.remote_ids == [None]
    store.close()


def _rounds(settings: Any, store: Store, done: Callable[[], bool]) -> None:
    """Three workers at once, round after round, until ``done``.  An account's posts go in
    order (a retry holds the later ones back), so a round may move an account by one post
    only: it is given rounds enough."""
    for round_ in range(40):
        workers = [Worker(settings, store, worker_id=f"w{n}") for n in range(3)]
        threads = [threading.Thread(target=w.run_due, kwargs={"now": later(60 * (round_ + 1) * 30)}) for w in workers]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        # Rate-limit holds would make the test wait for real time: lift them between rounds.
        for account in sandbox_settings():
            holds.lift(store, account, HoldKind.RATE_LIMIT)
        if done():
            return
