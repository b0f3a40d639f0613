"""Mastodon (one account on one instance): statuses through Mastodon.py on our session.

Every status is sent with an ``Idempotency-Key`` made from the queued post, the part and
its text (:func:`idempotency_key`): the instance keeps the key an hour, so a retry of a
write whose answer was lost gets the status that landed instead of a second one.  Past
the hour, reconciliation reads the account's own recent statuses and matches the text.
Limits are the instance's own (``GET /api/v2/instance``, read once per process); text is
counted as Mastodon counts it (:mod:`channels.mastodon_text`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from .base import AccountCheck, Article, Channel, ChannelError, Context, Draft, LivePost, Pace, Receipt, Rejected
from .http import Session, web_url
from .i18n import N_, _
from .mastodon_api import Limits, call, instance_url, make_client, read_limits, upload
from .mastodon_errors import reset_at
from .mastodon_text import status_length

T = TypeVar("T")
VISIBILITIES = ("public", "unlisted", "private")
#: The path under which the sandbox serves Mastodon (an account's base_url ends with it).
SANDBOX_PREFIX = "/mastodon"


class MastodonChannel(Channel):
    """A Mastodon account on its own instance (``api_base_url``)."""

    name = "mastodon"
    required_settings = ("api_base_url", "access_token")
    secret_keys = ("access_token",)
    optional_settings = (*Channel.optional_settings, "visibility", "language", "images", "timeout",
                         "poll_seconds", "poll_timeout", "thread", "thread_max_parts", "thread_numbering")

    def __init__(self, account: Any, *, context: Context | None = None) -> None:
        super().__init__(account, context=context)
        self._client: Any = None
        #: The rate-limit headers of the last write's answer (a status, a media upload), and when.
        self._write_headers: dict[str, tuple[Mapping[str, str], dt.datetime]] = {}

    # ------------------------------------------------------------------ wire

    def client(self) -> Any:
        if self._client is None:
            self._client = make_client(self.account, self.secrets())
        return self._client


    def session(self) -> Session:
        session: Session = self.client().session
        return session

    def _call(self, fn: Callable[[], T], *, write: bool, expect: str | None = None) -> T:
        return call(fn, session=self.session(), write=write, clock=self.clock, expect=expect)

    def limits(self) -> Limits:
        """The instance's limits (read once per process; mainline defaults if it cannot be asked)."""
        return read_limits(self.account, self.client(), self.clock)

    # ------------------------------------------------------------------ formatting

    def measure(self, text: str) -> tuple[int, int | None]:
        limits = self.limits()
        return status_length(text, url_chars=limits.characters_reserved_per_url), limits.max_characters

    @property
    def threads(self) -> bool:
        """Whether the account posts threads (``thread = true``): ``edit`` takes parts then."""
        return bool(self.account.get("thread", False))

    def render(self, article: Article) -> Draft:
        from .formatting import fields_for, fit, renderer
        from .thread import account_thread

        limits = self.limits()
        warnings: list[str] = []
        if not limits.read:
            warnings.append(_("the instance's limits could not be read; Mastodon's defaults are used"))

        def measure(text: str) -> int:
            return status_length(text, url_chars=limits.characters_reserved_per_url)

        threads = self.threads
        fields = fields_for(article, self.account, body=threads)
        render = renderer("mastodon", self.account, self.context)
        text = render(fields)
        parts: tuple[str, ...] = (text,)
        if measure(text) > limits.max_characters:
            parts = account_thread(text, fields.link, account=self.account, limit=limits.max_characters,
                                   length=measure, warnings=warnings) if threads else ()
            if not parts:
                parts = (fit(render, fields, measure=measure, limit=limits.max_characters, warnings=warnings,
                             network="Mastodon"),)
        media: tuple[Any, ...] = ()
        if self.account.get("images", True) and article.images():
            from .media.images import prepare

            most = limits.max_media_attachments
            media = prepare(article.images()[:most], network="mastodon", account=self.account, context=self.context,
                            warnings=warnings, required=False)
            if len(article.images()) > most:
                warnings.append(_("{n} image(s) beyond the instance's {most} left out").format(
                    n=len(article.images()) - most, most=most))
        return Draft(parts=parts, media=media, warnings=tuple(warnings), link=fields.link)

    def validate(self, draft: Draft) -> None:
        limits = self.limits()
        if not draft.parts:
            raise Rejected(_("nothing to post"))
        for i, part in enumerate(draft.parts, 1):
            length = status_length(part, url_chars=limits.characters_reserved_per_url)
            if not part.strip() and not (i == 1 and draft.media):
                raise Rejected(_("part {i} is empty").format(i=i))
            if length > limits.max_characters:
                raise Rejected(_("part {i} is {length} characters as Mastodon counts them; the instance "
                                 "takes {limit}").format(i=i, length=length, limit=limits.max_characters))
        if len(draft.media) > limits.max_media_attachments:
            raise Rejected(_("the instance takes at most {most} images, the draft has {n}").format(
                most=limits.max_media_attachments, n=len(draft.media)))
        visibility = str(self.account.get("visibility", "public"))
        if visibility not in VISIBILITIES:
            raise Rejected(_("visibility {value!r} is not one of {allowed}").format(
                value=visibility, allowed=", ".join(VISIBILITIES)))

    # ------------------------------------------------------------------ publishing

    def publish_part(self, draft: Draft, index: int, *, reply_to: str | None = None) -> Receipt:
        client = self.client()
        media_ids: list[str] | None = None
        if index == 0 and draft.media and self.account.get("images", True):
            limits = self.limits()
            media_ids = []
            for item in draft.media:
                media_id, headers = upload(client, item, context=self.context, limits=limits, clock=self.clock,
                                           poll_seconds=float(self.account.get("poll_seconds", 0.5)),
                                           poll_timeout=float(self.account.get("poll_timeout", 120)))
                media_ids.append(media_id)
                self._remember("media", headers)
        if self.context is not None:
            self.context.check_fence()  # uploads and their processing take time: confirm the claim again
        key = idempotency_key(self.account.name, draft, index)
        language = self.account.get("language")
        status = self._call(lambda: client.status_post(
            draft.parts[index], in_reply_to_id=reply_to, media_ids=media_ids or None,
            visibility=str(self.account.get("visibility", "public")), language=str(language) if language else None,
            idempotency_key=key), write=True, expect="id")
        self._remember("statuses", self.session().last_headers)
        return Receipt(remote_id=str(status["id"]), remote_url=self._url(status))

    def _remember(self, family: str, headers: Mapping[str, str]) -> None:
        """Keep the rate-limit headers of a write's answer (what :meth:`pace` reads)."""
        if "X-RateLimit-Remaining" in headers:
            self._write_headers[family] = (dict(headers), self.clock.now())

    def find_published(self, draft: Draft, index: int, *, since: dt.datetime) -> Receipt | None:
        """The account's own statuses since ``since`` (``GET /api/v1/accounts/:id/statuses``,
        newest first, up to 5 pages of 40), matched by their text."""
        wanted = comparable(draft.parts[index])
        for status in self._own_statuses(since, pages=5):
            if comparable(plain_text(str(status.get("content") or ""))) == wanted:
                return Receipt(remote_id=str(status["id"]), remote_url=self._url(status))
        return None

    def _own_statuses(self, since: dt.datetime, *, pages: int) -> list[dict[str, Any]]:
        client = self.client()
        me = self._call(client.account_verify_credentials, write=False, expect="id")
        found: list[dict[str, Any]] = []
        max_id = None
        for _page in range(pages):
            batch = self._call(lambda: client.account_statuses(me["id"], max_id=max_id, limit=40,
                                                               exclude_reblogs=True), write=False)
            if not isinstance(batch, list):
                raise self._odd(_("a list of statuses"))
            for status in batch:
                if not isinstance(status, dict) or "id" not in status:
                    raise self._odd(_("a list of statuses"))
                created = _moment(status.get("created_at"))
                if created is not None and created < since:
                    return found
                found.append(status)
            if len(batch) < 40:
                return found
            max_id = batch[-1]["id"]
        return found

    def _odd(self, expected: str) -> ChannelError:
        from .mastodon_errors import mastodon_error

        return mastodon_error(self.session().last_response, None, write=False, redactor=self.session().redactor,
                              clock=self.clock, expected=expected)

    # ------------------------------------------------------------------ limits

    def pace(self) -> Pace | None:
        """Mastodon's ``X-RateLimit-*`` headers of the last status and media upload
        answers (300 statuses per 3 hours, 30 uploads per 30 minutes by default): when one
        has none left, the next post waits for its reset, so no 429 is asked for."""
        found: list[tuple[int, dt.datetime, str, str]] = []
        for family, (headers, at) in self._write_headers.items():
            remaining = str(headers.get("X-RateLimit-Remaining", "")).strip()
            if remaining.isdigit():  # a reset not said: the family's whole window from the answer
                until = reset_at(headers) or at + _WINDOWS[family]
                found.append((int(remaining), until, family, str(headers.get("X-RateLimit-Limit", "?"))))
        if not found:
            return None
        spent = [f for f in found if f[0] == 0]
        if spent:
            latest = max(spent, key=lambda f: f[1])
            return Pace(remaining=0, until=latest[1], reason=_PACE_REASONS[latest[2]].format(limit=latest[3]))
        fewest = min(found, key=lambda f: f[0])
        return Pace(remaining=fewest[0], until=None, reason=_PACE_REASONS[fewest[2]].format(limit=fewest[3]))

    def check(self) -> AccountCheck:
        client = self.client()
        me = self._call(client.account_verify_credentials, write=False, expect="id")
        headers = self.session().last_headers
        limits = self.limits()
        quota = _("{chars} characters, {images} images per status").format(
            chars=limits.max_characters, images=limits.max_media_attachments)
        if "X-RateLimit-Remaining" in headers:
            quota += "; " + _("{left}/{total} calls left in this window").format(
                left=headers["X-RateLimit-Remaining"], total=headers.get("X-RateLimit-Limit", "?"))
        host = instance_url(self.account).split("://", 1)[-1]
        visibility = str(self.account.get("visibility", "public"))
        problem = None if visibility in VISIBILITIES else _("visibility {value!r} is not one of {allowed}").format(
            value=visibility, allowed=", ".join(VISIBILITIES))
        identity = f"@{me.get('acct') or me.get('username')}@{host} ({me['id']})"
        return AccountCheck(ok=problem is None, identity=identity, quota=quota, message=problem)

    # ------------------------------------------------------------------ read back, delete

    reads_live = True

    def fetch_live(self, remote_id: str) -> LivePost | None:
        """``GET /api/v1/statuses/:id``; a status that is gone (404) is None."""
        try:
            status = self._call(lambda: self.client().status(remote_id), write=False, expect="id")
        except ChannelError as exc:
            if exc.http_status in (404, 410):
                return None
            raise
        return self._live(status)

    def recent_posts(self, since: dt.datetime) -> list[LivePost]:
        return [self._live(s) for s in self._own_statuses(since, pages=3)][:100]

    def metrics(self, remote_id: str) -> dict[str, int]:
        """A status's ``favourites_count``, ``replies_count`` and ``reblogs_count``."""
        try:
            status = self._call(lambda: self.client().status(remote_id), write=False, expect="id")
        except ChannelError as exc:
            if exc.http_status in (404, 410):
                raise Rejected(_("Mastodon no longer shows post {id}").format(id=remote_id)) from None
            raise
        try:
            return {"likes": int(status["favourites_count"]), "comments": int(status["replies_count"]),
                    "shares": int(status["reblogs_count"])}
        except (KeyError, TypeError, ValueError):
            raise self._odd("favourites_count") from None

    can_unpublish = True

    def unpublish_part(self, remote_id: str) -> bool:
        """``DELETE /api/v1/statuses/:id``; a 404 is a status gone already."""
        if self.context is not None:
            self.context.check_fence()
        try:
            self._call(lambda: self.client().status_delete(remote_id), write=False)
        except ChannelError as exc:
            if exc.http_status == 404:
                return False
            raise
        return True

    def _live(self, status: Mapping[str, Any]) -> LivePost:
        return LivePost(remote_id=str(status["id"]), text=plain_text(str(status.get("content") or "")),
                        url=self._url(status), created_at=_moment(status.get("created_at")))

    def _url(self, status: Mapping[str, Any]) -> str:
        official = str(status.get("url") or status.get("uri") or instance_url(self.account))
        base = self.account.base_url
        if base and base.rstrip("/").endswith(SANDBOX_PREFIX):
            base = base.rstrip("/")[: -len(SANDBOX_PREFIX)]
        return web_url(base, "mastodon", str(status["id"]), official)


