"""Fixtures: a sandbox per test, and the real clients pointed at it as the channels do.

The session rewrites the official origins to the sandbox after the request was prepared
and signed (reference §4), so OAuth signatures are computed over the official URLs.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import facebook
import pytest
import requests
import tweepy
from requests.adapters import HTTPAdapter

from disseminator.sandbox import DEFAULT, SandboxOptions, start_sandbox
from disseminator.sandbox.credentials import OTHER_X_USER, XUser, default_x_users
from disseminator.sandbox.server import SandboxServer
from tests.oracles import ORACLES

OFFICIAL = ("https://api.twitter.com", "https://api.x.com", "https://upload.twitter.com", "https://graph.facebook.com")
OWN_X: XUser = default_x_users(DEFAULT)[0]  # the institution's account, as the sandbox knows it


class RewriteAdapter(HTTPAdapter):
    """Sends a request prepared for an official origin to the sandbox instead."""

    def __init__(self, official: str, local: str, timeout: float = 10.0) -> None:
        super().__init__()
        self.official, self.local, self.timeout = official, local, timeout

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        assert request.url is not None
        request.url = self.local + request.url[len(self.official) :]
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        return super().send(request, **kwargs)


def sandbox_session(base: str) -> requests.Session:
    """A requests.Session whose official-origin calls go to ``base``."""
    session = requests.Session()
    for official in OFFICIAL:
        session.mount(official, RewriteAdapter(official, base))
    return session


def oracles_dir() -> Path:
    """The shared oracles folder; skip when absent, fail instead when CI is set."""
    path = ORACLES
    if not path.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"oracles folder {path} is missing and CI is set")
        pytest.skip(f"oracles folder {path} is absent (it lives beside the repository on dev machines)")
    return path


# ---------------------------------------------------------------------------- images


def jpeg(width: int, height: int, size: int = 2048) -> bytes:
    """A JPEG header (APP0 + SOF0 with this size) padded to ``size`` bytes."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, height, width, 3) + b"\x01\x22\x00\x02\x11\x01\x03\x11\x01"
    head = b"\xff\xd8" + app0 + sof0
    return head + b"\x00" * max(0, size - len(head) - 2) + b"\xff\xd9"


def png(width: int, height: int) -> bytes:
    """The start of a PNG with this size (enough for sniffing)."""
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">II", width, height) + b"\x08\x02\x00\x00\x00" + b"\x00" * 64


# ---------------------------------------------------------------------------- fixtures


@pytest.fixture
def make_sandbox() -> Iterator[Callable[..., SandboxServer]]:
    """Start sandboxes with given options (port 0); all are stopped after the test."""
    started: list[SandboxServer] = []

    def make(**options: Any) -> SandboxServer:
        srv = start_sandbox(SandboxOptions(port=0, **options))
        started.append(srv)
        return srv

    yield make
    for srv in started:
        srv.stop()


@pytest.fixture
def sandbox(make_sandbox: Callable[..., SandboxServer]) -> SandboxServer:
    return make_sandbox()


def x_client(base: str, user: XUser = OWN_X) -> tweepy.Client:
    """A tweepy.Client for ``user`` whose session goes to the sandbox at ``base``."""
    client = tweepy.Client(
        consumer_key=user.consumer_key,
        consumer_secret=user.consumer_secret,
        access_token=user.access_token,
        access_token_secret=user.access_token_secret,
    )
    client.session = sandbox_session(base)
    return client


def graph_api(base: str, token: str = DEFAULT.fb_page_token, version: str = "v21.0") -> facebook.GraphAPI:
    """A facebook.GraphAPI on the sandbox, with a modern version set after construction."""
    graph = facebook.GraphAPI(access_token=token, session=sandbox_session(base), timeout=10)
    graph.version = version
    return graph


@pytest.fixture
def client(sandbox: SandboxServer) -> tweepy.Client:
    return x_client(sandbox.url)


@pytest.fixture
def citizen(sandbox: SandboxServer) -> tweepy.Client:
    return x_client(sandbox.url, OTHER_X_USER)


@pytest.fixture
def graph(sandbox: SandboxServer) -> facebook.GraphAPI:
    return graph_api(sandbox.url)
