"""``[web]``: the web page for officers (``disseminator web``; the daemon starts it too
when ``enabled = true``).

```toml
[web]
enabled = false            # the daemon serves the web page as well
host = "127.0.0.1"         # this machine only; another address only behind a firewall/proxy
port = 8080
secure_cookies = false     # true when it is reached over https (a proxy in front)
session_idle = 1800        # seconds without a click before a login ends
session_max = 43200        # seconds after which a login ends anyway
login_attempts = 5         # failed logins of one officer before the wait
address_attempts = 20      # failed logins from one address before the wait
login_wait = 300           # seconds to wait after too many failed logins
proxy_hops = 0             # https proxies in front: their X-Forwarded-For is believed
```

This module reads no web library: the configuration is checked by every command.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from channels.i18n import _

from . import setting_ranges
from .errors import ConfigError

#: Every key ``[web]`` may have.
KEYS = frozenset({"enabled", "host", "secure_cookies", *setting_ranges.WEB})
_FLAGS = ("enabled", "secure_cookies")


@dataclass(frozen=True)
class WebSettings:
    """``[web]``, validated; the defaults are the ones the README lists."""

    enabled: bool = False
    host: str = "127.0.0.1"
    port: int = 8080
    secure_cookies: bool = False
    session_idle: int = 1800
    session_max: int = 43_200
    login_attempts: int = 5
    address_attempts: int = 20
    login_wait: int = 300
    #: How many reverse proxies stand in front (their X-Forwarded-For and -Proto are
    #: believed, so failed logins are counted by the browser's address); 0: none.
    proxy_hops: int = 0


def parse_web(raw: Any, at: Callable[..., str]) -> WebSettings:
    """Check ``[web]`` (unknown keys are refused before this, by config_keys); ``at(*key)``
    says where a key is written.  Raises :class:`ConfigError`."""
    if raw is None:
        return WebSettings()
    if not isinstance(raw, Mapping):
        raise ConfigError(_("{where}: web: expected a table").format(where=at("web")))
    values: dict[str, Any] = {}
    for key in _FLAGS:
        if key in raw:
            if not isinstance(raw[key], bool):
                raise ConfigError(_("{where}: web.{key}: expected true or false").format(where=at("web", key), key=key))
            values[key] = raw[key]
    if "host" in raw:
        host = raw["host"]
        if not isinstance(host, str) or not host.strip() or any(c.isspace() or c == "/" for c in host.strip()):
            raise ConfigError(_('{where}: web.host: expected an address to listen on such as "127.0.0.1"').format(
                where=at("web", "host")))
        values["host"] = host.strip()
    for key, rng in setting_ranges.WEB.items():
        if key in raw:
            values[key] = int(setting_ranges.check(at("web", key), f"web.{key}", rng, raw[key]))
    found = WebSettings(**values)
    if found.session_idle > found.session_max:
        raise ConfigError(_("{where}: web.session_idle: {idle} s is longer than web.session_max ({max} s)").format(
            where=at("web", "session_idle"), idle=found.session_idle, max=found.session_max))
    return found
