"""``article add | list | show``."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import click

from .output import emit_json, table

if TYPE_CHECKING:
    import datetime as dt

    from channels.base import Article

    from ..store import ArticleRow
    from .app import App


@click.group()
def article() -> None:
    """Add, list and show articles."""


@article.command("add")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=True, path_type=str))
@click.option("--json", "as_json", is_flag=True, help='Print [{"id", "title"}].')
@click.pass_obj
def add(app: App, paths: tuple[str, ...], as_json: bool) -> None:
    """Read article files (Markdown with front matter, or JSON) into the database.

    Every file is checked first; if any is bad, none is added.
    """
    from ..articles import content_hash, load_article
    from ..errors import ArticleError

    loaded = []
    problems = []
    for path in paths:
        try:
            loaded.append((path, _localise(load_article(path), app.settings.tz)))
        except ArticleError as exc:
            problems.append(exc.message)
    if problems:
        for line in problems[:-1]:
            click.echo(f"error: {line}", err=True)
        raise ArticleError(problems[-1] + (" (no article was added)" if len(paths) > 1 else ""))
    results = []
    for path, art in loaded:
        article_id, created = app.store.add_article(art, source=path, content_hash=content_hash(art))
        results.append({"id": article_id, "title": art.title, "created": created})
    if as_json:
        emit_json(results)
        return
    for r in results:
        click.echo(f"{'Added' if r['created'] else 'Already have'} article {r['id']}: {r['title']}")


def _localise(art: Article, tz: dt.tzinfo) -> Article:
    if art.published is not None and art.published.tzinfo is None:
        return dataclasses.replace(art, published=art.published.replace(tzinfo=tz))
    return art


def article_json(app: App, row: ArticleRow) -> dict[str, Any]:
    from ..timeparse import show

    return {
        "id": row.id,
        "title": row.title,
        "url": row.url,
        "summary": row.summary,
        "image": row.image,
        "image_alt": row.image_alt,
        "gallery": row.gallery or [],
        "tags": row.tags,
        "author": row.author,
        "published": show(row.published_at, app.settings.tz) or None,
        "source": row.source,
        "revision": row.revision,
        "body": row.body,
    }


@article.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_obj
def list_(app: App, as_json: bool) -> None:
    """List stored articles."""
    rows = app.store.articles()
    if as_json:
        emit_json([{k: v for k, v in article_json(app, r).items() if k != "body"} for r in rows])
        return
    if not rows:
        click.echo("No articles yet: disseminator article add FILE")
        return
    click.echo(table([(r.id, r.title if len(r.title) <= 60 else r.title[:59].rstrip() + "…", r.url or "", len(r.tags or []))
                      for r in rows], ["ID", "TITLE", "URL", "TAGS"]))


@article.command("show")
@click.argument("article_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_obj
def show_(app: App, article_id: int, as_json: bool) -> None:
    """Show one article."""
    data = article_json(app, app.store.article(article_id))
    if as_json:
        emit_json(data)
        return
    for key in ("id", "title", "url", "summary", "image", "image_alt", "gallery", "tags", "author", "published", "source", "revision"):
        value = data[key]
        if key == "gallery" and value:
            value = [g["url"] for g in value]
        if value:
            click.echo(f"{key:>10}: {', '.join(value) if isinstance(value, list) else value}")
    if data["body"]:
        click.echo("")
        click.echo(data["body"])
