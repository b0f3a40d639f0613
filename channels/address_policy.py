"""Which addresses a fetch may reach: public ones, and the hosts the installation names.

Every fetch the tool makes on an article's behalf (an image today, a web page or feed
later) goes through :mod:`channels.fetch`, which applies this policy to the address it
actually connects to and again after every redirect.  An article is outside content: its
image URL must not make the daemon read the institution's intranet, the cloud metadata
service or a router's admin page.

Refused: loopback, private, link-local, multicast, reserved and unspecified addresses,
and anything else Python's :mod:`ipaddress` does not call global (IPv4 and IPv6; an
IPv6 address that embeds an IPv4 one, such as ``::ffff:10.0.0.5``, is judged by the
IPv4 address too).  Allowed anyway: a host named in :attr:`FetchPolicy.allow_hosts`,
which holds every account's ``base_url`` host, ``media.public_base_url``'s host and
``[fetch] allow_hosts`` (see :meth:`disseminator.config.Settings.fetch_policy`).

Nothing here touches the network; :mod:`channels.base` imports it.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from .i18n import _

__all__ = ["DEFAULT_MAX_IMAGE_BYTES", "DEFAULT_MAX_PAGE_BYTES", "DEFAULT_TIMEOUT", "FetchError", "FetchPolicy", "FetchRefused", "address_problem", "host_of"]

#: Seconds one whole download may take: connecting, every redirect and the body.
DEFAULT_TIMEOUT = 30.0
#: The largest image downloaded (the networks' own limits are far lower; this is memory).
DEFAULT_MAX_IMAGE_BYTES = 50_000_000
#: The largest web page downloaded (an article page is well under 1 MB; this is memory).
DEFAULT_MAX_PAGE_BYTES = 10_000_000

_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class FetchError(Exception):
    """A fetch did not give a usable answer; ``url`` is what failed and ``reason`` why.

    The tree under it is drawn in :mod:`channels.fetch`.
    """

    def __init__(self, url: str, reason: str, *, message: str | None = None) -> None:
        self.url, self.reason = url, reason
        super().__init__(message or f"{url}: {reason}")


class FetchRefused(FetchError):
    """The address policy refuses this URL: retrying will not help, configuration may."""

    def __init__(self, url: str, reason: str, *, hint: bool = True) -> None:
        if hint:
            message = _("refusing to fetch {url}: {reason}; add the host to [fetch] allow_hosts if it is yours")
        else:
            message = _("refusing to fetch {url}: {reason}")
        super().__init__(url, reason, message=message.format(url=url, reason=reason))


@dataclass(frozen=True)
class FetchPolicy:
    """What the installation lets a fetch do: reach which hosts, for how long, how much.

    The default allows no private address, so a channel given no policy is safe.
    """

    #: Host names (or IP literals), lower case, whose addresses are never refused.
    allow_hosts: frozenset[str] = field(default_factory=frozenset)
    #: The deadline of one download, connection to last byte, redirects included.
    timeout: float = DEFAULT_TIMEOUT
    #: Images larger than this are refused (while streaming, not after).
    max_image_bytes: int = DEFAULT_MAX_IMAGE_BYTES
    #: Web pages (an article's page, a feed) larger than this are refused while streaming.
    max_page_bytes: int = DEFAULT_MAX_PAGE_BYTES

    def allowing(self, *urls_or_hosts: str | None) -> FetchPolicy:
        """This policy with the hosts of ``urls_or_hosts`` (URLs or bare names) allowed too."""
        extra = {h for h in (host_of(u) for u in urls_or_hosts if u) if h}
        return self if extra <= self.allow_hosts else replace(self, allow_hosts=self.allow_hosts | extra)

    def allows_host(self, host: str | None) -> bool:
        """Whether ``host`` (as written in a URL) is on the allow list."""
        return bool(host) and _norm(host or "") in self.allow_hosts

    def check_address(self, url: str, host: str | None, address: str) -> None:
        """Raise :class:`FetchRefused` when ``url`` (whose host is ``host``) may not reach
        ``address`` (an IP address as a string, maybe with an IPv6 ``%scope``)."""
        if self.allows_host(host):
            return
        problem = address_problem(address)
        if problem:
            raise FetchRefused(url, problem)

    def check_addresses(self, url: str, host: str | None, addresses: Iterable[str]) -> None:
        """:meth:`check_address` for every address ``host`` resolved to: one bad one refuses."""
        for address in addresses:
            self.check_address(url, host, address)


def host_of(url_or_host: str) -> str | None:
    """The lower-case host of a URL (or a bare host name), without port or brackets."""
    text = url_or_host.strip()
    literal = text.strip("[]").split("%", 1)[0]
    try:
        return str(ipaddress.ip_address(literal))  # a bare address, IPv6 without brackets too
    except ValueError:
        pass
    if "://" not in text:
        text = "//" + text
    try:
        host = urlsplit(text).hostname
    except ValueError:
        return None
    return _norm(host) if host else None


def _norm(host: str) -> str:
    return host.strip().strip("[]").rstrip(".").lower()


def address_problem(address: str) -> str | None:
    """Why a fetch may not reach ``address`` ("loopback address", ...), or None if public."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0].strip("[]"))
    except ValueError:
        return _("{address!r} is not an IP address").format(address=address)
    problem = _problem(ip)
    if problem or not isinstance(ip, ipaddress.IPv6Address):
        return problem
    # An IPv6 address that carries an IPv4 one reaches that IPv4 address.
    embedded = ip.ipv4_mapped or ip.sixtofour
    if embedded is None and ip in _NAT64:
        embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return _problem(embedded) if embedded is not None else None


def _problem(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return _problem(ip.ipv4_mapped)
    if ip.is_unspecified:
        return _("unspecified address")
    if ip.is_loopback:
        return _("loopback address")
    if ip.is_link_local:
        return _("link-local address")
    if ip.is_multicast:
        return _("multicast address")
    if ip.is_reserved:  # before private: Python counts 240.0.0.0/4 as both
        return _("reserved address")
    if ip.is_private:
        return _("private address")
    if not ip.is_global:
        return _("not a public address")
    return None
