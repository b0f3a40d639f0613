"""Officers, roles and approval through the CLI, against the sandbox (issue 12 points 1-2).

Each workflow runs the CLI as officers of one configuration: ``dewi`` drafts, ``budi``
and ``sari`` approve, ``ani`` drafts and approves, ``root`` administers.  The officer is
chosen with ``--as`` (the configuration allows it) or by the operating-system user
(``$LOGNAME``, which :func:`getpass.getuser` reads first).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import REPO, CliResult, article_file, run_cli

OFFICERS = """
[officers.dewi]
roles = ["drafter"]

[officers.budi]
roles = ["approver"]
os_user = "budi_os"

[officers.sari]
roles = ["approver"]

[officers.ani]
roles = ["drafter", "approver"]

[officers.root]
roles = ["admin"]
"""

Cli = Callable[..., CliResult]


def _config(tmp_path: Path, sandbox: object, db_url: str, top: str = 'approval = "one"\nallow_as = true\n',
            officers: str = OFFICERS, account_extra: str = "") -> Path:
    from disseminator.starter import starter_config

    text = starter_config(sandbox.url, database=db_url)  # type: ignore[attr-defined]
    if account_extra:  # a key of the X account (the first [accounts.sandbox_x] table)
        text = text.replace("[accounts.sandbox_x]\n", "[accounts.sandbox_x]\n" + account_extra, 1)
    path = tmp_path / "disseminator.toml"
    path.write_text(top + text + officers, encoding="utf-8")
    init = run_cli(["--config", str(path), "--as", "root", "init"]) if "allow_as = true" in top else \
        run_cli(["--config", str(path), "init"], env={"LOGNAME": "root"})
    assert init.code == 0, init.err
    return path


def _runner(path: Path) -> Cli:
    def run(officer: str | None, *args: str, env: dict[str, str] | None = None) -> CliResult:
        who = ["--as", officer] if officer else []
        return run_cli(["--config", str(path), *who, *args], env=env)

    return run


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def officers(tmp_path: Path, sandbox: object, sqlite_url: str) -> Cli:
    """The CLI on a configuration where every post needs one approver (SQLite)."""
    return _runner(_config(tmp_path, sandbox, sqlite_url))


def _draft(run: Cli, tmp_path: Path, officer: str = "dewi", *, account: str = "sandbox_x", at: str | None = None,
           **fields: object) -> int:
    """``officer`` adds an article and queues it for ``account``; the post's id."""
    n = len(list(tmp_path.glob("a*.md")))
    fields.setdefault("url", f"https://humas.example.go.id/berita/{n}")  # a new article each time
    path = article_file(tmp_path, name=f"a{n}.md", **fields)
    added = run(officer, "article", "add", str(path), "--json")
    assert added.code == 0, added.err
    when = ["--at", at] if at else ["--now"]
    queued = run(officer, "schedule", str(added.json()[0]["id"]), "--account", account, *when, "--json")
    assert queued.code == 0, queued.err
    [post] = queued.json()
    return int(post["id"])


def _status(run: Cli, post_id: int) -> str:
    return str(run("root", "post", "show", str(post_id), "--json").json()["status"])


def test_drafted_post_waits_for_approval_then_is_published(tmp_path: Path, sandbox, db_url: str) -> None:  # type: ignore[no-untyped-def]
    run = _runner(_config(tmp_path, sandbox, db_url))
    post = _draft(run, tmp_path)
    assert _status(run, post) == "awaiting_approval"
    listed = run("dewi", "queue", "--json")
    assert [(p["id"], p["status"]) for p in listed.json()] == [(post, "awaiting_approval")]
    assert "approve" in run("dewi", "queue").out  # the table says what it waits for

    idle = run("root", "run-due")  # never claimed while it waits
    assert idle.code == 0, idle.err
    assert sandbox.posts() == []

    approved = run("budi", "approve", str(post), "--json")
    assert approved.code == 0, approved.err
    [row] = approved.json()
    assert (row["status"], row["drafted_by"], row["approved_by"], row["self_approved"]) == \
        ("scheduled", "dewi", ["budi"], False)

    published = run("root", "run-due")
    assert published.code == 0, published.err
    assert [p["network"] for p in sandbox.posts()] == ["x"]
    shown = run("dewi", "post", "show", str(post), "--json").json()
    assert shown["status"] == "published"
    assert (shown["drafted_by"], [a["officer"] for a in shown["approved_by"]]) == ("dewi", ["budi"])
    [approval] = [e for e in shown["events"] if e["move"] == "approve"]
    assert (approval["officer"], approval["self_approval"]) == ("budi", False)

    again = run("budi", "approve", str(post))  # published: one line, nothing changes
    assert again.code == 1
    assert again.err.strip().splitlines() == [f"error: post {post} is already published; it cannot be approved"]


