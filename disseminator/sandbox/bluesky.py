"""A Bluesky PDS under ``/bluesky``: the XRPC methods the channel calls.

    POST /bluesky/xrpc/com.atproto.server.createSession   {identifier, password}
    POST /bluesky/xrpc/com.atproto.server.refreshSession  (Bearer refresh token)
    GET  /bluesky/xrpc/com.atproto.server.getSession
    GET  /bluesky/xrpc/com.atproto.identity.resolveHandle ?handle=
    POST /bluesky/xrpc/com.atproto.repo.uploadBlob        raw bytes, their Content-Type
    POST /bluesky/xrpc/com.atproto.repo.createRecord      {repo, collection, rkey, record}
    GET  /bluesky/xrpc/com.atproto.repo.getRecord         ?repo&collection&rkey
    GET  /bluesky/xrpc/com.atproto.repo.listRecords       ?repo&collection&limit&cursor
    POST /bluesky/xrpc/com.atproto.repo.deleteRecord      {repo, collection, rkey}

Errors are XRPC bodies ``{"error": name, "message": text}`` with the PDS's statuses (see
docs/sandbox.md for the documents each follows).  Writes cost points against the
account's limits (create 3, delete 1; 5,000 an hour, 35,000 a day) and every answer to
a write carries ``ratelimit-limit/-remaining/-reset/-policy``.  A create with a record
key the repository already holds is refused (400 InvalidRequest, "Record already
exists"): the channel's exact reconciliation rests on it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from typing import TYPE_CHECKING, Any

import regex
from werkzeug.wrappers import Request, Response

from disseminator.sandbox.credentials import BskyUser, default_bsky_users
from disseminator.sandbox.respond import json_response
from disseminator.sandbox.state import iso_utc

if TYPE_CHECKING:
    from disseminator.sandbox.core import Sandbox

PREFIX = "/bluesky"
POST = "app.bsky.feed.post"
HOUR_POINTS, DAY_POINTS = 5000, 35000
POINTS = {"createRecord": 3, "deleteRecord": 1}
MAX_GRAPHEMES, MAX_BYTES, MAX_IMAGE_BYTES, MAX_IMAGES = 300, 3000, 1_000_000, 4
_TID = re.compile(r"[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}")


def xrpc_error(status: int, error: str, message: str, headers: dict[str, str] | None = None) -> Response:
    """An XRPC error body (atproto.com/specs/xrpc)."""
    return json_response({"error": error, "message": message}, status, headers=headers)


class _Refusal(Exception):
    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


def _refuse(status: int, error: str, message: str) -> _Refusal:
    return _Refusal(xrpc_error(status, error, message))


def handle(sb: Sandbox, request: Request) -> Response:
    """Answer one request under ``/bluesky``."""
    method = request.path[len(PREFIX):].removeprefix("/xrpc/")
    handler = HANDLERS.get(method)
    if handler is None or request.method != handler[0]:
        return xrpc_error(404 if handler is None else 405, "MethodNotImplemented", "Method Not Implemented")
    try:
        return handler[1](sb, request)
    except _Refusal as refusal:
        return refusal.response


# ---------------------------------------------------------------------------- sessions


def _users(sb: Sandbox) -> tuple[BskyUser, ...]:
    return default_bsky_users(sb.options.credentials)


def _token(kind: str, did: str) -> str:
    """A token shaped like the PDS's JWTs (the sandbox only looks them up)."""
    head = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').decode().rstrip("=")
    body = base64.urlsafe_b64encode(json.dumps({"scope": kind, "sub": did, "jti": os.urandom(8).hex()}).encode())
    return f"{head}.{body.decode().rstrip('=')}.{os.urandom(16).hex()}"


def _sessions(sb: Sandbox) -> dict[str, dict[str, str]]:
    sessions: dict[str, dict[str, str]] = sb.state.data.setdefault("bsky_sessions", {})
    return sessions


def _new_session(sb: Sandbox, user: BskyUser) -> Response:
    access, refresh = _token("com.atproto.appPass", user.did), _token("com.atproto.refresh", user.did)
    with sb.state.lock:
        _sessions(sb)[access] = {"kind": "access", "did": user.did, "password": user.app_password}
        _sessions(sb)[refresh] = {"kind": "refresh", "did": user.did, "password": user.app_password}
        sb.state.save()
    return json_response({"accessJwt": access, "refreshJwt": refresh, "handle": user.handle, "did": user.did,
                          "active": True})


