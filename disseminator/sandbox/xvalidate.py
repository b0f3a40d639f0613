"""The rules of X's CreatePostsRequest schema (OpenAPI v2.167), checked by hand.

X rejects a body that breaks the schema with a 400 before looking at the content; the
sandbox does the same so a channel that sends a wrong field learns it here, not in
production.  Each rule mirrors the schema: ``additionalProperties: false`` everywhere,
ids matching ``^[0-9]{1,19}$``, 1-4 media ids, at most 10 tagged users, and so on.
"""

from __future__ import annotations

import re
from typing import Any

_ID = re.compile(r"^[0-9]{1,19}$")
_REPLY_SETTINGS = ("following", "mentionedUsers", "subscribers", "verified")

# property -> kind, for each object of the schema ("id" = string matching _ID).
_TOP: dict[str, str] = {
    "card_uri": "str",
    "community_id": "id",
    "direct_message_deep_link": "str",
    "edit_options": "edit_options",
    "for_super_followers_only": "bool",
    "geo": "geo",
    "made_with_ai": "bool",
    "media": "media",
    "nullcast": "bool",
    "paid_partnership": "bool",
    "poll": "poll",
    "quote_tweet_id": "id",
    "reply": "reply",
    "reply_settings": "reply_settings",
    "share_with_followers": "bool",
    "text": "str",
}
_OBJECTS: dict[str, tuple[dict[str, str], tuple[str, ...]]] = {
    "edit_options": ({"previous_post_id": "id"}, ("previous_post_id",)),
    "geo": ({"place_id": "str"}, ("place_id",)),
    "media": (
        {
            "call_to_actions": "object",
            "description": "str",
            "embeddable": "bool",
            "media_ids": "media_ids",
            "preview_media_id": "id",
            "tagged_user_ids": "tagged_user_ids",
            "title": "str",
        },
        ("media_ids",),
    ),
    "poll": (
        {"duration_minutes": "duration", "options": "poll_options", "reply_settings": "reply_settings"},
        ("options", "duration_minutes"),
    ),
    "reply": (
        {"auto_populate_reply_metadata": "bool", "exclude_reply_user_ids": "str_list", "in_reply_to_tweet_id": "id"},
        ("in_reply_to_tweet_id",),
    ),
}


def _check(kind: str, value: Any, where: str) -> str | None:
    if kind in _OBJECTS:
        return _check_object(_OBJECTS[kind], value, where)
    if kind == "str":
        return None if isinstance(value, str) else f"{where}: must be a string"
    if kind == "bool":
        return None if isinstance(value, bool) else f"{where}: must be a boolean"
    if kind == "object":
        return None if isinstance(value, dict) else f"{where}: must be an object"
    if kind == "id":
        if isinstance(value, str) and _ID.match(value):
            return None
        return f"{where}: does not match the pattern ^[0-9]{{1,19}}$"
    if kind == "reply_settings":
        return None if value in _REPLY_SETTINGS else f"{where}: must be one of {', '.join(_REPLY_SETTINGS)}"
    if kind == "duration":
        whole = isinstance(value, int) and not isinstance(value, bool)
        return None if whole and 5 <= value <= 10080 else f"{where}: must be an integer between 5 and 10080"
    if kind in ("media_ids", "tagged_user_ids", "str_list", "poll_options"):
        return _check_list(kind, value, where)
    raise AssertionError(kind)


def _check_list(kind: str, value: Any, where: str) -> str | None:
    if not isinstance(value, list):
        return f"{where}: must be an array"
    low, high = {"media_ids": (1, 4), "tagged_user_ids": (0, 10), "poll_options": (2, 4)}.get(kind, (0, 10**6))
    if not low <= len(value) <= high:
        return f"{where}: must have between {low} and {high} items"
    for i, item in enumerate(value):
        if kind == "poll_options":
            if not isinstance(item, str) or not 1 <= len(item) <= 25:
                return f"{where}[{i}]: must be a string of 1 to 25 characters"
        elif kind == "str_list":
            if not isinstance(item, str):
                return f"{where}[{i}]: must be a string"
        elif error := _check("id", item, f"{where}[{i}]"):
            return error
    return None


def _check_object(spec: tuple[dict[str, str], tuple[str, ...]], value: Any, where: str) -> str | None:
    properties, required = spec
    if not isinstance(value, dict):
        return f"{where}: must be an object"
    for key in value:
        if key not in properties:
            return f"{where}.{key}: is not defined in the schema and the schema does not allow additional properties"
    for key in required:
        if key not in value:
            return f"{where}.{key}: is missing but it is required"
    for key, kind in properties.items():
        if key in value and (error := _check(kind, value[key], f"{where}.{key}")):
            return error
    return None


def create_posts_error(body: Any) -> str | None:
    """Why ``body`` breaks CreatePostsRequest, as a ``$.path: reason`` message, or None."""
    return _check_object((_TOP, ()), body, "$")
