"""The rules the CLI used to hold, called as library functions (SQLite and PostgreSQL,
the in-process sandbox): what ``accounts check`` decides, what ``run-due`` says and when
it fails, partial refusals, all-or-none article files, the starter config."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from disseminator import accounts, bootstrap, catalog, listings, posts, report
from disseminator.config import Settings, load_settings
from disseminator.errors import ArticleError, RunFailed, UsageError
from disseminator.store import Store
from disseminator.timeshow import show
from disseminator.worker import Outcome, RunReport
from tests.contract.conftest import NETWORK, sandbox_settings
from tests.helpers import REPO, article_file


@dataclass
class Lib:
    settings: Settings
    store: Store
    sandbox: object
    tmp: Path

    def queue(self, *names: str, image: bool = True, title: str = "Peresmian Bendungan Baru") -> list[int]:
        """An article scheduled now for ``names``; the ids of the posts queued."""
        fields = {"image": f"{self.sandbox.url}/media/foto.jpg"} if image else {}  # type: ignore[attr-defined]
        path = article_file(self.tmp, f"{len(catalog.list_articles(self.settings, self.store))}.md", title=title, **fields)
        [added] = catalog.add_articles(self.settings, self.store, [str(path)])
        return [r["id"] for r in posts.schedule(self.settings, self.store, added["id"], names, at=None).rows]

    def token(self, action: str, token: str | None = None) -> None:
        url = f"{self.sandbox.url}/_sandbox/tokens/{action}"  # type: ignore[attr-defined]
        requests.post(url, json={"token": token} if token else {}, timeout=5).raise_for_status()

    def state(self, name: str) -> dict[str, object]:
        return next(r for r in accounts.list_accounts(self.settings, lambda: self.store) if r["account"] == name)


@pytest.fixture
def lib(config: Path, sandbox: object, tmp_path: Path) -> Iterator[Lib]:
    import shutil

    shutil.copy(REPO / "disseminator" / "data" / "contoh-bendungan.jpg", tmp_path / "media" / "foto.jpg")
    settings = load_settings(config)
    store = Store.open(settings.database)
    try:
        yield Lib(settings, store, sandbox, tmp_path)
    finally:
        store.close()


def soon(minutes: float = 0) -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=minutes)


# -- accounts check --------------------------------------------------------------------

def test_a_refused_token_marks_the_account_and_a_passing_check_releases_its_posts(lib: Lib) -> None:
    from disseminator.sandbox import DEFAULT

    [pid] = lib.queue("sandbox_x")
    lib.token("revoke", DEFAULT.x_access_token)
    first = report.run_due(lib.settings, lib.store)
    assert [(r["status"], r["error_kind"]) for r in first.rows] == [("scheduled", "auth")] and first.failed

    refused = accounts.check_accounts(lib.settings, lib.store, ["sandbox_x"])
    [row] = refused.rows
    assert not row["ok"] and row["error"].startswith("credentials refused")
    assert lib.state("sandbox_x")["needs_attention"] == row["error"]
    with pytest.raises(RunFailed) as failed:
        refused.raise_if_failed()
    assert failed.value.lines == []  # the rows say why; nothing more to print

    held = report.run_due(lib.settings, lib.store)
    assert held.rows == [] and held.failed  # due posts waiting for an account fail the run
    assert any("wait for account sandbox_x, which needs attention" in line for line in held.said.err)

    lib.token("restore")
    passed = accounts.check_accounts(lib.settings, lib.store, ["sandbox_x"])
    [row] = passed.rows
    assert row["ok"] and row["identity"].startswith("@") and row["released"] == 1
    passed.raise_if_failed()
    assert lib.state("sandbox_x")["needs_attention"] is None
    # Released: due now, not after the authentication back-off.
    [queued] = listings.queue(lib.settings, lib.store).rows
    assert queued["id"] == pid and queued["next_attempt_at"] <= show(soon(1), lib.settings.tz)
    assert [r["status"] for r in report.run_due(lib.settings, lib.store).rows] == ["published"]


def test_a_broken_template_fails_the_check_without_marking_the_account(lib: Lib) -> None:
    (lib.tmp / "x.j2").write_text("{{ title }\n")
    text = lib.settings.path.read_text()  # type: ignore[union-attr]
    lib.settings.path.write_text(text.replace('username = "sandbox_humas"', 'username = "sandbox_humas"\ntemplate = "x.j2"'))  # type: ignore[union-attr]
    checks = accounts.check_accounts(load_settings(lib.settings.path), lib.store, ["sandbox_x"])
    [row] = checks.rows
    assert not row["ok"] and "template x.j2, line 1" in row["error"]
    assert lib.state("sandbox_x")["needs_attention"] is None
    with pytest.raises(RunFailed):
        checks.raise_if_failed()


def test_an_unreachable_network_changes_nothing(lib: Lib) -> None:
    lib.sandbox.set_faults({"next": [{"network": "x", "status": 503, "count": 20}]})  # type: ignore[attr-defined]
    [row] = accounts.check_accounts(lib.settings, lib.store, ["sandbox_x"]).rows
    assert not row["ok"] and row["unreachable"] and row["error"].startswith("could not check (transient)")
    assert lib.state("sandbox_x")["needs_attention"] is None


def test_pause_and_resume(lib: Lib) -> None:
    assert accounts.pause(lib.settings, lib.store, "sandbox_fb", "berkabung")["changed"]
    assert lib.state("sandbox_fb")["paused"] == "berkabung"
    assert accounts.resume(lib.settings, lib.store, "sandbox_fb")["changed"]
    assert not accounts.resume(lib.settings, lib.store, "sandbox_fb")["changed"]
    assert lib.state("sandbox_fb")["paused"] is None


# -- run-due ---------------------------------------------------------------------------

def test_a_paused_account_is_a_note_not_a_failure(lib: Lib) -> None:
    lib.queue("sandbox_x", "sandbox_fb")
    accounts.pause(lib.settings, lib.store, "sandbox_x", "berkabung")
    summary = report.run_due(lib.settings, lib.store)
    assert [(r["account"], r["status"]) for r in summary.rows] == [("sandbox_fb", "published")]
    assert summary.said.err == ["note: 1 due post(s) wait: account sandbox_x is paused (berkabung)"]
    assert not summary.failed
    summary.raise_if_failed()


def test_what_run_due_says_and_when_it_fails() -> None:
    ok = report.summarise(RunReport(outcomes=[Outcome(1, "a", "published", remote_url="https://x/1")]), {})
    assert ok.told == ["Published post 1 on a: https://x/1"] and ok.said.out == [] and not ok.failed
    limited = report.summarise(RunReport(outcomes=[Outcome(2, "a", "scheduled", "rate_limited", "slow down")]), {})
    assert not limited.failed and "will try again" in limited.told[0]
    transient = report.summarise(RunReport(outcomes=[Outcome(3, "a", "scheduled", "transient", "503")]), {})
    assert transient.failed
    nothing = report.summarise(RunReport(recovered=[4]), {})
    assert nothing.said.out == ["Post 4 was left mid-publish by a stopped worker; it will be checked on the network first",
                                "Nothing due."]
    assert not nothing.failed


def test_the_daemon_says_a_held_account_once_until_it_changes() -> None:
    narrator = report.DaemonNarrator()
    held = RunReport(waiting={"a": (2, "token expired")})
    assert narrator.tell(held).err == ["warning: 2 due post(s) wait for account a: token expired"]
    assert narrator.tell(RunReport(waiting={"a": (2, "token expired")})).err == []
    assert narrator.tell(RunReport()).err == []


# -- schedule, articles, setup ---------------------------------------------------------

def test_an_account_that_cannot_take_the_article_is_named_and_the_others_queued(lib: Lib) -> None:
    [added] = catalog.add_articles(lib.settings, lib.store, [str(article_file(lib.tmp, "tanpa-foto.md"))])
    result = posts.schedule(lib.settings, lib.store, added["id"], [], at=None)
    assert sorted(r["account"] for r in result.rows) == ["sandbox_bs", "sandbox_fb", "sandbox_md", "sandbox_tg", "sandbox_th", "sandbox_x"]
    with pytest.raises(RunFailed) as refused:
        result.raise_if_failed()
    line, *others = refused.value.lines  # Instagram's, then TikTok's when it is installed
    assert line.startswith("sandbox_ig: not queued: ") and "Instagram needs an image" in line
    assert all(" not queued: " in other and "an image" in other for other in others)
    assert len(listings.queue(lib.settings, lib.store).rows) == len(result.rows)


def test_article_files_are_added_all_or_none(lib: Lib) -> None:
    good = article_file(lib.tmp, "baik.md")
    bad = lib.tmp / "rusak.md"
    bad.write_text("---\nurl: https://a.go.id/x\n---\nisi\n")
    with pytest.raises(ArticleError) as refused:
        catalog.add_articles(lib.settings, lib.store, [str(good), str(bad)])
    [line] = refused.value.lines
    assert str(bad) in line and "missing title" in line and line.endswith("(no article was added)")
    assert catalog.list_articles(lib.settings, lib.store) == []
    first = catalog.add_articles(lib.settings, lib.store, [str(good)])
    assert catalog.add_articles(lib.settings, lib.store, [str(good)]) == [{**first[0], "created": False}]


def test_the_starter_config_never_overwrites_a_file(tmp_path: Path) -> None:
    target = tmp_path / "kantor" / "humas.toml"
    written = bootstrap.write_starter_config(str(target), sandbox_url="http://127.0.0.1:8765")
    assert written.written and "sandbox_x" in target.read_text()
    before = target.read_text()
    again = bootstrap.write_starter_config(str(target), sandbox_url="http://elsewhere:1")
    assert not again.written and target.read_text() == before
    with pytest.raises(UsageError) as bad:
        bootstrap.write_starter_config(str(tmp_path / "lain.toml"), sandbox_url="ftp://x")
    assert bad.value.exit_code == 2 and not (tmp_path / "lain.toml").exists()


def test_initialise_writes_the_config_then_makes_its_database(tmp_path: Path) -> None:
    target = tmp_path / "kantor" / "humas.toml"
    result = bootstrap.initialise(str(target), sandbox_url="http://127.0.0.1:8765")
    assert result["config_written"] and result["accounts"] == list(sandbox_settings())
    assert result["schema"] == bootstrap.database_revision(load_settings(target).database)["needs"]
    assert (tmp_path / "kantor" / "disseminator.db").is_file()
    again = bootstrap.initialise(str(target), sandbox_url="http://elsewhere:1")
    assert not again["config_written"] and again["schema"] == result["schema"]