def _authed(sb: Sandbox, request: Request, kind: str = "access") -> BskyUser:
    """The account a Bearer token belongs to; the PDS's refusals otherwise."""
    auth = request.headers.get("Authorization", "")
    if not auth.startswith("Bearer "):
        raise _refuse(401, "AuthMissing", "Authentication Required")
    with sb.state.lock:
        session = _sessions(sb).get(auth[len("Bearer "):])
    if session is None or session["kind"] != kind:
        raise _refuse(400, "InvalidToken", "Token could not be verified")
    if session.get("expired"):
        raise _refuse(400, "ExpiredToken", "Token has expired")
    if sb.is_revoked(session["password"]):
        raise _refuse(400, "InvalidToken", "Token has been revoked")
    return next(u for u in _users(sb) if u.did == session["did"])


def create_session(sb: Sandbox, request: Request) -> Response:
    body = _json(request)
    ident, password = str(body.get("identifier", "")).lstrip("@").lower(), body.get("password")
    for user in _users(sb):
        if ident in (user.handle, user.did) and password == user.app_password and not sb.is_revoked(password):
            return _new_session(sb, user)
    return xrpc_error(401, "AuthenticationRequired", "Invalid identifier or password")


def refresh_session(sb: Sandbox, request: Request) -> Response:
    user = _authed(sb, request, kind="refresh")
    with sb.state.lock:  # a refresh token is used once
        _sessions(sb).pop(request.headers["Authorization"][len("Bearer "):], None)
    return _new_session(sb, user)


def get_session(sb: Sandbox, request: Request) -> Response:
    user = _authed(sb, request)
    return json_response({"handle": user.handle, "did": user.did, "active": True})


def resolve_handle(sb: Sandbox, request: Request) -> Response:
    wanted = request.args.get("handle", "").lower()
    for user in _users(sb):
        if user.handle == wanted:
            return json_response({"did": user.did})
    return xrpc_error(400, "InvalidRequest", "Unable to resolve handle")


# ---------------------------------------------------------------------------- limits


def _spend(sb: Sandbox, user: BskyUser, method: str, request: Request) -> dict[str, str]:
    """Charge a write's points; the headers to send, or a 429 when a limit is used up."""
    now = sb.now()
    forced = sb.faults.rate_limited("bluesky", request.method, _paths(request))
    with sb.state.lock:
        spent = sb.state.data.setdefault("bsky_points", {}).setdefault(user.did, [])
        spent[:] = [e for e in spent if e[0] > now - 86400]
        hour = sum(p for t, p in spent if t > now - 3600)
        day = sum(p for _t, p in spent)
        cost = POINTS[method]
        oldest_hour = min((t for t, _p in spent if t > now - 3600), default=now)
        headers = {"ratelimit-limit": str(HOUR_POINTS), "ratelimit-policy": f"{HOUR_POINTS};w=3600",
                   "ratelimit-reset": str(int(oldest_hour + 3600))}
        if forced is not None or hour + cost > HOUR_POINTS or day + cost > DAY_POINTS:
            reset = int(forced["reset_at"]) if forced is not None else int(oldest_hour + 3600)
            headers.update({"ratelimit-remaining": "0", "ratelimit-reset": str(reset)})
            raise _Refusal(xrpc_error(429, "RateLimitExceeded", "Rate Limit Exceeded", headers))
        spent.append([now, cost])
        sb.state.save()
    headers["ratelimit-remaining"] = str(max(0, HOUR_POINTS - hour - cost))
    return headers


def _paths(request: Request) -> tuple[str, ...]:
    return (request.path, request.path[len(PREFIX):])


# ---------------------------------------------------------------------------- blobs and records


def _cid(data: bytes) -> str:
    """A CID-shaped id (base32 of a SHA-256), stable for the same bytes."""
    return "bafkrei" + base64.b32encode(hashlib.sha256(data).digest()).decode().lower().rstrip("=")


