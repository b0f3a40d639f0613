"""TikTok photo posts through the Content Posting API (``media_type: PHOTO``).

One post is three kinds of call (developers.tiktok.com/doc/content-posting-api-reference-
photo-post, -get-video-status, -query-creator-info):

1. ``POST /v2/post/publish/creator_info/query/``: who the account is and which privacy
   levels it allows; TikTok requires it before each post;
2. ``POST /v2/post/publish/content/init/`` with the title, description, privacy level and
   the photos' public URLs (TikTok pulls them: ``PULL_FROM_URL``, from a domain verified
   for the app), answering a ``publish_id``; 6 calls a minute per token;
3. ``POST /v2/post/publish/status/fetch/`` until ``PUBLISH_COMPLETE`` (or ``FAILED``).

The draft's one part is the title, a blank line, then the description, so what the
officer previews is what goes out.  Lengths are counted as TikTok counts them, in UTF-16
code units: a title of at most 90, a description of at most 4,000.  Photos (1 to 35) are
prepared as for Instagram (JPEG, upright, no metadata) and given by their public URL.

Reconciliation: TikTok's API lists no photo posts, so a post whose ``init`` answer was
lost cannot be looked up; :meth:`find_published` says so (the worker then never sends it
blindly again).  Once ``init`` answered, the ``publish_id`` is the post: a post still in
moderation when polling stops is accepted under it.  TikTok's API cannot delete a post.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import deque
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from channels.base import (
    AccountCheck,
    Article,
    Channel,
    ChannelError,
    Draft,
    Pace,
    Receipt,
    RateLimited,
    Rejected,
    Transient,
)
from channels.i18n import N_, _

from .errors import tiktok_error

API = "https://open.tiktokapis.com"
TITLE_MAX = 90
DESCRIPTION_MAX = 4000
MAX_PHOTOS = 35
#: content/init calls a token may make in a minute (TikTok's documented limit).
INITS_PER_MINUTE = 6
PRIVACY_LEVELS = ("PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR", "SELF_ONLY")
LINK_PHRASE = "Tautan di bio"
TEMPLATE = Path(__file__).with_name("tiktok.j2")

#: content/init call times per token in this process (monotonic), for :meth:`pace`.
_inits: dict[str, deque[float]] = {}
_inits_lock = threading.Lock()


class PostFailed(Rejected):
    """TikTok's status says the post failed after it was accepted: nothing was published."""


def utf16_length(text: str) -> int:
    """``text``'s length in UTF-16 code units, as TikTok counts it."""
    return len(text.encode("utf-16-le")) // 2


