"""Printing for the CLI: the shared ``--json``/``--csv`` options, JSON, CSV and plain tables.

Every command that prints data declares its machine-readable formats with
:func:`output_options` (as sqlite-utils does), never with its own ``--json``; a test holds
every command to that.
"""

from __future__ import annotations

import csv
import functools
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import click

from channels.i18n import _


class OutputOption(click.Option):
    """An option made by :func:`output_options` (the test tells them from hand-made ones)."""


@dataclass(frozen=True)
class Output:
    """How the user asked a command to print: ``text`` (the default), ``json`` or ``csv``."""

    format: str = "text"
    columns: tuple[str, ...] = ()

    @property
    def structured(self) -> bool:
        """True when the data is printed as JSON or CSV (and the command prints no text)."""
        return self.format != "text"

    def emit(self, data: Any) -> None:
        """Print ``data`` as asked: JSON of anything, CSV of a list of rows (``columns``)."""
        if self.format == "csv":
            emit_csv(data, self.columns)
        else:
            emit_json(data)

    def emit_rows(self, rows: Iterable[dict[str, Any]]) -> None:
        """Print rows as :meth:`emit` prints a list of them, byte for byte, each written
        as it comes: the memory taken does not grow with the number of rows."""
        if self.format == "csv":
            emit_csv(rows, self.columns)
        else:
            emit_json_rows(rows)


