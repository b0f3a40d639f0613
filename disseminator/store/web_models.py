"""The web page's tables: officers' passwords, login sessions, and failed logins."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Index, Integer, PrimaryKeyConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from .columns import Base, UTCDateTime


class PasswordRow(Base):
    """An officer's password for the web page, as an argon2 hash (``officers passwd``)."""

    __tablename__ = "officer_passwords"
    __table_args__ = (PrimaryKeyConstraint("officer", name="pk_officer_passwords"),)

    officer: Mapped[str] = mapped_column(String(200))
    hash: Mapped[str] = mapped_column(String(300))
    set_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class WebSessionRow(Base):
    """A web login: the SHA-256 of its cookie's token (the token itself is never stored),
    its CSRF token, when it began and was last used (idle and absolute timeouts), and the
    notices waiting to be shown on its next page."""

    __tablename__ = "web_sessions"
    __table_args__ = (PrimaryKeyConstraint("token_hash", name="pk_web_sessions"),
                      Index("ix_web_sessions_officer", "officer"))

    token_hash: Mapped[str] = mapped_column(String(64))
    officer: Mapped[str] = mapped_column(String(200))
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    address: Mapped[str] = mapped_column(String(100))
    notices: Mapped[list[Any] | None] = mapped_column(JSON)


class LoginFailureRow(Base):
    """One failed web login: counted per officer and per client address (rate limit)."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_officer", "officer", "at"),
                      Index("ix_login_failures_address", "address", "at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    officer: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(100))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