def test_approving_a_post_being_published_is_refused(officers: Cli, tmp_path: Path, sqlite_url: str) -> None:
    import datetime as dt

    from disseminator.queue.claim import claim_next
    from disseminator.store import Store

    post = _draft(officers, tmp_path)
    assert officers("budi", "approve", str(post)).code == 0
    store = Store.open(sqlite_url)
    try:
        claimed = claim_next(store, worker="w1", now=store.clock.now() + dt.timedelta(seconds=5),
                                   lease=dt.timedelta(minutes=5))
        assert claimed is not None and claimed.id == post
    finally:
        store.close()
    for move in (("approve", str(post)), ("reject", str(post), "--reason", "terlambat")):
        refused = officers("budi", *move)
        assert refused.code == 1
        word = "approved" if move[0] == "approve" else "rejected"
        assert refused.err.strip().splitlines() == [
            f"error: post {post} is being published right now; it cannot be {word}"]
    assert _status(officers, post) == "publishing"


def test_reject_cancels_with_the_reason(officers: Cli, tmp_path: Path, sandbox) -> None:  # type: ignore[no-untyped-def]
    post = _draft(officers, tmp_path)
    no_reason = officers("budi", "reject", str(post))
    assert no_reason.code == 2 and "--reason" in no_reason.err
    rejected = officers("budi", "reject", str(post), "--reason", "Data belum dikonfirmasi")
    assert rejected.code == 0, rejected.err
    assert "rejected" in rejected.out
    shown = officers("dewi", "post", "show", str(post), "--json").json()
    assert shown["status"] == "cancelled"
    [event] = [e for e in shown["events"] if e["move"] == "reject"]
    assert (event["reason"], event["officer"]) == ("Data belum dikonfirmasi", "budi")
    assert officers("root", "run-due").code == 0
    assert sandbox.posts() == []
    twice = officers("budi", "reject", str(post), "--reason", "lagi")
    assert twice.code == 1 and "not awaiting approval" in twice.err


def test_two_approvals_need_two_different_approvers(tmp_path: Path, sandbox, sqlite_url: str) -> None:  # type: ignore[no-untyped-def]
    run = _runner(_config(tmp_path, sandbox, sqlite_url, account_extra='approval = "two"\n'))
    post = _draft(run, tmp_path)
    first = run("budi", "approve", str(post))
    assert first.code == 0, first.err
    assert "needs one more approver" in first.out
    assert _status(run, post) == "awaiting_approval"
    same = run("budi", "approve", str(post))
    assert same.code == 1
    assert "budi approved it already; another approver must too" in same.err
    second = run("sari", "approve", str(post), "--json")
    assert second.code == 0, second.err
    assert second.json()[0]["approved_by"] == ["budi", "sari"]
    assert _status(run, post) == "scheduled"
    # Another account follows the top-level "one".
    other = _draft(run, tmp_path, account="sandbox_fb")
    assert run("budi", "approve", str(other)).code == 0
    assert _status(run, other) == "scheduled"


def test_self_approval_is_refused_by_default(officers: Cli, tmp_path: Path) -> None:
    post = _draft(officers, tmp_path, "ani")
    own = officers("ani", "approve", str(post))
    assert own.code == 1
    assert own.err.strip().splitlines() == [
        f"error: post {post}: ani drafted it, so may not approve it (allow_self_approval)"]
    assert _status(officers, post) == "awaiting_approval"
    assert officers("budi", "approve", str(post)).code == 0


def test_self_approval_allowed_is_marked(tmp_path: Path, sandbox, sqlite_url: str) -> None:  # type: ignore[no-untyped-def]
    run = _runner(_config(tmp_path, sandbox, sqlite_url, top='approval = "one"\nallow_as = true\nallow_self_approval = true\n'))
    post = _draft(run, tmp_path, "ani")
    own = run("ani", "approve", str(post), "--json")
    assert own.code == 0, own.err
    assert own.json()[0]["self_approved"] is True
    shown = run("ani", "post", "show", str(post), "--json").json()
    assert shown["approved_by"][0]["self"] is True
    [event] = [e for e in shown["events"] if e["move"] == "approve"]
    assert event["self_approval"] is True and "own draft" in event["reason"]
    assert "drafted by ani, approved by ani (their own draft)" in run("ani", "post", "show", str(post)).out
    record = run("ani", "record", "show", str(post))
    assert record.code == 0, record.err
    assert "approved, by ani" in record.out  # the publication record names the officer


