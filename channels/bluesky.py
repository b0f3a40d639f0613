"""Bluesky (AT Protocol): posts written to the account's repository as records.

Publishing a part is ``com.atproto.repo.createRecord`` of an ``app.bsky.feed.post`` with a
record key (rkey) we choose *before* the write, from what the store keeps of the post
(:func:`channels.bluesky_text.rkey_for`).  A retry after a lost answer writes the same
key; a second create with it is refused, and reconciliation is exact: ``getRecord`` by
that key says whether the post is there.  Images are uploaded first
(``com.atproto.repo.uploadBlob``), the fence checked before every write.

The SDK (``atproto``) is imported only when the channel talks to the network.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from .base import AccountCheck, Article, Channel, ChannelError, Context, Draft, LivePost, Media, Pace, Receipt, Rejected
from .bluesky_client import DEFAULT_PDS, Session, XrpcAccount
from .bluesky_record import COLLECTION, MAX_IMAGES, at_uri, rkey_of
from .bluesky_text import MAX_BYTES, MAX_GRAPHEMES, fitting_measure, graphemes, utf8_bytes
from .http import web_url
from .i18n import N_, _

#: Points a create costs against the PDS's write limit (docs.bsky.app, rate limits:
#: creates 3, updates 2, deletes 1; 5,000 points an hour and 35,000 a day per account).
CREATE_POINTS = 3


class BlueskyChannel(Channel):
    """A Bluesky account, logged in with its handle and an app password."""

    name = "bluesky"
    required_settings = ("handle", "app_password")
    secret_keys = ("app_password",)
    optional_settings = (*Channel.optional_settings, "pds", "images", "card", "langs", "thread", "thread_max_parts",
                         "thread_numbering")

    def __init__(self, account: Any, *, context: Context | None = None) -> None:
        super().__init__(account, context=context)
        self._xrpc: XrpcAccount | None = None
        #: The headers of the last write's answer: the PDS's write limit.
        self._write_headers: Mapping[str, str] = {}

    # ------------------------------------------------------------------ formatting

    def measure(self, text: str) -> tuple[int, int | None]:
        """Graphemes against 300; a text over 3,000 bytes of UTF-8 (many emoji, CJK) is
        measured in bytes against 3,000 instead, so the count shows the limit it breaks."""
        size = utf8_bytes(text)
        return (size, MAX_BYTES) if size > MAX_BYTES else (graphemes(text), MAX_GRAPHEMES)

    @property
    def threads(self) -> bool:
        return bool(self.account.get("thread", False))

    def render(self, article: Article) -> Draft:
        from .formatting import fields_for, fit, renderer
        from .thread import account_thread

        warnings: list[str] = []
        fields = fields_for(article, self.account, body=self.threads)
        render = renderer("bluesky", self.account, self.context)
        text = render(fields)
        parts: tuple[str, ...] = (text,)
        if fitting_measure(text) > MAX_GRAPHEMES:
            # One measure for both limits (fitting_measure): 300 or less keeps 3,000 bytes too.
            parts = account_thread(text, fields.link, account=self.account, limit=MAX_GRAPHEMES,
                                   length=fitting_measure, warnings=warnings) if self.threads else ()
            if not parts:
                parts = (fit(render, fields, measure=fitting_measure, limit=MAX_GRAPHEMES, warnings=warnings,
                             network="Bluesky"),)
        card = None
        if fields.link and self.account.get("card", True):
            card = {"title": fields.title, "description": fields.summary}
        # A post has one embed: with a card, only its thumbnail (the first image) is shown.
        most = 1 if card else MAX_IMAGES
        media: tuple[Media, ...] = ()
        if self.account.get("images", True):
            from .media.images import prepare

            media = prepare(article.images()[:most], network="bluesky", account=self.account,
                            context=self.context, warnings=warnings, required=False)
            extra = len(article.images()) - most
            if extra > 0 and card:
                warnings.append(_("{n} image(s) left out: a post with a link card shows one image "
                                  "(card = false gives up to 4 images)").format(n=extra))
            elif extra > 0:
                warnings.append(_("{n} image(s) beyond Bluesky's {most} left out").format(n=extra, most=most))
        return Draft(parts=parts, media=media, warnings=tuple(warnings), link=fields.link, card=card)

    def validate(self, draft: Draft) -> None:
        if not draft.parts:
            raise Rejected(_("nothing to post"))
        for i, part in enumerate(draft.parts, 1):
            if not part.strip():
                raise Rejected(_("part {i} is empty").format(i=i))
            if graphemes(part) > MAX_GRAPHEMES:
                raise Rejected(_("part {i} is {length} characters; Bluesky takes {limit}").format(
                    i=i, length=graphemes(part), limit=MAX_GRAPHEMES))
            if utf8_bytes(part) > MAX_BYTES:
                raise Rejected(_("part {i} is {length} bytes in UTF-8; Bluesky takes {limit}").format(
                    i=i, length=utf8_bytes(part), limit=MAX_BYTES))
        if len(draft.media) > MAX_IMAGES:
            raise Rejected(_("Bluesky takes at most {most} images, the draft has {n}").format(
                most=MAX_IMAGES, n=len(draft.media)))

    # ------------------------------------------------------------------ network


    def xrpc(self) -> XrpcAccount:
        """The account's SDK client on our transport (made on first use)."""
        if self._xrpc is None:
            s = self.account.settings
            self._xrpc = XrpcAccount(handle=str(s["handle"]), app_password=str(s["app_password"]),
                                     pds=str(s.get("pds") or DEFAULT_PDS), base_url=self.account.base_url,
                                     clock=self.clock)
        return self._xrpc

    def _fence(self) -> None:
        if self.context is not None:
            self.context.check_fence()

    def rkey(self, draft: Draft, index: int) -> str:
        """The record key of part ``index``: from the store's key of the post, else fresh."""
        from .bluesky_text import fresh_rkey, rkey_for

        return rkey_for(draft.key, index) if draft.key else fresh_rkey(self.clock.now())

    def publish_part(self, draft: Draft, index: int, *, reply_to: str | None = None) -> Receipt:
        from atproto_client import models

        from .bluesky_record import facets, post_record, reply_ref

        x = self.xrpc()
        text = draft.parts[index]
        rkey = self.rkey(draft, index)
        embed = self._embed(draft) if index == 0 else None
        reply = None
        if reply_to:
            parent = self._strong_ref(reply_to)
            root = parent[2] or parent[:2]
            reply = reply_ref(root, parent[:2])
        record = post_record(text, facets=facets(text, self._resolve), embed=embed, reply=reply,
                             langs=self._langs(), now=self.clock.now())

        def create(session: Session, headers: dict[str, str]) -> Any:
            data = models.ComAtprotoRepoCreateRecord.Data(repo=session.did, collection=COLLECTION, rkey=rkey,
                                                          record=record)
            self._fence()  # never write for a claim we cannot prove we still hold
            return x.client.com.atproto.repo.create_record(data, headers=headers)

        answer = x.call(create, write=True, create=True)
        self._write_headers = dict(x.last_headers)
        if not getattr(answer, "uri", None):
            from .bluesky_errors import xrpc_error

            raise xrpc_error(200, x.last_headers, None, write=True, expected="uri")
        return Receipt(remote_id=rkey, remote_url=self._url(rkey))

    def _embed(self, draft: Draft) -> Any | None:
        """The card (with the first image as its thumbnail) for a post with a link, else
        the images; each image uploaded from its prepared bytes, the fence checked first."""
        from .bluesky_record import card_embed, images_embed

        images = draft.media if self.account.get("images", True) else ()
        if draft.link and draft.card:
            thumb = self._upload(images[0])[0] if images else None
            return card_embed(draft.link, draft.card, thumb)
        if not images:
            return None
        return images_embed([self._upload(m) for m in images[:MAX_IMAGES]])

    def _upload(self, media: Media) -> tuple[Any, Media, tuple[int, int] | None]:
        """``com.atproto.repo.uploadBlob`` of the bytes prepared at render (never fetched again)."""
        import io

        from .media.store import read

        stored = read(media, self.context)
        size = None
        try:
            from PIL import Image

            with Image.open(io.BytesIO(stored.data)) as img:
                size = img.size
        except Exception:  # noqa: BLE001 - no aspect ratio is no failure
            size = None
        kind = "image/png" if stored.data.startswith(b"\x89PNG") else "image/jpeg"
        x = self.xrpc()

        def upload(session: Session, headers: dict[str, str]) -> Any:
            self._fence()
            return x.client.com.atproto.repo.upload_blob(stored.data, headers={**headers, "Content-Type": kind})

        answer = x.call(upload, write=False)  # an unused blob is dropped by the PDS, never shown
        return answer.blob, media, size

    def _strong_ref(self, rkey: str) -> tuple[str, str, tuple[str, str] | None]:
        """uri and cid of our post ``rkey``, and its thread's root when it is a reply."""
        found = self._get(rkey)
        if found is None:
            raise Rejected(_("the post to reply to ({rkey}) is not on Bluesky").format(rkey=rkey))
        value = found.value
        root = None
        reply = getattr(value, "reply", None)
        if reply is not None:
            root = (reply.root.uri, reply.root.cid)
        return found.uri, str(found.cid), root

    def _resolve(self, handle: str) -> str | None:
        """``com.atproto.identity.resolveHandle``: the DID of ``handle``, or None when
        Bluesky knows no such handle (the mention then stays plain text)."""
        x = self.xrpc()
        try:
            answer = x.call(lambda s, h: x.client.com.atproto.identity.resolve_handle({"handle": handle}, headers=h),
                            write=False)
        except Rejected:
            return None
        did: str = answer.did
        return did

    def _langs(self) -> list[str]:
        langs = self.account.get("langs", ["id"])
        return [str(v) for v in ([langs] if isinstance(langs, str) else langs)]

    def _get(self, rkey: str) -> Any | None:
        """``com.atproto.repo.getRecord`` of our post ``rkey``; None when there is none."""
        x = self.xrpc()

        def get(session: Session, headers: dict[str, str]) -> Any:
            params = {"repo": session.did, "collection": COLLECTION, "rkey": rkey}
            return x.client.com.atproto.repo.get_record(params, headers=headers)

        try:
            return x.call(get, write=False)
        except Rejected as exc:
            if exc.code == "RecordNotFound" or exc.http_status == 404:
                return None
            raise

    def find_published(self, draft: Draft, index: int, *, since: dt.datetime) -> Receipt | None:
        """Exact: the record with this part's key, by ``getRecord`` (a draft the store
        does not know has no key to look for, so nothing is found)."""
        if not draft.key:
            return None
        rkey = self.rkey(draft, index)
        found = self._get(rkey)
        if found is None:
            return None
        return Receipt(remote_id=rkey, remote_url=self._url(rkey))

    reads_live = True
    #: A Bluesky post cannot be edited: its text is exactly what was sent.
    compares_live_text = True

    def fetch_live(self, remote_id: str) -> LivePost | None:
        """``getRecord`` of our post; None when it is gone (deleted)."""
        found = self._get(remote_id)
        return self._live(remote_id, found.value) if found is not None else None

    def recent_posts(self, since: dt.datetime) -> list[LivePost]:
        """``com.atproto.repo.listRecords``: one page of the newest 100 post records,
        those created after ``since``."""
        x = self.xrpc()

        def listed(session: Session, headers: dict[str, str]) -> Any:
            params = {"repo": session.did, "collection": COLLECTION, "limit": 100}
            return x.client.com.atproto.repo.list_records(params, headers=headers)

        posts = [self._live(rkey_of(r.uri), r.value) for r in x.call(listed, write=False).records]
        return [p for p in posts if p.created_at is None or p.created_at > since]

    def _live(self, rkey: str, value: Any) -> LivePost:
        when = None
        try:
            when = dt.datetime.fromisoformat(str(getattr(value, "created_at", "")).replace("Z", "+00:00"))
        except ValueError:
            pass
        return LivePost(remote_id=rkey, text=str(getattr(value, "text", "") or ""), url=self._url(rkey), created_at=when)

    can_unpublish = True

    def unpublish_part(self, remote_id: str) -> bool:
        """``com.atproto.repo.deleteRecord``; a post already gone answers False.  The PDS
        answers a delete of a missing record with success too, so it is asked first."""
        if self._get(remote_id) is None:
            return False
        x = self.xrpc()

        def delete(session: Session, headers: dict[str, str]) -> Any:
            self._fence()
            data = {"repo": session.did, "collection": COLLECTION, "rkey": remote_id}
            return x.client.com.atproto.repo.delete_record(data, headers=headers)

        x.call(delete, write=False)
        return True

    # ------------------------------------------------------------------ pace, check

    def pace(self) -> Pace | None:
        """The PDS's write limit from the last create's answer (``ratelimit-limit``,
        ``-remaining``, ``-reset``, ``-policy``, in points): a create costs 3, so fewer
        than 3 points left means the next post waits for the reset."""
        return write_pace(self._write_headers)

    def check(self) -> AccountCheck:
        x = self.xrpc()
        answer = x.call(lambda s, h: x.client.com.atproto.server.get_session(headers=h), write=False)
        return AccountCheck(ok=True, identity=f"@{answer.handle} ({answer.did})",
                            quota=_("posting limit: 5,000 points an hour and 35,000 a day (a post costs 3)"))

    def _url(self, rkey: str) -> str:
        handle = str(self.account.get("handle", "")).lstrip("@")
        base = self.account.base_url
        if base and base.rstrip("/").endswith("/bluesky"):  # the sandbox's prefix: its pages are at its root
            base = base.rstrip("/")[: -len("/bluesky")]
        return web_url(base, "bluesky", rkey, f"https://bsky.app/profile/{handle}/post/{rkey}")

    def uri(self, rkey: str) -> str:
        """The ``at://`` URI of our post ``rkey`` (logs in to learn the DID)."""
        return at_uri(self.xrpc().session().did, rkey)


_PACE_REASON = N_("Bluesky's write limit ({limit} points) is used up")


def write_pace(headers: Mapping[str, str]) -> Pace | None:
    """The pace the PDS's ``ratelimit-*`` headers tell, in posts (3 points each)."""
    low = {k.lower(): v for k, v in headers.items()}
    remaining = str(low.get("ratelimit-remaining", "")).strip()
    if not remaining.isdigit():
        return None
    posts = int(remaining) // CREATE_POINTS
    reset = str(low.get("ratelimit-reset", "")).strip()
    until = dt.datetime.fromtimestamp(int(reset), dt.timezone.utc) if reset.isdigit() and posts == 0 else None
    return Pace(remaining=posts, until=until, reason=_PACE_REASON.format(limit=low.get("ratelimit-limit", "?")))


__all__ = ["BlueskyChannel", "ChannelError", "write_pace"]
