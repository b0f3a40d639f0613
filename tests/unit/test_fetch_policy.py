"""The address policy: which addresses a fetch may reach, checked on the connection and
after every redirect, and where its allowed hosts come from (the configuration)."""

from __future__ import annotations

from pathlib import Path

import pytest

from channels.address_policy import FetchPolicy, address_problem, host_of
from channels.media.fetch import ImageError, ImageFetchError, load_image_bytes
from disseminator.config import parse_settings
from disseminator.errors import ConfigError
from tests.unit.test_media_fetch import JPEG, LOCAL, Web, web  # noqa: F401 - the fixture

ADDRESSES = [
    ("127.0.0.1", "loopback address"),
    ("127.8.9.10", "loopback address"),
    ("10.0.0.5", "private address"),
    ("172.16.0.1", "private address"),
    ("192.168.1.1", "private address"),
    ("169.254.169.254", "link-local address"),  # the cloud metadata service
    ("224.0.0.1", "multicast address"),
    ("0.0.0.0", "unspecified address"),
    ("240.0.0.1", "reserved address"),
    ("100.64.0.1", "not a public address"),  # carrier-grade NAT
    ("::1", "loopback address"),
    ("::", "unspecified address"),
    ("fe80::1%eth0", "link-local address"),
    ("fd00::5", "private address"),
    ("ff02::1", "multicast address"),
    ("::ffff:127.0.0.1", "loopback address"),  # IPv4-mapped IPv6
    ("::ffff:10.0.0.5", "private address"),
    ("::ffff:169.254.169.254", "link-local address"),
    ("2002:a00:5::1", "private address"),  # 6to4 around 10.0.0.5
    ("8.8.8.8", None),
    ("203.130.196.10", None),
    ("::ffff:8.8.8.8", None),
    ("2001:4860:4860::8888", None),
]


@pytest.mark.parametrize(("address", "problem"), ADDRESSES)
def test_which_addresses_are_refused(address: str, problem: str | None) -> None:
    assert address_problem(address) == problem


def test_hosts_are_compared_as_urls_write_them() -> None:
    policy = FetchPolicy().allowing("http://Intranet.Example.go.id.:8080/x", "[fd00::1]", "10.1.2.3", None)
    assert policy.allow_hosts == {"intranet.example.go.id", "fd00::1", "10.1.2.3"}
    assert policy.allows_host("INTRANET.example.go.id") and policy.allows_host("[fd00::1]")
    assert not policy.allows_host("example.go.id") and not policy.allows_host(None)
    assert host_of("https://u:p@Host.go.id/a") == "host.go.id"


# --------------------------------------------------------------------------- on the wire


def test_a_private_address_is_refused_with_one_clear_line(web: Web) -> None:
    url = f"{web.url}/foto.jpg"
    with pytest.raises(ImageError) as info:
        load_image_bytes(url)  # the default policy: nothing private
    assert not isinstance(info.value, ImageFetchError)  # configuration mends it, not a retry
    assert str(info.value) == (
        f"refusing to fetch {url}: loopback address; add the host to [fetch] allow_hosts if it is yours"
    )
    assert load_image_bytes(url, policy=LOCAL) == JPEG


def test_the_address_connected_to_is_checked_not_only_the_name(web: Web) -> None:
    """'localhost' is a name, not an address: only the check on the connection's peer sees
    that it reached 127.0.0.1."""
    url = f"http://localhost:{web.port}/foto.jpg"
    with pytest.raises(ImageError, match=r"^refusing to fetch http://localhost:\d+/foto.jpg: loopback address;"):
        load_image_bytes(url)
    assert load_image_bytes(url, policy=FetchPolicy().allowing("localhost")) == JPEG


def test_an_ipv4_mapped_ipv6_literal_is_refused(web: Web) -> None:
    with pytest.raises(ImageError, match="loopback address"):
        load_image_bytes(f"http://[::ffff:127.0.0.1]:{web.port}/foto.jpg")


def test_every_redirect_is_checked_again(web: Web) -> None:
    """An allowed host may not send us on to one that is not."""
    target = f"http://localhost:{web.port}/foto.jpg"
    url = f"{web.url}/go?to={target}"
    with pytest.raises(ImageError) as info:
        load_image_bytes(url, policy=LOCAL)
    assert str(info.value).startswith(f"refusing to fetch {target}: loopback address (redirected from {url});")
    assert not isinstance(info.value, ImageFetchError)


