"""The httpx seam of the Bluesky channel: rewriting, timeouts, redaction, transport failures."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator

import httpx
import pytest

from channels.xrpc_http import DEFAULT_TIMEOUT, make_request, never_sent
from disseminator.sandbox import SandboxOptions, start_sandbox
from disseminator.sandbox.credentials import DEFAULT as SB
from disseminator.sandbox.server import SandboxServer

LOGIN = "https://bsky.social/xrpc/com.atproto.server.createSession"


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    server = start_sandbox(SandboxOptions(port=0))
    try:
        yield server
    finally:
        server.stop()


def test_the_pds_host_goes_to_base_url_with_its_path_prefix(sandbox: SandboxServer,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    request = make_request(pds="https://bsky.social", base_url=f"{sandbox.url}/bluesky/",
                           secrets=[SB.bsky_app_password])
    caplog.set_level(logging.DEBUG, logger="disseminator.http")
    answer = request.post(LOGIN, json={"identifier": SB.bsky_handle, "password": SB.bsky_app_password})
    assert answer.status_code == 200 and answer.content["did"] == SB.bsky_did
    assert request.transport.last_status == 200 and "content-type" in request.transport.last_headers
    [line] = [r.getMessage() for r in caplog.records if "createSession" in r.getMessage()]
    assert f"{sandbox.url}/bluesky/xrpc/com.atproto.server.createSession -> 200" in line
    assert SB.bsky_app_password not in caplog.text and "***" in line  # the password was in the body
    assert request._client.timeout == httpx.Timeout(DEFAULT_TIMEOUT)


def test_other_hosts_are_left_alone(sandbox: SandboxServer) -> None:
    request = make_request(pds="https://pds.example.go.id", base_url=f"{sandbox.url}/bluesky")
    with pytest.raises(Exception) as caught:  # bsky.social is not this account's PDS: not rewritten
        request.transport.handle_request(httpx.Request("GET", "http://127.0.0.1:9/xrpc/x"))
    assert never_sent(caught.value)


def test_a_lost_answer_may_have_landed_a_refused_connection_did_not(sandbox: SandboxServer) -> None:
    request = make_request(pds="https://bsky.social", base_url=f"{sandbox.url}/bluesky")
    sandbox.set_faults({"lose_response": [{"network": "bluesky", "path": "*createSession"}]})
    with pytest.raises(httpx.HTTPError) as lost:
        request.post(LOGIN, json={"identifier": SB.bsky_handle, "password": SB.bsky_app_password})
    assert not never_sent(lost.value)
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    refused = make_request(pds="https://bsky.social", base_url=f"http://127.0.0.1:{port}")
    with pytest.raises(Exception) as caught:
        refused.post(LOGIN, json={})
    assert never_sent(caught.value)
