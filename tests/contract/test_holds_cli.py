"""Holds and embargoes on the one pause mechanism (issue 12 point 3), through the CLI and
the worker against the sandbox: pause presets that fill the reason and the end and release
by themselves, urgent posts that pass a pause allowing them (and nothing else), and
embargoes that keep a due post back until they end.

The CLI runs on the machine's clock; where time must pass, a worker on a FakeClock
started from it stands in for the daemon days later (nothing sleeps)."""

from __future__ import annotations

import datetime as dt
import shutil
import zoneinfo

from channels.clock import FakeClock
from disseminator import holds
from disseminator.config import load_settings
from disseminator.store import HoldKind, Store
from disseminator.worker import Worker
from tests.contract.conftest import Env
from tests.helpers import REPO, article_file

UTC = dt.timezone.utc
JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")


def article(env: Env, n: int, **fields: object) -> int:
    path = article_path(env, n, **fields)
    result = env.cli("article", "add", str(path), "--json")
    assert result.code == 0, result.err
    return int(result.json()[0]["id"])


def article_path(env: Env, n: int, **fields: object):  # type: ignore[no-untyped-def]
    shutil.copy(REPO / "disseminator" / "data" / "contoh-bendungan.jpg", env.tmp / "media" / "foto.jpg")
    return article_file(env.tmp, f"h{n}.md", title=f"Peringatan dini cuaca nomor {n}", url=f"https://humas.example.go.id/h/{n}",
                        image=f"{env.sandbox.url}/media/foto.jpg", image_alt="Foto peta cuaca",  # type: ignore[attr-defined]
                        **fields)


def schedule(env: Env, article_id: int, account: str, *more: str) -> int:
    result = env.cli("schedule", str(article_id), "--account", account, *(more or ("--now",)), "--json")
    assert result.code == 0, result.err
    return int(result.json()[0]["id"])


def worker_at(env: Env, when: dt.datetime) -> Worker:
    """A worker whose clock reads ``when`` (a daemon running then)."""
    settings = load_settings(env.config)
    return Worker(settings, Store(settings.database, clock=FakeClock(when)), worker_id="holds-test")


def published(env: Env, when: dt.datetime) -> list[int]:
    return [o.post_id for o in worker_at(env, when).run_due().outcomes if o.status == "published"]


def status_of(env: Env, post_id: int) -> str:
    return str(env.cli("post", "show", str(post_id), "--json").json()["status"])


def queue_row(env: Env, post_id: int) -> dict:  # type: ignore[type-arg]
    return {r["id"]: r for r in env.cli("queue", "--json").json()}[post_id]


def flat(text: str) -> str:
    return " ".join(text.split())


def local(when: dt.datetime) -> str:
    return when.astimezone(JAKARTA).strftime("%Y-%m-%d %H:%M")


def recorded(env: Env, event: str) -> list[dict]:  # type: ignore[type-arg]
    """The publication record's entries of ``event``."""
    return [r for r in env.cli("record", "export", "--json").json() if r["event"] == event]


# ------------------------------------------------------------------ presets