def test_redirects_are_followed_five_times_and_no_more(web: Web) -> None:
    assert load_image_bytes(f"{web.url}/hop/4", policy=LOCAL) == JPEG  # 5 redirects
    with pytest.raises(ImageError, match=r"refusing to fetch .*/hop/5: more than 5 redirects$"):
        load_image_bytes(f"{web.url}/hop/5", policy=LOCAL)


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://example.go.id/a.jpg", "gopher://127.0.0.1:70/"])
def test_a_redirect_leaves_http_only_for_http(web: Web, target: str) -> None:
    with pytest.raises(ImageError, match=r"only http\(s\) URLs are fetched \(redirected from"):
        load_image_bytes(f"{web.url}/go?to={target}", policy=LOCAL)


# --------------------------------------------------------------------------- configuration


def _settings(tmp_path: Path, extra: str) -> object:
    import tomllib

    base = """
[accounts.ig]
channel = "instagram"
base_url = "http://127.0.0.1:8765"
[accounts.x]
channel = "twitter"
base_url = "http://${SANDBOX_HOST}:9000"
[media]
public_base_url = "https://media.humas.example.go.id/m"
"""
    return parse_settings(tomllib.loads(base + extra), path=tmp_path / "d.toml")


def test_configuration_names_the_allowed_hosts_and_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SANDBOX_HOST", "sandbox.internal")
    settings = _settings(tmp_path, 'fetch_timeout = 12.5\nmax_image_mb = 8\n[fetch]\nallow_hosts = ["intranet.example.go.id"]\n')
    policy = settings.context.fetch_policy  # type: ignore[attr-defined]
    assert policy.allow_hosts == {"127.0.0.1", "sandbox.internal", "media.humas.example.go.id", "intranet.example.go.id"}
    assert policy.timeout == 12.5 and policy.max_image_bytes == 8_000_000


def test_without_settings_the_defaults_apply(tmp_path: Path) -> None:
    policy = _settings(tmp_path, "").fetch_policy  # type: ignore[attr-defined]
    assert policy.allow_hosts == {"127.0.0.1", "media.humas.example.go.id"}  # ${SANDBOX_HOST} unset: skipped
    assert policy.timeout == 30 and policy.max_image_bytes == 50_000_000


@pytest.mark.parametrize(("extra", "message"), [
    ("fetch_timeout = 0\n", "media.fetch_timeout: expected a number of seconds from 1 to 600, got 0"),
    ('fetch_timeout = "30"\n', "media.fetch_timeout: expected a number of seconds from 1 to 600, got a string"),
    ("max_image_mb = -1\n", "media.max_image_mb: expected a number of MB from 1 to 100, got -1"),
    ("max_image_mb = true\n", "media.max_image_mb: expected a number of MB from 1 to 100, got true"),
    ("max_image_mb = nan\n", "media.max_image_mb: expected a number of MB from 1 to 100, got nan"),
    ('[fetch]\nallow_hosts = "intranet.example.go.id"\n', "fetch.allow_hosts: expected a list of host names"),
    ('[fetch]\nallow_hosts = ["http://x/"]\n', "fetch.allow_hosts: expected a list of host names"),
    ('fetch = 3\n', "fetch: expected a table"),
])
def test_bad_fetch_settings_are_reported_by_key(tmp_path: Path, extra: str, message: str) -> None:
    if extra.startswith("fetch ="):
        import tomllib

        with pytest.raises(ConfigError, match=message):
            parse_settings(tomllib.loads(extra), path=tmp_path / "d.toml")
        return
    with pytest.raises(ConfigError, match=message):
        _settings(tmp_path, extra)


@pytest.mark.parametrize("key", ["fetch_timeout", "max_image_mb"])
def test_readme_lists_the_media_ranges(key: str) -> None:
    from disseminator import setting_ranges

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert f"| `media.{key}` | {setting_ranges.MEDIA[key].describe()} |" in readme
    assert f"{key} = " in readme.split("## Operations", 1)[1]  # and Operations shows how to set it


def test_through_a_proxy_the_name_is_resolved_and_checked(web: Web, monkeypatch: pytest.MonkeyPatch) -> None:
    """The connection goes to the proxy (the operator's, allowed), so the peer says nothing
    about the image host: its name's addresses are checked instead."""
    for var in ("NO_PROXY", "no_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HTTP_PROXY", web.url)  # our test server stands in for the proxy
    with pytest.raises(ImageError, match=r"^refusing to fetch http://localhost:\d+/foto.jpg: localhost resolves to a loopback address;"):
        load_image_bytes(f"http://localhost:{web.port}/foto.jpg")


def test_a_private_host_on_a_closed_port_is_refused_not_try_again() -> None:
    """Open or closed, a loopback port gives the same answer: refused by the policy."""
    import socket

    from channels.address_policy import FetchPolicy as Policy
    from channels.fetch import Fetcher, FetchRefused

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed once the block ends
    with pytest.raises(FetchRefused, match="loopback"):
        with Fetcher(Policy(timeout=5)) as fetcher:
            fetcher.get(f"http://localhost:{port}/x.jpg", max_bytes=1000)
