"""The sandbox's own API under ``/_sandbox`` (not part of any network) and ``/media/``.

    GET  /_sandbox/health                 {"status": "ok", "posts": n, ...}
    GET  /_sandbox/posts                  {"posts": [...]} in creation order (?network=)
    GET  /_sandbox/posts/<network>/<id>   one post, or 404
    GET  /_sandbox/deleted                {"deleted": [...]}: posts deleted through the API
                                          (DELETE /2/tweets/:id, DELETE /{post-id}), each
                                          with its deleted_at
    GET  /_sandbox/faults                 the current fault set
    POST /_sandbox/faults                 replace it (JSON; see faults.py), 400 if wrong
    POST /_sandbox/reset                  forget posts, media, quotas, revocations; faults
                                          back to the start options
    POST /_sandbox/tokens/revoke          {"token": "...", "reason": "password_changed" |
                                          "expired" | "logged_out" | "permission"}
    POST /_sandbox/tokens/restore         {"token": "..."}, or {} to restore every token
    POST /_sandbox/tokens/expiry          {"token": "...", "expires_at": unix seconds
                                          (0: never), "data_access_expires_at": unix
                                          seconds}: what GET /debug_token says
    GET  /_sandbox/mastodon/instance      the limits GET /api/v2/instance reports
    POST /_sandbox/mastodon/instance      change them: {"max_characters": 1000, ...}
    POST /_sandbox/posts/<network>/<id>/edit, .../delete, POST /_sandbox/outside:
                                          changes made outside the tool (outside.py)
    GET  /media/<path>                    a file of --media-dir
"""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.security import safe_join
from werkzeug.wrappers import Request, Response

from disseminator.sandbox.faults import FaultError
from disseminator.sandbox.respond import json_response
from disseminator.sandbox.state import public_post

if TYPE_CHECKING:
    from disseminator.sandbox.core import Sandbox

REVOKE_REASONS = ("password_changed", "expired", "logged_out", "permission")


def _error(status: int, message: str) -> Response:
    return json_response({"error": message}, status)


