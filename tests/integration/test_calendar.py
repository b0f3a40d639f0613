"""The calendar and the post page's library (what the web pages show), against the
sandbox, on SQLite and PostgreSQL: posts queued and approved through the CLI, read back
by :func:`disseminator.calendar.calendar` and :func:`disseminator.post_page.post_page`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from disseminator.calendar import calendar, period, read_day
from disseminator.config import load_settings
from disseminator.errors import UserError
from disseminator.officers import acting
from disseminator.post_page import actions, check_text, post_page
from disseminator.store import Store
from tests.integration.test_approval import OFFICERS, _config, _draft, _runner


def _open(path: Path) -> tuple[object, Store]:
    settings = load_settings(path)
    return settings, Store.open(settings.database)


def _day_after(days: int, clock: str) -> tuple[dt.datetime, str]:
    """A time ``days`` from now at ``clock`` in Jakarta, and the phrase for it."""
    from zoneinfo import ZoneInfo

    local = dt.datetime.now(ZoneInfo("Asia/Jakarta")) + dt.timedelta(days=days)
    when = dt.datetime.combine(local.date(), dt.time.fromisoformat(clock), tzinfo=ZoneInfo("Asia/Jakarta"))
    return when, when.strftime("%Y-%m-%d %H:%M")


def test_the_week_by_day_and_account_marks_drafts_and_leaves_out_cancelled(tmp_path: Path, sandbox,  # type: ignore[no-untyped-def]
                                                                             db_url: str) -> None:
    path = _config(tmp_path, sandbox, db_url, top='approval = "none"\nallow_as = true\n')
    run = _runner(path)
    when, phrase = _day_after(2, "09:15")
    post_x = _draft(run, tmp_path, "ani", account="sandbox_x", at=phrase)
    post_fb = _draft(run, tmp_path, "ani", account="sandbox_fb", at=phrase)
    gone = _draft(run, tmp_path, "ani", account="sandbox_fb", at=phrase, title="Dibatalkan")
    assert run("ani", "cancel", str(gone)).code == 0
    later, far = _day_after(40, "10:00")
    _draft(run, tmp_path, "ani", account="sandbox_x", at=far, title="Jauh")

    settings, store = _open(path)
    week = calendar(settings, store, view="week", day=when.date())  # type: ignore[arg-type]
    assert week.days[0].weekday() == 0 and len(week.days) == 7 and when.date() in week.days
    [x] = week.cards(when.date(), "sandbox_x")
    [fb] = week.cards(when.date(), "sandbox_fb")  # the cancelled one is not shown
    assert (x["id"], fb["id"]) == (post_x, post_fb)
    assert (x["local_time"], x["channel"], x["status"], x["draft"]) == ("09:15", "twitter", "scheduled", False)
    assert [c["id"] for c in week.cards(when.date())] == sorted([post_x, post_fb])
    assert week.accounts[:3] == ["sandbox_x", "sandbox_fb", "sandbox_ig"]
    assert not week.more and week.counts == {"scheduled": 2}
    assert week.following - week.previous == dt.timedelta(days=14)

    month = calendar(settings, store, view="month", day=later.date())  # type: ignore[arg-type]
    assert len(month.days) in (28, 29, 30, 31) and month.days[0].day == 1
    assert [c["article_title"] for c in month.cards(later.date(), "sandbox_x")] == ["Jauh"]

    only_fb = calendar(settings, store, day=when.date(), accounts=["sandbox_fb"])  # type: ignore[arg-type]
    assert only_fb.accounts == ["sandbox_fb"] and only_fb.cards(when.date(), "sandbox_x") == []
    capped = calendar(settings, store, day=when.date(), limit=1)  # type: ignore[arg-type]
    assert capped.more and sum(len(v) for v in capped.cells.values()) == 1
    with pytest.raises(UserError, match="no account nobody"):
        calendar(settings, store, accounts=["nobody"])  # type: ignore[arg-type]
    store.close()


def test_a_draft_is_marked_until_approved(tmp_path: Path, sandbox) -> None:  # type: ignore[no-untyped-def]
    path = _config(tmp_path, sandbox, f"sqlite:///{tmp_path / 't.db'}")
    run = _runner(path)
    when, phrase = _day_after(1, "08:00")
    post = _draft(run, tmp_path, "dewi", at=phrase)
    settings, store = _open(path)
    [card] = calendar(settings, store, day=when.date()).cards(when.date(), "sandbox_x")  # type: ignore[arg-type]
    assert (card["draft"], card["awaiting_approval"], card["approvals_needed"]) == (True, True, 1)
    assert card["waiting"] == ""  # the mark says it
    assert run("budi", "approve", str(post)).code == 0
    [card] = calendar(settings, store, day=when.date()).cards(when.date(), "sandbox_x")  # type: ignore[arg-type]
    assert (card["status"], card["draft"], card["awaiting_approval"]) == ("scheduled", False, False)
    store.close()


def test_periods_and_days_are_read_or_refused() -> None:
    days, previous, following = period("month", dt.date(2026, 2, 17))
    assert (days[0], days[-1], previous, following) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28),
                                                        dt.date(2026, 1, 1), dt.date(2026, 3, 1))
    assert read_day("", today=dt.date(2026, 11, 30)) == dt.date(2026, 11, 30)
    with pytest.raises(UserError, match="expected e.g. '2026-11-30'"):
        read_day("besok", today=dt.date(2026, 11, 30))
    with pytest.raises(UserError, match="expected week, month"):
        period("year", dt.date(2026, 11, 30))


def test_the_post_page_shows_the_post_its_record_and_the_moves_each_role_may_make(  # type: ignore[no-untyped-def]
        tmp_path: Path, sandbox) -> None:
    path = _config(tmp_path, sandbox, f"sqlite:///{tmp_path / 't.db'}",
                   officers=OFFICERS + '[officers.eko]\nroles = ["drafter"]\n')
    run = _runner(path)
    _when, phrase = _day_after(1, "08:00")
    post = _draft(run, tmp_path, "dewi", at=phrase, tags=["harikemerdekaan"])
    settings, store = _open(path)
    people = settings.officers  # type: ignore[attr-defined]
    dewi, budi, sari = (acting(people, n) for n in ("dewi", "budi", "sari"))

    page = post_page(settings, store, post, officer=dewi)  # type: ignore[arg-type]
    [part] = page["preview"]["parts"]
    assert part["limit"] == 280 and part["count"] > 0 and not part["over"]
    assert part["text"] == page["parts_text"][0]
    assert any("#Harikemerdekaan: not CamelCase" in w for w in page["warnings"])  # accessibility: CamelCase tags
    assert [e["event"] for e in page["record"]] == ["drafted"]
    assert page["record"][0]["actor"] == "dewi"
    assert page["actions"] == ["edit", "reschedule", "cancel"]  # a drafter never approves
    assert post_page(settings, store, post, officer=budi)["actions"] == [  # type: ignore[arg-type]
        "approve", "reject", "edit", "reschedule", "cancel"]

    assert run("budi", "approve", str(post)).code == 0
    assert actions(sari, store.post(post)) == ["edit", "reschedule", "cancel"]
    assert actions(acting(people, "eko"), store.post(post)) == []  # another drafter's approved post
    assert actions(dewi, store.post(post)) == ["edit", "reschedule", "cancel"]  # their own
    page = post_page(settings, store, post, officer=budi)  # type: ignore[arg-type]
    assert [e["event"] for e in page["record"]] == ["drafted", "approved"]
    store.close()


def test_the_live_check_says_what_edit_would_say(tmp_path: Path, sandbox) -> None:  # type: ignore[no-untyped-def]
    path = _config(tmp_path, sandbox, f"sqlite:///{tmp_path / 't.db'}")
    run = _runner(path)
    _when, phrase = _day_after(1, "08:00")
    post = _draft(run, tmp_path, "dewi", at=phrase)
    settings, store = _open(path)

    fine = check_text(settings, store, post, "Teks baru yang pendek.")  # type: ignore[arg-type]
    assert fine == {"ok": True, "error": None, "threads": False, "parts": [{"count": 22, "limit": 280, "over": False}]}
    long = check_text(settings, store, post, "x" * 300)  # type: ignore[arg-type]
    assert not long["ok"] and long["parts"][0] == {"count": 300, "limit": 280, "over": True}
    refused = run("dewi", "edit", str(post), "--text", "x" * 300)
    assert refused.code != 0 and long["error"] in refused.err  # the same line as the CLI's
    two = check_text(settings, store, post, "satu\n---\ndua")  # type: ignore[arg-type]
    assert not two["ok"] and "does not post threads" in two["error"]
    assert not check_text(settings, store, post, "  ")["ok"]  # type: ignore[arg-type]
    store.close()
