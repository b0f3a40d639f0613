"""What the Mastodon channel needs of the wire: Mastodon.py on our session, one call
whose failures come out as the error tree, the instance's own limits, and media uploads.

Mastodon.py quirks handled here: with ``version_check_mode="none"`` (no call at
construction) it believes the server is version 1.0.0 and would upload media to the old
``/api/v1/media`` (or, without ``mastodon_version``, ask the server on the first upload),
so the version is given and also set after construction (as facebook-sdk's is);
``ratelimit_method="throw"`` keeps it from sleeping inside a call (the core waits, see
:meth:`MastodonChannel.pace`); it wraps transport failures in ``MastodonNetworkError``
(the requests exception is its ``__context__``) and hands back the body only, so the
answer is read from our session (:func:`channels.mastodon_errors.mastodon_error`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import requests

from .base import Account, ChannelError, Context, Media, Rejected, Transient
from .clock import Clock
from .http import Session, make_session
from .i18n import _
from .mastodon_errors import mastodon_error

T = TypeVar("T")
#: The server version Mastodon.py is told (it decides the media endpoint by it): media
#: v2 (asynchronous processing) exists since 3.1.3, ``/api/v2/instance`` since 4.0.
ASSUMED_VERSION = (4, 0, 0)


@dataclass(frozen=True)
class Limits:
    """What an instance accepts, from ``GET /api/v2/instance`` ``configuration`` (the
    defaults are mainline Mastodon's, used when the instance does not say)."""

    max_characters: int = 500
    max_media_attachments: int = 4
    characters_reserved_per_url: int = 23
    image_size_limit: int = 16 * 1024 * 1024
    description_limit: int = 1500
    image_types: tuple[str, ...] = ("image/jpeg", "image/png", "image/gif", "image/webp")
    #: Whether the instance itself said these (False: the defaults, it could not be asked).
    read: bool = False

    @classmethod
    def from_instance(cls, answer: Mapping[str, Any]) -> Limits:
        """The limits in an instance answer; a field missing keeps its default."""
        config = answer.get("configuration") or {}
        statuses = config.get("statuses") or {}
        media = config.get("media_attachments") or {}
        base = cls()

        def whole(section: Mapping[str, Any], key: str, default: int) -> int:
            try:
                value = int(section.get(key, default))
            except (TypeError, ValueError):
                return default
            return value if value > 0 else default

        types = media.get("supported_mime_types")
        return cls(
            max_characters=whole(statuses, "max_characters", base.max_characters),
            max_media_attachments=whole(statuses, "max_media_attachments", base.max_media_attachments),
            characters_reserved_per_url=whole(statuses, "characters_reserved_per_url", base.characters_reserved_per_url),
            image_size_limit=whole(media, "image_size_limit", base.image_size_limit),
            description_limit=whole(media, "description_limit", base.description_limit),
            image_types=tuple(t for t in types if isinstance(t, str) and t.startswith("image/"))
            if isinstance(types, list) else base.image_types,
            read=True,
        )


#: Instance limits read in this process, by (instance, base_url): read once, kept.
_LIMITS: dict[tuple[str, str | None], Limits] = {}
_LIMITS_LOCK = threading.Lock()


def forget_limits() -> None:
    """Forget every instance's limits (the next use reads them again)."""
    with _LIMITS_LOCK:
        _LIMITS.clear()


def instance_url(account: Account) -> str:
    """The account's instance, ``https://host`` (the ``api_base_url`` setting)."""
    raw = str(account.get("api_base_url") or "").strip().rstrip("/")
    if raw and "://" not in raw:
        raw = "https://" + raw
    return raw


def make_client(account: Account, secrets: list[str]) -> Any:
    """Mastodon.py's client for ``account`` on our session (timeouts, redaction, and the
    instance's host rewritten to ``base_url`` when the account sets one)."""
    from mastodon import Mastodon  # deferred: the CLI's --help must not import network clients

    url = instance_url(account)
    session = make_session(account.base_url, secrets=secrets, official=(url,),
                           timeout=float(account.get("timeout", 30)))
    client = Mastodon(access_token=str(account.get("access_token", "")), api_base_url=url, session=session,
                      ratelimit_method="throw", version_check_mode="none",
                      request_timeout=float(account.get("timeout", 30)), user_agent="disseminator",
                      mastodon_version=".".join(map(str, ASSUMED_VERSION)))
    client.mastodon_major, client.mastodon_minor, client.mastodon_patch = ASSUMED_VERSION
    return client


def call(fn: Callable[[], T], *, session: Session, write: bool, clock: Clock, expect: str | None = None) -> T:
    """Run one Mastodon.py call on ``session``; every failure as a :class:`ChannelError`,
    and (with ``expect``) a 2xx answer without that key too."""
    from mastodon import MastodonError

    session.last_response = None  # this call's answer only
    try:
        result = fn()
    except ChannelError:
        raise
    except (MastodonError, requests.RequestException, ValueError) as exc:
        from .mastodon_errors import transport_cause

        answer = None if transport_cause(exc) is not None else session.last_response
        raise mastodon_error(answer, exc, write=write, redactor=session.redactor, clock=clock) from None
    if expect is not None and not (isinstance(result, dict) and result.get(expect)):
        raise mastodon_error(session.last_response, None, write=write, redactor=session.redactor, clock=clock,
                             expected=expect)
    return result


def read_limits(account: Account, client: Any, clock: Clock) -> Limits:
    """The instance's limits, read once per process (``GET /api/v2/instance``).  An
    instance that cannot be asked gives mainline Mastodon's defaults (not kept: the next
    use asks again)."""
    key = (instance_url(account), account.base_url)
    with _LIMITS_LOCK:
        if key in _LIMITS:
            return _LIMITS[key]
    try:
        answer = call(client.instance_v2, session=client.session, write=False, clock=clock, expect="configuration")
    except ChannelError:
        return Limits()
    limits = Limits.from_instance(answer)
    with _LIMITS_LOCK:
        _LIMITS[key] = limits
    return limits


def upload(client: Any, item: Media, *, context: Context | None, limits: Limits, clock: Clock,
           poll_seconds: float, poll_timeout: float) -> tuple[str, dict[str, str]]:
    """Upload one prepared image with its description (``POST /api/v2/media``) and wait
    until the instance has processed it (202, then ``GET /api/v1/media/:id`` until its
    ``url`` is set); returns its id and the headers of the upload's answer (its rate
    limit).  An upload is not a post: its failures are mapped
    with ``write=False``."""
    from .media.store import read

    image = read(item, context)
    if len(image.data) > limits.image_size_limit:
        raise Rejected(_("the image {name} is {size} bytes; the instance takes {limit}").format(
            name=image.name, size=len(image.data), limit=limits.image_size_limit))
    if image.mime not in limits.image_types:
        raise Rejected(_("the instance does not take {mime} images").format(mime=image.mime))
    alt = (item.alt or "").strip()[: limits.description_limit] or None
    if context is not None:
        context.check_fence()  # an upload is a write: only for a claim still held
    session = client.session
    uploaded = call(lambda: client.media_post(image.data, mime_type=image.mime, description=alt, file_name=image.name),
                    session=session, write=False, clock=clock, expect="id")
    media_id = str(uploaded["id"])
    headers = dict(session.last_headers)
    deadline = clock.monotonic() + poll_timeout
    state = uploaded
    while not state.get("url"):
        if clock.monotonic() > deadline:
            raise Transient(_("Mastodon is still processing image {id} after waiting").format(id=media_id))
        clock.sleep(poll_seconds)
        state = call(lambda: client.media(media_id), session=session, write=False, clock=clock, expect="id")
    return media_id, headers