def _body(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(request.get_data(as_text=True) or "{}")
    except ValueError as exc:
        raise FaultError(f"the body is not valid JSON: {exc}") from exc
    if not isinstance(body, dict):
        raise FaultError("the body must be a JSON object")
    return body


ROUTES = Map(
    [
        Rule("/", methods=["GET"], endpoint="health"),
        Rule("/_sandbox", methods=["GET"], endpoint="health"),
        Rule("/_sandbox/health", methods=["GET"], endpoint="health"),
        Rule("/_sandbox/posts", methods=["GET"], endpoint="posts"),
        Rule("/_sandbox/posts/<network>/<post_id>", methods=["GET"], endpoint="post"),
        Rule("/_sandbox/posts/<network>/<post_id>/<any(edit, delete):action>", methods=["POST"],
             endpoint="outside_change"),
        Rule("/_sandbox/outside", methods=["POST"], endpoint="outside_post"),
        Rule("/_sandbox/deleted", methods=["GET"], endpoint="deleted"),
        Rule("/_sandbox/faults", methods=["GET", "POST"], endpoint="faults"),
        Rule("/_sandbox/reset", methods=["POST"], endpoint="reset"),
        Rule("/_sandbox/tokens/<any(revoke, restore, expiry):action>", methods=["POST"], endpoint="tokens"),
        Rule("/_sandbox/mastodon/instance", methods=["GET", "POST"], endpoint="mastodon_instance"),
        Rule("/media/<path:name>", methods=["GET"], endpoint="media"),
    ],
    strict_slashes=False,
)


def handle(sb: Sandbox, request: Request) -> Response:
    """Answer a control or media request."""
    try:
        endpoint, args = ROUTES.bind_to_environ(request.environ).match()
    except HTTPException:
        return _error(404, f"no sandbox route {request.method} {request.path}")
    try:
        if endpoint == "health":
            return _health(sb)
        if endpoint == "posts":
            posts = sb.state.public_posts()
            if network := request.args.get("network"):
                posts = [p for p in posts if p["network"] == network]
            return json_response({"posts": posts})
        if endpoint == "post":
            post = sb.state.find_post(args["network"], args["post_id"])
            return json_response(public_post(post)) if post else _error(404, "no such post")
        if endpoint in ("outside_change", "outside_post"):
            return _outside(sb, endpoint, args, request)
        if endpoint == "deleted":
            return json_response({"deleted": sb.state.deleted_posts()})
        if endpoint == "faults":
            if request.method == "POST":
                sb.faults.set(_body(request))
            return json_response(sb.faults.describe())
        if endpoint == "reset":
            sb.state.reset()
            sb.faults.set(sb.initial_faults())
            return json_response({"reset": True})
        if endpoint == "mastodon_instance":
            from disseminator.sandbox import mastodon

            if request.method == "POST":
                try:
                    return json_response(mastodon.set_instance(sb, _body(request)))
                except ValueError as exc:
                    raise FaultError(str(exc)) from exc
            return json_response(mastodon.instance_config(sb))
        if endpoint == "tokens":
            return _tokens(sb, args["action"], _body(request))
        return _media(sb, args["name"])
    except FaultError as exc:
        return _error(400, str(exc))


def _outside(sb: Sandbox, endpoint: str, args: Mapping[str, Any], request: Request) -> Response:
    from disseminator.sandbox import outside

    if endpoint == "outside_post":
        return json_response(outside.publish(sb, _body(request)), 201)
    if args["action"] == "edit":
        post = outside.edit(sb, args["network"], args["post_id"], _body(request))
    else:
        post = outside.delete(sb, args["network"], args["post_id"])
    return json_response(post) if post is not None else _error(404, "no such post")


def _health(sb: Sandbox) -> Response:
    opts = sb.options
    with sb.state.lock:
        counts = {"posts": len(sb.state.data["posts"]), "media": len(sb.state.data["media"])}
    return json_response(
        {
            "status": "ok",
            **counts,
            "reply_policy": opts.reply_policy,
            "rate_limit_profile": opts.rate_limit_profile,
            "ig_quota": opts.ig_quota,
            "container_delay": opts.container_delay,
            "strict_version": opts.strict_version,
            "persistent": opts.data_dir is not None,
        }
    )


def _tokens(sb: Sandbox, action: str, body: dict[str, Any]) -> Response:
    token = body.get("token")
    with sb.state.lock:
        revoked = sb.state.data["revoked"]
        if action == "expiry":
            return _expiry(sb, token, body)
        if action == "revoke":
            reason = body.get("reason", "password_changed")
            if not isinstance(token, str) or not token:
                raise FaultError("revoke needs {\"token\": \"...\"}")
            if reason not in REVOKE_REASONS:
                raise FaultError(f"reason must be one of {', '.join(REVOKE_REASONS)}")
            revoked[token] = reason
        elif token:
            revoked.pop(token, None)
        else:
            revoked.clear()
        sb.state.save()
        # Never echo the tokens themselves: they are credentials, even here.
        return json_response({"revoked": len(revoked)})


def _expiry(sb: Sandbox, token: Any, body: dict[str, Any]) -> Response:
    """Set what ``GET /debug_token`` says of ``token`` (the caller holds the lock)."""
    if not isinstance(token, str) or not token:
        raise FaultError("expiry needs {\"token\": \"...\"}")
    values = {}
    for key in ("expires_at", "data_access_expires_at"):
        if key in body:
            value = body[key]
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise FaultError(f"{key} must be Unix seconds (a whole number, 0 for never)")
            values[key] = value
    sb.state.data.setdefault("token_expiry", {})[token] = values
    sb.state.save()
    return json_response({"expiry": values})


def _media(sb: Sandbox, name: str) -> Response:
    root = sb.options.media_dir
    target = safe_join(root, name) if root else None
    if target is None or not Path(target).is_file():
        return Response("Not Found", status=404, content_type="text/plain; charset=utf-8")
    mime = mimetypes.guess_type(target)[0] or "application/octet-stream"
    return Response(Path(target).read_bytes(), content_type=mime)
