"""GET /debug_token as Graph answers it, and the control that sets a token's expiry."""

from __future__ import annotations

import time

import facebook
import pytest
import requests

from disseminator.sandbox import DEFAULT
from tests.sandbox.conftest import graph_api


def _debug(graph: facebook.GraphAPI, token: str = DEFAULT.fb_page_token) -> dict:  # type: ignore[type-arg]
    return graph.request(f"{graph.version}/debug_token", args={"input_token": token})  # type: ignore[no-any-return]


def test_a_page_token_never_expires_but_its_data_access_does(sandbox) -> None:  # type: ignore[no-untyped-def]
    data = _debug(graph_api(sandbox.url))["data"]
    assert data["is_valid"] is True and data["type"] == "PAGE" and data["expires_at"] == 0
    days = (data["data_access_expires_at"] - time.time()) / 86_400
    assert 89 < days <= 90
    assert data["profile_id"] == DEFAULT.fb_page_id and "pages_manage_posts" in data["scopes"]


def test_the_control_sets_the_expiry(sandbox) -> None:  # type: ignore[no-untyped-def]
    soon = int(time.time()) + 3 * 86_400
    answer = requests.post(sandbox.url + "/_sandbox/tokens/expiry",
                           json={"token": DEFAULT.fb_page_token, "expires_at": soon}, timeout=5)
    assert answer.status_code == 200 and DEFAULT.fb_page_token not in answer.text
    assert _debug(graph_api(sandbox.url))["data"]["expires_at"] == soon


@pytest.mark.parametrize("body", [{"expires_at": 5}, {"token": "t", "expires_at": "soon"},
                                  {"token": "t", "expires_at": -1}])
def test_a_bad_expiry_is_400(sandbox, body) -> None:  # type: ignore[no-untyped-def]
    assert requests.post(sandbox.url + "/_sandbox/tokens/expiry", json=body, timeout=5).status_code == 400


def test_an_expired_token_is_refused_everywhere_with_190_463(sandbox) -> None:  # type: ignore[no-untyped-def]
    requests.post(sandbox.url + "/_sandbox/tokens/expiry",
                  json={"token": DEFAULT.fb_page_token, "expires_at": int(time.time()) - 60}, timeout=5)
    with pytest.raises(facebook.GraphAPIError) as caught:
        graph_api(sandbox.url).get_object(DEFAULT.fb_page_id)
    assert caught.value.code == 190 and caught.value.result["error"]["error_subcode"] == 463


def test_an_unknown_input_token_is_not_valid_inside_data(sandbox) -> None:  # type: ignore[no-untyped-def]
    data = _debug(graph_api(sandbox.url), token="someone-elses-token")["data"]
    assert data["is_valid"] is False and data["error"]["code"] == 190


def test_the_input_token_is_required(sandbox) -> None:  # type: ignore[no-untyped-def]
    graph = graph_api(sandbox.url)
    with pytest.raises(facebook.GraphAPIError) as caught:
        graph.request(f"{graph.version}/debug_token")
    assert caught.value.code == 100
