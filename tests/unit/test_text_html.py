"""html_to_text: article HTML to plain paragraphs."""

from __future__ import annotations

import pytest

from channels.text import html_to_text


def test_paragraphs_headings_and_entities() -> None:
    html = (
        "<h1>Presiden Resmikan Tol</h1>\n<p>Jakarta &ndash; Presiden   meresmikan\n jalan tol.</p>"
        "<p>Biaya &amp; waktu <b>berkurang</b>&nbsp;drastis.</p>"
    )
    assert html_to_text(html) == "Presiden Resmikan Tol\n\nJakarta – Presiden meresmikan jalan tol.\n\nBiaya & waktu berkurang drastis."


def test_script_style_and_noscript_vanish_with_contents() -> None:
    html = (
        "<style>p{color:red}</style><p>Isi</p><script>alert('x<p>')</script>"
        "<noscript><p>Aktifkan JavaScript</p></noscript><p>Akhir</p>"
    )
    assert html_to_text(html) == "Isi\n\nAkhir"


def test_line_breaks_and_lists() -> None:
    html = "<p>Baris satu<br>baris dua<br/>baris tiga</p><ul><li>Jalan</li><li>Jembatan</li></ul><ol><li>Satu</li><li>Dua</li></ol>"
    assert html_to_text(html) == "Baris satu\nbaris dua\nbaris tiga\n\n• Jalan\n• Jembatan\n\n1. Satu\n2. Dua"


def test_at_most_one_blank_line_and_stripped() -> None:
    html = "  <div><p>A</p><p></p><div>  </div><br><br><br><p>B</p></div>  "
    assert html_to_text(html) == "A\n\nB"


def test_blockquote_and_table_rows() -> None:
    html = "<blockquote>Kutipan</blockquote><table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>"
    assert html_to_text(html) == "Kutipan\n\na b\nc"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tanpa tag &amp; tetap", "Tanpa tag & tetap"),
        ("  Paragraf satu.\n\nParagraf dua.  ", "Paragraf satu.\n\nParagraf dua."),
        ("1 < 2 dan 3 > 2", "1 < 2 dan 3 > 2"),
        ("", ""),
    ],
)
def test_plain_text_passes_through(text: str, expected: str) -> None:
    assert html_to_text(text) == expected


def test_inline_elements_do_not_break_words() -> None:
    assert html_to_text("<p>Ke<b>mer</b>dekaan <a href='https://x.id'>RI</a></p>") == "Kemerdekaan RI"


def test_nested_lists_and_paragraphs_in_items_stay_together() -> None:
    html = "<ul><li><p>Jalan</p></li><li>Jembatan<ul><li>Gantung</li></ul></li></ul><p>Akhir</p>"
    assert html_to_text(html) == "• Jalan\n• Jembatan\n• Gantung\n\nAkhir"
