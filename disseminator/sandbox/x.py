"""The X API v2 endpoints: POST /2/tweets, DELETE /2/tweets/:id, GET /2/users/me,
GET /2/users/:id/tweets.

:func:`handle` is the X front door: it routes, checks the OAuth 1.0a signature and any
revocation, counts the call against the rate limit and adds the limit headers to
whatever the endpoint answers.  Media upload lives in :mod:`x_media`.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from disseminator.sandbox import metrics, oauth, x_media
from disseminator.sandbox.credentials import XUser
from disseminator.sandbox.ratelimit import spend_x, too_many_requests
from disseminator.sandbox.respond import (
    X_PROBLEMS,
    Reply,
    json_response,
    x_forbidden,
    x_invalid,
    x_not_found,
    x_problem,
    x_unauthorized,
)
from disseminator.sandbox.state import iso_utc
from disseminator.sandbox.xtext import MAX_WEIGHTED_LENGTH, weighted_length
from disseminator.sandbox.xvalidate import create_posts_error

if TYPE_CHECKING:
    from disseminator.sandbox.core import Sandbox

TOO_LONG = (
    "Your Tweet text is too long. For more information on how Twitter determines text length "
    "see https://github.com/twitter/twitter-text."
)
DUPLICATE = "You are not allowed to create a Tweet with duplicate content."
NOT_SUMMONED = (
    "Reply to this conversation is not allowed because you have not been mentioned or otherwise "
    "engaged by the author of the post you are replying to."
)
TWEET_FIELDS = ("created_at", "conversation_id", "in_reply_to_user_id", "referenced_tweets", "attachments", "author_id")

ROUTES = Map(
    [
        Rule("/2/tweets", methods=["POST"], endpoint="create_tweet"),
        Rule("/2/tweets", methods=["GET"], endpoint="tweets_lookup"),  # engagement (sandbox.metrics)
        Rule("/2/tweets/<tweet_id>", methods=["DELETE"], endpoint="delete_tweet"),
        Rule("/2/users/me", methods=["GET"], endpoint="users_me"),
        Rule("/2/users/<user_id>/tweets", methods=["GET"], endpoint="users_tweets"),
        Rule("/2/media/upload", methods=["GET", "POST"], endpoint="media_upload"),
        Rule("/2/media/upload/initialize", methods=["POST"], endpoint="media_initialize"),
        Rule("/2/media/upload/<media_id>/append", methods=["POST"], endpoint="media_append"),
        Rule("/2/media/upload/<media_id>/finalize", methods=["POST"], endpoint="media_finalize"),
        Rule("/2/media/metadata", methods=["POST"], endpoint="media_metadata"),
        Rule("/1.1/media/upload.json", methods=["GET", "POST"], endpoint="media_v1"),
        Rule("/1.1/media/metadata/create.json", methods=["POST"], endpoint="media_metadata_v1"),
    ],
    strict_slashes=False,
)

Handler = Callable[..., Response]


def handle(sb: Sandbox, request: Request) -> Response:
    """Answer one X request, with X's status codes, bodies and rate-limit headers."""
    try:
        endpoint, args = ROUTES.bind_to_environ(request.environ).match()
    except HTTPException:
        return x_not_found(request.path)
    form_body = None
    if request.mimetype == "application/x-www-form-urlencoded":
        form_body = request.get_data(as_text=True)
    user = oauth.verify(
        method=request.method,
        path=request.path,
        query_string=request.query_string.decode("latin-1"),
        form_body=form_body,
        authorization=request.headers.get("Authorization"),
        users=sb.x_users,
        extra_origins=(request.host_url.rstrip("/"),),
    )
    if user is None or sb.is_revoked(user.access_token):
        return x_unauthorized()
    limit_key = "media_upload" if endpoint.startswith("media") else endpoint
    headers, exhausted = spend_x(
        state=sb.state,
        faults=sb.faults,
        profile=sb.options.rate_limit_profile,
        user_id=user.user_id,
        endpoint=limit_key,
        method=request.method,
        paths=(request.path,),
        now=sb.now(),
        post_limit=sb.options.x_post_limit,
    )
    if exhausted:
        response = too_many_requests(sb.options.legacy_rate_limit_body)
    else:
        handler: Handler = HANDLERS[endpoint]
        try:
            response = handler(sb, request, user, **args)
        except Reply as reply:
            response = reply.response
    response.headers.update(headers)
    response.headers["x-access-level"] = "read-write"
    response.headers["x-transaction-id"] = os.urandom(8).hex()
    return response


# ---------------------------------------------------------------------------- tweets


def _json_body(request: Request) -> Any:
    try:
        return json.loads(request.get_data(as_text=True) or "null")
    except ValueError as exc:
        raise Reply(x_invalid(f"Request body is not valid JSON: {exc}")) from exc


