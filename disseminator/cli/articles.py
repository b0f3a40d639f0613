"""``article add | list | show``: see :mod:`disseminator.catalog`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ..views import ARTICLE_COLUMNS
from . import Group
from .output import Output, output_options, table

if TYPE_CHECKING:
    from .app import App


@click.group(cls=Group)
def article() -> None:
    """Add, list and show articles."""


@article.command("add")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=True, path_type=str))
@output_options(json_help='Print [{"id", "title"}].')
@click.pass_obj
def add(app: App, paths: tuple[str, ...], output: Output) -> None:
    """Read article files (Markdown with front matter, or JSON) into the database.

    Every file is checked first; if any is bad, none is added.
    """
    from ..catalog import add_articles

    results = add_articles(app.settings, app.store, list(paths))
    if output.structured:
        output.emit(results)
        return
    for r in results:
        revised = r.get("revision")
        if revised is None:
            click.echo(f"{'Added' if r['created'] else 'Already have'} article {r['id']}: {r['title']}")
            continue
        changed = ", ".join(revised["changed"]) or "nothing visible"
        click.echo(f"Article {r['id']} is now revision {revised['revision']} (changed: {changed}): {r['title']}")
        if revised["updated_posts"]:
            ids = ", ".join(str(i) for i in revised["updated_posts"])
            click.echo(f"  posts {ids} now carry the new text")
        for line in revised["kept"]:
            click.echo(f"  warning: {line}", err=True)
        for line in revised["published_before"]:
            click.echo(f"  note: {line}")


@article.command("list")
@output_options(csv_columns=ARTICLE_COLUMNS)
@click.pass_obj
def list_(app: App, output: Output) -> None:
    """List stored articles."""
    from ..catalog import list_articles

    rows = list_articles(app.settings, app.store)
    if output.structured:
        output.emit(rows)
        return
    if not rows:
        click.echo("No articles yet: disseminator article add FILE")
        return
    click.echo(table([(r["id"], r["title"], r["url"] or "", len(r["tags"] or [])) for r in rows],
                     ["ID", "TITLE", "URL", "TAGS"], wrap=("TITLE", "URL")))


@article.command("show")
@click.argument("article_id", type=int)
@output_options()
@click.pass_obj
def show_(app: App, article_id: int, output: Output) -> None:
    """Show one article, with its revisions and what each changed."""
    from ..catalog import show_article

    data = show_article(app.settings, app.store, article_id)
    if output.structured:
        output.emit(data)
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
    if len(data["revisions"]) > 1:
        click.echo("")
        for r in data["revisions"]:
            what = f"changed: {', '.join(r['changed'])}" if r["changed"] else "first version"
            click.echo(f"revision {r['revision']} ({r['at']}): {what}")
