"""Telegram channel (or group) through the Bot API: a message, a photo with its caption, or
an album of 2-10 photos, in Telegram's HTML style, with the article link's preview.

The Bot API is plain HTTPS and JSON (``https://api.telegram.org/bot<token>/METHOD``), so
this channel calls it on our session (:mod:`channels.http`: timeouts, the token hidden
from logs, ``base_url`` for the sandbox) instead of a client library: python-telegram-bot
is asynchronous on httpx and pyTelegramBotAPI keeps one module-wide session, and neither
would go through that seam.

The Bot API cannot read a channel's posts back, so :attr:`reconciles` is False: after a
write whose answer was lost the worker writes nothing more and leaves the post
``unknown`` for an officer (``post confirm``).  Limits (core.telegram.org/bots/api):
a message 4,096 and a caption 1,024 UTF-16 code units after entity parsing
(:mod:`channels.telegram_text`); an album 2-10 items.  Pace (core.telegram.org/bots/faq,
"My bot is hitting limits"): no more than 20 messages a minute to the same group, and
429 with ``retry_after`` past that.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from typing import Any

from . import telegram_text as tg
from .base import (
    Account, AccountCheck, Article, AuthError, Channel, Context, Draft, Media, Pace, RateLimited, Receipt, Rejected,
)
from .http import Session, web_url
from .i18n import N_, _

API = "https://api.telegram.org"
#: Where the sandbox serves the Bot API (``base_url = "http://127.0.0.1:8765/telegram"``).
SANDBOX_PREFIX = "/telegram"
MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
ALBUM_MAX = 10
#: The bot FAQ's limit for one group or channel.
PER_MINUTE = 20
MINUTE = dt.timedelta(minutes=1)
DEFAULT_HASHTAGS = 3
PACE_REASON = N_("Telegram takes about 20 messages a minute in one channel")
WAIT_REASON = N_("Telegram asked to wait (retry_after)")
#: A delete Telegram refuses for a message older than its 48 hours (deleteMessage docs).
TOO_OLD = "message can't be deleted"


class TelegramChannel(Channel):
    """A Telegram channel or group, posting as a bot that is one of its administrators."""

    name = "telegram"
    required_settings = ("bot_token", "chat_id")
    secret_keys = ("bot_token",)
    optional_settings = (*Channel.optional_settings, "photo", "album", "link_preview", "max_hashtags", "timeout")
    reconciles = False
    can_unpublish = True

    def __init__(self, account: Account, *, context: Context | None = None) -> None:
        super().__init__(account, context=context)
        self._session: Session | None = None
        #: When this client's messages went out (the per-minute pace), and Telegram's last wait.
        self._sent: list[dt.datetime] = []
        self._wait_until: dt.datetime | None = None


    @property
    def chat_id(self) -> str:
        return str(self.account.get("chat_id"))

    # ------------------------------------------------------------------ formatting

    def measure(self, text: str) -> tuple[int, int | None]:
        return tg.length(text), MESSAGE_LIMIT

    def measure_part(self, draft: Draft, index: int) -> tuple[int, int | None]:
        return tg.length(draft.parts[index]), CAPTION_LIMIT if draft.media else MESSAGE_LIMIT

    def render(self, article: Article) -> Draft:
        from .formatting import Fields, fields_for, fit, renderer

        warnings: list[str] = []
        media: tuple[Media, ...] = ()
        if self.account.get("photo", True) and article.images():
            from .media.images import prepare

            many = ALBUM_MAX if self.account.get("album", True) else 1
            media = prepare(article.images()[:many], network="telegram", account=self.account, context=self.context,
                            warnings=warnings, required=False)
        limit = CAPTION_LIMIT if media else MESSAGE_LIMIT
        fields = fields_for(article, self.account, max_tags=int(self.account.get("max_hashtags", DEFAULT_HASHTAGS)))
        plain = renderer("telegram", self.account, self.context)

        def render(f: Fields) -> str:  # the template's variables arrive escaped: it writes the tags
            return plain(dataclasses.replace(
                f, title=tg.escape(f.title), summary=tg.escape(f.summary), body=tg.escape(f.body),
                link=tg.href(f.link) if f.link else f.link, link_phrase=tg.escape(f.link_phrase),
                own_tags=tuple(tg.escape(t) for t in f.own_tags), tags=tuple(tg.escape(t) for t in f.tags)))

        text = fit(render, fields, measure=tg.length, limit=limit, warnings=warnings, network="Telegram").strip()
        return Draft(parts=(text,), media=media, warnings=tuple(warnings), link=fields.link)

    def validate(self, draft: Draft) -> None:
        if len(draft.parts) != 1:
            raise Rejected(_("a Telegram post has exactly one part"))
        text = draft.parts[0]
        if not text.strip() and not draft.media:
            raise Rejected(_("a Telegram message needs text"))
        if len(draft.media) > ALBUM_MAX:
            raise Rejected(_("a Telegram album takes at most {n} photos").format(n=ALBUM_MAX))
        limit, what = (CAPTION_LIMIT, _("caption")) if draft.media else (MESSAGE_LIMIT, _("message"))
        size = tg.length(text)
        if size > limit:
            raise Rejected(_("the {what} is {length} characters (UTF-16, tags not counted); Telegram takes "
                             "{limit}").format(what=what, length=size, limit=limit))
        if problem := tg.problem(text):
            raise Rejected(_("Telegram cannot read the HTML: {problem}").format(problem=problem))

    # ------------------------------------------------------------------ the Bot API

    def session(self) -> Session:
        from .http import make_session

        if self._session is None:
            self._session = make_session(self.account.base_url, secrets=self.secrets(),
                                         timeout=float(self.account.get("timeout", 30)))
        return self._session

    def call(self, method: str, *, write: bool, json_body: dict[str, Any] | None = None,
             data: dict[str, str] | None = None, files: dict[str, Any] | None = None) -> Any:
        """POST one Bot API method; its ``result``, or a :class:`ChannelError`."""
        import requests

        from .telegram_errors import telegram_error

        session = self.session()
        session.last_response = None
        url = f"{API}/bot{self.account.get('bot_token', '')}/{method}"
        try:
            response = session.post(url, json=json_body, data=data, files=files)
        except requests.RequestException as exc:  # its text names the URL, token included: never shown
            raise telegram_error(None, exc, write=write, redactor=session.redactor, clock=self.clock) from None
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.ok and isinstance(body, dict) and body.get("ok") is True and "result" in body:
            return body["result"]
        error = telegram_error(response, None, write=write, redactor=session.redactor, clock=self.clock,
                               expected="result")
        if isinstance(error, RateLimited) and error.retry_at is not None:
            self._wait_until = error.retry_at
        raise error

    def publish_part(self, draft: Draft, index: int, *, reply_to: str | None = None) -> Receipt:
        text = draft.parts[index]
        if not draft.media:
            body: dict[str, Any] = {"chat_id": self.chat_id, "text": text, "parse_mode": "HTML"}
            if draft.link and self.account.get("link_preview", True):
                body["link_preview_options"] = {"url": draft.link}
            else:
                body["link_preview_options"] = {"is_disabled": True}
            self._fence()
            ids = [self._message_id(self.call("sendMessage", write=True, json_body=body))]
        elif len(draft.media) == 1:
            data = {"chat_id": self.chat_id, "caption": text, "parse_mode": "HTML"}
            photo = self._photo(draft.media[0])
            files = {"photo": photo} if isinstance(photo, tuple) else None
            if not isinstance(photo, tuple):
                data["photo"] = photo
            self._fence()
            ids = [self._message_id(self.call("sendPhoto", write=True, data=data, files=files))]
        else:
            items, files = [], {}
            for i, item in enumerate(draft.media):
                photo = self._photo(item)
                entry: dict[str, Any] = {"type": "photo", "media": photo if isinstance(photo, str) else f"attach://p{i}"}
                if isinstance(photo, tuple):
                    files[f"p{i}"] = photo
                if i == 0:  # the album's caption is its first item's
                    entry.update(caption=text, parse_mode="HTML")
                items.append(entry)
            data = {"chat_id": self.chat_id, "media": json.dumps(items, ensure_ascii=False)}
            self._fence()
            result = self.call("sendMediaGroup", write=True, data=data, files=files or None)
            ids = [self._message_id(m) for m in result] if isinstance(result, list) and result else []
            if not ids:
                from .telegram_errors import telegram_error

                raise telegram_error(self.session().last_response, None, write=True, clock=self.clock,
                                     expected="result")
        now = self.clock.now()
        self._sent.extend([now] * len(ids))
        remote_id = ",".join(ids)
        return Receipt(remote_id=remote_id, remote_url=self._url(remote_id))

    def _fence(self) -> None:
        if self.context is not None:
            self.context.check_fence()

    def _photo(self, item: Media) -> tuple[str, bytes, str] | str:
        """The prepared bytes to upload, or (rendered without a media folder) the URL."""
        if not item.file:
            return item.url
        from .media.store import read

        image = read(item, self.context)  # gone or changed: refused, never fetched again
        return (image.name, image.data, image.mime)

    def _message_id(self, message: Any) -> str:
        if isinstance(message, dict) and isinstance(message.get("message_id"), int):
            return str(message["message_id"])
        from .telegram_errors import telegram_error

        raise telegram_error(self.session().last_response, None, write=True, clock=self.clock, expected="message_id")

    def _url(self, remote_id: str) -> str | None:
        first, base = remote_id.split(",")[0], self.account.base_url
        if base and base.rstrip("/").endswith(SANDBOX_PREFIX):  # the sandbox's own pages are at its root
            base = base.rstrip("/")[: -len(SANDBOX_PREFIX)]
        chat = self.chat_id
        if chat.startswith("@"):
            official = f"https://t.me/{chat[1:]}/{first}"
        elif chat.startswith("-100"):
            official = f"https://t.me/c/{chat[4:]}/{first}"
        else:  # a basic group's messages have no link
            return web_url(base, "telegram", remote_id, "") or None
        return web_url(base, "telegram", remote_id, official)

    # ------------------------------------------------------------------ no read-back

    def find_published(self, draft: Draft, index: int, *, since: dt.datetime) -> Receipt | None:
        """Never asked (:attr:`reconciles` is False): the Bot API reads no channel back."""
        raise Rejected(_("the Telegram Bot API cannot read a channel's posts back; an officer confirms the post"))

    def confirmed(self, remote_id: str) -> Receipt:
        """A message number, several (an album: ``12,13``), or a post's t.me link."""
        found = re.fullmatch(r"(?:https?://)?t\.me/(?:c/)?[\w-]+/(\d+)/?", remote_id) if "t.me/" in remote_id else None
        ids = found.group(1) if found else remote_id.replace(" ", "")
        if not re.fullmatch(r"\d+(,\d+)*", ids):
            raise Rejected(_("a Telegram message is a number, the last part of its t.me link"))
        return Receipt(remote_id=ids, remote_url=self._url(ids))

    # ------------------------------------------------------------------ pace, check, delete

    def pace(self) -> Pace | None:
        now = self.clock.now()
        if self._wait_until is not None and self._wait_until > now:
            return Pace(remaining=0, until=self._wait_until, reason=WAIT_REASON, said_at=now)
        self._sent = [t for t in self._sent if t > now - MINUTE]
        if not self._sent:
            return None
        remaining = max(0, PER_MINUTE - len(self._sent))
        until = self._sent[-PER_MINUTE] + MINUTE if remaining == 0 else None
        return Pace(remaining=remaining, until=until, reason=PACE_REASON, said_at=now)

    def check(self) -> AccountCheck:
        """``getMe``, ``getChat`` and ``getChatMember`` (the bot itself): the bot must be the
        chat's creator or an administrator that may post (``can_post_messages`` in a channel)."""
        me = self.call("getMe", write=False)
        chat = self.call("getChat", write=False, json_body={"chat_id": self.chat_id})
        member = self.call("getChatMember", write=False, json_body={"chat_id": self.chat_id, "user_id": me.get("id")})
        bot, title = me.get("username", "?"), chat.get("title") or chat.get("username") or self.chat_id
        status = member.get("status")
        may_post = status == "creator" or (status == "administrator" and (
            chat.get("type") != "channel" or member.get("can_post_messages") is True))
        if not may_post:
            raise AuthError(_("the bot @{bot} may not post in {chat}: make it an administrator with the right to "
                              "post messages (it is {status})").format(bot=bot, chat=title, status=status))
        sent = len([t for t in self._sent if t > self.clock.now() - MINUTE])
        return AccountCheck(ok=True, identity=_("@{bot} in {chat} ({chat_id})").format(bot=bot, chat=title,
                                                                                       chat_id=self.chat_id),
                            quota=_("about {n} messages a minute in one chat (Telegram's bot FAQ); {sent} sent in "
                                    "the last minute").format(n=PER_MINUTE, sent=sent))

    def unpublish_part(self, remote_id: str) -> bool:
        """``deleteMessage`` for each message (an album: each photo).  Telegram answers a
        message that is gone with "message to delete not found"; one older than its 48 hours
        with "message can't be deleted" (refused: an officer deletes it in the app)."""
        deleted = False
        for message_id in reversed(remote_id.split(",")):
            try:
                self.call("deleteMessage", write=False, json_body={"chat_id": self.chat_id,
                                                                   "message_id": int(message_id)})
                deleted = True
            except Rejected as exc:
                if "message to delete not found" in exc.message:
                    continue
                if TOO_OLD in exc.message:
                    raise Rejected(_("{error} (a bot may delete a message only within 48 hours of sending it; "
                                     "delete it in the Telegram app)").format(error=exc.message),
                                   http_status=exc.http_status, code=exc.code) from None
                raise
        return deleted