def test_edit_after_approval_needs_approval_again(officers: Cli, tmp_path: Path, sandbox) -> None:  # type: ignore[no-untyped-def]
    post = _draft(officers, tmp_path, at="besok 09:00")
    assert officers("budi", "approve", str(post)).code == 0
    assert _status(officers, post) == "scheduled"
    edited = officers("dewi", "edit", str(post), "--text", "Teks yang diperbaiki")
    assert edited.code == 0, edited.err
    shown = officers("dewi", "post", "show", str(post), "--json").json()
    assert (shown["status"], shown["approved_by"], shown["parts_text"]) == \
        ("awaiting_approval", [], ["Teks yang diperbaiki"])
    assert [e["move"] for e in shown["events"]][-2:] == ["approve", "edit_approved"]
    # While it waits, the drafter may still change it; the approver then approves the new text.
    assert officers("dewi", "reschedule", str(post), "--at", "besok 10:00").code == 0
    assert officers("dewi", "edit", str(post), "--text", "Teks final").code == 0
    assert _status(officers, post) == "awaiting_approval"
    assert officers("budi", "approve", str(post)).code == 0
    assert _status(officers, post) == "scheduled"


def test_new_article_revision_needs_approval_again(officers: Cli, tmp_path: Path) -> None:
    path = article_file(tmp_path, name="rev.md", url="https://humas.example.go.id/berita/rev")
    article = officers("dewi", "article", "add", str(path), "--json").json()[0]["id"]
    [waiting] = officers("dewi", "schedule", str(article), "--account", "sandbox_fb", "--at", "besok 09:00",
                         "--json").json()
    [approved] = officers("dewi", "schedule", str(article), "--account", "sandbox_x", "--at", "besok 09:00",
                          "--json").json()
    assert officers("budi", "approve", str(approved["id"])).code == 0
    article_file(tmp_path, name="rev.md", url="https://humas.example.go.id/berita/rev", body="Isi yang diperbarui.")
    assert officers("dewi", "article", "add", str(path)).code == 0
    for post in (waiting["id"], approved["id"]):
        shown = officers("dewi", "post", "show", str(post), "--json").json()
        assert shown["status"] == "awaiting_approval", post
        assert "Isi yang diperbarui." in shown["parts_text"][0]
    assert officers("budi", "approve", str(approved["id"])).code == 0


def test_an_approved_series_goes_on_approved(officers: Cli, tmp_path: Path, sandbox) -> None:  # type: ignore[no-untyped-def]
    path = article_file(tmp_path, name="seri.md", url="https://humas.example.go.id/berita/seri")
    article = officers("dewi", "article", "add", str(path), "--json").json()[0]["id"]
    [first] = officers("dewi", "schedule", str(article), "--account", "sandbox_fb", "--now", "--every", "0 8 * * *",
                       "--json").json()
    assert first["status"] == "awaiting_approval"
    assert officers("budi", "approve", str(first["id"])).code == 0
    assert officers("root", "run-due").code == 0
    assert len(sandbox.posts()) == 1
    [nxt] = [p for p in officers("dewi", "queue", "--json").json() if p["id"] != first["id"]]
    shown = officers("dewi", "post", "show", str(nxt["id"]), "--json").json()
    assert (shown["status"], shown["drafted_by"], [a["officer"] for a in shown["approved_by"]]) == \
        ("scheduled", "dewi", ["budi"])


def test_status_names_due_posts_awaiting_approval(officers: Cli, tmp_path: Path) -> None:
    post = _draft(officers, tmp_path)  # --now: due at once, but waits for an approver
    found = officers("dewi", "status", "--json")
    assert found.code == 1
    assert found.json()["accounts"]["sandbox_x"]["awaiting_approval_due"] == 1
    assert ("sandbox_x: 1 post is due but awaits approval ('disseminator queue --status awaiting_approval')"
            in found.json()["problems"])
    assert officers("budi", "approve", str(post)).code == 0
    assert "awaiting_approval_due" not in officers("dewi", "status", "--json").json()["accounts"].get("sandbox_x", {})


