"""Mastodon and Bluesky threads through the CLI and the worker, split as each network
counts: the preview's parts and counts are what the sandbox accepts and shows, in order,
each part a reply to the one before."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from channels.bluesky_text import MAX_BYTES, MAX_GRAPHEMES, graphemes, utf8_bytes
from channels.mastodon_api import forget_limits
from channels.mastodon_text import status_length
from tests.contract.conftest import Env
from tests.helpers import article_file
from tests.unit.test_thread_lengths import CJK, FAMILY, MASTODON_TEXT


@pytest.fixture(autouse=True)
def fresh_limits() -> None:
    forget_limits()  # each test's sandbox is a new instance


def _thread_account(env: Env, account: str) -> None:
    text = env.config.read_text()
    env.config.write_text(text.replace(f"[accounts.{account}]\n", f"[accounts.{account}]\nthread = true\n"))


def _publish(env: Env, account: str, **article: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Preview, schedule and run the article for ``account``: its preview and the posts
    the sandbox shows."""
    path = article_file(env.tmp, "panjang.md", **article)
    added = env.cli("article", "add", str(path), "--json")
    assert added.code == 0, added.err
    ident = str(added.json()[0]["id"])
    preview = env.cli("preview", ident, "--account", account, "--json")
    assert preview.code == 0, preview.err
    [shown] = preview.json()
    assert env.cli("schedule", ident, "--account", account, "--now").code == 0
    done = env.cli("run-due", "--json")
    assert done.code == 0, done.out + done.err
    return shown, env.posts_on(account)


def _in_order(posts: list[dict[str, Any]], parts: list[str]) -> None:
    assert [p["text"] for p in posts] == parts
    assert [p["in_reply_to"] for p in posts] == [None, *[p["id"] for p in posts[:-1]]]


def test_a_mastodon_thread_is_cut_as_the_instance_counts_and_lands_in_order(env: Env) -> None:
    requests.post(f"{env.sandbox.url}/_sandbox/mastodon/instance", json={"max_characters": 320},  # type: ignore[attr-defined]
                  timeout=5)
    _thread_account(env, "sandbox_md")
    shown, posts = _publish(env, "sandbox_md", title="Layanan perizinan daring", url="https://humas.example.go.id/l/1",
                            body=MASTODON_TEXT, summary="Perizinan dari rumah.")
    parts = shown["parts"]
    # 572 characters as Mastodon counts (title, summary, link, body), in two statuses of
    # 320; X's weights (a mention's domain counted, an emoji 2) cut three.
    assert len(parts) == 2, [status_length(p) for p in parts]
    assert shown["counts"] == [[status_length(p), 320] for p in parts]
    assert all(count <= 320 for count, _limit in shown["counts"])
    assert "https://humas.example.go.id/l/1" in parts[0] and parts[1].endswith(" 2/2")
    _in_order(posts, parts)


@pytest.mark.parametrize("body", [
    "\n\n".join([f"{CJK} {FAMILY * 6}"] * 12),  # 12 x (36 graphemes, 238 bytes): graphemes bind
    "\n\n".join([f"Keluarga {FAMILY * 18}"] * 16),  # 16 x (27 graphemes, 459 bytes): bytes bind
], ids=["graphemes", "bytes"])
def test_a_bluesky_thread_of_cjk_and_emoji_is_cut_by_graphemes_and_bytes_and_lands_in_order(env: Env, body: str) -> None:
    _thread_account(env, "sandbox_bs")
    shown, posts = _publish(env, "sandbox_bs", title="Pengumuman untuk warga", url="https://humas.example.go.id/b/1",
                            body=body, summary="Pengumuman layanan publik.")
    parts = shown["parts"]
    # Graphemes alone would need two parts; the second body's 7,300 bytes need three.
    assert sum(graphemes(p) for p in parts) < 2 * MAX_GRAPHEMES - 20
    assert len(parts) == (3 if FAMILY * 18 in body else 2), [(graphemes(p), utf8_bytes(p)) for p in parts]
    assert all(graphemes(p) <= MAX_GRAPHEMES and utf8_bytes(p) <= MAX_BYTES for p in parts)
    assert shown["counts"] == [[graphemes(p), MAX_GRAPHEMES] for p in parts]
    assert "https://humas.example.go.id/b/1" in parts[0] and parts[-1].endswith(f" {len(parts)}/{len(parts)}")
    _in_order(posts, parts)


LONG_LINK = "https://humas.example.go.id/berita/2026/11/30/" + "pengumuman-layanan-publik-" * 4


@pytest.mark.parametrize(("account", "parts", "counts"), [
    # Mastodon: a link counts 23 whatever its length, a mention's domain is free, an emoji 1.
    ("sandbox_md", [f"Pengumuman {LONG_LINK} untuk @warga@sosial.provinsi-contoh.go.id", "Bagian kedua " + "🎉" * 10],
     [[11 + 23 + 7 + 6, 500, False], [13 + 10, 500, False]]),
    # Bluesky: graphemes (a family is one), or bytes once a part is over 3,000 of them.
    ("sandbox_bs", ["Keluarga " + FAMILY * 100, "Keluarga " + FAMILY * 121],
     [[109, MAX_GRAPHEMES, False], [9 + 25 * 121, MAX_BYTES, True]]),
], ids=["mastodon", "bluesky"])
def test_edit_and_the_web_check_count_each_part_as_the_network(env: Env, account: str, parts: list[str],
                                                               counts: list[list[Any]]) -> None:
    from disseminator.config import load_settings
    from disseminator.post_page import check_text
    from disseminator.store import Store

    _thread_account(env, account)
    pid = env.queue_one(account)
    text = "\n---\n".join(parts)
    settings = load_settings(env.config)
    checked = check_text(settings, Store(settings.database), pid, text)
    assert checked["threads"] is True
    assert [[p["count"], p["limit"], p["over"]] for p in checked["parts"]] == counts
    edited = env.cli("edit", str(pid), "--text", text)
    if any(over for _c, _l, over in counts):
        assert edited.code == 1 and "part 2 is 3034 bytes in UTF-8; Bluesky takes 3000" in edited.err
        assert checked["ok"] is False and "3034 bytes" in checked["error"]
    else:
        assert edited.code == 0, edited.err
        assert checked["ok"] is True
        env.worker().run_due()
        posts = env.posts_on(account)
        _in_order(posts, parts)
