"""What every command shares: the configuration and the database, opened on first use.

Commands hand ``app.settings`` and ``app.store`` to the library; ``open_store`` is for the
library functions that need a database only sometimes (a preview by id, account states).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..config import Settings
    from ..officers import Officer
    from ..store import Store


class App:
    def __init__(self, config_path: str | None, *, as_officer: str | None = None) -> None:
        self.config_path = config_path
        self.as_officer = as_officer
        self._settings: Settings | None = None
        self._store: Store | None = None
        self._officer: tuple[Officer | None] | None = None

    @property
    def officer(self) -> Officer | None:
        """The acting officer (``--as``, else the operating-system user's); None without
        ``[officers]``.  Raises :class:`~disseminator.errors.UserError` when there is none."""
        if self._officer is None:
            from ..officers import acting

            self._officer = (acting(self.settings.officers, self.as_officer),)
        return self._officer[0]

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
