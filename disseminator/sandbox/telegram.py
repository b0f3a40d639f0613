"""The Telegram Bot API, under ``/telegram``: ``/telegram/bot<token>/<method>``.

An account's ``base_url = "http://127.0.0.1:8765/telegram"`` takes the place of
``https://api.telegram.org``.  Served methods: ``getMe``, ``getChat``, ``getChatMember``,
``sendMessage``, ``sendPhoto``, ``sendMediaGroup``, ``deleteMessage``; parameters come as
a query string, a form, multipart (uploads by ``attach://name``) or JSON, as the Bot API
takes them (core.telegram.org/bots/api, "Making requests").

Every answer is ``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code": N,
"description": "...", ["parameters": {"retry_after": S}]}``, with the documented limits:
text 4,096 and caption 1,024 UTF-16 code units after HTML parsing, an album 2-10 items,
20 messages a minute in one chat (the bot FAQ; 429 ``Too Many Requests: retry after S``
past it), a bot deletes its message within 48 hours.  This module parses the HTML itself,
apart from the channel's own code, so the two check each other.

Known chats: the institution's channel (the bot is an administrator that may post) and
another public channel where the bot is not a member (``@sandbox_lain``).
"""

from __future__ import annotations

import json
import math
import re
import time
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request, Response

from disseminator.sandbox.credentials import DEFAULT
from disseminator.sandbox.images import sniff
from disseminator.sandbox.respond import json_response
from disseminator.sandbox.state import iso_utc

if TYPE_CHECKING:
    from disseminator.sandbox.core import Sandbox

PREFIX = "/telegram"
TEXT_LIMIT, CAPTION_LIMIT = 4096, 1024
PER_MINUTE = 20
DELETE_WITHIN = 48 * 3600
_PATH = re.compile(r"^/telegram/bot(?P<token>[^/]*)/(?P<method>[A-Za-z]+)$")
_TOKEN = re.compile(r"^\d+:[\w-]{20,}$")
_ALLOWED = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "tg-emoji",
            "code", "pre", "blockquote"}
OTHER_CHAT = {"id": -1001500000000009, "title": "Kanal Lain", "username": "sandbox_lain", "type": "channel"}


def split(path: str) -> str:
    """The method part of a Bot API path (``/sendMessage``), for fault matching."""
    found = _PATH.match(path)
    return f"/{found['method']}" if found else path


def error(code: int, description: str, **parameters: Any) -> Response:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return json_response(body, code)


def ok(result: Any) -> Response:
    return json_response({"ok": True, "result": result})


def rate_limited(retry_after: float) -> Response:
    seconds = max(1, math.ceil(retry_after))
    return error(429, f"Too Many Requests: retry after {seconds}", retry_after=seconds)


def handle(sb: Sandbox, request: Request) -> Response:
    """Answer one Bot API request."""
    found = _PATH.match(request.path)
    if found is None:
        return error(404, "Not Found")
    token, method = found["token"], found["method"]
    if not _TOKEN.match(token):
        return error(404, "Not Found")
    if token != sb.options.credentials.telegram_bot_token or sb.is_revoked(token):
        return error(401, "Unauthorized")
    handler = METHODS.get(method)
    if handler is None:
        return error(404, "Not Found: method not found")
    params, files = _params(request)
    if fault := sb.faults.rate_limited("telegram", request.method, (request.path, f"/{method}")):
        return rate_limited(fault["reset_at"] - time.time())
    return handler(sb, params, files)


def _params(request: Request) -> tuple[dict[str, Any], dict[str, bytes]]:
    params: dict[str, Any] = dict(request.args)
    if request.mimetype == "application/json":
        body = request.get_json(silent=True)
        if isinstance(body, dict):
            params.update(body)
    else:
        params.update(request.form.to_dict())
    files = {name: f.read() for name, f in request.files.items()}
    return params, files


# ------------------------------------------------------------------ chats and the bot


def _me() -> dict[str, Any]:
    return {"id": DEFAULT.telegram_bot_id, "is_bot": True, "first_name": "Sandbox Humas Bot",
            "username": DEFAULT.telegram_bot_username, "can_join_groups": True,
            "can_read_all_group_messages": False, "supports_inline_queries": False}


def _own_chat() -> dict[str, Any]:
    return {"id": DEFAULT.telegram_chat_id, "title": DEFAULT.fb_page_name,
            "username": DEFAULT.telegram_channel.lstrip("@"), "type": "channel"}


def _chat(value: Any) -> dict[str, Any] | None:
    text = str(value or "")
    for chat in (_own_chat(), OTHER_CHAT):
        if text in (str(chat["id"]), "@" + str(chat["username"])):
            return chat
    return None


