"""The ``disseminator`` command: a thin client of the library.

Each command parses its options, calls one library function, and prints; errors the
library raises are turned into ``error: ...`` lines and an exit status by :func:`main`
alone.  Commands are imported when run, so ``disseminator --help`` stays fast.
"""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Callable
from datetime import tzinfo
from typing import TYPE_CHECKING, Any

import click

from channels.i18n import N_, _

if TYPE_CHECKING:
    from ..errors import UserError

#: name -> (module:attribute, one-line help shown by --help without importing the module;
#: marked here, translated when shown)
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("disseminator.cli.setup:init", N_("Write a starter config (if none) and create or upgrade the database.")),
    "db": ("disseminator.cli.setup:db", N_("Database maintenance (upgrade, current).")),
    "article": ("disseminator.cli.articles:article", N_("Add, list and show articles.")),
    "preview": ("disseminator.cli.posts:preview", N_("Show what each account would post for an article.")),
    "schedule": ("disseminator.cli.posts:schedule", N_("Queue an article's posts for its accounts.")),
    "queue": ("disseminator.cli.listing:queue_cmd", N_("List queued posts.")),
    "reschedule": ("disseminator.cli.changes:reschedule", N_("Move scheduled posts to another time.")),
    "edit": ("disseminator.cli.changes:edit", N_("Change the text of a scheduled post.")),
    "retry": ("disseminator.cli.changes:retry", N_("Send failed posts again.")),
    "cancel": ("disseminator.cli.changes:cancel", N_("Cancel scheduled posts (several, or all of an article).")),
    "approve": ("disseminator.cli.approval:approve", N_("Approve posts awaiting approval (they are then scheduled).")),
    "reject": ("disseminator.cli.approval:reject", N_("Reject posts awaiting approval, with a reason (cancelled).")),
    "unpublish": ("disseminator.cli.unpublish:unpublish", N_("Delete published posts from their networks (withdrawn).")),
    "post": ("disseminator.cli.post:post", N_("Show one post with every call made for it.")),
    "history": ("disseminator.cli.listing:history", N_("Published, failed, cancelled and withdrawn posts.")),
    "run-due": ("disseminator.cli.run:run_due", N_("Publish every due post once, then exit (cron mode).")),
    "daemon": ("disseminator.cli.daemon:daemon", N_("Publish due posts continuously until stopped.")),
    "status": ("disseminator.cli.status:status", N_("Daemons, the queue by account, what waits; exit 1 on a problem.")),
    "accounts": ("disseminator.cli.accounts:accounts", N_("List, check, pause and resume accounts.")),
    "pause": ("disseminator.cli.pauses:pause", N_("Pause one account, or every account with --all.")),
    "resume": ("disseminator.cli.pauses:resume", N_("End a pause of one account, or of every account with --all.")),
    "feeds": ("disseminator.cli.feeds:feeds", N_("Follow RSS and Atom feeds: new entries become articles and posts.")),
    "record": ("disseminator.cli.record:record", N_("The publication record: verify it, export it, show a post's.")),
    "metrics": ("disseminator.cli.engagement:metrics", N_("Read the engagement figures of published posts that are due.")),
    "report": ("disseminator.cli.engagement:report", N_("Write a month's dissemination report: HTML with charts, and CSV.")),
    "alerts": ("disseminator.cli.alerts:alerts", N_("Send a test alert, check for alerts now, list recent alerts.")),
    "officers": ("disseminator.cli.officers:officers", N_("List officers; set an officer's password for the web page.")),
    "web": ("disseminator.cli.web:web", N_("Serve the web page for officers (calendar, queue, approval, report).")),
    "sandbox": ("disseminator.sandbox.cli:sandbox_command", N_("Run the local X/Facebook/Instagram API sandbox.")),
    "demo": ("disseminator.cli.demo:demo", N_("Run the whole job once on embedded defaults and the sandbox.")),
}

#: The help of :func:`cli` and of its options.  This module is imported before the language
#: is chosen (:func:`main` chooses it), so they are marked here and translated when shown.
HELP = N_("Disseminator: one article to X, Facebook and Instagram, on time, exactly once.")
CONFIG_HELP = N_("Configuration file (default: $DISSEMINATOR_CONFIG, ./disseminator.toml, ~/.config/disseminator/config.toml).")
DEBUG_HELP = N_("Log every step and show tracebacks.")
LOG_FORMAT_HELP = N_("Log lines as 'text', or as 'json': one JSON object a line for log collectors "
                     "(default: $DISSEMINATOR_LOG_FORMAT, else 'text').")
