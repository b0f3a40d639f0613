"""``article add URL`` and ``preview URL`` against a website the test serves on 127.0.0.1
(tests/website.py): every field read, the same page twice is one article, a changed page
is its next revision, and every bad case is one clear line with nothing added."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import CliResult, run_cli, write_config
from tests.website import Site, page, serve_site

ALLOW_LOCAL = '\n[fetch]\nallow_hosts = ["127.0.0.1"]\n'


@pytest.fixture
def site() -> Iterator[Site]:
    with serve_site() as s:
        yield s


def _config(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "disseminator.toml"
    path.write_text(f'database = "sqlite:///{tmp_path / "d.db"}"\n' + extra, encoding="utf-8")
    assert run_cli(["--config", str(path), "init"]).code == 0
    return path


@pytest.fixture
def local(tmp_path: Path) -> Path:
    """A configuration with no accounts that allows the test's website on 127.0.0.1."""
    return _config(tmp_path, ALLOW_LOCAL)


def cli(config: Path, *args: str) -> CliResult:
    return run_cli(["--config", str(config), *args])


def test_article_add_url_stores_every_field_with_source_and_fetch_time(site: Site, local: Path) -> None:
    url = site.at("/berita/bendungan")
    added = cli(local, "article", "add", url)
    assert added.code == 0, added.err
    assert added.out == "Added article 1: Presiden Resmikan Bendungan Sukamaju\n"
    shown = cli(local, "article", "show", "1", "--json").json()
    assert shown["url"] == "https://humas.contoh.go.id/berita/2026/11/presiden-resmikan-bendungan/"
    assert shown["image"] == site.at("/wp-content/uploads/2026/11/bendungan.jpg")
    assert shown["image_alt"] == "Presiden menekan tombol sirene di tepi bendungan"
    assert shown["tags"] == ["Bendungan", "Irigasi", "Pertanian"]
    assert shown["published"] == "2026-11-10T09:00:00+07:00"  # shown in Asia/Jakarta
    assert shown["source"] == url and shown["fetched_at"]
    assert "Berita Terpopuler" not in shown["body"] and shown["body"].startswith("SUKAMAJU")
    plain = cli(local, "article", "show", "1").out
    assert f"source: {url}" in plain and "fetched: " in plain


def test_the_same_page_again_is_one_article_and_a_changed_page_its_next_revision(site: Site, local: Path) -> None:
    url = site.at("/berita/libur")
    assert cli(local, "article", "add", url).code == 0
    again = cli(local, "article", "add", url)
    assert again.out == "Already have article 1: Pengumuman Libur Pelayanan\n"
    assert len(cli(local, "article", "show", "1", "--json").json()["revisions"]) == 1
    site.pages["/berita/libur"] = page("bare.html", "text/html")
    site.pages["/berita/libur"].body = site.pages["/berita/libur"].body.replace(
        b"25 Desember 2026", b"24 dan 25 Desember 2026")
    changed = cli(local, "article", "add", url)
    assert changed.code == 0, changed.err
    assert changed.out.startswith("Article 1 is now revision 2 (changed: summary, body): Pengumuman Libur Pelayanan")
    shown = cli(local, "article", "show", "1", "--json").json()
    assert "24 dan 25 Desember" in shown["body"] and [r["revision"] for r in shown["revisions"]] == [1, 2]
    assert site.hits["/berita/libur"] == 3


def test_a_redirected_page_is_read_from_where_it_ended(site: Site, local: Path) -> None:
    added = cli(local, "article", "add", site.at("/pindah"), "--json")
    assert added.code == 0, added.err
    assert cli(local, "article", "show", "1", "--json").json()["image"] == site.at(
        "/wp-content/uploads/2026/11/bendungan.jpg")