def test_roles_refuse_what_they_may_not_do(officers: Cli, tmp_path: Path) -> None:
    post = _draft(officers, tmp_path, at="besok 09:00")
    refusals = {
        ("dewi", "approve", str(post)): "officer dewi (drafter) may not run 'approve' (needs the approver role)",
        ("dewi", "pause", "sandbox_x", "--reason", "x"): "officer dewi (drafter) may not run 'pause'",
        ("dewi", "accounts", "list"): "officer dewi (drafter) may not run 'accounts list' (needs the admin role)",
        ("budi", "accounts", "check"): "officer budi (approver) may not run 'accounts check'",
        ("budi", "db", "current"): "officer budi (approver) may not run 'db current'",
        ("dewi", "run-due"): "officer dewi (drafter) may not run 'run-due'",
    }
    for (officer, *args), message in refusals.items():
        refused = officers(officer, *args)
        assert refused.code == 1, (args, refused.out)
        [line] = refused.err.strip().splitlines()
        assert line.startswith("error: " + message), line
    assert _status(officers, post) == "awaiting_approval"
    # Allowed: a drafter reads the queue; an approver pauses; an admin lists accounts.
    assert officers("dewi", "queue").code == 0
    assert officers("budi", "accounts", "pause", "sandbox_fb", "--reason", "uji").code == 0
    assert officers("root", "accounts", "list").code == 0


def test_drafter_changes_only_own_or_unapproved_posts(officers: Cli, tmp_path: Path) -> None:
    theirs = _draft(officers, tmp_path, "ani", at="besok 09:00")
    # Not yet approved: any drafter may fix it.
    assert officers("dewi", "reschedule", str(theirs), "--at", "besok 11:00").code == 0
    assert officers("budi", "approve", str(theirs)).code == 0
    for args in (("cancel", str(theirs)), ("reschedule", str(theirs), "--at", "besok 12:00"),
                 ("edit", str(theirs), "--text", "Bukan milik saya")):
        refused = officers("dewi", *args)
        assert refused.code == 1, args
        assert f"post {theirs}: drafter dewi may '{args[0]}' only own or unapproved posts" in refused.err
    assert _status(officers, theirs) == "scheduled"
    own = _draft(officers, tmp_path, "dewi", at="besok 09:00", title="Berita lain")
    assert officers("budi", "approve", str(own)).code == 0
    assert officers("dewi", "cancel", str(own)).code == 0
    assert officers("budi", "cancel", str(theirs)).code == 0  # an approver may


def test_officer_is_the_os_user_and_as_needs_allow_as(tmp_path: Path, sandbox, sqlite_url: str) -> None:  # type: ignore[no-untyped-def]
    path = _config(tmp_path, sandbox, sqlite_url, top='approval = "one"\n')
    run = _runner(path)
    as_refused = run("budi", "queue", env={"LOGNAME": "dewi"})
    assert as_refused.code == 1
    assert as_refused.err.strip().splitlines() == [
        "error: --as budi: the configuration says allow_as = false; run it as yourself"]
    post = _draft(lambda _o, *a, **k: run(None, *a, env={"LOGNAME": "dewi"}), tmp_path)
    # budi's operating-system user is budi_os (os_user); the name alone is not enough.
    assert run(None, "approve", str(post), env={"LOGNAME": "budi"}).code == 1
    stranger = run(None, "approve", str(post), env={"LOGNAME": "budi"})
    assert "user 'budi' is no officer: an admin adds os_user = 'budi' to an [officers.NAME]" in stranger.err
    assert run(None, "approve", str(post), env={"LOGNAME": "budi_os"}).code == 0
    shown = run(None, "post", "show", str(post), "--json", env={"LOGNAME": "dewi"}).json()
    assert (shown["status"], shown["drafted_by"]) == ("scheduled", "dewi")


def test_unknown_officer_is_one_line(officers: Cli) -> None:
    unknown = officers("nobody", "queue")
    assert unknown.code == 1
    assert unknown.err.strip().splitlines() == [
        "error: unknown officer 'nobody' (officers: dewi, budi, sari, ani, root)"]


