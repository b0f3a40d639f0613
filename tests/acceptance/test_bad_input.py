"""Every bad input of issue 2: one clear line on stderr, non-zero exit, nothing lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.contract.conftest import sandbox_settings
from tests.helpers import article_file, run_cli, write_config


@pytest.fixture(params=["sqlite"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:  # SQLite is enough here
    return f"sqlite:///{tmp_path / 'test.db'}"


def _one_line_error(result, *needles: str) -> None:  # type: ignore[no-untyped-def]
    assert result.code != 0
    lines = [line for line in result.err.splitlines() if line.strip()]
    assert len(lines) == 1, result.err
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.err
    for needle in needles:
        assert needle in lines[0], lines[0]


@pytest.mark.parametrize(
    ("content", "needles"),
    [
        ("---\nurl: https://a.go.id/x\n---\nbody\n", ["missing title"]),
        ("---\ntitle: [unclosed\n---\nbody\n", ["malformed front matter", "line"]),
        ("---\ntitle: ok\nno closing line\n", ["front matter is not closed"]),
        ("just text, no front matter\n", ["missing front matter"]),
        ("---\ntitle: Judul\nurl: \"javascript:alert(1)\"\n---\n", ["url", "is not an http(s) URL"]),
        ("---\ntitle: Judul\nimage: ftp://a.go.id/x.jpg\n---\n", ["image", "is not an http(s) URL"]),
        ('{"title": ""}', ["missing title"]),
        ('{"title": "x", ', ["not valid JSON"]),
    ],
)
def test_bad_article_is_refused_and_nothing_added(cli, tmp_path: Path, content: str, needles: list[str]) -> None:  # type: ignore[no-untyped-def]
    good = article_file(tmp_path, "good.md")
    bad = tmp_path / ("bad.json" if content.startswith("{") else "bad.md")
    bad.write_text(content, encoding="utf-8")
    result = cli("article", "add", str(good), str(bad))
    _one_line_error(result, str(bad), *needles)
    assert cli("article", "list", "--json").json() == []


def test_binary_and_empty_files(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    binary = tmp_path / "foto.md"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    _one_line_error(cli("article", "add", str(binary)), "binary file")
    empty = tmp_path / "kosong.md"
    empty.write_text("")
    _one_line_error(cli("article", "add", str(empty)), "file is empty")
    missing = tmp_path / "tidak-ada.md"
    _one_line_error(cli("article", "add", str(missing)), "file not found")


def test_unknown_account_and_unknown_article(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("article", "add", str(article_file(tmp_path)))
    _one_line_error(cli("schedule", "1", "--account", "nope", "--now"), "unknown account 'nope'", "sandbox_x")
    _one_line_error(cli("schedule", "99", "--now"), "no article with id 99")
    _one_line_error(cli("preview", "1", "--account", "nope"), "unknown account 'nope'")
    assert cli("queue", "--json").json() == []


@pytest.mark.parametrize(
    ("when", "needle"),
    [("2020-01-01 09:00", "is in the past"), ("kemarin 09:00", "is in the past"), ("kapan-kapan saja", "cannot read")],
)
def test_bad_times(cli, tmp_path: Path, when: str, needle: str) -> None:  # type: ignore[no-untyped-def]
    cli("article", "add", str(article_file(tmp_path)))
    _one_line_error(cli("schedule", "1", "--at", when), needle)
    assert cli("queue", "--json").json() == []


def test_instagram_without_image_is_refused_and_others_queued(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("article", "add", str(article_file(tmp_path)))  # no image
    result = cli("schedule", "1", "--now", "--json")
    assert result.code == 1
    queued = sorted(p["account"] for p in result.json())
    assert queued == ["sandbox_bs", "sandbox_fb", "sandbox_md", "sandbox_tg", "sandbox_th", "sandbox_x"]
    # One line for each account that needs an image (Instagram; TikTok when installed).
    lines = [line for line in result.err.splitlines() if line.strip()]
    assert lines[0] == ("error: sandbox_ig: not queued: Instagram needs an image and the article has none "
                        "(set 'image' in the article, or card = true for the account)")
    assert all(line.startswith("error: sandbox_") and "an image" in line for line in lines)
    assert len(lines) == len(sandbox_settings()) - len(queued) and "Traceback" not in result.err
    assert len(cli("queue", "--json").json()) == len(queued)


def test_unset_variable_is_named_never_its_value(tmp_path: Path, sandbox, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    extra = """
[accounts.real_x]
channel = "twitter"
base_url = "%s"
consumer_key = "${DSM_TEST_KEY}"
consumer_secret = "${DSM_TEST_SECRET}"
access_token = "1500000000000000001-x"
access_token_secret = "s"
""" % sandbox.url
    config = write_config(tmp_path, sandbox_url=None, database=f"sqlite:///{tmp_path}/db.sqlite", extra=extra)
    monkeypatch.setenv("DSM_TEST_KEY", "canary-value-1234")
    monkeypatch.delenv("DSM_TEST_SECRET", raising=False)
    assert run_cli(["--config", str(config), "init"]).code == 0
    run_cli(["--config", str(config), "article", "add", str(article_file(tmp_path))])
    # Formatting needs no credentials: scheduling works without the variable.
    assert run_cli(["--config", str(config), "schedule", "1", "--now"]).code == 0
    run = run_cli(["--config", str(config), "run-due", "--json"])
    assert run.code == 1
    # Not claimed: the configuration says why each run, and nothing is stored for the account.
    assert run.json() == [] and "DSM_TEST_SECRET is not set" in run.err and "canary-value-1234" not in run.out + run.err
    again = run_cli(["--config", str(config), "run-due"])
    assert again.code == 1 and "wait for account real_x" in again.err
    result = run_cli(["--config", str(config), "accounts", "check", "real_x"])
    assert result.code == 1
    assert "DSM_TEST_SECRET is not set" in result.out and "canary-value-1234" not in result.out
    queue = run_cli(["--config", str(config), "queue", "--json"]).json()
    assert queue[0]["status"] == "scheduled"
    assert "DSM_TEST_SECRET is not set" in queue[0]["waiting_for_account"]


def test_network_unreachable_keeps_post_queued(tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    config = write_config(tmp_path, sandbox_url=dead, database=f"sqlite:///{tmp_path}/db.sqlite")
    run = lambda *a: run_cli(["--config", str(config), *a])  # noqa: E731
    assert run("init").code == 0
    run("article", "add", str(article_file(tmp_path)))
    assert run("schedule", "1", "--account", "sandbox_x", "--now").code == 0
    result = run("run-due", "--json")
    assert result.code == 1
    [outcome] = result.json()
    assert outcome["status"] == "scheduled" and outcome["error_kind"] == "transient"
    assert "network unreachable" in outcome["error"]
    [post] = run("queue", "--json").json()
    assert post["status"] == "scheduled" and post["attempts"] == 1
    assert post["next_attempt_at"] > post["scheduled_at"]
    from disseminator.config import load_settings
    from disseminator.store import Store

    store = Store(load_settings(config).database)
    [attempt] = store.attempts()
    assert attempt.outcome == "transient" and attempt.post_id == post["id"]
    assert store.post(post["id"]).needs_reconcile is False  # refused connection: nothing landed
    store.close()


def test_bad_config_names_file_key_and_expectation(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text('timezone = "Mars/Olympus"\n')
    _one_line_error(run_cli(["--config", str(config), "queue"]), "bad.toml", "timezone", "Asia/Jakarta")
    config.write_text("[accounts.x]\nconsumer_key = 1\n")
    _one_line_error(run_cli(["--config", str(config), "queue"]), "accounts.x.channel")
    config.write_text("this is = = not toml")
    _one_line_error(run_cli(["--config", str(config), "queue"]), "not valid TOML")
    _one_line_error(run_cli(["--config", str(tmp_path / "none.toml"), "queue"]), "configuration file not found")


def test_init_writes_to_a_named_config_that_does_not_exist_yet(tmp_path: Path) -> None:
    target = tmp_path / "kantor" / "humas.toml"
    result = run_cli(["--config", str(target), "init", "--sandbox", "http://127.0.0.1:8765"])
    assert result.code == 0, result.err
    assert "sandbox_x" in target.read_text() and (tmp_path / "kantor" / "disseminator.db").is_file()
    again = run_cli(["--config", str(target), "init", "--sandbox", "http://elsewhere:1"])
    assert again.code == 0 and "elsewhere" not in target.read_text()


@pytest.mark.parametrize(
    ("argv", "needle"),
    [(["article", "show", "abc"], "'abc' is not a valid integer"), (["queue", "--status", "done"], "'done' is not one of"),
     (["frob"], "no command 'frob'"), (["history", "--json", "--csv"], "not both")],
)
def test_usage_mistakes_are_one_line_too(cli, argv: list[str], needle: str) -> None:  # type: ignore[no-untyped-def]
    _one_line_error(cli(*argv), needle, "--help")


def test_no_database_file_is_left_behind_by_a_command_before_init(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("DISSEMINATOR_CONFIG", raising=False)
    _one_line_error(run_cli(["queue"]), "does not exist yet", "disseminator init")
    assert list(tmp_path.iterdir()) == []
