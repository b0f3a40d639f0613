"""``[feeds]``: WebSub push for feeds that advertise a hub (disseminator.ingest.websub).

```toml
[feeds]
callback_url = "https://humas.example.go.id/disseminator/websub"  # public address of the callback
listen = "127.0.0.1:8780"          # where the daemon serves it (a reverse proxy forwards to it)
secret = "${WEBSUB_SECRET}"        # per-subscription HMAC secrets are derived from it
```

Without ``callback_url`` nothing subscribes and feeds are only polled.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from channels.i18n import _

from ..errors import ConfigError

#: ``[feeds]`` keys.
KEYS = frozenset({"callback_url", "listen", "secret"})
DEFAULT_PORT = 8780


@dataclass(frozen=True)
class FeedsSettings:
    #: The public URL hubs call back (None: no WebSub).
    callback_url: str | None = None
    #: host and port the daemon's callback server listens on.
    listen_host: str = "127.0.0.1"
    listen_port: int = DEFAULT_PORT
    #: As written (``${VAR}`` resolved when used, never stored).
    secret: str | None = None


def parse_feeds(data: Mapping[str, Any], at: Callable[..., str]) -> FeedsSettings:
    """The ``[feeds]`` table of a configuration; raises :class:`ConfigError` naming the line."""
    raw = data.get("feeds", {})
    if not isinstance(raw, dict):
        raise ConfigError(_("{where}: feeds: expected a table").format(where=at("feeds")))
    url = raw.get("callback_url")
    if url is None:
        return FeedsSettings()
    if not isinstance(url, str) or not re.match(r"^https?://[^\s/]+", url):
        raise ConfigError(_("{where}: feeds.callback_url: expected an http(s) URL that hubs can reach").format(
            where=at("feeds", "callback_url")))
    secret = raw.get("secret")
    if not isinstance(secret, str) or not secret.strip():
        raise ConfigError(_('{where}: feeds.secret: expected a secret such as "${{WEBSUB_SECRET}}" '
                            "(feeds.callback_url needs it to check what hubs push)").format(where=at("feeds")))
    listen = raw.get("listen")
    port = urlsplit(url).port or DEFAULT_PORT
    host = "127.0.0.1"
    if listen is not None:
        match = re.fullmatch(r"\[?([^\]\s]*?)\]?:(\d{1,5})", listen) if isinstance(listen, str) else None
        if match is None or not 0 < int(match.group(2)) < 65536:
            raise ConfigError(_('{where}: feeds.listen: expected a host and port such as "127.0.0.1:8780"').format(
                where=at("feeds", "listen")))
        host, port = match.group(1) or "0.0.0.0", int(match.group(2))
    return FeedsSettings(callback_url=url.rstrip("/"), listen_host=host, listen_port=port, secret=secret)
