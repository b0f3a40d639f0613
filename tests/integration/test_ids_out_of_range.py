"""Ids no database column can hold are unknown ids, on SQLite and PostgreSQL alike.

Before, ``post show 99999999999999999999`` ended in "unexpected OverflowError" (SQLite's
driver cannot bind the number; PostgreSQL's refuses it as out of range).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from channels.base import Article
from disseminator.articles import content_hash
from disseminator.errors import NotFound
from disseminator.store import Store
from disseminator.store.migrate import upgrade

OUT_OF_RANGE = [10**20, 2**63, 2**31, -1, 0, -(10**30)]


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = Store(db_url)
    upgrade(s.engine)
    yield s
    s.close()


@pytest.mark.parametrize("post_id", OUT_OF_RANGE)
def test_a_post_id_out_of_range_is_no_post(store: Store, post_id: int) -> None:
    with pytest.raises(NotFound, match=f"^no post with id {post_id} "):
        store.post(post_id)


@pytest.mark.parametrize("article_id", OUT_OF_RANGE)
def test_an_article_id_out_of_range_is_no_article(store: Store, article_id: int) -> None:
    with pytest.raises(NotFound, match=f"^no article with id {article_id} "):
        store.article(article_id)


def test_the_largest_id_a_column_holds_is_still_looked_up(store: Store) -> None:
    art = Article(title="Judul", url="https://a.go.id/1")
    article_id = store.add_article(art, source="a.md", content_hash=content_hash(art)).id
    assert store.article(article_id).title == "Judul"
    with pytest.raises(NotFound, match="no article with id 2147483647 "):
        store.article(2**31 - 1)  # the largest a PostgreSQL INTEGER holds


@pytest.mark.parametrize("command", [["cancel"], ["retry"], ["reschedule", "--at", "2099-01-05 09:00"]])
def test_changes_to_an_id_out_of_range_say_no_such_post(command: list[str], cli) -> None:  # type: ignore[no-untyped-def]
    result = cli(*command[:1], "99999999999999999999", *command[1:])
    assert result.code == 1 and "no post with id 99999999999999999999" in result.err, result.err
