"""What every command shares: the configuration and the database, opened on first use.

Commands hand ``app.settings`` and ``app.store`` to the library; ``open_store`` is for the
library functions that need a database only sometimes (a preview by id, account states).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..config import Settings
    from ..store import Store


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

    def open_store(self) -> Store:
        return self.store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
