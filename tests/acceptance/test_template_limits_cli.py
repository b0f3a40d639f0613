"""An account template past a limit is named, with its line, by `accounts check` and `preview`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import article_file

TEMPLATES = {
    "pangkat.j2": ("{{ title }}\n\n{{ 10 ** 100000 }}\n",
                   "template pangkat.j2, line 3: '**' would make a number of about 100,001 digits (at most 4,000)"),
    "kali.j2": ("{{ title }}\n{{ 'A' * 3000000000 }}\n",
                "template kali.j2, line 2: '*' would make a value of 3,000,000,000 characters or items (at most 10,000,000)"),
}


@pytest.mark.parametrize("name", TEMPLATES)
def test_check_and_preview_name_the_template_and_line(cli, config: Path, tmp_path: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    source, message = TEMPLATES[name]
    (config.parent / name).write_text(source, encoding="utf-8")
    text = config.read_text()
    config.write_text(text.replace('username = "sandbox_humas"', f'username = "sandbox_humas"\ntemplate = "{name}"'))

    check = cli("accounts", "check", "sandbox_x")
    assert check.code == 1
    assert message in check.out + check.err
    assert "unexpected" not in check.out + check.err

    preview = cli("preview", str(article_file(tmp_path)), "--account", "sandbox_x")
    assert preview.code != 0
    assert message in preview.out + preview.err
    assert "unexpected" not in preview.out + preview.err
