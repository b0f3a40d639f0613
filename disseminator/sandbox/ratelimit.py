"""X rate limits: per user and endpoint, in fixed windows, reported in response headers.

Every authenticated X call counts, successful or not, as on X.  The profiles follow the
documented tiers (reference §1.4): ``ppu`` is pay-per-use (2026), ``basic_legacy`` and
``free_legacy`` the old tiers that also send the undocumented but real
``x-user-limit-24hour-*`` headers for posting.
"""

from __future__ import annotations

from dataclasses import dataclass

from werkzeug.wrappers import Response

from disseminator.sandbox.faults import Faults
from disseminator.sandbox.respond import json_response, x_problem
from disseminator.sandbox.state import State

FIFTEEN_MINUTES = 900
DAY = 86400


@dataclass(frozen=True)
class Limit:
    """``limit`` calls per ``window`` seconds; ``day`` adds a 24-hour per-user cap."""

    window: int
    limit: int
    day: int | None = None


#: endpoint key -> limit, per profile.  Keys are the sandbox's names for X endpoints.
PROFILES: dict[str, dict[str, Limit]] = {
    "ppu": {
        "create_tweet": Limit(FIFTEEN_MINUTES, 100),
        "users_tweets": Limit(FIFTEEN_MINUTES, 900),
        "users_me": Limit(FIFTEEN_MINUTES, 75),
        "media_upload": Limit(FIFTEEN_MINUTES, 500),
        "delete_tweet": Limit(FIFTEEN_MINUTES, 50),
    },
    "basic_legacy": {
        "create_tweet": Limit(FIFTEEN_MINUTES, 100, day=100),
        "users_tweets": Limit(FIFTEEN_MINUTES, 5),
        "users_me": Limit(DAY, 250),
        "media_upload": Limit(FIFTEEN_MINUTES, 500),
        "delete_tweet": Limit(FIFTEEN_MINUTES, 50),
    },
    "free_legacy": {
        "create_tweet": Limit(DAY, 17, day=17),
        "users_tweets": Limit(FIFTEEN_MINUTES, 1),
        "users_me": Limit(DAY, 25),
        "media_upload": Limit(FIFTEEN_MINUTES, 500),
        "delete_tweet": Limit(FIFTEEN_MINUTES, 50),
    },
}


def _spend(state: State, key: str, window: int, limit: int, now: float) -> tuple[int, int, bool]:
    """Count one call in a window; returns (remaining, reset, exhausted). Caller holds the lock."""
    slot = state.data["rate"].get(key)
    if slot is None or now >= slot["start"] + window:
        slot = {"start": now, "count": 0}
        state.data["rate"][key] = slot
    reset = int(slot["start"] + window)
    if slot["count"] >= limit:
        return 0, reset, True
    slot["count"] += 1
    return limit - slot["count"], reset, False


def _peek(state: State, key: str, window: int, limit: int, now: float) -> tuple[int, int, bool]:
    """Like _spend without counting a call."""
    slot = state.data["rate"].get(key)
    if slot is None or now >= slot["start"] + window:
        return limit, int(now + window), False
    return limit - slot["count"], int(slot["start"] + window), slot["count"] >= limit


def spend_x(
    *,
    state: State,
    faults: Faults,
    profile: str,
    user_id: str,
    endpoint: str,
    method: str,
    paths: tuple[str, ...],
    now: float,
    post_limit: tuple[int, int] | None = None,
) -> tuple[dict[str, str], bool]:
    """Count a call by ``user_id`` to ``endpoint``: the rate-limit headers and whether to refuse.

    A ``rate_limit`` fault for X overrides the counters: remaining 0 until its reset.
    ``post_limit`` (posts, window seconds) replaces the profile's limit of posting.
    """
    limit = PROFILES[profile].get(endpoint, Limit(FIFTEEN_MINUTES, 900))
    if post_limit is not None and endpoint == "create_tweet":
        limit = Limit(post_limit[1], post_limit[0], day=limit.day)
    fault = faults.rate_limited("x", method, paths)
    with state.lock:
        if fault is not None:
            remaining, reset, exhausted = 0, int(fault["reset_at"]), True
        else:
            remaining, reset, exhausted = _spend(state, f"{user_id}|{endpoint}", limit.window, limit.limit, now)
        headers = {
            "x-rate-limit-limit": str(limit.limit),
            "x-rate-limit-remaining": str(remaining),
            "x-rate-limit-reset": str(reset),
        }
        if limit.day is not None:
            if fault is not None:
                day_remaining, day_reset, day_out = 0, reset, True
            elif exhausted:  # a call refused by the window does not count against the day
                day_remaining, day_reset, day_out = _peek(state, f"{user_id}|{endpoint}|day", DAY, limit.day, now)
            else:
                day_remaining, day_reset, day_out = _spend(state, f"{user_id}|{endpoint}|day", DAY, limit.day, now)
            if day_out and not exhausted:
                # Refused by the daily cap: give back the window slot it was counted in.
                state.data["rate"][f"{user_id}|{endpoint}"]["count"] -= 1
                remaining += 1
            exhausted = exhausted or day_out
            headers.update(
                {
                    "x-user-limit-24hour-limit": str(limit.day),
                    "x-user-limit-24hour-remaining": str(day_remaining),
                    "x-user-limit-24hour-reset": str(day_reset),
                }
            )
        state.save()
    return headers, exhausted


def too_many_requests(legacy_body: bool) -> Response:
    """X's 429, in the v2 Problem shape or the legacy ``code 88`` shape."""
    if legacy_body:
        return json_response({"errors": [{"code": 88, "message": "Rate limit exceeded"}]}, 429)
    return x_problem(429, "Too Many Requests", "Too Many Requests")
