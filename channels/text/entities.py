"""Entity extraction with twitter-text semantics: URLs, emoji, hashtags, mentions.

Behaviour follows twitter-text's conformance suite (extract.yml, validate.yml) and, where
that suite is silent, the ``twitter-text-parser`` package, which our tests use as the
oracle.  Indices are Python string indices (code points) into the text as given.

The URL grammar is twitter-text's: an optional protocol, a domain made of labels that end
in a known top-level domain (``channels.text.tlds``), an optional port, path and query.  The
TLD alternatives are compiled as a trie so that the regex engine compares a few letters
instead of trying 1,574 names at every dot; for names that are prefixes of others the
trie tries the longer first, which is what the reference's ordered list does too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

import regex


@dataclass(frozen=True)
class Entity:
    """One extracted entity: its text (``value``) and its ``[start, end)`` indices.

    For a URL without protocol whose domain carries non-ASCII labels, ``value`` is the
    ASCII part twitter-text keeps, so ``len(value)`` may differ from ``end - start``.
    """

    value: str
    start: int
    end: int


# --------------------------------------------------------------------------- URLs

_SPACES = "\\x09-\\x0d\\x20\\x85\\xa0\\u1680\\u180e\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
_INVALID = "\\ufffe\\ufeff\\uffff"
_DIRECTIONAL = "\\u202a-\\u202e\\u061c\\u200e\\u200f\\u2066-\\u2069"
_PUNCT = "!'#%&()*+,\\\\\\-./:;<=>?@\\[\\]^_{|}~$"
_LATIN = (
    "\\xc0-\\xd6\\xd8-\\xf6\\xf8-\\xff\\u0100-\\u024f\\u0253\\u0254\\u0256\\u0257\\u0259"
    "\\u025b\\u0263\\u0268\\u026f\\u0272\\u0289\\u028b\\u02bb\\u0300-\\u036f\\u1e00-\\u1eff"
)
_CYRILLIC = "\\u0400-\\u04ff"


def _trie_pattern(words: list[str]) -> str:
    """An alternation matching ``words``; at every branch longer words are tried first."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if "" in node:
            branches.append("")  # the word may end here: tried after every longer one
        if len(branches) == 1:
            return branches[0]
        return "(?:" + "|".join(branches) + ")"

    return emit(trie)


_PUNYCODE = "xn--[0-9a-z-]+"
_DOMAIN_CHAR = f"[^{_PUNCT}{_SPACES}{_INVALID}{_DIRECTIONAL}]"
_SUBDOMAIN = f"(?:(?:{_DOMAIN_CHAR}(?:[_-]|{_DOMAIN_CHAR})*)?{_DOMAIN_CHAR}\\.)"
_DOMAIN_NAME = f"(?:(?:{_DOMAIN_CHAR}(?:-|{_DOMAIN_CHAR})*)?{_DOMAIN_CHAR}\\.)"

_PATH_CHAR = f"[a-z{_CYRILLIC}0-9!*';:=+,.$/%#\\[\\]\\-\\u2013_~@|&{_LATIN}]"
_PARENS = f"\\((?:{_PATH_CHAR}+|(?:{_PATH_CHAR}*\\({_PATH_CHAR}+\\){_PATH_CHAR}*))\\)"
_PATH_END = f"[+\\-a-z{_CYRILLIC}0-9=_#/{_LATIN}]"
# A path segment: characters ending in an end character, or a bare parenthesised group,
# or "@name/".  (twitter-text splices its "end character or parens" alternation in
# without a group, which makes a bare parens group an alternative of its own; we match
# that grammar, as its conformance data and ports depend on it.)
_PATH = (
    f"(?:(?:{_PATH_CHAR}*(?:{_PARENS}{_PATH_CHAR}*)*{_PATH_END}|{_PARENS})"
    f"|(?:@{_PATH_CHAR}+/))"
)
_QUERY_CHAR = "[a-z0-9!?*'@();:&=+$/%#\\[\\]\\-_.,~|]"
_QUERY_END = "[a-z0-9\\-_&=#/]"
_BEFORE = f"(?:[^A-Za-z0-9@\\uff20$#\\uff03{_INVALID}]|[{_DIRECTIONAL}]|^)"



