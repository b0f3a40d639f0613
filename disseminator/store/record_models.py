"""The publication record's tables: the append-only chain of entries, and its head."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Index, Integer, PrimaryKeyConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from .columns import Base, UTCDateTime


class RecordRow(Base):
    """One entry of the publication record (append-only; :mod:`disseminator.store.record`):
    what happened to a post or an account, who did it, and the hash chaining it to the
    entry before.  On PostgreSQL and SQLite a trigger refuses UPDATE and DELETE."""

    __tablename__ = "record"
    __table_args__ = (
        PrimaryKeyConstraint("seq", name="pk_record"),
        Index("ix_record_post", "post_id"),
        Index("ix_record_at", "at"),
    )

    #: The entry's place in the chain: the head's plus one, taken under the head's lock
    #: (a primary key, so two writers can never append the same place: no fork).
    seq: Mapped[int] = mapped_column(Integer, autoincrement=False)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    #: queued, edited, published, failed, missed, cancelled, paused, resumed, ...
    event: Mapped[str] = mapped_column(String(30))
    #: None for an account-wide event (a pause).
    post_id: Mapped[int | None] = mapped_column(Integer)
    #: The account ("*": every account, ``pause --all``).
    account: Mapped[str | None] = mapped_column(String(200))
    #: Who: the operating-system user of the CLI, or the daemon's worker id.
    actor: Mapped[str] = mapped_column(String(200))
    #: What exactly (published: remote ids, URL, text sent, image SHA-256; edited: old and new text).
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class RecordHeadRow(Base):
    """The last entry of the record (one row, kept by a trigger on insert): appends lock
    it, and ``record verify`` notices rows removed from the end."""

    __tablename__ = "record_head"
    __table_args__ = (PrimaryKeyConstraint("id", name="pk_record_head"),)

    id: Mapped[int] = mapped_column(Integer, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))
