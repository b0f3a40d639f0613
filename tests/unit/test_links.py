"""add_utm: campaign parameters without breaking the link."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from channels.text.links import add_utm

UTM = {"utm_source": "x", "utm_medium": "social", "utm_campaign": "rilis pers"}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://setkab.go.id/berita",
            "https://setkab.go.id/berita?utm_source=x&utm_medium=social&utm_campaign=rilis+pers",
        ),
        (
            "https://setkab.go.id/b?a=1&b=",
            "https://setkab.go.id/b?a=1&b=&utm_source=x&utm_medium=social&utm_campaign=rilis+pers",
        ),
        (
            "https://setkab.go.id/b#bagian-2",
            "https://setkab.go.id/b?utm_source=x&utm_medium=social&utm_campaign=rilis+pers#bagian-2",
        ),
        (
            "https://setkab.go.id/b?",
            "https://setkab.go.id/b?utm_source=x&utm_medium=social&utm_campaign=rilis+pers",
        ),
        (
            "https://setkab.go.id/b?a=1&",
            "https://setkab.go.id/b?a=1&utm_source=x&utm_medium=social&utm_campaign=rilis+pers",
        ),
        (
            "https://setkab.go.id/b?q=a%20b%2Fc&x=%E2%9C%93#f?g=1",
            "https://setkab.go.id/b?q=a%20b%2Fc&x=%E2%9C%93&utm_source=x&utm_medium=social"
            "&utm_campaign=rilis+pers#f?g=1",
        ),
        (
            "http://kementerian.contoh.みんな/berita/ä?id=7",
            "http://kementerian.contoh.みんな/berita/ä?id=7&utm_source=x&utm_medium=social"
            "&utm_campaign=rilis+pers",
        ),
        (
            "HTTPS://xn--80ak6aa92e.com:8443/p",
            "HTTPS://xn--80ak6aa92e.com:8443/p?utm_source=x&utm_medium=social&utm_campaign=rilis+pers",
        ),
    ],
)
def test_adds_parameters_and_keeps_everything_else(url: str, expected: str) -> None:
    assert add_utm(url, UTM) == expected


def test_existing_parameter_wins_and_is_not_duplicated() -> None:
    url = "https://setkab.go.id/b?utm_source=newsletter&id=3"
    out = add_utm(url, UTM)
    query = parse_qs(urlsplit(out).query)
    assert query["utm_source"] == ["newsletter"]
    assert query["utm_medium"] == ["social"]
    assert out.startswith(url + "&")


def test_existing_blank_parameter_also_wins() -> None:
    out = add_utm("https://a.id/?utm_source=", {"utm_source": "x"})
    assert out == "https://a.id/?utm_source="


@pytest.mark.parametrize(
    "url",
    [
        "mailto:humas@setkab.go.id",
        "ftp://files.setkab.go.id/a.pdf",
        "/relative/path",
        "setkab.go.id/berita",
        "",
        "https://",
        "http://[::1",
    ],
)
def test_non_http_urls_are_unchanged(url: str) -> None:
    assert add_utm(url, UTM) == url


def test_empty_params_leave_url_unchanged() -> None:
    url = "https://setkab.go.id/b?a=1#x"
    assert add_utm(url, {}) == url


def test_empty_values_are_skipped() -> None:
    assert add_utm("https://a.id/", {"utm_source": "x", "utm_term": ""}) == (
        "https://a.id/?utm_source=x"
    )
    assert add_utm("https://a.id/", {"utm_term": ""}) == "https://a.id/"


def test_values_are_percent_encoded() -> None:
    out = add_utm("https://a.id/", {"utm_campaign": "HUT RI & 80%"})
    assert parse_qs(urlsplit(out).query)["utm_campaign"] == ["HUT RI & 80%"]
    assert "HUT+RI+%26+80%25" in out
