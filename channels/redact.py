"""Secrets out of every line we write: the :class:`Redactor`, built from the configuration.

A credential leaves the process in more shapes than the one in the config file: raw in a
JSON body, percent-encoded in a query string or form body (``requests`` and ``urllib``
encode ``+ / = & %``), percent-encoded twice inside an OAuth signature base string,
base64-encoded in an ``Authorization: Basic`` header, escaped in a ``repr`` or JSON
string.  A Redactor knows the secret values of an installation (or of one account) and
hides each of them in every one of those shapes, plus the token *parameters* of any
request (``access_token=...``, ``oauth_token="..."``) whatever their value.

Debug logs of the HTTP libraries dump request bodies (``requests_oauthlib`` logs the
signed body, tweepy the response content); an image upload would print megabytes of
``\\x89PNG...``.  :meth:`Redactor.log_text` replaces such binary ``b'...'`` literals with a
one-line summary (:func:`summarise_body`).

There is no process-wide secret list: the CLI builds one Redactor from the settings
(``Settings.redactor``) and installs :class:`RedactingFilter` on its log handlers; every
session a channel makes carries a Redactor for that account (``make_session(secrets=)``).
"""

from __future__ import annotations

import ast
import base64
import binascii
import json
import logging
import re
from collections.abc import Callable, Iterable
from urllib.parse import quote, quote_plus

#: Shorter values are not redacted: replacing "abc" everywhere would destroy the text and
#: such a value is no secret anyway.
MIN_LENGTH = 4
MASK = "***"

_TOKEN_PARAM = re.compile(
    r"(access_token|input_token|oauth_[a-z_]+|client_secret|appsecret_proof)(=|%3D)(\"?)[^&\s\"',]*", re.I
)
#: The credential of an Authorization header, in a header dump (``'Authorization': 'Basic
#: dXNlcjpwdw=='``) or a raw header line.  OAuth 1.0a headers are left to _TOKEN_PARAM so
#: that their parameter names stay readable.
_AUTH_HEADER = re.compile(r"(authorization['\"]?\s*[:=]\s*['\"]?(?:Basic|Bearer)\s+)[^'\"\s,}]+", re.I)
#: Runs that could be base64 (a secret inside ``user:secret``, say).
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/_-]{8,}={0,2}")
#: A Python bytes literal in a log message (tweepy's ``Content: b'...'``, oauthlib's body).
_BYTES_LITERAL = re.compile(r"""(?<![A-Za-z0-9_])b('(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")""", re.S)
#: requests' ``requote_uri`` leaves these as they are in a URL it is given.
_URI_SAFE = "!#$%&'()*+,/:;=?@[]~"


def _percent_forms(value: str) -> set[str]:
    forms = {
        quote(value, safe=""),
        quote(value),  # urllib's default keeps "/"
        quote(value, safe=_URI_SAFE),
        quote_plus(value),  # requests' and urlencode's form and query encoding
        quote_plus(value, safe="/"),
        quote(quote(value, safe=""), safe=""),  # OAuth signature base string, a URL in a URL
    }
    # %2F and %2f are the same byte to a server; logs may show either.
    return forms | {re.sub(r"%[0-9A-F]{2}", lambda m: m.group().lower(), f) for f in forms}


def encodings(value: str) -> set[str]:
    """Every form in which ``value`` may appear in a request, a header or a log line."""
    raw = value.encode("utf-8")
    forms = {value, *_percent_forms(value)}
    forms.add(json.dumps(value)[1:-1])
    forms.add(json.dumps(value, ensure_ascii=False)[1:-1])
    forms.add(repr(value)[1:-1])
    forms.add(repr(raw)[2:-1])
    for encoded in (base64.b64encode(raw), base64.urlsafe_b64encode(raw)):
        text = encoded.decode("ascii")
        forms.update({text, text.rstrip("=")})
    return {f for f in forms if len(f) >= MIN_LENGTH}


def _is_binary(data: bytes) -> bool:
    if b"\x00" in data:
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _kind(data: bytes, content_type: str | None) -> str:
    if content_type:
        return content_type.split(";")[0].strip()
    for magic, name in ((b"\xff\xd8\xff", "JPEG image"), (b"\x89PNG", "PNG image"), (b"GIF8", "GIF image"),
                        (b"RIFF", "RIFF/WebP data"), (b"--", "multipart form")):
        if data.startswith(magic):
            return name
    return "binary data"


def summarise_body(data: bytes | str | None, content_type: str | None = None) -> str:
    """A body as a log line may show it: text as it is, binary as ``<N bytes: kind>``."""
    if data is None or data == b"" or data == "":
        return "<empty>"
    if isinstance(data, str):
        return data
    if _is_binary(data):
        return f"<{len(data)} bytes: {_kind(data, content_type)}>"
    return data.decode("utf-8")


