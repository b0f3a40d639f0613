"""The Facebook Graph API front door and the Page endpoints (feed, photos, reads).

:func:`handle` strips the ``/vNN.N`` prefix, checks the access token (unknown, revoked,
expired, permission removed), applies Graph rate-limit faults and routes ``/{id}`` and
``/{id}/{edge}`` to the Page handlers here or the Instagram ones in :mod:`instagram`.
Every answer is JSON with ``Content-Type: application/json; charset=UTF-8``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request, Response

from disseminator.sandbox import instagram, metrics
from disseminator.sandbox.faults import GRAPH_LIMIT_MESSAGES
from disseminator.sandbox.graphutil import Caller, fetch, graph_time, paginate, requested_fields
from disseminator.sandbox.images import sniff
from disseminator.sandbox.options import MIN_GRAPH_VERSION
from disseminator.sandbox.respond import Reply, graph_error, graph_ok, graph_param_error, unknown_object
from disseminator.sandbox.state import iso_utc

if TYPE_CHECKING:
    from disseminator.sandbox.core import Sandbox

_VERSION = re.compile(r"^/v(\d+)\.(\d+)(?=/|$)")
PHOTO_LIMIT = 10 * 1024 * 1024
POST_FIELDS = ("id", "message", "created_time", "permalink_url", "link", "is_published", "from")
_TOKEN_MESSAGES = {
    460: "Error validating access token: The session has been invalidated because the user changed "
    "their password or Facebook has changed the session for security reasons.",
    467: "Error validating access token: The session is invalid because the user logged out.",
}
_REVOKE_SUBCODES = {"password_changed": 460, "expired": 463, "logged_out": 467}
NO_PERMISSION = (
    "(#200) If posting to a page, requires both pages_read_engagement and pages_manage_posts as an "
    "admin with sufficient administrative permission"
)


def split_version(path: str) -> tuple[tuple[int, int] | None, str]:
    """``/v21.0/123/feed`` -> ((21, 0), "/123/feed"); no prefix -> (None, path)."""
    match = _VERSION.match(path)
    if not match:
        return None, path
    return (int(match[1]), int(match[2])), path[match.end() :] or "/"


def served_version(path: str) -> str:
    """The version Graph answers with: the requested one, raised to the oldest live one."""
    requested, _ = split_version(path)
    major, minor = max(requested or MIN_GRAPH_VERSION, MIN_GRAPH_VERSION)
    return f"v{major}.{minor}"


def _token(request: Request) -> str | None:
    if token := request.values.get("access_token"):
        return token
    auth = request.headers.get("Authorization", "")
    for scheme in ("OAuth ", "Bearer "):
        if auth.startswith(scheme):
            return auth[len(scheme) :].strip()
    return None


def _caller(sb: Sandbox, request: Request, version: str) -> Caller:
    token = _token(request)
    if not token:
        message = "An active access token must be used to query information about the current user."
        raise Reply(graph_error(2500, message))
    creds = sb.options.credentials
    if token != creds.fb_page_token:
        raise Reply(graph_error(190, "Invalid OAuth access token - Cannot parse access token"))
    reason = refuse_token(sb, token)
    return Caller(token, creds.fb_page_id, creds.ig_user_id, can_write=reason is None, version=version)


def refuse_token(sb: Sandbox, token: str, *, type_: str = "OAuthException") -> str | None:
    """Raise Graph's 190 for a token revoked, expired (the expiry a test set has passed)
    or logged out; else the reason it may not write ("permission"), or None."""
    reason = sb.revocation(token)
    with sb.state.lock:
        expires_at = int(sb.state.data.get("token_expiry", {}).get(token, {}).get("expires_at", 0) or 0)
    if expires_at and expires_at <= sb.now():
        reason = "expired"
    if reason in _REVOKE_SUBCODES:
        subcode = _REVOKE_SUBCODES[reason]
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%A, %d-%b-%y %H:%M:%S UTC")
        message = _TOKEN_MESSAGES.get(
            subcode, f"Error validating access token: Session has expired on {stamp}. The current time is {stamp}."
        )
        raise Reply(graph_error(190, message, subcode=subcode, type_=type_))
    return reason


def handle(sb: Sandbox, request: Request) -> Response:
    """Answer one Graph request, with Graph's error objects for anything refused."""
    requested, path = split_version(request.path)
    version = served_version(request.path)
    try:
        if sb.options.strict_version and requested is not None and requested < MIN_GRAPH_VERSION:
            raise Reply(
                graph_error(
                    2500,
                    f"API version v{requested[0]}.{requested[1]} is no longer available: the oldest live "
                    f"version is {version}. (The sandbox runs with --strict-version.)",
                )
            )
        caller = _caller(sb, request, version)
        if fault := sb.faults.rate_limited("graph", request.method, (request.path, path)):
            code = int(fault.get("graph_code", 80001))
            minutes = max(1, int((fault["reset_at"] - sb.now()) // 60))
            usage = json.dumps(
                {caller.page_id: [{"type": "pages", "call_count": 100, "total_cputime": 100, "total_time": 100,
                                   "estimated_time_to_regain_access": minutes}]}
            )
            response = graph_error(code, GRAPH_LIMIT_MESSAGES.get(code, f"(#{code}) Rate limited"))
            response.headers["X-Business-Use-Case-Usage"] = usage
            return response
        response = _route(sb, request, caller, [p for p in path.split("/") if p])
        response.headers["X-Business-Use-Case-Usage"] = _usage(sb, caller.page_id)
        return response
    except Reply as reply:
        return reply.response


#: Page calls per hour the sandbox treats as 100% of the budget by default (Meta's
#: depends on reach; ``--graph-hourly-budget`` sets it).
HOURLY_BUDGET = 4800


def _usage(sb: Sandbox, page_id: str) -> str:
    """The X-Business-Use-Case-Usage header Meta sends with Page calls: the share of the
    hourly budget used so far."""
    now = sb.now()
    with sb.state.lock:
        recent = [t for t in sb.graph_calls.get(page_id, []) if now - t < 3600] + [now]
        sb.graph_calls[page_id] = recent
    budget = sb.options.graph_hourly_budget
    share = min(100, len(recent) * 100 // budget)
    # At 100%, Meta says in minutes when access comes back: here, when the oldest calls
    # leave the hour and the count falls under the budget again.
    regain = 0
    if len(recent) >= budget:
        frees = recent[len(recent) - budget] + 3600
        regain = max(1, -int(-(frees - now) // 60))
    return json.dumps({page_id: [{"type": "pages", "call_count": share, "total_cputime": share,
                                  "total_time": share, "estimated_time_to_regain_access": regain}]})


def _route(sb: Sandbox, request: Request, caller: Caller, parts: list[str]) -> Response:
    method = request.method
    if not parts:
        raise Reply(graph_param_error("(#100) Missing node id"))
    if parts == ["debug_token"] and method == "GET":
        return debug_token(sb, request)
    node = caller.page_id if parts[0] == "me" else parts[0]
    if (engagement := metrics.graph_route(sb, request, caller, parts, render=_render_post,
                                          post_fields=POST_FIELDS)) is not None:
        return engagement
    if len(parts) == 1 and method == "GET":
        if node == caller.page_id:
            return page_node(sb, request, caller)
        if (found := instagram.get_node(sb, request, caller, node)) is not None:
            return found
        if (post := _fb_post(sb, node)) is not None:
            fields = requested_fields(request, ("id", "message", "created_time"), POST_FIELDS, "PagePost")
            return graph_ok(_render_post(post, fields))
        raise Reply(unknown_object(node))
    if len(parts) == 1 and method == "DELETE" and _fb_post(sb, node) is not None:
        return delete_post(sb, caller, node)
    if len(parts) == 1:  # updating objects is not something the channels do; nor deleting an unknown one
        raise Reply(unknown_object(node, method))
    if len(parts) == 2:
        edge = parts[1]
        if node == caller.page_id:
            if edge in ("feed", "published_posts", "posts") and method == "GET":
                return list_posts(sb, request, caller, edge)
            if edge == "feed" and method == "POST":
                return create_feed_post(sb, request, caller)
            if edge == "photos" and method == "POST":
                return create_photo(sb, request, caller)
        elif node == caller.ig_user_id:
            return instagram.edge(sb, request, caller, edge)
        else:
            raise Reply(unknown_object(node, method))
    raise Reply(graph_error(2500, f"Unknown path components: /{'/'.join(parts[1:])}"))


# ---------------------------------------------------------------------------- tokens

#: How long a token's data access lasts unless a test sets it (Meta: 90 days).
DATA_ACCESS_DAYS = 90


def debug_token(sb: Sandbox, request: Request) -> Response:
    """GET /debug_token?input_token=...: what Graph knows of a token, in ``data``.

    ``expires_at`` 0 is a token that never expires (a Page token from a long-lived user
    token); ``data_access_expires_at`` is 90 days on.  ``POST /_sandbox/tokens/expiry``
    sets either.  A token the sandbox does not know, or one revoked, is ``is_valid: false``
    with Graph's error object inside ``data``, as Graph answers.
    """
    creds = sb.options.credentials
    return graph_ok(token_info(sb, request, known=creds.fb_page_token, kind="PAGE", profile_id=creds.fb_page_id,
                               scopes=["pages_show_list", "pages_read_engagement", "pages_manage_posts",
                                       "instagram_basic", "instagram_content_publish"]))


def token_info(sb: Sandbox, request: Request, *, known: str, kind: str, profile_id: str,
               scopes: list[str], lifetime: int = 0) -> dict[str, Any]:
    """The body of ``GET /debug_token?input_token=`` for a sandbox whose one valid token
    is ``known`` (Graph's and Threads' answers share this shape).  ``lifetime``: seconds
    a token lives from now unless a test set its expiry (0: never expires)."""
    token = request.values.get("input_token")
    if not token:
        raise Reply(graph_param_error("(#100) The parameter input_token is required"))
    now = int(sb.now())
    if token != known:
        return {"data": {"error": {"code": 190, "message": "Invalid OAuth access token."},
                         "is_valid": False, "scopes": []}}
    with sb.state.lock:
        set_ = dict(sb.state.data.get("token_expiry", {}).get(token, {}))
    expires_at = int(set_["expires_at"]) if "expires_at" in set_ else (now + lifetime if lifetime else 0)
    data_access = int(set_.get("data_access_expires_at") or now + DATA_ACCESS_DAYS * 86_400)
    data: dict[str, Any] = {
        "app_id": "100000000000099", "type": kind, "application": "Disseminator Sandbox",
        "data_access_expires_at": data_access, "expires_at": expires_at,
        "is_valid": True, "issued_at": now - 86_400, "profile_id": profile_id,
        "scopes": scopes, "user_id": "1000000000000077",
    }
    reason = sb.revocation(token)
    if (expires_at and expires_at <= now) or reason in _REVOKE_SUBCODES:
        subcode = _REVOKE_SUBCODES.get(reason or "", 463)
        data["is_valid"] = False
        data["error"] = {"code": 190, "subcode": subcode,
                         "message": _TOKEN_MESSAGES.get(subcode, "Error validating access token: Session has expired.")}
    return {"data": data}


# ---------------------------------------------------------------------------- page


def page_node(sb: Sandbox, request: Request, caller: Caller) -> Response:
    """GET /{page-id} and /me: id, name and the linked Instagram business account."""
    fields = requested_fields(request, ("id", "name"), ("id", "name", "instagram_business_account", "link"), "Page")
    creds = sb.options.credentials
    values: dict[str, Any] = {
        "id": caller.page_id,
        "name": creds.fb_page_name,
        "instagram_business_account": {"id": caller.ig_user_id},
        "link": f"https://www.facebook.com/{caller.page_id}",
    }
    return graph_ok({k: values[k] for k in fields})


def _fb_post(sb: Sandbox, post_id: str) -> dict[str, Any] | None:
    return sb.state.find_post("facebook", post_id)


def _render_post(post: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    extra = post.get("extra", {})
    values = {
        "id": post["id"],
        "message": post["text"],
        "created_time": graph_time(post["created_at"]),
        "permalink_url": post["url"],
        "link": extra.get("link"),
        "is_published": extra.get("published", True),
        "from": {"id": post["account"]},
    }
    return {k: values[k] for k in fields if values.get(k) is not None}


def list_posts(sb: Sandbox, request: Request, caller: Caller, edge: str) -> Response:
    """GET /{page}/feed, /published_posts, /posts: newest first, paged with cursors."""
    fields = requested_fields(request, ("id", "message", "created_time"), POST_FIELDS, "PagePost")
    posts = [p for p in sb.state.posts_of("facebook", caller.page_id) if p["extra"].get("published", True)]
    posts.reverse()
    body = paginate(
        request,
        posts,
        lambda p: _render_post(p, fields),
        version=caller.version,
        path=f"/{caller.page_id}/{edge}",
        token=caller.token,
    )
    return graph_ok(body)


def delete_post(sb: Sandbox, caller: Caller, post_id: str) -> Response:
    """DELETE /{page-post-id}: ``{"success": true}``, and the post is gone from every read
    (deleting it again is Graph's "does not exist" error, code 100 subcode 33)."""
    _require_write(caller)
    with sb.state.lock:
        post = _fb_post(sb, post_id)
        if post is None or post["account"] != caller.page_id:
            raise Reply(unknown_object(post_id, "DELETE"))
        sb.state.remove_post("facebook", post_id, deleted_at=iso_utc(sb.now()))
    return graph_ok({"success": True})


def _published(request: Request) -> bool:
    return request.values.get("published", "true").lower() not in ("false", "0")


def _require_write(caller: Caller) -> None:
    if not caller.can_write:
        raise Reply(graph_error(200, NO_PERMISSION, status=403))


def _store_fb_post(sb: Sandbox, caller: Caller, text: str, media: list[str], extra: dict[str, Any]) -> str:
    post_id = f"{caller.page_id}_{sb.state.next_fb_id()}"
    sb.state.add_post(
        {
            "network": "facebook",
            "id": post_id,
            "account": caller.page_id,
            "text": text,
            "created_at": iso_utc(sb.now()),
            "in_reply_to": None,
            "media": media,
            "url": f"https://www.facebook.com/{post_id}",
            "extra": extra,
        }
    )
    return post_id


def create_feed_post(sb: Sandbox, request: Request, caller: Caller) -> Response:
    """POST /{page}/feed: ``{"id": "{page}_{post}"}``; 506 for the same message twice in a row."""
    _require_write(caller)
    message = request.values.get("message", "")
    link = request.values.get("link")
    if not message and not link:
        raise Reply(graph_param_error("(#100) Either message or link must be specified"))
    with sb.state.lock:
        previous = sb.state.posts_of("facebook", caller.page_id)
        if message and previous and previous[-1]["text"] == message:
            raise Reply(
                graph_error(
                    506,
                    "Duplicate status message",
                    subcode=1455006,
                    user_title="Duplicate Status Update",
                    user_msg="This status update is identical to the last one you posted. Try posting something "
                    "different, or delete your previous update.",
                )
            )
        post_id = _store_fb_post(sb, caller, message, [], {"link": link, "published": _published(request)})
    return graph_ok({"id": post_id})


def create_photo(sb: Sandbox, request: Request, caller: Caller) -> Response:
    """POST /{page}/photos with ``url`` or multipart ``source``: ``{"id", "post_id"}``."""
    _require_write(caller)
    url = request.values.get("url")
    data: bytes | None
    if "source" in request.files:
        upload: bytes = request.files["source"].read(PHOTO_LIMIT + 1)
        data, too_big = upload, len(upload) > PHOTO_LIMIT
    elif url:
        data, too_big = fetch(url, PHOTO_LIMIT)
    else:
        raise Reply(graph_error(324, "(#324) Requires upload file", type_="OAuthException"))
    if data is None or too_big or sniff(data).mime is None:
        raise Reply(graph_error(324, "(#324) Missing or invalid image file"))
    caption = request.values.get("caption") or request.values.get("message") or ""
    with sb.state.lock:
        photo_id = sb.state.next_fb_id()
        if not _published(request):
            return graph_ok({"id": photo_id})
        media = [url or f"photo:{photo_id}"]
        post_id = _store_fb_post(sb, caller, caption, media, {"photo_id": photo_id, "published": True})
    return graph_ok({"id": photo_id, "post_id": post_id})
