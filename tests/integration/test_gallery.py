"""Articles with several images: X takes four, Instagram makes a carousel; bad images are caught at preview."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import REPO, article_file


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'test.db'}"


def _photos(tmp_path: Path, sandbox, n: int) -> list[str]:  # type: ignore[no-untyped-def]
    urls = []
    for i in range(n):
        shutil.copy(REPO / "disseminator" / "data" / "contoh-bendungan.jpg", tmp_path / "media" / f"galeri{i}.jpg")
        urls.append(f"{sandbox.url}/media/galeri{i}.jpg")
    return urls


def test_gallery_becomes_four_x_images_and_an_instagram_carousel(cli, sandbox, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    main, *rest = _photos(tmp_path, sandbox, 5)
    gallery = [{"url": u, "alt": f"Foto {i}"} for i, u in enumerate(rest, 2)]
    path = article_file(tmp_path, image=main, image_alt="Foto 1", gallery=gallery)
    assert cli("article", "add", str(path)).code == 0
    preview = {p["channel"]: p for p in cli("preview", "1", "--json").json()}
    assert len(preview["twitter"]["media"]) == 4 and len(preview["instagram"]["media"]) == 5
    assert len(preview["mastodon"]["media"]) == 4  # the instance's max_media_attachments
    assert cli("schedule", "1", "--account", "sandbox_x", "--account", "sandbox_ig", "--now").code == 0
    assert cli("run-due").code == 0
    posts = {p["network"]: p for p in sandbox.posts()}
    assert len(posts["x"]["media"]) == 4 and len(posts["instagram"]["media"]) == 5
    stored = sandbox.app.state.data["media"]
    assert [stored[m]["alt_text"] for m in posts["x"]["media"]] == ["Foto 1", "Foto 2", "Foto 3", "Foto 4"]


def test_a_bad_image_is_left_out_of_x_and_refuses_instagram_at_schedule(cli, sandbox, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "media" / "rusak.jpg").write_text("ini bukan gambar")
    path = article_file(tmp_path, image=f"{sandbox.url}/media/rusak.jpg")
    cli("article", "add", str(path))
    result = cli("schedule", "1", "--now", "--json")
    assert result.code == 1
    queued = {p["account"]: p for p in result.json()}
    assert set(queued) == {"sandbox_x", "sandbox_fb", "sandbox_tg", "sandbox_th", "sandbox_bs", "sandbox_md"}
    assert any("image left out" in w and "rusak.jpg" in w for w in queued["sandbox_x"]["warnings"])
    assert "sandbox_ig" in result.err and "rusak.jpg" in result.err
    assert cli("run-due").code == 0
    x = next(p for p in sandbox.posts() if p["network"] == "x")
    assert x["media"] == []  # posted, without the broken image
