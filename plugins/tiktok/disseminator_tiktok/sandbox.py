"""A sandbox of TikTok's Content Posting API (photo posts), served by ``disseminator sandbox``.

Under the prefix ``/tiktok`` (an account's ``base_url`` is ``<sandbox>/tiktok``)::

    POST /v2/post/publish/creator_info/query/   the creator and its privacy levels
    POST /v2/post/publish/content/init/          a photo post -> publish_id (6 a minute)
    POST /v2/post/publish/status/fetch/          PROCESSING_DOWNLOAD, then PUBLISH_COMPLETE

As TikTok documents them (developers.tiktok.com: content-posting-api-reference-photo-
post, -get-video-status, -query-creator-info; tiktok-api-v2-error-handling): every answer
is ``{"data": ..., "error": {"code", "message", "log_id"}}``; a missing or unknown token is
401 ``access_token_invalid``; more than 6 ``init`` calls a minute per token is 429
``rate_limit_exceeded``; a title over 90 or a description over 4,000 UTF-16 units, a
media type other than PHOTO, 0 or more than 35 photos, a cover index out of range are 400
``invalid_params``; a privacy level the creator does not allow is 400
``privacy_level_option_mismatch``; a token of an app TikTok has not audited posting other
than SELF_ONLY is 403 ``unaudited_client_can_only_post_to_private_accounts``; a photo URL
on a domain not verified for the app (the sandbox's own host is) is 403
``url_ownership_unverified``.  TikTok pulls the photos: a photo the sandbox serves itself
(``/media/...``) that is not a JPEG or WebP makes the post FAILED
(``file_format_check_failed``), as TikTok does after accepting it.
"""

from __future__ import annotations

import itertools
import time
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from werkzeug.wrappers import Response

from disseminator.sandbox.plugins import SandboxNetwork
from disseminator.sandbox.respond import json_response
from disseminator.sandbox.state import iso_utc

if TYPE_CHECKING:
    from werkzeug.wrappers import Request

    from disseminator.sandbox.core import Sandbox

#: Test credentials (public, like the other sandbox credentials).
TOKEN = "act.sandbox-tiktok-humas"
UNAUDITED_TOKEN = "act.sandbox-tiktok-unaudited"
USERNAME = "humas_sandbox"
PRIVACY = ["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR", "SELF_ONLY"]
_ids = itertools.count(7_300_000_000_000_000_000 + int(time.time()) * 1000)


def _answer(data: Any, status: int = 200, code: str = "ok", message: str = "") -> Response:
    return json_response({"data": data, "error": {"code": code, "message": message,
                                                    "log_id": uuid.uuid4().hex[:24].upper()}}, status)


def error(status: int, entry: Mapping[str, Any]) -> Response:
    """An error in TikTok's shape (faults use it): the entry's ``code`` or the status's."""
    default = {401: "access_token_invalid", 429: "rate_limit_exceeded"}.get(
        status, "internal_error" if status >= 500 else "invalid_params")
    code = str(entry.get("code", default))
    return _answer({}, status, code, str(entry.get("message", f"Sandbox fault: {code}")))


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def handle(sb: Sandbox, request: Request, path: str) -> Response:
    """TikTok's answer to ``request`` (``path``: without the ``/tiktok`` prefix)."""
    auth = request.headers.get("Authorization", "")
    token = auth.removeprefix("Bearer ").strip()
    if token not in (TOKEN, UNAUDITED_TOKEN) or sb.is_revoked(token):
        return _answer({}, 401, "access_token_invalid", "The access token is invalid or not found in the request.")
    if request.method != "POST":
        return _answer({}, 404, "invalid_params", f"No route for {request.method} {path}")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return _answer({}, 400, "invalid_params", "The request body is not valid JSON.")
    state = sb.state.data.setdefault("tiktok", {"publishes": {}, "inits": {}})
    if path == "/v2/post/publish/creator_info/query/":
        return _answer({"creator_avatar_url": "https://p16.tiktokcdn.com/sandbox.jpeg", "creator_username": USERNAME,
                        "creator_nickname": "Humas Sandbox", "privacy_level_options": PRIVACY,
                        "comment_disabled": False, "duet_disabled": False, "stitch_disabled": False,
                        "max_video_post_duration_sec": 600})
    if path == "/v2/post/publish/content/init/":
        return _init(sb, state, token, body, request)
    if path == "/v2/post/publish/status/fetch/":
        return _status(sb, state, body)
    return _answer({}, 404, "invalid_params", f"No route for POST {path}")


