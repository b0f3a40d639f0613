"""Instagram content publishing: containers, status, publish, quota and media reads.

The flow is Meta's: ``POST /{ig}/media`` fetches ``image_url`` (JPEG only, <= 8 MiB,
aspect 4:5 to 1.91:1) and checks the caption, answering a container id; the container
is IN_PROGRESS for ``--container-delay`` seconds, then FINISHED; ``POST
/{ig}/media_publish`` turns a FINISHED container into a post, within the 24-hour quota.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request, Response

from disseminator.sandbox.graphutil import fetch, graph_time, paginate, requested_fields
from disseminator.sandbox.images import sniff
from disseminator.sandbox.respond import Reply, graph_error, graph_ok, graph_param_error
from disseminator.sandbox.state import iso_utc

if TYPE_CHECKING:
    from disseminator.sandbox.core import Sandbox
    from disseminator.sandbox.graphutil import Caller

MAX_IMAGE = 8 * 1024 * 1024
MAX_CAPTION, MAX_HASHTAGS, MAX_MENTIONS = 2200, 30, 20
MIN_RATIO, MAX_RATIO = 4 / 5, 1.91
EXPIRY = 86400
QUOTA_WINDOW = 86400
MEDIA_FIELDS = ("id", "caption", "timestamp", "permalink", "media_type", "media_product_type", "username",
                "shortcode", "media_url", "alt_text")
_HASHTAG = re.compile(r"(?<!\w)#\w+")
_MENTION = re.compile(r"(?<![\w@])@[\w.]+")
_SHORTCODE_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_STATUS_TEXT = {
    "IN_PROGRESS": "In Progress: Media is still being processed.",
    "FINISHED": "Finished: Media has been uploaded and it is ready to be published.",
    "PUBLISHED": "Published: Media has been published.",
    "EXPIRED": "Expired: Media was not published within 24 hours of being created.",
}


def _ig_error(code: int, subcode: int, title: str, message: str, *, top: str | None = None) -> Reply:
    """An Instagram publishing error: Meta puts the details in error_user_title/msg."""
    return Reply(
        graph_error(
            code, top or message, subcode=subcode, user_title=title, user_msg=message, is_transient=code in (-1, -2)
        )
    )


def _shortcode(media_id: str) -> str:
    value, out = int(media_id), ""
    while value:
        value, rem = divmod(value, 64)
        out = _SHORTCODE_DIGITS[rem] + out
    return out


def _status(sb: Sandbox, container: dict[str, Any]) -> str:
    if container.get("media_id"):
        return "PUBLISHED"
    now = sb.now()
    if now >= container["created"] + EXPIRY:
        return "EXPIRED"
    children = [sb.state.data["containers"].get(c) for c in container.get("children", [])]
    if now < container["ready_at"] or any(c and _status(sb, c) == "IN_PROGRESS" for c in children):
        return "IN_PROGRESS"
    return "FINISHED"


# ---------------------------------------------------------------------------- reads


def get_node(sb: Sandbox, request: Request, caller: Caller, node: str) -> Response | None:
    """GET of an Instagram node (the account, a container, a media), or None if not one."""
    if node == caller.ig_user_id:
        fields = requested_fields(request, ("id",), ("id", "username", "name", "media_count"), "IGUser")
        creds = sb.options.credentials
        values = {"id": node, "username": creds.ig_username, "name": creds.fb_page_name,
                  "media_count": len(sb.state.posts_of("instagram", node))}
        return graph_ok({k: values[k] for k in fields})
    with sb.state.lock:
        container = sb.state.data["containers"].get(node)
        if container is not None and container["ig_user"] == caller.ig_user_id:
            fields = requested_fields(request, ("id",), ("id", "status_code", "status"), "ShadowIGMediaBuilder")
            code = _status(sb, container)
            values = {"id": node, "status_code": code, "status": _STATUS_TEXT[code]}
            return graph_ok({k: values[k] for k in fields})
    post = sb.state.find_post("instagram", node)
    if post is not None and post["account"] == caller.ig_user_id:
        fields = requested_fields(request, ("id",), MEDIA_FIELDS, "IGMedia")
        return graph_ok(_render_media(sb, post, fields))
    return None


def _render_media(sb: Sandbox, post: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    extra = post["extra"]
    values = {
        "id": post["id"],
        "caption": post["text"],
        "timestamp": graph_time(post["created_at"]),
        "permalink": post["url"],
        "media_type": extra["media_type"],
        "media_product_type": "FEED",
        "username": sb.options.credentials.ig_username,
        "shortcode": extra["shortcode"],
        "media_url": post["media"][0] if post["media"] else None,
        "alt_text": extra.get("alt_text"),
    }
    return {k: values[k] for k in fields if values.get(k) is not None}


def edge(sb: Sandbox, request: Request, caller: Caller, name: str) -> Response:
    """The edges of the Instagram account: media, media_publish, content_publishing_limit."""
    if name == "media" and request.method == "POST":
        if not caller.can_write:
            raise Reply(graph_error(10, "(#10) Application does not have permission for this action", status=403))
        return create_container(sb, request, caller)
    if name == "media_publish" and request.method == "POST":
        if not caller.can_write:
            raise Reply(graph_error(10, "(#10) Application does not have permission for this action", status=403))
        return publish(sb, request, caller)
    if name == "media" and request.method == "GET":
        fields = requested_fields(request, ("id",), MEDIA_FIELDS, "IGMedia")
        posts = list(reversed(sb.state.posts_of("instagram", caller.ig_user_id)))
        return graph_ok(
            paginate(request, posts, lambda p: _render_media(sb, p, fields), version=caller.version,
                     path=f"/{caller.ig_user_id}/media", token=caller.token)
        )
    if name == "content_publishing_limit" and request.method == "GET":
        fields = requested_fields(
            request, ("quota_usage",), ("quota_usage", "config"), "ContentPublishingLimitResponse"
        )
        values = {"quota_usage": _quota_used(sb, caller.ig_user_id),
                  "config": {"quota_total": sb.options.ig_quota, "quota_duration": QUOTA_WINDOW}}
        return graph_ok({"data": [{k: values[k] for k in fields}]})
    raise Reply(graph_error(2500, f"Unknown path components: /{name}"))


def _quota_used(sb: Sandbox, ig_user: str) -> int:
    since = sb.now() - QUOTA_WINDOW
    with sb.state.lock:
        return sum(1 for t in sb.state.data["ig_publishes"].get(ig_user, []) if t > since)


# ---------------------------------------------------------------------------- writes


def _check_caption(caption: str) -> None:
    problems = []
    if len(caption) > MAX_CAPTION:
        problems.append(f"more than {MAX_CAPTION} characters")
    if len(_HASHTAG.findall(caption)) > MAX_HASHTAGS:
        problems.append(f"more than {MAX_HASHTAGS} hashtags")
    if len(_MENTION.findall(caption)) > MAX_MENTIONS:
        problems.append(f"more than {MAX_MENTIONS} @ tags")
    if problems:
        raise _ig_error(36004, 2207010, "Caption too long",
                        f"The caption has {' and '.join(problems)}.", top="Invalid parameter")


def _check_image(url: str) -> None:
    """Fetch and check an image the way Meta does; raises the matching IG error."""
    data, too_big = fetch(url, MAX_IMAGE)
    if data is None:
        raise _ig_error(9004, 2207052, "Media download has failed.",
                        f"The media could not be fetched from this uri: {url}",
                        top="Only photo or video can be accepted as media type.")
    if too_big:
        raise _ig_error(36000, 2207004, "Image size too large",
                        "The image is too large to download. It should be less than 8 MiB.")
    info = sniff(data)
    if info.mime != "image/jpeg" or not info.width or not info.height:
        raise _ig_error(36001, 2207005, "Unsupported format",
                        "The image format is not supported. Supported formats are: JPEG")
    ratio = info.width / info.height
    if not MIN_RATIO <= ratio <= MAX_RATIO:
        raise _ig_error(36003, 2207009, "Invalid aspect ratio",
                        f"The submitted image with aspect ratio ('{info.width}/{info.height}',) cannot be "
                        "published. Please submit an image with a valid aspect ratio.",
                        top="The aspect ratio is not supported.")


def _children(sb: Sandbox, caller: Caller, raw: str) -> list[str]:
    children = [c.strip() for c in raw.split(",") if c.strip()]
    if not 2 <= len(children) <= 10:
        raise _ig_error(100, 2207028, "Carousel item count", "Carousels need between 2 and 10 items.",
                        top="Invalid parameter")
    for child in children:
        container = sb.state.data["containers"].get(child)
        if container is None or container["ig_user"] != caller.ig_user_id or not container["is_carousel_item"]:
            raise _ig_error(24, 2207006, "Media not found",
                            f"The carousel item {child} does not exist or is not a carousel item.",
                            top="The requested resource does not exist")
    return children


def create_container(sb: Sandbox, request: Request, caller: Caller) -> Response:
    """POST /{ig}/media: an IMAGE (image_url) or CAROUSEL (children) container."""
    values = request.values
    media_type = values.get("media_type", "IMAGE").upper()
    caption = values.get("caption", "")
    is_item = values.get("is_carousel_item", "false").lower() in ("true", "1")
    if media_type not in ("IMAGE", "CAROUSEL"):
        raise _ig_error(100, 2207023, "Unknown media type",
                        f"The media type {media_type} is not supported by the sandbox (IMAGE, CAROUSEL).",
                        top="Invalid parameter")
    if not is_item:
        _check_caption(caption)
    children: list[str] = []
    image_url = values.get("image_url")
    if media_type == "CAROUSEL":
        with sb.state.lock:
            children = _children(sb, caller, values.get("children", ""))
    elif not image_url:
        raise Reply(graph_param_error("(#100) The parameter image_url is required"))
    else:
        _check_image(image_url)  # outside the lock: the image may be served by this sandbox
    with sb.state.lock:
        container_id = sb.state.next_ig_container_id()
        sb.state.data["containers"][container_id] = {
            "ig_user": caller.ig_user_id, "kind": media_type, "image_url": image_url, "caption": caption,
            "alt_text": values.get("alt_text"), "is_carousel_item": is_item, "children": children,
            "created": sb.now(), "ready_at": sb.now() + sb.options.container_delay, "media_id": None,
        }
        sb.state.save()
    return graph_ok({"id": container_id})


def publish(sb: Sandbox, request: Request, caller: Caller) -> Response:
    """POST /{ig}/media_publish creation_id=...: ``{"id": media}`` or the IG error."""
    creation_id = request.values.get("creation_id")
    if not creation_id:
        raise Reply(graph_param_error("(#100) The parameter creation_id is required"))
    with sb.state.lock:
        container = sb.state.data["containers"].get(creation_id)
        status = _status(sb, container) if container else None
        if container is None or container["ig_user"] != caller.ig_user_id or container["is_carousel_item"] \
                or status in ("PUBLISHED", "EXPIRED"):
            raise _ig_error(24, 2207008, "Media builder does not exist",
                            f"The media builder with creation id = {creation_id} does not exist or has expired.",
                            top="The requested resource does not exist")
        if status != "FINISHED":
            raise _ig_error(9007, 2207027, "Media ID is not available",
                            "The media is not ready for publishing, please wait for a moment")
        if _quota_used(sb, caller.ig_user_id) >= sb.options.ig_quota:
            raise _ig_error(9, 2207042, "Reached max number of published posts",
                            "You reached maximum number of posts that is allowed to be published by Content "
                            "Publishing API.", top="Application request limit reached")
        media_id = sb.state.next_ig_media_id()
        items = [sb.state.data["containers"][c] for c in container["children"]] or [container]
        shortcode = _shortcode(media_id)
        container["media_id"] = media_id
        sb.state.data["ig_publishes"].setdefault(caller.ig_user_id, []).append(sb.now())
        sb.state.add_post({
            "network": "instagram", "id": media_id, "account": caller.ig_user_id, "text": container["caption"],
            "created_at": iso_utc(sb.now()), "in_reply_to": None, "media": [i["image_url"] for i in items],
            "url": f"https://www.instagram.com/p/{shortcode}/",
            "extra": {"container_id": creation_id, "shortcode": shortcode, "alt_text": container.get("alt_text"),
                      "media_type": "CAROUSEL_ALBUM" if container["kind"] == "CAROUSEL" else "IMAGE"},
        })
    return graph_ok({"id": media_id})
