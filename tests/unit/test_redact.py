"""The Redactor: each secret hidden in every encoding it is sent in, binary bodies
summarised, built from the configuration and carried per session (no global list)."""

from __future__ import annotations

import base64
import json
import logging
from typing import Any
from urllib.parse import quote, quote_plus, urlencode

import pytest
import requests
from requests.adapters import BaseAdapter

from channels.http import RedactingFilter, make_session, redact
from channels.redact import Redactor, summarise_body
from disseminator.config import Settings

SECRET = "a+b/c=d&e%f-CANARY9"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + bytes(range(256)) * 8


def _oauth_quote(value: str) -> str:
    from oauthlib.common import quote as oauth_quote

    return str(oauth_quote(value, safe=b"~"))


FORMS = {
    "raw": lambda s: s,
    "query (requests params)": lambda s: requests.Request("GET", "https://x.test/", params={"t": s}).prepare().url,
    "form body (requests data)": lambda s: requests.Request("POST", "https://x.test/", data={"t": s}).prepare().body,
    "urlencode": lambda s: urlencode({"t": s}),
    "quote safe=''": lambda s: quote(s, safe=""),
    "quote default": lambda s: quote(s),
    "quote_plus": lambda s: quote_plus(s),
    "lower-case hex": lambda s: quote(s, safe="").lower(),
    "oauthlib escape": _oauth_quote,
    "twice (signature base string)": lambda s: quote(quote(s, safe=""), safe=""),
    "json": lambda s: json.dumps({"t": s}),
    "bytes repr": lambda s: repr(s.encode()),
    "base64": lambda s: base64.b64encode(s.encode()).decode(),
    "basic auth header": lambda s: "Authorization: Basic " + base64.b64encode(f"user:{s}".encode()).decode(),
    "basic auth, odd offset": lambda s: base64.b64encode(f"xy:{s}".encode()).decode(),
    "bearer header dump": lambda s: str({"Authorization": f"Bearer {s}", "User-Agent": "t"}),
}


@pytest.mark.parametrize("form", FORMS)
def test_a_secret_is_hidden_in_every_encoding(form: str) -> None:
    sent = str(FORMS[form](SECRET))
    shown = Redactor([SECRET]).redact(f"request {sent} done")
    assert "CANARY9" not in shown and "Q0FOQVJZO" not in shown, shown  # nor its base64 core
    assert shown.startswith("request ") and shown.endswith(" done")


def test_token_parameters_are_hidden_without_knowing_the_value() -> None:
    text = 'GET /me?access_token=EAAunknown&x=1 Authorization: OAuth oauth_token="12-unknown", oauth_signature="SIGVAL%3D"'
    shown = Redactor().redact(text)
    assert "unknown" not in shown and "SIGVAL" not in shown and 'oauth_token="***"' in shown and "x=1" in shown


def test_short_values_and_ordinary_text_are_left_alone() -> None:
    r = Redactor(["abc", SECRET])
    text = "Something perfectly ordinary: abc, encyclopaedia, 1500000000000000001."
    assert r.redact(text) == text
    assert "abc" not in repr(r) and SECRET not in repr(r)


def test_binary_bodies_are_summarised_not_dumped() -> None:
    r = Redactor([SECRET])
    line = f"Updated body: {JPEG!r} token {SECRET}"
    shown = r.log_text(line)
    assert shown == f"Updated body: <{len(JPEG)} bytes: JPEG image> token ***"
    multipart = b"--boundary\r\nContent-Disposition: form-data; name=\"media\"\r\n\r\n" + JPEG + b"\r\n--boundary--\r\n"
    assert r.log_text(f"Content: {multipart!r}") == f"Content: <{len(multipart)} bytes: multipart form>"
    assert summarise_body(b'{"data": {"id": "1"}}') == '{"data": {"id": "1"}}'  # text stays readable
    assert r.body(JPEG, "image/jpeg") == f"<{len(JPEG)} bytes: image/jpeg>"


def test_the_filter_redacts_records_with_the_redactor_it_is_given_now() -> None:
    current: list[Redactor | None] = [None]
    hide = RedactingFilter(lambda: current[0])
    record = logging.LogRecord("t", logging.DEBUG, __file__, 1, "token %s and %r", (SECRET, JPEG), None)
    hide.filter(record)
    assert SECRET in record.getMessage()  # no redactor yet: only token patterns
    assert "JPEG image" in record.getMessage()
    current[0] = Redactor([SECRET])
    record = logging.LogRecord("t", logging.DEBUG, __file__, 1, "token %s", (quote_plus(SECRET),), None)
    hide.filter(record)
    assert record.getMessage() == "token ***"


def test_the_pure_function_knows_only_the_secrets_it_is_given() -> None:
    make_session(secrets=[SECRET])  # no longer registers anything process-wide
    assert redact(f"x {SECRET}") == f"x {SECRET}"
    assert redact(f"x {quote_plus(SECRET)}", [SECRET]) == "x ***"


class _Echo(BaseAdapter):
    """Answers every request at once, so the session's own debug line can be read."""

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        response = requests.Response()
        response.status_code, response.request, response.url = 200, request, request.url or ""
        response._content = b"{}"
        return response

    def close(self) -> None:
        pass


def test_each_session_has_its_own_redactor_and_logs_bodies_safely(caplog: pytest.LogCaptureFixture) -> None:
    one, two = make_session(secrets=[SECRET]), make_session(secrets=["another-secret-value"])
    assert one.redactor.secrets == {SECRET} and two.redactor.secrets == {"another-secret-value"}
    one.mount("http://fake", _Echo())
    with caplog.at_level(logging.DEBUG, logger="disseminator.http"):
        one.post("http://fake/upload", params={"t": SECRET}, files={"media": ("a.jpg", JPEG, "image/jpeg")})
        one.post("http://fake/form", data={"t": SECRET})
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "CANARY9" not in logged and "\\xff" not in logged
    assert "bytes: multipart/form-data>" in logged and "t=***" in logged
    assert one.last_response is not None and one.last_status == 200


def test_settings_collect_every_accounts_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DSM_FB", "fb-" + SECRET)
    monkeypatch.delenv("DSM_MISSING", raising=False)
    # Settings made directly: the loader refuses an unknown channel, a Settings may still hold one.
    settings = Settings(path=None, database="sqlite://", timezone="UTC", accounts={
        "x": {"channel": "twitter", "consumer_key": "ck-literal", "consumer_secret": "${DSM_MISSING}",
              "access_token": "at-literal", "access_token_secret": "ats-literal", "username": "humas_not_secret"},
        "fb": {"channel": "facebook", "page_id": "100000000000001", "access_token": "${DSM_FB}"},
        "other": {"channel": "mastodon-plugin-not-installed", "api_token": "plugin-token", "server": "https://m.test"},
    })
    secrets = settings.redactor.secrets
    assert secrets == {"ck-literal", "at-literal", "ats-literal", "fb-" + SECRET, "plugin-token"}
    assert settings.redactor is settings.redactor  # built once
    assert settings.redactor.redact(quote_plus("fb-" + SECRET)) == "***"
