"""Extraction throughput: pages per second for a typical article page, beside a baseline.

What ``article add URL`` does after the download, timed on the WordPress-like page the
tests serve (tests/pages/wordpress.html, 6 KB) and on the same page padded with what a
real theme carries around an article (menus, a sidebar of links, inline scripts and
styles, a comment section: about 100 KB, the size of a typical government WordPress
page).  Rows, each the best of three timed slices with ``time.perf_counter`` on one core:

- baseline: one pass of the standard library's ``html.parser`` that takes the <title>
  (the least any reader of a page does);
- charset: decoding the bytes (header, <meta>, detection; disseminator.ingest.page);
- metadata: OpenGraph and JSON-LD with extruct;
- body: trafilatura's main text as we ask for it (its own pass; its fallback extractors
  only for a page where that finds little), beside trafilatura with its fallbacks always;
- article: all of it, ``article_from_html`` (what ``article add URL`` does per page);
- fetched: ``article_from_url`` from a local http.server on 127.0.0.1 (the download
  over loopback added: a real website adds its own network time).

    python benchmarks/bench_extract.py [--seconds 2]

Never asserts a time.
"""

from __future__ import annotations

import argparse
import http.server
import sys
import threading
import time
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PAGE = (ROOT / "tests" / "pages" / "wordpress.html").read_bytes()
URL = "https://humas.contoh.go.id/berita/2026/11/presiden-resmikan-bendungan/"


def padded(page: bytes) -> bytes:
    """``page`` with a theme's usual weight around the article (about 100 KB)."""
    menu = b"".join(b'<li class="menu-item"><a href="/kategori/%d/">Kategori berita nomor %d</a></li>' % (i, i)
                    for i in range(120))
    sidebar = b"".join(b'<li><a href="/berita/2026/10/%d/">Bupati meninjau pembangunan jalan desa ke-%d di '
                       b'kecamatan utara bersama dinas pekerjaan umum</a></li>' % (i, i) for i in range(250))
    script = b"<script>" + b"var wp_config_%d = {\"ajax\": \"/wp-admin/admin-ajax.php\", \"nonce\": \"abc\"};" * 200 + b"</script>"
    style = b"<style>" + b".widget-%d{margin:0 auto;padding:4px 8px;color:#333}" * 300 + b"</style>"
    comments = b"".join(b'<div class="comment"><p>Terima kasih atas informasinya, semoga bermanfaat bagi warga '
                        b'desa nomor %d.</p></div>' % i for i in range(60))
    page = page.replace(b"</head>", style + script + b"</head>", 1)
    page = page.replace(b"<ul>", b"<ul>" + menu, 1)
    page = page.replace(b"<ul><li><a href=\"/berita/a/\">", b"<ul>" + sidebar + b"<li><a href=\"/berita/a/\">", 1)
    return page.replace(b"</main>", b'<section id="comments">' + comments + b"</section></main>", 1)


class _Title(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inside, self.title = False, ""

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.inside = tag == "title"

    def handle_data(self, data: str) -> None:
        if self.inside:
            self.title += data


def baseline(html: str) -> str:
    parser = _Title()
    parser.feed(html)
    return parser.title


def rate(work: Callable[[], object], seconds: float) -> float:
    best = 0.0
    for _ in range(3):
        done, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds / 3:
            work()
            done += 1
        best = max(best, done / (time.perf_counter() - start))
    return best


def serve(body: bytes) -> tuple[str, Callable[[], None]]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=UTF-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def stop() -> None:
        server.shutdown()
        server.server_close()

    return f"http://127.0.0.1:{server.server_address[1]}/berita/bendungan", stop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="time per row and page (default 2)")
    args = parser.parse_args()

    import extruct
    import trafilatura

    from channels.address_policy import FetchPolicy
    from disseminator.ingest import article_from_html, article_from_url
    from disseminator.ingest.extract import _body
    from disseminator.ingest.page import decode_html

    policy = FetchPolicy(allow_hosts=frozenset({"127.0.0.1"}))
    pages = {"test page": PAGE, "typical page": padded(PAGE)}
    results: dict[str, dict[str, float]] = {}
    for name, raw in pages.items():
        html = raw.decode("utf-8")
        url, stop = serve(raw)
        try:
            rows: dict[str, Callable[[], object]] = {
                "baseline: html.parser <title>": lambda: baseline(html),
                "charset: decode_html": lambda: decode_html(raw, "text/html"),
                "metadata: extruct (OpenGraph, JSON-LD)": lambda: extruct.extract(
                    html, base_url=URL, syntaxes=["opengraph", "json-ld"]),
                "body: trafilatura, fast pass (ours)": lambda: _body(html, URL),
                "body: trafilatura with its fallbacks": lambda: trafilatura.extract(
                    html, url=URL, include_comments=False, include_tables=False),
                "article: article_from_html": lambda: article_from_html(html, url=URL),
                "fetched: article_from_url (loopback)": lambda: article_from_url(url, policy=policy),
            }
            assert article_from_url(url, policy=policy)[0].title == "Presiden Resmikan Bendungan Sukamaju"
            results[name] = {row: rate(work, args.seconds) for row, work in rows.items()}
        finally:
            stop()

    names = list(pages)
    print(f"Extraction, pages per second on one core ({', '.join(f'{n}: {len(pages[n]) // 1000} KB' for n in names)})")
    print(f"{'':42}" + "".join(f"{n:>16}" for n in names) + f"{'time vs baseline':>18}")
    for row in results[names[0]]:
        cells = "".join(f"{results[n][row]:>16,.1f}" for n in names)
        ratio = results[names[-1]]["baseline: html.parser <title>"] / results[names[-1]][row]
        print(f"{row:42}{cells}{ratio:>17.2f}x")
    print("(time vs baseline: on the typical page; 2.00x is twice the baseline's time per page)")


if __name__ == "__main__":
    main()
