"""The articles' tables: an article as it is now, and each revision as it was added."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, PrimaryKeyConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .columns import Base, UTCDateTime, utcnow


class ArticleRow(Base):
    __tablename__ = "articles"
    __table_args__ = (Index("ix_articles_url", "url"),
                      Index("ix_articles_embargo", "embargo"))  # Store.next_wake: the next embargo to end (0024)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text, default="")
    image: Mapped[str | None] = mapped_column(Text)
    image_alt: Mapped[str | None] = mapped_column(Text)
    gallery: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    author: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: No post of the article goes out before this time, whatever its schedule says (the
    #: claim reads it: :mod:`disseminator.embargo`); None: no embargo.
    embargo: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: When this revision's content was fetched from its web page (``source`` is the page's
    #: URL: disseminator.ingest); None for an article read from a file.
    fetched_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class RevisionRow(Base):
    """One revision of an article as it was added: its fields and which changed."""

    __tablename__ = "article_revisions"
    __table_args__ = (PrimaryKeyConstraint("article_id", "revision", name="pk_article_revisions"),)

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"))
    revision: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    #: The article's fields at this revision (title, summary, body, image, tags, ...).
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: The names of the fields that differ from the revision before (empty for the first).
    changed: Mapped[list[str]] = mapped_column(JSON)
    source: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
