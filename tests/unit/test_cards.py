"""Title cards: legible on a phone, the institution's colours, refused when unreadable."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from channels.media.cards import (
    MIN_CONTRAST,
    CardStyle,
    _fit_title,
    contrast_ratio,
    min_px,
    render_card,
    style_problem,
)
from disseminator.config import parse_settings
from disseminator.errors import ConfigError


def test_contrast_ratio_follows_wcag() -> None:
    assert contrast_ratio("#FFFFFF", "#000000") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#777777") == pytest.approx(1.0)
    assert contrast_ratio("#FFFFFF", "#767676") == pytest.approx(4.54, abs=0.01)  # WCAG's AA example grey


def test_the_smallest_text_is_16_px_on_a_360_px_phone() -> None:
    assert min_px(1080) == 48 and min_px(360) == 16


def test_a_short_title_is_set_large_and_a_long_one_never_below_the_phone_minimum() -> None:
    size, lines, cut = _fit_title("Rapat Terbatas", width=900, height=700)
    assert size == 112 and " ".join(lines) == "Rapat Terbatas" and not cut
    size, lines, cut = _fit_title(" ".join(["Pembangunan"] * 200), width=900, height=700)
    assert size == min_px() and cut and lines[-1].endswith("…")


def test_a_long_title_is_cut_with_a_warning_and_the_card_is_a_square_jpeg() -> None:
    data, warnings = render_card(" ".join(["Infrastruktur"] * 150), style=CardStyle(name="Humas"), site="https://setkab.go.id/x")
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG" and image.size == (1080, 1080)
    assert len(warnings) == 1 and "cut" in warnings[0]


def test_the_card_is_in_the_institutions_colours() -> None:
    data, _ = render_card("Sidang Kabinet", style=CardStyle(background="#8B0000", text_color="#FFFFFF"))
    with Image.open(io.BytesIO(data)) as image:
        r, g, b = image.convert("RGB").getpixel((5, 5))  # a corner: background
    assert abs(r - 0x8B) < 8 and g < 8 and b < 8


def test_the_same_title_and_style_make_the_same_bytes() -> None:
    assert render_card("Sama", style=CardStyle())[0] == render_card("Sama", style=CardStyle())[0]


@pytest.mark.parametrize(("style", "key"), [
    (CardStyle(background="#FFFFFF", text_color="#EEEEEE"), "text_color"),
    (CardStyle(background="biru"), "background"),
    (CardStyle(logo=Path("/tidak/ada.png")), "logo"),
])
def test_unreadable_or_broken_styles_are_found(style: CardStyle, key: str) -> None:
    problem = style_problem(style)
    assert problem is not None and problem[0] == key


def test_the_configuration_refuses_a_low_contrast_card_naming_file_and_key(tmp_path: Path) -> None:
    text = '[card]\nbackground = "#FFFF00"\ntext_color = "#FFFFFF"\n'
    with pytest.raises(ConfigError) as caught:
        parse_settings({"card": {"background": "#FFFF00", "text_color": "#FFFFFF"}}, path=tmp_path / "c.toml", text=text)
    message = caught.value.message
    assert message.startswith(f"{tmp_path / 'c.toml'}:3: card.text_color:") and f"{MIN_CONTRAST}:1" in message


def test_the_configuration_reads_the_logo_relative_to_its_file(tmp_path: Path) -> None:
    Image.new("RGB", (40, 20), "red").save(tmp_path / "logo.png")
    settings = parse_settings({"card": {"logo": "logo.png", "name": "Setkab"}}, path=tmp_path / "c.toml")
    assert settings.card.logo == tmp_path / "logo.png" and settings.context.card_style.name == "Setkab"
    data, _ = render_card("Judul", style=settings.card)
    with Image.open(io.BytesIO(data)) as image:
        r, g, b = image.convert("RGB").getpixel((95, 95))  # inside the logo at the top left
    assert r > 200 and g < 60 and b < 60