class TikTokChannel(Channel):
    """A TikTok account, posting photos with a user access token (``video.publish`` scope)."""

    name = "tiktok"
    required_settings = ("access_token",)
    secret_keys = ("access_token",)
    optional_settings = (*Channel.optional_settings, "privacy_level", "disable_comment", "link_phrase",
                         "card", "image_background", "poll_seconds", "poll_timeout", "timeout")
    cannot_unpublish = N_("TikTok's API cannot delete a post; delete it in the TikTok app")
    counts_parts: ClassVar[bool] = False

    def __init__(self, account: Any, *, context: Any = None) -> None:
        super().__init__(account, context=context)
        self._session: Any = None

    @property
    def privacy_level(self) -> str:
        """Who may see the account's posts (``privacy_level``, default everyone)."""
        level = str(self.account.get("privacy_level", "PUBLIC_TO_EVERYONE"))
        if level not in PRIVACY_LEVELS:
            raise Rejected(_("accounts.{name}.privacy_level: expected one of {levels}, got {value!r}").format(
                name=self.account.name, levels=", ".join(PRIVACY_LEVELS), value=level))
        return level

    # ------------------------------------------------------------------ formatting

    def measure(self, text: str) -> tuple[int, int | None]:
        title, description = _split(text)
        return utf16_length(description), DESCRIPTION_MAX

    def render(self, article: Article) -> Draft:
        import dataclasses

        from channels.formatting import fields_for, fit, renderer
        from channels.media.cards import card_images
        from channels.media.images import prepare

        warnings: list[str] = []
        title = _cut(" ".join(article.title.split()), TITLE_MAX)
        if title != " ".join(article.title.split()):
            warnings.append(_("the title was shortened to TikTok's {most} characters").format(most=TITLE_MAX))
        fields = fields_for(article, self.account)
        if fields.link:
            fields = dataclasses.replace(fields, link_phrase=str(self.account.get("link_phrase", LINK_PHRASE)))
        render = renderer("tiktok", self.account, self.context, default=TEMPLATE)
        description = fit(render, fields, measure=utf16_length, limit=DESCRIPTION_MAX, warnings=warnings,
                          network="TikTok")
        media = card_images(article, account=self.account, context=self.context, warnings=warnings)
        if not media:
            if not article.image:
                raise Rejected(_("TikTok photo posts need an image and the article has none (set 'image' in the "
                                 "article, or card = true for the account)"))
            media = prepare(article.images()[:MAX_PHOTOS], network="instagram", account=self.account,
                            context=self.context, warnings=warnings, required=True)
        if self.privacy_level == "SELF_ONLY":
            warnings.append(_("TikTok: the post will be private (privacy_level SELF_ONLY), as every post of an app "
                              "TikTok has not audited is"))
        return Draft(parts=(f"{title}\n\n{description}".strip(),), media=media, warnings=tuple(warnings),
                     link=fields.link)

    def validate(self, draft: Draft) -> None:
        if len(draft.parts) != 1:
            raise Rejected(_("a TikTok post has exactly one part"))
        title, description = _split(draft.parts[0])
        if not title:
            raise Rejected(_("a TikTok photo post needs a title"))
        if utf16_length(title) > TITLE_MAX:
            raise Rejected(_("the title is {length} characters; TikTok takes {limit}").format(
                length=utf16_length(title), limit=TITLE_MAX))
        if utf16_length(description) > DESCRIPTION_MAX:
            raise Rejected(_("the description is {length} characters; TikTok takes {limit}").format(
                length=utf16_length(description), limit=DESCRIPTION_MAX))
        if not 1 <= len(draft.media) <= MAX_PHOTOS:
            raise Rejected(_("a TikTok photo post takes 1 to {most} photos, the draft has {n}").format(
                most=MAX_PHOTOS, n=len(draft.media)))

    # ------------------------------------------------------------------ publishing

    def publish_part(self, draft: Draft, index: int, *, reply_to: str | None = None) -> Receipt:
        from channels.media.store import check

        for item in draft.media:  # TikTok pulls each photo by URL: its prepared copy must be there
            check(item, self.context)
        creator = self._creator()
        allowed = creator["privacy_level_options"]
        if self.privacy_level not in allowed:
            raise Rejected(_("TikTok allows this account only {allowed}; privacy_level is {level}").format(
                allowed=", ".join(allowed), level=self.privacy_level))
        title, description = _split(draft.parts[index])
        body = {
            "media_type": "PHOTO",
            "post_mode": "DIRECT_POST",
            "post_info": {"title": title, "description": description, "privacy_level": self.privacy_level,
                          "disable_comment": bool(self.account.get("disable_comment", False)),
                          "auto_add_music": True},
            "source_info": {"source": "PULL_FROM_URL", "photo_cover_index": 0,
                            "photo_images": [item.url for item in draft.media]},
        }
        if self.context is not None:
            self.context.check_fence()
        answer = self._call("/v2/post/publish/content/init/", body, write=True)
        self._count_init()  # TikTok took it: one of the token's six a minute (a 429 says the rest)
        publish_id = str(answer["publish_id"])
        try:
            return self._wait(publish_id, user=creator.get("creator_username"))
        except PostFailed:
            raise  # TikTok says the post failed: nothing was published
        except ChannelError:
            # TikTok has taken the post (it has a publish_id): a status read that failed must
            # not make the worker send it again.
            return Receipt(remote_id=publish_id, remote_url=None)

    def _wait(self, publish_id: str, *, user: str | None) -> Receipt:
        """Poll the post's status until TikTok has published it (or failed it)."""
        interval = float(self.account.get("poll_seconds", 3))
        deadline = self.clock.monotonic() + float(self.account.get("poll_timeout", 60))
        while True:
            try:
                status = self._call("/v2/post/publish/status/fetch/", {"publish_id": publish_id}, write=False)
            except (Transient, RateLimited):
                if self.clock.monotonic() > deadline:
                    raise
                self.clock.sleep(interval)  # the post is TikTok's already: ask again until the deadline
                continue
            state = status.get("status")
            if state == "PUBLISH_COMPLETE":
                ids = status.get("publicaly_available_post_id") or []
                post_id = str(ids[0]) if ids else publish_id
                url = self._url(post_id, f"https://www.tiktok.com/@{user}/photo/{post_id}") if ids and user else None
                return Receipt(remote_id=post_id, remote_url=url)
            if state == "FAILED":
                raise PostFailed(_("TikTok could not publish the post: {reason}").format(
                    reason=status.get("fail_reason") or state))
            if self.clock.monotonic() > deadline:
                # TikTok accepted the post (it has a publish_id); moderation may take hours.
                return Receipt(remote_id=publish_id, remote_url=None)
            self.clock.sleep(interval)

    #: TikTok's API lists no photo posts: a post whose init answer was lost is left
    #: ``unknown`` for an officer to confirm (``post confirm``), never sent blindly again.
    reconciles: ClassVar[bool] = False

    def find_published(self, draft: Draft, index: int, *, since: dt.datetime) -> Receipt | None:
        raise Transient(_("TikTok's API cannot list photo posts: whether the post went out cannot be checked; "
                          "look at the account in the TikTok app"))

    def confirmed(self, remote_id: str) -> Receipt:
        """The post an officer found: its number, or its link (``.../photo/NUMBER``)."""
        import re

        found = re.fullmatch(r"(?:https?://(?:www\.)?tiktok\.com/@([\w.]+)/(?:photo|video)/)?(\d{5,25})/?",
                             remote_id.strip())
        if not found:
            raise Rejected(_("{given} is not a TikTok post number or link (https://www.tiktok.com/@NAME/photo/NUMBER)")
                           .format(given=remote_id))
        user, number = found.groups()
        return Receipt(remote_id=number, remote_url=f"https://www.tiktok.com/@{user}/photo/{number}" if user else None)

    # ------------------------------------------------------------------ account

    def check(self) -> AccountCheck:
        creator = self._creator()
        allowed = creator["privacy_level_options"]
        identity = f"@{creator.get('creator_username')}"
        quota = _("privacy levels allowed: {levels}").format(levels=", ".join(allowed))
        if allowed == ["SELF_ONLY"] or self.privacy_level == "SELF_ONLY":
            return AccountCheck(ok=True, identity=identity, quota=quota, message=_(
                "posts will be private (SELF_ONLY): TikTok allows an app it has not audited to post only privately"))
        if self.privacy_level not in allowed:
            return AccountCheck(ok=False, identity=identity, quota=quota, message=_(
                "privacy_level {level} is not allowed for this account").format(level=self.privacy_level))
        return AccountCheck(ok=True, identity=identity, quota=quota)

    def pace(self) -> Pace | None:
        """What is left of the token's 6 ``content/init`` calls a minute, counting the posts this
        process had TikTok take (a refused call is answered by TikTok itself: 429 waits a minute)."""
        with _inits_lock:
            calls = _inits.get(self._token_key())
            if not calls:
                return None
            now = time.monotonic()
            while calls and now - calls[0] >= 60:
                calls.popleft()
            remaining = INITS_PER_MINUTE - len(calls)
            until = self.clock.now() + dt.timedelta(seconds=60 - (now - calls[0])) if calls else None
        return Pace(remaining=remaining, until=until if remaining <= 0 else None,
                    reason="TikTok: 6 posts a minute per access token", said_at=self.clock.now())

    # ------------------------------------------------------------------ HTTP


    def _creator(self) -> Mapping[str, Any]:
        data = self._call("/v2/post/publish/creator_info/query/", {}, write=False)
        if not isinstance(data.get("privacy_level_options"), list):
            raise Transient(_("TikTok answered creator_info without privacy_level_options"))
        return data

    def _call(self, path: str, body: Mapping[str, Any], *, write: bool) -> Mapping[str, Any]:
        """POST ``body`` to ``path``; the answer's ``data``, or the mapped error."""
        import requests

        from channels.error_map import read_json
        from channels.http import is_transport, make_session

        if self._session is None:
            self._session = make_session(self.account.base_url, secrets=self.secrets(), official=(API,),
                                         timeout=float(self.account.get("timeout", 30)))
        token = str(self.account.get("access_token"))
        try:
            response = self._session.post(API + path, json=body, headers={"Authorization": f"Bearer {token}"})
        except requests.RequestException as exc:
            if not is_transport(exc):
                raise
            raise tiktok_error(None, exc, write=write, redactor=self._session.redactor, clock=self.clock) from None
        answer = read_json(response)
        error = answer.get("error") if isinstance(answer, dict) else None
        if response.status_code == 200 and isinstance(error, dict) and error.get("code") == "ok":
            data = answer.get("data") if isinstance(answer, dict) else None
            return data if isinstance(data, dict) else {}
        raise tiktok_error(response, write=write, redactor=self._session.redactor, clock=self.clock)

    def _url(self, post_id: str, official: str) -> str:
        """Where a person sees the post: TikTok's page, or the sandbox's (served at the
        sandbox's root, above the ``/tiktok`` prefix of the account's ``base_url``)."""
        from channels.http import web_url

        base = self.account.base_url
        if base and base.rstrip("/").endswith("/tiktok"):
            base = base.rstrip("/")[: -len("/tiktok")]
        return web_url(base, "tiktok", post_id, official)

    def _token_key(self) -> str:
        import hashlib

        # The token at the API it is used with (a sandbox on another port is another API).
        return hashlib.sha256(f"{self.account.base_url}\0{self.account.get('access_token')}".encode()).hexdigest()

    def _count_init(self) -> None:
        with _inits_lock:
            _inits.setdefault(self._token_key(), deque(maxlen=INITS_PER_MINUTE * 4)).append(time.monotonic())


def _split(text: str) -> tuple[str, str]:
    """A part's title and description (the first line, then the rest)."""
    title, _sep, description = text.partition("\n\n")
    return title.strip(), description.strip()


def _cut(text: str, most: int) -> str:
    """``text`` cut at a word to at most ``most`` UTF-16 units, with an ellipsis."""
    if utf16_length(text) <= most:
        return text
    kept = ""
    for word in text.split():
        trial = f"{kept} {word}" if kept else word
        if utf16_length(trial + " …") > most:
            break
        kept = trial
    return (kept or text[: most - 2]) + " …"
