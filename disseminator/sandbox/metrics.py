"""The networks' engagement endpoints, with plausible numbers that grow with a post's age.

X ``GET /2/tweets?ids=...&tweet.fields=public_metrics``; Graph ``GET /{post-id}?fields=
reactions.summary(true),comments.summary(true),shares`` and ``GET /{post-id}/insights?
metric=post_media_view,post_total_media_view_unique`` for a Page post; Instagram
``GET /{media-id}/insights?metric=views,reach,likes,comments,saved,shares`` (Meta's 2025
names: asking for ``impressions`` is refused as Graph refuses it now).

Numbers are deterministic per post (seeded by network and id) and never go down: each
figure is its post's eventual total times ``1 - exp(-age / 10 h)``, so about a tenth is
there after an hour, nine tenths after a day, and all of it after a week.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request, Response

from disseminator.sandbox.graphutil import Caller
from disseminator.sandbox.respond import Reply, graph_error, graph_ok, json_response, x_invalid

if TYPE_CHECKING:
    from disseminator.sandbox.core import Sandbox

#: How ``sandbox.x`` shows a post with the tweet fields asked for.
View = Callable[[dict[str, Any], set[str]], dict[str, Any]]
#: How ``sandbox.graph`` shows a Page post's plain fields.
PostRender = Callable[[dict[str, Any], list[str]], dict[str, Any]]

#: Seconds in which a post gathers about 63% of its eventual figures.
GROWTH = 10 * 3600.0
#: Eventual views of a post: the lowest and highest a post may get (seeded between).
VIEWS = (800, 40_000)
X_METRICS = ("retweet_count", "reply_count", "like_count", "quote_count", "bookmark_count", "impression_count")
FB_INSIGHTS = {"post_media_view": "Views", "post_total_media_view_unique": "Total media viewers"}
IG_INSIGHTS = {"views": "Views", "reach": "Accounts reached", "likes": "Likes", "comments": "Comments",
               "saved": "Saved", "shares": "Shares", "total_interactions": "Interactions"}
#: Threads media insights (docs/threads/insights).
TH_INSIGHTS = {"views": "Views", "likes": "Likes", "replies": "Replies", "reposts": "Reposts", "quotes": "Quotes",
               "shares": "Shares"}
#: Metrics Meta retired (2025): asking for one is Graph's invalid-metric error.
RETIRED = {"impressions", "plays", "post_impressions", "post_impressions_unique", "video_views"}


def eventual(network: str, post_id: str) -> dict[str, int]:
    """What the post ``post_id`` reaches in the end: views, reach and reactions, seeded."""
    rng = random.Random(hashlib.sha256(f"{network}:{post_id}".encode()).digest())
    views = int(math.exp(rng.uniform(math.log(VIEWS[0]), math.log(VIEWS[1]))))
    reach = int(views * rng.uniform(0.55, 0.85))
    likes = int(views * rng.uniform(0.01, 0.06))
    return {"views": views, "reach": reach, "likes": likes, "comments": int(likes * rng.uniform(0.05, 0.25)),
            "shares": int(likes * rng.uniform(0.05, 0.3)), "quotes": int(likes * rng.uniform(0.0, 0.05)),
            "saved": int(likes * rng.uniform(0.02, 0.15)), "bookmarks": int(likes * rng.uniform(0.01, 0.1))}


def figures(network: str, post_id: str, age_seconds: float) -> dict[str, int]:
    """The post's figures ``age_seconds`` after it was published (0 before)."""
    share = 1 - math.exp(-max(age_seconds, 0.0) / GROWTH)
    return {name: int(total * share) for name, total in eventual(network, post_id).items()}


def _age(sb: Sandbox, post: dict[str, Any]) -> float:
    created = dt.datetime.fromisoformat(str(post["created_at"]).replace("Z", "+00:00"))
    return sb.now() - created.timestamp()


# ---------------------------------------------------------------------------- X


def x_lookup(sb: Sandbox, request: Request, user: Any, *, view: View, tweet_fields: tuple[str, ...]) -> Response:
    """GET /2/tweets?ids=1,2&tweet.fields=public_metrics: the posts found in ``data``, the
    others as X's "Not Found Error" entries in ``errors`` (HTTP 200, as X answers).
    ``view`` renders a post with the fields asked (``sandbox.x`` gives it, and its fields)."""
    raw = request.args.get("ids", "")
    ids = [i for i in raw.split(",") if i]
    if not ids or len(ids) > 100 or not all(i.isdigit() for i in ids):
        raise Reply(x_invalid(f"The `ids` query parameter value [{raw}] is not valid: 1 to 100 post ids",
                              parameters={"ids": [raw]}))
    fields = set(filter(None, request.args.get("tweet.fields", "").split(",")))
    known = {*tweet_fields, "id", "text", "edit_history_tweet_ids", "public_metrics"}
    if unknown := fields - known:
        name = ",".join(sorted(unknown))
        raise Reply(x_invalid(f"The `tweet.fields` query parameter value [{name}] is not one of "
                              + ",".join(sorted(known)), parameters={"tweet.fields": [name]}))
    data, errors = [], []
    for post_id in ids:
        post = sb.state.find_post("x", post_id)
        if post is None:
            errors.append({"value": post_id, "detail": f"Could not find tweet with ids: [{post_id}].",
                           "title": "Not Found Error", "resource_type": "tweet", "parameter": "ids",
                           "resource_id": post_id, "type": "https://api.twitter.com/2/problems/resource-not-found"})
            continue
        shown = view(post, fields)
        if "public_metrics" in fields:
            got = figures("x", post_id, _age(sb, post))
            shown["public_metrics"] = {
                "retweet_count": got["shares"], "reply_count": got["comments"], "like_count": got["likes"],
                "quote_count": got["quotes"], "bookmark_count": got["bookmarks"], "impression_count": got["views"]}
        data.append(shown)
    body: dict[str, Any] = {}
    if data:
        body["data"] = data
    if errors:
        body["errors"] = errors
    return json_response(body)


