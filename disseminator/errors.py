"""Errors a user can cause; the CLI prints each as ``error: ...`` lines and exits non-zero.

Each class carries its exit status (the README's table): 1 when something asked for could
not be done, 2 when the configuration or the command line itself is wrong.

    UserError (1)             base: .message is the whole line shown to the user
    ├── ConfigError (2)       the configuration file or an environment variable is wrong
    ├── UsageError (2)        what was asked cannot be acted on as given (an option's value)
    ├── ArticleError (1)      an article file cannot be used
    ├── NotFound (1)          an id or account name that does not exist
    ├── ScheduleError (1)     a time that cannot be read or is in the past; a refused post
    └── RunFailed (1)         the work ran, but part of it failed (a call, a refused account)

Library code raises these and never exits; the CLI's entry point
(:func:`disseminator.cli.main`) is the one place that turns them into output and a status.
"""

from __future__ import annotations

from collections.abc import Sequence

from channels.i18n import N_, _


class UserError(Exception):
    """Something the user asked for cannot be done."""

    #: The process exit status this error ends the command with.
    exit_code = 1
    #: What the user is told when no message is given (translated when raised).
    default_message = N_("Something the user asked for cannot be done.")

    def __init__(self, message: str | None = None) -> None:
        self.message = message or _(self.default_message)
        super().__init__(self.message)

    @property
    def lines(self) -> list[str]:
        """What the user is told, one ``error:`` line each."""
        return [self.message]


class ConfigError(UserError):
    """The configuration is not valid."""

    exit_code = 2
    default_message = N_("The configuration is not valid.")


class UsageError(UserError):
    """The request cannot be acted on as given."""

    exit_code = 2
    default_message = N_("The request cannot be acted on as given.")


class ArticleError(UserError):
    """The article cannot be read."""

    default_message = N_("The article cannot be read.")


class NotFound(UserError):
    """No such thing."""

    default_message = N_("No such thing.")


class ScheduleError(UserError):
    """The post cannot be scheduled."""

    default_message = N_("The post cannot be scheduled.")


class RunFailed(UserError):
    """Part of the work failed.

    ``problems`` are the lines still to tell the user (none when the command's own output
    already said what failed, as ``run-due`` and ``accounts check`` do).
    """

    default_message = N_("Part of the work failed.")

    def __init__(self, problems: Sequence[str] = ()) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems) or None)

    @property
    def lines(self) -> list[str]:
        return list(self.problems)
