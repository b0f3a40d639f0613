"""Articles that reach the core as bytes (a file uploaded in the web page) or as a web
address: added exactly as ``article add`` adds a file (:func:`disseminator.catalog.add_articles`).

An upload is written under its own name to a private temporary folder, read and stored,
and the folder removed; messages name the file as the officer knows it (``rilis.md:
missing title``), never the temporary folder.  A web address goes through the one import
point :func:`add_url`.
"""

from __future__ import annotations

import tempfile
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from channels.i18n import _

from .errors import ArticleError, UserError

if TYPE_CHECKING:
    from .config import Settings
    from .store import Store

#: File names an upload may have (what ``load_article`` reads).
SUFFIXES = (".md", ".markdown", ".txt", ".json")


def add_upload(settings: Settings, store: Store, name: str, data: bytes) -> dict[str, Any]:
    """Store the uploaded article file ``name`` (its content ``data``): ``{"id", "title",
    "created", "embargo"}`` as ``article add --json`` gives it.

    Raises :class:`~disseminator.errors.ArticleError` naming the file and what was
    expected (an unknown kind of file, an empty one, a missing title, bad JSON)."""
    from .catalog import ArticlesRefused, add_articles

    shown = PurePath(name.replace("\\", "/")).name.strip() or "upload"
    if PurePath(shown).suffix.lower() not in SUFFIXES:
        raise ArticleError(_("{path}: not an article file (expected {kinds})").format(
            path=shown, kinds=", ".join(SUFFIXES)))
    with tempfile.TemporaryDirectory(prefix="disseminator-upload-") as folder:
        path = Path(folder) / shown
        path.write_bytes(data)
        try:
            [added] = add_articles(settings, store, [str(path)])
        except ArticlesRefused as exc:
            raise ArticleError(exc.lines[-1].replace(str(path), shown)) from None
    return added


def add_url(settings: Settings, store: Store, url: str) -> dict[str, Any]:
    """Fetch the article at ``url`` and store it: the same shape as :func:`add_upload`.

    The one place the web page reaches URL ingest (:mod:`disseminator.ingest`, which
    ``article add URL`` uses too: the page read under the fetch policy).  Raises
    :class:`UserError` when ``url`` is no web address, and :class:`ArticleError` with
    ingest's one line for a page it cannot use."""
    from .catalog import ArticlesRefused, add_articles

    from .ingest import is_url

    if not is_url(url):
        raise UserError(_("{url}: not a web address (expected one starting with https:// or http://)").format(url=url))
    try:
        [added] = add_articles(settings, store, [url.strip()])
    except ArticlesRefused as exc:
        raise ArticleError(exc.lines[-1]) from None
    return added