# ---------------------------------------------------------------------------- Graph


def graph_route(sb: Sandbox, request: Request, caller: Caller, parts: list[str], *, render: PostRender,
                post_fields: tuple[str, ...]) -> Response | None:
    """A Graph engagement request (a Page post's reactions or insights, an Instagram
    media's insights), answered; None when ``parts`` is none of those.  ``render`` shows a
    Page post's plain ``post_fields`` (``sandbox.graph`` gives both)."""
    if request.method != "GET" or not parts or len(parts) > 2:
        return None
    node = parts[0]
    if len(parts) == 1:
        asked = _fields(request)
        if not asked & {"reactions", "comments", "shares"}:
            return None
        post = sb.state.find_post("facebook", node)
        return None if post is None else graph_ok(_fb_post_fields(sb, post, asked, render, post_fields))
    if parts[1] != "insights":
        return None
    if (post := sb.state.find_post("facebook", node)) is not None and post["account"] == caller.page_id:
        return graph_ok(_insights(sb, request, post, "facebook", FB_INSIGHTS))
    if (post := sb.state.find_post("instagram", node)) is not None and post["account"] == caller.ig_user_id:
        return graph_ok(_insights(sb, request, post, "instagram", IG_INSIGHTS))
    return None


def _fields(request: Request) -> set[str]:
    """The field names asked for, modifiers (``.summary(true)``) left off."""
    raw = request.values.get("fields", "")
    return {f.strip().split(".", 1)[0].split("{", 1)[0] for f in raw.split(",") if f.strip()}


def _fb_post_fields(sb: Sandbox, post: dict[str, Any], asked: set[str], render: PostRender,
                    post_fields: tuple[str, ...]) -> dict[str, Any]:
    known = {*post_fields, "reactions", "comments", "shares"}
    if unknown := sorted(asked - known):
        raise Reply(graph_error(100, f"(#100) Tried accessing nonexisting field ({unknown[0]}) on node type (PagePost)"))
    got = figures("facebook", post["id"], _age(sb, post))
    body = render(post, [f for f in asked if f in post_fields])
    body["id"] = post["id"]
    if "reactions" in asked:
        body["reactions"] = {"data": [], "summary": {"total_count": got["likes"], "viewer_reaction": "NONE"}}
    if "comments" in asked:
        body["comments"] = {"data": [], "summary": {"order": "ranked", "total_count": got["comments"],
                                                    "can_comment": True}}
    if "shares" in asked and got["shares"]:
        body["shares"] = {"count": got["shares"]}  # Graph leaves ``shares`` out while there are none
    return body


def threads_insights(sb: Sandbox, request: Request, post: dict[str, Any]) -> Response:
    """``GET /{threads-media-id}/insights?metric=...`` for a Threads post."""
    return graph_ok(_insights(sb, request, post, "threads", TH_INSIGHTS))


def _insights(sb: Sandbox, request: Request, post: dict[str, Any], network: str,
              names: dict[str, str]) -> dict[str, Any]:
    """``/{id}/insights?metric=a,b``: one entry per metric, lifetime values, Graph's shape."""
    asked = [m.strip() for m in request.values.get("metric", "").split(",") if m.strip()]
    if not asked:
        raise Reply(graph_error(100, "(#100) The parameter metric is required"))
    for name in asked:
        if name in RETIRED or name not in names:
            raise Reply(graph_error(100, f"(#100) metric[{asked.index(name)}] must be one of the following values: "
                                    + ", ".join(names) + (f" ({name} is no longer supported)" if name in RETIRED else "")))
    got = figures(network, post["id"], _age(sb, post))
    values = {"post_media_view": got["views"], "post_total_media_view_unique": got["reach"],
              "total_interactions": got["likes"] + got["comments"] + got["shares"] + got["saved"],
              "replies": got["comments"], "reposts": got["shares"], **got}
    data = [{"name": name, "period": "lifetime", "values": [{"value": values[name]}], "title": names[name],
             "description": f"Lifetime: {names[name]}", "id": f"{post['id']}/insights/{name}/lifetime"}
            for name in asked]
    return {"data": data}
