"""Officers, their roles, and what each role may do: the one table of rules.

``[officers.NAME]`` in the configuration names who may use the tool::

    allow_as = false               # --as NAME may choose the officer (a shared account)
    allow_self_approval = false    # an officer may approve a post they drafted
    approval = "one"               # "none" | "one" | "two"; also per account
    require_alt_text = true        # an image without alt text cannot be approved

    [officers.budi]
    roles = ["drafter"]
    os_user = "budi"               # the operating-system user; default: the officer's name

The acting officer is the operating-system user mapped to an officer, or ``--as NAME``
where ``allow_as`` is true.  Without ``[officers]`` every user may do everything (a
one-person install), as before officers existed.

Roles are ranked: a ``drafter`` adds articles, previews, schedules, edits, reschedules
and cancels their own posts or posts not yet approved, and reads the queue; an
``approver`` may also approve, reject, pause, resume and retry; an ``admin`` may do
everything (accounts, the database, the daemon).  :data:`COMMAND_ROLES` is the table; the
CLI checks it for every command (:func:`check_command`) and any other client (the web
page) calls the same functions.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from channels.i18n import N_, _

from .errors import ConfigError, UserError

if TYPE_CHECKING:
    from .store.post_models import PostRow

DRAFTER, APPROVER, ADMIN = "drafter", "approver", "admin"
#: Every role, from the least to the most allowed (each may do what the ones before may).
ROLES: tuple[str, ...] = (DRAFTER, APPROVER, ADMIN)
#: How many approvers a post needs, by the ``approval`` setting.
APPROVALS: Mapping[str, int] = {"none": 0, "one": 1, "two": 2}

#: The least role that may run each command (``group sub`` for a sub-command, else the
#: group's row).  A command not named here needs ``admin``; None: anyone (touches no data).
COMMAND_ROLES: Mapping[str, str | None] = {
    "article": DRAFTER,
    "preview": DRAFTER,
    "schedule": DRAFTER,
    "edit": DRAFTER,
    "reschedule": DRAFTER,
    "cancel": DRAFTER,
    "queue": DRAFTER,
    "history": DRAFTER,
    "status": DRAFTER,
    "post show": DRAFTER,
    "report": DRAFTER,
    "record": DRAFTER,
    "feeds list": DRAFTER,
    "feeds poll": DRAFTER,
    "feeds add": APPROVER,  # a feed in queue mode posts without a draft anyone approves
    "feeds remove": APPROVER,
    "approve": APPROVER,
    "reject": APPROVER,
    "pause": APPROVER,
    "resume": APPROVER,
    "retry": APPROVER,
    "post ahead": APPROVER,
    # Records a publication (or sends a post again) on an officer's word, as retry does.
    "post confirm": APPROVER,
    "accounts pause": APPROVER,
    "accounts resume": APPROVER,
    "unpublish": APPROVER,
    "sandbox": None,
    "demo": None,
}

#: Officer moves a drafter may make only on their own posts or on posts not yet approved.
OWN_POSTS_ONLY = frozenset({"edit", "reschedule", "cancel"})


@dataclass(frozen=True)
class Officer:
    """A person allowed to use the tool, with their roles."""

    name: str
    roles: tuple[str, ...]
    #: The operating-system user that acts as this officer.
    os_user: str

    @property
    def rank(self) -> int:
        """The index in :data:`ROLES` of the most allowed of the officer's roles."""
        return max(ROLES.index(r) for r in self.roles)

    def has(self, role: str) -> bool:
        """True when the officer may do what ``role`` may."""
        return self.rank >= ROLES.index(role)

    @property
    def role(self) -> str:
        """The officer's most allowed role."""
        return ROLES[self.rank]


