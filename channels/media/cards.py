"""Title cards: an image made from an article that has none, for image-only networks.

Instagram (and every network that takes only images) refuses a post without one; a press
release often has none.  An account with ``card = true`` then gets a card: the article's
title set on the institution's background, its name and logo at the top, the site's
address at the foot, in the fonts shipped with the package (DejaVu Sans, its licence in
``fonts/LICENSE_DEJAVU``).  The card is an image like any other: JPEG, stored in the
media folder under its SHA-256, served from there, and what the officer previews is what
goes out.

Legible on a phone, checked when the card is made:

- a feed shows the square card about :data:`PHONE_WIDTH` CSS pixels wide, so every line
  of text is set at least :data:`MIN_PHONE_PX` pixels tall at that width (48 px on the
  1080 px card): a title that does not fit at that size is cut at a word, with a warning;
- text and background must differ by a contrast ratio of at least :data:`MIN_CONTRAST`
  (WCAG 2's AA level for normal text): colours that do not are refused when the
  configuration is read (:func:`style_problem`).

Pillow is imported inside the functions that draw: importing this module is cheap.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..base import CardStyle
from ..i18n import _

if TYPE_CHECKING:
    from PIL import ImageFont

    from ..base import Account, Article, Context, Media

__all__ = ["CardStyle", "card_images", "contrast_ratio", "min_px", "render_card", "style_problem"]

FONTS = Path(__file__).with_name("fonts")
#: The card's side, in pixels: square, which every image-only network takes as it is.
SIZE = 1080
#: How wide a phone shows a feed image, in CSS pixels, and the smallest text size there.
PHONE_WIDTH = 360
MIN_PHONE_PX = 16
#: WCAG 2 AA contrast for normal text.
MIN_CONTRAST = 4.5
#: The largest title size tried first, in card pixels.
MAX_TITLE_PX = 112
_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


def min_px(size: int = SIZE) -> int:
    """The smallest text size on a card ``size`` pixels wide that is still
    :data:`MIN_PHONE_PX` tall on a phone."""
    return -(-MIN_PHONE_PX * size // PHONE_WIDTH)


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2's contrast ratio of two ``#RRGGBB`` colours (1 to 21)."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def style_problem(style: CardStyle) -> tuple[str, str] | None:
    """Why ``style`` would make illegible or broken cards, as (the key at fault, why), or
    None.  The configuration reports it with the file and line."""
    for key in ("background", "text_color", "accent_color"):
        if not _HEX.match(getattr(style, key)):
            return key, _("expected a colour written #RRGGBB, got {value!r}").format(value=getattr(style, key))
    ratio = contrast_ratio(style.text_color, style.background)
    if ratio < MIN_CONTRAST:
        return "text_color", _("the text on the background has a contrast of {ratio:.1f}:1; at least {least}:1 "
                               "is needed to be read on a phone").format(ratio=ratio, least=MIN_CONTRAST)
    if style.logo is not None and not style.logo.is_file():
        return "logo", _("{path} is not a file").format(path=style.logo)
    return None


def render_card(title: str, *, style: CardStyle, site: str | None = None) -> tuple[bytes, list[str]]:
    """The card for ``title`` as JPEG bytes, and what was given up to fit (warnings).

    Raises ``ValueError`` (one line) when the logo cannot be read as an image.
    """
    from PIL import Image, ImageDraw

    warnings: list[str] = []
    margin = SIZE // 12
    width = SIZE - 2 * margin
    small = min_px()
    card = Image.new("RGB", (SIZE, SIZE), style.background)
    draw = ImageDraw.Draw(card)
    top = margin
    if style.logo is not None:
        top = max(top, _paste_logo(card, style.logo, margin, height=small * 2) + small // 2)
    if style.name:
        name_font = _font(small, bold=True)
        lines, _cut = _wrap(style.name, name_font, width, max_lines=2)
        for line in lines:
            draw.text((margin, top), line, font=name_font, fill=style.text_color)
            top += int(small * 1.25)
    top += small // 2
    draw.rectangle((margin, top, margin + SIZE // 6, top + SIZE // 90), fill=style.accent_color)
    top += SIZE // 90 + small
    footer = urlsplit(site).hostname if site else None
    bottom = SIZE - margin - (int(small * 1.3) if footer else 0)
    size, lines, cut = _fit_title(title, width=width, height=bottom - top)
    if cut:
        warnings.append(_("the title is too long for a card legible on a phone: it was cut to {n} line(s)").format(
            n=len(lines)))
    font = _font(size, bold=True)
    for line in lines:
        draw.text((margin, top), line, font=font, fill=style.text_color)
        top += int(size * 1.2)
    if footer:
        draw.text((margin, SIZE - margin - small), footer.removeprefix("www."), font=_font(small),
                  fill=style.accent_color)
    out = io.BytesIO()
    card.save(out, format="JPEG", quality=90, optimize=True)
    return out.getvalue(), warnings


def card_images(article: Article, *, account: Account, context: Context | None, warnings: list[str]) -> tuple[Media, ...]:
    """A card as the article's only image, when ``account`` asks for cards (``card =
    true``) and the article has no image of its own; otherwise ``()``.

    The card is written to the media folder (content-addressed) and named, with its
    digest, in the returned :class:`Media`, whose alt text is the title.  Raises
    :class:`channels.base.Transient` when the folder cannot be written.
    """
    from ..base import Media, Rejected, Transient
    from .store import digest, write

    if article.images() or not _wanted(account.get("card")) or context is None:
        return ()
    try:
        data, more = render_card(article.title, style=context.card_style, site=article.url)
    except ValueError as exc:
        raise Rejected(_("no title card can be made: {error}").format(error=exc)) from None
    warnings.extend(more)
    warnings.append(_("the article has no image: a title card was made for it"))
    try:
        name = write(data, ext=".jpg", media_dir=context.media_dir)
    except OSError as exc:
        raise Transient(
            _("the title card cannot be written to the media folder {folder} ({error}); "
              "try again when it can").format(folder=context.media_dir, error=exc.strerror or exc)
        ) from None
    url = f"{context.media_base_url}/{name}" if context.media_base_url else (context.media_dir / name).as_uri()
    return (Media(url=url, alt=article.title, file=name, sha256=digest(data)),)


def _wanted(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() in {"true", "yes", "ya", "1"})


def _fit_title(title: str, *, width: int, height: int) -> tuple[int, list[str], bool]:
    """The largest size (from :data:`MAX_TITLE_PX` down to the phone minimum) at which
    ``title`` fits ``width`` x ``height``; at the minimum, the lines that fit (cut)."""
    text = " ".join(title.split())
    size = MAX_TITLE_PX
    while True:
        font = _font(size, bold=True)
        rows = max(1, int(height // (size * 1.2)))
        lines, cut = _wrap(text, font, width, max_lines=rows)
        if not cut or size <= min_px():
            return size, lines, cut
        size = max(min_px(), size - 4)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int, *, max_lines: int) -> tuple[list[str], bool]:
    """``text`` broken into lines no wider than ``width``; at most ``max_lines``, the last
    ending in an ellipsis when words were left over (the second value: cut)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        for piece in _pieces(word, font, width):
            trial = f"{line} {piece}" if line else piece
            if font.getlength(trial) <= width:
                line = trial
                continue
            lines.append(line)
            line = piece
    if line:
        lines.append(line)
    if len(lines) <= max_lines:
        return lines, False
    kept = lines[:max_lines]
    last = kept[-1]
    while last and font.getlength(last + " …") > width:
        last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
    kept[-1] = (last + " …").strip()
    return kept, True


def _pieces(word: str, font: ImageFont.FreeTypeFont, width: int) -> Sequence[str]:
    """``word`` split where it alone is wider than a line (a long address, say)."""
    if font.getlength(word) <= width:
        return (word,)
    pieces, piece = [], ""
    for char in word:
        if piece and font.getlength(piece + char) > width:
            pieces.append(piece)
            piece = ""
        piece += char
    return [*pieces, piece] if piece else pieces


def _font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    from PIL import ImageFont

    return ImageFont.truetype(str(FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")), size)


def _paste_logo(card: Any, logo: Path, margin: int, *, height: int) -> int:
    """Paste ``logo`` at the top left, ``height`` tall; returns the y below it."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(logo) as source:
            source.load()
            image = source.convert("RGBA")
    except (OSError, UnidentifiedImageError) as exc:
        raise ValueError(_("logo: {path} cannot be read as an image ({error})").format(path=logo, error=exc)) from None
    scale = height / image.height
    image = image.resize((max(1, round(image.width * scale)), height))
    card.paste(image, (margin, margin), image)
    return margin + height
