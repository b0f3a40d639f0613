"""The Threads API (graph.threads.net/v1.0), served under ``/threads``.

Meta's flow (developers.facebook.com/docs/threads/posts): ``POST /{user}/threads`` makes
a media container (TEXT, IMAGE fetched from ``image_url``, CAROUSEL of 2-20 item
containers; ``reply_to_id`` makes it a reply), which is IN_PROGRESS for
``--container-delay`` seconds and then FINISHED (or ERROR with an ``error_message``);
``POST /{user}/threads_publish`` makes a FINISHED container public, within 250 posts
per rolling 24 hours.  Reads: the profile (``/me``), a container's status, a post,
``/{user}/threads`` (top-level posts), ``/{user}/replies``, ``threads_publishing_limit``,
``/{media}/insights``
and ``/debug_token``; ``DELETE /{media}`` deletes a post.  Errors are Graph's error
object with ``type`` THApiException.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

import regex
from werkzeug.wrappers import Request, Response

from disseminator.sandbox.faults import GRAPH_LIMIT_MESSAGES
from disseminator.sandbox.graph import refuse_token, split_version, token_info
from disseminator.sandbox.graphutil import fetch, graph_time, paginate, requested_fields
from disseminator.sandbox.images import sniff
from disseminator.sandbox.respond import Reply, graph_error, graph_ok
from disseminator.sandbox.state import iso_utc

if TYPE_CHECKING:
    from disseminator.sandbox.core import Sandbox

PREFIX = "/threads"
ORIGIN = "https://graph.threads.net"
TYPE = "THApiException"
MAX_TEXT, MAX_LINKS = 500, 5
MIN_CAROUSEL, MAX_CAROUSEL = 2, 20
MAX_IMAGE = 8 * 1024 * 1024
EXPIRY = 86400
QUOTA_WINDOW = 86400
#: A long-lived Threads token lives 60 days (docs/threads/get-started/long-lived-tokens).
TOKEN_LIFETIME = 60 * 86400
POST_FIELDS = ("id", "text", "timestamp", "permalink", "media_type", "media_product_type", "username",
               "shortcode", "media_url", "alt_text", "is_reply", "owner")
_EMOJI = regex.compile(r"\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"]+", re.IGNORECASE)


def _error(code: int, message: str, *, subcode: int | None = None, status: int = 400,
           user_msg: str | None = None) -> Reply:
    return Reply(graph_error(code, message, subcode=subcode, status=status, type_=TYPE, user_msg=user_msg,
                             is_transient=code in (1, 2)))


def text_length(text: str) -> int:
    """Threads' count: a character is one, an emoji (a grapheme with a pictograph, a
    regional indicator or a keycap) its UTF-8 bytes."""
    total = 0
    for grapheme in regex.findall(r"\X", text):
        total += len(grapheme.encode()) if _EMOJI.search(grapheme) else len(grapheme)
    return total


def _gone(object_id: str, method: str) -> Reply:
    return _error(100, f"Unsupported {method.lower()} request. Object with ID '{object_id}' does not exist, cannot be "
                       "loaded due to missing permissions, or does not support this operation", subcode=33)


# ---------------------------------------------------------------------------- front door


def handle(sb: Sandbox, request: Request) -> Response:
    """Answer one Threads request, with Graph-style error objects for anything refused."""
    _version, path = split_version(request.path[len(PREFIX):])
    creds = sb.options.credentials
    try:
        token = request.values.get("access_token") or request.headers.get("Authorization", "").removeprefix("Bearer ")
        if not token:
            raise _error(190, "An active access token must be used to query information about the current user.")
        if token != creds.threads_token:
            raise _error(190, "Invalid OAuth access token - Cannot parse access token")
        can_write = refuse_token(sb, token, type_=TYPE) is None
        if fault := sb.faults.rate_limited("threads", request.method, (request.path, path)):
            code = int(fault.get("graph_code", 4))
            response = _error(code, GRAPH_LIMIT_MESSAGES.get(code, f"(#{code}) Rate limited")).response
            # Threads documents no usage header; the sandbox sends Graph's app-level one
            # with the minutes to wait, as Meta's platform rate limiting does (an
            # assumption, see docs/sandbox.md: without it the channel waits 15 minutes).
            minutes = max(1, int((fault["reset_at"] - sb.now()) // 60))
            response.headers["X-App-Usage"] = json.dumps({"call_count": 100, "total_cputime": 100, "total_time": 100,
                                                          "estimated_time_to_regain_access": minutes})
            return response
        return _route(sb, request, [p for p in path.split("/") if p], can_write=can_write)
    except Reply as reply:
        return reply.response


def _route(sb: Sandbox, request: Request, parts: list[str], *, can_write: bool) -> Response:
    creds, method = sb.options.credentials, request.method
    if parts == ["debug_token"] and method == "GET":
        return graph_ok(token_info(sb, request, known=creds.threads_token, kind="USER", profile_id=creds.threads_user_id,
                                   scopes=["threads_basic", "threads_content_publish", "threads_delete"],
                                   lifetime=TOKEN_LIFETIME))
    if not parts:
        raise _error(100, "(#100) Missing node id")
    node = creds.threads_user_id if parts[0] == "me" else parts[0]
    if len(parts) == 1 and method == "GET":
        return _get_node(sb, request, node)
    if len(parts) == 1 and method == "DELETE":
        _require(can_write)
        return _delete(sb, node)
    if len(parts) == 2 and node == creds.threads_user_id:
        edge = parts[1]
        if edge == "threads" and method == "POST":
            _require(can_write)
            return _create(sb, request)
        if edge == "threads_publish" and method == "POST":
            _require(can_write)
            return _publish(sb, request)
        if edge in ("threads", "replies") and method == "GET":
            return _list(sb, request, replies=edge == "replies")
        if edge == "threads_publishing_limit" and method == "GET":
            fields = requested_fields(request, ("quota_usage",), ("quota_usage", "config"), "ThreadsPublishingLimit")
            values = {"quota_usage": _used(sb), "config": {"quota_total": sb.options.threads_quota,
                                                           "quota_duration": QUOTA_WINDOW}}
            return graph_ok({"data": [{k: values[k] for k in fields}]})
    if len(parts) == 2 and node != creds.threads_user_id:
        if parts[1] == "insights" and method == "GET" and (post := sb.state.find_post("threads", node)) is not None:
            from disseminator.sandbox.metrics import threads_insights

            return threads_insights(sb, request, post)
        raise _gone(node, method)
    raise _error(2500, f"Unknown path components: /{'/'.join(parts[1:])}")


def _require(can_write: bool) -> None:
    if not can_write:
        raise _error(10, "(#10) The user has not granted the threads_content_publish permission", status=403)


# ---------------------------------------------------------------------------- reads


def _status(sb: Sandbox, container: dict[str, Any]) -> str:
    if container.get("media_id"):
        return "PUBLISHED"
    if container.get("error"):
        return "ERROR"
    now = sb.now()
    if now >= container["created"] + EXPIRY:
        return "EXPIRED"
    items = [sb.state.data["th_containers"].get(c) for c in container.get("children", [])]
    if now < container["ready_at"] or any(i and _status(sb, i) == "IN_PROGRESS" for i in items):
        return "IN_PROGRESS"
    return "FINISHED"


def _get_node(sb: Sandbox, request: Request, node: str) -> Response:
    creds = sb.options.credentials
    if node == creds.threads_user_id:
        fields = requested_fields(request, ("id",), ("id", "username", "name", "threads_biography"), "ThreadsUser")
        values = {"id": node, "username": creds.threads_username, "name": creds.fb_page_name,
                  "threads_biography": "Akun sandbox"}
        return graph_ok({k: values[k] for k in fields})
    with sb.state.lock:
        container = sb.state.data["th_containers"].get(node)
        if container is not None:
            fields = requested_fields(request, ("id",), ("id", "status", "error_message"), "ThreadsMediaContainer")
            values = {"id": node, "status": _status(sb, container), "error_message": container.get("error")}
            return graph_ok({k: values[k] for k in ("id", *fields) if values[k] is not None})  # id always, as Meta's
    post = sb.state.find_post("threads", node)
    if post is None:
        raise _gone(node, "GET")
    return graph_ok(_render(sb, post, requested_fields(request, ("id",), POST_FIELDS, "ThreadsMedia")))


def _render(sb: Sandbox, post: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    extra = post["extra"]
    values = {
        "id": post["id"], "text": post["text"], "timestamp": graph_time(post["created_at"]),
        "permalink": post["url"], "media_type": extra["media_type"], "media_product_type": "THREADS",
        "username": sb.options.credentials.threads_username, "shortcode": extra["shortcode"],
        "media_url": post["media"][0] if post["media"] else None, "alt_text": extra.get("alt_text"),
        "is_reply": post["in_reply_to"] is not None, "owner": {"id": post["account"]},
    }
    return {k: values[k] for k in fields if values.get(k) is not None}


def _list(sb: Sandbox, request: Request, *, replies: bool) -> Response:
    """GET /{user}/threads (top-level posts) or /{user}/replies, newest first, paged."""
    fields = requested_fields(request, ("id",), POST_FIELDS, "ThreadsMedia")
    user = sb.options.credentials.threads_user_id
    posts = [p for p in reversed(sb.state.posts_of("threads", user)) if (p["in_reply_to"] is not None) == replies]
    return graph_ok(paginate(request, posts, lambda p: _render(sb, p, fields), version="v1.0",
                             path=f"/{user}/{'replies' if replies else 'threads'}", token=sb.options.credentials.threads_token,
                             origin=ORIGIN))


def _used(sb: Sandbox) -> int:
    since = sb.now() - QUOTA_WINDOW
    with sb.state.lock:
        return sum(1 for t in sb.state.data["th_publishes"].get(sb.options.credentials.threads_user_id, []) if t > since)


# ---------------------------------------------------------------------------- writes


def _image_problem(url: str) -> str | None:
    """What Threads' container would report for the image at ``url`` (None: usable)."""
    data, too_big = fetch(url, MAX_IMAGE)
    if data is None or too_big:
        return "UNKNOWN"  # not fetched, or over 8 MB: the documented catch-all
    info = sniff(data)
    if info.mime not in ("image/jpeg", "image/png") or not info.width or not info.height:
        return "UNKNOWN"
    if not 1 / 10 <= info.width / info.height <= 10:
        return "INVALID_ASPEC_RATIO"  # sic: Meta's spelling (docs/threads/troubleshooting)
    return None


