"""Who may run each command: every command the CLI loads is checked here, in one place,
against the rule table of :mod:`disseminator.officers` before it runs.  The command then
runs as that officer (posts keep who drafted and approved them; the publication record
names them)."""

from __future__ import annotations

import contextlib
import functools
from typing import Any

import click


def guarded(command: click.Command, path: str) -> click.Command:
    """``command`` (and each sub-command of a group) checked against the officer's roles
    when it runs; ``path`` is its name (``accounts pause`` for a sub-command)."""
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            guarded(sub, f"{path} {name}")
        return command
    if command.callback is None or getattr(command.callback, "_officer_checked", False):
        return command
    original = command.callback

    @functools.wraps(original)
    def checked(*args: Any, **kwargs: Any) -> Any:
        from ..officers import acting_as, check_command, required_role

        app = click.get_current_context().find_root().obj
        if required_role(path) is None or (path == "init" and not _has_config(app.config_path)):
            # Touches no data (the sandbox, the demo), or writes the first configuration:
            # until it exists there are no officers.
            return original(*args, **kwargs)
        officer = app.officer
        check_command(officer, path)
        with acting_as(officer), _record_actor(officer.name if officer else None):
            return original(*args, **kwargs)

    checked._officer_checked = True  # type: ignore[attr-defined]
    command.callback = checked
    return command


def _record_actor(name: str | None) -> contextlib.AbstractContextManager[None]:
    """The publication record names ``name`` as the actor of what the command does."""
    if name is None:
        return contextlib.nullcontext()
    try:
        from ..store.record import acting_as
    except ImportError:  # a version without the record
        return contextlib.nullcontext()
    return acting_as(name)


def _has_config(explicit: str | None) -> bool:
    """True when a configuration file is found (one named but missing is not)."""
    from ..config import find_config
    from ..errors import ConfigError

    try:
        return find_config(explicit) is not None
    except ConfigError:
        return False
