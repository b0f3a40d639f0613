"""Article loaders: Markdown with YAML front matter, and JSON with the same fields.

Fields: ``title`` (required), ``url``, ``summary``, ``image``, ``image_alt``, ``gallery``
(more images: URLs, or ``{url, alt}`` tables), ``tags``, ``published``, ``author``,
``embargo`` (not before: :mod:`disseminator.embargo`); the
Markdown body below the front matter (``body`` in JSON).  ``url`` and images must be
http(s).  Every problem raises :class:`ArticleError` with
the file, the field and what was expected.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from channels.base import Article, Media
from channels.i18n import _

from . import embargo
from .errors import ArticleError
from .fieldtime import YEARS, field_time

MAX_BYTES = 5 * 1024 * 1024
#: The most characters each text field may have (a gallery alt counts as ``image_alt``,
#: each tag as ``tag``).
CAPS = {
    "title": 2_000,
    "summary": 10_000,
    "body": 1_000_000,
    "url": 2_048,
    "image": 2_048,
    "image_alt": 1_000,
    "author": 200,
    "tag": 100,
}
#: The most tags and gallery images an article may have.
MAX_TAGS = 50
MAX_GALLERY = 20
# C0 and C1 control characters (and DEL) other than tab, line feed and carriage return;
# and lone UTF-16 surrogates (JSON can spell them), which no database can store.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)


def load_article(path: str | Path) -> Article:
    """Read one article file (``.md``/``.markdown``/``.txt`` or ``.json``)."""
    path = Path(path)
    raw = _read(path)
    if path.suffix.lower() == ".json" or raw.lstrip().startswith("{"):
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ArticleError(_("{path}: not valid JSON (line {line}: {problem})").format(
                path=path, line=exc.lineno, problem=exc.msg)) from exc
        except RecursionError:
            raise ArticleError(_("{path}: JSON nested too deeply to read (expected an object of article fields)").format(
                path=path)) from None
        except ValueError as exc:  # e.g. an integer with more digits than Python converts
            raise ArticleError(_("{path}: not valid JSON ({problem})").format(path=path, problem=_first_line(exc))) from exc
        if not isinstance(data, dict):
            raise ArticleError(_("{path}: expected a JSON object with a title, got {type}").format(
                path=path, type=type(data).__name__))
        return article_from_mapping(data, where=str(path))
    return _from_markdown(raw, path)


def article_from_mapping(data: Mapping[str, Any], *, where: str) -> Article:
    """Validate a mapping of article fields.  Unknown fields are ignored."""
    title = _text(data.get("title"), where, "title")
    if not title:
        raise ArticleError(_("{where}: missing title (expected a non-empty 'title' field)").format(where=where))
    body = data.get("body") or ""
    if not isinstance(body, str):
        raise ArticleError(_("{where}: body: expected text").format(where=where))
    return Article(
        title=title,
        url=_http_url(data.get("url"), where, "url"),
        summary=_text(data.get("summary"), where, "summary"),
        body=_checked(body.strip(), where, "body", CAPS["body"]),
        image=_http_url(data.get("image"), where, "image"),
        image_alt=_text(data.get("image_alt"), where, "image_alt"),
        tags=_tags(data.get("tags"), where),
        published=_when(data.get("published"), where),
        author=_text(data.get("author"), where, "author"),
        gallery=_gallery(data.get("gallery"), where),
        embargo=embargo.read(data.get("embargo"), where),
    )


def content_hash(article: Article) -> str:
    """A stable hash of everything a post could be made from."""
    doc: dict[str, Any] = {
        "title": article.title,
        "url": article.url,
        "summary": article.summary,
        "body": article.body,
        "image": article.image,
        "image_alt": article.image_alt,
        "tags": list(article.tags),
        "published": article.published.isoformat() if article.published else None,
        "author": article.author,
    }
    if article.gallery:  # only when present, so hashes from before galleries still match
        doc["gallery"] = [[m.url, m.alt] for m in article.gallery]
    if article.embargo:  # the same: a new embargo makes a new revision, which its queued posts follow
        when = article.embargo
        doc["embargo"] = (when.astimezone(dt.timezone.utc) if when.tzinfo else when).isoformat()
    return hashlib.sha256(json.dumps(doc, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _gallery(value: Any, where: str) -> tuple[Media, ...]:
    if value in (None, "", []):
        return ()
    if not isinstance(value, list):
        raise ArticleError(_("{where}: gallery: expected a list of image URLs or {{url, alt}} tables").format(where=where))
    if len(value) > MAX_GALLERY:
        raise ArticleError(_("{where}: gallery: {n} images, more than an article can have ({most})").format(
            where=where, n=len(value), most=MAX_GALLERY))
    images = []
    for i, item in enumerate(value, 1):
        key = f"gallery[{i}]"
        if isinstance(item, str):
            url, alt = _http_url(item, where, key, cap="image"), None
        elif isinstance(item, dict):
            url = _http_url(item.get("url"), where, f"{key}.url", cap="image")
            alt = _text(item.get("alt"), where, f"{key}.alt", cap="image_alt")
        else:
            raise ArticleError(_("{where}: {key}: expected an image URL or a {{url, alt}} table").format(where=where, key=key))
        if url is None:
            raise ArticleError(_("{where}: {key}: missing url").format(where=where, key=key))
        images.append(Media(url=url, alt=alt))
    return tuple(images)


def _read(path: Path) -> str:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ArticleError(_("{path}: file not found").format(path=path)) from None
    except OSError as exc:
        raise ArticleError(_("{path}: cannot be read ({reason})").format(path=path, reason=exc.strerror)) from exc
    if path.is_dir():
        raise ArticleError(_("{path}: is a folder, expected an article file (.md or .json)").format(path=path))
    if size == 0:
        raise ArticleError(_("{path}: file is empty (expected Markdown with front matter, or JSON)").format(path=path))
    if size > MAX_BYTES:
        raise ArticleError(_("{path}: file is {size} bytes, more than an article can be ({most})").format(
            path=path, size=size, most=MAX_BYTES))
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise ArticleError(_("{path}: looks like a binary file (expected UTF-8 text: Markdown or JSON)").format(path=path))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleError(_("{path}: not UTF-8 text (byte {byte}); expected Markdown or JSON").format(
            path=path, byte=exc.start)) from exc
    if not text.strip():
        raise ArticleError(_("{path}: file is empty (expected Markdown with front matter, or JSON)").format(path=path))
    return text


def _from_markdown(raw: str, path: Path) -> Article:
    import yaml  # deferred: only article loading needs it

    match = _FRONT.match(raw)
    if not match:
        if raw.lstrip().startswith("---"):
            raise ArticleError(_("{path}: front matter is not closed (expected a line '---' after it)").format(path=path))
        raise ArticleError(_("{path}: missing front matter (expected '---', YAML fields with a title, '---')").format(
            path=path))
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if mark is not None:
            raise ArticleError(_("{path}: malformed front matter line {line}: {problem}").format(
                path=path, line=mark.line + 2, problem=problem)) from exc
        raise ArticleError(_("{path}: malformed front matter: {problem}").format(path=path, problem=problem)) from exc
    except RecursionError:
        raise ArticleError(_("{path}: front matter nested too deeply to read (expected 'field: value' lines)").format(
            path=path)) from None
    except Exception as exc:  # noqa: BLE001 - a value Python cannot hold, or PyYAML tripping on odd input
        # (0000-01-01 is a YAML date but not Python's; "!!timestamp 'x'" raises AttributeError)
        raise ArticleError(_("{path}: malformed front matter: {problem}").format(path=path, problem=_first_line(exc))) from exc
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise ArticleError(_("{path}: malformed front matter: expected 'field: value' lines").format(path=path))
    data = dict(meta)
    data["body"] = raw[match.end():]
    return article_from_mapping(data, where=str(path))


def _text(value: Any, where: str, key: str, *, cap: str | None = None) -> str | None:
    """A text field, stripped (None when empty); ``cap`` names its entry in :data:`CAPS`."""
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = _number(value, where, key)
    if not isinstance(value, str):
        raise ArticleError(_("{where}: {key}: expected text, got {type}").format(where=where, key=key, type=type(value).__name__))
    return _checked(value.strip(), where, key, CAPS[cap or key]) or None


def _number(value: int | float, where: str, key: str) -> str:
    try:
        return str(value)
    except ValueError:  # an integer with more digits than Python converts
        raise ArticleError(_("{where}: {key}: expected text, got a number too long to read").format(
            where=where, key=key)) from None


def _checked(text: str, where: str, key: str, cap: int) -> str:
    """``text`` when it is at most ``cap`` characters and holds no control character."""
    if len(text) > cap:
        raise ArticleError(_("{where}: {key}: {n:,} characters, more than it can have ({most:,})").format(
            where=where, key=key, n=len(text), most=cap))
    bad = _CONTROL.search(text)
    if bad is not None:
        raise ArticleError(
            _("{where}: {key}: control character U+{code:04X} at character {at}"
              " (only tab and line breaks may appear in text)").format(
                where=where, key=key, code=ord(bad.group()), at=bad.start() + 1)
        )
    bad = _SURROGATE.search(text)
    if bad is not None:
        raise ArticleError(_("{where}: {key}: lone surrogate U+{code:04X} at character {at} (not text)").format(
            where=where, key=key, code=ord(bad.group()), at=bad.start() + 1))
    return text


def _tags(value: Any, where: str) -> tuple[str, ...]:
    tags = value or []
    if isinstance(tags, str):
        tags = [t for t in (s.strip() for s in tags.split(",")) if t]
    if not isinstance(tags, list) or not all(isinstance(t, (str, int, float)) for t in tags):
        raise ArticleError(_("{where}: tags: expected a list of words or a comma-separated string").format(where=where))
    if len(tags) > MAX_TAGS:
        raise ArticleError(_("{where}: tags: {n} tags, more than an article can have ({most})").format(
            where=where, n=len(tags), most=MAX_TAGS))
    words = (_number(t, where, "tags") if not isinstance(t, str) else t for t in tags)
    return tuple(_checked(w.strip(), where, "tags", CAPS["tag"]) for w in words if w.strip())


def _shown(text: str) -> str:
    """``text`` short enough to quote in a one-line message."""
    return text if len(text) <= 60 else text[:57] + "..."


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _http_url(value: Any, where: str, key: str, *, cap: str | None = None) -> str | None:
    text = _text(value, where, key, cap=cap)
    if text is None:
        return None
    if not re.match(r"^https?://[^\s/?#]+\.?[^\s]*$", text, re.I) or re.search(r"\s", text):
        raise ArticleError(_("{where}: {key}: {value!r} is not an http(s) URL").format(where=where, key=key, value=_shown(text)))
    return text


def _when(value: Any, where: str) -> dt.datetime | None:
    return field_time(
        value,
        not_iso=lambda text: ArticleError(
            _("{where}: published: {value!r} is not a date (expected ISO 8601, e.g. 2026-11-10T09:00+07:00)").format(
                where=where, value=_shown(text))),
        not_time=lambda kind: ArticleError(_("{where}: published: expected a date, got {type}").format(
            where=where, type=kind.__name__)),
        out_of_range=lambda year: ArticleError(_("{where}: published: year {year} is out of range ({first} to {last})").format(
            where=where, year=year, first=YEARS[0], last=YEARS[-1])))
