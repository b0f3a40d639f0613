"""Accounts as an officer manages them: list with their state, check, pause, resume.

A check is what lets an account publish again: its template is checked (no network
needed), then its credentials against its network.  A pass clears the account's
"needs attention" mark and its rate-limit hold, and makes the posts that waited for it
due at once; a refused credential sets the mark (its posts wait, they do not fail); a
network that cannot be reached changes nothing, and neither does a problem of the
configuration (a ``${VAR}`` not set): that is never stored, fixing it is enough.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from channels.i18n import _

from .errors import ConfigError, RunFailed

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from channels.base import Account, Channel

    from .config import Settings
    from .store import Store


def list_accounts(settings: Settings, store: Callable[[], Store]) -> list[dict[str, Any]]:
    """Every configured account (never its credentials) with its state:
    ``[{"account", "channel", "base_url", "needs_attention", "paused"}]``.

    ``needs_attention`` is what keeps the account from publishing: first what the
    configuration itself says (every ``${VAR}`` not set), else the database's mark.
    ``store`` opens the database; without one (before ``init``) only the configuration speaks.
    """
    from . import holds
    from .store import HoldKind

    try:
        db = store()
        attention, paused = holds.reasons(db, HoldKind.ATTENTION), holds.reasons(db, HoldKind.PAUSE)
    except Exception:  # noqa: BLE001 - listing accounts works without a database
        attention, paused = {}, {}
    rows = []
    for name in settings.account_names():
        acc = settings.account(name, resolve=False)
        rows.append({"account": name, "channel": acc.channel, "base_url": acc.base_url,
                     "needs_attention": settings.account_problem(name) or attention.get(name), "paused": paused.get(name, paused.get(holds.ALL)),
                     "paused_all": holds.ALL in paused})
    return rows


@dataclass(frozen=True)
class Checks:
    """One row per account checked (the ``accounts check --json`` shape)."""

    rows: list[dict[str, Any]]

    def raise_if_failed(self) -> None:
        """Raises :class:`RunFailed` when any account did not pass (its row says why)."""
        if not all(r["ok"] for r in self.rows):
            raise RunFailed()


def check_accounts(
    settings: Settings,
    store: Store,
    names: Sequence[str] = (),
    *,
    channel_factory: Callable[..., Channel] | None = None,
    now: dt.datetime | None = None,
) -> Checks:
    """Check each named account (all when none), recording the outcome (see the module).

    A row is ``{"account", "ok", "identity", "quota", "error"}``, plus ``released`` (posts
    made due again) after a pass and ``unreachable`` when the network could not be asked.
    Raises :class:`~disseminator.errors.ConfigError` for an unknown name.
    """
    from .planner import choose_accounts
    from .registry import make_channel

    factory = channel_factory or make_channel
    now = now or dt.datetime.now(dt.timezone.utc)
    return Checks([_check_one(settings, store, name, factory, now) for name in choose_accounts(settings, names)])


def _check_one(settings: Settings, store: Store, name: str, channel_factory: Callable[..., Channel], now: dt.datetime) -> dict[str, Any]:
    from channels.base import AuthError, ChannelError

    from . import holds
    from .store import HoldKind

    row: dict[str, Any] = {"account": name, "ok": False, "identity": None, "quota": None, "error": None}
    try:
        account = settings.account(name)
        check_template(settings, account)
        channel = channel_factory(account, context=settings.context)
        result = channel.check()
    except ConfigError as exc:  # a missing ${VAR}, say: the configuration keeps saying so, no mark is stored
        row["error"] = exc.message
    except ValueError as exc:  # the account's template: no post is rendered with it until fixed
        row["error"] = str(exc)
    except AuthError as exc:
        row["error"] = _("credentials refused: {detail}").format(detail=exc.message)
        # The reason is kept in English, as the database keeps messages, and shown translated.
        holds.place(store, name, HoldKind.ATTENTION, reason=f"credentials refused: {exc.message}")
    except ChannelError as exc:  # the network did not answer: what we knew still stands
        row["error"] = _("could not check ({kind}): {detail}").format(kind=exc.kind, detail=exc.message)
        row["unreachable"] = True
    else:
        row.update(ok=result.ok, identity=result.identity, quota=result.quota)
        if not result.ok:  # credentials fine, something else not (Instagram's media URL): nothing released
            row["error"] = result.message or _("the check did not pass")
            return row
        released = holds.release(store, name, HoldKind.ATTENTION, HoldKind.RATE_LIMIT)
        if released:
            row["released"] = released
        _token_expiry(settings, store, name, channel, row, now)
    return row


def _token_expiry(settings: Settings, store: Store, name: str, channel: Channel, row: dict[str, Any],
                  now: dt.datetime) -> None:
    """Add ``token_expires_at`` (shown in the configured zone; None: never) and
    ``token_expires_soon`` to a passing check's row, and keep the answer for ``status``."""
    from channels.base import ChannelError

    from . import tokens
    from .timeshow import show

    try:
        expires_at = tokens.ask(settings, store, name, channel)
    except ChannelError as exc:  # credentials passed a moment ago: a hiccup, said but not fatal
        row["token_error"] = exc.message
        return
    row["token_expires_at"] = show(expires_at, settings.tz) if expires_at else None
    row["token_expires_soon"] = bool(expires_at and expires_at <= now + tokens.EXPIRY_WARNING)