def test_a_preset_fills_reason_and_end_releases_by_itself_and_late_posts_are_missed(env: Env) -> None:
    start = dt.datetime.now(UTC).replace(microsecond=0)  # the preset's end is in whole seconds
    overdue = schedule(env, article(env, 1), "sandbox_x")
    # Due ten minutes before the mourning ends: within worker.grace when it ends, so it goes.
    near_end = schedule(env, article(env, 2), "sandbox_fb", "--at", local(start + dt.timedelta(days=3, minutes=-10)))
    paused = env.cli("pause", "--all", "--preset", "berkabung-3", "--json")
    assert paused.code == 0, paused.err
    state = paused.json()
    assert state["reason"] == "Hari berkabung nasional" and state["preset"] == "berkabung-3"
    assert state["allow_urgent"] is True
    end = dt.datetime.fromisoformat(state["until"])
    assert dt.timedelta(days=3) <= end - start < dt.timedelta(days=3, minutes=5)
    assert queue_row(env, overdue)["paused_all"] == "Hari berkabung nasional"
    assert "every account paused (Hari berkabung nasional)" in flat(env.cli("queue").out)
    # Two days into the mourning nothing goes out and nothing is missed yet.
    run = worker_at(env, start + dt.timedelta(days=2)).run_due()
    assert run.outcomes == [] and run.missed == []
    assert env.sandbox.posts() == []  # type: ignore[attr-defined]
    # The pause ends by itself: the post due just before its end goes; the one whose time
    # passed three days ago is missed for an officer, not sent in a burst.
    run = worker_at(env, end + dt.timedelta(minutes=1)).run_due()
    assert [(o.post_id, o.status) for o in run.outcomes] == [(near_end, "published")]
    assert run.missed == [overdue] and status_of(env, overdue) == "missed"
    assert [p["network"] for p in env.sandbox.posts()] == ["facebook"]  # type: ignore[attr-defined]
    # The pause is in the record, with its preset; nothing was cancelled.
    [entry] = recorded(env, "paused")
    assert entry["account"] == "*" and entry["detail"]["preset"] == "berkabung-3"
    assert entry["detail"]["reason"] == "Hari berkabung nasional" and entry["detail"]["allow_urgent"] is True
    assert recorded(env, "cancelled") == []


def test_reason_until_and_allow_urgent_win_over_the_preset(env: Env) -> None:
    state = env.cli("pause", "sandbox_x", "--preset", "berkabung-7", "--reason", "Duka cita", "--until", "besok 06:00",
                    "--no-allow-urgent", "--json").json()
    assert state["reason"] == "Duka cita" and state["preset"] == "berkabung-7" and state["allow_urgent"] is False
    end = dt.datetime.fromisoformat(state["until"])
    assert end - dt.datetime.now(UTC) < dt.timedelta(days=2)
    assert (end.astimezone(JAKARTA).hour, end.astimezone(JAKARTA).minute) == (6, 0)


def test_presets_are_listed_and_configurable(env: Env) -> None:
    env.config.write_text(env.config.read_text() + '\n[pause_presets.berkabung-3]\nreason = "Berkabung tiga hari"\n'
                          '\n[pause_presets.krisis]\nreason = "Penanganan krisis"\nhours = 12\nallow_urgent = false\n')
    listed = {p["name"]: p for p in env.cli("pause", "--list-presets", "--json").json()}
    assert set(listed) >= {"berkabung-1", "berkabung-3", "berkabung-7", "hening-pemilu", "krisis"}
    assert listed["berkabung-3"]["reason"] == "Berkabung tiga hari" and listed["berkabung-3"]["days"] == 3
    assert listed["krisis"]["hours"] == 12 and listed["krisis"]["allow_urgent"] is False
    table = flat(env.cli("pause", "--list-presets").out)
    assert "berkabung-3 3 days yes Berkabung tiga hari" in table, table
    assert "krisis 12 hours no Penanganan krisis" in table, table
    state = env.cli("pause", "--all", "--preset", "krisis", "--json").json()
    assert state["reason"] == "Penanganan krisis" and state["allow_urgent"] is False
    assert "--preset" in env.cli("pause", "--help").out


def test_bad_presets_are_one_line(env: Env) -> None:
    unknown = env.cli("pause", "--all", "--preset", "berkabung-33")
    assert unknown.code != 0 and len(unknown.err.strip().splitlines()) == 1, unknown.err
    assert "no preset 'berkabung-33'; did you mean 'berkabung-3'?" in unknown.err and len(unknown.err.strip()) <= 80
    assert holds.active(Store(load_settings(env.config).database)) == {}  # nothing was paused
    original = env.config.read_text()
    for table, expected in [
        ("[pause_presets.lama]\nreason = \"x\"\ndays = -1\n", "pause_presets.lama.days: expected a number from 0 to 366"),
        ("[pause_presets.lama]\ndays = 2\n", "pause_presets.lama.reason: expected the text officers read"),
        ("[pause_presets.lama]\nreason = \"x\"\ndays = 1\nuntil = \"besok 06:00\"\n", "give days and hours, or until"),
        ("[pause_presets.lama]\nreason = \"x\"\nweeks = 1\n", "pause_presets.lama.weeks: unknown pause preset setting"),
    ]:
        env.config.write_text(original + "\n" + table)
        bad = env.cli("pause", "--list-presets")
        assert bad.code != 0 and expected in bad.err and len(bad.err.strip().splitlines()) == 1, bad.err


