"""What every command shares: the configuration and the database, opened on first use."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..config import Settings
    from ..store import PostRow, Store


class App:
    def __init__(self, config_path: str | None) -> None:
        self.config_path = config_path
        self._settings: Settings | None = None
        self._store: Store | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from ..config import load_settings

            self._settings = load_settings(self.config_path)
        return self._settings

    @property
    def store(self) -> Store:
        if self._store is None:
            from ..store import Store

            self._store = Store.open(self.settings.database)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()

    def posts_json(self, rows: list[PostRow], attention: dict[str, str] | None = None) -> list[dict[str, Any]]:
        """Several posts in the JSON shape, with their call counts in one query."""
        calls = self.store.publish_calls([r.id for r in rows]) if rows else {}
        return [self.post_json(r, attention, calls=calls.get(r.id, 0)) for r in rows]

    def post_json(self, row: PostRow, attention: dict[str, str] | None = None, *, calls: int | None = None) -> dict[str, Any]:
        """The stable JSON shape of a post (queue, history, schedule).

        ``attempts`` is how many times publishing was tried (calls to the network).
        """
        from ..timeparse import show

        if calls is None:
            calls = self.store.publish_calls([row.id]).get(row.id, 0)
        tz = self.settings.tz
        data: dict[str, Any] = {
            "id": row.id,
            "article_id": row.article_id,
            "account": row.account,
            "channel": row.channel,
            "status": row.status,
            "scheduled_at": show(row.scheduled_at, tz),
            "attempts": calls,
            "remote_ids": [r for r in (row.remote_ids or []) if r],
            "remote_url": row.remote_url,
            "error": row.error_message,
            "variant": row.variant,
            "next_attempt_at": show(row.next_attempt_at, tz) if row.status == "scheduled" else None,
            "published_at": show(row.published_at, tz) if row.published_at else None,
            "parts": len(row.parts or []),
        }
        if attention and row.account in attention and row.status == "scheduled":
            data["waiting_for_account"] = attention[row.account]
        return data
