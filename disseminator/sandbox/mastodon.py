"""A Mastodon instance's REST API, served under ``/mastodon`` (an account's ``base_url``
is ``http://127.0.0.1:8765/mastodon``; its ``api_base_url`` names the instance)::

    GET    /api/v2/instance                      configuration (limits)
    GET    /api/v1/accounts/verify_credentials   the token's account
    GET    /api/v1/accounts/:id/statuses         newest first, max_id / limit (40 at most)
    POST   /api/v1/statuses                      Idempotency-Key kept an hour
    GET    /api/v1/statuses/:id, DELETE /api/v1/statuses/:id
    POST   /api/v2/media                         202, url null until processed
    GET    /api/v1/media/:id                     206 while processing, then 200 with url

Errors are ``{"error": "..."}`` with 401, 403, 404, 422 and 429 as the documentation
(docs.joinmastodon.org/entities/Error, /api/rate-limits, /methods/statuses, /methods/media)
describes; every answer carries ``X-RateLimit-Limit/Remaining/Reset`` (ISO 8601).
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from disseminator.sandbox.mastodon_text import length, to_html
from disseminator.sandbox.ratelimit import _spend
from disseminator.sandbox.respond import json_response
from disseminator.sandbox.state import iso_utc

if TYPE_CHECKING:
    from disseminator.sandbox.core import Sandbox

PREFIX = "/mastodon"
#: What GET /api/v2/instance says (mainline defaults); POST /_sandbox/mastodon/instance changes it.
INSTANCE = {"max_characters": 500, "max_media_attachments": 4, "characters_reserved_per_url": 23,
            "image_size_limit": 16777216, "description_limit": 1500}
IMAGE_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp", "image/heic", "image/avif"]
IDEMPOTENCY_SECONDS = 3600
#: Mastodon's defaults (config/initializers/rack_attack.rb, app/models/rate_limiter.rb):
#: family -> (calls, window seconds).
LIMITS = {"api": (300, 300), "statuses": (300, 3 * 3600), "media": (30, 1800), "delete": (30, 1800)}
#: GET /api/v1/media/:id answers 206 this many times before the media is processed.
PROCESSING_POLLS = 1

ROUTES = Map(
    [
        Rule("/api/v2/instance", methods=["GET"], endpoint="instance"),
        Rule("/api/v1/accounts/verify_credentials", methods=["GET"], endpoint="verify"),
        Rule("/api/v1/accounts/<account_id>/statuses", methods=["GET"], endpoint="account_statuses"),
        Rule("/api/v1/statuses", methods=["POST"], endpoint="post_status"),
        Rule("/api/v1/statuses/<status_id>", methods=["GET"], endpoint="get_status"),
        Rule("/api/v1/statuses/<status_id>", methods=["DELETE"], endpoint="delete_status"),
        Rule("/api/v2/media", methods=["POST"], endpoint="post_media"),
        Rule("/api/v1/media/<media_id>", methods=["GET"], endpoint="get_media"),
    ],
    strict_slashes=False,
)


def error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """Mastodon's error entity."""
    return json_response({"error": message}, status, headers=headers)


def strip(path: str) -> str:
    """The instance path of a sandbox path (``/mastodon/api/v1/statuses`` -> ``/api/v1/statuses``)."""
    return path[len(PREFIX):] if path.startswith(PREFIX + "/") else path


def instance_config(sb: Sandbox) -> dict[str, int]:
    with sb.state.lock:
        return {**INSTANCE, **sb.state.data.get("mastodon_instance", {})}


def set_instance(sb: Sandbox, body: dict[str, Any]) -> dict[str, int]:
    """``POST /_sandbox/mastodon/instance``: change what the instance says of its limits."""
    unknown = set(body) - set(INSTANCE)
    if unknown or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in body.values()):
        raise ValueError(f"instance limits are positive whole numbers among {', '.join(INSTANCE)}")
    with sb.state.lock:
        sb.state.data.setdefault("mastodon_instance", {}).update(body)
        sb.state.save()
    return instance_config(sb)


