"""Images for X through the v2 media endpoints (tweepy 4.17 only knows v1.1 upload).

The upload is signed with tweepy's OAuth 1.0a handler and sent on the channel's own
session, so it goes wherever the account's other calls go.  Alt text is attached with
``POST /2/media/metadata``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .base import Media

if TYPE_CHECKING:
    from .twitter import TwitterChannel

API = "https://api.x.com"
MAX_IMAGES = 4


def upload_images(channel: TwitterChannel, media: Sequence[Media]) -> list[str]:
    """Upload up to four images, the bytes prepared at render; returns their media ids.

    Every prepared file is read and checked before the first upload.  Raises
    :class:`~channels.media_store.PreparedImageGone` (a ``Rejected``) when one is gone
    or changed (nothing is fetched again), and requests/tweepy errors from the calls.
    """
    import tweepy

    from .media import alt_text
    from .media_store import read

    stored = [read(item, channel.context) for item in list(media)[:MAX_IMAGES]]
    client = channel.client()
    session = client.session
    s = channel.account.settings
    auth = tweepy.OAuth1UserHandler(
        s["consumer_key"], s["consumer_secret"], s["access_token"], s["access_token_secret"]
    ).apply_auth()
    ids: list[str] = []
    for item, image in zip(media, stored):
        response = session.post(
            f"{API}/2/media/upload",
            files={"media": (image.name, image.data, image.mime)},
            data={"media_category": "tweet_image"},
            auth=auth,
        )
        _raise_for(client, response)
        media_id = str(response.json()["data"]["id"])
        alt = alt_text(item.alt)
        if alt:
            meta = session.post(
                f"{API}/2/media/metadata",
                json={"id": media_id, "metadata": {"alt_text": {"text": alt}}},
                auth=auth,
            )
            _raise_for(client, meta)
        ids.append(media_id)
    return ids


def _raise_for(client: Any, response: Any) -> None:
    """Raise tweepy's exception for an error status, as the Client would."""
    import tweepy

    if response.status_code < 400:
        return
    kinds = {400: tweepy.BadRequest, 401: tweepy.Unauthorized, 403: tweepy.Forbidden, 404: tweepy.NotFound, 429: tweepy.TooManyRequests}
    if response.status_code >= 500:
        raise tweepy.TwitterServerError(response)
    raise kinds.get(response.status_code, tweepy.HTTPException)(response)