LOG_FORMAT_METAVAR = N_("FORMAT")
VERSION_HELP = N_("Show the version and exit.")
AS_HELP = N_("Act as this officer ([officers.NAME]; only where the configuration sets allow_as = true).")
AS_METAVAR = N_("NAME")
CONFIG_METAVAR = N_("PATH")
#: Click's word after the help of a required option ("[required]"): click looks it up in
#: the catalogs but does not mark it, so it is marked here.
REQUIRED = N_("required")


def localise(command: click.Command) -> click.Command:
    """``command`` (and its sub-commands) with click's words of the usage line, "[OPTIONS]"
    and "COMMAND [ARGS]...", in the current language: click sets them in English."""
    if command.options_metavar:
        command.options_metavar = _("[OPTIONS]")
    if isinstance(command, click.Group):
        command.subcommand_metavar = _("COMMAND [ARGS]...")
        for sub in command.commands.values():
            localise(sub)
    return command


def several(metavar: str, *, required: bool = True) -> str:
    """The metavar of an argument taking several values, as click draws it (``POST_IDS...``,
    ``[NAME]...``): click adds neither mark to a metavar it is given."""
    return (metavar if required else "[" + metavar + "]") + "..."


class LateHelpOption(click.Option):
    """An option of :func:`cli`, whose help and metavar (marked constants) are translated when shown."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.msgid = self.help
        self.metavar_msgid = self.metavar

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        self.help = _(self.msgid) if self.msgid else self.msgid
        self.metavar = _(self.metavar_msgid) if self.metavar_msgid else self.metavar_msgid
        return super().get_help_record(ctx)


class Group(click.Group):
    """A group whose unknown command is one line with the nearest name, if one is close:
    ``no command 'schedul'; did you mean 'schedule'?`` (:func:`main` adds where to look)."""

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple[str | None, click.Command | None, list[str]]:
        name = click.utils.make_str(args[0]) if args else ""
        if name and not name.startswith("-") and not ctx.resilient_parsing and self.get_command(ctx, name) is None:
            import difflib

            close = difflib.get_close_matches(name, self.list_commands(ctx), n=1, cutoff=0.6)
            message = (_("no command {name!r}; did you mean {close!r}?").format(name=name, close=close[0]) if close
                       else _("no command {name!r}").format(name=name))
            raise click.UsageError(message, ctx=ctx)
        return super().resolve_command(ctx, args)


class LazyGroup(Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, _sep, attr = COMMANDS[name][0].partition(":")
        from .roles import guarded  # the officer's roles are checked when the command runs

        return guarded(localise(getattr(importlib.import_module(module), attr)), name)

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        localise(self)  # the group's own usage line: see localise
        return super().collect_usage_pieces(ctx)

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self.help = _(HELP)  # translated when shown: see HELP
        super().format_help_text(ctx, formatter)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # The listing uses the static one-liners, so --help imports no command module.
        with formatter.section(_("Commands")):
            formatter.write_dl([(name, _(text)) for name, (_where, text) in COMMANDS.items()])


def _version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """``--version``, as click's version option says it, but in the language chosen when
    it runs (click's own option takes its words when this module is imported)."""
    if not value or ctx.resilient_parsing:
        return
    from importlib.metadata import version

    click.echo(_("%(prog)s, version %(version)s") % {"prog": ctx.find_root().info_name, "version": version("disseminator")})
    ctx.exit()


@click.group(cls=LazyGroup, help=HELP, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", metavar=CONFIG_METAVAR, envvar="DISSEMINATOR_CONFIG", cls=LateHelpOption,
              help=CONFIG_HELP)
@click.option("--debug", is_flag=True, cls=LateHelpOption, help=DEBUG_HELP)
@click.option("--log-format", type=click.Choice(["text", "json"]), default="text", envvar="DISSEMINATOR_LOG_FORMAT",
              metavar=LOG_FORMAT_METAVAR, cls=LateHelpOption, help=LOG_FORMAT_HELP)
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_version, cls=LateHelpOption,
              help=VERSION_HELP)
@click.option("--as", "as_officer", metavar=AS_METAVAR, cls=LateHelpOption, help=AS_HELP)
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, debug: bool, log_format: str, as_officer: str | None) -> None:
    """The group: every command gets the App (the help click shows is HELP, translated)."""
    from .app import App

    ctx.obj = App(config_path, as_officer=as_officer)
    _configure_logging(debug, ctx.obj, json_lines=log_format == "json")
    ctx.call_on_close(ctx.obj.close)
    ctx.meta["debug"] = debug


