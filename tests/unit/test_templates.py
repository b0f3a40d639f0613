"""Post templates: defaults, overrides, and errors that name the file and line."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from channels.templates import (
    DEFAULT_CHANNELS,
    TemplateProblem,
    check_template,
    default_template_source,
    render_template,
)

ROOT = Path(__file__).resolve().parents[2]

FULL: dict[str, Any] = {
    "title": "Presiden Resmikan Bendungan Jlantah",
    "summary": "Bendungan ini mengairi 1.500 hektare sawah di Karanganyar.",
    "body": "Paragraf pertama.\n\nParagraf kedua.",
    "link": "https://setkab.go.id/bendungan?utm_source=x",
    "hashtags": ["#Bendungan", "#JawaTengah"],
    "tags": ["bendungan", "Jawa Tengah"],
    "author": "Humas",
    "published": dt.datetime(2026, 8, 17, 9, 0),
    "account": "setkab",
    "link_phrase": "Tautan di bio",
}
MINIMAL: dict[str, Any] = {"title": "Siaran Pers", "summary": None, "link": "", "hashtags": []}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- defaults


@pytest.mark.parametrize(
    ("channel", "expected"),
    [
        ("twitter",  # the body is given only to thread accounts, after the link
         "Presiden Resmikan Bendungan Jlantah\n\n"
         "Bendungan ini mengairi 1.500 hektare sawah di Karanganyar.\n\n"
         "https://setkab.go.id/bendungan?utm_source=x\n\n"
         "Paragraf pertama.\n\nParagraf kedua.\n\n#Bendungan #JawaTengah"),
        ("facebook",
         "Presiden Resmikan Bendungan Jlantah\n\n"
         "Bendungan ini mengairi 1.500 hektare sawah di Karanganyar.\n\n"
         "Selengkapnya: https://setkab.go.id/bendungan?utm_source=x\n\n#Bendungan #JawaTengah"),
        ("instagram",
         "Presiden Resmikan Bendungan Jlantah\n\n"
         "Bendungan ini mengairi 1.500 hektare sawah di Karanganyar.\n\n"
         "Tautan di bio\n\n#Bendungan #JawaTengah"),
    ],
)
def test_defaults_render_a_full_article(channel: str, expected: str) -> None:
    assert render_template(channel, FULL) == expected


@pytest.mark.parametrize("channel", DEFAULT_CHANNELS)
def test_defaults_render_a_minimal_article_without_stray_lines(channel: str) -> None:
    title = "<b>Siaran Pers</b>" if channel == "telegram" else "Siaran Pers"  # Telegram's HTML style
    assert render_template(channel, MINIMAL) == title
    assert render_template(channel, {"title": "Siaran Pers"}) == title


def test_defaults_skip_only_the_missing_fields() -> None:
    text = render_template("twitter", {**FULL, "summary": "", "body": ""})
    assert text == (
        "Presiden Resmikan Bendungan Jlantah\n\n"
        "https://setkab.go.id/bendungan?utm_source=x\n\n#Bendungan #JawaTengah"
    )


def test_facebook_falls_back_to_body_without_summary() -> None:
    text = render_template("facebook", {"title": "Judul", "body": "Isi berita.", "link": "https://a.id"})
    assert text == "Judul\n\nIsi berita.\n\nSelengkapnya: https://a.id"


def test_instagram_never_prints_the_link() -> None:
    text = render_template("instagram", FULL)
    assert "https://" not in text
    no_phrase = render_template("instagram", {**FULL, "link_phrase": ""})
    assert "Tautan" not in no_phrase and "https://" not in no_phrase
    no_link = render_template("instagram", {**FULL, "link": ""})
    assert "Tautan di bio" not in no_link


def test_hashtags_text_defaults_to_joined_hashtags() -> None:
    text = render_template("twitter", {"title": "T", "hashtags": ["#Satu", "#Dua"]})
    assert text == "T\n\n#Satu #Dua"


@pytest.mark.parametrize("channel", DEFAULT_CHANNELS)
def test_check_accepts_every_default(channel: str) -> None:
    check_template(channel)


def test_defaults_come_from_config_templates() -> None:
    for channel in DEFAULT_CHANNELS:
        on_disk = (ROOT / "config" / "templates" / f"{channel}.j2").read_text(encoding="utf-8")
        assert default_template_source(channel) == on_disk


def test_unknown_channel_without_override_is_a_problem() -> None:
    with pytest.raises(TemplateProblem, match="no default template for channel 'myspace'"):
        render_template("myspace", FULL)


# --------------------------------------------------------------------------- overrides


def test_override_relative_to_search_dirs(tmp_path: Path) -> None:
    write(tmp_path, "my.j2", "{{ account }}: {{ title | upper }}\n\n\n\n{{ published | tanggal }}   \n")
    text = render_template("twitter", FULL, override="my.j2", search_dirs=[tmp_path / "nope", tmp_path])
    assert text == "setkab: PRESIDEN RESMIKAN BENDUNGAN JLANTAH\n\n17 Agustus 2026"


def test_override_absolute_path(tmp_path: Path) -> None:
    path = write(tmp_path, "abs.j2", "[{{ title }}]")
    assert render_template("facebook", FULL, override=str(path)) == "[Presiden Resmikan Bendungan Jlantah]"


def test_output_is_tidied(tmp_path: Path) -> None:
    write(tmp_path, "t.j2", "\n\n  {{ title }}  \n\n\n\n\nb   \n\n\n")
    assert render_template("twitter", {"title": "a"}, override="t.j2", search_dirs=[tmp_path]) == (
        "a\n\nb"
    )


def test_missing_override_names_where_it_looked(tmp_path: Path) -> None:
    with pytest.raises(TemplateProblem) as info:
        render_template("twitter", FULL, override="hilang.j2", search_dirs=[tmp_path])
    assert str(info.value).startswith("template hilang.j2: file not found")
    assert str(tmp_path / "hilang.j2") in str(info.value)


# --------------------------------------------------------------------------- errors


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    write(tmp_path, "rusak.j2", "{{ title }}\n\n{% if summary }}\n{{ summary }}\n{% endif %}\n")
    with pytest.raises(TemplateProblem) as info:
        render_template("twitter", FULL, override="rusak.j2", search_dirs=[tmp_path])
    assert str(info.value) == "template rusak.j2, line 3: unexpected '}'"
    assert (info.value.template, info.value.line) == ("rusak.j2", 3)


def test_unclosed_block_names_file_and_line(tmp_path: Path) -> None:
    write(tmp_path, "blok.j2", "{{ title }}\n{% if link %}\n{{ link }}\n")
    with pytest.raises(TemplateProblem, match=r"^template blok\.j2, line \d+: .*endif"):
        check_template("twitter", override="blok.j2", search_dirs=[tmp_path])


def test_unknown_variable_names_file_and_line(tmp_path: Path) -> None:
    write(tmp_path, "my.j2", "{{ title }}\n{{ titel }}\n")
    with pytest.raises(TemplateProblem) as info:
        render_template("twitter", FULL, override="my.j2", search_dirs=[tmp_path])
    assert str(info.value) == "template my.j2, line 2: 'titel' is undefined"


def test_check_catches_a_template_that_breaks_on_a_minimal_article(tmp_path: Path) -> None:
    write(tmp_path, "tgl.j2", "{{ title }}\n\n{{ published.strftime('%d/%m') }}\n")
    assert render_template("twitter", FULL, override="tgl.j2", search_dirs=[tmp_path]).endswith("17/08")
    with pytest.raises(TemplateProblem, match=r"^template tgl\.j2, line 3: "):
        check_template("twitter", override="tgl.j2", search_dirs=[tmp_path])


@pytest.mark.parametrize(
    "expression",
    [
        "''.__class__.__mro__",
        "title.__class__.__base__.__subclasses__()",
        "cycler.__init__.__globals__",
        "hashtags.append('#Disusupkan')",
    ],
)
def test_sandbox_blocks_escapes(tmp_path: Path, expression: str) -> None:
    write(tmp_path, "jahat.j2", "{{ title }}\n{{ " + expression + " }}\n")
    tags = ["#Aman"]
    with pytest.raises(TemplateProblem) as info:
        render_template("twitter", {**FULL, "hashtags": tags}, override="jahat.j2", search_dirs=[tmp_path])
    assert str(info.value).startswith("template jahat.j2, line 2: ")
    assert "unsafe" in str(info.value)
    assert tags == ["#Aman"]


def test_no_autoescape_in_plain_text(tmp_path: Path) -> None:
    write(tmp_path, "amp.j2", "{{ title }}")
    out = render_template("twitter", {"title": "Tom & Jerry <b>\"kutip\"</b>"}, override="amp.j2",
                          search_dirs=[tmp_path])
    assert out == "Tom & Jerry <b>\"kutip\"</b>"


def test_runtime_type_error_is_a_template_problem(tmp_path: Path) -> None:
    write(tmp_path, "tipe.j2", "{{ title }}\n\n{{ title + 1 }}")
    with pytest.raises(TemplateProblem, match=r"^template tipe\.j2, line 3: "):
        render_template("twitter", FULL, override="tipe.j2", search_dirs=[tmp_path])


def test_importing_templates_does_not_import_jinja() -> None:
    code = "import sys, channels.templates; sys.exit('jinja2' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True)
    assert result.returncode == 0, result.stderr.decode()


def test_defaults_fall_back_to_the_checkout_when_not_packaged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import channels.templates as templates

    expected = (ROOT / "config" / "templates" / "twitter.j2").read_text(encoding="utf-8")
    assert templates.default_template_source("twitter") == expected  # read once already
    # The packaged copy is what is read when there is one ...
    (tmp_path / "default_templates").mkdir()
    packaged = tmp_path / "default_templates" / "twitter.j2"
    packaged.write_text("{{ title }} (packaged)", encoding="utf-8")
    monkeypatch.setattr(templates.resources, "files", lambda package: tmp_path)
    assert templates.default_template_source("twitter") == "{{ title }} (packaged)"
    assert render_template("twitter", {"title": "Judul"}) == "Judul (packaged)"
    # ... and config/templates next to the package when it is missing, as in a checkout
    # where the default_templates symlink did not survive (Windows).
    packaged.unlink()
    assert templates.default_template_source("twitter") == expected
    assert render_template("twitter", {"title": "Judul"}) == "Judul"
