"""X (Twitter): posts and threads through tweepy's v2 Client, OAuth 1.0a user context.

tweepy is imported only when the channel talks to the network.  Rate limits are handled
here, never with ``wait_on_rate_limit`` (it sleeps inside the call and recurses).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

import requests

from .base import (
    AccountCheck,
    Article,
    Channel,
    ChannelError,
    Context,
    Draft,
    LivePost,
    Media,
    Pace,
    Receipt,
    Rejected,
)
from .http import Session, is_transport, make_session, web_url
from .i18n import N_, _
from .x_errors import LIMIT_HEADERS, x_error
from .x_media import Uploader

T = TypeVar("T")
MAX_LENGTH = 280


class TwitterChannel(Channel):
    """An X account."""

    name = "twitter"
    required_settings = ("consumer_key", "consumer_secret", "access_token", "access_token_secret")
    secret_keys = required_settings
    optional_settings = (*Channel.optional_settings, "max_length", "thread", "thread_max_parts",
                         "thread_numbering", "images", "username", "price_per_post", "price_per_link_post")
    #: X counts every tweet of a thread against its limits, and charges for each.
    counts_parts = True

    def __init__(self, account: Any, *, context: Context | None = None) -> None:
        super().__init__(account, context=context)
        self._client: Any = None
        #: The headers of the last answer to a post (POST /2/tweets): its limits.
        self._write_headers: Mapping[str, str] = {}

    # ------------------------------------------------------------------ formatting

    @property
    def limit(self) -> int:
        return int(self.account.get("max_length", MAX_LENGTH))

    def measure(self, text: str) -> tuple[int, int | None]:
        from .text import weighted_length

        return weighted_length(text), self.limit

    @property
    def threads(self) -> bool:
        return bool(self.account.get("thread", False))

    def render(self, article: Article) -> Draft:
        from .formatting import fields_for, fit, renderer
        from .text import weighted_length
        from .thread import account_thread

        warnings: list[str] = []
        fields = fields_for(article, self.account, body=self.threads)
        render = renderer("twitter", self.account, self.context)
        text = render(fields)
        parts: tuple[str, ...] = (text,)
        if weighted_length(text) > self.limit:
            parts = account_thread(text, fields.link, account=self.account, limit=self.limit, length=weighted_length,
                                   warnings=warnings) if self.threads else ()
            if not parts:
                parts = (fit(render, fields, measure=weighted_length, limit=self.limit, warnings=warnings, network="X"),)
        media: tuple[Media, ...] = ()
        if self.account.get("images", True):
            from .media.images import prepare
            from .x_media import MAX_IMAGES

            media = prepare(article.images()[:MAX_IMAGES], network="x", account=self.account, context=self.context,
                            warnings=warnings, required=False)
        return Draft(parts=parts, media=media, warnings=tuple(warnings), link=fields.link)

    def validate(self, draft: Draft) -> None:
        from .text import weighted_length

        if not draft.parts:
            raise Rejected(_("nothing to post"))
        for i, part in enumerate(draft.parts, 1):
            length = weighted_length(part)
            if length == 0:
                raise Rejected(_("part {i} is empty").format(i=i))
            if length > self.limit:
                raise Rejected(_("part {i} is {length} characters as X counts them; the limit is {limit}").format(
                    i=i, length=length, limit=self.limit))
        if len(draft.media) > 4:
            raise Rejected(_("X takes at most 4 images, the draft has {n}").format(n=len(draft.media)))

    # ------------------------------------------------------------------ network

    def client(self) -> Any:
        """tweepy's Client on our session; it returns the raw ``requests.Response`` so that
        every answer, a 2xx without the expected data included, reaches :func:`x_error`."""
        if self._client is None:
            import tweepy

            s = self.account.settings
            self._client = tweepy.Client(
                consumer_key=s["consumer_key"],
                consumer_secret=s["consumer_secret"],
                access_token=s["access_token"],
                access_token_secret=s["access_token_secret"],
                wait_on_rate_limit=False,
                return_type=requests.Response,
            )
            self._client.session = make_session(self.account.base_url, secrets=self.secrets())
        return self._client


    def session(self) -> Session:
        """The account's session (made with the client): its redactor and last answer."""
        session: Session = self.client().session
        return session

    def uploader(self) -> Uploader:
        """What :func:`channels.x_media.upload_images` needs: session, signer, error mapping."""
        import tweepy

        s = self.account.settings
        auth = tweepy.OAuth1UserHandler(
            s["consumer_key"], s["consumer_secret"], s["access_token"], s["access_token_secret"]
        ).apply_auth()
        return Uploader(session=self.session(), auth=auth, error=self._error, context=self.context)

    def publish_part(self, draft: Draft, index: int, *, reply_to: str | None = None) -> Receipt:
        text = draft.parts[index]
        media_ids = None
        if index == 0 and draft.media and self.account.get("images", True):
            from .x_media import upload_images

            media = self._prepared(draft.media)
            media_ids = self._call(lambda: upload_images(self, media), write=True)
            if self.context is not None:
                self.context.check_fence()  # uploads can be slow: confirm the claim again
        response = self._call(
            lambda: self.client().create_tweet(
                text=text, in_reply_to_tweet_id=reply_to, media_ids=media_ids, user_auth=True
            ),
            write=True,
        )
        self._write_headers = response.headers
        tweet_id = str(self._data(response, write=True)["id"])
        return Receipt(remote_id=tweet_id, remote_url=self._url(tweet_id))

    can_unpublish = True

    def unpublish_part(self, remote_id: str) -> bool:
        """``DELETE /2/tweets/:id``: ``{"data": {"deleted": true}}``; a 404 is a post gone already."""
        try:
            response = self._call(lambda: self.client().delete_tweet(remote_id, user_auth=True), write=False)
        except ChannelError as exc:
            if exc.http_status == 404:
                return False
            raise
        self._data(response, write=False, fields=("deleted",))  # "deleted": false is an odd answer: asked again
        return True

    # ------------------------------------------------------------------ pace and cost

    def pace(self) -> Pace | None:
        """X's posting limits from the last post's answer: ``x-rate-limit-*`` (100 per 15
        minutes per user on the current plans) and, on the legacy plans, ``x-user-limit-24hour-*``
        and ``x-app-limit-24hour-*``.  When one family has none left, the post waits for
        its reset (the latest of the exhausted ones), so no 429 is ever asked for."""
        return limits_pace(self._write_headers)

    def cost(self, draft: Draft) -> Decimal | None:
        """X's pay-per-use price of ``draft``: every tweet of a thread is a post, and a tweet
        whose text holds a URL costs ``price_per_link_post`` (else ``price_per_post``)."""
        from .text import extract_urls_with_indices

        plain, link = self.account.get("price_per_post"), self.account.get("price_per_link_post")
        if plain is None and link is None:
            return None
        each = Decimal(str(plain if plain is not None else 0))
        with_link = Decimal(str(link)) if link is not None else each
        return sum((with_link if extract_urls_with_indices(part) else each for part in draft.parts), Decimal(0))

    def _prepared(self, media: tuple[Media, ...]) -> tuple[Media, ...]:
        """The draft's images as prepared at render.  A post queued by a version that did
        not prepare X images then (no file, no digest) has them prepared now, once, as
        that version did at publish; anything rendered since is never fetched again."""
        if self.context is None or any(m.file or m.sha256 for m in media):
            return media
        from .media.images import prepare

        warnings: list[str] = []
        return prepare(media, network="x", account=self.account, context=self.context, warnings=warnings, required=False)

    def find_published(self, draft: Draft, index: int, *, since: dt.datetime) -> Receipt | None:
        client = self.client()
        user_id = self._data(self._call(lambda: client.get_me(user_auth=True), write=False), write=False)["id"]
        from .text import extract_urls_with_indices

        sent = draft.parts[index]
        wanted = _comparable(sent)
        links = len(extract_urls_with_indices(sent))
        token = None
        for _page in range(10):
            response = self._call(
                lambda: client.get_users_tweets(
                    user_id,
                    user_auth=True,
                    start_time=since.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    max_results=100,
                    pagination_token=token,
                    tweet_fields=["created_at", "conversation_id"],
                ),
                write=False,
            )
            page = self._body(response, write=False, expected=_("a list of posts"))
            tweets = page.get("data", [])
            if not isinstance(tweets, list) or not all(isinstance(t, dict) and "id" in t and "text" in t for t in tweets):
                raise self._error(response, write=False, expected=_("a list of posts"))
            for tweet in tweets:
                if _comparable(str(tweet["text"]), links=links) == wanted:
                    return Receipt(remote_id=str(tweet["id"]), remote_url=self._url(str(tweet["id"])))
            meta = page.get("meta")
            token = meta.get("next_token") if isinstance(meta, dict) else None
            if not token:
                return None
        return None

    def check(self) -> AccountCheck:
        client = self.client()
        response = self._call(lambda: client.get_me(user_auth=True), write=False)
        user = self._data(response, write=False, fields=("id", "username"))
        # GET /2/users/me carries the limits of reading the profile (x-rate-limit-*), not of
        # posting: X sends the 24-hour posting quota (x-user-limit-24hour-*,
        # x-app-limit-24hour-*) on a post's answer, so a check cannot know it beforehand.
        h = response.headers
        quota = _("posting quota: unknown until the first post (X reports it on each post)")
        for prefix in ("x-user-limit-24hour", "x-app-limit-24hour"):
            if f"{prefix}-remaining" in h:
                if prefix == "x-user-limit-24hour":
                    quota = _("posting quota: {left}/{total} posts left in 24 hours (user)")
                else:
                    quota = _("posting quota: {left}/{total} posts left in 24 hours (app)")
                quota = quota.format(left=h[f"{prefix}-remaining"], total=h.get(f"{prefix}-limit", "?"))
                break
        return AccountCheck(ok=True, identity=f"@{user['username']} ({user['id']})", quota=quota)

    # ------------------------------------------------------------------ engagement

    def metrics(self, remote_id: str) -> dict[str, int]:
        """``GET /2/tweets?ids=ID&tweet.fields=public_metrics`` (see :mod:`channels.engagement`).
        A tweet X does not return (deleted) is :class:`Rejected`."""
        from .engagement import from_x

        response = self._call(lambda: self.client().get_tweets([remote_id], tweet_fields=["public_metrics"],
                                                               user_auth=True), write=False)
        body = self._body(response, write=False, expected="data")
        found = [t for t in body.get("data") or [] if isinstance(t, dict) and str(t.get("id")) == remote_id]
        if not found:
            raise Rejected(_("X no longer shows post {id}").format(id=remote_id))
        try:
            return from_x(found[0])
        except (KeyError, ValueError):
            raise self._error(response, write=False, expected="public_metrics") from None

    # ------------------------------------------------------------------ read back

    reads_live = True

    def fetch_live(self, remote_id: str) -> LivePost | None:
        """``GET /2/tweets?ids=ID``: a tweet X does not return is gone (None)."""
        response = self._call(lambda: self.client().get_tweets([remote_id], tweet_fields=["created_at"],
                                                               user_auth=True), write=False)
        body = self._body(response, write=False, expected="data")
        found = [t for t in body.get("data") or [] if isinstance(t, dict) and str(t.get("id")) == remote_id]
        return self._live(found[0]) if found else None

    def recent_posts(self, since: dt.datetime) -> list[LivePost]:
        """``GET /2/users/:id/tweets?start_time=``: one page of the newest 100."""
        client = self.client()
        user_id = self._data(self._call(lambda: client.get_me(user_auth=True), write=False), write=False)["id"]
        response = self._call(lambda: client.get_users_tweets(
            user_id, user_auth=True, max_results=100, tweet_fields=["created_at"],
            start_time=since.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")), write=False)
        page = self._body(response, write=False, expected=_("a list of posts"))
        return [self._live(t) for t in page.get("data") or [] if isinstance(t, dict) and "id" in t]

    def _live(self, tweet: dict[str, Any]) -> LivePost:
        when = None
        try:
            when = dt.datetime.fromisoformat(str(tweet.get("created_at")).replace("Z", "+00:00"))
        except ValueError:
            pass
        return LivePost(remote_id=str(tweet["id"]), text=str(tweet.get("text") or ""), created_at=when,
                        url=self._url(str(tweet["id"])))

    # ------------------------------------------------------------------ errors

    def _url(self, tweet_id: str) -> str:
        handle = self.account.get("username") or "i"
        return web_url(self.account.base_url, "x", tweet_id, f"https://x.com/{handle}/status/{tweet_id}")

    def _call(self, fn: Callable[[], T], *, write: bool) -> T:
        """Run one X call; every failure comes out of :func:`x_error` as a ChannelError.

        tweepy raises for an error status (with the response), lets requests' transport
        errors through, and our media upload raises ChannelErrors itself.
        """
        import tweepy

        session = self.session()
        session.last_response = None  # this call's answer only
        try:
            return fn()
        except ChannelError:
            raise
        except tweepy.HTTPException as exc:
            raise self._error(exc.response, exc, write=write) from None
        except requests.RequestException as exc:
            # A transport failure has no answer; a body that is not JSON does.
            raise self._error(None if is_transport(exc) else session.last_response, exc, write=write) from None
        except tweepy.TweepyException as exc:
            raise self._error(session.last_response, exc, write=write) from None

    def _error(
        self, response: requests.Response | None, exc: BaseException | None = None, *, write: bool, expected: str | None = None
    ) -> ChannelError:
        """This account's error mapping (its redactor, its clock), as x_media is given it."""
        return x_error(response, exc, write=write, redactor=self.session().redactor, clock=self.clock, expected=expected)

    def _body(self, response: requests.Response, *, write: bool, expected: str) -> dict[str, Any]:
        """The JSON object X answered; anything else is mapped as an odd answer."""
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise self._error(response, write=write, expected=expected)
        return body

    def _data(self, response: requests.Response, *, write: bool, fields: tuple[str, ...] = ("id",)) -> dict[str, Any]:
        """The ``data`` object of an answer, with ``fields`` present (a 2xx without them is
        Transient, and may have landed on a write)."""
        expected = "data." + "/".join(fields)
        data = self._body(response, write=write, expected=expected).get("data")
        if not isinstance(data, dict) or not all(data.get(f) for f in fields):
            raise self._error(response, write=write, expected=expected)
        return data


#: The limit a pace names, kept in English (shown through ``channels.i18n.stored``).
_PACE_REASONS = {
    "x-rate-limit": N_("X's posting limit ({limit} posts) is used up"),
    "x-user-limit-24hour": N_("X's 24-hour posting limit of the account ({limit} posts) is used up"),
    "x-app-limit-24hour": N_("X's 24-hour posting limit of the app ({limit} posts) is used up"),
}


def limits_pace(headers: Mapping[str, str]) -> Pace | None:
    """The pace X's limit headers tell: the fewest posts left among the families, and when
    none is left, the latest reset among those used up (None without any header)."""
    left: list[tuple[int, int, str, str]] = []  # remaining, reset, family, limit
    for prefix in LIMIT_HEADERS:
        remaining, reset = headers.get(f"{prefix}-remaining"), headers.get(f"{prefix}-reset")
        if remaining is None or not remaining.strip().isdigit():
            continue
        when = int(reset) if reset and reset.strip().isdigit() else 0
        left.append((int(remaining), when, prefix, headers.get(f"{prefix}-limit", "?")))
    if not left:
        return None
    spent = [entry for entry in left if entry[0] == 0]
    if not spent:
        fewest = min(left)
        return Pace(remaining=fewest[0], until=None, reason=_PACE_REASONS[fewest[2]].format(limit=fewest[3]))
    latest = max(spent, key=lambda entry: entry[1])
    until = dt.datetime.fromtimestamp(latest[1], dt.timezone.utc) if latest[1] else None
    return Pace(remaining=0, until=until, reason=_PACE_REASONS[latest[2]].format(limit=latest[3]))


def _comparable(text: str, *, links: int | None = None) -> str:
    """Text reduced to what survives X's read-back: X wraps links in t.co, HTML-escapes
    ``& < >`` and appends a t.co link for attached media.  With ``links`` (how many the
    draft had), extra links at the end are the media's and are dropped."""
    import html

    from .text import extract_urls_with_indices

    text = html.unescape(text)
    for url in reversed(extract_urls_with_indices(text)):  # with or without protocol
        text = f"{text[: url.start]} <url> {text[url.end :]}"
    if links is not None:
        words = text.split()
        while words and words[-1] == "<url>" and sum(w == "<url>" for w in words) > links:
            words.pop()
        return " ".join(words)
    return " ".join(text.split())
