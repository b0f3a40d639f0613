"""The one translation layer: every message a person reads goes through :func:`_`.

Messages are written in English in the code, wrapped where they are written::

    from channels.i18n import _, ngettext

    raise ScheduleError(_("post {id} is not queued").format(id=post_id))
    ngettext("{n} post", "{n} posts", n).format(n=n)

and looked up in the gettext catalogs of ``channels/locale`` (``disseminator.po``, edited
by people, and ``disseminator.mo``, compiled from it by ``python tools/catalogs.py`` and
committed; a test holds them equal and fails on any message without a translation).
Placeholders are ``str.format`` names, so a translation may move them.  A string kept at
module level is marked with :func:`N_` and translated where it is shown.

What a program reads (``--json``, ``--csv``, log lines) stays in English.

The language is chosen once per process, before any command is parsed
(:func:`disseminator.cli.main`): ``DISSEMINATOR_LANGUAGE``, then ``language`` in the
configuration, then the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``: Indonesian for
``id_*``), else English.  Click's own words ("Usage:", "Error: Missing argument") come
from the same catalogs.

This module sits in ``channels`` because it is the package everything else builds on:
the channels' own messages (a text too long for X, an image that is gone) are translated
too, and ``channels`` imports nothing of the core.
"""

from __future__ import annotations

import gettext
import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

DOMAIN = "disseminator"
LOCALE_DIR = Path(__file__).with_name("locale")
#: code -> the language's own name
LANGUAGES: dict[str, str] = {"id": "Bahasa Indonesia", "en": "English"}
DEFAULT = "en"

_current = DEFAULT
_translations: gettext.NullTranslations = gettext.NullTranslations()
#: A language chosen for one context (a web request: :func:`speaking`), over the process's.
_speaking: ContextVar[tuple[str, gettext.NullTranslations] | None] = ContextVar("speaking", default=None)


def _active() -> gettext.NullTranslations:
    chosen = _speaking.get()
    return chosen[1] if chosen else _translations


def _(message: str) -> str:
    """``message`` in the current language (itself when there is no translation)."""
    return _active().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message for ``n`` things (Indonesian has one form)."""
    return _active().ngettext(singular, plural, n)


def N_(message: str) -> str:  # noqa: N802 - gettext's conventional name
    """Marks a message for the catalogs without translating it yet (module constants)."""
    return message


def stored(text: str) -> str:
    """A message kept in English (in the database, where programs read it) in the current
    language: the catalog's message it was made from is found, placeholders included
    (``network refused: {detail}``), and its translation filled with the same values.
    Messages joined with ``"; "`` are translated one by one; text no message of the
    catalog made (a network's own words) is left as it is."""
    if current() == "en" or not text:
        return text
    whole = _match(text)
    if whole is not None:
        return whole
    if "; " in text:
        return "; ".join(_match(part) or part for part in text.split("; "))
    return text


_FIELD = re.compile(r"\{(\w*)[^{}]*\}")
_patterns: dict[str, list[tuple[re.Pattern[str], str]]] = {}


def _match(text: str) -> str | None:
    exact = _active().gettext(text)
    if exact != text:
        return exact
    for pattern, msgid in _compiled():
        found = pattern.fullmatch(text)
        if found:
            values = found.groupdict()
            return _FIELD.sub(lambda m: values.get(m.group(1), m.group(0)), _active().gettext(msgid))
    return None


def _compiled() -> list[tuple[re.Pattern[str], str]]:
    """(pattern, msgid) for every message with named placeholders, most specific first."""
    code = current()
    if code in _patterns:
        return _patterns[code]
    catalog: dict[object, str] = getattr(_active(), "_catalog", {})
    found = []
    for msgid in catalog:
        if not isinstance(msgid, str) or "{" not in msgid:
            continue
        names: list[str] = []
        pieces: list[str] = []
        last = 0
        for field in _FIELD.finditer(msgid):
            name = field.group(1)
            if not name or name in names:  # positional or repeated: cannot be told apart
                break
            names.append(name)
            pieces.append(re.escape(msgid[last:field.start()].replace("{{", "{").replace("}}", "}")))
            pieces.append(f"(?P<{name}>.+?)")
            last = field.end()
        else:
            # A message that is mostly placeholders ("{where}: {problem}") would match
            # any text: only messages with words of their own are looked for.
            if names and len(re.findall(r"[^\W\d_]", _FIELD.sub("", msgid))) >= 4:
                pieces.append(re.escape(msgid[last:].replace("{{", "{").replace("}}", "}")))
                literal = len(_FIELD.sub("", msgid))
                found.append((literal, re.compile("".join(pieces), re.DOTALL), msgid))
    found.sort(key=lambda item: -item[0])
    _patterns[code] = [(pattern, msgid) for _, pattern, msgid in found]
    return _patterns[code]


def current() -> str:
    """The code of the language messages are in now: ``id`` or ``en``."""
    chosen = _speaking.get()
    return chosen[0] if chosen else _current


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Speak ``language`` inside this context only (one web request, in its own thread),
    leaving the process's language (:func:`use`) and other requests' alone."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    token = _speaking.set((language, _catalog(language)))
    try:
        yield
    finally:
        _speaking.reset(token)


_catalogs: dict[str, gettext.NullTranslations] = {}


def _catalog(language: str) -> gettext.NullTranslations:
    if language not in _catalogs:
        _catalogs[language] = gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)
    return _catalogs[language]


def use(language: str) -> None:
    """Speak ``language`` (a code of :data:`LANGUAGES`) from now on, click included."""
    global _current, _translations
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    _current = language
    _translations = gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)
    # Click translates its own words with the standard library's gettext functions, which
    # read the process's domain and LANGUAGE: point both at our catalogs.
    gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = language


def from_locale(environ: Mapping[str, str]) -> str | None:
    """The language the locale asks for: the first of ``LC_ALL``, ``LC_MESSAGES`` and
    ``LANG`` that is set decides (``id_ID.UTF-8`` -> ``id``; any other -> ``en``)."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "").strip()
        if value:
            code = value.split(".")[0].split("@")[0].split("_")[0].lower()
            return "id" if code in ("id", "in") else "en"
    return None


def choose(configured: str | None, environ: Mapping[str, str]) -> str:
    """The language for this process: ``DISSEMINATOR_LANGUAGE``, else ``configured`` (the
    configuration's ``language``), else the locale's, else English.  A value that is not a
    known code is passed over here; the configuration's check reports it."""
    for wanted in (environ.get("DISSEMINATOR_LANGUAGE"), configured):
        if wanted and wanted.strip().lower() in LANGUAGES:
            return wanted.strip().lower()
    return from_locale(environ) or DEFAULT
