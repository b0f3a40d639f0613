"""The README's hand walkthrough, on its example articles: preview shows counts and warnings."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import REPO, run_cli, write_config


@pytest.mark.parametrize("name", ["siaran-pers.md", "siaran-pers.json"])
def test_preview_of_the_readme_examples(tmp_path: Path, sandbox, name: str) -> None:  # type: ignore[no-untyped-def]
    shutil.copy(REPO / "disseminator" / "data" / "contoh-bendungan.jpg", tmp_path / "media")
    example = tmp_path / name
    example.write_text((REPO / "config" / "examples" / name).read_text().replace("http://127.0.0.1:8765", sandbox.url))
    config = write_config(tmp_path, sandbox_url=sandbox.url, database=f"sqlite:///{tmp_path}/db.sqlite")
    assert run_cli(["--config", str(config), "init"]).code == 0
    result = run_cli(["--config", str(config), "preview", str(example)])
    assert result.code == 0, result.err
    for account in ("sandbox_x (twitter)", "sandbox_fb (facebook)", "sandbox_ig (instagram)"):
        assert f"== {account} ==" in result.out
    assert "/280 characters" in result.out and "/2200 characters" in result.out
    assert "-- hashtags: #" in result.out
    shapes = run_cli(["--config", str(config), "preview", str(example), "--json"]).json()
    x = next(p for p in shapes if p["channel"] == "twitter")
    if name.endswith(".md"):  # the long one: X cannot take it all
        assert any("to fit X's 280 characters" in w for w in x["warnings"]), x["warnings"]
    else:  # no summary: the body stands in, its HTML turned into clean text
        fb = next(p for p in shapes if p["channel"] == "facebook")
        assert "Menteri meninjau kesiapan Sekolah Rakyat di tiga provinsi.\n\nRuang kelas & asrama dinyatakan siap." in fb["parts"][0]