def upload_blob(sb: Sandbox, request: Request) -> Response:
    _authed(sb, request)
    data = request.get_data()
    mime = request.mimetype or "application/octet-stream"
    cid = _cid(data)
    with sb.state.lock:
        sb.state.data.setdefault("bsky_blobs", {})[cid] = {"mimeType": mime, "size": len(data)}
        sb.state.save()
    return json_response({"blob": {"$type": "blob", "ref": {"$link": cid}, "mimeType": mime, "size": len(data)}})


def _repo(user: BskyUser, repo: Any) -> None:
    if str(repo) not in (user.did, user.handle):
        raise _refuse(400, "InvalidRequest", "Input/repo must be the authenticated account")


def create_record(sb: Sandbox, request: Request) -> Response:
    user = _authed(sb, request)
    body = _json(request)
    _repo(user, body.get("repo"))
    if body.get("collection") != POST:
        raise _refuse(400, "InvalidRequest", f"Sandbox serves only {POST} records")
    rkey = str(body.get("rkey") or "")
    if rkey and not _TID.fullmatch(rkey):
        raise _refuse(400, "InvalidRequest", "Input/rkey must be a valid TID")
    record: dict[str, Any] = body["record"] if isinstance(body.get("record"), dict) else {}
    media = _check_post(sb, record)  # refuses an empty or wrong record
    headers = _spend(sb, user, "createRecord", request)
    with sb.state.lock:
        if not rkey:
            rkey = _next_tid(sb)
        if sb.state.find_post("bluesky", rkey) is not None:
            raise _refuse(400, "InvalidRequest", f"Record already exists: at://{user.did}/{POST}/{rkey}")
        cid = "bafyrei" + _cid(json.dumps(record, sort_keys=True).encode())[7:]
        uri = f"at://{user.did}/{POST}/{rkey}"
        parent = ((record.get("reply") or {}).get("parent") or {}).get("uri")
        sb.state.add_post({
            "network": "bluesky", "id": rkey, "account": user.did, "text": record["text"],
            "created_at": iso_utc(sb.now()), "in_reply_to": parent.rsplit("/", 1)[-1] if parent else None,
            "media": media, "url": f"https://bsky.app/profile/{user.handle}/post/{rkey}",
            "extra": {"uri": uri, "cid": cid, "record": record},
        })
    commit = {"cid": _cid(os.urandom(8)), "rev": _next_tid(sb)}
    return json_response({"uri": uri, "cid": cid, "commit": commit, "validationStatus": "valid"}, headers=headers)


def _next_tid(sb: Sandbox) -> str:
    micros = int(sb.now() * 1_000_000)
    value = (micros << 10) | 1
    return "".join("234567abcdefghijklmnopqrstuvwxyz"[(value >> (5 * i)) & 31] for i in reversed(range(13)))


def _check_post(sb: Sandbox, record: Any) -> list[str]:
    """The lexicon's rules for app.bsky.feed.post as the PDS validates them; the blob ids."""
    bad = "Invalid app.bsky.feed.post record: "
    if not isinstance(record, dict) or record.get("$type") != POST:
        raise _refuse(400, "InvalidRequest", "Invalid $type: must be app.bsky.feed.post")
    text = record.get("text")
    if not isinstance(text, str) or not isinstance(record.get("createdAt"), str):
        raise _refuse(400, "InvalidRequest", bad + "Record must have the properties \"text\" and \"createdAt\"")
    if len(regex.findall(r"\X", text)) > MAX_GRAPHEMES:
        raise _refuse(400, "InvalidRequest", bad + f"Record/text must not be longer than {MAX_GRAPHEMES} graphemes")
    size = len(text.encode("utf-8"))
    if size > MAX_BYTES:
        raise _refuse(400, "InvalidRequest", bad + f"Record/text must not be longer than {MAX_BYTES} characters")
    for i, facet in enumerate(record.get("facets") or []):
        index = facet.get("index") or {}
        start, end = index.get("byteStart"), index.get("byteEnd")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= size):
            raise _refuse(400, "InvalidRequest", bad + f"Record/facets/{i}/index is outside the text")
    return _check_embed(sb, record.get("embed"), bad)