def check_template(settings: Settings, account: Account) -> None:
    """Render-check an account's own template (or its channel's default).

    Raises ``ValueError`` naming the template and the line.
    """
    from channels.templates import DEFAULT_CHANNELS, check_template as check

    override = account.get("template")
    if override or account.channel in DEFAULT_CHANNELS:
        check(account.channel, override=str(override) if override else None, search_dirs=[settings.base_dir])


def pause(settings: Settings, store: Store, name: str, reason: str = "") -> dict[str, Any]:
    """Stop publishing for ``name`` at once; its posts stay queued, nothing is cancelled.

    Raises :class:`~disseminator.errors.ConfigError` for an unknown name.
    """
    from . import holds, record
    from .store import HoldKind

    settings.account(name, resolve=False)  # an unknown name is an error
    already = holds.reasons(store, HoldKind.PAUSE).get(name)
    if already is not None and not reason:
        # Paused again without a reason: keep the reason given first ("berkabung").
        return {"account": name, "paused": True, "reason": already or None, "changed": False}
    changed = already is None or already != reason
    now = store.clock.now()

    def noted(s: Session) -> None:  # in the publication record, in the pause's own transaction
        record.account_event(s, event="paused", account=name, at=now, reason=reason or None)

    holds.place(store, name, HoldKind.PAUSE, reason=reason or "", also=noted if changed else None)
    return {"account": name, "paused": True, "reason": reason or None, "changed": changed}


def resume(settings: Settings, store: Store, name: str) -> dict[str, Any]:
    """Let a paused account publish again (``changed`` false when it was not paused).

    Also returns ``due``: how many of its posts are overdue (they go at the next run),
    and ``still_held``: the other holds that keep them back (needs attention, say).
    """
    from . import holds, record
    from .store import HoldKind

    settings.account(name, resolve=False)
    was_paused = HoldKind.PAUSE in {h.kind for h in holds.active(store, account=name).get(name, [])}
    # A budget hold too: X's 402 holds the account until credits are bought and it is
    # resumed; a configured budget still used up is placed again before the next write.
    spent = holds.lift(store, name, HoldKind.BUDGET)
    now = store.clock.now()

    def noted(s: Session) -> None:  # in the publication record, in the resume's own transaction
        if was_paused:
            record.account_event(s, event="resumed", account=name, at=now)

    due = holds.due_count(store, name) if holds.lift(store, name, HoldKind.PAUSE, also=noted) else 0
    if spent and not was_paused:
        was_paused, due = True, holds.due_count(store, name)
    still = [holds.describe(h) for h in holds.active(store, account=name).get(name, [])]
    return {"account": name, "paused": False, "reason": None, "changed": was_paused, "due": due, "still_held": still}
