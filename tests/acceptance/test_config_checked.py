"""The configuration is checked like code (issue 9, point 4), through the CLI as a process.

A typo in a key, a section or a channel name is one line naming the file, the line and the
closest known name, exit status 2, and no database is made by following a silently wrong
file.  A problem of our configuration (a ``${VAR}`` not set) is never stored as the
account's state: the worker leaves the account's posts alone while the configuration says
why, and they go out once it is fixed, without an ``accounts check``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import article_file, run_proc, write_config

STARTER_TOP = 'timezone = "Asia/Jakarta"\n'


def _config(folder: Path, sandbox_url: str | None, *, extra: str = "") -> Path:
    return write_config(folder, sandbox_url=sandbox_url, database="sqlite:///humas.db", extra=extra)


def _line_of(path: Path, text: str) -> int:
    return path.read_text(encoding="utf-8").splitlines().index(text) + 1


def _one_line(result, *needles: str) -> str:  # type: ignore[no-untyped-def]
    lines = [line for line in result.err.splitlines() if line.strip()]
    assert result.code == 2, (result.code, result.err)
    assert len(lines) == 1 and lines[0].startswith("error: "), result.err
    for needle in needles:
        assert needle in lines[0], lines[0]
    return str(lines[0])


def _insert_after(path: Path, anchor: str, line: str) -> None:
    """Put ``line`` right after ``anchor`` (``STARTER_TOP``: among the top-level settings)."""
    text = path.read_text(encoding="utf-8")
    assert anchor in text
    path.write_text(text.replace(anchor, anchor + line + "\n", 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("place", "typo", "wrong", "suggestion"),
    [
        ("end", '[acounts.humas_x]\nchannel = "twitter"', "[acounts.humas_x]", "did you mean 'accounts'?"),
        ("top", 'databse = "sqlite:///kantor.db"', 'databse = "sqlite:///kantor.db"', "did you mean 'database'?"),
        ("end", "[worker]\ntick_second = 5", "tick_second = 5", "did you mean 'tick_seconds'?"),
        ("end", '[accounts.humas_fb]\nchannel = "fb"\npage_id = "1"\naccess_token = "t"', 'channel = "fb"',
         "did you mean 'facebook'?"),
        ("end", '[accounts.humas_x]\nchannel = "twitter"\nhashtag = ["#HumasRI"]', 'hashtag = ["#HumasRI"]',
         "did you mean 'hashtags'?"),
        ("media", 'public_base = "https://humas.example.go.id/media"', 'public_base = "https://humas.example.go.id/media"',
         "did you mean 'public_base_url'?"),
    ],
    ids=["section", "top-level", "worker", "channel", "account-setting", "media"],
)
def test_a_typo_is_one_line_with_file_line_and_suggestion_and_no_database(
    tmp_path: Path, place: str, typo: str, wrong: str, suggestion: str
) -> None:
    config = _config(tmp_path, None, extra="\n" + typo + "\n" if place == "end" else "")
    if place == "top":
        _insert_after(config, STARTER_TOP, typo)
    elif place == "media":
        _insert_after(config, '[media]\n', typo)
    where = f"{config}:{_line_of(config, wrong)}:"
    for command in (["run-due"], ["queue"], ["init"]):
        result = run_proc(["--config", str(config), *command], cwd=tmp_path)
        _one_line(result, where, suggestion)
    assert not list(tmp_path.glob("*.db")), list(tmp_path.glob("*.db"))


def test_a_wrong_value_names_file_line_and_key(tmp_path: Path) -> None:
    config = _config(tmp_path, None, extra="\n[worker]\nlease_seconds = 900\ntick_seconds = 0\n")
    result = run_proc(["--config", str(config), "init"], cwd=tmp_path)
    _one_line(result, f"{config}:{_line_of(config, 'tick_seconds = 0')}: worker.tick_seconds: expected a number")
    assert not (tmp_path / "humas.db").exists()


def _queue_one_post(tmp_path: Path, config: Path, account: str, env: dict[str, str] | None = None) -> None:
    run = lambda *a: run_proc(["--config", str(config), *a], cwd=tmp_path, env=env)  # noqa: E731
    assert run("init").code == 0
    assert run("article", "add", str(article_file(tmp_path))).code == 0
    scheduled = run("schedule", "1", "--account", account, "--now")
    assert scheduled.code == 0, scheduled.err


def test_a_fixed_channel_typo_publishes_without_accounts_check(tmp_path: Path, sandbox) -> None:  # type: ignore[no-untyped-def]
    config = _config(tmp_path, sandbox.url)
    _queue_one_post(tmp_path, config, "sandbox_fb")
    good = config.read_text(encoding="utf-8")
    config.write_text(good.replace('channel = "facebook"', 'channel = "fb"'), encoding="utf-8")
    typo = run_proc(["--config", str(config), "run-due"], cwd=tmp_path)
    line = _line_of(config, 'channel = "fb"')
    _one_line(typo, f"{config}:{line}: accounts.sandbox_fb.channel", "did you mean 'facebook'?")

    config.write_text(good, encoding="utf-8")
    listed = run_proc(["--config", str(config), "accounts", "list", "--json"], cwd=tmp_path).json()
    assert all(row["needs_attention"] is None for row in listed), listed
    run = run_proc(["--config", str(config), "run-due", "--json"], cwd=tmp_path)
    assert run.code == 0, run.out + run.err
    [outcome] = run.json()
    assert outcome["account"] == "sandbox_fb" and outcome["status"] == "published"


MISSING = """
[accounts.real_x]
channel = "twitter"
base_url = "{url}"
consumer_key = "${{DSM_CFG_KEY}}"
consumer_secret = "${{DSM_CFG_SECRET}}"
access_token = "{token}"
access_token_secret = "{token_secret}"
"""


def test_unset_variables_keep_posts_waiting_and_nothing_is_stored(tmp_path: Path, sandbox) -> None:  # type: ignore[no-untyped-def]
    from disseminator.sandbox.credentials import DEFAULT as SB

    extra = MISSING.format(url=sandbox.url, token=SB.x_access_token, token_secret=SB.x_access_token_secret)
    config = _config(tmp_path, None, extra=extra)
    _queue_one_post(tmp_path, config, "real_x")
    run = lambda *a, env=None: run_proc(["--config", str(config), *a], cwd=tmp_path, env=env)  # noqa: E731

    listed = run("accounts", "list")
    assert listed.code == 0 and "DSM_CFG_KEY" in listed.out and "DSM_CFG_SECRET" in listed.out, listed.out
    [row] = run("accounts", "list", "--json").json()
    assert "DSM_CFG_KEY" in row["needs_attention"] and "DSM_CFG_SECRET" in row["needs_attention"]

    due = run("run-due", "--json")
    assert due.code == 1 and json.loads(due.out) == [], due.out  # nothing claimed, nothing called
    assert "real_x" in due.err and "DSM_CFG_KEY" in due.err and "DSM_CFG_SECRET" in due.err, due.err
    assert "accounts check" not in due.err  # fixing the configuration is enough
    [post] = run("queue", "--json").json()
    assert post["status"] == "scheduled" and post["attempts"] == 0
    assert "DSM_CFG_SECRET" in post["waiting_for_account"]
    checked = run("accounts", "check", "real_x")  # says it too, and stores no mark that outlives the fix
    assert checked.code == 1 and "DSM_CFG_KEY" in checked.out and "DSM_CFG_SECRET" in checked.out, checked.out

    env = {"DSM_CFG_KEY": SB.x_consumer_key, "DSM_CFG_SECRET": SB.x_consumer_secret}
    fixed = run("run-due", "--json", env=env)
    assert fixed.code == 0, fixed.out + fixed.err
    [outcome] = fixed.json()
    assert outcome["account"] == "real_x" and outcome["status"] == "published"


def test_posts_of_an_account_removed_from_the_file_wait_and_are_named(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from disseminator.config import load_settings
    from disseminator.store import Store
    from disseminator.worker import Worker
    from tests.helpers import article_file, run_cli, write_config

    config = write_config(tmp_path, sandbox_url="http://127.0.0.1:9", database=f"sqlite:///{tmp_path}/t.db")
    run = lambda *a: run_cli(["--config", str(config), *a])  # noqa: E731
    assert run("init").code == 0
    run("article", "add", str(article_file(tmp_path)))
    assert run("schedule", "1", "--account", "sandbox_fb", "--now").code == 0
    text = config.read_text()
    config.write_text(text[:text.index("[accounts.sandbox_fb]")] + text[text.index("[accounts.sandbox_ig]"):])
    settings = load_settings(config)
    report = Worker(settings, Store(settings.database)).run_due()
    assert report.outcomes == [] and report.misconfigured == {
        "sandbox_fb": (1, "account 'sandbox_fb' is not in the configuration (any more)")}