@cache
def _url_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The URL pattern and the ASCII-domain pattern, built on first use.

    Loading 1,574 TLDs and compiling them costs ~50 ms, which an import should not pay.
    """
    from channels.text.tlds import CCTLDS, GTLDS

    # A TLD must not run on into a letter, digit, '@', '+' or '-'.
    tld = "(?:" + _trie_pattern([*GTLDS, *CCTLDS]) + ")(?=[^0-9a-zA-Z@+-]|$)"
    # At most 126 subdomains (DNS allows 127 labels): unbounded, every try in a long run
    # of "a.a.a..." would run to its end and back, quadratic in the run.
    domain = f"(?:{_SUBDOMAIN}{{0,126}}{_DOMAIN_NAME}(?:{tld}|{_PUNYCODE}))"
    url = re.compile(
        f"({_BEFORE})"  # 1: the character before, consumed
        "("  # 2: the URL
        "(https?://)?"  # 3: protocol
        f"({domain})"  # 4: domain
        "(?::[0-9]+)?"  # port
        f"(/{_PATH}*)?"  # 5: path
        f"(?:\\?{_QUERY_CHAR}*{_QUERY_END})?"  # query
        ")",
        re.IGNORECASE,
    )
    ascii_domain = re.compile(f"(?:[a-z0-9{_LATIN}-]+\\.)+(?:{tld}|{_PUNYCODE})", re.IGNORECASE)
    return url, ascii_domain

_TCO_RE = re.compile(f"https?://t\\.co/([a-z0-9]+)(?:\\?{_QUERY_CHAR}*{_QUERY_END})?", re.IGNORECASE)
_MAX_URL = 4096
_MAX_TCO_SLUG = 40


# A URL never contains one of these separators and needs a dot followed by something, so
# only such runs are searched: a match ends before a separator and starts at most one
# character (the separator, its "before") ahead of the run, exactly as a whole-text scan.
# The look-behind makes a try inside a run fail at once, so the scan stays linear.
_RUN_RE = re.compile(f"(?<![^{_SPACES}])[^{_SPACES}]*\\.[^{_SPACES}.][^{_SPACES}]*")


def _url_matches(text: str) -> Iterator[re.Match[str]]:
    """The matches of the URL pattern over ``text``, searching only runs that may hold one."""
    size = len(text)
    finditer = _url_patterns()[0].finditer
    for run in _RUN_RE.finditer(text):
        start, end = run.span()
        yield from finditer(text, max(start - 1, 0), min(end + 1, size))


@lru_cache(maxsize=4096)
def _punycode_length(domain: str) -> int:
    """Length of ``domain`` in IDNA (punycode) form, or -1 when it is not a valid IDN."""
    try:
        return len(domain.encode("idna"))
    except UnicodeError:
        return -1


def extract_urls_with_indices(text: str) -> list[Entity]:
    """URLs in ``text`` as twitter-text finds them, with and without protocol.

    Raises nothing; text without a '.' has no URL.
    """
    if "." not in text:
        return []
    found: list[Entity] = []
    for match in _url_matches(text):
        before, url, protocol, domain, path = match.group(1, 2, 3, 4, 5)
        end = match.end()
        start = end - len(url)
        puny = _punycode_length(domain)
        if puny <= 0 or len(protocol or "https://") + len(url) + puny - len(domain) > _MAX_URL:
            continue
        if protocol is None:
            # A dot, dash, underscore or slash before means "part of something else".
            if before and before in "-_./":
                continue
            last: Entity | None = None
            for part in _url_patterns()[1].finditer(domain):
                last = Entity(part.group(), start + part.start(), start + part.end())
                found.append(last)
            if last is not None and path:
                # twitter-text keeps the ASCII domain and everything after the domain.
                # str.replace swaps every occurrence, as the python port does (the JS one
                # swaps the first); it only differs when the path repeats the domain.
                found[-1] = Entity(url.replace(domain, last.value), last.start, end)
            continue
        tco = _TCO_RE.match(url)
        if tco is not None:
            if len(tco.group(1)) > _MAX_TCO_SLUG:
                continue
            url = tco.group()
            end = start + len(url)
        found.append(Entity(url, start, end))
    return found


# --------------------------------------------------------------------------- emoji

def _char_class(chars: set[str]) -> str:
    """A regex character class for ``chars``, as ranges."""
    points = sorted(ord(c) for c in chars)
    parts: list[str] = []
    i = 0
    while i < len(points):
        j = i
        while j + 1 < len(points) and points[j + 1] == points[j] + 1:
            j += 1
        lo, hi = points[i], points[j]
        parts.append(f"\\U{lo:08x}" if lo == hi else f"\\U{lo:08x}-\\U{hi:08x}")
        i = j + 1
    return "[" + "".join(parts) + "]"


@dataclass(frozen=True)
class _EmojiTables:
    """Emoji lookup tables: see :func:`_emoji_tables`."""

    single: frozenset[str]  # one-code-point emoji
    multi: frozenset[str]  # sequences of two or more code points
    lengths: dict[str, tuple[int, ...]]  # first code point -> sequence lengths, longest first
    start: re.Pattern[str]  # where an emoji may start (a superset)


@cache
def _emoji_tables() -> _EmojiTables:
    """Build the emoji tables from the Unicode 12.0 list on first use."""
    from channels.text.tlds import EMOJI

    single = frozenset(seq for seq in EMOJI if len(seq) == 1)
    multi = frozenset(seq for seq in EMOJI if len(seq) > 1)
    sizes: dict[str, set[int]] = {}
    for seq in multi:
        sizes.setdefault(seq[0], set()).add(len(seq))
    lengths = {ch: tuple(sorted(ls, reverse=True)) for ch, ls in sizes.items()}
    # Candidates, loosely: the exact BMP starts, one span for the astral ones (sre scans a
    # BMP set fast but a long list of astral ranges slowly), and an ASCII keycap base only
    # when a keycap mark follows.
    starts = set(single) | set(lengths)
    bmp = {c for c in starts if 0x7F < ord(c) <= 0xFFFF}
    astral = [ord(c) for c in starts if ord(c) > 0xFFFF]
    narrow = {c for c in starts if c.isascii()}
    seconds = {seq[1] for seq in multi if seq[0].isascii()}
    wide = _char_class(bmp)[:-1] + f"\\U{min(astral):08x}-\\U{max(astral):08x}]"
    start = re.compile(f"{wide}|{_char_class(narrow)}(?={_char_class(seconds)})")
    return _EmojiTables(single, multi, lengths, start)


def extract_emoji_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every emoji in ``text``, leftmost-longest, non-overlapping.

    Raises nothing.  Pure-ASCII text has none (keycaps need U+20E3).
    """
    spans: list[tuple[int, int]] = []
    if text.isascii():
        return spans
    tables = _emoji_tables()
    search, lengths, multi, single = tables.start.search, tables.lengths, tables.multi, tables.single
    pos = 0
    while (match := search(text, pos)) is not None:
        i = match.start()
        first = text[i]
        size = 0
        for length in lengths.get(first, ()):
            if text[i : i + length] in multi:
                size = length
                break
        if not size and first in single:
            size = 1
        if size:
            spans.append((i, i + size))
            pos = i + size
        else:
            pos = i + 1
    return spans


