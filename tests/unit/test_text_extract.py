"""URL, hashtag and mention extraction against twitter-text's conformance cases (extract.yml)."""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from channels.text import (
    Entity,
    count_hashtags,
    count_mentions,
    extract_hashtags_with_indices,
    extract_mentions_with_indices,
    extract_urls_with_indices,
)
from tests.oracles import missing, oracle_tests

# Cases we deliberately do not support, by description, with the reason.  Empty: we
# pass every case of the sections below.
SKIP: dict[str, str] = {}


def _cases(*sections: str) -> list[Any]:
    tests = oracle_tests("extract.yml")
    if tests is None:
        return missing("extract.yml")
    params = []
    for section in sections:
        for case in tests[section]:
            marks = [pytest.mark.skip(reason=SKIP[case["description"]])] if case["description"] in SKIP else []
            params.append(pytest.param(case, id=f"{section}: {case['description']}", marks=marks))
    return params


@pytest.mark.parametrize("case", _cases("urls", "tco_urls_with_params"))
def test_urls(case: dict[str, Any]) -> None:
    assert [e.value for e in extract_urls_with_indices(case["text"])] == case["expected"]


@pytest.mark.parametrize("case", _cases("urls_with_indices", "urls_with_directional_markers"))
def test_urls_with_indices(case: dict[str, Any]) -> None:
    got = [{"url": e.value, "indices": [e.start, e.end]} for e in extract_urls_with_indices(case["text"])]
    assert got == case["expected"]


@pytest.mark.parametrize("case", _cases("hashtags", "hashtags_from_astral"))
def test_hashtags(case: dict[str, Any]) -> None:
    assert [e.value for e in extract_hashtags_with_indices(case["text"])] == case["expected"]


@pytest.mark.parametrize("case", _cases("hashtags_with_indices"))
def test_hashtags_with_indices(case: dict[str, Any]) -> None:
    got = [{"hashtag": e.value, "indices": [e.start, e.end]} for e in extract_hashtags_with_indices(case["text"])]
    assert got == case["expected"]


@pytest.mark.parametrize("case", _cases("mentions"))
def test_mentions(case: dict[str, Any]) -> None:
    assert [e.value for e in extract_mentions_with_indices(case["text"])] == case["expected"]


@pytest.mark.parametrize("case", _cases("mentions_with_indices"))
def test_mentions_with_indices(case: dict[str, Any]) -> None:
    got = [{"screen_name": e.value, "indices": [e.start, e.end]} for e in extract_mentions_with_indices(case["text"])]
    assert got == case["expected"]


def test_tld_data_lists_longer_names_before_their_prefixes() -> None:
    # The URL pattern tries longer TLDs first; that equals twitter-text's ordered
    # alternation only while the data keeps every name ahead of its own prefixes.
    from channels.text.tlds import CCTLDS, GTLDS

    order = [*GTLDS, *CCTLDS]
    position = {name: i for i, name in reversed(list(enumerate(order)))}
    assert len(order) > 1500
    for i, name in enumerate(order):
        for cut in range(1, len(name)):
            assert position.get(name[:cut], len(order)) > i, (name, name[:cut])


def test_entity_is_a_frozen_record() -> None:
    entity = extract_urls_with_indices("Baca setkab.go.id/berita sekarang")[0]
    assert entity == Entity("setkab.go.id/berita", 5, 24)
    with pytest.raises(AttributeError):
        entity.start = 0  # type: ignore[misc]


def test_counts_for_instagram_limits() -> None:
    caption = "Selamat #HariPahlawan2026 #Indonesia! cc @setkabgoid @jokowi #123 email a@b.id"
    assert count_hashtags(caption) == 2  # #123 has no letter
    assert count_mentions(caption) == 2  # a@b is an address, not a mention
    assert count_hashtags("http://twitter.com/#hashtag") == 0  # part of a URL


def test_hashtag_that_starts_before_an_overlapping_url_wins() -> None:
    # twitter-text orders entities by start: the hashtag comes first and the URL inside it
    # is the one dropped.
    assert [e.value for e in extract_hashtags_with_indices("#日本example.com")] == ["日本example"]
    assert [e.value for e in extract_hashtags_with_indices("a #tag http://x.com/#b #c")] == ["tag", "c"]


# ------------------------------------------------------------------ property: agreement

try:
    from twitter_text.extract_urls import extract_urls_with_indices as tt_extract_urls
except ImportError:  # pragma: no cover - the [test] extra installs it
    tt_extract_urls = None

_parts = st.sampled_from(
    [
        "http://", "https://", "www.", "example", ".com", ".co.id", ".go.id", ".jp", ".みんな", ".xyz",
        "/path", "/a_(b)", "?q=1", "#frag", ":8080", "日本", "-", "_", ".", " ", "\n", "@", "#",
        "t.co/", "abc", "ÀÉ", "\u202a", "(", ")", "'", "$", "xn--ls8h", "...", ",",
    ]
) | st.text(max_size=3)


@settings(max_examples=400, deadline=None)
@given(st.lists(_parts, max_size=25).map("".join))
def test_urls_agree_with_twitter_text_parser(text: str) -> None:
    if tt_extract_urls is None:
        message = "twitter-text-parser is the oracle: pip install -e '.[test]'"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    expected = [(d["url"], *d["indices"]) for d in tt_extract_urls(text)]
    assert [(e.value, e.start, e.end) for e in extract_urls_with_indices(text)] == expected
