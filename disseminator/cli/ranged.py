"""A click option type for a setting's range (``disseminator.setting_ranges``)."""

from __future__ import annotations

from typing import Any

import click

from channels.i18n import _

from ..setting_ranges import Range


class RangeParam(click.ParamType):
    """Numbers in ``rng``; anything else is refused with one line naming the range, and
    click's usage error makes the command exit 2."""

    name = "number"

    def __init__(self, rng: Range) -> None:
        self.rng = rng

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        typed = value
        if isinstance(value, str):
            try:
                value = int(value) if self.rng.whole else float(value)
            except ValueError:
                self.fail(_("expected {range}, got {value!r}").format(range=self.rng.describe(), value=typed), param, ctx)
        if self.rng.problem(value):
            # as typed: -5, not -5.0
            self.fail(_("expected {range}, got {value}").format(range=self.rng.describe(), value=typed), param, ctx)
        return float(value)