@dataclass(frozen=True)
class OfficerSettings:
    """``[officers]`` and the approval settings, validated."""

    officers: Mapping[str, Officer] = field(default_factory=dict)
    allow_as: bool = False
    #: None: not written (false with officers, true without: a one-person install).
    allow_self_approval: bool | None = None
    #: ``none``, ``one`` or ``two``: the top-level default; ``approval_of`` by account.
    approval: str = "none"
    approval_of: Mapping[str, str] = field(default_factory=dict)
    require_alt_text: bool = True

    @property
    def self_approval(self) -> bool:
        """May an officer approve their own draft?"""
        return not self.officers if self.allow_self_approval is None else self.allow_self_approval

    def approval_for(self, account: str) -> str:
        """The approval ``account``'s new posts need: ``none``, ``one`` or ``two``."""
        return self.approval_of.get(account, self.approval)


OFFICER_KEYS = frozenset({"roles", "os_user"})


def parse_officers(data: Mapping[str, Any], at: Callable[..., str]) -> OfficerSettings:
    """Read ``[officers.NAME]``, ``allow_as``, ``allow_self_approval``, ``approval`` (top
    level and per account) and ``require_alt_text``.  Raises :class:`ConfigError`."""
    from .config_keys import _unknown_keys

    def flag(key: str) -> bool | None:
        value = data.get(key)
        if value is not None and not isinstance(value, bool):
            raise ConfigError(_("{where}: {key}: expected true or false").format(where=at(key), key=key))
        return value

    def level(value: Any, where: str, key: str) -> str:
        if value not in APPROVALS:
            raise ConfigError(_('{where}: {key}: expected "none", "one" or "two", got {value!r}').format(
                where=where, key=key, value=value))
        return str(value)

    table = data.get("officers", {})
    if not isinstance(table, dict):
        raise ConfigError(_("{where}: officers: expected a table of officers").format(where=at("officers")))
    officers: dict[str, Officer] = {}
    users: dict[str, str] = {}
    for name, entry in table.items():
        if not isinstance(entry, dict):
            raise ConfigError(_("{where}: officers.{name}: expected a table").format(where=at("officers", name), name=name))
        _unknown_keys(entry, ("officers", name), OFFICER_KEYS, at, _("setting of an officer"))
        roles = entry.get("roles")
        if (not isinstance(roles, list) or not roles
                or not all(isinstance(r, str) and r in ROLES for r in roles)):
            raise ConfigError(_('{where}: officers.{name}.roles: expected a list of roles from '
                                '"drafter", "approver" and "admin", got {value!r}').format(
                where=at("officers", name, "roles"), name=name, value=roles))
        user = entry.get("os_user", name)
        if not isinstance(user, str) or not user.strip():
            raise ConfigError(_("{where}: officers.{name}.os_user: expected an operating-system user name").format(
                where=at("officers", name, "os_user"), name=name))
        if user in users:
            raise ConfigError(_("{where}: officers.{name}.os_user: {user!r} is already officer {other!r}").format(
                where=at("officers", name, "os_user"), name=name, user=user, other=users[user]))
        users[user] = name
        officers[name] = Officer(name=name, roles=tuple(dict.fromkeys(roles)), os_user=user)
    approval = level(data.get("approval", "none"), at("approval"), "approval")
    approval_of = {name: level(acct["approval"], at("accounts", name, "approval"), f"accounts.{name}.approval")
                   for name, acct in data.get("accounts", {}).items()
                   if isinstance(acct, dict) and "approval" in acct}
    alt = flag("require_alt_text")
    return OfficerSettings(officers=officers, allow_as=bool(flag("allow_as")),
                           allow_self_approval=flag("allow_self_approval"), approval=approval,
                           approval_of=approval_of, require_alt_text=True if alt is None else alt)