def output_options(*, json_help: str | None = None, csv_columns: Sequence[str] | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Add ``--json`` (help ``json_help``, translated by the caller; default "Print as
    JSON.") and ``--csv`` when the command lists rows of ``csv_columns``.

    The command receives ``output: Output`` instead of the flags; giving both is a usage
    error.
    """

    def decorator(f: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(f)
        def command(*args: Any, as_json: bool, as_csv: bool = False, **kwargs: Any) -> Any:
            if as_json and as_csv:
                raise click.UsageError(_("give --json or --csv, not both"), ctx=click.get_current_context(silent=True))
            fmt = "json" if as_json else "csv" if as_csv else "text"
            return f(*args, output=Output(fmt, tuple(csv_columns or ())), **kwargs)

        if csv_columns:
            command = click.option("--csv", "as_csv", is_flag=True, cls=OutputOption, help=_("Print as CSV."))(command)
        return click.option("--json", "as_json", is_flag=True, cls=OutputOption,
                            help=json_help or _("Print as JSON."))(command)

    return decorator


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


#: Characters gathered before a streamed listing is written (one write per row is slow).
CHUNK = 1 << 16


def emit_json_rows(rows: Iterable[Any]) -> None:
    """``emit_json(list(rows))``, byte for byte, written a chunk at a time as the rows come."""
    pending: list[str] = []
    size, opening = 0, "[\n  "
    for row in rows:
        # An item of an indented array is its own indented text, every line two more in
        # (a JSON string holds no raw line break, so every line is the item's).
        text = opening + json.dumps(row, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        pending.append(text)
        size, opening = size + len(text), ",\n  "
        if size > CHUNK:
            click.echo("".join(pending), nl=False)
            pending, size = [], 0
    if opening == "[\n  ":  # no row at all
        click.echo("[]")
    else:
        click.echo("".join(pending) + "\n]")


def emit_csv(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> None:
    from ..views import csv_cell  # the web page's CSV files write the same cells

    writer = csv.writer(sys.stdout)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(row.get(c)) for c in columns])




#: Width of text output when stdout is not a terminal (cron logs, pipes) and $COLUMNS is unset.
DEFAULT_WIDTH = 80


def width() -> int:
    """Columns to fit: ``$COLUMNS``, else the terminal's, else :data:`DEFAULT_WIDTH`."""
    import os
    import shutil

    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns > 0:
        return columns
    if sys.stdout.isatty():
        return shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns
    return DEFAULT_WIDTH


def table(rows: Sequence[Sequence[Any]], headers: Sequence[str], *, wrap: Sequence[str] = (), cut: Sequence[str] = (),
          columns: int | None = None) -> str:
    """A plain-text table that fits ``columns`` (default :func:`width`), widths counted
    as a terminal shows them (an emoji takes two).

    Columns named in ``wrap`` wrap their text over several lines (a word longer than the
    column, such as a link, is folded); those in ``cut`` stay on one line, cut with an
    ellipsis; the others keep their full width.  Drawn with rich, imported here only.
    """
    return render(_grid(rows, headers, wrap=wrap, cut=cut), columns=columns)


#: Rows a long table is drawn at a time (:func:`tables`).
TABLE_ROWS = 500


def tables(rows: Iterable[Sequence[Any]], headers: Sequence[str], *, wrap: Sequence[str] = (), cut: Sequence[str] = (),
           columns: int | None = None, least: Callable[[], dict[str, int]] | None = None,
           chunk: int = TABLE_ROWS) -> Iterator[str]:
    """:func:`table` of rows that may be too many to hold, as text blocks to print one
    after the other.  Up to ``chunk`` rows make one :func:`table`, the same text (no
    block for no rows); more are drawn ``chunk`` at a time in the columns the first block
    took, under one header, so the memory taken does not grow with the rows.  ``least()``
    (asked only then) gives the least width of columns a later block may need wider:
    header -> width."""
    import itertools

    source = iter(rows)
    first = list(itertools.islice(source, chunk + 1))
    if not first:
        return
    if len(first) <= chunk:
        yield table(first, headers, wrap=wrap, cut=cut, columns=columns)
        return
    grid = _grid(first[:chunk], headers, wrap=wrap, cut=cut, least=least() if least else None)
    console = _console(columns)
    # What rich gives each column, as its __rich_console__ asks (less the separators; the
    # widths include the padding): the later blocks take the same (a test holds them in line).
    taken = grid._calculate_column_widths(console, console.options.update_width(console.width - grid._extra_width))
    fixed = [w - grid._get_padding_width(i) for i, w in enumerate(taken)]
    yield render(grid, columns=columns)
    rest = itertools.chain(first[chunk:], source)
    while block := list(itertools.islice(rest, chunk)):
        yield render(_grid(block, headers, wrap=wrap, cut=cut, fixed=fixed), columns=columns)


def _grid(rows: Sequence[Sequence[Any]], headers: Sequence[str], *, wrap: Sequence[str], cut: Sequence[str],
          least: dict[str, int] | None = None, fixed: Sequence[int] | None = None) -> Any:
    """The rich Table of :func:`table`; ``least``: header -> the column's least width;
    ``fixed``: every column's width, and no header (a later block of :func:`tables`)."""
    from rich import box
    from rich.table import Table

    grid = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, safe_box=True, highlight=False,
                 header_style="", padding=(0, 1, 0, 0), show_header=fixed is None)
    for i, h in enumerate(headers):
        grid.add_column(h, no_wrap=h not in wrap and h not in cut, overflow="fold" if h in wrap else "ellipsis",
                        min_width=(least or {}).get(h), width=fixed[i] if fixed else None)
    for r in rows:
        grid.add_row(*[_cell("" if c is None else str(c), wrap=h in wrap, cut=h in cut) for c, h in zip(r, headers)])
    return grid


def wrapped(text: str, *, indent: int = 0, columns: int | None = None) -> str:
    """``text`` folded to fit ``columns`` (default :func:`width`), at words where it can;
    continuation lines indented by ``indent``."""
    from rich.text import Text

    columns = columns or width()
    first, *rest = render(Text(text, overflow="fold"), columns=max(columns - indent, 10)).split("\n")
    return "\n".join([first, *[" " * indent + line if line else line for line in rest]])


def render(renderable: Any, *, columns: int | None = None) -> str:
    """What rich draws for ``renderable`` at ``columns``, as plain text (no colour, no
    trailing spaces)."""
    console = _console(columns)
    with console.capture() as captured:
        console.print(renderable)
    return "\n".join(line.rstrip() for line in captured.get().rstrip("\n").split("\n"))


def _console(columns: int | None) -> Any:
    import io

    from rich.console import Console

    return Console(file=io.StringIO(), width=columns or width(), color_system=None, force_terminal=False,
                   legacy_windows=False, emoji=False, markup=False, highlight=False, soft_wrap=False)


def _cell(value: str, *, wrap: bool, cut: bool) -> Any:
    from rich.measure import Measurement
    from rich.text import Text

    class Shrinkable(Text):
        """A cell the table may narrow below its longest word (a link, a run of emoji)."""

        def __rich_measure__(self, console: Any, options: Any) -> Measurement:
            measured = super().__rich_measure__(console, options)
            return Measurement(min(measured.minimum, 8), measured.maximum)

    if wrap:
        return Shrinkable(value, overflow="fold")
    if cut:  # each line of the cell cut on its own
        return Shrinkable(value, no_wrap=True, overflow="ellipsis")
    return Text(value)