def _check_media(sb: Sandbox, user: XUser, media_ids: list[str]) -> None:
    with sb.state.lock:
        media = sb.state.data["media"]
        for media_id in media_ids:
            item = media.get(media_id)
            owners = [item["owner"], *item.get("additional_owners", [])] if item else []
            if item is None or user.user_id not in owners or item["state"] != "succeeded":
                raise Reply(x_invalid("Your media IDs are invalid.", parameters={"media.media_ids": media_ids}))


def _check_reply(sb: Sandbox, user: XUser, target_id: str) -> dict[str, Any]:
    target = sb.state.find_post("x", target_id)
    if target is None:
        raise Reply(
            x_invalid(
                "The post you are replying to does not exist or has been deleted.",
                parameters={"reply.in_reply_to_tweet_id": [target_id]},
            )
        )
    policy = sb.options.reply_policy
    if policy == "summoned_only" or (policy == "allow_self" and target["account"] != user.user_id):
        raise Reply(x_forbidden(NOT_SUMMONED))
    return target


def create_tweet(sb: Sandbox, request: Request, user: XUser) -> Response:
    """POST /2/tweets: 201 with the new post, or X's 400/403 for what X refuses."""
    body = _json_body(request)
    if error := create_posts_error(body):
        raise Reply(x_invalid(error))
    text: str = body.get("text", "")
    media_ids: list[str] = body.get("media", {}).get("media_ids", [])
    if not text and not media_ids:
        raise Reply(x_invalid("Post text is empty and no media was attached.", parameters={"text": [""]}))
    if weighted_length(text) > MAX_WEIGHTED_LENGTH:
        raise Reply(x_invalid(TOO_LONG, parameters={"text": [text]}))
    _check_media(sb, user, media_ids)
    reply_to = body.get("reply", {}).get("in_reply_to_tweet_id")
    with sb.state.lock:
        target = _check_reply(sb, user, reply_to) if reply_to else None
        if text and any(p["text"] == text for p in sb.state.posts_of("x", user.user_id)):
            raise Reply(x_forbidden(DUPLICATE))
        post_id = sb.state.next_snowflake()
        conversation = target["extra"]["conversation_id"] if target else post_id
        sb.state.add_post(
            {
                "network": "x",
                "id": post_id,
                "account": user.user_id,
                "text": text,
                "created_at": iso_utc(sb.now()),
                "in_reply_to": reply_to,
                "media": list(media_ids),
                "url": f"https://x.com/{user.username}/status/{post_id}",
                "extra": {
                    "conversation_id": conversation,
                    "in_reply_to_user_id": target["account"] if target else None,
                },
            }
        )
    data = {"id": post_id, "text": text, "edit_history_tweet_ids": [post_id], "edit_history_post_ids": [post_id]}
    return json_response({"data": data}, 201)


NOT_YOURS = "You are not allowed to delete this Tweet."


def delete_tweet(sb: Sandbox, request: Request, user: XUser, tweet_id: str) -> Response:
    """DELETE /2/tweets/:id: 200 ``{"data": {"deleted": true}}``, and the post is gone from
    every read; 404 for a post that does not exist (or is deleted already); 403 for
    another account's post."""
    with sb.state.lock:
        post = sb.state.find_post("x", tweet_id)
        if post is None:
            detail = f"Could not find tweet with id: [{tweet_id}]."
            raise Reply(x_problem(404, "Not Found Error", detail, type_=X_PROBLEMS + "resource-not-found",
                                  resource_type="tweet", resource_id=tweet_id, parameter="id", value=tweet_id))
        if post["account"] != user.user_id:
            raise Reply(x_forbidden(NOT_YOURS))
        sb.state.remove_post("x", tweet_id, deleted_at=iso_utc(sb.now()))
    return json_response({"data": {"deleted": True}})


# ---------------------------------------------------------------------------- users


def users_me(sb: Sandbox, request: Request, user: XUser) -> Response:
    """GET /2/users/me: who the access token belongs to."""
    return json_response({"data": {"id": user.user_id, "name": user.name, "username": user.username}})


