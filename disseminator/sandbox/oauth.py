"""OAuth 1.0a (HMAC-SHA1) verification for the X endpoints.

The channels' session rewrites the official host to the sandbox *after* tweepy signed
the request, so the signature was computed over ``https://api.twitter.com/...`` (or
api.x.com, upload.twitter.com).  We recompute it over each official origin and accept
the request when one matches, exactly as X would check it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Iterable, Sequence
from urllib.parse import parse_qsl, quote, unquote

from disseminator.sandbox.credentials import XUser

OFFICIAL_ORIGINS = ("https://api.twitter.com", "https://api.x.com", "https://upload.twitter.com")
_PARAM = re.compile(r'([A-Za-z0-9_\-]+)="([^"]*)"')


def _enc(value: str) -> str:
    # RFC 5849 3.6: only the unreserved characters stay unencoded.
    return quote(value, safe="~-._")


def parse_authorization(header: str | None) -> dict[str, str] | None:
    """The oauth_* parameters of an ``Authorization: OAuth ...`` header, or None."""
    if not header or not header.startswith("OAuth "):
        return None
    params = {unquote(k): unquote(v) for k, v in _PARAM.findall(header[6:])}
    return params or None


def signature(
    method: str,
    base_uri: str,
    params: Iterable[tuple[str, str]],
    consumer_secret: str,
    token_secret: str,
) -> str:
    """The base64 HMAC-SHA1 signature of a request (RFC 5849 section 3.4)."""
    pairs = sorted((_enc(k), _enc(v)) for k, v in params)
    normalized = "&".join(f"{k}={v}" for k, v in pairs)
    base = "&".join((method.upper(), _enc(base_uri), _enc(normalized)))
    key = f"{_enc(consumer_secret)}&{_enc(token_secret)}"
    digest = hmac.new(key.encode(), base.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def verify(
    *,
    method: str,
    path: str,
    query_string: str,
    form_body: str | None,
    authorization: str | None,
    users: Sequence[XUser],
    extra_origins: Sequence[str] = (),
) -> XUser | None:
    """The user whose credentials signed this request, or None when nothing matches.

    ``form_body`` is the raw body when it is application/x-www-form-urlencoded (OAuth
    1.0a signs those parameters too), else None.  Never raises on malformed input.
    """
    oauth = parse_authorization(authorization)
    if not oauth or oauth.get("oauth_signature_method") != "HMAC-SHA1":
        return None
    claimed = oauth.get("oauth_signature", "")
    user = next(
        (
            u
            for u in users
            if u.consumer_key == oauth.get("oauth_consumer_key") and u.access_token == oauth.get("oauth_token")
        ),
        None,
    )
    if user is None:
        return None
    params = [(k, v) for k, v in oauth.items() if k not in ("oauth_signature", "realm")]
    params += parse_qsl(query_string, keep_blank_values=True)
    if form_body:
        params += parse_qsl(form_body, keep_blank_values=True)
    for origin in (*OFFICIAL_ORIGINS, *extra_origins):
        expected = signature(method, origin + path, params, user.consumer_secret, user.access_token_secret)
        if hmac.compare_digest(expected, claimed):
            return user
    return None
