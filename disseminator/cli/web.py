"""``web``: serve the web page for officers (see :mod:`disseminator.web`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from channels.i18n import _

from ..setting_ranges import WEB
from .ranged import RangeParam

if TYPE_CHECKING:
    from .app import App


@click.command(help=_("Serve the web page for officers: queue, history, accounts, holds and the monthly report, "
                      "with logins ([officers.NAME] and 'officers passwd'). Ctrl-C stops it."))
@click.option("--host", metavar=_("HOST"),
              help=_("The address to listen on (default: web.host, 127.0.0.1: this machine only; another "
                     "address only behind a firewall or an https proxy)."))
@click.option("--port", type=RangeParam(WEB["port"]), metavar=_("PORT"),
              help=_("The port to listen on (default: web.port, 8080)."))
@click.pass_obj
def web(app: App, host: str | None, port: int | None) -> None:
    import signal

    from ..web.server import make, url

    settings = app.settings
    server = make(settings, app.store, host or settings.web.host, int(port) if port is not None else settings.web.port)

    def stop(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    click.echo(_("Web page at {url}; Ctrl-C to stop").format(url=url(server)), err=True)
    server.serve_forever()  # ends on KeyboardInterrupt (Ctrl-C, SIGTERM) and closes the socket
    click.echo(_("Web page stopped"), err=True)
