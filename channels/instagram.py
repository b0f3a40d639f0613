"""Instagram (professional account via a Facebook Page): a caption with the article image.

Publishing is two steps: create a media container from a public image URL, wait until
its status is FINISHED, then ``media_publish`` it.  Links are not clickable in captions,
so the article URL is replaced by a phrase ("Tautan di bio").
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import graph
from .base import Account, AccountCheck, Article, ChannelError, Context, Draft, LivePost, Pace, Receipt, Rejected
from .http import web_url
from .i18n import N_, _

MAX_CAPTION = 2200
MAX_HASHTAGS = 30
MAX_MENTIONS = 20
MAX_CAROUSEL = 10
LINK_PHRASE = "Tautan di bio"


class InstagramChannel(graph.GraphChannel):
    """An Instagram professional account linked to a Facebook Page."""

    name = "instagram"
    required_settings = ("ig_user_id", "access_token")
    optional_settings = (*graph.GraphChannel.optional_settings, "link_phrase", "image_background",
                         "poll_seconds", "poll_timeout", "card")
    #: The Instagram Graph API publishes media but has no call that deletes it.
    cannot_unpublish = N_("Instagram's API cannot delete a post; delete it in the Instagram app")

    def __init__(self, account: Account, *, context: Context | None = None) -> None:
        super().__init__(account, context=context)
        #: Instagram's publishing quota as last read, and whether a publish came since.
        self._quota: Pace | None = None
        self._published = False

    def measure(self, text: str) -> tuple[int, int | None]:
        return len(text), MAX_CAPTION

    def render(self, article: Article) -> Draft:
        import dataclasses

        from .formatting import fields_for, fit, renderer

        from .media.cards import card_images

        warnings: list[str] = []
        card = card_images(article, account=self.account, context=self.context, warnings=warnings)
        if not article.image and not card:
            raise Rejected(_("Instagram needs an image and the article has none (set 'image' in the article, "
                             "or card = true for the account)"))
        fields = fields_for(article, self.account, max_tags=MAX_HASHTAGS)
        capped = len(fields_for(article, self.account).hashtags) - len(fields.hashtags)
        if fields.link:
            fields = dataclasses.replace(fields, link_phrase=str(self.account.get("link_phrase", LINK_PHRASE)))
        render = renderer("instagram", self.account, self.context)
        caption = _drop_extra_mentions(
            fit(render, fields, measure=len, limit=MAX_CAPTION, warnings=warnings, network="Instagram"), warnings
        )
        caption = _drop_extra_hashtags(caption, keep=fields.own_tags, capped=capped, warnings=warnings)
        from .media.images import prepare

        media = card or prepare(article.images()[:MAX_CAROUSEL], network="instagram", account=self.account,
                                context=self.context, warnings=warnings, required=True)
        if len(article.images()) > MAX_CAROUSEL:
            warnings.append(_("{n} image(s) beyond Instagram's {most} left out").format(
                n=len(article.images()) - MAX_CAROUSEL, most=MAX_CAROUSEL))
        return Draft(parts=(caption,), media=media, warnings=tuple(warnings))

    def validate(self, draft: Draft) -> None:
        from .text import count_hashtags, count_mentions

        if len(draft.parts) != 1:
            raise Rejected(_("an Instagram post has exactly one caption"))
        caption = draft.parts[0]
        if not draft.media:
            raise Rejected(_("Instagram needs an image"))
        if len(draft.media) > MAX_CAROUSEL:
            raise Rejected(_("an Instagram carousel takes at most {most} images, the draft has {n}").format(
                most=MAX_CAROUSEL, n=len(draft.media)))
        if len(caption) > MAX_CAPTION:
            raise Rejected(_("the caption is {length} characters; Instagram takes {limit}").format(
                length=len(caption), limit=MAX_CAPTION))
        if count_hashtags(caption) > MAX_HASHTAGS:
            raise Rejected(_("the caption has {n} hashtags; Instagram takes {most}").format(
                n=count_hashtags(caption), most=MAX_HASHTAGS))
        if count_mentions(caption) > MAX_MENTIONS:
            raise Rejected(_("the caption has {n} mentions; Instagram takes {most}").format(
                n=count_mentions(caption), most=MAX_MENTIONS))

    @property
    def ig_user_id(self) -> str:
        return str(self.account.get("ig_user_id"))

    def publish_part(self, draft: Draft, index: int, *, reply_to: str | None = None) -> Receipt:
        from .media.store import check

        for item in draft.media:  # Instagram fetches by URL: its prepared copy must still be there
            check(item, self.context)
        g = self.graph()
        caption = draft.parts[index]
        if len(draft.media) == 1:
            item = draft.media[0]
            args = {"image_url": item.url, "caption": caption}
            if item.alt:
                args["alt_text"] = item.alt
            container = self._create(args)
            self._wait(container)
        else:
            children = []
            for item in draft.media:
                child_args = {"image_url": item.url, "is_carousel_item": "true"}
                if item.alt:
                    child_args["alt_text"] = item.alt
                child = self._create(child_args)
                self._wait(child)
                children.append(str(child))
            container = self._create({"media_type": "CAROUSEL", "children": ",".join(children), "caption": caption})
            self._wait(container)
        if self.context is not None:
            self.context.check_fence()  # the container wait may have outlived our claim
        media_id = str(self.call(lambda: g.put_object(self.ig_user_id, "media_publish", creation_id=container), write=True, expect="id")["id"])
        self._published = True  # the quota changed: pace() reads it again
        permalink = None
        try:
            permalink = self.call(lambda: g.get_object(media_id, fields="permalink"), write=False).get("permalink")
        except Exception:  # noqa: BLE001 - the post is out; a missing permalink is not a failure
            permalink = None
        return Receipt(remote_id=media_id, remote_url=self._url(media_id, permalink))

    def _create(self, args: dict[str, str]) -> str:
        """A media container; its creation is not a post, so it is never reconciled."""
        return str(self.call(lambda: self.graph().put_object(self.ig_user_id, "media", **args), write=False, expect="id")["id"])

    def _wait(self, container: str) -> None:
        """Poll the container until FINISHED; Meta suggests at most every few seconds."""
        def read() -> tuple[str | None, str | None]:
            state = self.call(lambda: self.graph().get_object(container, fields="status_code,status"), write=False)
            return state.get("status_code"), state.get("status")

        # Well inside the worker's lease (15 minutes), so nobody else takes the post over;
        # the context's clock: tests pass a FakeClock and wait for nothing.
        graph.wait_for_container(
            container, read, clock=self.clock, interval=float(self.account.get("poll_seconds", 3)),
            timeout=float(self.account.get("poll_timeout", 180)),
            failed=_("Instagram could not prepare the image: {status}"),
            slow=_("Instagram media container {container} still {code} after waiting"))

    def find_published(self, draft: Draft, index: int, *, since: dt.datetime) -> Receipt | None:
        items = self.call(
            lambda: list(
                self.graph().get_all_connections(
                    self.ig_user_id, "media", fields="id,caption,timestamp,permalink", since=int(since.timestamp()), limit=100
                )
            ),
            write=False,
        )
        for item in items:
            if graph.same_text(str(item.get("caption", "")), draft.parts[index]):
                return Receipt(remote_id=str(item["id"]), remote_url=self._url(str(item["id"]), item.get("permalink")))
        return None

    def check(self) -> AccountCheck:
        g = self.graph()
        user = self.call(lambda: g.get_object(self.ig_user_id, fields="id,username"), write=False, expect="id")
        limit = self.call(
            lambda: g.get_connections(self.ig_user_id, "content_publishing_limit", fields="config,quota_usage"), write=False
        )
        quota = graph.describe_quota(limit)
        # Instagram fetches every image from media.public_base_url: one not served there
        # fails every post with error 9004, so the check fetches one as Instagram would.
        from .media.fetch import check_served

        problem = check_served(self.context) if self.context is not None else None
        return AccountCheck(ok=problem is None, identity=f"@{user.get('username', '?')} ({user['id']})",
                            quota=quota, message=problem)

    def pace(self) -> Pace | None:
        """Meta's usage headers (as for a Page), then Instagram's own publishing quota:
        ``GET /{ig-user-id}/content_publishing_limit``, ``quota_total`` posts per rolling
        ``quota_duration`` (24 hours), read once after each publish (one call) and kept.
        Instagram does not say when the window frees: the core reckons it from the
        account's own posts."""
        found = super().pace()
        if found is not None and found.exhausted:
            return found
        if self._published:
            self._quota, self._published = self._read_quota(), False
        return self._quota or found

    def _read_quota(self) -> Pace | None:
        g = self.graph()
        try:
            answer = self.call(lambda: g.get_connections(self.ig_user_id, "content_publishing_limit",
                                                         fields="config,quota_usage"), write=False)
        except ChannelError:
            return None  # the quota cannot be read: not known, and the publish error 9 still holds
        return graph.publishing_quota(answer, now=self.clock.now(), reason=N_("Instagram allows {total} posts per 24 hours"))

    def metrics(self, remote_id: str) -> dict[str, int]:
        """``GET /{media-id}/insights?metric=views,reach,likes,comments,saved,shares``
        (Meta's names since 2025: ``views`` replaced ``impressions``); see
        :mod:`channels.engagement`."""
        from .engagement import IG_METRICS, from_instagram

        g = self.graph()
        answer = self.call(lambda: g.get_connections(remote_id, "insights", metric=",".join(IG_METRICS)),
                           write=False, expect="data")
        try:
            return from_instagram(answer)
        except (KeyError, ValueError):
            raise graph.graph_error(g.session.last_response, None, write=False, redactor=g.session.redactor,
                                    clock=self.clock, expected="data") from None

    reads_live = True

    def fetch_live(self, remote_id: str) -> LivePost | None:
        """``GET /{media-id}?fields=id,caption,timestamp,permalink``; a media that is gone
        is Graph's "does not exist" (100/33) or a plain 404: None."""
        try:
            item = self.call(lambda: self.graph().get_object(remote_id, fields="id,caption,timestamp,permalink"),
                             write=False, expect="id")
        except ChannelError as exc:
            if exc.http_status == 404 or exc.code == "100/33":
                return None
            raise
        return self._live(item)

    def recent_posts(self, since: dt.datetime) -> list[LivePost]:
        """``GET /{ig-user-id}/media?since=``: one page of the newest 100."""
        answer = self.call(lambda: self.graph().get_connections(
            self.ig_user_id, "media", fields="id,caption,timestamp,permalink", since=int(since.timestamp()), limit=100),
            write=False)  # an empty list is an answer too
        return [self._live(i) for i in graph.data_items(answer) if isinstance(i, dict) and "id" in i]

    def _live(self, item: dict[str, Any]) -> LivePost:
        when = graph.graph_time(str(item.get("timestamp") or ""))
        media_id = str(item["id"])
        return LivePost(remote_id=media_id, text=str(item.get("caption") or ""), created_at=when,
                        url=self._url(media_id, item.get("permalink")))

    def _url(self, media_id: str, permalink: str | None) -> str:
        return web_url(self.account.base_url, "instagram", media_id, permalink or "https://www.instagram.com/")


