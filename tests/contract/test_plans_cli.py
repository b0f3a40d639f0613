"""A posting plan through the CLI and the worker, against the sandbox: pause --all and
--until, missed posts and retry, blackout windows, --next-slot, --stagger, --every.

The CLI runs on the machine's clock; where time must pass, a worker on a FakeClock
started from it stands in for the daemon hours later (nothing sleeps)."""

from __future__ import annotations

import datetime as dt
import shutil
import zoneinfo

from channels.clock import FakeClock
from disseminator.config import load_settings
from disseminator.store import PostRow, Store
from disseminator.worker import Worker
from tests.contract.conftest import Env
from tests.helpers import REPO, article_file

UTC = dt.timezone.utc


def article(env: Env, n: int) -> int:
    shutil.copy(REPO / "disseminator" / "data" / "contoh-bendungan.jpg", env.tmp / "media" / "foto.jpg")
    path = article_file(env.tmp, f"p{n}.md", title=f"Jam layanan kantor nomor {n}", url=f"https://humas.example.go.id/j/{n}",
                        image=f"{env.sandbox.url}/media/foto.jpg", image_alt="Foto kantor")  # type: ignore[attr-defined]
    return int(env.cli("article", "add", str(path), "--json").json()[0]["id"])


def queue_now(env: Env, account: str, n: int) -> int:
    result = env.cli("schedule", str(article(env, n)), "--account", account, "--now", "--json")
    assert result.code == 0, result.err
    return int(result.json()[0]["id"])


def worker_at(env: Env, when: dt.datetime) -> Worker:
    """A worker whose clock reads ``when`` (a daemon running then)."""
    settings = load_settings(env.config)
    return Worker(settings, Store(settings.database, clock=FakeClock(when)), worker_id="plan-test", )


def status_of(env: Env, post_id: int) -> str:
    return str(env.cli("post", "show", str(post_id), "--json").json()["status"])


def add_config(env: Env, text: str) -> None:
    env.config.write_text(env.config.read_text() + "\n" + text + "\n")


def flat(text: str) -> str:
    return " ".join(text.split())


# ------------------------------------------------------------------ pause --all, --until


def test_pause_all_holds_every_account_until_resume_all(env: Env) -> None:
    x, fb = queue_now(env, "sandbox_x", 1), queue_now(env, "sandbox_fb", 2)
    paused = env.cli("pause", "--all", "--reason", "hari berkabung nasional")
    assert paused.code == 0 and "Every account paused (hari berkabung nasional)" in paused.out, paused.out
    assert env.cli("run-due", "--json").json() == []
    assert env.sandbox.posts() == []  # type: ignore[attr-defined]
    shown = flat(env.cli("queue").out)
    assert "every account paused (hari berkabung nasional): waits for 'disseminator resume --all'" in shown, shown
    rows = {r["id"]: r for r in env.cli("queue", "--json").json()}
    assert rows[x]["paused_all"] == rows[fb]["paused_all"] == "hari berkabung nasional"
    listed = env.cli("accounts", "list", "--json").json()
    assert all(r["paused_all"] and r["paused"] == "hari berkabung nasional" for r in listed)
    assert "paused (every account)" in env.cli("accounts", "list").out
    assert "every account: paused" in env.cli("status").out
    assert env.cli("resume", "sandbox_x").out.strip() == "sandbox_x: no pause was in force"
    resumed = env.cli("resume", "--all")
    assert resumed.code == 0 and "Resumed every account: 2 overdue posts go at the next run" in resumed.out, resumed.out
    assert sorted(r["status"] for r in env.cli("run-due", "--json").json()) == ["published", "published"]


def test_pause_needs_a_name_or_all_and_an_end_in_the_future(env: Env) -> None:
    neither = env.cli("pause")
    assert neither.code == 2 and "name one account, or give --all" in neither.err
    both = env.cli("pause", "sandbox_x", "--all")
    assert both.code == 2
    past = env.cli("pause", "--all", "--until", "2020-01-01 09:00")
    assert past.code != 0 and past.err.startswith("error: --until:"), past.err
    assert len(past.err.strip().splitlines()) == 1
    unknown = env.cli("pause", "sandbox_xx")
    assert unknown.code != 0 and "unknown account 'sandbox_xx'" in unknown.err