def _init(sb: Sandbox, state: dict[str, Any], token: str, body: dict[str, Any], request: Request) -> Response:
    now = sb.now()
    if sb.faults.rate_limited("tiktok", "POST", ("/v2/post/publish/content/init/",)):
        return _answer({}, 429, "rate_limit_exceeded", "The API rate limit was exceeded. Please try again later.")
    with sb.state.lock:
        calls = [t for t in state["inits"].get(token, []) if now - t < 60]
        if len(calls) >= 6:
            return _answer({}, 429, "rate_limit_exceeded", "The API rate limit was exceeded. Please try again later.")
        state["inits"][token] = [*calls, now]
    info, source = body.get("post_info") or {}, body.get("source_info") or {}
    photos = source.get("photo_images") or []
    problem = None
    if body.get("media_type") != "PHOTO":
        problem = "media_type must be PHOTO"
    elif body.get("post_mode") not in ("DIRECT_POST", "MEDIA_UPLOAD"):
        problem = "post_mode must be DIRECT_POST or MEDIA_UPLOAD"
    elif source.get("source") != "PULL_FROM_URL":
        problem = "source_info.source must be PULL_FROM_URL for photos"
    elif not isinstance(photos, list) or not 1 <= len(photos) <= 35:
        problem = "photo_images must hold 1 to 35 URLs"
    elif not 0 <= int(source.get("photo_cover_index", 0)) < len(photos):
        problem = "photo_cover_index is out of range"
    elif _utf16(str(info.get("title", ""))) > 90:
        problem = "post_info.title is longer than 90 characters"
    elif _utf16(str(info.get("description", ""))) > 4000:
        problem = "post_info.description is longer than 4000 characters"
    if problem:
        return _answer({}, 400, "invalid_params", problem)
    level = info.get("privacy_level")
    if level not in PRIVACY:
        return _answer({}, 400, "privacy_level_option_mismatch", f"privacy_level {level!r} is not allowed for this creator")
    if token == UNAUDITED_TOKEN and level != "SELF_ONLY":
        return _answer({}, 403, "unaudited_client_can_only_post_to_private_accounts",
                       "Please review our integration guidelines: unaudited clients can only post to private accounts.")
    verified = {request.host.split(":")[0]}  # the sandbox serves the media folder itself
    if any(urlsplit(str(u)).hostname not in verified for u in photos):
        return _answer({}, 403, "url_ownership_unverified", "Please verify the ownership of the URL prefix or domain.")
    publish_id = f"p_pub_url~v2.{next(_ids)}"
    failure = next((r for r in (_pull(sb, str(u)) for u in photos) if r), None)
    with sb.state.lock:
        post_id = None if failure else str(next(_ids))
        state["publishes"][publish_id] = {"photos": photos, "polls": 0, "failure": failure, "post_id": post_id}
        if post_id:  # TikTok goes on publishing whether or not our answer arrives
            sb.state.add_post({
                "network": "tiktok", "id": post_id, "account": USERNAME,
                "text": f"{info.get('title', '')}\n\n{info.get('description', '')}".strip(),
                "created_at": iso_utc(now), "in_reply_to": None, "media": list(photos),
                "url": f"https://www.tiktok.com/@{USERNAME}/photo/{post_id}",
                "extra": {"privacy_level": level, "publish_id": publish_id},
            })
        sb.state.save()
    return _answer({"publish_id": publish_id})


def _pull(sb: Sandbox, url: str) -> str | None:
    """Why TikTok would fail pulling ``url`` (a photo the sandbox serves), or None."""
    path = urlsplit(url).path
    root = sb.options.media_dir
    if not path.startswith("/media/") or not root:
        return None
    file = Path(root) / path.removeprefix("/media/")
    if not file.is_file():
        return "file_format_check_failed"
    head = file.read_bytes()[:12]
    if head.startswith(b"\xff\xd8\xff") or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return None
    return "file_format_check_failed"


def _status(sb: Sandbox, state: dict[str, Any], body: dict[str, Any]) -> Response:
    with sb.state.lock:
        publish = state["publishes"].get(str(body.get("publish_id")))
        if publish is None:
            return _answer({}, 400, "invalid_params", "publish_id is invalid")
        publish["polls"] += 1
        if publish["failure"]:
            return _answer({"status": "FAILED", "fail_reason": publish["failure"]})
        if publish["polls"] < 2:
            return _answer({"status": "PROCESSING_DOWNLOAD", "uploaded_bytes": 0})
        return _answer({"status": "PUBLISH_COMPLETE", "publicaly_available_post_id": [int(publish["post_id"])],
                        "uploaded_bytes": 0})


def _account(url: str) -> str:
    return f"""[accounts.sandbox_tt]
channel = "tiktok"
base_url = "{url.rstrip('/')}/tiktok"
access_token = "{TOKEN}"
poll_seconds = 0.05
"""


NETWORK = SandboxNetwork(name="tiktok", prefix="/tiktok", handle=handle, error=error, account=_account,
                         write={"path": "/v2/post/publish/content/init/", "method": "POST"})
