"""What one post template may cost: time, output, and the size of every value it builds.

Jinja's sandbox stops a template from reaching outside (private attributes, changing the
lists it is given) but not from spending: nested loops run for minutes, ``'A' *
3000000000`` allocates 3 GB, ``10 ** 100000`` builds a number too long to print.
:class:`LimitedEnvironment` adds these limits, each failing as :class:`TemplateLimit`:

- **time**: a render stops after :data:`MAX_SECONDS`, checked at every loop step, call,
  operator, filter and piece of output (a plain clock check: no thread is killed and no
  signal used, so it works in any thread);
- **output**: at most :data:`MAX_OUTPUT` characters, counted as the text is produced, at
  the top level and inside macros, ``set`` blocks and ``filter`` blocks;
- **values**: no string, list or mapping longer than :data:`MAX_VALUE` and no number
  longer than :data:`MAX_INT_DIGITS` digits is built.  The operations that can multiply
  a size (``*``, ``**``, ``%``, padding and format widths, ``replace``, ``join``,
  ``indent``, ``wordwrap``, ``batch``, ``slice``, ``sum``, ``translate``,
  ``expandtabs``) are checked *before* they run; every other operator, call, filter and
  ``~`` is checked after (it can at most add sizes together);
- ``range()`` gives at most :data:`MAX_RANGE` items; ``lipsum()`` is not offered.

Only :func:`render` applies the time limit; the other limits hold however the template
is rendered.  This module imports Jinja, so import it only when rendering.
"""

from __future__ import annotations

import functools
import math
import re
import string
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from contextvars import ContextVar
from typing import Any

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.environment import Template
from jinja2.exceptions import TemplateRuntimeError
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .i18n import _

#: Seconds one render may take (a default template takes about a millisecond).
MAX_SECONDS = 2.0
#: Characters one render may produce: twice the largest article (5 MB), so every article
#: renders whole; each network's own limit is applied to the text afterwards.
MAX_OUTPUT = 10_000_000
#: Characters (or items) of any string, list or mapping a template builds.
MAX_VALUE = 10_000_000
#: Digits of any number a template builds (Python prints at most 4,300).
MAX_INT_DIGITS = 4_000
#: Items of one ``range()``.
MAX_RANGE = 10_000
#: A padding, format or indent width.
MAX_WIDTH = 1_000

_DEADLINE: ContextVar[float | None] = ContextVar("template_deadline", default=None)
_SIZED = (str, bytes, list, tuple, dict, set, frozenset)
_Check = Callable[[tuple[Any, ...], dict[str, Any]], tuple[Any, ...]]
_PERCENT = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")


class TemplateLimit(TemplateRuntimeError):
    """A template went past one of this module's limits; the message says which."""

    def __init__(self, message: str, *, lineno: int | None = None) -> None:
        super().__init__(message)
        self.lineno = lineno


def render(template: Template, values: Mapping[str, Any]) -> str:
    """Render ``template`` within :data:`MAX_SECONDS` and :data:`MAX_OUTPUT`.

    Raises :class:`TemplateLimit` past a limit (its ``lineno`` is the template line
    being run), or whatever the template itself raises.
    """
    token = _DEADLINE.set(time.monotonic() + MAX_SECONDS)
    stream: Generator[str, None, None] = template.generate(values)  # type: ignore[assignment]
    try:
        pieces: list[str] = []
        size = 0
        for piece in stream:
            size += len(piece)
            if size > MAX_OUTPUT:
                raise TemplateLimit(_("the text is longer than {most:,} characters").format(most=MAX_OUTPUT),
                                    lineno=_running_line(stream, template))
            try:
                _check_time()
            except TemplateLimit as exc:
                exc.lineno = _running_line(stream, template)
                raise
            pieces.append(piece)
        return "".join(pieces)
    finally:
        stream.close()
        _DEADLINE.reset(token)