def test_image_without_alt_text_cannot_be_approved(officers: Cli, tmp_path: Path, sandbox) -> None:  # type: ignore[no-untyped-def]
    shutil.copy(REPO / "disseminator" / "data" / "contoh-bendungan.jpg", tmp_path / "media" / "foto.jpg")
    image = f"{sandbox.url}/media/foto.jpg"
    post = _draft(officers, tmp_path, image=image, tags=["harikemerdekaan", "MBG"])
    shown = officers("budi", "preview", "--post", str(post), "--json")
    assert shown.code == 0, shown.err
    [item] = shown.json()
    assert item["post_id"] == post and item["media_alt"] == [None]
    assert any("image 1 has no alt text" in w for w in item["warnings"])
    assert any("#Harikemerdekaan: not CamelCase" in w for w in item["warnings"])
    assert not any("#MBG" in w for w in item["warnings"])
    refused = officers("budi", "approve", str(post))
    assert refused.code == 1
    assert f"error: post {post} cannot be approved: image 1 has no alt text (image_alt)" in refused.err
    assert _status(officers, post) == "awaiting_approval"

    with_alt = _draft(officers, tmp_path, image=image, image_alt="Bendungan", title="Bendungan baru",
                      tags=["harikemerdekaan"])
    approved = officers("budi", "approve", str(with_alt))
    assert approved.code == 0, approved.err
    assert "warning: post" in approved.err and "CamelCase" in approved.err  # flagged, not refused


def test_alt_text_rule_can_be_turned_off(tmp_path: Path, sandbox, sqlite_url: str) -> None:  # type: ignore[no-untyped-def]
    shutil.copy(REPO / "disseminator" / "data" / "contoh-bendungan.jpg", tmp_path / "media" / "foto.jpg")
    run = _runner(_config(tmp_path, sandbox, sqlite_url,
                          top='approval = "one"\nallow_as = true\nrequire_alt_text = false\n'))
    post = _draft(run, tmp_path, image=f"{sandbox.url}/media/foto.jpg")
    assert run("budi", "approve", str(post)).code == 0


def test_preview_of_a_queued_post_is_what_goes_out(officers: Cli, tmp_path: Path, sandbox) -> None:  # type: ignore[no-untyped-def]
    post = _draft(officers, tmp_path)
    assert officers("dewi", "edit", str(post), "--text", "Teks persis #HariKemerdekaan").code == 0
    text = officers("budi", "preview", "--post", str(post))
    assert text.code == 0, text.err
    assert "Teks persis #HariKemerdekaan" in text.out and "CamelCase" not in text.out
    assert officers("budi", "approve", str(post)).code == 0
    assert officers("root", "run-due").code == 0
    assert [p["text"] for p in sandbox.posts()] == ["Teks persis #HariKemerdekaan"]
    both = officers("budi", "preview", "1", "--post", str(post))
    assert both.code == 2 and "not both" in both.err


def test_without_officers_everyone_may_approve(tmp_path: Path, sandbox, sqlite_url: str) -> None:  # type: ignore[no-untyped-def]
    run = _runner(_config(tmp_path, sandbox, sqlite_url, top='approval = "one"\n', officers=""))
    post = _draft(lambda _o, *a, **k: run(None, *a), tmp_path)
    assert _status(lambda _o, *a, **k: run(None, *a), post) == "awaiting_approval"
    approved = run(None, "approve", str(post), "--json")  # a one-person unit approves its own draft
    assert approved.code == 0, approved.err
    assert approved.json()[0]["self_approved"] is True
    as_refused = run("budi", "queue")
    assert as_refused.code == 1 and "no [officers] are configured" in as_refused.err


@pytest.mark.parametrize(("text", "message"), [
    ('[officers.x]\nroles = ["chief"]\n', 'officers.x.roles: expected a list of roles from "drafter", "approver" and "admin"'),
    ('[officers.x]\nroles = ["admin"]\nrole = "admin"\n', "officers.x.role: unknown setting of an officer (did you mean 'roles'?)"),
    ('[officers.x]\nroles = ["admin"]\n[officers.y]\nroles = ["admin"]\nos_user = "x"\n', "officers.y.os_user: 'x' is already officer 'x'"),
])
def test_bad_officers_are_one_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "disseminator.toml"
    path.write_text(f'database = "sqlite:///{tmp_path / "t.db"}"\n' + text, encoding="utf-8")
    result = run_cli(["--config", str(path), "queue"])
    assert result.code == 2
    [line] = result.err.strip().splitlines()
    assert line.startswith("error: ") and message in line, line


def test_bad_approval_level_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "disseminator.toml"
    path.write_text(f'database = "sqlite:///{tmp_path / "t.db"}"\napproval = "three"\n', encoding="utf-8")
    result = run_cli(["--config", str(path), "queue"])
    assert result.code == 2
    assert result.err.strip().splitlines() == [
        f"error: {path}:2: approval: expected \"none\", \"one\" or \"two\", got 'three'"]
