"""Telegram's formatter (lengths as Telegram counts them, HTML escaping, fitting a caption)
and its error mapping, from the Bot API's documented answers."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import requests

from channels import telegram_text as tg
from channels.base import Account, Article, AuthError, Context, Draft, Media, RateLimited, Rejected, Transient
from channels.clock import FakeClock
from channels.telegram import CAPTION_LIMIT, MESSAGE_LIMIT, TelegramChannel
from channels.telegram_errors import telegram_error

NOW = dt.datetime(2026, 11, 30, 1, 0, tzinfo=dt.timezone.utc)


def channel(**settings: Any) -> TelegramChannel:
    return TelegramChannel(Account(name="tg", channel="telegram",
                                   settings={"bot_token": "7:AAtoken-token-token-token-0", "chat_id": "@humas", **settings}))


@pytest.mark.parametrize(("markup", "length"), [
    ("abc", 3),
    ("<b>abc</b>", 3),  # tags do not count
    ('<a href="https://a.go.id/?x=1&amp;y=2">baca</a>', 4),
    ("a &amp; b &lt; c &gt; d", 13),  # an entity is one character
    ("😀", 2),  # outside the BMP: a surrogate pair
    ("🇮🇩", 4),  # a flag: two regional indicators
    ("é", 1),
    ("e\u0301", 2),  # a combining accent is its own unit
    ("&#128512;", 2),  # a numeric entity for an emoji
])
def test_length_is_utf16_units_of_the_shown_text(markup: str, length: int) -> None:
    assert tg.length(markup) == length


@pytest.mark.parametrize(("text", "escaped"), [
    ("a & b", "a &amp; b"),
    ("<b>", "&lt;b&gt;"),
    ('"kutip" \'satu\'', '"kutip" \'satu\''),  # quotes need no escaping in text
    ("&amp;", "&amp;amp;"),
])
def test_escape_writes_only_the_three_entities(text: str, escaped: str) -> None:
    assert tg.escape(text) == escaped and tg.problem(escaped) is None and tg.visible(escaped) == text


@pytest.mark.parametrize(("markup", "problem"), [
    ("<b>ok</b> <i>ok</i>", None),
    ("a & b", "a bare & (write &amp;)"),
    ("a < b", "a bare < (write &lt;)"),
    ("a > b", "a bare > (write &gt;)"),
    ("<div>x</div>", "unsupported tag <div>"),
    ("<b>x", "<b> is not closed"),
    ("<b><i>x</b></i>", "</b> does not close the last open tag"),
    ("&nbsp;", "a bare & (write &amp;)"),
])
def test_problem_names_what_telegram_refuses(markup: str, problem: str | None) -> None:
    assert tg.problem(markup) == problem


LONG = " ".join(["Pemerintah menyalurkan bantuan pangan & air bersih <darurat> ke desa terdampak."] * 80)


@pytest.mark.parametrize(("media", "limit"), [((), MESSAGE_LIMIT), (("https://a.go.id/f.jpg",), CAPTION_LIMIT)])
def test_render_fits_the_message_or_caption_limit(media: tuple[str, ...], limit: int) -> None:
    article = Article(title="Bantuan pangan & air <bersih>", url="https://humas.example.go.id/b?id=1&src=rss",
                      summary=LONG, image=media[0] if media else None, tags=("Bencana", "Pangan"))
    draft = channel().render(article)
    text = draft.parts[0]
    assert tg.length(text) <= limit < len(LONG)
    assert text.startswith("<b>Bantuan pangan &amp; air") and 'href="https://humas.example.go.id/b?id=1&amp;src=rss"' in text
    assert any("summary shortened" in w for w in draft.warnings)
    channel().validate(draft)  # what render makes, validate accepts
    assert draft.link == "https://humas.example.go.id/b?id=1&src=rss"


def test_a_part_is_measured_against_the_caption_limit_when_it_has_a_photo() -> None:
    photo = (Media(url="https://a.go.id/f.jpg"),)
    assert channel().measure_part(Draft(parts=("<b>é</b>😀",), media=photo), 0) == (3, CAPTION_LIMIT)
    assert channel().measure_part(Draft(parts=("<b>é</b>😀",)), 0) == (3, MESSAGE_LIMIT)


def test_validate_refuses_what_telegram_would() -> None:
    c = channel()
    with pytest.raises(Rejected, match="Telegram takes 1024"):
        c.validate(Draft(parts=("a" * 1025,), media=(Media(url="https://a.go.id/f.jpg"),)))
    with pytest.raises(Rejected, match="Telegram takes 4096"):
        c.validate(Draft(parts=("😀" * 2049,)))
    with pytest.raises(Rejected, match="cannot read the HTML: a bare &"):
        c.validate(Draft(parts=("a & b",)))
    with pytest.raises(Rejected, match="at most 10"):
        c.validate(Draft(parts=("a",), media=tuple(Media(url=f"https://a.go.id/{i}.jpg") for i in range(11))))
    c.validate(Draft(parts=("a" * 4096,)))


@pytest.mark.parametrize(("given", "remote_id", "url"), [
    ("42", "42", "https://t.me/humas/42"),
    ("https://t.me/humas/42", "42", "https://t.me/humas/42"),
    ("t.me/c/1500000000000001/7", "7", "https://t.me/humas/7"),
    ("12, 13", "12,13", "https://t.me/humas/12"),
])
def test_confirmed_reads_a_number_or_a_link(given: str, remote_id: str, url: str) -> None:
    receipt = channel().confirmed(given)
    assert (receipt.remote_id, receipt.remote_url) == (remote_id, url)


def test_confirmed_refuses_what_is_no_message_number() -> None:
    with pytest.raises(Rejected, match="a Telegram message is a number"):
        channel().confirmed("pesan-lima")


# --------------------------------------------------------------------------- errors


def answer(status: int, body: Any, content_type: str = "application/json") -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = (json.dumps(body) if not isinstance(body, str) else body).encode()
    response.headers["Content-Type"] = content_type
    return response


def bot_api(code: int, description: str, **parameters: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return body


@pytest.mark.parametrize(("status", "body", "kind", "landed"), [
    (429, bot_api(429, "Too Many Requests: retry after 35", retry_after=35), RateLimited, False),
    (401, bot_api(401, "Unauthorized"), AuthError, False),
    (403, bot_api(403, "Forbidden: bot is not a member of the channel chat"), AuthError, False),
    (403, bot_api(403, "Forbidden: bot was kicked from the channel chat"), AuthError, False),
    (400, bot_api(400, "Bad Request: chat not found"), AuthError, False),
    (400, bot_api(400, "Bad Request: need administrator rights in the channel chat"), AuthError, False),
    (400, bot_api(400, "Bad Request: CHAT_WRITE_FORBIDDEN"), AuthError, False),
    (404, bot_api(404, "Not Found"), AuthError, False),
    (400, bot_api(400, "Bad Request: message is too long"), Rejected, False),
    (400, bot_api(400, "Bad Request: message caption is too long"), Rejected, False),
    (400, bot_api(400, "Bad Request: can't parse entities: Unsupported start tag \"div\" at byte offset 0"),
     Rejected, False),
    (400, bot_api(400, "Bad Request: group chat was upgraded to a supergroup chat",
                  migrate_to_chat_id=-1001234567890), Rejected, False),
    (500, bot_api(500, "Internal Server Error"), Transient, False),  # ok:false: not carried out
    (502, "<html><body>502 Bad Gateway</body></html>", Transient, True),  # a proxy's page: may have landed
    (504, "", Transient, True),
    (200, {"ok": True}, Transient, True),  # no result: it may be out
    (418, "teapot", Rejected, False),
])
def test_documented_answers_map_to_the_error_tree(status: int, body: Any, kind: type, landed: bool) -> None:
    content_type = "application/json" if isinstance(body, dict) else "text/html"
    error = telegram_error(answer(status, body, content_type), write=True, clock=FakeClock(NOW), expected="result")
    assert type(error) is kind and error.http_status == status
    if isinstance(body, dict) and "description" in body:
        assert body["description"] in error.message and error.code == str(body["error_code"])
    if isinstance(error, Transient):
        assert error.may_have_landed is landed
    if isinstance(error, RateLimited):
        assert error.retry_at == NOW + dt.timedelta(seconds=35)
    if "migrate_to_chat_id" in json.dumps(body):
        assert "-1001234567890" in error.message


def test_no_answer_may_have_landed_unless_never_sent() -> None:
    lost = telegram_error(None, requests.ConnectionError("closed"), write=True)
    refused = telegram_error(None, requests.ConnectTimeout("connect"), write=True)
    assert isinstance(lost, Transient) and lost.may_have_landed
    assert isinstance(refused, Transient) and not refused.may_have_landed
    read = telegram_error(None, requests.ConnectionError("closed"), write=False)
    assert isinstance(read, Transient) and not read.may_have_landed


def test_pace_follows_twenty_a_minute_and_retry_after() -> None:
    clock = FakeClock(NOW)
    c = TelegramChannel(channel().account, context=Context(base_dir=Path("."), media_dir=Path("."), clock=clock))
    assert c.pace() is None
    c._sent = [NOW - dt.timedelta(seconds=50 - i) for i in range(20)]
    pace = c.pace()
    assert pace is not None and pace.exhausted and pace.until == NOW - dt.timedelta(seconds=50) + dt.timedelta(minutes=1)
    c._sent = c._sent[5:]
    assert c.pace().remaining == 5  # type: ignore[union-attr]
    c._wait_until = NOW + dt.timedelta(seconds=30)
    assert c.pace().until == NOW + dt.timedelta(seconds=30)  # type: ignore[union-attr]
