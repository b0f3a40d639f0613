"""What is quicker to show without a server process: failed logins counted per client
address too (several officers tried from one address), and cookies marked Secure when
``[web] secure_cookies = true``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from disseminator.config import load_settings
from disseminator.store import Store
from disseminator.web import throttle
from tests.web.conftest import OFFICERS, make_site


def test_failures_from_one_address_block_it_for_every_officer(tmp_path: Path, db_url: str) -> None:
    config, _db = make_site(tmp_path, "http://127.0.0.1:9", database=db_url)
    settings = load_settings(config)
    store = Store.open(settings.database)
    web = settings.web  # login_attempts = 3, address_attempts = 50, login_wait = 600 (make_site)
    now = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.timezone.utc)
    try:
        for i in range(49):  # each name fails once or twice: no officer reaches its own limit
            throttle.failed(store, f"tebakan{i % 25}", "10.0.0.7", now)
        assert throttle.blocked_until(store, web, "budi", "10.0.0.7", now) is None
        throttle.failed(store, "tebakan-terakhir", "10.0.0.7", now)
        assert throttle.blocked_until(store, web, "budi", "10.0.0.7", now) == now + dt.timedelta(seconds=600)
        assert throttle.blocked_until(store, web, "budi", "10.0.0.8", now) is None  # another address is not
        assert throttle.blocked_until(store, web, "budi", "10.0.0.7", now + dt.timedelta(seconds=601)) is None
        for _ in range(3):  # login_attempts = 3 for one officer, from anywhere
            throttle.failed(store, "locked", "10.0.0.9", now)
        assert throttle.blocked_until(store, web, "locked", "10.0.0.10", now) is not None
        throttle.succeeded(store, "locked")  # (after the wait) a good login forgets the officer's failures
        assert throttle.blocked_until(store, web, "locked", "10.0.0.10", now) is None
    finally:
        store.close()


def test_sessions_end_at_logout_idle_and_absolute_timeouts(tmp_path: Path, db_url: str) -> None:
    from unittest import mock

    from disseminator.web import sessions

    config, _db = make_site(tmp_path, "http://127.0.0.1:9", database=db_url,
                            web="session_idle = 600\nsession_max = 3600\n")
    settings = load_settings(config)
    store = Store.open(settings.database)
    start = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.timezone.utc)
    try:
        def at(minutes: int) -> mock._patch[object]:
            return mock.patch.object(sessions, "now", return_value=start + dt.timedelta(minutes=minutes))

        with at(0):
            token = sessions.start(store, "budi", "127.0.0.1")
            other = sessions.start(store, "budi", "127.0.0.1")
        for minute in range(9, 60, 9):  # used every 9 minutes: the idle timeout (10) never comes
            with at(minute):
                found = sessions.find(store, settings.web, token)
                assert found is not None and found.officer == "budi"
        with at(61):  # but a login ends an hour after it began, however used
            assert sessions.find(store, settings.web, token) is None
        with at(11):  # the other one, unused for 11 minutes, has ended too
            assert sessions.find(store, settings.web, other) is None
        with at(0):
            third = sessions.start(store, "budi", "127.0.0.1")
            login = sessions.find(store, settings.web, third)
            assert login is not None
            sessions.end(store, login.key)
            assert sessions.find(store, settings.web, third) is None
            assert sessions.find(store, settings.web, "a-guessed-token") is None
    finally:
        store.close()


def test_cookies_are_secure_when_configured(tmp_path: Path) -> None:
    import re

    from disseminator.web.app import create_app

    config, _db = make_site(tmp_path, "http://127.0.0.1:9", web="secure_cookies = true\n")
    settings = load_settings(config)
    store = Store.open(settings.database)
    try:
        client = create_app(settings, store).test_client()
        page = client.get("/login")
        assert "Secure" in page.headers["Set-Cookie"]
        token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        answer = client.post("/login", data={"officer": "budi", "password": OFFICERS["budi"][1], "csrf": token})
        assert answer.status_code == 302
        cookie = answer.headers["Set-Cookie"]
        assert cookie.startswith("disseminator_session=") and "Secure" in cookie and "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie
    finally:
        store.close()


def test_behind_a_proxy_failed_logins_count_by_the_browsers_address(tmp_path: Path) -> None:
    import re

    from disseminator.web.app import create_app

    config, _db = make_site(tmp_path, "http://127.0.0.1:9", web="proxy_hops = 1\naddress_attempts = 2\n")
    settings = load_settings(config)
    store = Store.open(settings.database)
    try:
        client = create_app(settings, store).test_client()
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)  # type: ignore[union-attr]

        def attempt(address: str, name: str) -> int:
            return client.post("/login", data={"officer": name, "password": "salah-salah-salah", "csrf": token},
                               headers={"X-Forwarded-For": address}).status_code

        assert [attempt("10.1.1.1", "a"), attempt("10.1.1.1", "b"), attempt("10.1.1.1", "c")] == [401, 401, 429]
        assert attempt("10.2.2.2", "d") == 401  # another browser behind the same proxy is not blocked
    finally:
        store.close()