def _check_embed(sb: Sandbox, embed: Any, bad: str) -> list[str]:
    if not embed:
        return []
    blobs: list[dict[str, Any]] = []
    if embed.get("$type") == "app.bsky.embed.images":
        images = embed.get("images") or []
        if len(images) > MAX_IMAGES:
            raise _refuse(400, "InvalidRequest", bad + f"Record/embed/images must not have more than {MAX_IMAGES} elements")
        blobs = [i.get("image") or {} for i in images]
    elif embed.get("$type") == "app.bsky.embed.external":
        external = embed.get("external") or {}
        if not external.get("uri") or "title" not in external or "description" not in external:
            raise _refuse(400, "InvalidRequest", bad + "Record/embed/external must have uri, title and description")
        blobs = [external["thumb"]] if external.get("thumb") else []
    out = []
    with sb.state.lock:
        known = sb.state.data.get("bsky_blobs", {})
        for blob in blobs:
            cid = (blob.get("ref") or {}).get("$link")
            if cid not in known:
                raise _refuse(400, "InvalidRequest", f"Could not find blob: {cid}")
            if known[cid]["size"] > MAX_IMAGE_BYTES:
                raise _refuse(400, "BlobTooLarge", f"This file is too large. It is {known[cid]['size']} bytes "
                              f"but the maximum size is {MAX_IMAGE_BYTES} bytes.")
            out.append(str(cid))
    return out


def _record_view(post: dict[str, Any]) -> dict[str, Any]:
    return {"uri": post["extra"]["uri"], "cid": post["extra"]["cid"], "value": post["extra"]["record"]}


def get_record(sb: Sandbox, request: Request) -> Response:
    repo, rkey = request.args.get("repo", ""), request.args.get("rkey", "")
    user = next((u for u in _users(sb) if repo in (u.did, u.handle)), None)
    post = sb.state.find_post("bluesky", rkey)
    if user is None or post is None or post["account"] != user.did or request.args.get("collection") != POST:
        return xrpc_error(400, "RecordNotFound", f"Could not locate record: at://{repo}/"
                                                 f"{request.args.get('collection')}/{rkey}")
    return json_response(_record_view(post))


def list_records(sb: Sandbox, request: Request) -> Response:
    repo = request.args.get("repo", "")
    user = next((u for u in _users(sb) if repo in (u.did, u.handle)), None)
    if user is None:
        return xrpc_error(400, "InvalidRequest", f"Could not find repo: {repo}")
    limit = min(max(int(request.args.get("limit", 50)), 1), 100)
    posts = sorted(sb.state.posts_of("bluesky", user.did), key=lambda p: p["id"], reverse=True)
    if cursor := request.args.get("cursor"):
        posts = [p for p in posts if p["id"] < cursor]
    page = posts[:limit]
    body: dict[str, Any] = {"records": [_record_view(p) for p in page]}
    if len(posts) > limit:
        body["cursor"] = page[-1]["id"]
    return json_response(body)


def delete_record(sb: Sandbox, request: Request) -> Response:
    user = _authed(sb, request)
    body = _json(request)
    _repo(user, body.get("repo"))
    headers = _spend(sb, user, "deleteRecord", request)
    post = sb.state.find_post("bluesky", str(body.get("rkey", "")))
    if post is not None and post["account"] == user.did:  # deleting nothing succeeds too, as on the PDS
        sb.state.remove_post("bluesky", post["id"], deleted_at=iso_utc(sb.now()))
    return json_response({"commit": {"cid": _cid(os.urandom(8)), "rev": _next_tid(sb)}}, headers=headers)


def _json(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(request.get_data(as_text=True) or "{}")
    except ValueError:
        raise _refuse(400, "InvalidRequest", "Request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise _refuse(400, "InvalidRequest", "Input must be an object")
    return body


HANDLERS = {
    "com.atproto.server.createSession": ("POST", create_session),
    "com.atproto.server.refreshSession": ("POST", refresh_session),
    "com.atproto.server.getSession": ("GET", get_session),
    "com.atproto.identity.resolveHandle": ("GET", resolve_handle),
    "com.atproto.repo.uploadBlob": ("POST", upload_blob),
    "com.atproto.repo.createRecord": ("POST", create_record),
    "com.atproto.repo.getRecord": ("GET", get_record),
    "com.atproto.repo.listRecords": ("GET", list_records),
    "com.atproto.repo.deleteRecord": ("POST", delete_record),
}
