"""TikTok photo posts: a channel in a package of its own (plugins/tiktok), installed for real."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import inspect
from pathlib import Path

import pytest

from channels.base import Account, Article, AuthError, Context, RateLimited, Rejected, Transient
from disseminator.registry import channel_class
from tests.contract.conftest import Env
from tests.helpers import REPO, article_file

NOW = dt.datetime(2026, 11, 30, 1, 0, tzinfo=dt.timezone.utc)


def test_the_channel_comes_from_an_installed_distribution_through_the_entry_point() -> None:
    dist = importlib.metadata.distribution("disseminator-tiktok")
    points = {(p.group, p.name): p.value for p in dist.entry_points}
    assert points[("disseminator.channels", "tiktok")] == "disseminator_tiktok.channel:TikTokChannel"
    assert points[("disseminator.sandbox", "tiktok")] == "disseminator_tiktok.sandbox:NETWORK"
    cls = channel_class("tiktok")
    where = Path(inspect.getfile(cls)).resolve()
    assert cls.__module__ == "disseminator_tiktok.channel" and where.parent.name == "disseminator_tiktok"
    assert not where.is_relative_to(REPO / "channels") and not where.is_relative_to(REPO / "disseminator")


def _channel(sandbox_url: str, tmp_path: Path, **settings: object) -> object:
    from disseminator_tiktok.sandbox import TOKEN

    account = Account(name="tt", channel="tiktok", base_url=f"{sandbox_url}/tiktok",
                      settings={"access_token": TOKEN, "poll_seconds": 0.01, **settings})
    context = Context(base_dir=tmp_path, media_dir=tmp_path / "media", media_base_url=f"{sandbox_url}/media")
    return channel_class("tiktok")(account, context=context)


def _article(sandbox_url: str, tmp_path: Path, **fields: object) -> Article:
    import shutil

    (tmp_path / "media").mkdir(exist_ok=True)
    shutil.copy(REPO / "disseminator" / "data" / "contoh-bendungan.jpg", tmp_path / "media" / "foto.jpg")
    values: dict = {"title": "Presiden Resmikan Bendungan", "url": "https://setkab.go.id/b/1",
                    "summary": "Bendungan mengairi 10.000 hektare sawah.", "image": f"{sandbox_url}/media/foto.jpg",
                    "image_alt": "Bendungan", "tags": ("Bendungan",)}
    values.update(fields)
    return Article(**values)


def test_title_and_description_are_counted_in_utf16_units(sandbox, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from disseminator_tiktok.channel import TITLE_MAX, utf16_length

    assert utf16_length("🇮🇩") == 4 and utf16_length("é") == 1
    channel = _channel(sandbox.url, tmp_path)
    long_title = "Peresmian 🇮🇩 " * 12
    draft = channel.render(_article(sandbox.url, tmp_path, title=long_title))  # type: ignore[attr-defined]
    title = draft.parts[0].split("\n\n")[0]
    assert utf16_length(title) <= TITLE_MAX and title.endswith("…")
    assert any("shortened" in w for w in draft.warnings)
    channel.validate(draft)  # type: ignore[attr-defined]
    too_long = type(draft)(parts=("Judul\n\n" + "a" * 4001,), media=draft.media)
    with pytest.raises(Rejected, match="4001 characters; TikTok takes 4000"):
        channel.validate(too_long)  # type: ignore[attr-defined]


@pytest.mark.parametrize(("status", "code", "kind"), [
    (401, "access_token_invalid", AuthError),
    (401, "scope_not_authorized", AuthError),
    (403, "spam_risk_user_banned_from_posting", AuthError),
    (429, "rate_limit_exceeded", RateLimited),
    (403, "spam_risk_too_many_posts", RateLimited),
    (403, "reached_active_user_cap", RateLimited),
    (403, "unaudited_client_can_only_post_to_private_accounts", Rejected),
    (403, "url_ownership_unverified", Rejected),
    (400, "privacy_level_option_mismatch", Rejected),
    (400, "invalid_params", Rejected),
    (500, "internal_error", Transient),
])
def test_each_documented_error_code_maps_into_the_tree(status: int, code: str, kind: type) -> None:
    from disseminator_tiktok.errors import error_for

    body = {"data": {}, "error": {"code": code, "message": "m", "log_id": "202611300100"}}
    error = error_for(status, body, now=NOW)
    assert type(error) is kind and error.code == code and error.http_status == status
    if isinstance(error, RateLimited):
        assert error.retry_at is not None and error.retry_at > NOW


def test_a_gateway_error_without_tiktoks_body_is_transient() -> None:
    from disseminator_tiktok.errors import error_for

    assert isinstance(error_for(502, None, now=NOW), Transient)


def test_the_shared_mapping_puts_a_write_in_doubt_only_when_tiktok_did_not_answer_itself() -> None:
    import json

    import requests
    from disseminator_tiktok.errors import tiktok_error

    from channels.clock import FakeClock
    from channels.redact import Redactor

    def answer(status: int, body: object) -> requests.Response:
        response = requests.Response()
        response.status_code = status
        response._content = json.dumps(body).encode() if body is not None else b"<html>502</html>"
        return response

    clock = FakeClock(NOW)
    lost = tiktok_error(None, requests.ReadTimeout("read"), write=True, clock=clock)
    never = tiktok_error(None, requests.ConnectTimeout("connect"), write=True, clock=clock)
    assert isinstance(lost, Transient) and lost.may_have_landed and not never.may_have_landed  # type: ignore[attr-defined]
    gateway = tiktok_error(answer(502, None), write=True, clock=clock)
    assert isinstance(gateway, Transient) and gateway.may_have_landed and gateway.http_status == 502
    assert not tiktok_error(answer(502, None), write=False, clock=clock).may_have_landed  # type: ignore[attr-defined]
    refused = tiktok_error(answer(500, {"error": {"code": "internal_error", "message": "m"}}), write=True, clock=clock)
    assert isinstance(refused, Transient) and not refused.may_have_landed and refused.code == "internal_error"
    said = {"error": {"code": "access_token_invalid", "message": "token act.s3cr3t-tiktok is invalid"}}
    revoked = tiktok_error(answer(401, said), write=True, clock=clock, redactor=Redactor(["act.s3cr3t-tiktok"]))
    assert isinstance(revoked, AuthError) and "s3cr3t" not in revoked.message and "invalid" in revoked.message


def test_an_unaudited_app_is_told_to_post_privately_and_self_only_works(sandbox, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from disseminator_tiktok.sandbox import UNAUDITED_TOKEN

    public = _channel(sandbox.url, tmp_path, access_token=UNAUDITED_TOKEN)
    draft = public.render(_article(sandbox.url, tmp_path))  # type: ignore[attr-defined]
    with pytest.raises(Rejected, match='privacy_level = "SELF_ONLY"'):
        public.publish_part(draft, 0)  # type: ignore[attr-defined]
    private = _channel(sandbox.url, tmp_path, access_token=UNAUDITED_TOKEN, privacy_level="SELF_ONLY")
    draft = private.render(_article(sandbox.url, tmp_path))  # type: ignore[attr-defined]
    assert any("private" in w for w in draft.warnings)  # preview says so
    receipt = private.publish_part(draft, 0)  # type: ignore[attr-defined]
    [post] = [p for p in sandbox.posts() if p["network"] == "tiktok"]
    assert receipt.remote_id == post["id"] and post["text"] == draft.parts[0]
    check = private.check()  # type: ignore[attr-defined]
    assert check.ok and check.identity == "@humas_sandbox" and "SELF_ONLY" in (check.message or "")


def test_photos_on_an_unverified_domain_are_refused_with_what_to_do(sandbox, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    channel = _channel(sandbox.url, tmp_path)
    draft = channel.render(_article(sandbox.url, tmp_path))  # type: ignore[attr-defined]
    from channels.base import Media

    elsewhere = type(draft)(parts=draft.parts, media=(Media(url="https://cdn.example.org/x.jpg", file=draft.media[0].file,
                                                            sha256=draft.media[0].sha256),))
    with pytest.raises(Rejected, match="verify the domain of media.public_base_url"):
        channel.publish_part(elsewhere, 0)  # type: ignore[attr-defined]
    assert [p for p in sandbox.posts() if p["network"] == "tiktok"] == []


def test_six_posts_a_minute_then_the_pace_says_wait(sandbox, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    channel = _channel(sandbox.url, tmp_path)
    assert channel.pace() is None  # type: ignore[attr-defined]
    for n in range(6):
        draft = channel.render(_article(sandbox.url, tmp_path, title=f"Berita nomor {n}"))  # type: ignore[attr-defined]
        channel.publish_part(draft, 0)  # type: ignore[attr-defined]
    pace = channel.pace()  # type: ignore[attr-defined]
    assert pace is not None and pace.exhausted and pace.until is not None
    with pytest.raises(RateLimited):  # the sandbox, like TikTok, refuses the seventh
        channel.publish_part(channel.render(_article(sandbox.url, tmp_path, title="Ketujuh")), 0)  # type: ignore[attr-defined]


def test_an_article_without_image_goes_out_as_a_title_card_from_the_cli(env: Env) -> None:
    config = env.config.read_text(encoding="utf-8")
    env.config.write_text(config.replace("[accounts.sandbox_tt]\n", "[accounts.sandbox_tt]\ncard = true\n"),
                          encoding="utf-8")
    article = article_file(env.tmp, "kartu.md", title="Sidang Kabinet Paripurna")
    assert env.cli("schedule", str(article), "--account", "sandbox_tt", "--at", "now").code == 0
    assert [o.status for o in env.worker().run_due().outcomes] == ["published"]
    [post] = env.posts_on("sandbox_tt")
    assert post["text"].startswith("Sidang Kabinet Paripurna") and post["media"][0].startswith(env.sandbox.url)  # type: ignore[attr-defined]


@pytest.mark.parametrize(("token", "body", "status", "code"), [
    ("salah", {}, 401, "access_token_invalid"),
    (None, {"media_type": "VIDEO"}, 400, "invalid_params"),
    (None, {"media_type": "PHOTO", "post_mode": "DIRECT_POST", "post_info": {"title": "x" * 91},
            "source_info": {"source": "PULL_FROM_URL", "photo_images": ["{url}/media/a.jpg"]}}, 400, "invalid_params"),
    (None, {"media_type": "PHOTO", "post_mode": "DIRECT_POST", "post_info": {"title": "x", "privacy_level": "PUBLIK"},
            "source_info": {"source": "PULL_FROM_URL", "photo_images": ["{url}/media/a.jpg"]}}, 400,
     "privacy_level_option_mismatch"),
])
def test_the_sandbox_answers_errors_in_tiktoks_documented_shape(sandbox, token, body, status, code) -> None:  # type: ignore[no-untyped-def]
    """TikTok API v2's error struct: {"data": {}, "error": {"code", "message", "log_id"}}."""
    import json

    import requests

    from disseminator_tiktok.sandbox import TOKEN

    sent = json.loads(json.dumps(body).replace("{url}", sandbox.url))
    answer = requests.post(f"{sandbox.url}/tiktok/v2/post/publish/content/init/", json=sent, timeout=5,
                           headers={"Authorization": f"Bearer {token or TOKEN}"})
    assert answer.status_code == status
    error = answer.json()["error"]
    assert set(error) == {"code", "message", "log_id"} and error["code"] == code and error["message"]
    assert answer.json()["data"] == {}


