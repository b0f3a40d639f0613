"""``article add | list | show``: see :mod:`disseminator.catalog`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from channels.i18n import N_, _

from ..views import ARTICLE_COLUMNS, show_human
from . import Group, several
from .output import Output, output_options, table, wrapped

if TYPE_CHECKING:
    from .app import App

#: An article's fields as ``article show`` names them (and a revision's changes).
FIELD_LABELS = {
    "id": N_("id"), "title": N_("title"), "url": N_("url"), "summary": N_("summary"), "body": N_("body"),
    "image": N_("image"), "image_alt": N_("image_alt"), "gallery": N_("gallery"), "tags": N_("tags"),
    "author": N_("author"), "published": N_("published"), "source": N_("source"), "revision": N_("revision"),
    "embargo": N_("embargo"), "fetched_at": N_("fetched"),
}


def field_label(key: str) -> str:
    """The name of an article's field ``key`` in the current language."""
    return _(FIELD_LABELS[key]) if key in FIELD_LABELS else key


@click.group(cls=Group, help=_("Add, list and show articles."))
def article() -> None:
    pass


@article.command("add", help=_(
    "Read article files (Markdown with front matter, or JSON) or web pages (an http(s) URL: "
    "title, summary, image and text are read from the page) into the database.\n\n"
    "Every file and page is checked first; if any is bad, none is added. A page added again "
    "after it changed becomes a new revision."))
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=True, path_type=str),
                metavar=several(_("PATH_OR_URL")))
@click.option("--embargo", metavar=_("WHEN"),
              help=_("Not before: no post of these articles goes out earlier, whatever its schedule says "
                     "('2026-12-01 09:00', 'besok 09:00'); replaces the files' own 'embargo'."))
@output_options(json_help=_("Print {fields}.").format(fields='[{"id", "title"}]'))
@click.pass_obj
def add(app: App, paths: tuple[str, ...], embargo: str | None, output: Output) -> None:
    from ..catalog import add_articles
    from ..embargo import parse_option

    results = add_articles(app.settings, app.store, list(paths),
                           embargo=parse_option(embargo, app.settings.tz, app.store.clock.now()) if embargo else None)
    if output.structured:
        output.emit(results)
        return
    for r in results:
        revised = r.get("revision")
        if revised is None:
            added = _("Added article {id}: {title}") if r["created"] else _("Already have article {id}: {title}")
            click.echo(added.format(id=r["id"], title=r["title"]))
            continue
        changed = ", ".join(field_label(f) for f in revised["changed"]) or _("nothing visible")
        click.echo(_("Article {id} is now revision {revision} (changed: {changed}): {title}").format(
            id=r["id"], revision=revised["revision"], changed=changed, title=r["title"]))
        if "embargo" in revised["changed"]:
            click.echo("  " + (_("embargo until {when}: its queued posts wait for it").format(
                when=show_human(r["embargo"], app.settings.tz)) if r["embargo"]
                else _("embargo lifted: its queued posts go at their own time")))
        if revised["updated_posts"]:
            ids = ", ".join(str(i) for i in revised["updated_posts"])
            click.echo("  " + _("posts {ids} now carry the new text").format(ids=ids))
        _notes(revised["kept"], revised["published_before"])


@article.command("alt", help=_(
    "Give an article's image its alt text (what the image shows, for people who cannot see "
    "it): the article's next revision, which its posts not yet out carry.\n\n"
    "A post waiting for it (an image without alt text cannot be approved) is then approved "
    "with 'disseminator approve POST_ID'."))
@click.argument("article_id", type=int, metavar=_("ARTICLE_ID"))
@click.argument("text", metavar=_("TEXT"))
@output_options(json_help=_("Print {fields}.").format(
    fields='{"article_id", "revision", "changed", "updated_posts", "kept", "published_before"}'))
@click.pass_obj
def alt(app: App, article_id: int, text: str, output: Output) -> None:
    from ..alt_text import set_alt

    revised = set_alt(app.settings, app.store, article_id, text)
    if output.structured:
        output.emit(revised.as_dict())
        return
    if not revised.changed:
        click.echo(_("Article {id} (revision {revision}) already has this alt text: nothing changed").format(
            id=article_id, revision=revised.revision))
        return
    click.echo(_("Article {id} (revision {revision}): its image has alt text").format(
        id=article_id, revision=revised.revision))
    if revised.updated:
        click.echo("  " + _("posts {ids} now carry it").format(ids=", ".join(str(i) for i in revised.updated)))
    waiting = [i for i in revised.updated
               if str(getattr(app.store.post(i).status, "value", "")) == "awaiting_approval"]
    if waiting:
        ids = " ".join(str(i) for i in waiting)
        click.echo("  " + _("they go once approved: 'disseminator approve {ids}'").format(ids=ids))
    _notes(revised.kept, revised.published)


def _notes(kept: list[str], published: list[str]) -> None:
    """A revision's warnings (posts that keep their text) and notes (posts already out),
    folded to the terminal's width under their two-space indent."""
    for line in kept:
        click.echo(wrapped("  " + _("warning: {line}").format(line=line), indent=4), err=True)
    for line in published:
        click.echo(wrapped("  " + _("note: {line}").format(line=line), indent=4))


@article.command("list", help=_("List stored articles."))
@output_options(csv_columns=ARTICLE_COLUMNS)
@click.pass_obj
def list_(app: App, output: Output) -> None:
    from ..catalog import list_articles

    rows = list_articles(app.settings, app.store)
    if output.structured:
        output.emit(rows)
        return
    if not rows:
        click.echo(_("No articles yet: disseminator article add FILE"))
        return
    headers = [_("ID"), _("TITLE"), _("URL"), _("TAGS")]
    click.echo(table([(r["id"], r["title"], r["url"] or "", len(r["tags"] or [])) for r in rows],
                     headers, wrap=(headers[1], headers[2])))


@article.command("show", help=_("Show one article, with its revisions and what each changed."))
@click.argument("article_id", type=int, metavar=_("ARTICLE_ID"))
@output_options()
@click.pass_obj
def show_(app: App, article_id: int, output: Output) -> None:
    from ..catalog import show_article

    data = show_article(app.settings, app.store, article_id)
    if output.structured:
        output.emit(data)
        return
    keys = ("id", "title", "url", "summary", "image", "image_alt", "gallery", "tags", "author", "published", "embargo",
            "source", "fetched_at", "revision")
    labels = {key: field_label(key) for key in keys}
    width = max(10, *(len(label) for label in labels.values()))
    for key in keys:
        value = data[key]
        if key == "gallery" and value:
            value = [g["url"] for g in value]
        if value:
            click.echo(f"{labels[key]:>{width}}: {', '.join(value) if isinstance(value, list) else value}")
    if data["body"]:
        click.echo("")
        click.echo(data["body"])
    if len(data["revisions"]) > 1:
        click.echo("")
        for r in data["revisions"]:
            if r["changed"]:
                line = _("revision {revision} ({at}): changed: {changed}").format(
                    revision=r["revision"], at=r["at"], changed=", ".join(field_label(f) for f in r["changed"]))
            else:
                line = _("revision {revision} ({at}): first version").format(revision=r["revision"], at=r["at"])
            click.echo(line)
