"""schedule --from plan.csv: every row checked first, each bad row named, nothing queued
unless all are good."""

from __future__ import annotations

import pytest

from disseminator.config import load_settings
from disseminator.plan_csv import PlanRefused, schedule_plan
from disseminator.store import Store
from tests.contract.conftest import Env
from tests.helpers import article_file


def _plan(env: Env, text: str) -> str:
    article_file(env.tmp, "r1.md", title="Rilis rencana satu", url="https://humas.example.go.id/p/1")
    article_file(env.tmp, "r2.md", title="Rilis rencana dua", url="https://humas.example.go.id/p/2")
    path = env.tmp / "plan.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def _store(env: Env) -> Store:
    return Store(load_settings(env.config).database)


def test_a_good_plan_queues_every_row(env: Env) -> None:
    path = _plan(env, "article,accounts,at\nr1.md,sandbox_x sandbox_fb,2099-01-05 09:00\nr2.md,sandbox_fb,2099-01-06 10:30\n")
    queued = schedule_plan(load_settings(env.config), _store(env), path)
    assert [(q["line"], q["account"], q["scheduled_at"]) for q in queued] == [
        (2, "sandbox_x", "2099-01-05T09:00:00+07:00"), (2, "sandbox_fb", "2099-01-05T09:00:00+07:00"),
        (3, "sandbox_fb", "2099-01-06T10:30:00+07:00")]
    assert len(env.cli("queue", "--json").json()) == 3


def test_a_bad_row_stops_the_whole_plan_and_every_bad_row_is_named(env: Env) -> None:
    path = _plan(env, "article,accounts,at\n"
                      "r1.md,sandbox_x,2099-01-05 09:00\n"
                      "tidak-ada.md,sandbox_x,2099-01-05 09:00\n"
                      "r2.md,sandbox_nope,2099-01-05 09:00\n"
                      "r2.md,sandbox_fb,kemarin dulu\n"
                      "r1.md,sandbox_x,2099-02-01 09:00\n")
    with pytest.raises(PlanRefused) as refused:
        schedule_plan(load_settings(env.config), _store(env), path)
    lines = refused.value.lines
    assert [line.split(":", 1)[0] for line in lines[:-1]] == [f"{path} line {n}" for n in (3, 4, 5, 6)]
    assert "already gets this article on line 2" in lines[3]
    assert lines[-1].startswith("nothing from the plan was queued")
    assert env.cli("queue", "--json").json() == [] and env.cli("article", "list", "--json").json() == []


def test_a_file_that_is_not_a_plan_is_one_line(env: Env) -> None:
    path = _plan(env, "judul,waktu\nx,y\n")
    with pytest.raises(Exception) as raised:
        schedule_plan(load_settings(env.config), _store(env), path)
    assert "not a plan" in str(raised.value) and "missing: article, at" in str(raised.value)


def test_the_same_text_twice_in_one_plan_is_refused_before_anything_is_queued(env: Env) -> None:
    path = _plan(env, "article,accounts,at,variant\nr1.md,sandbox_fb,2099-01-05 09:00,pagi\n"
                      "r1.md,sandbox_fb,2099-01-05 15:00,sore\n")
    with pytest.raises(PlanRefused) as refused:
        schedule_plan(load_settings(env.config), _store(env), path)
    assert "would post the same text as on line 2" in refused.value.lines[0]
    assert env.cli("queue", "--json").json() == []


def test_a_plan_naming_an_added_file_makes_no_new_revision_and_keeps_its_time(env: Env) -> None:
    path = _plan(env, "article,accounts,at\nr1.md,sandbox_fb,2099-01-05 09:00\n")
    (env.tmp / "r1.md").write_text((env.tmp / "r1.md").read_text().replace(
        "title:", "published: 2026-11-29 09:00\ntitle:", 1))
    assert env.cli("article", "add", str(env.tmp / "r1.md")).code == 0
    schedule_plan(load_settings(env.config), _store(env), path)
    [article] = env.cli("article", "list", "--json").json()
    shown = env.cli("article", "show", str(article["id"]), "--json").json()
    assert shown["revision"] == 1 and shown["published"].startswith("2026-11-29T09:00:00+07:00")


def test_schedule_from_a_plan_through_the_cli(env: Env) -> None:
    path = _plan(env, "article,accounts,at\nr1.md,sandbox_x,2099-01-05 09:00\nr2.md,sandbox_x;sandbox_fb,Senin 09.00\n")
    done = env.cli("schedule", "--from", path)
    assert done.code == 0, done.err
    assert "line 2: queued post 1 for sandbox_x at" in done.out and done.out.count("line 3: queued post") == 2
    bad = _plan(env, "article,accounts,at\nr1.md,sandbox_x,kapan-kapan\n")
    refused = env.cli("schedule", "--from", bad)
    assert refused.code == 1 and "line 2" in refused.err and "nothing from the plan was queued" in refused.err
    mixed = env.cli("schedule", "--from", path, "--now")
    assert mixed.code == 2 and "the plan has them" in mixed.err