def test_pause_until_ends_by_itself_and_late_posts_become_missed(env: Env) -> None:
    start = dt.datetime.now(UTC)
    early, late = queue_now(env, "sandbox_fb", 1), queue_now(env, "sandbox_x", 2)
    assert env.cli("pause", "sandbox_fb", "--until", "30 menit lagi", "--reason", "cek").code == 0
    assert env.cli("pause", "sandbox_x", "--until", "3 jam lagi").code == 0
    row = {r["id"]: r for r in env.cli("queue", "--json").json()}[early]
    assert row["paused"] == "cek" and row["paused_until"]
    assert "account paused until" in flat(env.cli("queue").out)
    # The daemon 31 minutes later: sandbox_fb's pause ended, its post is 31 minutes late
    # (within worker.grace, 1 hour): it goes.  sandbox_x is still paused.
    report = worker_at(env, start + dt.timedelta(minutes=31)).run_due()
    assert [(o.post_id, o.status) for o in report.outcomes] == [(early, "published")]
    # 3 hours and a minute later: sandbox_x's pause ended, its post is 3 hours late: missed.
    report = worker_at(env, start + dt.timedelta(hours=3, minutes=1)).run_due()
    assert report.outcomes == [] and report.missed == [late]
    assert status_of(env, late) == "missed"
    assert [p["network"] for p in env.sandbox.posts()] == ["facebook"]  # type: ignore[attr-defined]


# ------------------------------------------------------------------ missed and retry


def test_posts_overdue_past_grace_are_missed_never_one_in_doubt_and_retry_sends_them(env: Env) -> None:
    start = dt.datetime.now(UTC)
    one, two, doubt = queue_now(env, "sandbox_x", 1), queue_now(env, "sandbox_fb", 2), queue_now(env, "sandbox_ig", 3)
    settings = load_settings(env.config)
    store = Store(settings.database)
    with store.session() as s:  # a write whose answer was lost: it may be on the network
        s.get(PostRow, doubt).needs_reconcile = True  # type: ignore[union-attr]
    # The daemon was down for two hours.
    report = worker_at(env, start + dt.timedelta(hours=2)).run_due()
    assert sorted(report.missed) == sorted([one, two])
    from disseminator.report import summarise

    said = " ".join(summarise(report, {}).said.out)
    assert f"Post {one} missed its time (overdue past worker.grace) and was not sent late" in said, said
    assert (doubt, "published") in [(o.post_id, o.status) for o in report.outcomes]  # looked up, then written
    assert {p["network"] for p in env.sandbox.posts()} == {"instagram"}  # type: ignore[attr-defined]
    shown = flat(env.cli("queue").out)
    assert f"missed: overdue past worker.grace: 'disseminator retry {one}' sends it" in shown, shown
    assert {r["id"] for r in env.cli("queue", "--status", "missed", "--json").json()} == {one, two}
    problems = env.cli("status")
    assert problems.code == 1 and "1 post missed its time" in flat(problems.err)
    told = env.cli("run-due")
    assert "missed" not in told.out  # nothing new: the sweep found them before

    again = env.cli("retry", str(one))
    assert again.code == 0 and f"Post {one} on sandbox_x is queued again" in again.out
    dropped = env.cli("cancel", str(two))
    assert dropped.code == 0 and status_of(env, two) == "cancelled"
    assert [(r["id"], r["status"]) for r in env.cli("run-due", "--json").json()] == [(one, "published")]
    events = [e["move"] for e in env.cli("post", "show", str(one), "--json").json()["events"]]
    assert events == ["create", "miss", "release", "claim", "published"]
    refused = env.cli("retry", str(one))
    assert refused.code == 1 and "only a failed post can be sent again" in refused.err


def test_grace_is_a_worker_setting_with_a_range(env: Env) -> None:
    add_config(env, "[worker]\ngrace = 5")
    bad = env.cli("queue")
    assert bad.code != 0 and "worker.grace: expected a whole number of seconds from 60 to 604,800, got 5" in bad.err


def test_a_longer_grace_sends_a_late_post(env: Env) -> None:
    add_config(env, "[worker]\ngrace = 86400")
    start = dt.datetime.now(UTC)
    post = queue_now(env, "sandbox_fb", 1)
    report = worker_at(env, start + dt.timedelta(hours=2)).run_due()
    assert report.missed == [] and [(o.post_id, o.status) for o in report.outcomes] == [(post, "published")]


# ------------------------------------------------------------------ blackout windows


def _window_around_now(before: dt.timedelta, after: dt.timedelta) -> tuple[str, dt.datetime]:
    now = dt.datetime.now(UTC).replace(second=0, microsecond=0)
    start, end = now - before, now + after
    return f"{start:%Y-%m-%d %H:%M} - {end:%Y-%m-%d %H:%M}", end