def _to_base36(value: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while value:
        value, rem = divmod(value, 36)
        out = digits[rem] + out
    return out or "0"


def _param_error(name: str, value: str, why: str) -> Reply:
    return Reply(x_invalid(f"The `{name}` query parameter value [{value}] {why}", parameters={name: [value]}))


def _timestamp(iso: str) -> float:
    return dt.datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def _time_param(args: Any, name: str) -> float | None:
    raw = args.get(name)
    if raw is None:
        return None
    try:
        return _timestamp(raw)
    except ValueError as exc:
        raise _param_error(name, raw, "is not a valid RFC 3339 date-time") from exc


def _tco(seed: str) -> str:
    import hashlib

    return "https://t.co/" + hashlib.sha1(seed.encode()).hexdigest()[:10]


def shown_text(post: dict[str, Any]) -> str:
    """The text as X returns it when read back, not as it was sent: links wrapped in
    t.co, ``& < >`` HTML-escaped, and one t.co link per post with media at the end."""
    from channels.text import extract_urls_with_indices

    text = post["text"]
    for url in reversed(extract_urls_with_indices(text)):
        text = text[: url.start] + _tco(post["id"] + url.value) + text[url.end :]
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if post["media"]:
        text += " " + _tco(post["id"] + "/photo/1")
    return text


def _post_view(post: dict[str, Any], fields: set[str]) -> dict[str, Any]:
    view: dict[str, Any] = {"id": post["id"], "text": shown_text(post), "edit_history_tweet_ids": [post["id"]]}
    extra = post.get("extra", {})
    if "created_at" in fields:
        view["created_at"] = post["created_at"]
    if "author_id" in fields:
        view["author_id"] = post["account"]
    if "conversation_id" in fields:
        view["conversation_id"] = extra.get("conversation_id", post["id"])
    if "in_reply_to_user_id" in fields and extra.get("in_reply_to_user_id"):
        view["in_reply_to_user_id"] = extra["in_reply_to_user_id"]
    if "referenced_tweets" in fields and post["in_reply_to"]:
        view["referenced_tweets"] = [{"type": "replied_to", "id": post["in_reply_to"]}]
    if "attachments" in fields and post["media"]:
        view["attachments"] = {"media_keys": [f"3_{m}" for m in post["media"]]}
    return view


def users_tweets(sb: Sandbox, request: Request, user: XUser, user_id: str) -> Response:
    """GET /2/users/:id/tweets: newest first, with X's paging and filters."""
    args = request.args
    if not any(u.user_id == user_id for u in sb.x_users):
        detail = f"Could not find user with id: [{user_id}]."
        error = {"value": user_id, "detail": detail, "title": "Not Found Error", "resource_type": "user",
                 "parameter": "id", "resource_id": user_id, "type": "https://api.x.com/2/problems/resource-not-found"}
        return json_response({"errors": [error]})
    raw_max = args.get("max_results", "10")
    if not raw_max.isdigit() or not 5 <= int(raw_max) <= 100:
        raise _param_error("max_results", raw_max, "is not between 5 and 100")
    fields = set(filter(None, args.get("tweet.fields", "").split(",")))
    if unknown := fields - set(TWEET_FIELDS) - {"id", "text", "edit_history_tweet_ids"}:
        raise _param_error("tweet.fields", ",".join(sorted(unknown)), "is not one of " + ",".join(TWEET_FIELDS))
    start, end = _time_param(args, "start_time"), _time_param(args, "end_time")
    since_id, until_id = args.get("since_id"), args.get("until_id")
    posts = sorted(sb.state.posts_of("x", user_id), key=lambda p: int(p["id"]), reverse=True)
    if since_id:
        posts = [p for p in posts if int(p["id"]) > int(since_id)]
    if until_id:
        posts = [p for p in posts if int(p["id"]) < int(until_id)]
    if start is not None:
        posts = [p for p in posts if _timestamp(p["created_at"]) >= start]
    if end is not None:
        posts = [p for p in posts if _timestamp(p["created_at"]) <= end]
    if token := args.get("pagination_token"):
        try:
            below = int(token, 36)
        except ValueError as exc:
            raise _param_error("pagination_token", token, "is not valid") from exc
        posts = [p for p in posts if int(p["id"]) <= below]
    page, rest = posts[: int(raw_max)], posts[int(raw_max) :]
    meta: dict[str, Any] = {"result_count": len(page)}
    if page:
        meta.update(newest_id=page[0]["id"], oldest_id=page[-1]["id"])
    if rest:
        meta["next_token"] = _to_base36(int(rest[0]["id"]))
    body: dict[str, Any] = {"meta": meta}
    if page:
        body = {"data": [_post_view(p, fields) for p in page], "meta": meta}
    return json_response(body)


HANDLERS: dict[str, Handler] = {
    "create_tweet": create_tweet,
    "delete_tweet": delete_tweet,
    "users_me": users_me,
    "users_tweets": users_tweets,
    "tweets_lookup": functools.partial(metrics.x_lookup, view=_post_view, tweet_fields=TWEET_FIELDS),
    "media_upload": x_media.upload,
    "media_initialize": x_media.initialize,
    "media_append": x_media.append,
    "media_finalize": x_media.finalize,
    "media_v1": x_media.upload_v1,
    "media_metadata": x_media.metadata,
    "media_metadata_v1": x_media.metadata_v1,
}
