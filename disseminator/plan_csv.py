"""A month of posts from a spreadsheet: ``schedule --from plan.csv``.

Units plan their posts in a spreadsheet.  Each row names an article (a file path, or the
id of a stored article), the accounts (separated by spaces, commas or semicolons; empty
means all) and the time (any phrase ``schedule --at`` takes), optionally a variant::

    article,accounts,at,variant
    rilis/2026-12-01.md,setkab_x setkab_fb,2026-12-01 09:00,
    12,,Senin 08.00,

Every row is checked first (the file, the accounts, the time, each account's rendering
against its network's rules, a text the account already has queued, the same article
and account twice); if any row is bad, nothing is queued and every bad row is named with
its line.  Then every row is queued.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from channels.i18n import N_, _

from .errors import ScheduleError, UserError

if TYPE_CHECKING:
    from channels.base import Article

    from .config import Settings
    from .store import Store

REQUIRED = ("article", "at")
KNOWN = ("article", "accounts", "at", "variant")
#: A text already queued or out for an account, by the state of the post that has it.
_SAME_TEXT = {
    "scheduled": N_("{path} line {line}: {account}: the same text is already scheduled (post {id})"),
    "publishing": N_("{path} line {line}: {account}: the same text is already publishing (post {id})"),
    "published": N_("{path} line {line}: {account}: the same text is already published (post {id})"),
}


class PlanRefused(ScheduleError):
    """Rows of a plan that cannot be queued (one line each); nothing was queued."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))

    @property
    def lines(self) -> list[str]:
        return [*self.problems, _("nothing from the plan was queued; fix these rows and run it again")]


@dataclass(frozen=True)
class _Row:
    line: int
    ref: str
    #: The article's file (None: a stored article named by id).
    file: str | None
    article: Article
    accounts: list[str]
    when: dt.datetime
    variant: str


def schedule_plan(settings: Settings, store: Store, path: str, *, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Check every row of the plan at ``path``, then queue them all.

    Returns the queued posts (``schedule --json`` rows, with the plan's ``line``).  Raises
    :class:`PlanRefused` naming each bad row (nothing queued), or :class:`UserError` for a
    file that is not a plan.
    """
    now = now or store.clock.now()
    rows, problems = _read(settings, store, path, now)
    problems += _check(settings, store, rows, path)
    if problems:
        raise PlanRefused(problems)
    return _queue(settings, store, rows)


def _read(settings: Settings, store: Store, path: str, now: dt.datetime) -> tuple[list[_Row], list[str]]:
    from .articles import load_article
    from .catalog import localise
    from .planner import choose_accounts
    from .timeparse import parse_when

    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            header = [h.strip().lower() for h in reader.fieldnames or []]
            missing = [c for c in REQUIRED if c not in header]
            if missing:
                raise UserError(_("{path}: not a plan: the first line must name the columns "
                                  "{columns} (missing: {missing})").format(
                    path=path, columns=", ".join(KNOWN), missing=", ".join(missing)))
            raw = [(reader.line_num, {(k or "").strip().lower(): (v or "").strip() for k, v in r.items()})
                   for r in reader]
    except OSError as exc:
        raise UserError(_("{path}: cannot read the plan ({reason})").format(path=path, reason=exc.strerror or exc)) from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise UserError(_("{path}: not a CSV plan in UTF-8 ({reason})").format(path=path, reason=exc)) from None
    if not raw:
        raise UserError(_("{path}: the plan has no rows").format(path=path))
    base = Path(path).parent
    rows: list[_Row] = []
    problems: list[str] = []
    for line, r in raw:
        try:
            ref = r.get("article", "")
            if not ref:
                raise UserError(_("no article given"))
            file: str | None = None
            if ref.isdigit() and not (base / ref).exists():
                article = store.to_article(store.article(int(ref)))
            else:
                file = str(ref if Path(ref).is_absolute() or Path(ref).exists() else base / ref)
                article = localise(load_article(file), settings.tz)
            accounts = choose_accounts(settings, [a for a in re.split(r"[\s,;]+", r.get("accounts", "")) if a])
            when = parse_when(r.get("at", ""), tz=settings.tz, now=now)
        except UserError as exc:
            problems.append(_("{path} line {line}: {problem}").format(path=path, line=line, problem=exc.message))
            continue
        rows.append(_Row(line, ref, file, article, accounts, when, r.get("variant") or "default"))
    return rows, problems


def _check(settings: Settings, store: Store, rows: list[_Row], path: str) -> list[str]:
    """Every account's rendering of every row, refused as ``schedule`` would refuse it,
    and the plan's own rows against each other (one article or one text twice for an
    account), so that queuing cannot fail half-way."""
    from .articles import content_hash
    from .planner import REPEAT_WINDOW, plan

    problems: list[str] = []
    articles: dict[tuple[str, str, str], int] = {}
    texts: dict[tuple[str, str], int] = {}
    for row in rows:
        for p in plan(settings, row.article, row.accounts):
            where = {"path": path, "line": row.line}
            key = (row.article.url or content_hash(row.article), p.account, row.variant)
            if key in articles:
                problems.append(_("{path} line {line}: {account} already gets this article on line {first}").format(
                    **where, account=p.account, first=articles[key]))
                continue
            articles[key] = row.line
            if p.draft is None:
                problems.append(_("{path} line {line}: {account}: {problem}").format(
                    **where, account=p.account, problem=p.refused))
                continue
            text = (p.account, p.draft.parts[0])
            if text in texts:
                problems.append(_("{path} line {line}: {account} would post the same text as on line {first}").format(
                    **where, account=p.account, first=texts[text]))
                continue
            texts[text] = row.line
            twin = store.same_text(p.account, p.draft.parts[0], published_since=row.when - REPEAT_WINDOW)
            if twin is not None:
                same = _SAME_TEXT.get(str(twin.status))
                if same is None:  # a state the store's query does not return today
                    problems.append(_("{path} line {line}: {account}: the same text is already {status} "
                                      "(post {id})").format(**where, account=p.account, status=twin.status, id=twin.id))
                else:
                    problems.append(_(same).format(**where, account=p.account, id=twin.id))
    return problems


def _queue(settings: Settings, store: Store, rows: list[_Row]) -> list[dict[str, Any]]:
    from .catalog import add_articles
    from .planner import schedule
    from .timeshow import show

    queued: list[dict[str, Any]] = []
    for row in rows:
        if row.file is None:
            article_id = int(row.ref)
        else:  # as 'article add' does: a changed file is a revision its queued posts follow
            [added] = add_articles(settings, store, [row.file])
            article_id = int(added["id"])
            if "revision" in added:
                queued.append({"line": row.line, "article_id": article_id, "revision": added["revision"]})
        posts, refused = schedule(settings, store, article_id, row.accounts, when=row.when, variant=row.variant)
        for r in posts:
            queued.append({"line": row.line, "id": r.id, "article_id": article_id, "account": r.account,
                           "channel": r.channel, "status": r.status, "scheduled_at": show(r.scheduled_at, settings.tz)})
        for p in refused:  # checked above; only a race with another officer gets here
            queued.append({"line": row.line, "account": p.account, "refused": p.refused})
    return queued