def test_a_failed_status_read_after_tiktok_took_the_post_never_sends_it_again(env: Env) -> None:
    """init answered (the post is TikTok's), then the status read failed: published under
    its publish_id, never a second init."""
    env.queue_one("sandbox_tt")
    env.sandbox.set_faults({"next": [{"network": "tiktok", "path": "/v2/post/publish/status/fetch/", "method": "POST",  # type: ignore[attr-defined]
                                      "status": 503, "count": 5}]})
    assert [o.status for o in env.worker().run_due().outcomes] == ["published"]
    assert env.worker().run_due(now=dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1)).outcomes == []
    [post] = env.posts_on("sandbox_tt")
    inits = env.sandbox.app.state.data["tiktok"]["publishes"]  # type: ignore[attr-defined]
    assert len(inits) == 1


def test_an_officer_confirms_a_post_in_doubt_by_its_tiktok_link(env: Env) -> None:
    """A lost init answer leaves the post unknown (TikTok lists no photo posts); the officer
    finds it in the app and gives its link: published under that number, nothing sent again."""
    pid = env.queue_one("sandbox_tt")
    env.sandbox.set_faults({"lose_response": [{"network": "tiktok", "path": "/v2/post/publish/content/init/", "count": 1}]})  # type: ignore[attr-defined]
    env.worker().run_due()
    assert env.worker().store.post(pid).status == "unknown"
    [landed] = env.posts_on("sandbox_tt")
    assert env.cli("post", "confirm", str(pid), "--remote-id", "bukan-tautan").code != 0
    done = env.cli("post", "confirm", str(pid), "--remote-id", landed["url"])
    assert done.code == 0, done.err
    row = env.worker().store.post(pid)
    assert row.status == "published" and row.remote_ids == [landed["id"]] and row.remote_url == landed["url"]
    assert env.worker().run_due(now=dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=2)).outcomes == []
    assert env.posts_on("sandbox_tt") == [landed]