def test_nothing_publishes_in_a_blackout_window_and_posts_go_at_its_end(env: Env) -> None:
    window, end = _window_around_now(dt.timedelta(hours=1), dt.timedelta(hours=3))
    add_config(env, f'[plans.pemilu]\ntimezone = "UTC"\nblackout = ["{window}"]\naccounts = ["sandbox_fb"]')
    queued = env.cli("schedule", str(article(env, 1)), "--account", "sandbox_fb", "--now")
    assert queued.code == 0, queued.err
    assert "warning: inside blackout window pemilu: " + window + "; it goes at" in flat(queued.out), queued.out
    post = int(env.cli("queue", "--json").json()[0]["id"])
    assert env.cli("run-due", "--json").json() == []
    assert env.sandbox.posts() == []  # type: ignore[attr-defined]
    row = env.cli("queue", "--json").json()[0]
    assert row["blackout"] == f"pemilu: {window}" and row["blackout_until"]
    assert f"blackout window (pemilu: {window}): goes at" in flat(env.cli("queue").out)
    assert "sandbox_fb: blackout window until" in flat(env.cli("status").out)
    # At the window's end (3 hours after the post's time, past worker.grace): it goes, not missed.
    report = worker_at(env, end + dt.timedelta(seconds=30)).run_due()
    assert report.missed == [] and [(o.post_id, o.status) for o in report.outcomes] == [(post, "published")]


def test_a_window_configured_wrongly_is_refused_with_its_line(env: Env) -> None:
    add_config(env, '[plans.kantor]\nslots = ["Sen-Jum 08.00"]\nblackout = ["Jumat 11:30"]')
    bad = env.cli("queue")
    lines = env.config.read_text().splitlines()
    line = next(i for i, text in enumerate(lines, 1) if text.startswith("blackout"))
    assert bad.code != 0 and f"{env.config}:{line}: plans.kantor.blackout: expected a list of windows" in bad.err


# ------------------------------------------------------------------ slots and stagger


def test_next_slot_takes_each_account_s_next_free_slot_with_the_stagger(env: Env) -> None:
    from disseminator.plans import next_slot

    add_config(env, '[plans.kantor]\ntimezone = "Europe/Amsterdam"\nslots = ["daily 09:00", "daily 15:00"]\n'
               'stagger = { twitter = "0m", facebook = "5m" }\naccounts = ["sandbox_x", "sandbox_fb"]')
    first = env.cli("schedule", str(article(env, 1)), "--account", "sandbox_x", "--account", "sandbox_fb",
                    "--next-slot", "--json")
    second = env.cli("schedule", str(article(env, 2)), "--account", "sandbox_x", "--account", "sandbox_fb",
                     "--next-slot", "--json")
    assert first.code == 0 and second.code == 0, first.err + second.err
    plan = load_settings(env.config).plans["kantor"]
    slot1 = next_slot(plan, dt.datetime.now(UTC))
    assert slot1 is not None
    slot2 = next_slot(plan, slot1 + dt.timedelta(minutes=1))
    assert slot2 is not None
    times = {(r["account"], n): dt.datetime.fromisoformat(r["scheduled_at"])
             for n, result in ((1, first), (2, second)) for r in result.json()}
    assert times == {("sandbox_x", 1): slot1, ("sandbox_fb", 1): slot1 + dt.timedelta(minutes=5),
                     ("sandbox_x", 2): slot2, ("sandbox_fb", 2): slot2 + dt.timedelta(minutes=5)}
    no_plan = env.cli("schedule", str(article(env, 3)), "--account", "sandbox_ig", "--next-slot")
    assert no_plan.code != 0 and "--next-slot: account sandbox_ig has no plan with slots" in no_plan.err


def test_stagger_flag_overrides_the_plan(env: Env) -> None:
    rows = env.cli("schedule", str(article(env, 1)), "--now", "--stagger", "facebook=5m,instagram=15m", "--json").json()
    at = {r["channel"]: dt.datetime.fromisoformat(r["scheduled_at"]) for r in rows}
    assert at["facebook"] - at["twitter"] == dt.timedelta(minutes=5)
    assert at["instagram"] - at["twitter"] == dt.timedelta(minutes=15)
    bad = env.cli("schedule", str(article(env, 2)), "--now", "--stagger", "fesbuk=5m")
    assert bad.code != 0 and bad.err.startswith("error: --stagger: cannot read 'fesbuk=5m'")


# ------------------------------------------------------------------ recurring posts


