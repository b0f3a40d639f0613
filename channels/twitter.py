"""X (Twitter): posts and threads through tweepy's v2 Client, OAuth 1.0a user context.

tweepy is imported only when the channel talks to the network.  Rate limits are handled
here, never with ``wait_on_rate_limit`` (it sleeps inside the call and recurses).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

import requests

from .base import (
    Context,
    AccountCheck,
    Article,
    AuthError,
    Channel,
    ChannelError,
    Draft,
    Duplicate,
    Media,
    RateLimited,
    Receipt,
    Rejected,
    Transient,
)
from .http import describe, make_session, may_have_landed, redact, web_url

T = TypeVar("T")
MAX_LENGTH = 280


class TwitterChannel(Channel):
    """An X account."""

    name = "twitter"
    required_settings = ("consumer_key", "consumer_secret", "access_token", "access_token_secret")
    secret_keys = required_settings

    def __init__(self, account: Any, *, context: Context | None = None) -> None:
        super().__init__(account, context=context)
        self._client: Any = None

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

        warnings: list[str] = []
        fields = fields_for(article, self.account, body=self.threads)
        render = renderer("twitter", self.account, self.context)
        text = render(fields)
        parts: tuple[str, ...] = (text,)
        if weighted_length(text) > self.limit:
            parts = self._thread(text, fields.link, warnings) if self.threads else ()
            if not parts:
                parts = (fit(render, fields, measure=weighted_length, limit=self.limit, warnings=warnings, network="X"),)
        media: tuple[Media, ...] = ()
        if self.account.get("images", True):
            from .images import prepare
            from .x_media import MAX_IMAGES

            media = prepare(article.images()[:MAX_IMAGES], network="x", account=self.account, context=self.context,
                            warnings=warnings, required=False)
        return Draft(parts=parts, media=media, warnings=tuple(warnings), link=fields.link)

    def _thread(self, text: str, link: str | None, warnings: list[str]) -> tuple[str, ...]:
        """``text`` as a numbered thread, or () when it needs more parts than allowed."""
        from .thread import TooManyParts, split_thread

        most = int(self.account.get("thread_max_parts", 5))
        try:
            parts = split_thread(
                text,
                limit=self.limit,
                numbering=str(self.account.get("thread_numbering", "{i}/{n}")),
                max_parts=most,
                first_must_contain=link,
            )
        except TooManyParts as exc:
            warnings.append(f"a thread would need {exc.needed} parts (at most {most}); shortened to one post instead")
            return ()
        if len(parts) > 1:
            warnings.append(f"split into a thread of {len(parts)} parts")
        return tuple(parts)

    def validate(self, draft: Draft) -> None:
        from .text import weighted_length

        if not draft.parts:
            raise Rejected("nothing to post")
        for i, part in enumerate(draft.parts, 1):
            length = weighted_length(part)
            if length == 0:
                raise Rejected(f"part {i} is empty")
            if length > self.limit:
                raise Rejected(f"part {i} is {length} characters as X counts them; the limit is {self.limit}")
        if len(draft.media) > 4:
            raise Rejected(f"X takes at most 4 images, the draft has {len(draft.media)}")

    # ------------------------------------------------------------------ network

    def client(self) -> Any:
        if self._client is None:
            import tweepy

            s = self.account.settings
            self._client = tweepy.Client(
                consumer_key=s["consumer_key"],
                consumer_secret=s["consumer_secret"],
                access_token=s["access_token"],
                access_token_secret=s["access_token_secret"],
                wait_on_rate_limit=False,
            )
            self._client.session = make_session(self.account.base_url, secrets=self.secrets())
        return self._client

    def publish_part(self, draft: Draft, index: int, *, reply_to: str | None = None) -> Receipt:
        text = draft.parts[index]
        media_ids = None
        if index == 0 and draft.media and self.account.get("images", True):
            from .x_media import upload_images

            media_ids = self._call(lambda: upload_images(self, draft.media), write=True)
        response = self._call(
            lambda: self.client().create_tweet(
                text=text, in_reply_to_tweet_id=reply_to, media_ids=media_ids, user_auth=True
            ),
            write=True,
        )
        tweet_id = str(response.data["id"])
        return Receipt(remote_id=tweet_id, remote_url=self._url(tweet_id))

    def find_published(self, draft: Draft, index: int, *, since: dt.datetime) -> Receipt | None:
        client = self.client()
        user_id = self._call(lambda: client.get_me(user_auth=True).data["id"], write=False)
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
            for tweet in response.data or []:
                if _comparable(tweet["text"], links=links) == wanted:
                    return Receipt(remote_id=str(tweet["id"]), remote_url=self._url(str(tweet["id"])))
            token = (response.meta or {}).get("next_token")
            if not token:
                return None
        return None

    def check(self) -> AccountCheck:
        client = self.client()
        previous = client.return_type
        client.return_type = requests.Response
        try:
            response = self._call(lambda: client.get_me(user_auth=True), write=False)
        finally:
            client.return_type = previous
        user = response.json()["data"]
        h = response.headers
        quota = None
        if "x-rate-limit-remaining" in h:
            quota = f"{h['x-rate-limit-remaining']}/{h.get('x-rate-limit-limit', '?')} profile reads left this window"
        if "x-user-limit-24hour-remaining" in h:
            quota = f"{h['x-user-limit-24hour-remaining']}/{h.get('x-user-limit-24hour-limit', '?')} posts left today"
        return AccountCheck(ok=True, identity=f"@{user['username']} ({user['id']})", quota=quota)

    # ------------------------------------------------------------------ errors

    def _url(self, tweet_id: str) -> str:
        handle = self.account.get("username") or "i"
        return web_url(self.account.base_url, "x", tweet_id, f"https://x.com/{handle}/status/{tweet_id}")

    def _call(self, fn: Callable[[], T], *, write: bool) -> T:
        import tweepy

        try:
            return fn()
        except tweepy.TooManyRequests as exc:
            raise RateLimited(self._message(exc), retry_at=_retry_at(exc.response), http_status=429) from None
        except tweepy.Unauthorized as exc:
            raise AuthError(self._message(exc), http_status=401) from None
        except tweepy.Forbidden as exc:
            message = self._message(exc)
            problem = _problem_type(exc.response)
            if "duplicate" in message.lower():
                raise Duplicate(message, http_status=403) from None
            if "usage-capped" in problem:  # the plan's monthly cap: nothing to do but wait
                later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=24)
                raise RateLimited(message, retry_at=later, http_status=403, code="usage-capped") from None
            if 453 in exc.api_codes or any(p in problem for p in _ACCOUNT_PROBLEMS):
                code = "453" if 453 in exc.api_codes else problem.rsplit("/", 1)[-1] or None
                raise AuthError(message, http_status=403, code=code) from None
            raise Rejected(message, http_status=403) from None
        except tweepy.BadRequest as exc:
            raise Rejected(self._message(exc), http_status=400) from None
        except tweepy.TwitterServerError as exc:
            raise Transient(self._message(exc), may_have_landed=write, http_status=exc.response.status_code) from None
        except tweepy.HTTPException as exc:
            raise Rejected(self._message(exc), http_status=exc.response.status_code) from None
        except requests.RequestException as exc:
            raise Transient(redact(describe(exc), self.secrets()), may_have_landed=write and may_have_landed(exc)) from None
        except ChannelError:
            raise
        except (tweepy.TweepyException, KeyError, ValueError) as exc:
            raise Transient(redact(f"unexpected answer from X: {exc}", self.secrets())[:300], may_have_landed=write) from None

    def _message(self, exc: Any) -> str:
        messages = [str(m) for m in getattr(exc, "api_messages", []) if m]
        text = "; ".join(messages) if messages else str(exc).replace("\n", ": ")
        return redact(text, self.secrets())


#: X Problem types that mean the app or account may not post at all (a person must act).
_ACCOUNT_PROBLEMS = ("client-forbidden", "oauth1-permissions", "not-authorized-for-resource")


def _problem_type(response: requests.Response | None) -> str:
    """The ``type`` of an X Problem answer (``https://api.x.com/2/problems/...``), or ""."""
    try:
        body = response.json() if response is not None else {}
    except ValueError:
        return ""
    return str(body.get("type", "")) if isinstance(body, dict) else ""


def _retry_at(response: requests.Response | None) -> dt.datetime | None:
    """When X will take calls again: the latest reset among exhausted limits."""
    if response is None:
        return None
    h = response.headers
    resets = []
    for prefix in ("x-rate-limit", "x-user-limit-24hour", "x-app-limit-24hour"):
        reset, remaining = h.get(f"{prefix}-reset"), h.get(f"{prefix}-remaining")
        if reset and reset.isdigit() and (remaining is None or remaining == "0"):
            resets.append(int(reset))
    if not resets:
        return None
    return dt.datetime.fromtimestamp(max(resets), dt.timezone.utc)


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
