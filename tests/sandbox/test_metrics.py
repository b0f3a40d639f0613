"""The sandbox's engagement endpoints, read by the real channels: X public metrics, a Page
post's reactions and insights, Instagram media insights (Meta's 2025 names)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests

from channels.base import Account, Context, Draft, Media, Rejected
from disseminator.registry import make_channel
from disseminator.sandbox import metrics as sandbox_metrics
from disseminator.sandbox.server import SandboxServer


@pytest.fixture
def sandbox(make_sandbox: Any, tmp_path: Path) -> SandboxServer:
    """A sandbox serving tmp_path/media at /media/ (Instagram fetches its image there)."""
    (tmp_path / "media").mkdir()
    server: SandboxServer = make_sandbox(media_dir=str(tmp_path / "media"))
    return server


def _channel(sandbox: SandboxServer, name: str, tmp_path: Path) -> Any:
    import tomllib

    from disseminator.starter import starter_config

    accounts = tomllib.loads(starter_config(sandbox.url, database="sqlite://"))["accounts"]
    table = dict(accounts[name])
    channel, base = table.pop("channel"), table.pop("base_url")
    context = Context(base_dir=tmp_path, media_dir=tmp_path / "media", media_base_url=f"{sandbox.url}/media")
    return make_channel(Account(name=name, channel=channel, settings=table, base_url=base), context=context)


def _publish(sandbox: SandboxServer, name: str, tmp_path: Path) -> tuple[Any, str]:
    from tests.sandbox.conftest import jpeg

    channel = _channel(sandbox, name, tmp_path)
    media: tuple[Media, ...] = ()
    if name == "sandbox_ig":
        (tmp_path / "media" / "a.jpg").write_bytes(jpeg(1080, 1080))
        media = (Media(url=f"{sandbox.url}/media/a.jpg", alt="foto"),)
    receipt = channel.publish_part(Draft(parts=(f"Berita hari ini {name}",), media=media), 0)
    return channel, receipt.remote_id


def _later(sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """Move the sandbox's clock ``seconds`` on (its posts grow older)."""
    now = sandbox.app.now()
    monkeypatch.setattr(sandbox.app, "now", lambda: now + seconds)


@pytest.mark.parametrize("name", ["sandbox_x", "sandbox_fb", "sandbox_ig"])
def test_figures_grow_with_age_and_are_the_same_when_asked_again(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    channel, remote_id = _publish(sandbox, name, tmp_path)
    _later(sandbox, monkeypatch, 3600)
    hour = channel.metrics(remote_id)
    assert hour == channel.metrics(remote_id)  # seeded per post: the same answer twice
    _later(sandbox, monkeypatch, 7 * 86400)
    week = channel.metrics(remote_id)
    expected = {"sandbox_x": {"likes", "comments", "shares", "quotes", "views"},
                "sandbox_fb": {"likes", "comments", "shares", "views", "reach"},
                "sandbox_ig": {"views", "reach", "likes", "comments", "saved", "shares"}}[name]
    assert expected <= set(week), week
    assert all(week[k] >= hour[k] for k in hour), (hour, week)
    assert week["views"] > hour["views"] > 0
    assert week["likes"] > 0


def test_numbers_are_plausible_and_never_go_down() -> None:
    ages = [0, 60, 3600, 86400, 7 * 86400, 30 * 86400]
    for post_id in ("1", "2", "1234567890123456789"):
        series = [sandbox_metrics.figures("x", post_id, age) for age in ages]
        assert series[0]["views"] == 0
        for before, after in zip(series, series[1:]):
            assert all(after[k] >= before[k] for k in before)
        week = series[4]
        assert sandbox_metrics.VIEWS[0] * 0.9 <= week["views"] <= sandbox_metrics.VIEWS[1]
        assert week["reach"] < week["views"] and week["likes"] < week["reach"]
        assert 0.05 < series[2]["views"] / week["views"] < 0.2  # about a tenth after an hour
    assert sandbox_metrics.eventual("x", "1") != sandbox_metrics.eventual("x", "2")


def test_x_lookup_shape_and_a_deleted_post(sandbox: SandboxServer, tmp_path: Path) -> None:
    channel, remote_id = _publish(sandbox, "sandbox_x", tmp_path)
    response = channel.client().get_tweets([remote_id, "99"], tweet_fields=["public_metrics"], user_auth=True)
    body = response.json()
    assert response.status_code == 200
    assert set(body["data"][0]["public_metrics"]) == {"retweet_count", "reply_count", "like_count", "quote_count",
                                                      "bookmark_count", "impression_count"}
    assert body["errors"][0]["title"] == "Not Found Error" and body["errors"][0]["resource_id"] == "99"
    assert response.headers["x-rate-limit-limit"]  # counted like every X call
    with pytest.raises(Rejected):
        channel.metrics("99")


def test_graph_refuses_retired_and_unknown_metrics(sandbox: SandboxServer, tmp_path: Path) -> None:
    channel, media_id = _publish(sandbox, "sandbox_ig", tmp_path)
    token = channel.account.get("access_token")
    base = f"{sandbox.url}/v25.0/{media_id}/insights"
    refused = requests.get(base, params={"metric": "impressions,reach", "access_token": token}, timeout=10)
    assert refused.status_code == 400 and refused.json()["error"]["code"] == 100
    assert "impressions is no longer supported" in refused.json()["error"]["message"]
    fine = requests.get(base, params={"metric": "views,reach", "access_token": token}, timeout=10).json()
    assert [e["name"] for e in fine["data"]] == ["views", "reach"]
    assert fine["data"][0]["period"] == "lifetime" and "value" in fine["data"][0]["values"][0]


def test_a_page_without_insights_still_gets_reactions_and_a_rate_limit_is_said(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    from channels.base import RateLimited

    channel, post_id = _publish(sandbox, "sandbox_fb", tmp_path)
    sandbox.set_faults({"next": [{"network": "graph", "path": "*/insights", "method": "GET", "status": 403,
                                  "graph_code": 10}]})
    figures = channel.metrics(post_id)
    assert {"likes", "comments", "shares"} <= set(figures) and "views" not in figures
    sandbox.set_faults({"next": [{"network": "graph", "path": f"*/{post_id}", "method": "GET", "status": 400,
                                  "graph_code": 80001}]})
    with pytest.raises(RateLimited):
        channel.metrics(post_id)
