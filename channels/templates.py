"""Post text from Jinja2 templates: one default per channel, overridable per account.

Templates are written by whoever edits the configuration, not by us, so they render in
Jinja's sandbox (no ``''.__class__.__mro__`` walks, no changing the lists we pass in)
with ``StrictUndefined`` (a misspelt variable is an error, not an empty string) and
autoescape off (posts are plain text, not HTML).

Every failure is a :class:`TemplateProblem` that names the template file and line, so
``check_template`` can report it when the configuration is checked, before anything is
queued.

Where the defaults live: ``config/templates/*.j2`` in the source tree. A wheel ships them
as package data of ``channels.default_templates`` (a symlink to ``config/templates`` in
the checkout, which setuptools follows when building); a checkout without symlinks falls
back to ``config/templates`` next to the package.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import traceback
from collections.abc import Callable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .i18n import _

if TYPE_CHECKING:
    from jinja2 import Environment, Template

#: Channels with a default template.
DEFAULT_CHANNELS = ("twitter", "facebook", "instagram", "telegram", "threads", "bluesky", "mastodon")

#: Every variable a template may use, with the value it has when the caller omits it.
TEMPLATE_VARIABLES: Mapping[str, Any] = {
    "title": "",
    "summary": "",
    "body": "",
    "link": "",
    "hashtags": (),
    "hashtags_text": "",
    "tags": (),
    "author": "",
    "published": None,
    "account": "",
    "link_phrase": "",
}

_SAMPLE_FULL: Mapping[str, Any] = {
    "title": "Presiden Resmikan Bendungan Baru di Jawa Tengah",
    "summary": "Bendungan ini akan mengairi 5.000 hektare sawah.",
    "body": "Paragraf pertama.\n\nParagraf kedua.",
    "link": "https://setkab.go.id/berita/bendungan?utm_source=x",
    "hashtags": ("#Bendungan", "#JawaTengah"),
    "hashtags_text": "#Bendungan #JawaTengah",
    "tags": ("bendungan", "Jawa Tengah"),
    "author": "Humas Setkab",
    "published": dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))),
    "account": "setkab_x",
    "link_phrase": "Tautan di bio",
}
_SAMPLE_MINIMAL: Mapping[str, Any] = {"title": "Siaran Pers"}

_DEFAULT_DISPLAY = "config/templates/{channel}.j2"
_BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember")


class TemplateProblem(ValueError):
    """A template cannot be read, parsed or rendered.

    The message reads ``template <file>, line <n>: <what>``; ``template`` and ``line``
    are also attributes (``line`` is None when no line applies).
    """

    def __init__(self, what: str, *, template: str, line: int | None = None) -> None:
        self.template = template
        self.line = line
        self.what = what
        # One line for the terminal, whatever Jinja or the template put in the message.
        what = " ".join(what.split())
        if line:
            message = _("template {template}, line {line}: {what}").format(template=template, line=line, what=what)
        else:
            message = _("template {template}: {what}").format(template=template, what=what)
        super().__init__(message)


def default_template_source(channel: str) -> str:
    """The text of ``channel``'s default template, read each time (compiling, the costly
    part, is cached by source; a cache here would also hide which copy was read).

    Raises :class:`TemplateProblem` when the channel has no default template.
    """
    display = _DEFAULT_DISPLAY.format(channel=channel)
    if channel not in DEFAULT_CHANNELS:
        raise TemplateProblem(
            _("no default template for channel {channel!r}; set a template for the account").format(channel=channel),
            template=display,
        )
    packaged = resources.files("channels") / "default_templates" / f"{channel}.j2"
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    checkout = Path(__file__).resolve().parents[1] / "config" / "templates" / f"{channel}.j2"
    try:
        return checkout.read_text(encoding="utf-8")
    except OSError as exc:
        raise TemplateProblem(_("default template is missing from this installation"), template=display) from exc


def render_template(
    channel: str,
    variables: Mapping[str, Any],
    *,
    override: str | None = None,
    search_dirs: Sequence[Path] = (),
) -> str:
    """Render ``channel``'s post text from its template.

    ``override`` is an account's own template path; a relative one is looked up in
    ``search_dirs`` (the configuration file's folder), or the working directory when
    none are given. Variables not passed get the empty values in
    :data:`TEMPLATE_VARIABLES`; ``hashtags_text`` defaults to the hashtags joined by
    spaces. The result has lines right-stripped, at most one blank line in a row, and no
    leading or trailing blank lines. Raises :class:`TemplateProblem` when the template
    is missing, unreadable, has a syntax error, uses an unknown variable, or does
    something the sandbox forbids.
    """
    return load_template(channel, override=override, search_dirs=search_dirs)(variables)


def load_template(
    channel: str, *, override: str | None = None, search_dirs: Sequence[Path] = ()
) -> Callable[[Mapping[str, Any]], str]:
    """Find and compile a template once; the returned function renders it as
    :func:`render_template` does.  Raises :class:`TemplateProblem` as it does."""
    display, source = _locate(channel, override, search_dirs)
    template = _compile(display, source)
    from . import template_limits as limits

    def render(variables: Mapping[str, Any]) -> str:
        values = dict(TEMPLATE_VARIABLES)
        values.update(variables)
        if "hashtags_text" not in variables and values["hashtags"]:
            values["hashtags_text"] = " ".join(values["hashtags"])
        try:
            text = limits.render(template, values)
        except Exception as exc:  # anything the template does wrong is the template's problem
            raise TemplateProblem(_describe(exc), template=display, line=_template_line(exc, display)) from exc
        return _tidy(text)

    return render


def check_template(
    channel: str, *, override: str | None = None, search_dirs: Sequence[Path] = ()
) -> None:
    """Check a template before anything is queued: it must parse and render.

    It is rendered with a full sample article and a minimal one (title only), so a
    template that breaks on a missing summary or date is caught too. Raises
    :class:`TemplateProblem` as :func:`render_template` does.
    """
    for sample in (_SAMPLE_FULL, _SAMPLE_MINIMAL):
        render_template(channel, sample, override=override, search_dirs=search_dirs)


# --------------------------------------------------------------------------- internals


def _locate(channel: str, override: str | None, search_dirs: Sequence[Path]) -> tuple[str, str]:
    """Return (name to show in messages, template text)."""
    if not override:
        return _DEFAULT_DISPLAY.format(channel=channel), default_template_source(channel)
    path = Path(override).expanduser()
    candidates = [path] if path.is_absolute() else [Path(d) / path for d in search_dirs] or [path]
    for candidate in candidates:
        if candidate.is_file():
            try:
                return override, candidate.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise TemplateProblem(_("cannot be read ({error})").format(error=exc), template=override) from exc
    looked = ", ".join(str(c) for c in candidates)
    raise TemplateProblem(_("file not found (looked for {looked})").format(looked=looked), template=override)


@functools.lru_cache(maxsize=1)
def _environment() -> Environment:
    from jinja2 import StrictUndefined

    from .template_limits import LimitedEnvironment

    # Immutable (a template cannot .append() to the hashtags list the caller passed) and
    # limited in time, output and the size of what it builds (template_limits).
    env = LimitedEnvironment(
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.add_filter("tanggal", tanggal)
    return env


@functools.lru_cache(maxsize=64)
def _compile(display: str, source: str) -> Template:
    from jinja2 import TemplateSyntaxError

    env = _environment()
    try:
        code = env.compile(source, name=display, filename=display)
    except TemplateSyntaxError as exc:
        raise TemplateProblem(exc.message or str(exc), template=display, line=exc.lineno) from exc
    except Exception as exc:  # e.g. a number literal too long to read: still the template's problem
        raise TemplateProblem(_describe(exc), template=display, line=_compile_line(exc)) from exc
    return env.template_class.from_code(env, code, env.make_globals(None))


def _template_line(exc: BaseException, display: str) -> int | None:
    """The template line where ``exc`` happened, from Jinja's rewritten traceback."""
    line = getattr(exc, "lineno", None)
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == display:
            line = frame.lineno
    return line


def _compile_line(exc: BaseException) -> int | None:
    """The template line Jinja was reading when ``exc`` happened (its lexer's ``lineno``,
    or the line of the node being compiled)."""
    line = None
    tb = exc.__traceback__
    while tb is not None:
        names = tb.tb_frame.f_locals
        found = names.get("lineno", getattr(names.get("node"), "lineno", None))
        line = found if isinstance(found, int) else line
        tb = tb.tb_next
    return line


def _describe(exc: BaseException) -> str:
    from jinja2 import TemplateError

    message = str(exc).strip() or type(exc).__name__
    return message if isinstance(exc, TemplateError) else f"{type(exc).__name__}: {message}"


def _tidy(text: str) -> str:
    lines = "\n".join(line.rstrip() for line in text.splitlines())
    return re.sub(r"\n{3,}", "\n\n", lines).strip()


def tanggal(value: dt.date | dt.datetime | None) -> str:
    """Jinja filter: an Indonesian date, ``5 Januari 2026``; empty for None."""
    if value is None:
        return ""
    return f"{value.day} {_BULAN[value.month - 1]} {value.year}"
