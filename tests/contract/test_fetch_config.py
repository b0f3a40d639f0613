"""The address policy as an officer meets it: ``preview`` of an article whose image is on a
host the configuration does not name, then the same host added to ``[fetch] allow_hosts``."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.helpers import REPO, article_file, run_cli, write_config


def test_allow_hosts_lets_a_private_image_host_through(sandbox, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shutil.copy(REPO / "disseminator" / "data" / "contoh-bendungan.jpg", tmp_path / "media" / "foto.jpg")
    port = sandbox.url.rsplit(":", 1)[1]
    image = f"http://localhost:{port}/media/foto.jpg"  # the sandbox again, by a name no setting mentions
    article = article_file(tmp_path, image=image, image_alt="Bendungan")
    config = write_config(tmp_path, sandbox_url=sandbox.url, database=f"sqlite:///{tmp_path / 'd.db'}")

    refused = run_cli(["--config", str(config), "preview", str(article), "--account", "sandbox_ig"])
    assert refused.code != 0
    assert (f"refusing to fetch {image}: loopback address; add the host to [fetch] allow_hosts if it is yours"
            in refused.out + refused.err)

    config.write_text(config.read_text(encoding="utf-8") + '\n[fetch]\nallow_hosts = ["localhost"]\n', encoding="utf-8")
    allowed = run_cli(["--config", str(config), "preview", str(article), "--account", "sandbox_ig", "--json"])
    assert allowed.code == 0, allowed.err
    [row] = allowed.json()
    assert len(row["media"]) == 1 and not any("refusing" in w for w in row["warnings"])
