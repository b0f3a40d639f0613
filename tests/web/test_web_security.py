"""The web page's security, against a real server process: logins, sessions that end,
CSRF on every form, roles enforced on the server, a brute-forced login slowed down, and
the HTTP security headers."""

from __future__ import annotations

import requests

from tests.web.conftest import Browser, WebServer, login


def test_login_then_the_queue_and_logout_ends_the_session(web: WebServer) -> None:
    browser = login(web, "budi")
    page = browser.page("/queue")
    assert page.status_code == 200 and "budi" in page.text
    cookie = browser.cookies.get("disseminator_session")
    assert cookie
    assert browser.submit("/logout").status_code == 200
    # The old cookie, sent again by someone who kept it, opens nothing: the session is gone.
    stolen = requests.get(web.url + "/queue", cookies={"disseminator_session": cookie}, allow_redirects=False)
    assert stolen.status_code == 302 and "/login" in stolen.headers["Location"]


def test_wrong_password_is_refused(web: WebServer) -> None:
    browser = Browser(web.url)
    browser.page("/login")
    answer = browser.submit("/login", {"officer": "approver", "password": "salah-sekali-ini"})
    assert answer.status_code == 401
    assert browser.page("/queue", allow_redirects=False).status_code == 302


def test_a_form_without_its_csrf_token_is_refused(web: WebServer) -> None:
    browser = login(web, "budi")
    cookie = browser.cookies.get("disseminator_session")
    refused = requests.post(web.url + "/logout", cookies={"disseminator_session": cookie}, allow_redirects=False)
    assert refused.status_code == 400
    wrong = requests.post(web.url + "/logout", data={"csrf": "not-the-token"},
                          cookies={"disseminator_session": cookie}, allow_redirects=False)
    assert wrong.status_code == 400
    assert browser.page("/queue").status_code == 200  # still logged in: nothing was done
    # The login form too: a POST without the pre-login token is refused before any password check.
    bare = requests.post(web.url + "/login", data={"officer": "budi", "password": "budi-sandi-rahasia"},
                         allow_redirects=False)
    assert bare.status_code == 400


def test_security_headers(web: WebServer) -> None:
    answer = requests.get(web.url + "/login")
    headers = answer.headers
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    browser = login(web, "budi")
    cookie = next(c for c in browser.cookies if c.name == "disseminator_session")
    assert cookie.has_nonstandard_attr("HttpOnly") and cookie.get_nonstandard_attr("SameSite") == "Lax"
    assert not cookie.secure  # secure_cookies = false here (plain http on localhost)


def test_a_brute_forced_login_waits(web: WebServer) -> None:
    browser = Browser(web.url)
    browser.page("/login")
    for _ in range(3):  # login_attempts = 3
        assert browser.submit("/login", {"officer": "locked", "password": "tebakan-salah"}).status_code == 401
    # Now even the right password waits, with a clear message.
    blocked = browser.submit("/login", {"officer": "locked", "password": "locked-sandi-rahasia"})
    assert blocked.status_code == 429
    assert "Too many failed logins" in blocked.text
    # Another officer from the same address is not blocked (address_attempts = 50).
    assert login(web, "budi").page("/queue").status_code == 200