# ------------------------------------------------------------------ urgent posts


def test_an_urgent_post_passes_a_pause_that_allows_it_and_not_a_plain_one(env: Env) -> None:
    start = dt.datetime.now(UTC).replace(microsecond=0)  # the preset's end is in whole seconds
    plain = schedule(env, article(env, 1), "sandbox_x")
    urgent = schedule(env, article(env, 2), "sandbox_x", "--now", "--urgent")
    assert env.cli("pause", "--all", "--reason", "bencana").code == 0
    assert env.cli("run-due", "--json").json() == []  # a plain pause holds urgent posts too
    assert "URGENT; every account paused (bencana)" in flat(env.cli("queue").out)
    allowing = env.cli("pause", "--all", "--reason", "bencana", "--allow-urgent")
    assert allowing.code == 0 and "Urgent posts (schedule --urgent) still go out" in allowing.out, allowing.out
    row = queue_row(env, urgent)
    assert row["urgent"] is True and row.get("passes_pause") is True and "paused_all" not in row
    assert queue_row(env, plain)["paused_all"] == "bencana"
    assert "URGENT, passes the pause" in flat(env.cli("queue").out)
    # It goes before the earlier post of its account, which the pause still holds.
    assert [(r["id"], r["status"]) for r in env.cli("run-due", "--json").json()] == [(urgent, "published")]
    assert status_of(env, plain) == "scheduled"
    assert [e["post_id"] for e in recorded(env, "queued") if e["detail"].get("urgent")] == [urgent]
    assert [e["detail"].get("allow_urgent") for e in recorded(env, "paused")] == [None, True]
    # An account paused on its own without allowing urgent posts still holds them.
    other = schedule(env, article(env, 3), "sandbox_fb", "--now", "--urgent")
    assert env.cli("pause", "sandbox_fb", "--reason", "template salah").code == 0
    assert env.cli("run-due", "--json").json() == []
    assert env.cli("resume", "sandbox_fb").code == 0
    assert published(env, start + dt.timedelta(minutes=1)) == [other]


def test_an_urgent_post_never_passes_a_rate_limit_attention_or_budget_hold(env: Env) -> None:
    store = Store(load_settings(env.config).database)
    urgent = schedule(env, article(env, 1), "sandbox_x", "--now", "--urgent")
    assert env.cli("pause", "--all", "--allow-urgent").code == 0
    for kind in (HoldKind.RATE_LIMIT, HoldKind.ATTENTION, HoldKind.BUDGET):
        holds.place(store, "sandbox_x", kind, reason="test", until=dt.datetime.now(UTC) + dt.timedelta(hours=1))
        assert env.cli("run-due", "--json").json() == [], kind
        holds.lift(store, "sandbox_x", kind)
    assert [r["id"] for r in env.cli("run-due", "--json").json()] == [urgent]


def test_schedule_says_an_urgent_post_passes_the_pause(env: Env) -> None:
    assert env.cli("pause", "--all", "--preset", "berkabung-1").code == 0
    said = flat(env.cli("schedule", str(article(env, 1)), "--account", "sandbox_x", "--now", "--urgent").out)
    assert "Queued urgent post" in said and "waiting:" not in said, said
    plain = flat(env.cli("schedule", str(article(env, 2)), "--account", "sandbox_x", "--now").out)
    assert "waiting: paused: Hari berkabung nasional" in plain, plain


