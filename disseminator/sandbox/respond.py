"""Building the networks' answers: JSON bodies, X Problem errors and Graph error objects.

Handlers raise :class:`Reply` anywhere below the dispatcher to answer early (an error),
so validation helpers need not thread responses back up.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any

from werkzeug.wrappers import Response

JSON = "application/json; charset=utf-8"
# X sends RFC 7807 errors as problem+json; tweepy parses any JSON body it gets.
PROBLEM_JSON = "application/problem+json"
# facebook-sdk reads headers["content-type"] and raises KeyError when it is missing.
GRAPH_JSON = "application/json; charset=UTF-8"
X_PROBLEMS = "https://api.x.com/2/problems/"


class Reply(Exception):
    """Stop handling and answer with ``response`` (usually an error)."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


def json_response(
    body: Any, status: int = 200, *, content_type: str = JSON, headers: dict[str, str] | None = None
) -> Response:
    """``body`` serialised as compact JSON with the given status and content type."""
    return Response(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        status=status,
        content_type=content_type,
        headers=headers or {},
    )


# ---------------------------------------------------------------------------- X


def x_problem(status: int, title: str, detail: str, *, type_: str = "about:blank", **extra: Any) -> Response:
    """An X error in the RFC 7807 shape X uses (``type`` is about:blank unless given)."""
    body: dict[str, Any] = {"title": title, "detail": detail, "type": type_, "status": status}
    body.update(extra)
    return json_response(body, status, content_type=PROBLEM_JSON)


def x_unauthorized() -> Response:
    """X's 401 for a missing, malformed, badly signed or revoked OAuth header."""
    return x_problem(401, "Unauthorized", "Unauthorized")


def x_invalid(message: str, *, parameters: dict[str, list[Any]] | None = None) -> Response:
    """X's 400 invalid-request: the reason in ``errors[0].message`` as tweepy reports it."""
    return x_problem(
        400,
        "Invalid Request",
        "One or more parameters to your request was invalid.",
        type_=X_PROBLEMS + "invalid-request",
        errors=[{"parameters": parameters or {}, "message": message}],
    )


def x_forbidden(detail: str) -> Response:
    """X's 403 with ``detail`` only (duplicate content, reply not allowed)."""
    return x_problem(403, "Forbidden", detail)


def x_not_found(path: str) -> Response:
    """X's answer to a path it does not serve."""
    return x_problem(
        404,
        "Not Found Error",
        f"Sorry, that page does not exist: {path}",
        type_=X_PROBLEMS + "resource-not-found",
    )


# ---------------------------------------------------------------------------- Graph


def fbtrace_id() -> str:
    """A random trace id like Meta's (11 URL-safe characters)."""
    return base64.urlsafe_b64encode(os.urandom(8)).decode("ascii").rstrip("=")[:11]


def graph_error(
    code: int,
    message: str,
    *,
    subcode: int | None = None,
    type_: str = "OAuthException",
    status: int = 400,
    is_transient: bool = False,
    user_title: str | None = None,
    user_msg: str | None = None,
) -> Response:
    """A Graph API error object, always as JSON with a content type facebook-sdk accepts."""
    error: dict[str, Any] = {"message": message, "type": type_, "code": code}
    if subcode is not None:
        error["error_subcode"] = subcode
    error["is_transient"] = is_transient
    if user_title is not None:
        error["error_user_title"] = user_title
    if user_msg is not None:
        error["error_user_msg"] = user_msg
    error["fbtrace_id"] = fbtrace_id()
    return json_response({"error": error}, status, content_type=GRAPH_JSON)


def graph_ok(body: Any, status: int = 200) -> Response:
    """A successful Graph answer."""
    return json_response(body, status, content_type=GRAPH_JSON)


def graph_param_error(message: str, *, subcode: int | None = None) -> Response:
    """Graph's code 100 "invalid parameter" error."""
    return graph_error(100, message, subcode=subcode)


def unknown_object(object_id: str, method: str = "GET") -> Response:
    """Graph's answer for an id that does not exist (or is not visible to the token)."""
    return graph_error(
        100,
        f"Unsupported {method.lower()} request. Object with ID '{object_id}' does not exist, cannot be loaded "
        "due to missing permissions, or does not support this operation. Please read the Graph "
        "API documentation at https://developers.facebook.com/docs/graph-api",
        subcode=33,
        type_="GraphMethodException",
    )
