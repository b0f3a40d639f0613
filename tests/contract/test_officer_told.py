"""Issue 9, point 5: tell the officer what they need to know, where they look.

``schedule`` shows every warning ``preview`` shows and says when a post for a held account
will go; ``accounts resume`` says how many overdue posts go out; an image that is gone is
told apart from a host that cannot be reached now; Instagram's dropped hashtags and
mentions are warnings.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from disseminator import holds
from disseminator.store import HoldKind
from tests.contract.conftest import Env
from tests.helpers import REPO, article_file, serve_http

JPEG = (REPO / "disseminator" / "data" / "contoh-bendungan.jpg").read_bytes()


@pytest.fixture
def web() -> Iterator[str]:
    """An image host on 127.0.0.1 answering /STATUS.jpg with that HTTP status (200: a JPEG)."""

    def respond(url_path: str) -> tuple[int, str, bytes]:
        status = int(url_path.strip("/").split(".")[0])
        return (status, "image/jpeg", JPEG) if status == 200 else (status, "text/html", b"<html>gone</html>")

    with serve_http(respond) as url:
        yield url


def _add(env: Env, name: str, **fields: object) -> str:
    path = article_file(env.tmp, name, **fields)
    result = env.cli("article", "add", str(path), "--json")
    assert result.code == 0, result.err
    return str(result.json()[0]["id"])


# --------------------------------------------------------------------------- schedule says it all


def test_schedule_shows_every_warning_preview_shows(env: Env) -> None:
    gone = f"{env.sandbox.url}/media/sudah-dihapus.jpg"  # type: ignore[attr-defined]
    _photo(env)
    article = _add(env, "ramai.md", title="Banyak tagar dan gambar", image=f"{env.sandbox.url}/media/foto.jpg",  # type: ignore[attr-defined]
                   gallery=[gone], tags=[f"Tagar{i}" for i in range(40)])
    preview = env.cli("preview", article, "--json").json()
    expected = {(i["account"], w) for i in preview for w in i["warnings"]}
    assert any(a == "sandbox_x" and "image left out" in w for a, w in expected)
    assert any(a == "sandbox_ig" and "hashtag" in w for a, w in expected)
    result = env.cli("schedule", article, "--now")
    assert result.code == 0, result.err
    for account, warning in expected:
        assert f"warning: {warning}" in result.out, (account, warning, result.out)
    # --json keeps them per post too
    assert env.cli("cancel", "--article", article).code == 0
    again = env.cli("schedule", article, "--now", "--json").json()
    assert {(r["account"], w) for r in again for w in r["warnings"]} == expected


def _photo(env: Env) -> None:
    import shutil

    shutil.copy(REPO / "disseminator" / "data" / "contoh-bendungan.jpg", env.tmp / "media" / "foto.jpg")


def test_scheduling_for_a_paused_account_says_until_what(env: Env) -> None:
    _photo(env)
    article = _add(env, "a.md", image=f"{env.sandbox.url}/media/foto.jpg")  # type: ignore[attr-defined]
    assert env.cli("accounts", "pause", "sandbox_fb", "--reason", "hari berkabung").code == 0
    result = env.cli("schedule", article, "--account", "sandbox_fb", "--account", "sandbox_x", "--now")
    assert result.code == 0, result.err
    assert ("paused: hari berkabung; it goes after 'disseminator accounts resume sandbox_fb'" in result.out), result.out
    assert result.out.count("paused") == 1  # sandbox_x is not held: nothing said about it
    assert env.cli("cancel", "--article", article).code == 0
    rows = {r["account"]: r for r in env.cli("schedule", article, "--now", "--json", "--account", "sandbox_fb").json()}
    assert rows["sandbox_fb"]["waiting"] == "paused: hari berkabung; it goes after 'disseminator accounts resume sandbox_fb'"


def test_scheduling_for_an_account_needing_attention_says_so(env: Env) -> None:
    article = _add(env, "a.md")
    holds.place(env.worker().store, "sandbox_x", HoldKind.ATTENTION, reason="credentials refused: token expired")
    result = env.cli("schedule", article, "--account", "sandbox_x", "--now")
    assert result.code == 0, result.err
    assert ("needs attention: credentials refused: token expired; it goes after "
            "'disseminator accounts check sandbox_x' passes") in result.out, result.out


def test_resume_says_how_many_overdue_posts_go_out_now(env: Env) -> None:
    assert env.cli("accounts", "pause", "sandbox_x", "--reason", "krisis").code == 0
    env.queue_one("sandbox_x", 1)
    env.queue_one("sandbox_x", 2)
    result = env.cli("accounts", "resume", "sandbox_x")
    assert result.code == 0 and "Resumed sandbox_x: 2 overdue post(s) go out at the next run" in result.out, result.out
    assert env.cli("accounts", "resume", "sandbox_x").out.strip() == "sandbox_x was not paused"
    assert env.cli("accounts", "pause", "sandbox_fb").code == 0
    quiet = env.cli("accounts", "resume", "sandbox_fb", "--json").json()
    assert quiet["changed"] and quiet["due"] == 0


def test_resume_says_when_another_hold_still_keeps_posts(env: Env) -> None:
    env.cli("accounts", "pause", "sandbox_x")
    env.queue_one("sandbox_x", 1)
    holds.place(env.worker().store, "sandbox_x", HoldKind.ATTENTION, reason="credentials refused")
    result = env.cli("accounts", "resume", "sandbox_x")
    assert "1 overdue post(s) still wait: needs attention: credentials refused" in result.out, result.out


# --------------------------------------------------------------------------- images: gone vs not now


@pytest.mark.parametrize("status", [404, 410])
def test_an_image_that_is_gone_is_left_out_of_x_and_refuses_instagram_with_check_the_url(
    env: Env, web: str, status: int
) -> None:
    article = _add(env, "hilang.md", image=f"{web}/{status}.jpg")
    x = env.cli("schedule", article, "--account", "sandbox_x", "--now")
    assert x.code == 0, x.err
    assert f"warning: image left out: {web}/{status}.jpg" in x.out and f"HTTP {status}" in x.out, x.out
    ig = env.cli("schedule", article, "--account", "sandbox_ig", "--now")
    assert ig.code == 1 and "check the URL" in ig.err and "try again" not in ig.err, ig.err


def test_something_that_is_not_an_image_refuses_instagram_with_check_the_url(env: Env) -> None:
    (env.tmp / "media" / "bukan.jpg").write_text("<html>bukan gambar</html>")
    article = _add(env, "bukan.md", image=f"{env.sandbox.url}/media/bukan.jpg")  # type: ignore[attr-defined]
    ig = env.cli("schedule", article, "--account", "sandbox_ig", "--now")
    assert ig.code == 1 and "not an image" in ig.err and "check the URL" in ig.err and "try again" not in ig.err, ig.err


@pytest.mark.parametrize("account", ["sandbox_x", "sandbox_ig"])
def test_an_image_host_in_trouble_refuses_with_try_again(env: Env, web: str, account: str) -> None:
    article = _add(env, "nanti.md", image=f"{web}/503.jpg")
    result = env.cli("schedule", article, "--account", account, "--now")
    assert result.code == 1 and "HTTP 503" in result.err and "try again" in result.err, result.err
    assert "check the URL" not in result.err


# --------------------------------------------------------------------------- Instagram's caps


def test_instagram_hashtags_past_30_and_mentions_past_20_are_warnings(env: Env) -> None:
    _photo(env)
    body = " ".join(f"#Isi{i}" for i in range(35)) + " " + " ".join(f"@orang{i}" for i in range(25))
    article = _add(env, "tagar.md", image=f"{env.sandbox.url}/media/foto.jpg",  # type: ignore[attr-defined]
                   tags=[f"Tagar{i}" for i in range(40)], body=body)
    (item,) = env.cli("preview", article, "--account", "sandbox_ig", "--json").json()
    assert not item["refused"], item["refused"]
    assert any("hashtag(s) beyond Instagram's 30 dropped" in w for w in item["warnings"]), item["warnings"]
    assert any("mention(s) beyond Instagram's 20 dropped" in w for w in item["warnings"]), item["warnings"]
    assert len(item["hashtags"]) == 30
    tags_only = _add(env, "tagar2.md", title="Hanya tagar", image=f"{env.sandbox.url}/media/foto.jpg",  # type: ignore[attr-defined]
                     tags=[f"Tagar{i}" for i in range(40)])
    (item,) = env.cli("preview", tags_only, "--account", "sandbox_ig", "--json").json()
    assert "10 hashtag(s) beyond Instagram's 30 dropped" in item["warnings"], item["warnings"]


def test_schedule_takes_article_paths_as_preview_does(env: Env) -> None:
    a = article_file(env.tmp, "satu.md", title="Artikel pertama dari berkas")
    b = article_file(env.tmp, "dua.md", title="Artikel kedua dari berkas", url="https://humas.example.go.id/dua")
    result = env.cli("schedule", str(a), str(b), "--account", "sandbox_fb", "--now", "--json")
    assert result.code == 0, result.err
    rows = result.json()
    assert len(rows) == 2 and {r["account"] for r in rows} == {"sandbox_fb"}
    titles = [r["title"] for r in env.cli("article", "list", "--json").json()]
    assert titles == ["Artikel pertama dari berkas", "Artikel kedua dari berkas"]
    # by id, the same article again: refused as a twin, the file is not added twice
    again = env.cli("schedule", str(a), "--account", "sandbox_fb", "--now")
    assert again.code == 1 and len(env.cli("article", "list", "--json").json()) == 2


def test_schedule_with_a_bad_file_adds_and_queues_nothing(env: Env) -> None:
    good = article_file(env.tmp, "baik.md")
    bad = env.tmp / "rusak.md"
    bad.write_text("---\nurl: https://humas.example.go.id/x\n---\nisi\n")
    result = env.cli("schedule", str(good), str(bad), "--now")
    assert result.code != 0 and "rusak.md" in result.err
    assert env.cli("article", "list", "--json").json() == [] and env.cli("queue", "--json").json() == []


def test_accounts_check_for_x_speaks_of_the_posting_quota(env: Env) -> None:
    result = env.cli("accounts", "check", "sandbox_x")
    assert result.code == 0, result.err
    assert "posting quota: unknown until the first post (X reports it on each post)" in result.out, result.out
    assert "profile reads" not in result.out