def os_user() -> str:
    """The operating-system user running this process (``$LOGNAME``/``$USER`` first)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no name for this uid (a container): no officer can match
        return ""


def acting(conf: OfficerSettings, as_name: str | None = None, *, user: str | None = None) -> Officer | None:
    """The officer this process acts as: ``as_name`` (``--as``) where the configuration
    allows it, else the one mapped to the operating-system ``user``.  None when no
    officers are configured (everybody may do everything).

    ``conf`` is the configuration's :attr:`~disseminator.config.Settings.officers`.  Raises
    :class:`UserError` for an unknown officer, ``--as`` not allowed, or a user no officer
    is mapped to.
    """
    if not conf.officers:
        if as_name is not None:
            raise UserError(_("--as {name}: no [officers] are configured; run the command without --as").format(name=as_name))
        return None
    if as_name is not None:
        if not conf.allow_as:
            raise UserError(_("--as {name}: the configuration says allow_as = false; run it as yourself").format(name=as_name))
        if as_name not in conf.officers:
            raise UserError(_("unknown officer {name!r} (officers: {known})").format(
                name=as_name, known=", ".join(conf.officers)))
        return conf.officers[as_name]
    user = os_user() if user is None else user
    for officer in conf.officers.values():
        if officer.os_user == user:
            return officer
    raise UserError(_("user {user!r} is no officer: an admin adds os_user = {user!r} to an "
                      "[officers.NAME]").format(user=user))


def identity(officer: Officer | None) -> str:
    """The name kept on posts and events for what ``officer`` does (the operating-system
    user when no officers are configured)."""
    return officer.name if officer else os_user()


def required_role(path: str) -> str | None:
    """The least role that may run the command ``path`` (``"accounts pause"``); None: anyone."""
    if path in COMMAND_ROLES:
        return COMMAND_ROLES[path]
    group = path.split(" ", 1)[0]
    if group != path and group in COMMAND_ROLES:
        return COMMAND_ROLES[group]
    return ADMIN


def may_run(officer: Officer | None, path: str) -> bool:
    """True when ``officer`` may run the command ``path`` (always without officers)."""
    role = required_role(path)
    return officer is None or role is None or officer.has(role)


#: Role names as messages show them.
ROLE_WORDS: Mapping[str, str] = {DRAFTER: N_("drafter"), APPROVER: N_("approver"), ADMIN: N_("admin")}


def check_command(officer: Officer | None, path: str) -> None:
    """Raises :class:`UserError` when ``officer`` may not run the command ``path``."""
    if may_run(officer, path):
        return
    assert officer is not None
    needed = required_role(path) or ADMIN
    raise UserError(_("officer {name} ({role}) may not run '{command}' (needs the {needed} role)").format(
        name=officer.name, role=_(ROLE_WORDS[officer.role]), command=path, needed=_(ROLE_WORDS[needed])))


def check_post(officer: Officer | None, row: PostRow, move: str) -> None:
    """Raises :class:`UserError` when ``officer`` may not make ``move`` (``edit``,
    ``reschedule``, ``cancel``) on the post ``row``: a drafter may, on their own posts and
    on posts still awaiting approval."""
    from .store.post_models import PostStatus

    if officer is None or move not in OWN_POSTS_ONLY or officer.has(APPROVER):
        return
    if row.drafted_by == officer.name or row.status is PostStatus.AWAITING_APPROVAL:
        return
    raise UserError(_("post {id}: drafter {name} may '{command}' only own or unapproved posts").format(
        id=row.id, name=officer.name, command=move))


#: The officer this process acts as, once the client has decided (:func:`acting_as`).
_ACTING: ContextVar[Officer | None] = ContextVar("acting_officer", default=None)


@contextmanager
def acting_as(officer: Officer | None) -> Iterator[None]:
    """Do what is done inside as ``officer`` (posts keep who drafted and approved them)."""
    token = _ACTING.set(officer)
    try:
        yield
    finally:
        _ACTING.reset(token)


def current() -> Officer | None:
    """The officer set by :func:`acting_as` (None: no officers, or none set)."""
    return _ACTING.get()


def current_name() -> str:
    """:func:`identity` of :func:`current`."""
    return identity(current())
