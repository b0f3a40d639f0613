"""``demo``: the whole job once, on embedded defaults, against an in-process sandbox."""

from __future__ import annotations

import os
import shutil
import tempfile
from importlib import resources
from pathlib import Path

import click

from channels.i18n import _, stored

from ..errors import RunFailed
from .output import table, wrapped

SAMPLE_ARTICLE = "contoh-artikel.md"
SAMPLE_IMAGE = "contoh-bendungan.jpg"


@click.command(help=_(
    "Run the main job once with no set-up: a temporary folder and SQLite database, the "
    "sandbox on a free port, the sample article (in Indonesian) previewed, scheduled now "
    "for X, Facebook and Instagram, published, and the results shown."))
@click.option("--keep", is_flag=True, help=_("Keep the temporary folder (config, database, media) and print its path."))
@click.pass_context
def demo(ctx: click.Context, keep: bool) -> None:
    # The demo is a world of its own: an operator's DISSEMINATOR_DATABASE (or any other
    # override) must not point it at the real database and its real accounts' posts.
    overrides = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("DISSEMINATOR_")}
    try:
        _run_demo(ctx, keep)
    finally:
        os.environ.update(overrides)


def _run_demo(ctx: click.Context, keep: bool) -> None:
    from ..sandbox import SandboxOptions, start_sandbox
    from .app import App

    work = Path(tempfile.mkdtemp(prefix="disseminator-demo-"))
    media = work / "media"
    media.mkdir()
    data = resources.files("disseminator") / "data"
    (media / SAMPLE_IMAGE).write_bytes((data / SAMPLE_IMAGE).read_bytes())
    server = start_sandbox(SandboxOptions(port=0, media_dir=str(media)))
    try:
        from ..starter import starter_config

        config = work / "disseminator.toml"
        config.write_text(starter_config(server.url), encoding="utf-8")
        article_text = (data / SAMPLE_ARTICLE).read_text(encoding="utf-8")
        # The sandbox plays the institution's web server too: it serves the image.
        article_text = article_text.replace("https://humas.example.go.id/media/bendungan.jpg", f"{server.url}/media/{SAMPLE_IMAGE}")
        article_path = work / SAMPLE_ARTICLE
        article_path.write_text(article_text, encoding="utf-8")

        click.echo(click.style(_("Sandbox running at {url}; working in {folder}").format(url=server.url, folder=work), dim=True))
        sub = App(str(config))
        ctx.obj = sub
        from ..bootstrap import upgrade_database
        from ..catalog import list_articles
        from ..listings import history
        from ..report import run_due
        from . import articles, posts, run
        from .output import Output
        from ..states import label as status_word

        click.echo(click.style(f"\n$ disseminator init --sandbox {server.url}", bold=True))
        click.echo(_("Wrote configuration {config} (accounts {accounts})").format(
            config=config, accounts=", ".join(sub.settings.account_names())))
        click.echo(_("Database is at schema {schema}").format(schema=upgrade_database(sub.settings.database)["schema"]))
        click.echo(click.style(f"\n$ disseminator article add {SAMPLE_ARTICLE}", bold=True))
        ctx.invoke(articles.add, paths=(str(article_path),))
        article_id = list_articles(sub.settings, sub.store)[-1]["id"]
        click.echo(click.style(f"\n$ disseminator preview {article_id}", bold=True))
        ctx.invoke(posts.preview, ref=str(article_id))
        click.echo(click.style(f"$ disseminator schedule {article_id} --now", bold=True))
        ctx.invoke(posts.schedule, refs=(str(article_id),), now=True)
        click.echo(click.style("\n$ disseminator run-due", bold=True))
        run.say(run_due(sub.settings, sub.store), Output())  # failures show in the table below
        rows = history(sub.settings, sub.store, "all")
        click.echo(click.style("\n" + _("Results"), bold=True))
        headers = [_("POST"), _("ACCOUNT"), _("CHANNEL"), _("STATUS"), _("REMOTE ID"), _("URL")]
        click.echo(table([(r["id"], r["account"], r["channel"], status_word(r["status"]), ", ".join(r["remote_ids"]),
                           r["remote_url"] or stored(r["error"] or ""))
                          for r in rows], headers, wrap=(headers[4], headers[5])))
        click.echo("\n" + wrapped(_("The sandbox holds {n} post(s). It stops with the demo, so the links above "
                                    "end here; to keep one running, see 'Try it by hand' in the README.").format(
            n=len(server.posts()))))
        sub.close()
        if not all(r["status"] == "published" for r in rows):
            raise RunFailed([_("the demo did not publish every post; see the table above")])
    finally:
        server.stop()
        if keep:
            click.echo(wrapped(_("Kept {folder} (its accounts point at the stopped sandbox {url}; "
                                 "start one there with: disseminator sandbox --port {port} --media-dir {media})").format(
                folder=work, url=server.url, port=server.url.rsplit(":", 1)[1], media=work / "media")))
        else:
            shutil.rmtree(work, ignore_errors=True)
