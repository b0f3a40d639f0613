"""What every page reaches: the configuration and the database of this server, set once by
:func:`disseminator.web.app.create_app`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..config import Settings
    from ..store import Store


@dataclass(frozen=True)
class Core:
    settings: Settings
    store: Store


def core() -> Core:
    """The :class:`Core` of the application handling this request."""
    from flask import current_app

    found: Core = current_app.extensions["disseminator"]
    return found


def settings() -> Settings:
    return core().settings


def store() -> Store:
    return core().store
