"""``[alerts]``: where alerts go (a webhook, e-mail over SMTP, or both).

```toml
[alerts]
webhook_url = "https://hooks.example.go.id/humas?token=${HOOK_TOKEN}"   # POST, JSON body
smtp_host = "smtp.example.go.id"
smtp_port = 587                      # default 587 with STARTTLS, else 25
smtp_user = "disseminator"
smtp_password = "${SMTP_PASSWORD}"   # ${VAR}: read from the environment, never logged
smtp_starttls = true
mail_from = "disseminator@example.go.id"
mail_to = ["operator@example.go.id"]
```

``webhook_url`` and ``smtp_password`` may hold ``${VAR}`` references, resolved when an
alert is sent; both are secrets (a webhook URL's query often carries a token) and are
hidden from every log line and message.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from channels.i18n import _

from . import setting_ranges
from .errors import ConfigError

#: Every key ``[alerts]`` may have.
KEYS = frozenset({"webhook_url", "smtp_host", "smtp_port", "smtp_user", "smtp_password", "smtp_starttls",
                  "mail_from", "mail_to"})
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class AlertSettings:
    """Where alerts go; values as written (``${VAR}`` unresolved): see :meth:`resolved`."""

    webhook_url: str | None = None
    smtp_host: str | None = None
    smtp_port: int | None = None
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = True
    mail_from: str | None = None
    mail_to: tuple[str, ...] = ()

    def __repr__(self) -> str:  # never the URL or the password
        return f"AlertSettings(webhook={bool(self.webhook_url)}, smtp_host={self.smtp_host!r}, mail_to={self.mail_to!r})"

    @property
    def destinations(self) -> tuple[str, ...]:
        """``webhook`` and/or ``email``: where an alert is delivered (empty: alerts off)."""
        found = []
        if self.webhook_url:
            found.append("webhook")
        if self.smtp_host and self.mail_to:
            found.append("email")
        return tuple(found)

    @property
    def port(self) -> int:
        return self.smtp_port or (587 if self.smtp_starttls else 25)

    def resolved(self, key: str) -> str | None:
        """``key``'s value with each ``${VAR}`` from the environment.

        Raises :class:`ConfigError` naming the variable (never its value) when one is not set.
        """
        value = getattr(self, key)
        if value is None:
            return None

        def sub(match: re.Match[str]) -> str:
            found = os.environ.get(match.group(1))
            if found is None:
                raise ConfigError(_("alerts.{key}: environment variable {var} is not set").format(
                    key=key, var=match.group(1)))
            return found

        return _VAR.sub(sub, str(value))

    def secrets(self) -> list[str]:
        """The values to hide from logs: the password, the webhook URL and its query."""
        found = []
        for key in ("smtp_password", "webhook_url"):
            try:
                value = self.resolved(key)
            except ConfigError:
                continue
            if value:
                found.append(value)
                if key == "webhook_url" and "?" in value:
                    found.append(value.split("?", 1)[1])
        return found


def parse_alerts(raw: Any, at: Callable[..., str]) -> AlertSettings:
    """Check ``[alerts]`` (unknown keys are refused before this, by config_keys);
    ``at(*key)`` says where a key is written.  Raises :class:`ConfigError`."""
    if raw is None:
        return AlertSettings()
    if not isinstance(raw, Mapping):
        raise ConfigError(_("{where}: alerts: expected a table").format(where=at("alerts")))

    def text(key: str) -> str | None:
        value = raw.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise ConfigError(_("{where}: alerts.{key}: expected text").format(where=at("alerts", key), key=key))
        return value.strip() if isinstance(value, str) else None

    url = text("webhook_url")
    if url is not None and not re.match(r"^(https?://[^\s/]+|\$\{)", url):
        raise ConfigError(_("{where}: alerts.webhook_url: expected an http(s) URL").format(
            where=at("alerts", "webhook_url")))
    port = raw.get("smtp_port")
    if port is not None:
        setting_ranges.check(at("alerts", "smtp_port"), "alerts.smtp_port", setting_ranges.ALERTS["smtp_port"], port)
    starttls = raw.get("smtp_starttls", True)
    if not isinstance(starttls, bool):
        raise ConfigError(_("{where}: alerts.smtp_starttls: expected true or false").format(
            where=at("alerts", "smtp_starttls")))
    mail_to = raw.get("mail_to", [])
    if isinstance(mail_to, str):
        mail_to = [mail_to]
    if not isinstance(mail_to, list) or not all(isinstance(m, str) and "@" in m for m in mail_to):
        raise ConfigError(_('{where}: alerts.mail_to: expected a list of e-mail addresses such as '
                            '["operator@example.go.id"]').format(where=at("alerts", "mail_to")))
    found = AlertSettings(webhook_url=url, smtp_host=text("smtp_host"), smtp_port=port, smtp_user=text("smtp_user"),
                          smtp_password=text("smtp_password"), smtp_starttls=starttls, mail_from=text("mail_from"),
                          mail_to=tuple(m.strip() for m in mail_to))
    if found.smtp_host and not found.mail_to:
        raise ConfigError(_("{where}: alerts.mail_to: smtp_host is set, but no address to send alerts to").format(
            where=at("alerts", "smtp_host")))
    if found.mail_to and not found.smtp_host:
        raise ConfigError(_("{where}: alerts.smtp_host: mail_to is set, but no SMTP server to send through").format(
            where=at("alerts", "mail_to")))
    return found
