"""Issue 9, point 8: a misspelled command, ``init`` and DISSEMINATOR_DATABASE, the README."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import REPO, run_cli


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (["schedul"], "error: no command 'schedul'; did you mean 'schedule'? (see 'disseminator --help')"),
        (["acounts", "list"], "error: no command 'acounts'; did you mean 'accounts'? (see 'disseminator --help')"),
        (["accounts", "resme", "x"], "error: no command 'resme'; did you mean 'resume'? (see 'disseminator accounts --help')"),
        (["article", "ad"], "error: no command 'ad'; did you mean 'add'? (see 'disseminator article --help')"),
        (["post", "sho", "1"], "error: no command 'sho'; did you mean 'show'? (see 'disseminator post --help')"),
        (["db", "upgrde"], "error: no command 'upgrde'; did you mean 'upgrade'? (see 'disseminator db --help')"),
        (["frobnicate"], "error: no command 'frobnicate' (see 'disseminator --help')"),
    ],
)
def test_a_misspelled_command_gets_a_suggestion(tmp_path: Path, argv: list[str], line: str) -> None:
    result = run_cli(["--config", str(tmp_path / "none.toml"), *argv])
    assert result.code == 2 and result.err == line + "\n" and result.out == "", result.err


def test_init_writes_and_uses_the_database_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DISSEMINATOR_CONFIG", raising=False)
    elsewhere = tmp_path / "data" / "humas.db"
    elsewhere.parent.mkdir()
    config = tmp_path / "conf" / "disseminator.toml"
    env = {"DISSEMINATOR_DATABASE": f"sqlite:///{elsewhere}"}
    result = run_cli(["--config", str(config), "init"], env=env)
    assert result.code == 0, result.err
    assert f"sqlite:///{elsewhere}" in result.out and "DISSEMINATOR_DATABASE" in result.out, result.out
    assert elsewhere.exists() and not list(config.parent.glob("*.db"))
    # The file written says so too: the next command without the variable finds the same database.
    assert f'database = "sqlite:///{elsewhere}"' in config.read_text(encoding="utf-8")
    current = run_cli(["--config", str(config), "db", "current", "--json"])
    assert current.code == 0 and current.json()["schema"] == current.json()["needs"], current.err


def test_init_keeps_a_password_from_the_environment_out_of_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from disseminator.bootstrap import write_starter_config

    monkeypatch.setenv("DISSEMINATOR_DATABASE", "postgresql://humas:rahasia@db.example.go.id/humas")
    written = write_starter_config(str(tmp_path / "c.toml"))
    text = written.path.read_text(encoding="utf-8")
    assert "rahasia" not in text and "DISSEMINATOR_DATABASE" in text


def test_readme_explains_the_oracle_tests_that_skip() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "../shared/oracles" in readme
    for test in ("test_text_length.py", "test_text_extract.py", "test_openapi.py"):
        assert test in readme, test
