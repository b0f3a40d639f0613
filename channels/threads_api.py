"""A small client of the Threads API (``https://graph.threads.net/v1.0/``) on our session.

No maintained Python client of the Threads API exists on PyPI that takes a
``requests.Session`` (facebook-sdk hard-codes graph.facebook.com), and the calls are
plain: a form POST or a GET with ``access_token``, a JSON answer.  So this is the whole
client: one :meth:`ThreadsAPI.call` whose failures come out as the channel error tree
(:func:`channels.threads_errors.threads_error`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests

from .base import Account
from .clock import SYSTEM, Clock
from .http import Session, is_transport, make_session
from .threads_errors import threads_error

ORIGIN = "https://graph.threads.net"
DEFAULT_VERSION = "v1.0"


class ThreadsAPI:
    """The Threads API for one account: its token, its session, its version."""

    def __init__(self, account: Account, *, secrets: list[str], clock: Clock = SYSTEM) -> None:
        self.token = str(account.get("access_token", ""))
        self.version = str(account.get("api_version", DEFAULT_VERSION))
        self.clock = clock
        self.session: Session = make_session(account.base_url, secrets=secrets,
                                             timeout=float(account.get("timeout", 30)))

    def call(
        self,
        method: str,
        path: str,
        params: Mapping[str, str] | None = None,
        *,
        write: bool,
        expect: str | None = None,
        versioned: bool = True,
    ) -> dict[str, Any]:
        """``method`` on ``/v1.0/{path}`` with ``params`` (a form body for POST, the query
        otherwise); the answer's JSON object.

        Raises a :class:`~channels.base.ChannelError`: for a transport failure, an error
        status, a body that is not a JSON object, or (with ``expect``) one without that key.
        ``write`` says whether the call can make a post public (a lost answer may then
        have landed).
        """
        prefix = f"{ORIGIN}/{self.version}" if versioned else ORIGIN
        url = f"{prefix}/{path.lstrip('/')}"
        query = {"access_token": self.token}
        fields = dict(params or {})
        session = self.session
        session.last_response = None  # this call's answer only
        try:
            if method == "POST":
                response = session.request(method, url, params=query, data=fields)
            else:
                response = session.request(method, url, params={**fields, **query})
            body = response.json()
        except requests.RequestException as exc:
            answer = None if is_transport(exc) else session.last_response
            raise threads_error(answer, exc, write=write, redactor=session.redactor, clock=self.clock) from None
        except ValueError:
            raise threads_error(session.last_response, None, write=write, redactor=session.redactor,
                                clock=self.clock) from None
        if response.status_code >= 400 or not isinstance(body, dict) or (expect is not None and not body.get(expect)):
            raise threads_error(response, None, write=write, redactor=session.redactor, clock=self.clock,
                                expected=expect)
        return body

    def close(self) -> None:
        self.session.close()
