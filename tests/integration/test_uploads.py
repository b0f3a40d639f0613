"""Articles uploaded in the web page are added exactly as ``article add`` adds a file."""

from __future__ import annotations

import dataclasses

from pathlib import Path

import pytest

from disseminator.config import load_settings
from disseminator.errors import ArticleError
from disseminator.store import Store
from disseminator.uploads import add_upload
from tests.helpers import article_file


@pytest.fixture
def opened(config: Path):  # type: ignore[no-untyped-def]
    settings = load_settings(config)
    store = Store.open(settings.database)
    yield settings, store
    store.close()


def test_an_upload_is_stored_once_like_article_add(opened, tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    settings, store = opened
    data = article_file(tmp_path, name="rilis.md", title="Rilis dari unggahan").read_bytes()
    first = add_upload(settings, store, "C:\\Users\\humas\\rilis.md", data)
    assert (first["title"], first["created"]) == ("Rilis dari unggahan", True)
    again = add_upload(settings, store, "rilis.md", data)
    assert (again["id"], again["created"]) == (first["id"], False)
    listed = cli("article", "show", str(first["id"]), "--json")
    assert listed.code == 0 and listed.json()["title"] == "Rilis dari unggahan"


@pytest.mark.parametrize(("name", "data", "said"), [
    ("foto.jpg", b"\xff\xd8\xff", "foto.jpg: not an article file (expected .md, .markdown, .txt, .json)"),
    ("kosong.md", b"", "kosong.md: file is empty"),
    ("rusak.json", b"{\"title\": ", "rusak.json: not valid JSON"),
    ("judul.md", b"---\nurl: https://humas.example.go.id/a\n---\nIsi.\n", "judul.md: missing title"),
])
def test_a_bad_upload_names_the_file_as_the_officer_knows_it(opened, name: str, data: bytes,  # type: ignore[no-untyped-def]
                                                             said: str) -> None:
    settings, store = opened
    with pytest.raises(ArticleError) as refused:
        add_upload(settings, store, name, data)
    assert refused.value.message.startswith(said)
    assert "disseminator-upload-" not in refused.value.message
    assert store.articles() == []


def test_a_web_address_is_added_like_article_add_url(opened) -> None:  # type: ignore[no-untyped-def]
    from disseminator.errors import UserError
    from disseminator.uploads import add_url
    from tests.website import serve_site

    settings, store = opened
    with pytest.raises(UserError, match="not a web address"):
        add_url(settings, store, "berita/1")
    with serve_site() as site:
        settings = dataclasses.replace(settings, fetch=dataclasses.replace(settings.fetch, allow_hosts=("127.0.0.1",)))
        added = add_url(settings, store, site.at("/berita/bendungan"))
    assert added["created"] and added["title"] == "Presiden Resmikan Bendungan Sukamaju"
    assert [a.title for a in store.articles()] == ["Presiden Resmikan Bendungan Sukamaju"]

