"""Engagement figures: each network's answer about a published post, read into one shape.

Every channel reports figures by the same English names, whole numbers, so the core can
add them up across networks without knowing any of them::

    name        X (public_metrics)           Facebook Page post             Instagram media insights
    likes       like_count                   reactions.summary.total_count  likes
    comments    reply_count                  comments.summary.total_count   comments
    shares      retweet_count + quote_count  shares.count (absent: 0)       shares
    views       impression_count             insights post_media_view       views (2025: replaced impressions)
    reach       -                            post_total_media_view_unique   reach
    quotes      quote_count                  -                              -
    saved       -                            -                              saved

Threads media insights (``GET /{threads-media-id}/insights``, docs/threads/insights):
likes = likes, comments = replies, shares = reposts + quotes + shares (as X's retweets
and quotes), views = views, quotes = quotes.

A figure the network does not give is left out (never guessed as 0).  Each reader raises
:class:`ValueError` on an answer of another shape; the channel maps that to its error tree.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: The figures that make a post's engagement: what people did, not what they saw.
ENGAGEMENT = ("likes", "comments", "shares")
#: Instagram's media insights asked for (Meta's names since 2025).
IG_METRICS = ("views", "reach", "likes", "comments", "saved", "shares")
#: Threads media insights asked for (docs/threads/insights).
TH_METRICS = ("views", "likes", "replies", "reposts", "quotes", "shares")
#: Facebook Page post insights asked for (the replacements of post_impressions*, 2025).
FB_INSIGHTS = ("post_media_view", "post_total_media_view_unique")
#: The fields of a Page post read for its reactions, comments and shares.
FB_FIELDS = "reactions.summary(true),comments.summary(true),shares"


def engagement(figures: Mapping[str, int]) -> int:
    """Likes, comments and shares added up (what is missing counts as 0)."""
    return sum(int(figures.get(name, 0)) for name in ENGAGEMENT)


def _whole(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"not a number: {value!r}")
    return int(value)


def from_x(tweet: Mapping[str, Any]) -> dict[str, int]:
    """The figures of one tweet of ``GET /2/tweets?tweet.fields=public_metrics``."""
    metrics = tweet.get("public_metrics")
    if not isinstance(metrics, Mapping):
        raise ValueError("no public_metrics")
    found = {"likes": _whole(metrics["like_count"]), "comments": _whole(metrics["reply_count"]),
             "shares": _whole(metrics["retweet_count"]) + _whole(metrics.get("quote_count", 0)),
             "quotes": _whole(metrics.get("quote_count", 0))}
    if "impression_count" in metrics:
        found["views"] = _whole(metrics["impression_count"])
    return found


def _summary(node: Any) -> int:
    if not isinstance(node, Mapping) or not isinstance(node.get("summary"), Mapping):
        raise ValueError("no summary")
    return _whole(node["summary"]["total_count"])


def from_facebook(post: Mapping[str, Any], insights: Mapping[str, Any] | None) -> dict[str, int]:
    """The figures of a Page post: its fields (:data:`FB_FIELDS`) and, when read, its
    ``/insights`` answer."""
    shares = post.get("shares")
    found = {"likes": _summary(post.get("reactions")), "comments": _summary(post.get("comments")),
             "shares": _whole(shares.get("count", 0)) if isinstance(shares, Mapping) else 0}
    values = _insights(insights) if insights is not None else {}
    names = {"post_media_view": "views", "post_total_media_view_unique": "reach"}
    found.update({names[k]: v for k, v in values.items() if k in names})
    return found


def from_instagram(insights: Mapping[str, Any]) -> dict[str, int]:
    """The figures of ``GET /{media-id}/insights?metric=...`` (:data:`IG_METRICS`)."""
    values = _insights(insights)
    return {k: v for k, v in values.items() if k in IG_METRICS}


def from_threads(insights: Mapping[str, Any]) -> dict[str, int]:
    """The figures of ``GET /{threads-media-id}/insights?metric=...`` (:data:`TH_METRICS`)."""
    values = _insights(insights)
    out = {"views": values.get("views"), "likes": values.get("likes"), "comments": values.get("replies"),
           "quotes": values.get("quotes")}
    shared = [values[k] for k in ("reposts", "quotes", "shares") if k in values]
    if shared:
        out["shares"] = sum(shared)
    return {k: v for k, v in out.items() if v is not None}


def _insights(answer: Mapping[str, Any]) -> dict[str, int]:
    """``{"data": [{"name": ..., "values": [{"value": N}]} ...]}`` (or ``total_value``) as
    name -> N."""
    data = answer.get("data")
    if not isinstance(data, list):
        raise ValueError("no data list")
    out: dict[str, int] = {}
    for entry in data:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("name"), str):
            raise ValueError("an insight without a name")
        total = entry.get("total_value")
        if isinstance(total, Mapping) and "value" in total:
            out[entry["name"]] = _whole(total["value"])
            continue
        values = entry.get("values")
        if not isinstance(values, list) or not values or not isinstance(values[-1], Mapping):
            raise ValueError("an insight without values")
        out[entry["name"]] = _whole(values[-1].get("value", 0))
    return out
