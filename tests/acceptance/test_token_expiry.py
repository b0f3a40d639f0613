"""Token expiry: Graph's debug_token through the channel, in ``accounts check``, in
``status`` (a problem within 7 days: exit 1), and the daemon's check a few times a day."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import requests

from channels.clock import FakeClock
from disseminator import tokens
from disseminator.config import load_settings
from disseminator.registry import make_channel
from disseminator.sandbox import DEFAULT
from disseminator.store import Store


def _expire_in(sandbox: Any, seconds: int) -> int:
    at = int(time.time()) + seconds
    answer = requests.post(sandbox.url + "/_sandbox/tokens/expiry",
                           json={"token": DEFAULT.fb_page_token, "expires_at": at}, timeout=5)
    assert answer.status_code == 200
    return at


def test_graph_channels_report_the_expiry_and_x_none(config: Path, sandbox: Any) -> None:
    settings = load_settings(config)
    at = _expire_in(sandbox, 20 * 86_400)
    for name in ("sandbox_fb", "sandbox_ig"):
        expiry = make_channel(settings.account(name), context=settings.context).token_expiry()
        assert expiry == dt.datetime.fromtimestamp(at, dt.timezone.utc)
    assert make_channel(settings.account("sandbox_x"), context=settings.context).token_expiry() is None


def test_accounts_check_shows_the_expiry(cli: Any, sandbox: Any) -> None:
    result = cli("accounts", "check", "sandbox_fb", "sandbox_x")
    assert result.code == 0, result.out + result.err
    assert "token expires" in result.out and "token does not expire" in result.out
    _expire_in(sandbox, 3 * 86_400)
    result = cli("accounts", "check", "sandbox_fb")
    assert "WARNING: the token expires" in result.out and "renew it" in result.out
    [row] = cli("accounts", "check", "sandbox_fb", "--json").json()
    assert row["token_expires_soon"] is True and row["token_expires_at"].endswith("+07:00")


def test_status_lists_a_token_expiring_within_7_days(cli: Any, sandbox: Any) -> None:
    _expire_in(sandbox, 30 * 86_400)
    assert cli("accounts", "check", "sandbox_fb").code == 0
    assert cli("status").code == 0  # 30 days off: not a problem
    _expire_in(sandbox, 2 * 86_400)
    assert cli("accounts", "check", "sandbox_fb").code == 0
    result = cli("status")
    assert result.code == 1
    assert "sandbox_fb: its access token expires" in result.err
    data = cli("status", "--json").json()
    assert [t["account"] for t in data["tokens"]] == ["sandbox_fb"]
    assert any("access token expires" in p for p in data["problems"])


def test_the_daemons_check_tokens_at_most_every_6_hours(config: Path, sandbox: Any) -> None:
    settings = load_settings(config)
    clock = FakeClock(dt.datetime.now(dt.timezone.utc))
    store = Store(settings.database, clock=clock)
    assert not tokens.due(store, clock.now())  # the first daemon asks 10 minutes after it started
    clock.advance(dt.timedelta(minutes=9))
    assert not tokens.due(store, clock.now())
    clock.advance(dt.timedelta(minutes=1))
    assert tokens.due(store, clock.now())
    assert not tokens.due(store, clock.now())
    clock.advance(dt.timedelta(hours=5, minutes=59))
    assert not tokens.due(store, clock.now())
    clock.advance(dt.timedelta(minutes=1))
    assert tokens.due(store, clock.now())
    _expire_in(sandbox, 86_400)
    assert sorted(tokens.check_all(settings, store)) == ["sandbox_fb", "sandbox_ig", "sandbox_th"]  # X's tokens do not expire
    assert [e.account for e in tokens.expiring(store, settings, clock.now())] == ["sandbox_fb", "sandbox_ig"]
    store.close()
