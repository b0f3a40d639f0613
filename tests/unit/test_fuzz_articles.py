"""Fuzzing the article loader the CLI uses, then every channel's formatter.

Any article file either loads or is refused with the project's user-facing error
(:class:`~disseminator.errors.UserError`), never anything else; and an article that
loads formats for every channel (X with threads off and on, Facebook, Instagram), where
the only refusal allowed is :class:`~channels.base.Rejected`.  Inputs are Markdown with
front matter and JSON: random text with control characters, odd YAML types, huge and
nested values, and raw text that is only almost a file.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from channels.base import Account, Article, Channel, Rejected
from channels.facebook import FacebookChannel
from channels.instagram import InstagramChannel
from channels.twitter import TwitterChannel
from disseminator.articles import load_article
from disseminator.errors import UserError

FIELDS = ["title", "url", "summary", "body", "image", "image_alt", "gallery", "tags", "published", "author"]

# Text biased to what breaks things: control characters, line breaks, URLs, hashtags,
# emoji sequences, combining marks, YAML and Markdown syntax.
_pieces = st.sampled_from(
    ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\t", "\n", "\r\n", "\n\n", " ", "---", "...", ": ", "- ", "#", "@a",
     "[", "]", "{", "}", "*", "_", "`", "<p>", "</p>", "&amp;", "https://a.go.id/x", "a.co", "#Tag", "👨\u200d👩\u200d👧",
     "🇮🇩", "e\u0301", "\u0301" * 3, "\ufeff", "\u2028", "日本語", "'", '"', "\\", "!!python/object", "&a", "*a"]
)
_text = st.lists(_pieces | st.text(max_size=8), max_size=12).map("".join)
_long = st.builds(lambda piece, n: piece * n, _pieces | st.text(min_size=1, max_size=3), st.integers(1, 3_000))
_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), _text, _long,
    st.dates(), st.datetimes(timezones=st.none() | st.timezones()),
)
_values = st.recursive(
    _scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4), max_leaves=12
)
_urls = st.sampled_from(["https://a.go.id/b", "http://x.example/a.jpg", "javascript:alert(1)", "https://a.go.id/" + "p" * 3000])
_field_values = st.one_of(_values, _urls, st.lists(_urls | st.dictionaries(st.sampled_from(["url", "alt"]), _values), max_size=25))
_documents = st.dictionaries(st.sampled_from(FIELDS) | _text, _field_values, max_size=8)
_nested = st.builds(lambda d, o, c: o * d + c * d, st.integers(1, 3_000), st.sampled_from(["[", "{a: "]), st.just("]"))


def _front_matter(doc: dict[Any, Any], body: str) -> str:
    try:
        front = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    except yaml.YAMLError:
        front = "title: x\n"
    return f"---\n{front}---\n{body}"


def _json(doc: dict[Any, Any]) -> str:
    return json.dumps(doc, default=str, ensure_ascii=False)


_files = st.one_of(
    st.builds(lambda d, b: (".md", _front_matter(d, b)), _documents, _text | _long),
    st.builds(lambda d: (".json", _json(d)), _documents),
    st.builds(lambda front, b: (".md", f"---\n{front}\n---\n{b}"), _text, _text),  # raw front matter
    st.builds(lambda n: (".md", f"---\ntitle: T\nx: {n}\n---\n"), _nested),
    st.builds(lambda t: (".json", "{" + t), _text),
    st.builds(lambda t: (".md", t), _text),
)

_channels: list[Channel] = [
    TwitterChannel(Account(name="x", channel="twitter", settings={"hashtags": ["#HumasRI"]})),
    TwitterChannel(Account(name="xt", channel="twitter", settings={"thread": True, "thread_max_parts": 10})),
    FacebookChannel(Account(name="fb", channel="facebook", settings={"max_hashtags": 5})),
    InstagramChannel(Account(name="ig", channel="instagram", settings={})),
]


def _load(suffix: str, content: str) -> Article | None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"artikel{suffix}"
        path.write_bytes(content.encode("utf-8", "surrogatepass"))
        try:
            return load_article(path)
        except UserError as exc:
            assert exc.message.startswith(str(path)), exc.message  # names the file
            assert "\n" not in exc.message.strip()  # one line
            return None


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(_files)
def test_any_article_file_loads_or_is_refused_and_formats_for_every_channel(file: tuple[str, str]) -> None:
    article = _load(*file)
    if article is None:
        return
    assert isinstance(article.published, (dt.datetime, type(None)))
    for channel in _channels:
        try:
            draft = channel.render(article)
        except Rejected:
            continue
        channel.validate(draft)  # what a channel renders, it accepts
