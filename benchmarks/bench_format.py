"""Formatting throughput: one typical article rendered for X, Facebook and Instagram.

Prints articles per second on one core (this process), for typical articles and for
long ones that need shortening or a thread.  Images are not prepared here (that is
benchmarks/bench_media.py); Instagram gets the original image URL.

    python benchmarks/bench_format.py [--seconds 3]
"""

from __future__ import annotations

import argparse
import random
import time

from channels.base import Account, Article
from channels.facebook import FacebookChannel
from channels.instagram import InstagramChannel
from channels.twitter import TwitterChannel

WORDS = ("pemerintah presiden menteri rapat terbatas pembangunan infrastruktur daerah desa bantuan "
         "pangan keluarga penerima manfaat provinsi kabupaten sekolah kesehatan gizi anak petani "
         "bendungan irigasi jalan jembatan listrik investasi ekspor").split()


def make_articles(n: int, *, long: bool, seed: int = 7) -> list[Article]:
    rnd = random.Random(seed)

    def sentence(k: int) -> str:
        return " ".join(rnd.choice(WORDS) for _ in range(k)).capitalize() + "."

    out = []
    for i in range(n):
        body = "\n\n".join(" ".join(sentence(rnd.randint(8, 16)) for _ in range(3)) for _ in range(8 if long else 3))
        out.append(Article(
            title=sentence(rnd.randint(8, 30 if long else 14))[:-1],
            url=f"https://humas.example.go.id/berita/2026/11/{i}-{rnd.randint(1000, 9999)}",
            summary=" ".join(sentence(rnd.randint(10, 18)) for _ in range(6 if long else 2)),
            body=body,
            image="https://humas.example.go.id/media/foto.jpg",
            image_alt="Foto kegiatan",
            tags=tuple(rnd.sample(["Infrastruktur", "Ketahanan Pangan", "Kesehatan", "Pendidikan", "Hari Guru",
                                   "Ekonomi", "Desa", "Investasi", "Bantuan Sosial"], rnd.randint(2, 5))),
        ))
    return out


def measure(articles: list[Article], channels: list, seconds: float) -> float:  # type: ignore[type-arg]
    best = 0.0
    for _ in range(3):
        done, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds / 3:
            for article in articles:
                for ch in channels:
                    ch.render(article)
            done += len(articles)
        best = max(best, done / (time.perf_counter() - start))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    plain = [
        TwitterChannel(Account(name="x", channel="twitter", settings={"hashtags": ["#HumasRI"]})),
        FacebookChannel(Account(name="fb", channel="facebook", settings={})),
        InstagramChannel(Account(name="ig", channel="instagram", settings={})),
    ]
    threaded = [TwitterChannel(Account(name="x", channel="twitter", settings={"thread": True, "thread_max_parts": 10})), *plain[1:]]
    typical, long = make_articles(200, long=False), make_articles(200, long=True)
    measure(typical[:20], plain, 0.3)  # warm caches (compiled templates, regexes)
    rows = [
        ("typical article, all 3 channels", measure(typical, plain, args.seconds)),
        ("long article (shortened), all 3", measure(long, plain, args.seconds)),
        ("long article (X thread), all 3", measure(long, threaded, args.seconds)),
    ]
    print(f"{'case':<36} {'articles/s (1 core)':>20}")
    for name, rate in rows:
        print(f"{name:<36} {rate:>20,.0f}")
    print("target: 2,000 typical articles/s per core")


if __name__ == "__main__":
    main()