def _configure_logging(debug: bool, app: object = None, *, json_lines: bool = False) -> None:
    """Logging is configured here only; every handler redacts secrets: the configured
    accounts' (``Settings.redactor``) once the command has read the configuration (before
    that no credential is in the process), token parameters always."""
    from channels.redact import RedactingFilter  # not channels.http: that imports requests

    settings = lambda: getattr(app, "_settings", None)  # noqa: E731 - a log line never loads the config
    redacting = RedactingFilter(lambda: getattr(settings(), "redactor", None))
    handler = logging.StreamHandler(sys.stderr)
    # In the configured zone once it is read (the machine's before), with the offset, so a
    # server's UTC clock does not put the daemon's lines hours away from the queue's times.
    zone = lambda: getattr(settings(), "tz", None)  # noqa: E731
    handler.setFormatter(JsonFormatter(zone) if json_lines else ZonedFormatter(zone))
    handler.addFilter(redacting)
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_disseminator", False)]:
        root.removeHandler(old)
    handler._disseminator = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if debug else logging.WARNING)
    for h in root.handlers:  # handlers someone else installed must not leak either
        if not any(isinstance(f, RedactingFilter) for f in h.filters):
            h.addFilter(redacting)


class ZonedFormatter(logging.Formatter):
    """``2026-11-30T09:00:00+0700 LEVEL logger message``, the time in the zone ``zone()``
    gives (the settings' ``timezone``), or the machine's while there is none."""

    def __init__(self, zone: Callable[[], tzinfo | None]) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s", datefmt="%Y-%m-%dT%H:%M:%S%z")
        self._zone = zone

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802 - logging's name
        import datetime as dt

        when = dt.datetime.fromtimestamp(record.created, self._zone() or dt.datetime.now().astimezone().tzinfo)
        return when.strftime(datefmt or self.default_time_format)


class JsonFormatter(ZonedFormatter):
    """One JSON object a line for log collectors (``--log-format json``): ``time`` (ISO 8601
    in the configured zone), ``level``, ``logger``, ``message`` (already redacted by the
    handler's filter) and ``exception`` when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        import json

        line = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"), "level": record.levelname,
                "logger": record.name, "message": record.getMessage()}
        # The redacting filter has already turned a traceback into (redacted) text.
        exception = record.exc_text or (self.formatException(record.exc_info) if record.exc_info else None)
        if exception:
            line["exception"] = exception
        return json.dumps(line, ensure_ascii=False)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI and return its exit status.

    The one place where errors become output: each line of a
    :class:`~disseminator.errors.UserError` is printed as ``error: ...`` and its class's
    ``exit_code`` returned; commands and the library never exit the process.
    """
    from ..errors import RunFailed, UserError

    args = list(argv if argv is not None else sys.argv[1:])
    debug = "--debug" in args
    _choose_language(args)
    try:
        result = cli.main(args=argv, prog_name="disseminator", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo(_("Aborted."), err=True)
        return 130
    except click.UsageError as exc:
        # One line, like every other error; the command's --help has the details.
        where = f"disseminator {exc.ctx.command_path.split(' ', 1)[1]}" if exc.ctx and " " in exc.ctx.command_path else "disseminator"
        told = _("{message} (see '{where} --help')").format(message=exc.format_message(), where=where)
        click.echo(_("error: {message}").format(message=told), err=True)
        return exc.exit_code
    except click.ClickException as exc:
        click.echo(_("error: {message}").format(message=exc.format_message()), err=True)
        return exc.exit_code
    except RunFailed as exc:  # the work ran and said what failed: no traceback, even with --debug
        _say(exc)
        return exc.exit_code
    except UserError as exc:
        if debug:
            raise
        _say(exc)
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo(_("Interrupted."), err=True)
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence prints one line
        if debug:
            raise
        from channels.http import RedactingFilter, redact

        text = redact(str(exc))  # with the configured secrets too, as the log handlers hide them
        for hide in [f for h in logging.getLogger().handlers for f in h.filters if isinstance(f, RedactingFilter)][:1]:
            text = hide.redact(text)
        told = _("unexpected {kind}: {detail} (run with --debug for details)").format(kind=type(exc).__name__, detail=text[:300])
        click.echo(_("error: {message}").format(message=told), err=True)
        return 1
    # --help and --version end in click's Exit, whose status click returns here.
    return result if isinstance(result, int) else 0


def _choose_language(args: list[str]) -> None:
    """Speak the language the configuration or the locale asks for, before click parses
    anything: the help text and click's own words are in it too."""
    import os

    from channels import i18n

    from ..config import configured_language

    explicit = None
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--config" and i + 1 < len(args):
            explicit = args[i + 1]
        elif arg.startswith("--config="):
            explicit = arg.split("=", 1)[1]
        elif not arg.startswith("-"):
            break  # the command's name: global options come before it
        i += 2 if arg in ("--config", "--log-format", "--as") else 1  # past an option's value
    i18n.use(i18n.choose(configured_language(explicit), os.environ))


def _say(exc: UserError) -> None:
    for line in exc.lines:
        click.echo(_("error: {message}").format(message=line), err=True)
