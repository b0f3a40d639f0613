"""TikTok's answers, mapped once into Disseminator's error tree.

TikTok API v2 answers every call with ``{"data": {...}, "error": {"code", "message",
"log_id"}}``; ``code`` is ``"ok"`` on success and a readable string otherwise, with the
HTTP status TikTok documents for it ("Error Handling", developers.tiktok.com/doc/
tiktok-api-v2-error-handling; the Content Posting API's own codes on its photo-post
reference page)::

    access_token_invalid, scope_not_authorized,
    scope_permission_missed, spam_risk_user_banned_from_posting   -> AuthError (pause)
    rate_limit_exceeded (429)                                     -> RateLimited, a minute
    spam_risk_too_many_posts, reached_active_user_cap             -> RateLimited, a day
    unaudited_client_can_only_post_to_private_accounts,
    url_ownership_unverified, privacy_level_option_mismatch,
    invalid_params, invalid_file_upload, other 4xx                -> Rejected
    internal_error, 5xx, an answer that is not TikTok's JSON      -> Transient
    no answer (a transport failure)                               -> Transient

What every network shares (the signature, no answer at all, reading the body, the
redaction of the account's secrets) is :mod:`channels.error_map`'s; this module keeps
TikTok's codes.  A write is in doubt only when the answer is not TikTok's own: its
error object means the call was refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from channels.error_map import NO_REDACTION, ErrorMapping, Failure
from channels.errors import AuthError, ChannelError, RateLimited, Rejected, Transient
from channels.i18n import N_, _
from channels.redact import Redactor

AUTH = frozenset({"access_token_invalid", "scope_not_authorized", "scope_permission_missed",
                  "spam_risk_user_banned_from_posting"})
#: Limits that free again within the day (TikTok says no more than that).
DAILY = frozenset({"spam_risk_too_many_posts", "reached_active_user_cap"})

#: What an officer is told, where TikTok's own words would not say what to do.
ADVICE: Mapping[str, str] = {
    "unaudited_client_can_only_post_to_private_accounts": N_(
        "this TikTok app is not audited, so it can post only privately: set privacy_level = "
        "\"SELF_ONLY\" for the account, or have the app audited by TikTok"),
    "url_ownership_unverified": N_(
        "TikTok fetches photos only from a domain verified for the app: verify the domain of "
        "media.public_base_url in the TikTok developer portal"),
    "privacy_level_option_mismatch": N_(
        "the account's privacy_level is not one this TikTok account allows (see accounts check)"),
}


def tiktok_failure(failure: Failure) -> ChannelError:
    """TikTok's part of the mapping; :data:`tiktok_error` is the mapping."""
    if failure.response is None:
        what = type(failure.exc).__name__ if failure.exc is not None else _("nothing")
        return failure.unanswered(_("no answer from TikTok ({what})").format(what=what), cause=failure.exc)
    return error_for(failure.response.status_code, failure.body, now=failure.clock.now(), write=failure.write,
                     hide=failure.hide)


#: The mapping of one failed TikTok call: ``tiktok_error(response, exc=None, *, write,
#: redactor=None, clock=SYSTEM)`` (:class:`channels.error_map.ErrorMapping`).
tiktok_error = ErrorMapping(tiktok_failure)


def error_for(status: int, body: Any, *, now: dt.datetime, write: bool = False,
              hide: Redactor = NO_REDACTION) -> ChannelError:
    """The :class:`ChannelError` for TikTok's answer ``body`` (parsed JSON, or None) with
    HTTP ``status``; ``write``: the call could have posted; ``hide`` redacts TikTok's words."""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict) or not isinstance(error.get("code"), str):
        # Without any error object the answer came from something in front of TikTok:
        # a write may have been taken.
        landed = write and error is None
        if status >= 500 or status in (408, 0):
            return Transient(_("TikTok answered HTTP {status}; try again later").format(status=status),
                             may_have_landed=landed, http_status=status)
        return Transient(_("TikTok answered HTTP {status} without its error object").format(status=status),
                         may_have_landed=landed, http_status=status)
    code = error["code"]
    message = hide(str(error.get("message") or code))
    said = _("TikTok: {message} ({code})").format(message=message, code=code)
    if code in AUTH:
        return AuthError(said, http_status=status, code=code)
    if code == "rate_limit_exceeded" or status == 429:
        return RateLimited(said, retry_at=now + dt.timedelta(minutes=1), http_status=status, code=code)
    if code in DAILY:
        return RateLimited(said, retry_at=now + dt.timedelta(hours=24), http_status=status, code=code)
    if code == "internal_error" or status >= 500:
        return Transient(said, http_status=status, code=code)
    if code in ADVICE:
        return Rejected(_("TikTok: {advice} ({code})").format(advice=_(ADVICE[code]), code=code),
                        http_status=status, code=code)
    return Rejected(said, http_status=status, code=code)
