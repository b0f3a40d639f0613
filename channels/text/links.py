"""Campaign parameters (utm_*) on article links.

Only the query string is touched, and only by appending: the scheme, host (IDN or
punycode), path, existing query and fragment are kept byte for byte, so a link that
worked before still works after.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit

_TOUCHED_SCHEMES = frozenset({"http", "https"})


def add_utm(url: str, params: Mapping[str, str]) -> str:
    """Return ``url`` with ``params`` added to its query string.

    A parameter already in the URL keeps its value (the article's own campaign tag
    wins over ours); parameters whose value is None or empty are skipped. URLs that
    are not http(s), have no host, or get no new parameter come back unchanged.
    Never raises for a malformed URL; it is returned as given.
    """
    if not params:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unbalanced "[" in the host
        return url
    if parts.scheme.lower() not in _TOUCHED_SCHEMES or not parts.netloc:
        return url

    # Split by hand rather than urlunsplit: urlunsplit re-assembles and can drop a
    # bare "?" or "#", and we promise to keep everything we do not add.
    head, hash_sign, fragment = url.partition("#")
    base, _, query = head.partition("?")
    present = {name for name, _ in parse_qsl(query, keep_blank_values=True)}
    new = [
        (str(name), str(value))
        for name, value in params.items()
        if value is not None and str(value) != "" and name not in present
    ]
    if not new:
        return url
    addition = urlencode(new)
    if query and not query.endswith("&"):
        query = f"{query}&{addition}"
    else:
        query = f"{query}{addition}"
    return f"{base}?{query}{hash_sign}{fragment}"
