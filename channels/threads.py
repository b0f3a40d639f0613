"""Threads (Meta): text, image and carousel posts, and replies for a thread's later parts.

Publishing is Instagram's two steps on ``graph.threads.net``: ``POST /{user}/threads``
makes a media container (TEXT, IMAGE from a public URL, or CAROUSEL of 2-20 image
items), ``GET /{container}?fields=status,error_message`` until FINISHED, then ``POST
/{user}/threads_publish?creation_id=`` makes it public.  Only that last call is a write
that can publish; the fence is checked before every POST.  Reconciliation reads the
profile's own posts (``/threads``, or ``/replies`` for a later part) since ``since`` and
matches the text.  Limits (developers.facebook.com/docs/threads): 500 characters with
emoji counted by their UTF-8 bytes, at most 5 links, 250 posts per 24 hours.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import regex

from . import graph
from .base import Account, AccountCheck, Article, Channel, ChannelError, Context, Draft, LivePost, Media, Pace, Receipt, Rejected
from .http import web_url
from .i18n import N_, _

if TYPE_CHECKING:
    from .threads_api import ThreadsAPI

MAX_TEXT = 500
MAX_LINKS = 5
MIN_CAROUSEL, MAX_CAROUSEL = 2, 20
#: Threads turns one hashtag of a post into its topic tag; more are plain words.
DEFAULT_HASHTAGS = 1
FIELDS = "id,text,timestamp,permalink"

_CLUSTER = regex.compile(r"\X")
_EMOJI = regex.compile(r"[\p{Extended_Pictographic}\p{Regional_Indicator}\u20e3]")


def threads_length(text: str) -> int:
    """``text``'s length as Threads counts it: one per character, but an emoji (a
    grapheme cluster holding a pictograph, a flag's regional indicators or a keycap) by
    the number of its UTF-8 bytes ("Emojis are counted as the number of UTF-8 bytes",
    developers.facebook.com/docs/threads/posts): 😀 is 4, 👍🏽 8, 🇮🇩 8."""
    if text.isascii():
        return len(text)
    return sum(len(c.encode("utf-8")) if _EMOJI.search(c) else len(c) for c in _CLUSTER.findall(text))


def count_links(text: str) -> int:
    """The distinct URLs in ``text``, as Threads counts them against its 5."""
    from .text import extract_urls_with_indices

    return len({u.value for u in extract_urls_with_indices(text)})


class ThreadsChannel(Channel):
    """A Threads profile, posting with its long-lived Threads user access token."""

    name = "threads"
    required_settings = ("threads_user_id", "access_token")
    secret_keys = ("access_token",)
    optional_settings = (*Channel.optional_settings, "timeout", "api_version", "thread", "thread_max_parts",
                         "thread_numbering", "images", "max_hashtags", "image_background", "poll_seconds",
                         "poll_timeout", "card")
    reads_live = True
    compares_live_text = True
    #: DELETE /{threads-media-id} (developers.facebook.com/docs/threads/posts/delete-posts).
    can_unpublish = True

    def __init__(self, account: Account, *, context: Context | None = None) -> None:
        super().__init__(account, context=context)
        self._api: ThreadsAPI | None = None
        #: The publishing quota as last read, and whether a publish came since.
        self._quota: Pace | None = None
        self._published = False

    # ------------------------------------------------------------------ formatting

    def measure(self, text: str) -> tuple[int, int | None]:
        return threads_length(text), MAX_TEXT

    @property
    def threads(self) -> bool:
        return bool(self.account.get("thread", False))

    def render(self, article: Article) -> Draft:
        from .formatting import fields_for, fit, renderer
        from .thread import account_thread

        warnings: list[str] = []
        fields = fields_for(article, self.account, max_tags=int(self.account.get("max_hashtags", DEFAULT_HASHTAGS)),
                            body=self.threads)
        render = renderer("threads", self.account, self.context)
        text = render(fields)
        parts: tuple[str, ...] = (text,)
        if threads_length(text) > MAX_TEXT:
            parts = account_thread(text, fields.link, account=self.account, limit=MAX_TEXT, length=threads_length,
                                   warnings=warnings) if self.threads else ()
            if not parts:
                parts = (fit(render, fields, measure=threads_length, limit=MAX_TEXT, warnings=warnings,
                             network="Threads"),)
        media: tuple[Media, ...] = ()
        if self.account.get("images", True):
            from .media.cards import card_images
            from .media.images import prepare

            # An article without an image gets a title card when the account asks (card = true).
            media = card_images(article, account=self.account, context=self.context, warnings=warnings)

            images = article.images()
            media = media or prepare(images[:MAX_CAROUSEL], network="threads", account=self.account,
                                     context=self.context, warnings=warnings, required=False)
            if len(images) > MAX_CAROUSEL:
                warnings.append(_("{n} image(s) beyond Threads' {most} left out").format(
                    n=len(images) - MAX_CAROUSEL, most=MAX_CAROUSEL))
        return Draft(parts=parts, media=media, warnings=tuple(warnings), link=fields.link)

    def validate(self, draft: Draft) -> None:
        if not draft.parts or not any(p.strip() for p in draft.parts):
            raise Rejected(_("nothing to post"))
        for i, part in enumerate(draft.parts, 1):
            if threads_length(part) > MAX_TEXT:
                raise Rejected(_("part {i} is {length} characters as Threads counts them (emoji by their bytes); "
                                 "Threads takes {limit}").format(i=i, length=threads_length(part), limit=MAX_TEXT))
            if count_links(part) > MAX_LINKS:
                raise Rejected(_("part {i} has {n} links; Threads takes at most {most}").format(
                    i=i, n=count_links(part), most=MAX_LINKS))
        if len(draft.media) > MAX_CAROUSEL:
            raise Rejected(_("a Threads carousel takes at most {most} images, the draft has {n}").format(
                most=MAX_CAROUSEL, n=len(draft.media)))

    # ------------------------------------------------------------------ publishing

    def api(self) -> ThreadsAPI:
        if self._api is None:
            from .threads_api import ThreadsAPI

            self._api = ThreadsAPI(self.account, secrets=self.secrets(), clock=self.clock)
        return self._api


    @property
    def user_id(self) -> str:
        return str(self.account.get("threads_user_id"))

    def publish_part(self, draft: Draft, index: int, *, reply_to: str | None = None) -> Receipt:
        from .media.store import check

        media = draft.media if index == 0 else ()  # images go with the first part
        for item in media:  # Threads fetches by URL: the prepared copy must still be there
            check(item, self.context)
        text = draft.parts[index]
        if not media:
            args = {"media_type": "TEXT", "text": text}
        elif len(media) == 1:
            args = {"media_type": "IMAGE", "text": text, **_image(media[0])}
        else:
            children = [self._container({"media_type": "IMAGE", "is_carousel_item": "true", **_image(m)})
                        for m in media]
            args = {"media_type": "CAROUSEL", "children": ",".join(children), "text": text}
        if reply_to:
            args["reply_to_id"] = reply_to
        container = self._container(args)
        self._fence()  # the container wait may have outlived our claim
        api = self.api()
        media_id = str(api.call("POST", f"{self.user_id}/threads_publish", {"creation_id": container},
                                write=True, expect="id")["id"])
        self._published = True  # the quota changed: pace() reads it again
        try:
            permalink = api.call("GET", media_id, {"fields": "permalink"}, write=False).get("permalink")
        except ChannelError:  # the post is out; a missing permalink is not a failure
            permalink = None
        return Receipt(remote_id=media_id, remote_url=self._url(media_id, permalink))

    def _fence(self) -> None:
        if self.context is not None:
            self.context.check_fence()

    def _container(self, args: dict[str, str]) -> str:
        """A media container, ready to publish (a container is not a post: never reconciled)."""
        self._fence()
        api = self.api()
        container = str(api.call("POST", f"{self.user_id}/threads", args, write=False, expect="id")["id"])

        def read() -> tuple[str | None, str | None]:
            state = api.call("GET", container, {"fields": "status,error_message"}, write=False)
            return state.get("status"), state.get("error_message")

        # Meta: query once a minute for at most 5 minutes; a text container is ready at once.
        graph.wait_for_container(
            container, read, clock=self.clock, interval=float(self.account.get("poll_seconds", 10)),
            timeout=float(self.account.get("poll_timeout", 300)),
            failed=_("Threads could not prepare the post: {status}"),
            slow=_("Threads media container {container} still {code} after waiting"))
        return container

    def find_published(self, draft: Draft, index: int, *, since: dt.datetime) -> Receipt | None:
        """The profile's posts (part 1) or replies (later parts) since ``since`` whose text
        is the part's."""
        edge = "threads" if index == 0 else "replies"
        for item in self._list(edge, since):
            if graph.same_text(str(item.get("text") or ""), draft.parts[index]):
                return Receipt(remote_id=str(item["id"]), remote_url=self._url(str(item["id"]), item.get("permalink")))
        return None

    def _list(self, edge: str, since: dt.datetime) -> list[dict[str, Any]]:
        """One page (the newest 100) of ``GET /{user}/{edge}?since=``."""
        answer = self.api().call("GET", f"{self.user_id}/{edge}",
                                 {"fields": FIELDS, "since": str(int(since.timestamp())), "limit": "100"}, write=False)
        return [i for i in graph.data_items(answer) if isinstance(i, dict) and "id" in i]

    # ------------------------------------------------------------------ reading back

    def fetch_live(self, remote_id: str) -> LivePost | None:
        """``GET /{media-id}?fields=id,text,timestamp,permalink``; a post that is gone is
        "does not exist" (100/33, THApiException) or a plain 404: None."""
        try:
            item = self.api().call("GET", remote_id, {"fields": FIELDS}, write=False, expect="id")
        except ChannelError as exc:
            if exc.http_status == 404 or exc.code == "100/33":
                return None
            raise
        return self._live(item)

    def recent_posts(self, since: dt.datetime) -> list[LivePost]:
        return [self._live(i) for i in self._list("threads", since)]

    def _live(self, item: dict[str, Any]) -> LivePost:
        media_id = str(item["id"])
        return LivePost(remote_id=media_id, text=str(item.get("text") or ""), url=self._url(media_id, item.get("permalink")),
                        created_at=graph.graph_time(str(item.get("timestamp") or "")))

    def metrics(self, remote_id: str) -> dict[str, int]:
        """``GET /{threads-media-id}/insights?metric=views,likes,replies,reposts,quotes,shares``
        (the token needs ``threads_manage_insights``); see :mod:`channels.engagement`."""
        from .engagement import TH_METRICS, from_threads

        api = self.api()
        answer = api.call("GET", f"{remote_id}/insights", {"metric": ",".join(TH_METRICS)}, write=False, expect="data")
        try:
            return from_threads(answer)
        except (KeyError, ValueError):
            from .threads_errors import threads_error

            raise threads_error(api.session.last_response, None, write=False, redactor=api.session.redactor,
                                expected="data") from None

    def unpublish_part(self, remote_id: str) -> bool:
        """``DELETE /{threads-media-id}``: ``{"success": true, "deleted_id": ...}`` (100 a
        day per profile; the token needs ``threads_delete``).  Gone already: False."""
        try:
            self.api().call("DELETE", remote_id, write=False, expect="success")
        except ChannelError as exc:
            if exc.http_status == 404 or exc.code == "100/33":
                return False
            raise
        return True

    # ------------------------------------------------------------------ account

    def check(self) -> AccountCheck:
        api = self.api()
        me = api.call("GET", "me", {"fields": "id,username"}, write=False, expect="id")
        limit = api.call("GET", f"{self.user_id}/threads_publishing_limit", {"fields": "quota_usage,config"},
                         write=False)
        problem = None
        if str(me["id"]) != self.user_id:
            problem = _("the token is @{username}'s ({id}), not threads_user_id {user}'s: set threads_user_id "
                        "to {id}").format(username=me.get("username", "?"), id=me["id"], user=self.user_id)
        elif self.context is not None:
            from .media.fetch import check_served

            # Threads fetches every image from media.public_base_url, as Instagram does.
            problem = check_served(self.context)
        return AccountCheck(ok=problem is None, identity=f"@{me.get('username', '?')} ({me['id']})",
                            quota=graph.describe_quota(limit), message=problem)

    def token_expiry(self) -> dt.datetime | None:
        """``GET /debug_token?input_token=`` (asked with the same token): the earlier of
        ``expires_at`` and ``data_access_expires_at``; a long-lived token lasts 60 days
        unless refreshed (``GET /refresh_access_token?grant_type=th_refresh_token``)."""
        token = str(self.account.get("access_token", ""))
        answer = self.api().call("GET", "debug_token", {"input_token": token}, write=False, expect="data")
        return graph.token_expiry(answer["data"])

    def pace(self) -> Pace | None:
        """Threads' publishing quota, ``GET /{user}/threads_publishing_limit`` (250 posts
        per rolling 24 hours; a carousel is one), read once after each publish and kept."""
        if self._published:
            self._published = False
            try:
                answer = self.api().call("GET", f"{self.user_id}/threads_publishing_limit",
                                         {"fields": "quota_usage,config"}, write=False)
            except ChannelError:
                return self._quota  # not readable now: what was known stands
            self._quota = graph.publishing_quota(answer, now=self.clock.now(),
                                                 reason=N_("Threads allows {total} posts per 24 hours"))
        return self._quota

    def _url(self, media_id: str, permalink: str | None) -> str:
        base = self.account.base_url
        if base:  # the sandbox's page of the post is at its root, not under /threads
            parts = urlsplit(base)
            base = f"{parts.scheme}://{parts.netloc}"
        return web_url(base, "threads", media_id, permalink or "https://www.threads.net/")


def _image(item: Media) -> dict[str, str]:
    """An image container's fields: its public URL and its alt text."""
    return {"image_url": item.url, **({"alt_text": item.alt} if item.alt else {})}
