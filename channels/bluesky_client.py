"""One Bluesky account's XRPC calls: the ``atproto`` SDK on our transport, with its session.

A session is ``com.atproto.server.createSession`` (handle and app password), kept per
process and account: createSession is limited to 30 per 5 minutes and 300 a day per
account (docs.bsky.app, rate limits), so a daemon that made one per post would lock its
account out.  When a call answers ``ExpiredToken`` the session is refreshed
(``com.atproto.server.refreshSession`` with the refresh token) or, when that is refused
too, created again, and the call is asked once more.

Every failure leaves :meth:`XrpcAccount.call` as a :class:`~channels.errors.ChannelError`
mapped by :mod:`channels.bluesky_errors`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from .clock import SYSTEM, Clock
from .errors import AuthError, ChannelError
from .redact import Redactor

T = TypeVar("T")
DEFAULT_PDS = "https://bsky.social"


@dataclass(frozen=True)
class Session:
    """What createSession answered that later calls need."""

    did: str
    handle: str
    access_jwt: str
    refresh_jwt: str


#: Sessions of this process by (PDS or base_url, handle, app password): one login per
#: account per process, shared by every channel object of that account.
_SESSIONS: dict[tuple[str, str, str], Session] = {}
_LOCK = threading.Lock()


def forget_sessions() -> None:
    """Drop every cached session (tests; a revoked password)."""
    with _LOCK:
        _SESSIONS.clear()


class XrpcAccount:
    """The SDK client of one account, its transport and its session."""

    def __init__(self, *, handle: str, app_password: str, pds: str = DEFAULT_PDS, base_url: str | None = None,
                 clock: Clock = SYSTEM, timeout: float = 30.0) -> None:
        from atproto_client import Client

        from .xrpc_http import make_request

        self.handle, self._password = handle.lstrip("@"), app_password
        self.pds = pds.rstrip("/")
        self.clock = clock
        request = make_request(pds=self.pds, base_url=base_url, secrets=(app_password,), timeout=timeout)
        self.transport = request.transport
        self.client = Client(base_url=self.pds, request=request)
        self._key = (base_url or self.pds, self.handle, app_password)

    @property
    def redactor(self) -> Redactor:
        redactor: Redactor = self.transport.redactor
        return redactor

    @property
    def last_headers(self) -> Mapping[str, str]:
        headers: Mapping[str, str] = self.transport.last_headers
        return headers

    # ------------------------------------------------------------------ session

    def session(self) -> Session:
        """This account's session, created on first use (one createSession per process)."""
        with _LOCK:
            found = _SESSIONS.get(self._key)
        return found if found is not None else self._login()

    def _login(self) -> Session:
        def create() -> Any:
            return self.client.com.atproto.server.create_session(
                {"identifier": self.handle, "password": self._password})

        answer = self._raw(create, write=False)
        session = Session(did=answer.did, handle=answer.handle, access_jwt=answer.access_jwt,
                          refresh_jwt=answer.refresh_jwt)
        self._keep(session)
        # The secrets of this session are hidden from our log lines from now on.
        self.transport.redactor = self.transport.redactor | (session.access_jwt, session.refresh_jwt)
        return session

    def _refresh(self, old: Session) -> Session:
        def refresh() -> Any:
            return self.client.com.atproto.server.refresh_session(
                headers={"Authorization": f"Bearer {old.refresh_jwt}"})

        try:
            answer = self._raw(refresh, write=False)
        except AuthError:  # the refresh token is expired or revoked too: log in again
            return self._login()
        session = Session(did=answer.did, handle=answer.handle, access_jwt=answer.access_jwt,
                          refresh_jwt=answer.refresh_jwt)
        self._keep(session)
        self.transport.redactor = self.transport.redactor | (session.access_jwt, session.refresh_jwt)
        return session

    def _keep(self, session: Session) -> None:
        with _LOCK:
            _SESSIONS[self._key] = session

    def _drop(self, session: Session) -> None:
        with _LOCK:
            if _SESSIONS.get(self._key) == session:
                del _SESSIONS[self._key]

    # ------------------------------------------------------------------ calls

    def call(self, fn: Callable[[Session, dict[str, str]], T], *, write: bool, create: bool = False) -> T:
        """``fn(session, headers)`` with this account's session; on ExpiredToken the
        session is refreshed and ``fn`` asked once more.  A refused session (InvalidToken,
        a changed password) is dropped from the cache so the next call logs in again."""
        session = self.session()
        try:
            return self._raw(lambda: fn(session, _auth(session)), write=write, create=create)
        except AuthError as exc:
            if exc.code != "ExpiredToken":
                self._drop(session)
                raise
        session = self._refresh(session)
        try:
            return self._raw(lambda: fn(session, _auth(session)), write=write, create=create)
        except AuthError:
            self._drop(session)
            raise

    def _raw(self, fn: Callable[[], T], *, write: bool, create: bool = False) -> T:
        """Run one SDK call; every failure comes out as a ChannelError."""
        import httpx
        from atproto_client import exceptions

        from .bluesky_errors import from_sdk  # with httpx: only a call to the network needs them

        self.transport.forget()
        try:
            return fn()
        except ChannelError:
            raise
        except (exceptions.AtProtocolError, httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
            raise from_sdk(exc, write=write, create=create, redactor=self.redactor, clock=self.clock,
                           last_status=self.transport.last_status, last_headers=self.transport.last_headers) from None


def _auth(session: Session) -> dict[str, str]:
    return {"Authorization": f"Bearer {session.access_jwt}"}
