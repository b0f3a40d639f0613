"""``accounts check`` for Instagram fetches a prepared image at ``media.public_base_url``,
as Instagram will: a media folder not served there would fail every post with 9004."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from channels.base import Context
from channels.media.fetch import check_served
from tests.helpers import run_cli, serve_http, write_config


def _check(tmp_path: Path, sandbox_url: str, public_base_url: str) -> tuple[int, str, list[dict[str, object]]]:
    config = write_config(tmp_path, sandbox_url=sandbox_url, database=f"sqlite:///{tmp_path / 'd.db'}")
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace(f'public_base_url = "{sandbox_url}/media"', f'public_base_url = "{public_base_url}"'),
                      encoding="utf-8")
    assert run_cli(["--config", str(config), "init"]).code == 0
    plain = run_cli(["--config", str(config), "accounts", "check", "sandbox_ig"])
    rows = run_cli(["--config", str(config), "accounts", "check", "sandbox_ig", "--json"]).json()
    return plain.code, plain.out + plain.err, rows


def test_a_served_media_folder_passes(sandbox, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, rows = _check(tmp_path, sandbox.url, f"{sandbox.url}/media")
    assert code == 0, out
    assert out.startswith("sandbox_ig: ok, posts as @")
    assert rows[0]["ok"] is True and rows[0]["error"] is None
    assert [p.suffix for p in (tmp_path / "media").iterdir()] == [".jpg"]  # the one probe image


def test_a_wrong_public_base_url_fails_the_check_and_says_why(sandbox, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, rows = _check(tmp_path, sandbox.url, f"{sandbox.url}/media/lain")
    assert code == 1
    assert f"media.public_base_url does not serve the media folder {tmp_path / 'media'}: {sandbox.url}/media/lain/" in out
    assert "answered HTTP 404 (not found: is that URL this folder?); Instagram would refuse every post (error 9004)" in out
    assert rows[0]["ok"] is False and "HTTP 404" in str(rows[0]["error"])
    assert rows[0]["identity"]  # the credentials themselves were fine


@pytest.fixture
def odd_server(tmp_path: Path) -> Iterator[str]:
    """/html/... answers a web page, /forbidden/... 403, /media/... serves tmp_path/media."""

    def respond(url_path: str) -> tuple[int, str, bytes]:
        if url_path.startswith("/html/"):
            return 200, "text/html; charset=utf-8", b"<html><body>Beranda</body></html>"
        if url_path.startswith("/forbidden/"):
            return 403, "text/html", b"Forbidden"
        path = tmp_path / "media" / url_path.removeprefix("/media/")
        return (200, "image/jpeg", path.read_bytes()) if path.is_file() else (404, "text/plain", b"")

    with serve_http(respond) as url:
        yield url


@pytest.mark.parametrize(("prefix", "expected"), [
    ("/media", None),
    ("/html", "answered with something else (text/html, 33 bytes), not the image written there"),
    ("/forbidden", "answered HTTP 403 (forbidden: can the web server read the files?)"),
])
def test_what_the_web_server_answers(odd_server: str, tmp_path: Path, prefix: str, expected: str | None) -> None:
    # The policy allows media.public_base_url's host by itself, as the configuration does.
    context = Context(base_dir=tmp_path, media_dir=tmp_path / "media", media_base_url=odd_server + prefix)
    problem = check_served(context)
    if expected is None:
        assert problem is None
    else:
        assert problem is not None and expected in problem and problem.endswith("(error 9004)")


def test_no_public_base_url_is_not_checked(tmp_path: Path) -> None:
    assert check_served(Context(base_dir=tmp_path, media_dir=tmp_path / "media")) is None
    assert not (tmp_path / "media").exists()
