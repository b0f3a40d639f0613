"""X media upload: v2 simple and chunked (initialize/append/finalize/STATUS) and v1.1.

Images are checked the way X checks them: the bytes must be JPEG, PNG, GIF or WEBP
(sniffed, not taken from the declared type) and at most 5 MB (GIF 15 MB).  A media id
belongs to the user who uploaded it (plus ``additional_owners``); POST /2/tweets refuses
anyone else's.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request, Response

from disseminator.sandbox.credentials import XUser
from disseminator.sandbox.images import sniff
from disseminator.sandbox.respond import Reply, json_response, x_invalid

if TYPE_CHECKING:
    from disseminator.sandbox.core import Sandbox

CATEGORIES = ("tweet_image", "tweet_video", "tweet_gif", "dm_image", "dm_video", "dm_gif", "subtitles")
IMAGE_LIMIT = 5 * 1024 * 1024
GIF_LIMIT = 15 * 1024 * 1024
EXPIRES = 86400
MAX_ALT_TEXT = 1000


class MediaError(Exception):
    """The upload is refused; the message is X's reason."""


def _validate(data: bytes, category: str) -> dict[str, Any]:
    if category not in CATEGORIES:
        raise MediaError(f"media_category must be one of {', '.join(CATEGORIES)}")
    if not data:
        raise MediaError("media must not be empty")
    info = sniff(data)
    if category.endswith("_image") or category.endswith("_gif"):
        if info.mime is None:
            raise MediaError("Unsupported media type: images must be JPEG, PNG, GIF or WEBP")
        limit = GIF_LIMIT if info.mime == "image/gif" and category.endswith("_gif") else IMAGE_LIMIT
        if len(data) > limit:
            raise MediaError(f"File size exceeds {limit} bytes.")
    # The digest lets a test check that what arrived is byte for byte what was prepared.
    return {"mime": info.mime, "w": info.width, "h": info.height, "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest()}


def _describe(media_id: str, item: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": media_id,
        "media_key": f"3_{media_id}",
        "size": item["size"],
        "expires_after_secs": EXPIRES,
    }
    if item.get("mime"):
        out["image"] = {"image_type": item["mime"], "w": item["w"], "h": item["h"]}
    out["processing_info"] = {"state": item["state"], "progress_percent": 100}
    return out


def _store(sb: Sandbox, user: XUser, data: bytes, category: str, owners: list[str], media_id: str | None = None) -> str:
    checked = _validate(data, category)
    with sb.state.lock:
        media_id = media_id or sb.state.next_snowflake()
        sb.state.data["media"][media_id] = {
            "owner": user.user_id,
            "additional_owners": owners,
            "category": category,
            "state": "succeeded",
            "created": sb.now(),
            **checked,
        }
        sb.state.save()
    return media_id


def _owners(raw: Any) -> list[str]:
    if isinstance(raw, list):
        return [str(o) for o in raw]
    return [o for o in str(raw or "").split(",") if o]


def _b64(raw: str) -> bytes:
    try:
        return base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise MediaError("media is not valid base64") from exc


def _payload(request: Request) -> tuple[dict[str, Any], bytes | None]:
    """The request's fields and media bytes, from JSON (base64) or multipart/form."""
    if request.mimetype == "application/json":
        try:
            fields = json.loads(request.get_data(as_text=True) or "{}")
        except ValueError as exc:
            raise MediaError(f"Request body is not valid JSON: {exc}") from exc
        if not isinstance(fields, dict):
            raise MediaError("Request body must be a JSON object")
        media = fields.get("media")
        return fields, _b64(media) if isinstance(media, str) else None
    fields = dict(request.form.items())
    if "media" in request.files:
        return fields, request.files["media"].read()
    if "media_data" in fields:  # v1.1's base64 form field
        return fields, _b64(fields["media_data"])
    return fields, None


def _owned(sb: Sandbox, user: XUser, media_id: str) -> dict[str, Any]:
    item: dict[str, Any] | None = sb.state.data["media"].get(media_id)
    if item is None or item["owner"] != user.user_id:
        raise MediaError(f"Invalid media id: {media_id}")
    return item


# ---------------------------------------------------------------------------- commands


def _initialize(sb: Sandbox, user: XUser, fields: dict[str, Any]) -> dict[str, Any]:
    category = fields.get("media_category", "tweet_image")
    if category not in CATEGORIES:
        raise MediaError(f"media_category must be one of {', '.join(CATEGORIES)}")
    try:
        total = int(fields["total_bytes"])
    except (KeyError, ValueError) as exc:
        raise MediaError("total_bytes is required and must be an integer") from exc
    with sb.state.lock:
        media_id = sb.state.next_snowflake()
        sb.state.data["media"][media_id] = {
            "owner": user.user_id,
            "additional_owners": _owners(fields.get("additional_owners")),
            "category": category,
            "state": "initialized",
            "total_bytes": total,
            "declared_type": fields.get("media_type"),
            "size": 0,
            "created": sb.now(),
        }
        sb.state.chunks[media_id] = {}
        sb.state.save()
    return {"id": media_id, "media_key": f"3_{media_id}", "expires_after_secs": EXPIRES}


def _append(sb: Sandbox, user: XUser, media_id: str, fields: dict[str, Any], data: bytes | None) -> None:
    try:
        index = int(fields.get("segment_index", -1))
    except ValueError as exc:
        raise MediaError("segment_index must be an integer") from exc
    if not 0 <= index <= 999:
        raise MediaError("segment_index must be between 0 and 999")
    if data is None:
        raise MediaError("media is required")
    with sb.state.lock:
        item = _owned(sb, user, media_id)
        if item["state"] != "initialized" or media_id not in sb.state.chunks:
            raise MediaError(f"Media {media_id} is not awaiting segments")
        sb.state.chunks[media_id][index] = data


def _finalize(sb: Sandbox, user: XUser, media_id: str) -> dict[str, Any]:
    with sb.state.lock:
        item = _owned(sb, user, media_id)
        chunks = sb.state.chunks.pop(media_id, None)
        if item["state"] != "initialized" or chunks is None:
            raise MediaError(f"Media {media_id} is not awaiting finalize")
        data = b"".join(chunks[i] for i in sorted(chunks))
        if len(data) != item["total_bytes"]:
            item["state"] = "failed"
            raise MediaError(f"Segments total {len(data)} bytes, but total_bytes was {item['total_bytes']}")
        try:
            _store(sb, user, data, item["category"], item["additional_owners"], media_id)
        except MediaError:
            item["state"] = "failed"
            raise
        return _describe(media_id, sb.state.data["media"][media_id])


def _status(sb: Sandbox, user: XUser, media_id: str) -> dict[str, Any]:
    with sb.state.lock:
        return _describe(media_id, _owned(sb, user, media_id))


def _run(sb: Sandbox, request: Request, user: XUser, media_id: str | None = None) -> dict[str, Any]:
    """The command a media request carries; returns the v2 ``data`` object."""
    if request.method == "GET":
        return _status(sb, user, request.args.get("media_id", ""))
    fields, data = _payload(request)
    command = str(fields.get("command", "")).upper()
    media_id = media_id or fields.get("media_id")
    if command == "INIT":
        return _initialize(sb, user, fields)
    if command == "APPEND":
        _append(sb, user, str(media_id), fields, data)
        return {"expires_at": int(sb.now()) + EXPIRES}
    if command == "FINALIZE":
        return _finalize(sb, user, str(media_id))
    if data is None:
        raise MediaError("media is required")
    category = fields.get("media_category") or "tweet_image"
    new_id = _store(sb, user, data, category, _owners(fields.get("additional_owners")))
    return _describe(new_id, sb.state.data["media"][new_id])


def _v2(work: Any) -> Response:
    try:
        return json_response({"data": work()})
    except MediaError as exc:
        raise Reply(x_invalid(str(exc), parameters={"media": []})) from exc


def upload(sb: Sandbox, request: Request, user: XUser) -> Response:
    """POST /2/media/upload (simple, or legacy ``command=``) and GET ?command=STATUS."""
    return _v2(lambda: _run(sb, request, user))


def initialize(sb: Sandbox, request: Request, user: XUser) -> Response:
    """POST /2/media/upload/initialize: start a chunked upload."""
    return _v2(lambda: _initialize(sb, user, _payload(request)[0]))


def append(sb: Sandbox, request: Request, user: XUser, media_id: str) -> Response:
    """POST /2/media/upload/{id}/append: one segment (JSON base64 or multipart)."""

    def work() -> dict[str, Any]:
        fields, data = _payload(request)
        _append(sb, user, media_id, fields, data)
        return {"expires_at": int(sb.now()) + EXPIRES}

    return _v2(work)


def finalize(sb: Sandbox, request: Request, user: XUser, media_id: str) -> Response:
    """POST /2/media/upload/{id}/finalize: join the segments and check the media."""
    return _v2(lambda: _finalize(sb, user, media_id))


def upload_v1(sb: Sandbox, request: Request, user: XUser) -> Response:
    """upload.twitter.com/1.1/media/upload.json, as tweepy.API.media_upload calls it."""
    try:
        data = _run(sb, request, user)
    except MediaError as exc:
        return json_response({"errors": [{"code": 324, "message": str(exc)}]}, 400)
    if "id" not in data:  # APPEND answers 204 No Content on v1.1
        return Response(status=204)
    body = {"media_id": int(data["id"]), "media_id_string": data["id"]}
    body.update({k: v for k, v in data.items() if k not in ("id", "media_key")})
    if data.get("processing_info", {}).get("state") == "succeeded":
        body.pop("processing_info")
    return json_response(body)


def _set_alt_text(sb: Sandbox, user: XUser, media_id: Any, alt: Any) -> str:
    if not isinstance(media_id, str) or not media_id.isdigit() or len(media_id) > 19:
        raise MediaError("id: does not match the pattern ^[0-9]{1,19}$")
    text = alt.get("text") if isinstance(alt, dict) else None
    if not isinstance(text, str):
        raise MediaError("metadata.alt_text.text is required")
    if len(text) > MAX_ALT_TEXT:
        raise MediaError(f"metadata.alt_text.text must be at most {MAX_ALT_TEXT} characters")
    with sb.state.lock:
        _owned(sb, user, media_id)["alt_text"] = text
        sb.state.save()
    return text


def metadata(sb: Sandbox, request: Request, user: XUser) -> Response:
    """POST /2/media/metadata: attach alt text to the user's media."""

    def work() -> dict[str, Any]:
        fields, _ = _payload(request)
        media_id = fields.get("id")
        text = _set_alt_text(sb, user, media_id, (fields.get("metadata") or {}).get("alt_text"))
        return {"id": media_id, "associated_metadata": {"alt_text": {"text": text}}}

    return _v2(work)


def metadata_v1(sb: Sandbox, request: Request, user: XUser) -> Response:
    """POST /1.1/media/metadata/create.json (tweepy.API.create_media_metadata)."""
    try:
        fields, _ = _payload(request)
        _set_alt_text(sb, user, str(fields.get("media_id", "")), fields.get("alt_text"))
    except MediaError as exc:
        return json_response({"errors": [{"code": 324, "message": str(exc)}]}, 400)
    return Response(status=200)