def _check_text(text: str) -> None:
    if text_length(text) > MAX_TEXT:
        raise _error(100, f"(#100) Param text must be at most {MAX_TEXT} characters long.")
    if len({m.group() for m in _URL.finditer(text)}) > MAX_LINKS:
        raise _error(100, "THREADS_API__LINK_LIMIT_EXCEEDED: the post has more than 5 links.")


def _create(sb: Sandbox, request: Request) -> Response:
    """POST /{user}/threads: a TEXT, IMAGE or CAROUSEL container (or a carousel item)."""
    values = request.values
    media_type = values.get("media_type", "").upper()
    text = values.get("text", "")
    is_item = values.get("is_carousel_item", "false").lower() in ("true", "1")
    if media_type not in ("TEXT", "IMAGE", "CAROUSEL"):
        raise _error(100, f"(#100) media_type must be TEXT, IMAGE or CAROUSEL (the sandbox serves no {media_type or 'empty'})")
    if media_type == "TEXT" and not text.strip():
        raise _error(100, "(#100) The parameter text is required for media_type TEXT")
    _check_text(text)
    children: list[str] = []
    problem = None
    if media_type == "IMAGE":
        if not values.get("image_url"):
            raise _error(100, "(#100) The parameter image_url is required for media_type IMAGE")
        problem = _image_problem(values["image_url"])  # outside the lock: this sandbox may serve it
    with sb.state.lock:
        if media_type == "CAROUSEL":
            children = [c.strip() for c in values.get("children", "").split(",") if c.strip()]
            if not MIN_CAROUSEL <= len(children) <= MAX_CAROUSEL:
                raise _error(100, f"(#100) A carousel needs {MIN_CAROUSEL} to {MAX_CAROUSEL} children, got {len(children)}")
            for child in children:
                item = sb.state.data["th_containers"].get(child)
                if item is None or not item["is_carousel_item"]:
                    raise _error(24, f"The media with id {child} cannot be found", subcode=4279009)
        if (reply_to := values.get("reply_to_id")) and sb.state.find_post("threads", reply_to) is None:
            raise _gone(reply_to, "POST")
        container_id = sb.state.next_threads_id()
        sb.state.data["th_containers"][container_id] = {
            "kind": media_type, "text": text, "image_url": values.get("image_url"), "alt_text": values.get("alt_text"),
            "is_carousel_item": is_item, "children": children, "reply_to": reply_to or None, "error": problem,
            "created": sb.now(), "ready_at": sb.now() + sb.options.container_delay, "media_id": None,
        }
        sb.state.save()
    return graph_ok({"id": container_id})


