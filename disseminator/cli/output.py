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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import click


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


def output_options(*, json_help: str = "Print as JSON.", csv_columns: Sequence[str] | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Add ``--json`` (and ``--csv`` when the command lists rows of ``csv_columns``).

    The command receives ``output: Output`` instead of the flags; giving both is a usage
    error.
    """

    def decorator(f: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(f)
        def command(*args: Any, as_json: bool, as_csv: bool = False, **kwargs: Any) -> Any:
            if as_json and as_csv:
                raise click.UsageError("give --json or --csv, not both", ctx=click.get_current_context(silent=True))
            fmt = "json" if as_json else "csv" if as_csv else "text"
            return f(*args, output=Output(fmt, tuple(csv_columns or ())), **kwargs)

        if csv_columns:
            command = click.option("--csv", "as_csv", is_flag=True, cls=OutputOption, help="Print as CSV.")(command)
        return click.option("--json", "as_json", is_flag=True, cls=OutputOption, help=json_help)(command)

    return decorator


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def emit_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> None:
    writer = csv.writer(sys.stdout)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(
            ["|".join(str(x) for x in v) if isinstance(v, list) else ("" if v is None else v) for v in (row.get(c) for c in columns)]
        )


def table(rows: Sequence[Sequence[Any]], headers: Sequence[str]) -> str:
    """A plain-text table, columns padded to their widest cell."""
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