def test_a_recurring_post_queues_its_next_occurrence_exactly_once(env: Env) -> None:
    from disseminator.cron import next_fire
    from disseminator.recurrence import follow

    # Instagram: X refuses the same text twice, Facebook the same text right after itself.
    add_config(env, '[plans.kantor]\ntimezone = "Europe/Amsterdam"\naccounts = ["sandbox_ig"]')
    queued = env.cli("schedule", str(article(env, 1)), "--account", "sandbox_ig", "--now", "--every", "0 9 * * 1-5")
    assert queued.code == 0 and "repeats: 0 9 * * 1-5" in queued.out, queued.err
    first = int(env.cli("queue", "--json").json()[0]["id"])
    assert [(r["id"], r["status"]) for r in env.cli("run-due", "--json").json()] == [(first, "published")]
    rows = env.cli("queue", "--json").json()
    assert len(rows) == 1 and rows[0]["recurrence"] == "0 9 * * 1-5" and rows[0]["id"] != first
    nxt = rows[0]["id"]
    expected = next_fire("0 9 * * 1-5", dt.datetime.now(UTC), zoneinfo.ZoneInfo("Europe/Amsterdam"))
    assert dt.datetime.fromisoformat(rows[0]["scheduled_at"]) == expected
    assert "repeats: 0 9 * * 1-5" in flat(env.cli("queue").out)
    # A second worker (or a retry after a crash) settling the same occurrence queues nothing more.
    store = Store(load_settings(env.config).database)
    with store.session() as s:
        assert follow(s, s.get(PostRow, first), now=dt.datetime.now(UTC), zone=zoneinfo.ZoneInfo("UTC")) is None  # type: ignore[arg-type]
    assert [r["id"] for r in env.cli("queue", "--json").json()] == [nxt]
    # Published when due, the next one follows; cancelling the queued one ends the series.
    report = worker_at(env, expected + dt.timedelta(seconds=5)).run_due()
    assert [(o.post_id, o.status) for o in report.outcomes] == [(nxt, "published")]
    [third] = env.cli("queue", "--json").json()
    assert env.cli("cancel", str(third["id"])).code == 0
    assert env.cli("queue", "--json").json() == []
    assert len(env.sandbox.posts()) == 2  # type: ignore[attr-defined]


def test_a_missed_occurrence_still_queues_the_next(env: Env) -> None:
    start = dt.datetime.now(UTC)
    queued = env.cli("schedule", str(article(env, 1)), "--account", "sandbox_ig", "--now", "--every", "0 * * * *",
                     "--json")
    first = int(queued.json()[0]["id"])
    report = worker_at(env, start + dt.timedelta(hours=3, minutes=1)).run_due()
    assert first in report.missed
    follower = [r for r in env.cli("queue", "--json").json() if r["id"] != first]
    # Missed at +3 h: its follower is the next hour after that, and goes in the same run.
    assert len(follower) <= 1 and [o.status for o in report.outcomes] in ([], ["published"])


def test_bad_cron_is_one_line(env: Env) -> None:
    bad = env.cli("schedule", str(article(env, 1)), "--every", "every monday")
    assert bad.code != 0 and bad.err.startswith("error: --every: cannot read 'every monday' as a cron expression")
    assert len(bad.err.strip().splitlines()) == 1


def test_scheduling_while_every_account_is_paused_says_so(env: Env) -> None:
    assert env.cli("pause", "--all", "--reason", "bencana").code == 0
    queued = env.cli("schedule", str(article(env, 1)), "--account", "sandbox_fb", "--now")
    assert "waiting: paused: bencana; it goes after 'disseminator resume --all'" in flat(queued.out), queued.out


def test_status_shows_an_open_window_before_any_run(env: Env) -> None:
    window, _end = _window_around_now(dt.timedelta(hours=1), dt.timedelta(hours=1))
    add_config(env, f'[plans.tenang]\ntimezone = "UTC"\nblackout = ["{window}"]\naccounts = ["sandbox_x"]')
    shown = env.cli("status", "--json").json()["holds"]
    assert [(h["account"], h["kind"], h["reason"]) for h in shown] == [("sandbox_x", "blackout", f"tenang: {window}")]


def test_the_daemon_says_each_missed_post(env: Env) -> None:
    from disseminator.report import DaemonNarrator

    start = dt.datetime.now(UTC)
    post = queue_now(env, "sandbox_fb", 1)
    said = DaemonNarrator().tell(worker_at(env, start + dt.timedelta(hours=2)).run_due())
    assert said.err == [f"Post {post} missed its time (overdue past worker.grace) and was not sent late: "
                        f"'disseminator retry {post}' sends it, 'disseminator cancel {post}' drops it"]


def test_a_recurring_post_on_x_or_facebook_warns_that_the_same_text_may_be_refused(env: Env) -> None:
    told = env.cli("schedule", str(article(env, 1)), "--now", "--every", "0 9 * * *")
    assert told.code == 0, told.err
    shown = flat(told.out)
    assert "warning: X refuses the same text twice: an occurrence whose text has not changed may be refused" in shown
    assert "warning: Facebook refuses the same text right after itself" in shown
    assert shown.count("may be refused") == 2  # not for Instagram
