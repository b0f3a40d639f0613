"""Facebook Page: feed posts with the article link (the network draws the preview)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import graph
from .base import AccountCheck, Article, ChannelError, Draft, LivePost, Media, Receipt, Rejected
from .http import web_url
from .i18n import _

MAX_LENGTH = 63_206  # Graph's documented message limit
DEFAULT_HASHTAGS = 3
#: Graph's code/subcode for an object that does not exist (a post deleted already).
GONE = "100/33"


class FacebookChannel(graph.GraphChannel):
    """A Facebook Page, posting with a Page access token."""

    name = "facebook"
    required_settings = ("page_id", "access_token")
    optional_settings = (*graph.GraphChannel.optional_settings, "max_hashtags", "photo")

    def measure(self, text: str) -> tuple[int, int | None]:
        return len(text), MAX_LENGTH

    def render(self, article: Article) -> Draft:
        from .formatting import fields_for, fit, renderer

        warnings: list[str] = []
        fields = fields_for(
            article, self.account, max_tags=int(self.account.get("max_hashtags", DEFAULT_HASHTAGS)), body=True, summary_from_body=False
        )
        render = renderer("facebook", self.account, self.context)
        text = fit(render, fields, measure=len, limit=MAX_LENGTH, warnings=warnings, network="Facebook")
        media: tuple[Media, ...] = ()
        if self.account.get("photo", False) and article.image:
            from .media.images import prepare

            media = prepare(article.images()[:1], network="facebook", account=self.account, context=self.context,
                            warnings=warnings, required=False)
        return Draft(parts=(text,), media=media, warnings=tuple(warnings), link=fields.link)

    def validate(self, draft: Draft) -> None:
        if len(draft.parts) != 1:
            raise Rejected(_("a Facebook post has exactly one part"))
        if not draft.parts[0].strip() and not draft.link:
            raise Rejected(_("a Facebook post needs a message or a link"))
        if len(draft.parts[0]) > MAX_LENGTH:
            raise Rejected(_("the message is {length} characters; Facebook takes {limit}").format(
                length=len(draft.parts[0]), limit=MAX_LENGTH))

    @property
    def page_id(self) -> str:
        return str(self.account.get("page_id"))

    def publish_part(self, draft: Draft, index: int, *, reply_to: str | None = None) -> Receipt:
        if draft.media:
            # A photo post: the image large, the link in the text.
            post_id = self._photo(draft.media[0], draft.parts[index])
        else:
            args = {"message": draft.parts[index]}
            if draft.link:
                args["link"] = draft.link
            result = self.call(lambda: self.graph().put_object(self.page_id, "feed", **args), write=True, expect="id")
            post_id = str(result["id"])
        return Receipt(remote_id=post_id, remote_url=self._url(post_id))

    def _photo(self, item: Media, message: str) -> str:
        """Post ``item`` as a photo: the bytes prepared at render, or its URL if never prepared."""
        if item.file:
            from .media.store import read

            image = read(item, self.context)  # gone or changed: refused, never fetched again
            source = (image.name, image.data, image.mime)
            result = self.call(
                lambda: self.graph().put_photo(source, album_path=f"{self.page_id}/photos", message=message),
                write=True, expect="id",
            )
        else:  # rendered without a media folder: Facebook fetches it, as before
            result = self.call(
                lambda: self.graph().put_object(self.page_id, "photos", url=item.url, message=message),
                write=True, expect="id",
            )
        return str(result.get("post_id") or result["id"])

    def find_published(self, draft: Draft, index: int, *, since: dt.datetime) -> Receipt | None:
        wanted = " ".join(draft.parts[index].split())
        args = {"fields": "id,message,created_time", "since": int(since.timestamp()), "limit": 100}
        posts = self.call(lambda: list(self.graph().get_all_connections(self.page_id, "published_posts", **args)), write=False)
        for post in posts:
            if " ".join(str(post.get("message", "")).split()) == wanted:
                return Receipt(remote_id=str(post["id"]), remote_url=self._url(str(post["id"])))
        return None

    reads_live = True
    compares_live_text = True

    def fetch_live(self, remote_id: str) -> LivePost | None:
        """``GET /{page-post-id}?fields=id,message,created_time,permalink_url``; a post that
        is gone is Graph's "does not exist" (100/33) or a plain 404: None."""
        try:
            post = self.call(lambda: self.graph().get_object(remote_id, fields="id,message,created_time,permalink_url"),
                             write=False, expect="id")
        except ChannelError as exc:
            if exc.http_status == 404 or exc.code == GONE:
                return None
            raise
        return self._live(post)

    def recent_posts(self, since: dt.datetime) -> list[LivePost]:
        """``GET /{page}/published_posts?since=``: one page of the newest 100."""
        args = {"fields": "id,message,created_time,permalink_url", "since": int(since.timestamp()), "limit": 100}
        answer = self.call(lambda: self.graph().get_connections(self.page_id, "published_posts", **args),
                           write=False)  # an empty list is an answer too
        return [self._live(p) for p in graph.data_items(answer) if isinstance(p, dict) and "id" in p]

    def _live(self, post: dict[str, Any]) -> LivePost:
        when = graph.graph_time(str(post.get("created_time") or ""))
        post_id = str(post["id"])
        return LivePost(remote_id=post_id, text=str(post.get("message") or ""), created_at=when,
                        url=str(post.get("permalink_url") or "") or self._url(post_id))

    can_unpublish = True

    def unpublish_part(self, remote_id: str) -> bool:
        """``DELETE /{page-post-id}``: ``{"success": true}``.  Graph answers a post that is
        gone with its "does not exist" error (code 100, subcode 33; the same words cover an
        object the token cannot see, which a Page's own post is not), or a plain 404."""
        try:
            self.call(lambda: self.graph().delete_object(remote_id), write=False, expect="success")
        except ChannelError as exc:
            if exc.http_status == 404 or exc.code == GONE:
                return False
            raise
        return True

    def check(self) -> AccountCheck:
        page = self.call(lambda: self.graph().get_object(self.page_id, fields="id,name"), write=False, expect="id")
        return AccountCheck(ok=True, identity=_("{name} (page {id})").format(name=page.get("name", "?"), id=page["id"]),
                            quota=self.usage() or _("no call-budget headers in the answer"))

    def metrics(self, remote_id: str) -> dict[str, int]:
        """``GET /{post-id}?fields=reactions.summary(true),comments.summary(true),shares``
        and ``GET /{post-id}/insights`` (views and reach, Meta's 2025 names); see
        :mod:`channels.engagement`.  Insights that cannot be read leave views and reach out."""
        from .base import RateLimited
        from .engagement import FB_FIELDS, FB_INSIGHTS, from_facebook

        g = self.graph()
        post = self.call(lambda: g.get_object(remote_id, fields=FB_FIELDS), write=False, expect="id")
        insights = None
        try:
            insights = self.call(lambda: g.get_connections(remote_id, "insights", metric=",".join(FB_INSIGHTS)),
                                 write=False, expect="data")
        except RateLimited:
            raise
        except ChannelError:
            insights = None  # a Page without insights access still has its reactions
        try:
            return from_facebook(post, insights)
        except (KeyError, ValueError):
            raise graph.graph_error(g.session.last_response, None, write=False, redactor=g.session.redactor,
                                    clock=self.clock, expected="reactions.summary") from None

    def _url(self, post_id: str) -> str:
        return web_url(self.account.base_url, "facebook", post_id, f"https://www.facebook.com/{post_id}")
