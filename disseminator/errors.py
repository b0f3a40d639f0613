"""Errors a user can cause; the CLI prints their message as one line and exits non-zero.

    UserError                 base: .message is the whole line shown to the user
    ├── ConfigError           the configuration file or an environment variable is wrong
    ├── ArticleError          an article file cannot be used
    ├── NotFound              an id or account name that does not exist
    └── ScheduleError         a time that cannot be read or is in the past; a refused post
"""

from __future__ import annotations


class UserError(Exception):
    """Something the user asked for cannot be done."""

    exit_code = 1

    def __init__(self, message: str | None = None) -> None:
        self.message = message or (self.__doc__ or "").strip()
        super().__init__(self.message)


class ConfigError(UserError):
    """The configuration is not valid."""

    exit_code = 2


class ArticleError(UserError):
    """The article cannot be read."""


class NotFound(UserError):
    """No such thing."""


class ScheduleError(UserError):
    """The post cannot be scheduled."""
