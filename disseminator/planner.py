"""Article -> posts: which accounts, what each network will get, and when."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from channels.base import Article, ChannelError, Draft
from channels.i18n import _

from .config import Settings
from .errors import UserError
from .registry import make_channel
from .store import PostRow, Store


#: A text published this recently is not queued again (X refuses recent duplicates).
REPEAT_WINDOW = dt.timedelta(days=7)


@dataclass(frozen=True)
class Plan:
    """One account's draft, or why there is none."""

    account: str
    channel: str
    draft: Draft | None = None
    refused: str | None = None


def choose_accounts(settings: Settings, names: Sequence[str]) -> list[str]:
    """``names`` checked against the configuration; all accounts when none are named."""
    if not names:
        if not settings.accounts:
            raise UserError(_("no accounts are configured (add [accounts.NAME] tables, or run "
                              "'disseminator init --sandbox URL')"))
        return settings.account_names()
    for name in names:
        settings.account(name, resolve=False)  # raises for an unknown name
    return list(dict.fromkeys(names))


def plan(settings: Settings, article: Article, names: Sequence[str]) -> list[Plan]:
    """Render ``article`` for every chosen account.  Needs no credentials."""
    plans = []
    for name in choose_accounts(settings, names):
        account = settings.account(name, resolve=False)
        channel = make_channel(account, context=settings.context)
        try:
            draft = channel.render(article)
            channel.validate(draft)
        except ChannelError as exc:
            plans.append(Plan(account=name, channel=account.channel, refused=exc.message))
            continue
        plans.append(Plan(account=name, channel=account.channel, draft=draft))
    return plans


def schedule(
    settings: Settings,
    store: Store,
    article_id: int,
    names: Sequence[str],
    *,
    when: dt.datetime,
    variant: str = "default",
    times: Mapping[str, dt.datetime] | None = None,
    recurrence: str | None = None,
    urgent: bool = False,
    approval: str | None = None,
    drafted_by: str | None = None,
) -> tuple[list[PostRow], list[Plan]]:
    """Queue one post per account at ``when`` (or its own time in ``times``: a plan's
    slot, a stagger), recurring by the crontab expression ``recurrence`` if given.
    ``approval`` (``one``, ``two``) asks at least that many approvers whatever the account
    needs (a feed in draft mode); ``drafted_by`` names the drafter (default: the officer).
    Returns (queued, refused plans).

    An account whose draft is refused, or that already has this article queued, is
    reported and skipped; the others are queued.
    """
    from .officers import current_name

    article = store.to_article(store.article(article_id))
    queued: list[PostRow] = []
    refused: list[Plan] = []
    for p in plan(settings, article, names):
        if p.draft is None:
            refused.append(p)
            continue
        twin = store.same_text(p.account, p.draft.parts[0], published_since=when - REPEAT_WINDOW)
        if twin is not None and (twin.article_id, twin.variant) != (article_id, variant):
            # The networks refuse (X, Facebook) or repeat (Instagram) the same text; and a
            # look-up for it could not tell the two posts apart.
            refused.append(Plan(account=p.account, channel=p.channel, refused=(
                _("the same text is already {status} for {account} (post {post}); change the article "
                  "or its template so the new post differs").format(status=twin.status, account=p.account, post=twin.id))))
            continue
        try:
            queued.append(
                store.add_post(
                    article_id=article_id,
                    account=p.account,
                    channel=p.channel,
                    variant=variant,
                    draft=p.draft,
                    scheduled_at=(times or {}).get(p.account, when),
                    recurrence=recurrence,
                    approval=_stricter(settings.officers.approval_for(p.account), approval),
                    drafted_by=drafted_by or current_name(),
                    urgent=urgent,
                )
            )
        except UserError as exc:
            refused.append(Plan(account=p.account, channel=p.channel, refused=exc.message))
    return queued, refused


def _stricter(needed: str, asked: str | None) -> str:
    """The approval that asks more approvers of ``needed`` (the account's) and ``asked``."""
    from .officers import APPROVALS

    return asked if asked is not None and APPROVALS.get(asked, 0) > APPROVALS.get(needed, 0) else needed