class Redactor:
    """Hides a fixed set of secret values, in every encoding, from any text.

    Built from the configuration (``Settings.redactor``) or for one account
    (``make_session(secrets=...)``); values shorter than :data:`MIN_LENGTH` are ignored.
    The repr never shows a value.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        values = {str(s) for s in secrets if s is not None and len(str(s)) >= MIN_LENGTH}
        self._secrets = frozenset(values)
        forms = {f for v in values for f in encodings(v)}
        # Longest first, so a value that contains another is hidden whole.
        ordered = sorted(forms, key=lambda f: (-len(f), f))
        self._pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    @property
    def secrets(self) -> frozenset[str]:
        """The raw values this redactor hides."""
        return self._secrets

    def __repr__(self) -> str:
        return f"Redactor(<{len(self._secrets)} secrets>)"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Redactor) and other._secrets == self._secrets

    def __hash__(self) -> int:
        return hash(self._secrets)

    def __or__(self, other: Redactor | Iterable[str]) -> Redactor:
        """A redactor hiding the secrets of both."""
        more = other.secrets if isinstance(other, Redactor) else other
        return Redactor([*self._secrets, *more])

    def __call__(self, text: str) -> str:
        return self.redact(text)

    def redact(self, text: str) -> str:
        """``text`` with token parameters, Authorization credentials and every encoding of
        every secret value replaced by ``***``."""
        text = _AUTH_HEADER.sub(lambda m: m.group(1) + MASK, text)
        text = _TOKEN_PARAM.sub(lambda m: f"{m.group(1)}{m.group(2)}{m.group(3)}{MASK}", text)
        if self._pattern is None:
            return text
        text = self._pattern.sub(MASK, text)
        return _BASE64_RUN.sub(self._base64_run, text)

    def _base64_run(self, match: re.Match[str]) -> str:
        """A base64 run whose decoded bytes contain a secret (``user:secret``) goes whole."""
        run = match.group()
        padded = run + "=" * (-len(run) % 4)
        for decode in (base64.b64decode, base64.urlsafe_b64decode):
            try:
                decoded = decode(padded)
            except (binascii.Error, ValueError):
                continue
            if any(s.encode("utf-8") in decoded for s in self._secrets):
                return MASK
        return run

    def body(self, data: bytes | str | None, content_type: str | None = None) -> str:
        """A request or response body for a debug line: redacted text, or a binary summary."""
        return self.redact(summarise_body(data, content_type))

    def log_text(self, text: str) -> str:
        """A log message with binary ``b'...'`` literals summarised and secrets hidden."""
        return self.redact(_BYTES_LITERAL.sub(_summarise_literal, text))

    def filter(self) -> RedactingFilter:
        """A logging filter that applies this redactor to every record."""
        return RedactingFilter(self)


def _summarise_literal(match: re.Match[str]) -> str:
    literal = match.group()
    if len(literal) < 64 or "\\x" not in literal:  # short or plainly text: leave it readable
        return literal
    try:
        data = ast.literal_eval(literal)
    except (ValueError, SyntaxError, MemoryError):
        return literal
    if not isinstance(data, bytes) or not _is_binary(data):
        return literal
    return summarise_body(data)


#: What a filter may be given: a redactor, or a callable returning the current one (the
#: CLI's settings are loaded after logging is configured), or None (patterns only).
RedactorSource = Redactor | Callable[[], Redactor | None] | None

_PATTERNS_ONLY = Redactor()


class RedactingFilter(logging.Filter):
    """A log filter that rewrites every record through a :class:`Redactor`.

    Installed by the CLI on its handlers, so the libraries' debug lines (urllib3,
    requests_oauthlib, tweepy) are redacted too.
    """

    def __init__(self, redactor: RedactorSource = None) -> None:
        super().__init__()
        self._source = redactor

    @property
    def redactor(self) -> Redactor:
        """The redactor in force now (token patterns only until one is known)."""
        source = self._source
        if isinstance(source, Redactor):
            return source
        found = source() if source is not None else None
        return found if found is not None else _PATTERNS_ONLY

    def redact(self, text: str) -> str:
        """``text`` as this filter would log it."""
        return self.redactor.log_text(text)

    def filter(self, record: logging.LogRecord) -> bool:
        redactor = self.redactor
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record is still logged, unformatted
            message = str(record.msg)
        record.msg, record.args = redactor.log_text(message), None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redactor.log_text(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redactor.log_text(record.exc_text)
        return True
