"""Building an ``app.bsky.feed.post`` record with the SDK's models: text and facets,
the embed (images, or the link card we build ourselves) and the reply refs of a thread.

Bluesky shows no link preview of its own: a client builds the ``app.bsky.embed.external``
card (docs.bsky.app, "Website card embeds").  Ours is built from the article as stored
with the post (title, description) and its prepared image as the thumbnail, never from
fetching the page.  A record has one embed: an article with a link gets the card (its
first image as the thumbnail), one without a link gets its images (up to 4, alt text).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .base import Media
from .bluesky_text import find_facets

COLLECTION = "app.bsky.feed.post"
MAX_IMAGES = 4
#: The card's title and description as the lexicon bounds nothing; clients show about this much.
CARD_TITLE = 300
CARD_DESCRIPTION = 1000


def at_uri(did: str, rkey: str) -> str:
    return f"at://{did}/{COLLECTION}/{rkey}"


def rkey_of(uri: str) -> str:
    """The record key at the end of an ``at://`` URI (an rkey is returned as it is)."""
    return uri.rstrip("/").rsplit("/", 1)[-1]


def facets(text: str, resolve: Callable[[str], str | None]) -> list[Any]:
    """The facets of ``text``; a mention whose handle ``resolve`` cannot turn into a DID
    stays plain text (Bluesky's own clients do the same)."""
    from atproto_client import models

    out = []
    for found in find_facets(text):
        feature: Any
        if found.kind == "link":
            feature = models.AppBskyRichtextFacet.Link(uri=found.value)
        elif found.kind == "tag":
            feature = models.AppBskyRichtextFacet.Tag(tag=found.value)
        else:
            did = resolve(found.value)
            if did is None:
                continue
            feature = models.AppBskyRichtextFacet.Mention(did=did)
        index = models.AppBskyRichtextFacet.ByteSlice(byte_start=found.byte_start, byte_end=found.byte_end)
        out.append(models.AppBskyRichtextFacet.Main(index=index, features=[feature]))
    return out


def images_embed(blobs: Sequence[tuple[Any, Media, tuple[int, int] | None]]) -> Any:
    """``app.bsky.embed.images``: each uploaded blob with its alt text and aspect ratio."""
    from atproto_client import models

    images = []
    for blob, media, size in blobs[:MAX_IMAGES]:
        ratio = models.AppBskyEmbedDefs.AspectRatio(width=size[0], height=size[1]) if size else None
        images.append(models.AppBskyEmbedImages.Image(alt=media.alt or "", image=blob, aspect_ratio=ratio))
    return models.AppBskyEmbedImages.Main(images=images)


def card_embed(link: str, card: Mapping[str, str], thumb: Any | None) -> Any:
    """``app.bsky.embed.external``: our card for ``link``, with ``thumb`` (a blob) if any."""
    from atproto_client import models

    external = models.AppBskyEmbedExternal.External(
        uri=link, title=str(card.get("title") or "")[:CARD_TITLE],
        description=str(card.get("description") or "")[:CARD_DESCRIPTION], thumb=thumb)
    return models.AppBskyEmbedExternal.Main(external=external)


def reply_ref(root: tuple[str, str], parent: tuple[str, str]) -> Any:
    """The reply refs of a thread part: the thread's first post and the one before."""
    from atproto_client import models

    return models.AppBskyFeedPost.ReplyRef(
        root=models.ComAtprotoRepoStrongRef.Main(uri=root[0], cid=root[1]),
        parent=models.ComAtprotoRepoStrongRef.Main(uri=parent[0], cid=parent[1]))


def post_record(text: str, *, facets: list[Any], embed: Any | None, reply: Any | None, langs: Sequence[str],
                now: dt.datetime) -> Any:
    from atproto_client import models

    created = now.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
    return models.AppBskyFeedPost.Record(text=text, created_at=created, facets=facets or None, embed=embed,
                                         reply=reply, langs=list(langs) or None)
