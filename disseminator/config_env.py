"""Credentials written as ``${ENV_VAR}``: replaced from the environment when an account is
about to talk to its network, and every variable that is not set named in one message
(never a value).

Used by :class:`disseminator.config.Settings`.
"""

from __future__ import annotations

import os
import re
from typing import Any

from channels.i18n import _

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def substitute(value: Any, key: str, missing: list[tuple[str, str]]) -> Any:
    """``value`` with each ``${VAR}`` replaced from the environment; (key, VAR) of each one
    not set is added to ``missing``."""
    if not isinstance(value, str):
        return value

    def sub(match: re.Match[str]) -> str:
        found = os.environ.get(match.group(1))
        if found is None:
            missing.append((key, match.group(1)))
            return ""
        return found

    return _VAR.sub(sub, value)


def unset_message(where: str, account: str, missing: list[tuple[str, str]]) -> str:
    """The message for the account ``account`` of the file ``where``: ``missing`` is
    (key, variable) pairs; the message names each variable once."""
    keys: dict[str, list[str]] = {}
    for key, var in missing:
        keys.setdefault(var, []).append(key)
    if len(keys) == 1:
        [(var, [key, *_others])] = keys.items()
        return _("{where}: accounts.{account}.{key}: environment variable {var} is not set").format(
            where=where, account=account, key=key, var=var)
    named = [f"{var} ({', '.join(dict.fromkeys(ks))})" for var, ks in keys.items()]
    return _("{where}: accounts.{account}: environment variables {names} and {last} are not set").format(
        where=where, account=account, names=", ".join(named[:-1]), last=named[-1])
