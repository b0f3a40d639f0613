"""X weighted length: twitter-text's conformance cases and agreement with twitter-text-parser."""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from channels.text import MAX_TWEET, parse_tweet, weighted_length
from tests.oracles import missing, oracle_tests

FIELDS = {
    "weightedLength": "weighted_length",
    "valid": "valid",
    "permillage": "permillage",
    "displayRangeStart": "display_range_start",
    "displayRangeEnd": "display_range_end",
    "validRangeStart": "valid_range_start",
    "validRangeEnd": "valid_range_end",
}


def _validate_cases(*sections: str) -> list[Any]:
    tests = oracle_tests("validate.yml")
    if tests is None:
        return missing("validate.yml")
    return [
        pytest.param(case, id=f"{section}: {case['description']}")
        for section in sections
        for case in tests[section]
    ]


@pytest.mark.parametrize(
    "case",
    _validate_cases("WeightedTweetsWithDiscountedEmojiCounterTest", "UnicodeDirectionalMarkerCounterTest"),
)
def test_validate_yml_v3(case: dict[str, Any]) -> None:
    info = parse_tweet(case["text"])
    got = {name: getattr(info, attr) for name, attr in FIELDS.items()}
    assert got == case["expected"]
    assert weighted_length(case["text"]) == case["expected"]["weightedLength"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        ("Halo Indonesia", 14),
        ("日本語", 6),  # CJK counts 2
        ("\u2014\u2019\u2026", 1 + 1 + 2),  # dash and quote count 1, ellipsis 2
        ("😷", 2),
        ("👨\u200d👩\u200d👧\u200d👦", 2),  # ZWJ family: one emoji
        ("👍🏽", 2),  # skin tone
        ("🇮🇩", 2),  # flag
        ("1\ufe0f\u20e3", 2),  # keycap
        ("©", 2),  # in the emoji list, so it is an emoji although U+00A9 weighs 1
        ("e\u0301", 1),  # NFC composes to é
        ("a\r\nb", 3),
        ("Lihat https://setkab.go.id/berita/2026/11/29/sangat-panjang-sekali-sekali", 6 + 23),
        ("Lihat setkab.go.id", 6 + 23),  # no protocol, valid TLD
        ("Lihat setkab.xyzzy", 18),  # not a TLD
        ("x" * 280, 280),
    ],
)
def test_weighted_length_table(text: str, expected: int) -> None:
    assert weighted_length(text) == expected


def test_over_limit_is_invalid_and_reports_valid_range() -> None:
    info = parse_tweet("a" * 279 + "日本")
    assert info.weighted_length == 283
    assert not info.valid
    # "a" * 279 weighs 279; adding "日" makes 281 > 280, so the valid part ends at index 278.
    assert info.valid_range_end == 278
    assert info.display_range_end == 280
    assert MAX_TWEET == 280


# ------------------------------------------------------------------ property: agreement

try:
    import twitter_text as tt
except ImportError:  # pragma: no cover - the [test] extra installs it
    tt = None


def _reference() -> Any:
    """twitter-text-parser, the oracle; skip without it, fail in CI."""
    if tt is None:
        message = "twitter-text-parser is the oracle: pip install -e '.[test]'"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return tt

_EMOJI = [
    "😷", "👍", "👍🏽", "👨\u200d👩\u200d👧\u200d👦", "👩🏾\u200d💻", "🏳\ufe0f\u200d🌈", "🇮🇩", "🇯🇵",
    "🇦🇦", "1\ufe0f\u20e3", "#\u20e3", "*\ufe0f\u20e3", "©", "®", "™", "↔", "‼", "©\ufe0f",
    "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f", "\u200d", "\ufe0f",
    "🏻", "👨\u200d🍼", "❤\ufe0f", "☺", "🧑\u200d🤝\u200d🧑",
]
_URLS = [
    "https://setkab.go.id/berita/123", "http://example.com", "example.com", "setkab.go.id/a?b=c",
    "t.co/abc", "https://t.co/abcdef?x=1", "www.foo.co.uk", "http://日本.jp/x", "foo.みんな",
    "bit.ly/xyz", "http://example.com/path_(x)", "ELPAÍS.com", "a.com日b.com/p", "x.id",
]
_WORDS = [
    "Presiden", "meresmikan", "jalan", "tol", "#HariPahlawan", "@setkabgoid", "日本語",
    "東京", "한국어", "مرحبا", "שלום", "e\u0301", "\u0301", " ", "\n", "\r\n", "\r", ".", ",",
    "(", ")", "!", "?", "'", '"', "…", "\u2014", "-", "_", "/", ":", "\ufeff", "\uffff",
    "\u202a", "\u2066", "\u200f", "＃", "＠", "ﾊﾟ", "\U00020021",
]
_pieces = st.one_of(
    st.sampled_from(_EMOJI),
    st.sampled_from(_URLS),
    st.sampled_from(_WORDS),
    st.text(min_size=1, max_size=4),
    st.characters(min_codepoint=0x1F000, max_codepoint=0x1FAFF),
)
_texts = st.lists(_pieces, max_size=40).map("".join) | st.text(max_size=60)


def _oracle(text: str) -> dict[str, Any]:
    return _reference().parse_tweet(text).asdict()


def _ours(text: str) -> dict[str, Any]:
    info = parse_tweet(text)
    return {name: getattr(info, attr) for name, attr in FIELDS.items()}


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_texts)
def test_agrees_with_twitter_text_parser(text: str) -> None:
    assert _ours(text) == _oracle(text)


@settings(max_examples=100, deadline=None)
@given(st.lists(_pieces, min_size=20, max_size=120).map("".join))
def test_agrees_on_long_texts(text: str) -> None:
    # Long texts exercise the valid-range walk past 280.
    assert _ours(text) == _oracle(text)