def checked(value: Any) -> Any:
    """``value`` itself, unless it is larger than a template may build."""
    if isinstance(value, _SIZED) and len(value) > MAX_VALUE:
        raise TemplateLimit(_("a value of {size:,} characters or items is too large (at most {most:,})").format(
            size=len(value), most=MAX_VALUE))
    if isinstance(value, int) and _digits(value) > MAX_INT_DIGITS:
        raise TemplateLimit(_("a number of about {digits:,.0f} digits is too large (at most {most:,})").format(
            digits=_digits(value), most=MAX_INT_DIGITS))
    return value


class LimitedEnvironment(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with the limits in this module's docstring."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.code_generator_class = _LimitedCodeGenerator
        self.globals["range"] = limited_range
        self.globals.pop("lipsum", None)  # n paragraphs of filler: nothing a post needs
        self.filters = {name: _limited_filter(name, f) for name, f in self.filters.items()}

    def add_filter(self, name: str, func: Callable[..., Any]) -> None:
        """Add a filter that counts toward the limits like the built-in ones."""
        self.filters[name] = _limited_filter(name, func)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        _check_time()
        if operator == "*":
            _before_multiply(left, right)
        elif operator == "**":
            _before_power(left, right)
        elif operator == "%" and isinstance(left, str):
            _check_percent_widths(left)
        return checked(super().call_binop(context, operator, left, right))

    def call(self, context: Context, obj: Any, /, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        _check_time()
        method = getattr(obj, "__wrapped__", obj)  # the sandbox wraps str.format
        owner = getattr(method, "__self__", None)
        if isinstance(owner, (str, bytes)):
            args = _before_str_method(getattr(method, "__name__", ""), owner, args, kwargs)
        return checked(super().call(context, obj, *args, **kwargs))

    def limited_iter(self, iterable: Iterable[Any]) -> Iterator[Any]:
        """What every ``{% for %}`` loops over: the same items, with the clock checked."""
        for item in iterable:
            _check_time()
            yield item

    def output_buffer(self) -> list[str]:
        """The list a macro, ``set`` block or ``filter`` block collects its text in."""
        return _OutputBuffer()

    checked = staticmethod(checked)


def limited_range(*args: int) -> range:
    """``range()`` for templates: at most :data:`MAX_RANGE` items."""
    numbers = range(*args)
    try:
        count = len(numbers)
    except OverflowError:
        count = MAX_RANGE + 1
    if count > MAX_RANGE:
        raise TemplateLimit(_("range() of {count:,} items is too long (at most {most:,})").format(
            count=count, most=MAX_RANGE))
    return numbers


# --------------------------------------------------------------------------- internals


class _LimitedCodeGenerator(CodeGenerator):
    """Compiles loops, ``~`` and text buffers so that the environment sees them."""

    def buffer(self, frame: Frame) -> None:
        frame.buffer = self.temporary_identifier()
        self.writeline(f"{frame.buffer} = environment.output_buffer()")

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        node.iter = nodes.Call(nodes.EnvironmentAttribute("limited_iter"), [node.iter], [], None, None,
                               lineno=node.iter.lineno)
        super().visit_For(node, frame)

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.checked(")
        super().visit_Concat(node, frame)
        self.write(")")


class _OutputBuffer(list):  # type: ignore[type-arg]
    """A list of text pieces that stops growing past :data:`MAX_OUTPUT` characters."""

    size = 0

    def append(self, piece: Any) -> None:
        self._count(piece)
        super().append(piece)

    def extend(self, pieces: Iterable[Any]) -> None:
        pieces = tuple(pieces)
        for piece in pieces:
            self._count(piece)
        super().extend(pieces)

    def _count(self, piece: Any) -> None:
        _check_time()
        self.size += len(piece) if isinstance(piece, str) else 0
        if self.size > MAX_OUTPUT:
            raise TemplateLimit(_("the text is longer than {most:,} characters").format(most=MAX_OUTPUT))


def _check_time() -> None:
    deadline = _DEADLINE.get()
    if deadline is not None and time.monotonic() > deadline:
        raise TemplateLimit(_("stopped after {seconds:g} s: a template must render within {most:g} s").format(
            seconds=MAX_SECONDS, most=MAX_SECONDS))


def _running_line(stream: Any, template: Template) -> int | None:
    """The template line a suspended render is at."""
    while getattr(stream, "gi_yieldfrom", None) is not None:
        stream = stream.gi_yieldfrom
    frame = getattr(stream, "gi_frame", None)
    return template.get_corresponding_lineno(frame.f_lineno) if frame is not None else None


def _digits(number: int) -> float:
    return math.log10(abs(number)) + 1 if number else 1.0


def _refuse_size(what: str, size: float) -> None:
    if size > MAX_VALUE:
        raise TemplateLimit(_("{what} would make a value of {size:,.0f} characters or items (at most {most:,})").format(
            what=what, size=size, most=MAX_VALUE))


def _refuse_width(what: str, width: Any) -> None:
    if isinstance(width, str):
        width = len(width)
    if isinstance(width, int) and width > MAX_WIDTH:
        raise TemplateLimit(_("{what} of {width:,} is too wide (at most {most:,})").format(
            what=what, width=width, most=MAX_WIDTH))


def _before_multiply(left: Any, right: Any) -> None:
    if isinstance(left, int) and isinstance(right, int):
        digits = _digits(left) + _digits(right)
        if digits > MAX_INT_DIGITS:
            raise TemplateLimit(_("'*' would make a number of about {digits:,.0f} digits (at most {most:,})").format(
                digits=digits, most=MAX_INT_DIGITS))
    elif isinstance(left, _SIZED) and isinstance(right, int):
        _refuse_size("'*'", len(left) * right)
    elif isinstance(right, _SIZED) and isinstance(left, int):
        _refuse_size("'*'", len(right) * left)


def _before_power(base: Any, exponent: Any) -> None:
    if isinstance(base, int) and isinstance(exponent, int) and exponent > 0 and abs(base) > 1:
        digits = exponent * math.log10(abs(base)) + 1
        if digits > MAX_INT_DIGITS:
            raise TemplateLimit(_("'**' would make a number of about {digits:,.0f} digits (at most {most:,})").format(
                digits=digits, most=MAX_INT_DIGITS))


def _number(digits: str) -> int:
    """A width written in a format string (one too long to read counts as too wide)."""
    return int(digits) if len(digits) < 100 else 10**99


def _check_percent_widths(fmt: str) -> None:
    for match in _PERCENT.finditer(fmt):
        for width in match.groups():
            if width == "*":
                raise TemplateLimit(_("a '*' width in a format string is not allowed in templates"))
            if width:
                _refuse_width(_("a format width"), _number(width))


def _check_brace_widths(fmt: str) -> None:
    try:
        fields = list(string.Formatter().parse(fmt))
    except ValueError:  # the call itself reports a malformed format string
        return
    for _text, _name, spec, _conversion in fields:
        if spec and "{" in spec:
            raise TemplateLimit(_("a format width taken from an argument is not allowed in templates"))
        for width in re.findall(r"\d+", spec or ""):
            _refuse_width(_("a format width"), _number(width))


def _replace_size(text: Any, old: Any, new: Any, count: Any = -1) -> float:
    times = len(text) + 1 if not old else text.count(old)
    if isinstance(count, int) and count >= 0:
        times = min(times, count)
    return len(text) + times * max(0, len(new) - len(old))


def _before_str_method(name: str, owner: str | bytes, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """Refuse a str method call whose result would be too large; returns the arguments to
    call it with (an iterable given to ``join`` is read here, once)."""
    try:
        if name in ("center", "ljust", "rjust", "zfill"):
            _refuse_width(_("{name}() width").format(name=name), args[0] if args else kwargs.get("width"))
        elif name == "expandtabs":
            size = args[0] if args else kwargs.get("tabsize", 8)
            tabs = owner.count("\t") if isinstance(owner, str) else owner.count(b"\t")
            _refuse_size("expandtabs()", len(owner) + tabs * size)
        elif name == "replace":
            _refuse_size("replace()", _replace_size(owner, *args[:3]))
        elif name == "join" and args:
            items = list(args[0])
            _refuse_size("join()", sum(len(i) for i in items) + len(owner) * max(0, len(items) - 1))
            args = (items, *args[1:])
        elif name == "translate" and args and isinstance(args[0], Mapping):
            longest = max((len(v) for v in args[0].values() if isinstance(v, (str, bytes))), default=1)
            _refuse_size("translate()", len(owner) * longest)
        elif name in ("format", "format_map") and isinstance(owner, str):
            _check_brace_widths(owner)
    except (TypeError, ValueError, AttributeError, IndexError):  # the call itself says what is wrong
        pass
    return args


def _limited_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    before = _FILTER_CHECKS.get(name)
    skip = 1 if getattr(func, "jinja_pass_arg", None) is not None else 0  # context/environment first

    @functools.wraps(func)  # keeps jinja_pass_arg, so Jinja passes what the filter expects
    def limited(*args: Any, **kwargs: Any) -> Any:
        _check_time()
        if before is not None:
            try:
                args = args[:skip] + before(args[skip:], kwargs)
            except (TypeError, ValueError, AttributeError, IndexError):  # the filter says what is wrong
                pass
        return checked(func(*args, **kwargs))

    return limited


def _arg(args: tuple[Any, ...], kwargs: Mapping[str, Any], index: int, name: str, default: Any = None) -> Any:
    return args[index] if len(args) > index else kwargs.get(name, default)


def _wordwrap_check(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    text, width = str(args[0]), max(1, int(_arg(args, kwargs, 1, "width", 79)))
    wrap = _arg(args, kwargs, 3, "wrapstring") or "\n"
    _refuse_size("wordwrap()", len(text) + (len(text) // width + text.count("\n") + 1) * len(wrap))
    return args


def _join_check(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    items = list(args[0])
    sep = str(_arg(args, kwargs, 1, "d", ""))
    if _arg(args, kwargs, 2, "attribute") is None:
        _refuse_size("join", sum(len(str(i)) for i in items) + len(sep) * max(0, len(items) - 1))
    return (items, *args[1:])


def _sum_check(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    items = list(args[0])
    start = _arg(args, kwargs, 2, "start", 0)
    if isinstance(start, _SIZED) and _arg(args, kwargs, 1, "attribute") is None:
        _refuse_size("sum", len(start) + sum(len(i) for i in items if isinstance(i, _SIZED)))
    return (items, *args[1:])


def _widths_check(*named: tuple[int, str, Any]) -> _Check:
    """A check that each (position, name, default) argument is no wider than MAX_WIDTH."""
    def run(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
        for index, name, default in named:
            _refuse_width(_("the {name} argument").format(name=name), _arg(args, kwargs, index, name, default) or 0)
        return args
    return run


def _replace_check(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    old, new, count = str(_arg(args, kwargs, 1, "old")), str(_arg(args, kwargs, 2, "new")), _arg(args, kwargs, 3, "count")
    _refuse_size("replace", _replace_size(str(args[0]), old, new, -1 if count is None else count))
    return args


def _format_check(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    _check_percent_widths(str(args[0]))
    return args


def _count_check(name: str, index: int, most: int) -> _Check:
    def run(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
        value = _arg(args, kwargs, index, name)
        if isinstance(value, int) and value > most:
            raise TemplateLimit(_("{name} of {value:,} is too large (at most {most:,})").format(
                name=name, value=value, most=most))
        return args
    return run


#: Filters that can make a value much larger than their input, checked before they run.
_FILTER_CHECKS: dict[str, _Check] = {
    "center": _widths_check((1, "width", 80)),
    "indent": _widths_check((1, "width", 4)),
    "tojson": _widths_check((1, "indent", 0)),
    "urlize": _widths_check((3, "target", ""), (4, "rel", "")),
    "wordwrap": _wordwrap_check,
    "replace": _replace_check,
    "join": _join_check,
    "format": _format_check,
    "batch": _count_check("linecount", 1, MAX_VALUE),
    "slice": _count_check("slices", 1, MAX_RANGE),
    "sum": _sum_check,
}
