"""The accounts' tables: the holds that make an account's posts wait, and its token's expiry."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Boolean, CheckConstraint, PrimaryKeyConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .columns import Base, UTCDateTime, check_in


class HoldKind(enum.StrEnum):
    """Why an account's posts wait, whatever their time."""

    #: The network rate-limited the account until the hold's end.
    RATE_LIMIT = "rate_limit"
    #: Credentials or configuration were refused: an operator must look (``accounts check``).
    ATTENTION = "attention"
    #: An officer stopped the account's posts (crisis, mourning, a wrong template).
    PAUSE = "pause"
    #: The account used up a posting budget until the hold's end.
    BUDGET = "budget"
    #: A blackout window of the account's posting plan, until the window's end.
    BLACKOUT = "blackout"


class HoldRow(Base):
    """Why an account's posts wait: one row per account and kind, until ``until`` (or lifted)."""

    __tablename__ = "account_holds"
    __table_args__ = (
        PrimaryKeyConstraint("account", "kind", name="pk_account_holds"),
        CheckConstraint(check_in("kind", HoldKind), name="ck_account_holds_kind"),
    )

    account: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    since: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    #: When the hold ends by itself; None: until lifted (a passing check, resume).
    until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: A pause that lets urgent posts through (``pause --allow-urgent``, or its preset's).
    allow_urgent: Mapped[bool] = mapped_column(Boolean, default=False)


class TokenRow(Base):
    """What the network last said about an account's token (``accounts check``, the
    daemon): when it expires (None: never), and when that was asked."""

    __tablename__ = "account_tokens"
    __table_args__ = (PrimaryKeyConstraint("account", name="pk_account_tokens"),)

    account: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    checked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
