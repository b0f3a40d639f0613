"""Delivering an alert: the words people read, a webhook POST and an e-mail over SMTP.

The text is in the configured language (``_()``); the webhook's JSON keys stay English
(``event``, ``summary``, ``text``, then the facts: ``post_id``, ``account``, ...).  A
delivery never raises: it returns what went wrong, with every secret (the SMTP password,
the webhook URL and its query) hidden, and the caller tries again later.
"""

from __future__ import annotations

import json
import logging
import socket
from typing import TYPE_CHECKING, Any

from channels.i18n import _, stored

if TYPE_CHECKING:
    from .config import Settings

log = logging.getLogger("disseminator.alerts")

#: Seconds one delivery may take (connecting, sending, the answer).
TIMEOUT = 10.0


def compose(kind: str, facts: dict[str, Any], settings: Settings) -> tuple[str, str]:
    """(subject, text) of an alert, in the current language: what happened, to which post
    and account, and what to do."""
    from .views import show_human

    tz = settings.tz
    f = {k: ("" if v is None else v) for k, v in facts.items()}
    when = show_human(facts.get("at"), tz) if facts.get("at") else ""
    if kind == "post_failed":
        return (_("Disseminator: post {post_id} for {account} failed").format(**f),
                _("Post {post_id} for {account} ({channel}) failed at {when}: {reason}\n\n"
                  "It will not be published by itself. See what was tried with 'disseminator post {post_id}'; "
                  "fix the cause (edit the text, renew the credentials), then send it again with "
                  "'disseminator retry {post_id}'.").format(when=when, **{**f, "reason": stored(str(f["reason"]))}))
    if kind == "post_missed":
        return (_("Disseminator: post {post_id} for {account} was missed").format(**f),
                _("Post {post_id} for {account} ({channel}) was due at {due} and was not published in time "
                  "(no daemon was running then). It will not go out late by itself: if it still should, "
                  "release it with 'disseminator retry {post_id}'.").format(
                    due=show_human(facts.get("scheduled_at"), tz), **f))
    if kind == "post_unknown":
        return (_("Disseminator: post {post_id} for {account} may or may not be out").format(**f),
                _("Post {post_id} for {account} ({channel}) was sent at {when} but the answer was lost, and "
                  "this network cannot be asked whether it arrived: {reason}\n\nIt will not be sent again by "
                  "itself. Look at the channel: if the post is there, run 'disseminator post confirm {post_id} "
                  "--remote-id ID'; if not, 'disseminator post confirm {post_id} --not-sent' sends it "
                  "again.").format(when=when, **{**f, "reason": stored(str(f["reason"]))}))
    if kind == "attention":
        return (_("Disseminator: account {account} needs attention").format(**f),
                _("Account {account} needs attention since {when}: {reason}\n\n"
                  "Its posts wait (none is lost or failed). Fix the credentials in the configuration, then run "
                  "'disseminator accounts check {account}': its posts go out once the check passes.").format(
                    when=when, **{**f, "reason": stored(str(f["reason"]))}))
    if kind == "token_expiring":
        return (_("Disseminator: the access token of {account} expires soon").format(**f),
                _("The access token of account {account} expires {expires}.\n\n"
                  "Renew it before then, put the new token in the configuration, and run "
                  "'disseminator accounts check {account}'. After it expires, the account's posts wait "
                  "until the token is renewed.").format(expires=show_human(facts.get("expires_at"), tz), **f))
    if kind == "daemon_silent":
        return (_("Disseminator: daemon {worker} stopped beating").format(**f),
                _("Daemon {worker} on {host} has not been seen since {last}: it stopped or hangs.\n\n"
                  "Other daemons, or run-due from cron, publish its posts; if it was the only one, nothing "
                  "is published until it runs again. Check the process on {host} "
                  "('disseminator status' shows every daemon).").format(
                    last=show_human(facts.get("last_beat"), tz), **f))
    if kind == "alt_missing":
        from .alt_text import command

        ids = " ".join(str(i) for i in facts.get("post_ids") or [])
        return (_("Disseminator: posts of article {article_id} wait for alt text").format(**f),
                _("Feed {feed} took article {article_id}, but its image has no alt text, so posts {ids} are not "
                  "sent (require_alt_text).\n\nDescribe what the image shows with '{command}', then send them "
                  "with 'disseminator approve {ids}'.").format(ids=ids, command=command(facts["article_id"]), **f))
    if kind == "test":
        return (_("Disseminator: test alert"),
                _("A test alert from Disseminator on {host}: alerts reach you. Nothing needs to be done.").format(**f))
    return (_("Disseminator: {kind}").format(kind=kind), json.dumps(facts, ensure_ascii=False))


def test_facts() -> dict[str, Any]:
    """The facts of a test alert (``alerts test``)."""
    return {"host": socket.gethostname()}


class Sender:
    """Delivers alerts to the destinations of ``settings.alerts``."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def send(self, destination: str, kind: str, facts: dict[str, Any]) -> str | None:
        """Deliver one alert to ``destination`` (``webhook`` or ``email``); None when it
        went, else what went wrong (secrets hidden).  Never raises."""
        from .errors import ConfigError

        try:
            subject, text = compose(kind, facts, self.settings)
            if destination == "webhook":
                self._webhook(kind, subject, text, facts)
            elif destination == "email":
                self._email(subject, text)
            else:
                return _("unknown destination {name}").format(name=destination)
        except ConfigError as exc:
            return exc.message
        except Exception as exc:  # noqa: BLE001 - any failure is reported and retried, never raised
            return self._redact(f"{type(exc).__name__}: {exc}")
        return None

    def _redact(self, text: str) -> str:
        from channels.redact import Redactor

        return Redactor(self.settings.alerts.secrets()).redact(text)

    def _webhook(self, kind: str, subject: str, text: str, facts: dict[str, Any]) -> None:
        import urllib.error
        import urllib.request

        url = self.settings.alerts.resolved("webhook_url") or ""
        body = json.dumps({"event": kind, "summary": subject, "text": text, **facts}, ensure_ascii=False).encode()
        request = urllib.request.Request(url, data=body, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8", "User-Agent": "disseminator-alerts"})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:  # noqa: S310 - the operator's URL
                answer.read(1024)
        except urllib.error.HTTPError as exc:  # its text never holds the URL
            raise RuntimeError(_("the webhook answered HTTP {status}").format(status=exc.code)) from None
        except urllib.error.URLError as exc:
            raise RuntimeError(_("the webhook could not be reached: {reason}").format(reason=exc.reason)) from None

    def _email(self, subject: str, text: str) -> None:
        import smtplib
        import ssl
        from email.message import EmailMessage
        from email.utils import formatdate, make_msgid

        cfg = self.settings.alerts
        message = EmailMessage()
        message["Subject"] = subject
        message["From"] = cfg.mail_from or f"disseminator@{socket.gethostname()}"
        message["To"] = ", ".join(cfg.mail_to)
        message["Date"] = formatdate(localtime=True)
        message["Message-ID"] = make_msgid(domain="disseminator")
        message.set_content(text)
        host, port = cfg.smtp_host or "", cfg.port
        smtp: smtplib.SMTP
        if port == 465:  # implicit TLS ("SMTPS")
            smtp = smtplib.SMTP_SSL(host, port, timeout=TIMEOUT, context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(host, port, timeout=TIMEOUT)
        with smtp:
            if port != 465 and cfg.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if cfg.smtp_user:
                smtp.login(cfg.smtp_user, cfg.resolved("smtp_password") or "")
            smtp.send_message(message)
