"""The menu: every page registers itself here (its endpoint, its label, the command whose
role it needs, its place), and the layout shows the entries the officer may open."""

from __future__ import annotations

from dataclasses import dataclass

from channels.i18n import N_


@dataclass(frozen=True)
class Entry:
    #: The Flask endpoint (``queue.queue``).
    endpoint: str
    #: An ``N_``-marked label, translated when shown.
    label: str
    #: The command path whose role the page needs (``officers.required_role``).
    command: str
    #: Entries are shown by this number, smallest first.
    order: int


MENU: list[Entry] = []


def add(endpoint: str, label: str, command: str, order: int) -> None:
    """List a page in the menu (once; a second call with the same endpoint is ignored)."""
    if any(e.endpoint == endpoint for e in MENU):
        return
    MENU.append(Entry(endpoint, label, command, order))
    MENU.sort(key=lambda e: e.order)


#: The menu's own words (labels are passed to :func:`add` marked with ``N_``).
SKIP_TO_CONTENT = N_("Skip to the content")