def _account(sb: Sandbox) -> dict[str, str]:
    creds = sb.options.credentials
    return {"id": creds.mastodon_account_id, "username": creds.mastodon_username, "token": creds.mastodon_token}


def handle(sb: Sandbox, request: Request) -> Response:
    """Answer one Mastodon request (its path with or without the ``/mastodon`` prefix)."""
    path = strip(request.path)
    try:
        endpoint, args = ROUTES.bind("sandbox").match(path, method=request.method)
    except HTTPException:
        return error(404, "Record not found")
    instance = f"https://{sb.options.credentials.mastodon_host}"
    if endpoint == "instance":  # public, no token
        return json_response(_instance(sb, instance))
    me = _account(sb)
    auth = request.headers.get("Authorization", "")
    token = auth[7:] if auth.startswith("Bearer ") else ""
    if token != me["token"]:
        return error(401, "The access token is invalid")
    if sb.is_revoked(token):
        return error(401, "The access token was revoked")
    family = {"post_status": "statuses", "post_media": "media", "delete_status": "delete"}.get(endpoint, "api")
    headers, exhausted = _spend_limit(sb, me["id"], family, request.method, path)
    if exhausted:
        return error(429, "Too many requests", headers)
    response = HANDLERS[endpoint](sb, request, me, instance, **args)
    response.headers.update(headers)
    return response


