"""Benchmark: channels.text.weighted_length vs twitter-text-parser's parse_tweet.

Prints a table of posts per second for both on the same seeded corpus of realistic
Indonesian government posts (URLs, hashtags, mentions, emoji), the speed ratio, and the
number of disagreements on 100,000 seeded random strings biased to the hard parts.
It measures with time.perf_counter, several repetitions, best kept; it asserts nothing.

Run: ``.venv/bin/python benchmarks/bench_text.py [--random N] [--repeat R]``
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from channels.text import parse_tweet, weighted_length  # noqa: E402

SEED = 20261110

_OPENERS = [
    "Presiden Joko Widodo meresmikan", "Menteri Sekretaris Negara menghadiri", "Pemerintah meluncurkan",
    "Wakil Presiden meninjau", "Kementerian PUPR menyelesaikan", "Sekretariat Kabinet mengumumkan",
    "Gubernur Jawa Barat membuka", "BMKG mengimbau masyarakat tentang",
]
_OBJECTS = [
    "jalan tol Trans-Sumatra ruas Pekanbaru–Dumai", "program makan bergizi gratis di 34 provinsi",
    "bendungan baru di Nusa Tenggara Timur", "peringatan Hari Pahlawan 10 November 2026",
    "pelayanan publik digital terpadu", "penyaluran bantuan sosial tahap IV", "cuaca ekstrem sepekan ke depan",
]
_TAILS = [
    "Simak selengkapnya:", "Baca berita lengkapnya di", "Info lebih lanjut:", "Saksikan siaran langsungnya di",
]
_URLS = [
    "https://setkab.go.id/presiden-resmikan-jalan-tol-{n}/", "https://www.presidenri.go.id/siaran-pers/{n}",
    "setkab.go.id/berita/{n}", "https://bit.ly/SK{n}", "https://t.co/Ab{n}cD", "http://kominfo.go.id/content/detail/{n}/berita",
]
_TAGS = ["#HariPahlawan2026", "#IndonesiaMaju", "#SetkabRI", "#BeritaBaik", "#InfoBMKG", "#PelayananPublik"]
_MENTIONS = ["@setkabgoid", "@jokowi", "@KemensetnegRI", "@kemkominfo", "@BMKG"]
_EMOJI = ["🇮🇩", "📢", "👉", "✅", "🎉", "🙏🏽", "👨\u200d👩\u200d👧", "❤️", "⚠️", "📍", "🔗", "1️⃣"]


def realistic_corpus(count: int, rng: random.Random) -> list[str]:
    """``count`` seeded posts shaped like a PR unit's: sentence, link, tags, emoji."""
    posts = []
    for _ in range(count):
        parts = [rng.choice(_EMOJI), rng.choice(_OPENERS), rng.choice(_OBJECTS) + "."]
        if rng.random() < 0.5:
            parts.append(rng.choice(_MENTIONS))
        parts += [rng.choice(_TAILS), rng.choice(_URLS).format(n=rng.randint(1000, 99999))]
        parts += rng.sample(_TAGS, rng.randint(1, 3)) + [rng.choice(_EMOJI)]
        posts.append(" ".join(parts))
    return posts


_PIECES = _EMOJI + _TAGS + _MENTIONS + [
    "https://example.com/a_(b)", "example.co.id", "t.co/x", "日本語", "한국", "مرحبا", "e\u0301", "\u0301",
    "©", "®", "™", "↔", "\u200d", "\ufe0f", "🏻", "🇦🇦", "\ufeff", "\u202a", "\r\n", "\n", " ", ".", ",",
    "(", ")", "/", "-", "_", "www.", ".com", ".go.id", ".みんな", "http://", "xn--ls8h.la", "#", "@",
]


