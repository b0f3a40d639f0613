"""``[card]``: how the title cards of articles without an image look (:mod:`channels.media.cards`).

::

    [card]
    name = "Sekretariat Kabinet RI"     # above the title
    logo = "logo.png"                   # relative to the configuration file
    background = "#0B3D91"
    text_color = "#FFFFFF"
    accent_color = "#F2C94C"

An account opts in with ``card = true``.  Colours that would be hard to read on a phone
are refused here, with the file and key, before any card is made.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from channels.i18n import _
from channels.base import CardStyle

from .errors import ConfigError

#: The keys of ``[card]``.
KEYS = frozenset({"name", "logo", "background", "text_color", "accent_color"})


def parse_card(raw: Any, *, base_dir: Path, at: Callable[..., str]) -> CardStyle:
    """``[card]`` as a :class:`CardStyle` (the defaults when absent).  Raises
    :class:`ConfigError` naming the file, line and key of the first problem."""
    if raw is None:
        return CardStyle()
    if not isinstance(raw, Mapping):
        raise ConfigError(_("{where}: card: expected a table").format(where=at("card")))
    values: dict[str, Any] = {}
    for key in ("name", "logo", "background", "text_color", "accent_color"):
        if key not in raw:
            continue
        value = raw[key]
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(_("{where}: card.{key}: expected text").format(where=at("card", key), key=key))
        values[key] = value.strip()
    if "logo" in values:
        logo = Path(values["logo"])
        values["logo"] = logo if logo.is_absolute() else base_dir / logo
    style = CardStyle(**values)
    # Only a [card] table is checked against the card maker: it sits in channels.media,
    # which a command that never reads such a table (``queue``) need not import.
    from channels.media.cards import style_problem

    problem = style_problem(style)
    if problem:
        key, why = problem
        raise ConfigError(_("{where}: card.{key}: {why}").format(where=at("card", key), key=key, why=why))
    return style