def _spend_limit(sb: Sandbox, account: str, family: str, method: str, path: str) -> tuple[dict[str, str], bool]:
    """Count the call in its family's window; the headers of that window and whether to refuse.
    A ``rate_limit`` fault for mastodon means none left until its reset."""
    limit, window = LIMITS[family]
    fault = sb.faults.rate_limited("mastodon", method, (PREFIX + path, path))
    with sb.state.lock:
        if fault is not None:
            remaining, reset, exhausted = 0, int(fault["reset_at"]), True
        else:
            remaining, reset, exhausted = _spend(sb.state, f"mastodon|{account}|{family}", window, limit, sb.now())
        sb.state.save()
    stamp = dt.datetime.fromtimestamp(reset, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000000Z")
    return {"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": str(remaining), "X-RateLimit-Reset": stamp}, exhausted


def _instance(sb: Sandbox, instance: str) -> dict[str, Any]:
    c = instance_config(sb)
    return {
        "domain": instance.split("://")[-1], "title": "Sandbox Mastodon", "version": "4.3.0",
        "source_url": "https://github.com/mastodon/mastodon", "description": "A local stand-in for a Mastodon instance",
        "configuration": {
            "urls": {"streaming": "wss://" + instance.split("://")[-1]},
            "accounts": {"max_featured_tags": 10, "max_pinned_statuses": 5},
            "statuses": {"max_characters": c["max_characters"], "max_media_attachments": c["max_media_attachments"],
                         "characters_reserved_per_url": c["characters_reserved_per_url"]},
            "media_attachments": {"supported_mime_types": IMAGE_TYPES, "description_limit": c["description_limit"],
                                  "image_size_limit": c["image_size_limit"], "image_matrix_limit": 33177600,
                                  "video_size_limit": 103809024, "video_frame_rate_limit": 120,
                                  "video_matrix_limit": 8294400},
            "polls": {"max_options": 4, "max_characters_per_option": 50, "min_expiration": 300,
                      "max_expiration": 2629746},
            "translation": {"enabled": False},
        },
        "registrations": {"enabled": False, "approval_required": False, "message": None},
    }


def _account_entity(me: dict[str, str], instance: str) -> dict[str, Any]:
    return {"id": me["id"], "username": me["username"], "acct": me["username"], "display_name": "Sandbox Humas",
            "url": f"{instance}/@{me['username']}", "locked": False, "bot": False, "created_at": "2024-01-01T00:00:00.000Z"}


def _params(request: Request) -> dict[str, Any]:
    """Form or JSON parameters (Mastodon.py sends a form; ``media_ids[]`` repeats)."""
    if request.mimetype == "application/json":
        try:
            body = json.loads(request.get_data(as_text=True) or "{}")
        except ValueError:
            return {}
        return body if isinstance(body, dict) else {}
    form = request.form
    out: dict[str, Any] = {k: form.get(k) for k in form if not k.endswith("[]")}
    out["media_ids"] = form.getlist("media_ids[]") or form.getlist("media_ids")
    return out


def _status_entity(post: dict[str, Any], me: dict[str, str], instance: str) -> dict[str, Any]:
    extra = post.get("extra", {})
    with_media = [dict(m) for m in extra.get("media_attachments", [])]
    return {
        "id": post["id"], "created_at": post["created_at"], "in_reply_to_id": post.get("in_reply_to"),
        "in_reply_to_account_id": me["id"] if post.get("in_reply_to") else None, "sensitive": False,
        "spoiler_text": "", "visibility": extra.get("visibility", "public"), "language": extra.get("language"),
        "uri": f"{instance}/users/{me['username']}/statuses/{post['id']}", "url": post["url"],
        "replies_count": 0, "reblogs_count": 0, "favourites_count": 0, "edited_at": None,
        "content": to_html(post["text"], instance), "reblog": None,
        "application": {"name": "disseminator", "website": None}, "account": _account_entity(me, instance),
        "media_attachments": with_media, "mentions": [], "tags": [], "emojis": [], "card": None, "poll": None,
    }


def post_status(sb: Sandbox, request: Request, me: dict[str, str], instance: str) -> Response:
    params = _params(request)
    key = request.headers.get("Idempotency-Key")
    now = sb.now()
    with sb.state.lock:
        kept = sb.state.data.setdefault("mastodon_idempotency", {})
        for name in [k for k, v in kept.items() if v["at"] + IDEMPOTENCY_SECONDS <= now]:
            del kept[name]
        if key and f"{me['id']}|{key}" in kept:  # the same request again within the hour: the same status
            post = sb.state.find_post("mastodon", kept[f"{me['id']}|{key}"]["id"])
            if post is not None:
                return json_response(_status_entity(post, me, instance))
        text = str(params.get("status") or "")
        media_ids = [str(m) for m in params.get("media_ids") or []]
        config = instance_config(sb)
        visibility = str(params.get("visibility") or "public")
        if visibility not in ("public", "unlisted", "private", "direct"):
            return error(422, "Validation failed: Visibility is not included in the list")
        if not text.strip() and not media_ids:
            return error(422, "Validation failed: Text can't be blank")
        if length(text, url_chars=config["characters_reserved_per_url"]) > config["max_characters"]:
            return error(422, f"Validation failed: Text character limit of {config['max_characters']} exceeded")
        if len(media_ids) > config["max_media_attachments"]:
            return error(422, f"Cannot attach more than {config['max_media_attachments']} files")
        media = sb.state.data.setdefault("mastodon_media", {})
        attached = []
        for media_id in media_ids:
            item = media.get(media_id)
            if item is None or item.get("status_id"):
                return error(422, "Validation failed: Media attachments are invalid")
            if item["polls"] < PROCESSING_POLLS:
                return error(422, "Cannot attach files that have not finished processing. Try again in a moment!")
            attached.append(item)
        reply_to = params.get("in_reply_to_id")
        if reply_to and sb.state.find_post("mastodon", str(reply_to)) is None:
            return error(404, "The post you are trying to reply to does not appear to exist.")
        counter = sb.state.data["counters"].get("mastodon", 0) + 1
        sb.state.data["counters"]["mastodon"] = counter
        status_id = str((int(now * 1000) << 16) + (counter & 0xFFFF))
        for item in attached:
            item["status_id"] = status_id
        post = {
            "network": "mastodon", "id": status_id, "account": me["id"], "text": text,
            "created_at": iso_utc(now), "in_reply_to": str(reply_to) if reply_to else None,
            "media": media_ids, "url": f"{instance}/@{me['username']}/{status_id}",
            "extra": {"visibility": visibility, "language": params.get("language"), "idempotency_key": key,
                      "media_attachments": [_media_entity(i, instance) for i in attached]},
        }
        if key:
            kept[f"{me['id']}|{key}"] = {"id": status_id, "at": now}
        sb.state.add_post(post)
    return json_response(_status_entity(post, me, instance))


def get_status(sb: Sandbox, request: Request, me: dict[str, str], instance: str, status_id: str) -> Response:
    post = sb.state.find_post("mastodon", status_id)
    return json_response(_status_entity(post, me, instance)) if post else error(404, "Record not found")


def delete_status(sb: Sandbox, request: Request, me: dict[str, str], instance: str, status_id: str) -> Response:
    post = sb.state.find_post("mastodon", status_id)
    if post is None or post["account"] != me["id"]:
        return error(404, "Record not found")
    entity = {**_status_entity(post, me, instance), "text": post["text"]}
    sb.state.remove_post("mastodon", status_id, deleted_at=iso_utc(sb.now()))
    return json_response(entity)


def account_statuses(sb: Sandbox, request: Request, me: dict[str, str], instance: str, account_id: str) -> Response:
    if account_id != me["id"]:
        return error(404, "Record not found")
    try:
        limit = min(max(int(request.args.get("limit", 20)), 1), 40)
    except ValueError:
        limit = 20
    max_id = request.args.get("max_id")
    posts = sorted(sb.state.posts_of("mastodon", me["id"]), key=lambda p: int(p["id"]), reverse=True)
    if max_id:
        posts = [p for p in posts if int(p["id"]) < int(max_id)]
    return json_response([_status_entity(p, me, instance) for p in posts[:limit]])


def verify(sb: Sandbox, request: Request, me: dict[str, str], instance: str) -> Response:
    entity = _account_entity(me, instance)
    entity["source"] = {"privacy": "public", "sensitive": False, "language": "id", "note": ""}
    return json_response(entity)


def post_media(sb: Sandbox, request: Request, me: dict[str, str], instance: str) -> Response:
    upload = request.files.get("file")
    if upload is None:
        return error(422, "Validation failed: File can't be blank")
    data = upload.read()
    config = instance_config(sb)
    mime = upload.mimetype or ""
    if mime not in IMAGE_TYPES:
        return error(422, f"Validation failed: File content type is invalid ({mime})")
    if len(data) > config["image_size_limit"]:
        return error(422, f"Validation failed: File file size must be less than {config['image_size_limit']} Bytes")
    description = request.form.get("description") or None
    if description and len(description) > config["description_limit"]:
        return error(422, f"Validation failed: Description is too long (maximum is {config['description_limit']} characters)")
    with sb.state.lock:
        counter = sb.state.data["counters"].get("mastodon_media", 0) + 1
        sb.state.data["counters"]["mastodon_media"] = counter
        media_id = str((int(sb.now() * 1000) << 16) + (counter & 0xFFFF))
        item = {"id": media_id, "description": description, "size": len(data), "mime": mime, "polls": 0,
                "status_id": None, "token": secrets.token_hex(8)}
        sb.state.data.setdefault("mastodon_media", {})[media_id] = item
        sb.state.save()
    entity = _media_entity(item, instance)
    entity["url"] = None  # processed asynchronously: 202 Accepted, url null until done
    return json_response(entity, 202)


def get_media(sb: Sandbox, request: Request, me: dict[str, str], instance: str, media_id: str) -> Response:
    with sb.state.lock:
        item = sb.state.data.get("mastodon_media", {}).get(media_id)
        if item is None:
            return error(404, "Record not found")
        if item["polls"] < PROCESSING_POLLS:
            item["polls"] += 1
            sb.state.save()
            entity = _media_entity(item, instance)
            entity["url"] = None
            return json_response(entity, 206)
    return json_response(_media_entity(item, instance))


def _media_entity(item: dict[str, Any], instance: str) -> dict[str, Any]:
    url = f"{instance}/system/media_attachments/files/{item['id']}/original/{item['token']}"
    return {"id": item["id"], "type": "image", "url": url, "preview_url": url.replace("original", "small"),
            "remote_url": None, "description": item["description"], "blurhash": None,
            "meta": {"original": {"size": item["size"]}}}


HANDLERS: dict[str, Callable[..., Response]] = {"verify": verify, "account_statuses": account_statuses, "post_status": post_status,
            "get_status": get_status, "delete_status": delete_status, "post_media": post_media,
            "get_media": get_media}