#: Mastodon's default windows (statuses: app/models/rate_limiter.rb; uploads: rack_attack.rb).
_WINDOWS = {"statuses": dt.timedelta(hours=3), "media": dt.timedelta(minutes=30)}
_PACE_REASONS = {
    "statuses": N_("Mastodon's posting limit ({limit} statuses) is used up"),
    "media": N_("Mastodon's media upload limit ({limit} uploads) is used up"),
}


def idempotency_key(account: str, draft: Draft, index: int) -> str:
    """The ``Idempotency-Key`` of part ``index``: the same for every try of one queued post's
    part with the same text (a retry within the hour returns the status that landed), new
    for another post, another part, or the text revised."""
    digests = ",".join(m.sha256 or m.url for m in draft.media) if index == 0 else ""
    seed = "\x1f".join((account, draft.key or "", str(index), draft.parts[index], digests))
    return "disseminator-" + hashlib.sha256(seed.encode("utf-8")).hexdigest()[:40]


def plain_text(content: str) -> str:
    """A status's ``content`` (HTML) as plain text."""
    from .text import html_to_text

    return html_to_text(content)


def comparable(text: str) -> str:
    """Text as it survives Mastodon's HTML rendering: a mention ``@user@domain`` is shown
    as ``@user``, and whitespace is not kept."""
    from .mastodon_text import MENTION

    text = MENTION.sub(lambda m: "@" + m.group(1).split("@")[0], text)
    return " ".join(text.split())


def _moment(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    if isinstance(value, str) and value:
        try:
            when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)
    return None
