"""The operators' tables: daemons' heartbeats, the alerts sent, and the alerts' bookmarks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Float, Index, Integer, PrimaryKeyConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .columns import Base, UTCDateTime


class DaemonRow(Base):
    """A daemon's heartbeat (``status``): one row per worker id, written when it starts,
    after every run and when it stops cleanly."""

    __tablename__ = "daemons"
    __table_args__ = (PrimaryKeyConstraint("worker", name="pk_daemons"),)

    worker: Mapped[str] = mapped_column(String(200))
    host: Mapped[str] = mapped_column(String(200))
    pid: Mapped[int] = mapped_column(Integer)
    version: Mapped[str] = mapped_column(String(50))
    tick_seconds: Mapped[float] = mapped_column(Float)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_beat: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    stopped_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class AlertRow(Base):
    """One alert for one destination (``webhook`` or ``email``): what happened, and whether
    it was delivered.  ``key`` names the event (``post:12:failed:345``), so an event is
    alerted once however many daemons see it (see :mod:`disseminator.alerts`)."""

    __tablename__ = "alerts"
    __table_args__ = (
        Index("uq_alerts_key_destination", "key", "destination", unique=True),
        Index("ix_alerts_pending", "state", "next_try_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    destination: Mapped[str] = mapped_column(String(20))
    #: post_failed, post_missed, post_unknown, attention, token_expiring, daemon_silent, test
    kind: Mapped[str] = mapped_column(String(30))
    #: The facts (English keys): account, post_id, reason, when ... ; never a credential.
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: pending, sent
    state: Mapped[str] = mapped_column(String(20), default="pending")
    tries: Mapped[int] = mapped_column(Integer, default=0)
    next_try_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class MarkRow(Base):
    """A named bookmark the alerts keep between runs and restarts: the last post event
    looked at (``value``), when tokens were last checked (``at``)."""

    __tablename__ = "alert_marks"
    __table_args__ = (PrimaryKeyConstraint("name", name="pk_alert_marks"),)

    name: Mapped[str] = mapped_column(String(50))
    value: Mapped[int] = mapped_column(Integer, default=0)
    at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
