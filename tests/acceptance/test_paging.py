"""``queue`` and ``history`` show a page to people (50 rows, then how to see more);
``--all``, ``--limit``, ``--json`` and ``--csv`` give what they ask for."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from channels.base import Article, Draft
from disseminator.articles import content_hash
from disseminator.cli.listing import PAGE
from disseminator.config import load_settings
from disseminator.store import Store


def _queue(config: Path, n: int) -> list[int]:
    store = Store.open(load_settings(config).database)
    start = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)
    ids = []
    for i in range(n):
        art = Article(title=f"Siaran pers halaman {i}", url=f"https://humas.example.go.id/p/{i}")
        added = store.add_article(art, source=None, content_hash=content_hash(art))
        ids.append(store.add_post(article_id=added.id, account="sandbox_fb", channel="facebook", variant="default",
                                  draft=Draft(parts=(f"Teks {i}",)), scheduled_at=start + dt.timedelta(minutes=i)).id)
    store.close()
    return ids


def _ids(table: str) -> list[int]:
    return [int(line.split()[0]) for line in table.splitlines() if line[:1].isdigit()]


def test_queue_shows_the_soonest_page_and_says_how_to_see_more(cli, config: Path) -> None:  # type: ignore[no-untyped-def]
    ids = _queue(config, PAGE + 5)
    page = cli("queue")
    assert page.code == 0
    assert _ids(page.out) == ids[:PAGE]
    assert f"Showing the {PAGE} soonest; more are queued: --all" in page.out
    every = cli("queue", "--all")
    assert _ids(every.out) == ids and "Showing" not in every.out
    assert _ids(cli("queue", "--limit", "3").out) == ids[:3]
    assert [r["id"] for r in cli("queue", "--json").json()] == ids  # programs get every row
    assert len(cli("queue", "--csv").out.splitlines()) == len(ids) + 1


def test_a_short_queue_has_no_footer(cli, config: Path) -> None:  # type: ignore[no-untyped-def]
    ids = _queue(config, PAGE)
    page = cli("queue")
    assert _ids(page.out) == ids and "Showing" not in page.out


def test_history_shows_the_latest_page(cli, config: Path) -> None:  # type: ignore[no-untyped-def]
    ids = _queue(config, PAGE + 2)
    for post_id in ids:
        assert cli("cancel", str(post_id)).code == 0
    page = cli("history")
    assert _ids(page.out) == ids[2:]  # the latest, shown oldest first
    assert f"Showing the {PAGE} latest; older posts: --all" in page.out
    assert _ids(cli("history", "--all").out) == ids