def _publish(sb: Sandbox, request: Request) -> Response:
    """POST /{user}/threads_publish creation_id=...: ``{"id": media}``."""
    creation_id = request.values.get("creation_id")
    if not creation_id:
        raise _error(100, "(#100) The parameter creation_id is required")
    user = sb.options.credentials.threads_user_id
    with sb.state.lock:
        container = sb.state.data["th_containers"].get(creation_id)
        status = _status(sb, container) if container else None
        if container is None or container["is_carousel_item"] or status in ("PUBLISHED", "EXPIRED", "IN_PROGRESS"):
            # Meta's "Media Not Found" for a container it cannot publish (yet, or any more).
            raise _error(24, "The requested resource does not exist", subcode=4279009,
                         user_msg=f"Media Not Found: The media with id {creation_id} cannot be found.")
        if status == "ERROR":
            raise _error(100, f"(#100) The media container has an error: {container['error']}")
        if _used(sb) >= sb.options.threads_quota:
            raise _error(4, "(#4) Application request limit reached",
                         user_msg=f"The profile reached its {sb.options.threads_quota} API-published posts in 24 hours.")
        media_id = sb.state.next_threads_id()
        items = [sb.state.data["th_containers"][c] for c in container["children"]] or [container]
        shortcode = f"C{int(media_id) % 10**10:010d}"
        container["media_id"] = media_id
        sb.state.data["th_publishes"].setdefault(user, []).append(sb.now())
        kind = {"TEXT": "TEXT_POST", "IMAGE": "IMAGE", "CAROUSEL": "CAROUSEL_ALBUM"}[container["kind"]]
        sb.state.add_post({
            "network": "threads", "id": media_id, "account": user, "text": container["text"],
            "created_at": iso_utc(sb.now()), "in_reply_to": container["reply_to"],
            "media": [i["image_url"] for i in items if i.get("image_url")],
            "url": f"https://www.threads.net/@{sb.options.credentials.threads_username}/post/{shortcode}",
            "extra": {"container_id": creation_id, "shortcode": shortcode, "media_type": kind,
                      "alt_text": None if container["kind"] == "CAROUSEL" else container.get("alt_text")},
        })
    return graph_ok({"id": media_id})


def _delete(sb: Sandbox, media_id: str) -> Response:
    """DELETE /{media}: ``{"success": true, "deleted_id": ...}``; gone already: 100/33."""
    with sb.state.lock:
        post = sb.state.find_post("threads", media_id)
        if post is None:
            raise _gone(media_id, "DELETE")
        sb.state.remove_post("threads", media_id, deleted_at=iso_utc(sb.now()))
    return graph_ok({"success": True, "deleted_id": media_id})
