"""Images for X through the v2 media endpoints (tweepy 4.17 only knows v1.1 upload).

The upload is signed with tweepy's OAuth 1.0a handler and sent on the channel's own
session, so it goes wherever the account's other calls go.  Alt text is attached with
``POST /2/media/metadata``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import requests

from .base import ChannelError, Context, Media
from .http import Session, is_transport
from .i18n import _

API = "https://api.x.com"
MAX_IMAGES = 4


class ErrorMapper(Protocol):
    """Maps one failed X call to the error tree: :func:`channels.x_errors.x_error` bound
    to the account's redactor and clock (``TwitterChannel._error``)."""

    def __call__(
        self, response: requests.Response | None, exc: BaseException | None = None, *, write: bool,
        expected: str | None = None,
    ) -> ChannelError: ...


@dataclass(frozen=True)
class Uploader:
    """What an upload needs from the account, handed over by the channel.

    ``session`` is the account's session (its redactor, its base_url rewriting),
    ``auth`` the OAuth 1.0a signer for requests, ``error`` the account's error mapping
    and ``context`` where the prepared images are stored.
    """

    session: Session
    auth: Any
    error: ErrorMapper
    context: Context | None = None


class HasUploader(Protocol):
    """Anything that can hand over an :class:`Uploader` (the X channel does)."""

    def uploader(self) -> Uploader: ...


def upload_images(channel: Uploader | HasUploader, media: Sequence[Media]) -> list[str]:
    """Upload up to four images, the bytes prepared at render; returns their media ids.

    Every prepared file is read and checked before the first upload.  Raises
    :class:`~channels.media.store.PreparedImageGone` (a ``Rejected``) when one is gone
    or changed (nothing is fetched again), and for a failed call the ChannelError the
    uploader's ``error`` maps it to (``write=False``: an upload is not a post).
    """
    from .media.x import alt_text
    from .media.store import read

    up = channel if isinstance(channel, Uploader) else channel.uploader()
    stored = [read(item, up.context) for item in list(media)[:MAX_IMAGES]]
    ids: list[str] = []
    for item, image in zip(media, stored):
        uploaded = _post(
            up,
            f"{API}/2/media/upload",
            expected="data.id",
            files={"media": (image.name, image.data, image.mime)},
            data={"media_category": "tweet_image"},
        )
        media_id = str(uploaded["data"]["id"])
        alt = alt_text(item.alt)
        if alt:
            _post(
                up,
                f"{API}/2/media/metadata",
                expected=None,
                json={"id": media_id, "metadata": {"alt_text": {"text": alt}}},
            )
        ids.append(media_id)
    return ids


def _post(up: Uploader, url: str, *, expected: str | None, **kwargs: Any) -> dict[str, Any]:
    """One signed media call; its JSON answer, or the account's mapping of the failure.

    An upload is not a post: whatever happened to it, nothing is public, so failures are
    mapped with ``write=False`` (no reconciliation needed before a retry).
    """
    session = up.session
    session.last_response = None  # this call's answer only
    try:
        response = session.post(url, auth=up.auth, **kwargs)
    except requests.RequestException as exc:
        # A transport failure has no answer; a body that is not JSON does.
        raise up.error(None if is_transport(exc) else session.last_response, exc, write=False) from None
    if response.status_code >= 300:
        raise up.error(response, None, write=False)
    try:
        body = response.json()
    except ValueError:
        body = None
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(body, dict) or (expected == "data.id" and not (isinstance(data, dict) and data.get("id"))):
        raise up.error(response, None, write=False, expected=expected or _("a JSON answer"))
    return body
