"""The browser the end-to-end tests need can be started (skipped without it, failed under CI)."""

from __future__ import annotations

from typing import Any


def test_chromium_renders_a_page(browser: Any) -> None:
    page = browser.new_page()
    page.set_content("<main><h1>Kalender</h1></main>")
    assert page.inner_text("h1") == "Kalender"
    page.close()
