"""An article without an image reaches Instagram as a title card, for an account that asks."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tests.contract.conftest import Env
from tests.helpers import article_file


def _no_image_article(env: Env) -> Path:
    return article_file(env.tmp, "tanpa-gambar.md", title="Rapat Terbatas Percepatan Swasembada Pangan")


def test_without_card_instagram_refuses_an_article_without_image(env: Env) -> None:
    result = env.cli("schedule", str(_no_image_article(env)), "--account", "sandbox_ig", "--at", "now")
    assert result.code != 0 and "card = true" in result.out + result.err


def test_with_card_the_card_is_previewed_stored_and_published_once(env: Env) -> None:
    config = env.config.read_text(encoding="utf-8")
    env.config.write_text(config.replace('[accounts.sandbox_ig]\n', '[accounts.sandbox_ig]\ncard = true\n')
                          + '\n[card]\nname = "Sekretariat Kabinet"\nbackground = "#0B3D91"\n', encoding="utf-8")
    article = _no_image_article(env)
    preview = env.cli("preview", str(article), "--account", "sandbox_ig")
    assert preview.code == 0 and "title card" in preview.out + preview.err
    assert env.cli("schedule", str(article), "--account", "sandbox_ig", "--at", "now").code == 0
    assert [o.status for o in env.worker().run_due().outcomes] == ["published"]
    [post] = env.posts_on("sandbox_ig")
    [card] = [p for p in (env.tmp / "media").iterdir() if p.suffix == ".jpg"]
    assert card.name.startswith(hashlib.sha256(card.read_bytes()).hexdigest()[:16])
    assert card.name in str(post)  # Instagram was given the stored card's public URL
    assert env.worker().run_due().outcomes == []  # and nothing twice


def test_threads_takes_a_title_card_too(env: Env) -> None:
    config = env.config.read_text(encoding="utf-8")
    env.config.write_text(config.replace('[accounts.sandbox_th]\n', '[accounts.sandbox_th]\ncard = true\n'), encoding="utf-8")
    assert env.cli("schedule", str(_no_image_article(env)), "--account", "sandbox_th", "--at", "now").code == 0
    assert [o.status for o in env.worker().run_due().outcomes] == ["published"]
    [post] = env.posts_on("sandbox_th")
    [card] = [p for p in (env.tmp / "media").iterdir() if p.suffix == ".jpg"]
    assert card.name in str(post)  # an image post of the stored card, not a text post