def get_me(sb: Sandbox, params: dict[str, Any], files: dict[str, bytes]) -> Response:
    return ok(_me())


def get_chat(sb: Sandbox, params: dict[str, Any], files: dict[str, bytes]) -> Response:
    chat = _chat(params.get("chat_id"))
    return ok(chat) if chat else error(400, "Bad Request: chat not found")


def get_chat_member(sb: Sandbox, params: dict[str, Any], files: dict[str, bytes]) -> Response:
    chat = _chat(params.get("chat_id"))
    if chat is None:
        return error(400, "Bad Request: chat not found")
    if str(params.get("user_id")) != str(DEFAULT.telegram_bot_id):
        return error(400, "Bad Request: member not found")
    if chat["id"] != DEFAULT.telegram_chat_id:
        return ok({"user": _me(), "status": "left"})
    return ok({"user": _me(), "status": "administrator", "can_be_edited": False, "is_anonymous": False,
               "can_manage_chat": True, "can_post_messages": True, "can_edit_messages": True,
               "can_delete_messages": True, "can_change_info": False, "can_invite_users": True})


# ------------------------------------------------------------------ HTML and limits


class _Parser(HTMLParser):
    """Telegram's HTML style: the text it shows and what it refuses."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.open: list[str] = []
        self.problem: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _ALLOWED and self.problem is None:
            self.problem = f'Unsupported start tag "{tag}"'
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if (not self.open or self.open[-1] != tag) and self.problem is None:
            self.problem = f'Unmatched end tag "{tag}"'
        elif self.open:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_html(markup: str) -> tuple[str, str | None]:
    """(the text shown, why Telegram cannot parse ``markup`` or None)."""
    bare = re.sub(r"<[^>]*>|&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);", "", markup)
    if "&" in bare or "<" in bare or ">" in bare:
        return markup, "Unexpected character: escape <, > and & as &lt; &gt; &amp;"
    parser = _Parser()
    parser.feed(markup)
    parser.close()
    if parser.problem is None and parser.open:
        parser.problem = f'Can\'t find end tag corresponding to start tag "{parser.open[-1]}"'
    return "".join(parser.text), parser.problem


def _units(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _shown(params: dict[str, Any], key: str, limit: int, too_long: str) -> tuple[str, Response | None]:
    raw = str(params.get(key) or "")
    shown, problem = parse_html(raw) if str(params.get("parse_mode", "")).upper() == "HTML" else (raw, None)
    if problem:
        return shown, error(400, f"Bad Request: can't parse entities: {problem}")
    if _units(shown.strip()) > limit:
        return shown, error(400, too_long)
    return shown, None


# ------------------------------------------------------------------ writes


def _writable(sb: Sandbox, params: dict[str, Any], count: int) -> tuple[dict[str, Any] | None, Response | None]:
    """The chat a write goes to, or the refusal: unknown chat, not a member, the pace."""
    chat = _chat(params.get("chat_id"))
    if chat is None:
        return None, error(400, "Bad Request: chat not found")
    if chat["id"] != DEFAULT.telegram_chat_id:
        return None, error(403, "Forbidden: bot is not a member of the channel chat")
    now = time.time()
    with sb.state.lock:
        sent = [t for t in sb.telegram_sends.get(str(chat["id"]), []) if t > now - 60]
        if len(sent) + count > PER_MINUTE:
            return None, rate_limited(sent[len(sent) + count - PER_MINUTE - 1] + 60 - now)
        sb.telegram_sends[str(chat["id"])] = sent + [now] * count
    return chat, None


def _message(sb: Sandbox, chat: dict[str, Any], message_id: int, **content: Any) -> dict[str, Any]:
    return {"message_id": message_id, "sender_chat": chat, "chat": chat, "date": int(sb.now()), **content}


def _store(sb: Sandbox, chat: dict[str, Any], ids: list[int], text: str, shown: str, **extra: Any) -> None:
    post_id = ",".join(str(i) for i in ids)
    sb.state.add_post({"network": "telegram", "id": post_id, "account": str(chat["id"]), "text": text,
                       "created_at": iso_utc(sb.now()), "url": f"https://t.me/{chat['username']}/{ids[0]}",
                       "extra": {"shown": shown, "message_ids": list(ids), "sent_at": sb.now(), **extra}})


def _next_ids(sb: Sandbox, n: int) -> list[int]:
    with sb.state.lock:
        counters = sb.state.data["counters"]
        first = counters.get("telegram", 0) + 1
        counters["telegram"] = first + n - 1
    return list(range(first, first + n))


def _photo(value: Any, files: dict[str, bytes]) -> tuple[str | None, Response | None]:
    """Where a photo comes from (an upload's size, a URL), or the refusal."""
    text = str(value or "")
    if text.startswith("attach://"):
        data = files.get(text[len("attach://"):])
        if data is None:
            return None, error(400, "Bad Request: wrong file identifier/HTTP URL specified")
    elif isinstance(value, bytes):
        data = value
    elif text.startswith(("http://", "https://")):
        return text, None
    else:
        return None, error(400, "Bad Request: wrong file identifier/HTTP URL specified")
    if sniff(data).mime not in ("image/jpeg", "image/png", "image/webp"):
        return None, error(400, "Bad Request: IMAGE_PROCESS_FAILED")
    if len(data) > 10 * 1024 * 1024:
        return None, error(400, "Bad Request: PHOTO_INVALID_DIMENSIONS")
    return f"upload:{len(data)}", None


def send_message(sb: Sandbox, params: dict[str, Any], files: dict[str, bytes]) -> Response:
    if not str(params.get("text") or "").strip():
        return error(400, "Bad Request: message text is empty")
    shown, refused = _shown(params, "text", TEXT_LIMIT, "Bad Request: message is too long")
    if refused:
        return refused
    chat, refused = _writable(sb, params, 1)
    if refused or chat is None:
        return refused or error(400, "Bad Request: chat not found")
    preview = params.get("link_preview_options")
    preview = json.loads(preview) if isinstance(preview, str) else preview
    [message_id] = _next_ids(sb, 1)
    _store(sb, chat, [message_id], str(params["text"]), shown, link_preview=preview, media=[])
    return ok(_message(sb, chat, message_id, text=shown))


def send_photo(sb: Sandbox, params: dict[str, Any], files: dict[str, bytes]) -> Response:
    source, refused = _photo(files.get("photo", params.get("photo")), files)
    if refused:
        return refused
    shown, refused = _shown(params, "caption", CAPTION_LIMIT, "Bad Request: message caption is too long")
    if refused:
        return refused
    chat, refused = _writable(sb, params, 1)
    if refused or chat is None:
        return refused or error(400, "Bad Request: chat not found")
    [message_id] = _next_ids(sb, 1)
    _store(sb, chat, [message_id], str(params.get("caption") or ""), shown, media=[source])
    return ok(_message(sb, chat, message_id, caption=shown, photo=[{"file_id": f"sandbox-{message_id}"}]))


def send_media_group(sb: Sandbox, params: dict[str, Any], files: dict[str, bytes]) -> Response:
    media = params.get("media")
    try:
        items = json.loads(media) if isinstance(media, str) else media
    except ValueError:
        return error(400, "Bad Request: can't parse media JSON object")
    if not isinstance(items, list) or not 2 <= len(items) <= 10:
        return error(400, "Bad Request: wrong number of media files")  # the documented 2-10
    sources = []
    for item in items:
        if not isinstance(item, dict) or item.get("type") != "photo":
            return error(400, "Bad Request: wrong media type")
        source, refused = _photo(item.get("media"), files)
        if refused:
            return refused
        sources.append(source)
    first = items[0]
    shown, refused = _shown(first, "caption", CAPTION_LIMIT, "Bad Request: message caption is too long")
    if refused:
        return refused
    chat, refused = _writable(sb, params, len(items))
    if refused or chat is None:
        return refused or error(400, "Bad Request: chat not found")
    ids = _next_ids(sb, len(items))
    _store(sb, chat, ids, str(first.get("caption") or ""), shown, media=sources)
    return ok([_message(sb, chat, mid, **({"caption": shown} if i == 0 else {})) for i, mid in enumerate(ids)])


def delete_message(sb: Sandbox, params: dict[str, Any], files: dict[str, bytes]) -> Response:
    chat = _chat(params.get("chat_id"))
    if chat is None:
        return error(400, "Bad Request: chat not found")
    try:
        wanted = int(params.get("message_id"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return error(400, "Bad Request: message identifier is not specified")
    with sb.state.lock:
        post = next((p for p in sb.state.posts_of("telegram", str(chat["id"]))
                     if wanted in p["extra"]["message_ids"]), None)
        if post is None:
            return error(400, "Bad Request: message to delete not found")
        if sb.now() - float(post["extra"]["sent_at"]) > DELETE_WITHIN:
            return error(400, "Bad Request: message can't be deleted")
        post["extra"]["message_ids"].remove(wanted)
        if post["extra"]["message_ids"]:
            sb.state.save()
        else:
            sb.state.remove_post("telegram", post["id"], deleted_at=iso_utc(sb.now()))
    return ok(True)


METHODS = {
    "getMe": get_me, "getChat": get_chat, "getChatMember": get_chat_member, "sendMessage": send_message,
    "sendPhoto": send_photo, "sendMediaGroup": send_media_group, "deleteMessage": delete_message,
}
