"""Long articles: time and peak memory to format one for every channel, by size.

Formats a typical article (the baseline) and articles of 80 KB, 320 KB, 1 MB and 5 MB
(seeded Indonesian paragraphs; the title, summary and body all grow, as a pasted page
would) for X with threads off and on, Facebook and Instagram, and prints for each the
best wall time of a few runs (time.perf_counter) and the peak of Python allocations
during one run (tracemalloc, measured apart so it does not slow the timing). Caches
are warmed first. It asserts nothing.

    python benchmarks/bench_long_article.py [--repeat 3] [--sizes 80,320,1024,5120]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_format import make_articles  # noqa: E402

from channels.base import Account, Article, Channel  # noqa: E402
from channels.facebook import FacebookChannel  # noqa: E402
from channels.instagram import InstagramChannel  # noqa: E402
from channels.twitter import TwitterChannel  # noqa: E402


def channels() -> list[Channel]:
    """X without and with threads, Facebook, Instagram (images not prepared)."""
    return [
        TwitterChannel(Account(name="x", channel="twitter", settings={"hashtags": ["#HumasRI"]})),
        TwitterChannel(Account(name="xt", channel="twitter", settings={"thread": True, "thread_max_parts": 10})),
        FacebookChannel(Account(name="fb", channel="facebook", settings={})),
        InstagramChannel(Account(name="ig", channel="instagram", settings={})),
    ]


def grown(base: Article, size: int) -> Article:
    """``base`` with a body of ``size`` characters, a summary of a tenth and a title of a
    fiftieth of that (a whole page pasted into every field)."""

    def fill(text: str, length: int, sep: str) -> str:
        out = text
        while len(out) < length:
            out = out + sep + out
        return out[:length].strip()

    return dataclasses.replace(
        base,
        title=fill(base.title, max(len(base.title), size // 50), " "),
        summary=fill(base.summary or base.title, size // 10, " "),
        body=fill(base.body, size, "\n\n"),
    )


def format_all(article: Article, targets: list[Channel]) -> None:
    for channel in targets:
        channel.render(article)


def best_time(article: Article, targets: list[Channel], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        format_all(article, targets)
        best = min(best, time.perf_counter() - start)
    return best


def peak_memory(article: Article, targets: list[Channel]) -> int:
    tracemalloc.start()
    try:
        format_all(article, targets)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sizes", default="80,320,1024,5120", help="article sizes in KB, comma-separated")
    args = parser.parse_args()
    targets = channels()
    typical = make_articles(1, long=False)[0]
    format_all(typical, targets)  # warm: compiled templates and regexes, TLD tables
    rows = [("typical (baseline)", len(typical.body), typical)]
    long = make_articles(1, long=True)[0]
    for kb in (int(s) for s in args.sizes.split(",")):
        rows.append((f"{kb} KB", kb * 1024, grown(long, kb * 1024)))
    base_time = best_time(typical, targets, max(args.repeat, 20))
    print(f"{'article':<20}{'body chars':>12}{'time (4 renders)':>18}{'x baseline':>12}{'peak memory':>14}")
    for name, chars, article in rows:
        seconds = base_time if article is typical else best_time(article, targets, args.repeat)
        peak = peak_memory(article, targets)
        print(f"{name:<20}{chars:>12,}{seconds * 1000:>15.1f} ms{seconds / base_time:>11.0f}x{peak / 1e6:>11.1f} MB")
    print("formats: X (threads off), X (threads on, at most 10 parts), Facebook, Instagram")
    print("target: 5 MB in under 2 s and 200 MB")


if __name__ == "__main__":
    main()