def _drop_extra_mentions(caption: str, warnings: list[str]) -> str:
    """Keep the first 20 @mentions; later ones lose their @ and become plain words."""
    from .text import extract_mentions_with_indices

    mentions = extract_mentions_with_indices(caption)
    if len(mentions) <= MAX_MENTIONS:
        return caption
    for entity in reversed(mentions[MAX_MENTIONS:]):
        at = caption.rfind("@", 0, entity.start + 1)
        if at >= 0:
            caption = caption[:at] + caption[at + 1:]
    warnings.append(_("{n} mention(s) beyond Instagram's {most} dropped").format(n=len(mentions) - MAX_MENTIONS,
                                                                                 most=MAX_MENTIONS))
    return caption


def _drop_extra_hashtags(caption: str, *, keep: tuple[str, ...], capped: int, warnings: list[str]) -> str:
    """At most 30 hashtags: later ones lose their # and become plain words, the account's
    own hashtags last of all.  ``capped`` tags were already left out of the tag list;
    one warning counts both, so the officer sees every hashtag Instagram will not get."""
    from .text import extract_hashtags_with_indices

    tags = extract_hashtags_with_indices(caption)
    excess = len(tags) - MAX_HASHTAGS
    if excess > 0:
        own = {t.lstrip("#").lower() for t in keep}
        later = list(reversed(tags))
        doomed = [t for t in later if t.value.lower() not in own][:excess]
        doomed += [t for t in later if t not in doomed][: excess - len(doomed)]
        for entity in sorted(doomed, key=lambda t: t.start, reverse=True):
            caption = caption[:entity.start] + caption[entity.start + 1:]  # the # (or its full-width twin)
    dropped = capped + max(0, excess)
    if dropped:
        warnings.append(_("{n} hashtag(s) beyond Instagram's {most} dropped").format(n=dropped, most=MAX_HASHTAGS))
    return caption