def test_preview_url_renders_each_account_without_storing(sandbox, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config = write_config(tmp_path, sandbox_url=sandbox.url, database=f"sqlite:///{tmp_path / 'p.db'}")
    assert run_cli(["--config", str(config), "init"]).code == 0
    with serve_site() as s:  # 127.0.0.1 is allowed: the sandbox accounts' base_url host
        shown = cli(config, "preview", s.at("/berita/bendungan"), "--account", "sandbox_fb", "--json")
    assert shown.code == 0, shown.err
    (item,) = shown.json()
    assert item["account"] == "sandbox_fb" and "Presiden Resmikan Bendungan Sukamaju" in item["parts"][0]
    assert cli(config, "article", "list", "--json").json() == []


BAD = [
    ("/hilang", "{url}: page not found (HTTP 404); expected the article's page: check the address"),
    ("/rusak", "{url}: the website failed (HTTP 500); try again later"),
    ("/putar/a", "refusing to fetch {url}: redirect loop ({url_b} sends back to {url})"),
    ("/besar", "{url}: the page is too large (50000000 bytes, more than the 10000000 allowed; "
               "[fetch] max_page_mb sets the limit)"),
    ("/besar-tanpa-panjang", "{url}: the page is too large (more than 10000000 bytes, more than the 10000000 allowed; "
                             "[fetch] max_page_mb sets the limit)"),
    ("/siaran.pdf", "{url}: the server sent application/pdf, expected a web page (HTML)"),
    ("/siaran-menyamar", "{url}: the server sent application/pdf, expected a web page (HTML)"),
    ("/berita/kosong", "{url}: no title found (no og:title, JSON-LD headline, <title>, heading or text); "
                       "expected an article page"),
]


@pytest.mark.parametrize(("path", "line"), BAD, ids=[p for p, _ in BAD])
def test_each_bad_page_is_one_line_and_nothing_is_added(site: Site, local: Path, path: str, line: str) -> None:
    assert cli(local, "article", "add", site.at("/berita/libur")).code == 0
    bad = cli(local, "article", "add", site.at(path))
    assert bad.code == 1
    assert bad.out == ""
    assert bad.err == "error: " + line.format(url=site.at(path), url_b=site.at("/putar/b")) + "\n"
    assert [a["id"] for a in cli(local, "article", "list", "--json").json()] == [1]


def test_one_bad_page_among_good_ones_adds_none(site: Site, local: Path) -> None:
    bad = cli(local, "article", "add", site.at("/berita/libur"), site.at("/hilang"))
    assert bad.code == 1 and "(no article was added)" in bad.err
    assert cli(local, "article", "list", "--json").json() == []


@pytest.mark.parametrize(("host", "problem"), [
    ("127.0.0.1", "loopback address"), ("10.1.2.3", "private address"), ("169.254.169.254", "link-local address"),
])
def test_a_private_address_is_refused_unless_allowed(site: Site, tmp_path: Path, host: str, problem: str) -> None:
    config = _config(tmp_path, "")
    port = site.url.rsplit(":", 1)[1]
    url = f"http://{host}:{port}/berita/libur"
    bad = cli(config, "article", "add", url)
    assert bad.code == 1
    assert bad.err == (f"error: refusing to fetch {url}: {problem}; add the host to [fetch] allow_hosts "
                       "if it is yours\n")
    assert site.hits == {}  # refused before a connection was made
    if host == "127.0.0.1":
        config.write_text(config.read_text() + ALLOW_LOCAL, encoding="utf-8")
        assert cli(config, "article", "add", url).code == 0


def test_a_redirect_to_a_private_address_is_refused(site: Site, local: Path) -> None:
    site.pages["/ke-dalam"] = page("bare.html", status=302, headers={"Location": "http://10.0.0.5/admin"})
    bad = cli(local, "article", "add", site.at("/ke-dalam"))
    assert bad.err == ("error: refusing to fetch http://10.0.0.5/admin: private address (redirected from "
                       f"{site.at('/ke-dalam')}); add the host to [fetch] allow_hosts if it is yours\n")


def test_not_a_web_address_is_refused_in_one_line(local: Path) -> None:
    bad = cli(local, "article", "add", "ftp://humas.contoh.go.id/berita.html")
    assert bad.code == 1 and "ftp://humas.contoh.go.id/berita.html" in bad.err
    bad = cli(local, "article", "add", "https://")
    assert bad.err == ("error: https://: not an http(s) address (expected a web page such as "
                       "https://example.go.id/berita/1)\n")


def test_a_wrong_or_missing_charset_is_read_right(site: Site, local: Path) -> None:
    assert cli(local, "article", "add", site.at("/berita/kafe"), site.at("/berita/jembatan")).code == 0
    titles = [a["title"] for a in cli(local, "article", "list", "--json").json()]
    assert titles == ["Café “Rakyat” Dibuka di Alun-alun", "Jembatan Gantung ‘Merah Putih’ Selesai — Warga Bersyukur"]


def test_a_page_without_metadata_is_still_an_article(site: Site, local: Path) -> None:
    assert cli(local, "article", "add", site.at("/berita/banjir")).out == "Added article 1: Rapat Koordinasi Penanganan Banjir\n"


def test_max_page_mb_is_the_cap(site: Site, tmp_path: Path) -> None:
    config = _config(tmp_path, '[fetch]\nallow_hosts = ["127.0.0.1"]\nmax_page_mb = 0.1\n')
    site.pages["/sedang"] = page("wordpress.html")
    site.pages["/sedang"].body += b" " * 100_000
    bad = cli(config, "article", "add", site.at("/sedang"))
    assert bad.code == 1 and "more than the 100000 allowed" in bad.err