def random_strings(count: int, rng: random.Random) -> list[str]:
    """``count`` seeded strings mixing the hard pieces with arbitrary code points."""
    out = []
    for _ in range(count):
        chunks = []
        for _ in range(rng.randint(0, 14)):
            roll = rng.random()
            if roll < 0.6:
                chunks.append(rng.choice(_PIECES))
            elif roll < 0.8:
                chunks.append(chr(rng.randint(0x20, 0x7E)))
            else:
                point = rng.randint(0xA0, 0x2FFFF)
                chunks.append(chr(point) if not 0xD800 <= point <= 0xDFFF else "?")
        out.append("".join(chunks))
    return out


def best_rates(funcs: dict[str, Callable[[str], object]], corpus: list[str], repeat: int) -> dict[str, float]:
    """Best posts per second of each function over ``repeat`` interleaved passes.

    Interleaving spreads any load from other processes over every contender alike.
    """
    best = dict.fromkeys(funcs, float("inf"))
    for _ in range(repeat):
        for name, func in funcs.items():
            start = time.perf_counter()
            for text in corpus:
                func(text)
            best[name] = min(best[name], time.perf_counter() - start)
    return {name: len(corpus) / seconds for name, seconds in best.items()}


def main() -> None:
    """Print the speed table and the agreement count."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--random", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    try:
        from twitter_text import parse_tweet as reference
    except ImportError:
        raise SystemExit("install the test extra first: .venv/bin/pip install -e '.[test]'") from None

    rng = random.Random(SEED)
    corpus = realistic_corpus(args.posts, rng)
    rates = best_rates(
        {
            "twitter-text-parser parse_tweet": reference,
            "channels.text.weighted_length": weighted_length,
            "channels.text.parse_tweet": parse_tweet,
        },
        corpus,
        args.repeat,
    )
    theirs = rates["twitter-text-parser parse_tweet"]
    print(f"corpus: {len(corpus)} seeded Indonesian posts, mean {sum(map(len, corpus)) / len(corpus):.0f} chars")
    print(f"{'implementation':<40}{'posts/s':>12}{'ratio':>9}")
    for name, rate in rates.items():
        print(f"{name:<40}{rate:>12,.0f}{rate / theirs:>8.1f}x")
    mismatched = [t for t in corpus if weighted_length(t) != reference(t).weightedLength]
    strings = random_strings(args.random, random.Random(SEED + 1))
    disagreements = 0
    for text in strings:
        mine = parse_tweet(text)
        other = reference(text)
        if (
            mine.weighted_length, mine.valid, mine.permillage, mine.display_range_start,
            mine.display_range_end, mine.valid_range_start, mine.valid_range_end,
        ) != (
            other.weightedLength, other.valid, other.permillage, other.displayRangeStart,
            other.displayRangeEnd, other.validRangeStart, other.validRangeEnd,
        ):
            disagreements += 1
    print(f"disagreements on the corpus: {len(mismatched)}")
    print(f"disagreements on {len(strings):,} seeded random strings (all fields): {disagreements}")
    oracle_cases()


def oracle_cases() -> None:
    """Agreement with the weighted-length cases of twitter-text's validate.yml (v3 config)."""
    from pathlib import Path

    import yaml

    path = Path(__file__).resolve().parents[1] / ".." / "shared" / "oracles" / "validate.yml"
    if not path.is_file():
        print("validate.yml: not found (../shared/oracles), oracle cases not run")
        return
    tests = yaml.safe_load(path.read_text(encoding="utf-8"))["tests"]
    cases = tests.get("WeightedTweetsWithDiscountedEmojiCounterTest", []) + tests.get("UnicodeDirectionalMarkerCounterTest", [])
    wrong = 0
    for case in cases:
        want = case["expected"]
        got = parse_tweet(case["text"])
        if (got.weighted_length, got.valid, got.permillage) != (want["weightedLength"], want["valid"], want["permillage"]):
            wrong += 1
    print(f"validate.yml v3 and directional-marker cases: {len(cases) - wrong}/{len(cases)} agree")


if __name__ == "__main__":
    main()
