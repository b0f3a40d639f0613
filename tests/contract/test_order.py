"""An account's posts go out in their planned order; an officer can let one go ahead."""

from __future__ import annotations

from tests.contract.conftest import WRITE, Env


def test_a_retry_holds_back_later_posts_until_an_officer_lets_one_go_ahead(env: Env) -> None:
    first = env.queue_one("sandbox_fb", 1)
    second = env.queue_one("sandbox_fb", 2)
    # Facebook fails the first write with a 503 (the post will be retried), and the
    # second post of the account must not slip out before it.
    env.sandbox.set_faults({"next": [{**WRITE["sandbox_fb"], "status": 503, "graph_code": 2, "count": 1}]})  # type: ignore[attr-defined]
    run = env.cli("run-due", "--json")
    assert [(r["id"], r["status"]) for r in run.json()] == [(first, "scheduled")]
    assert env.posts_on("sandbox_fb") == []
    assert env.cli("run-due", "--json").json() == []  # the second still waits behind the first

    ahead = env.cli("post", "ahead", str(second))
    assert ahead.code == 0 and "no longer waits" in ahead.out
    assert [(r["id"], r["status"]) for r in env.cli("run-due", "--json").json()] == [(second, "published")]
    shown = env.cli("post", "show", str(second), "--json").json()
    assert [e["move"] for e in shown["events"]] == ["create", "claim", "published"]
    assert "published" in env.cli("post", "show", str(second)).out

    refused = env.cli("post", "ahead", str(second))
    assert refused.code == 1 and "only a scheduled post" in refused.err
