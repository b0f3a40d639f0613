"""Telegram Bot API failures, mapped once: an answer (status, body) or an exception becomes
one kind of the channel error tree.

Every Bot API answer is JSON with ``ok``; a failure reads ``{"ok": false, "error_code":
400, "description": "Bad Request: chat not found", "parameters": {"retry_after": 35}}``
(core.telegram.org/bots/api, "Making requests").  ``ok: false`` means the request was
unsuccessful: the method was not carried out, so such an answer never leaves a write in
doubt.  An answer that is not the Bot API's own (a proxy's HTML 502, an empty body, a
connection closed) may follow a write that landed::

    answer                                          kind
    429, or parameters.retry_after                  RateLimited, retry_at = now + retry_after
    401 Unauthorized (token wrong or revoked),      AuthError: a person fixes the token, the
    403 Forbidden (bot not in the channel, kicked), channel or the bot's rights, then runs
    400 chat not found / need administrator         ``accounts check``
        rights / not enough rights / CHAT_WRITE_
        FORBIDDEN / CHAT_ADMIN_REQUIRED, 404 (a
        malformed token: no such bot)
    400 with parameters.migrate_to_chat_id          Rejected, saying the new chat id
    other 400 (too long, can't parse entities,      Rejected
        wrong file, group send failed)
    5xx with the Bot API's JSON                     Transient (not landed)
    no Bot API JSON: 5xx, 408, 425, cut off, empty  Transient(may_have_landed=write)
    no Bot API JSON: 429 / 401, 403 / other 4xx     RateLimited (+1 min) / AuthError / Rejected
    2xx without a usable ``result``                 Transient(may_have_landed=write)
    no answer (requests exception)                  Transient; may_have_landed unless the
                                                    type says it was never sent (channels.http)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .base import AuthError, ChannelError, RateLimited, Rejected, Transient
from .error_map import ErrorMapping, Failure, by_status
from .i18n import _

#: Words of a 400 that mean the bot cannot post there: the account needs a person.
NEEDS_A_PERSON = ("chat not found", "need administrator rights", "not enough rights", "chat_write_forbidden",
                  "chat_admin_required", "bot is not a member", "have no rights to send")
#: When Telegram said to slow down but not for how long.
DEFAULT_WAIT = dt.timedelta(minutes=1)


def telegram_failure(failure: Failure) -> ChannelError:
    """Telegram's part of the mapping (the module's table); :data:`telegram_error` is the
    mapping.  ``write`` says whether the call could have posted."""
    response, clock = failure.response, failure.clock
    if response is None:
        return failure.unanswered(_("no readable answer from the Telegram Bot API"), cause=failure.exc)
    status = response.status_code
    body = failure.body
    if isinstance(body, dict) and body.get("ok") is False:
        return _from_body(body, status, failure)
    shape = failure.shape(readable=isinstance(body, dict))
    message = _("the Telegram Bot API answered HTTP {status} with {shape}").format(status=status, shape=shape)
    return by_status(status, message, write=failure.write, retry_at=lambda: clock.now() + DEFAULT_WAIT,
                     auth=(401, 403, 404))


#: The mapping of one failed Bot API call: ``telegram_error(response, exc=None, *, write,
#: redactor=None, clock=SYSTEM, expected=None)`` (:class:`channels.error_map.ErrorMapping`).
telegram_error = ErrorMapping(telegram_failure)


def _from_body(body: dict[str, Any], status: int, failure: Failure) -> ChannelError:
    """The Bot API's own refusal (``ok: false``): the method was not carried out."""
    hide, clock = failure.hide, failure.clock
    raw_code, raw_params = body.get("error_code"), body.get("parameters")
    code: int = raw_code if isinstance(raw_code, int) else status
    description = hide(str(body.get("description") or _("no description")))
    params: dict[str, Any] = raw_params if isinstance(raw_params, dict) else {}
    message = _("Telegram error {code}: {description}").format(code=code, description=description)
    label = str(code)
    retry_after = params.get("retry_after")
    if code == 429 or isinstance(retry_after, (int, float)):
        wait = dt.timedelta(seconds=retry_after) if isinstance(retry_after, (int, float)) else DEFAULT_WAIT
        return RateLimited(message, retry_at=clock.now() + wait, http_status=status, code=label)
    if "migrate_to_chat_id" in params:
        moved = _("{error} (the group is now the supergroup {chat}: set chat_id to it)").format(
            error=message, chat=params["migrate_to_chat_id"])
        return Rejected(moved, http_status=status, code=label)
    lowered = description.lower()
    if code in (401, 403, 404) or any(words in lowered for words in NEEDS_A_PERSON):
        return AuthError(message, http_status=status, code=label)
    if code >= 500:
        return Transient(message, may_have_landed=False, http_status=status, code=label)
    return Rejected(message, http_status=status, code=label)