# --------------------------------------------------------------------------- hashtags

_HASH_ALPHA = r"\p{L}\p{M}"
_HASH_ALNUM = (
    _HASH_ALPHA + r"\p{Nd}_\u200c\u200d\ua67e\u05be\u05f3\u05f4\uff5e\u301c\u309b\u309c"
    r"\u30a0\u30fb\u3003\u0f0b\u0f0c\u00b7"
)
_HASHTAG_RE = regex.compile(
    # The character before is consumed, as in twitter-text.  A variation selector ends an
    # emoji, so it may precede a hashtag although it is a mark.
    rf"(?:^|[\ufe0e\ufe0f]|[^&{_HASH_ALNUM}])([#\uff03])(?![\ufe0f\u20e3])"
    rf"([{_HASH_ALNUM}]*[{_HASH_ALPHA}][{_HASH_ALNUM}]*)"
)
_HASHTAG_END_RE = regex.compile(r"[#\uff03]|://")


def _drop_overlaps(entities: list[Entity], urls: list[Entity]) -> list[Entity]:
    """``entities`` minus those that overlap a URL, as twitter-text resolves overlaps.

    All entities are ordered by start (hashtags before URLs on a tie); walking that order,
    one that starts before the last kept one ends is dropped, whichever kind it is.
    """
    if not urls:
        return entities
    ordered = sorted([(e.start, 0, e) for e in entities] + [(u.start, 1, u) for u in urls], key=lambda t: t[:2])
    kept: list[Entity] = []
    end = -1
    for _, kind, entity in ordered:
        if entity.start < end:
            continue
        end = entity.end
        if kind == 0:
            kept.append(entity)
    return kept


def extract_hashtags_with_indices(text: str) -> list[Entity]:
    """Hashtags in ``text`` (value without the '#'); indices cover the '#' too.

    A hashtag needs one letter, cannot follow a letter, digit or '&', and is dropped when
    it is part of a URL or followed by another '#' or '://'.  Raises nothing.
    """
    if "#" not in text and "\uff03" not in text:
        return []
    found = [
        Entity(m.group(2), m.start(1), m.end())
        for m in _HASHTAG_RE.finditer(text)
        if not _HASHTAG_END_RE.match(text, m.end())
    ]
    return _drop_overlaps(found, extract_urls_with_indices(text)) if found else found


# --------------------------------------------------------------------------- mentions

_MENTION_RE = re.compile(
    # The character before is consumed, as in twitter-text.
    r"(?:^|[^a-zA-Z0-9_!#$%&*@\uff20]|(?:^|[^a-zA-Z0-9_+~.-])(?:rt|RT|rT|Rt):?)"
    r"[@\uff20]([a-zA-Z0-9_]{1,20})(/[a-zA-Z][a-zA-Z0-9_-]{0,24})?"
)
_MENTION_END_RE = re.compile(f"[@\\uff20{_LATIN}]|://")


def extract_mentions_or_lists_with_indices(text: str) -> list[tuple[Entity, str]]:
    """Mentions and list references: ``(Entity(screen_name, start, end), "/slug" or "")``.

    ``start`` is the index of the '@'; ``end`` includes the list slug.  Raises nothing.
    """
    if "@" not in text and "\uff20" not in text:
        return []
    found: list[tuple[Entity, str]] = []
    for m in _MENTION_RE.finditer(text):
        if _MENTION_END_RE.match(text, m.end()):
            continue
        at = m.start(1) - 1
        found.append((Entity(m.group(1), at, m.end()), m.group(2) or ""))
    return found


def extract_mentions_with_indices(text: str) -> list[Entity]:
    """Screen names mentioned in ``text`` (without '@'), list references excluded.

    Raises nothing.
    """
    return [e for e, slug in extract_mentions_or_lists_with_indices(text) if not slug]
