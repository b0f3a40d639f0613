"""WebSub subscriptions (migration 0017): one per feed whose document advertises a hub.

No secret is stored: each subscription's HMAC secret is derived from ``[feeds] secret``
and the row's ``nonce`` (disseminator.ingest.websub), so the database alone cannot forge a
push.  ``feed_id`` names a ``feeds`` row without a foreign key (the feeds' table comes in
a later migration); a subscription whose feed is gone is dropped by the next round.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .columns import Base, UTCDateTime


class SubscriptionRow(Base):
    __tablename__ = "websub_subscriptions"

    feed_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    hub: Mapped[str] = mapped_column(Text)
    #: The feed's own URL as the hub knows it (its rel="self", else the URL polled).
    topic: Mapped[str] = mapped_column(Text)
    #: Names the subscription in the callback URL and, with ``[feeds] secret``, makes its secret.
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    #: new (to request), pending (asked; the hub has not verified), active, denied, failed.
    state: Mapped[str] = mapped_column(String(10))
    requested_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: When the hub's lease ends (renewed before).
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: When the last valid push arrived.
    pushed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
