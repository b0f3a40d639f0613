"""Images for X through the v2 media endpoints (tweepy 4.17 only knows v1.1 upload).

The upload is signed with tweepy's OAuth 1.0a handler and sent on the channel's own
session, so it goes wherever the account's other calls go.  Alt text is attached with
``POST /2/media/metadata``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .base import Media, Rejected, Transient

if TYPE_CHECKING:
    from .twitter import TwitterChannel

API = "https://api.x.com"
MAX_IMAGES = 4


def upload_images(channel: TwitterChannel, media: Sequence[Media]) -> list[str]:
    """Upload up to four images; returns their media ids.  Raises requests/tweepy errors."""
    import tweepy

    from .media import alt_text, load_image_bytes, prepare_for_x
    from .media_fetch import ImageFetchError

    client = channel.client()
    session = client.session
    s = channel.account.settings
    auth = tweepy.OAuth1UserHandler(
        s["consumer_key"], s["consumer_secret"], s["access_token"], s["access_token_secret"]
    ).apply_auth()
    ids: list[str] = []
    for item in list(media)[:MAX_IMAGES]:
        try:
            prepared = prepare_for_x(load_image_bytes(item.url, session=session), source=item.url)
        except ImageFetchError as exc:
            raise Transient(str(exc)) from None  # nothing was posted; the image host may be back soon
        except ValueError as exc:
            raise Rejected(str(exc)) from None
        response = session.post(
            f"{API}/2/media/upload",
            files={"media": (f"image.{prepared.ext}", prepared.data, prepared.mime)},
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