# ------------------------------------------------------------------ embargoes


def test_an_embargo_holds_a_due_post_and_releases_it_at_its_end(env: Env) -> None:
    start = dt.datetime.now(UTC).replace(microsecond=0)  # the preset's end is in whole seconds
    embargo = (start + dt.timedelta(hours=2)).replace(second=0, microsecond=0)
    art = article(env, 1, embargo=embargo.isoformat())
    shown = env.cli("article", "show", str(art), "--json").json()
    assert dt.datetime.fromisoformat(shown["embargo"]) == embargo
    queued = env.cli("schedule", str(art), "--account", "sandbox_x", "--now")
    assert queued.code == 0, queued.err
    assert "warning: under embargo until" in flat(queued.out), queued.out
    assert "it goes then, not before" in flat(queued.out)
    assert all(len(line) <= 80 for line in queued.out.splitlines()), queued.out
    post = int(env.cli("queue", "--json").json()[0]["id"])
    assert env.cli("run-due", "--json").json() == []
    assert "1 post waits for its article's embargo: the first goes at" in flat(env.cli("run-due").out)
    row = queue_row(env, post)
    assert dt.datetime.fromisoformat(row["embargo_until"]) == embargo
    assert "embargo until" in flat(env.cli("queue").out)
    assert published(env, embargo - dt.timedelta(minutes=1)) == []
    # Two hours after its schedule, past worker.grace: it waited for the embargo, so it
    # goes (an embargo is not a reason to be missed).
    assert published(env, embargo + dt.timedelta(minutes=1)) == [post]


def test_an_embargo_on_a_new_revision_applies_to_queued_posts_and_can_be_lifted(env: Env) -> None:
    start = dt.datetime.now(UTC).replace(microsecond=0)  # the preset's end is in whole seconds
    path = article_path(env, 1)
    art = int(env.cli("article", "add", str(path), "--json").json()[0]["id"])
    post = schedule(env, art, "sandbox_fb", "--at", local(start + dt.timedelta(hours=1)))
    revised = env.cli("article", "add", str(path), "--embargo", local(start + dt.timedelta(hours=5)))
    assert revised.code == 0 and f"Article {art} is now revision 2 (changed: embargo)" in revised.out, revised.out
    assert "embargo until" in revised.out and "its queued posts wait for it" in revised.out
    assert queue_row(env, post)["embargo_until"]
    assert published(env, start + dt.timedelta(hours=1, minutes=30)) == []
    # The next revision without the embargo lifts it: the post goes at its own time.
    lifted = env.cli("article", "add", str(path))
    assert lifted.code == 0 and "revision 3" in lifted.out, lifted.out
    assert "embargo lifted: its queued posts go at their own time" in lifted.out
    assert "embargo_until" not in queue_row(env, post)
    assert published(env, start + dt.timedelta(hours=1, minutes=30)) == [post]
    assert status_of(env, post) == "published"
    # Both changes are in the record.
    [set_] = recorded(env, "embargoed")
    assert set_["detail"]["article_id"] == art and set_["detail"]["revision"] == 2 and set_["detail"]["until"]
    [lift] = recorded(env, "embargo_lifted")
    assert lift["detail"] == {"article_id": art, "revision": 3, "until": None}


def test_an_embargo_that_cannot_be_read_is_one_line(env: Env) -> None:
    bad = env.cli("article", "add", str(article_path(env, 1, embargo="besok pagi")))
    assert bad.code != 0 and len(bad.err.strip().splitlines()) == 1, bad.err
    assert "embargo: 'besok pagi' is not a time (expected ISO 8601" in bad.err
    past = env.cli("article", "add", str(article_path(env, 2)), "--embargo", "2020-01-01 09:00")
    assert past.code != 0 and past.err.startswith("error: --embargo:") and len(past.err.strip().splitlines()) == 1, past.err
    assert env.cli("article", "list", "--json").json() == []  # nothing was added
