"""A prepared image: bytes a network accepts, free of metadata, with what was done to them
(the warnings an officer sees), and where it is kept (:mod:`channels.media.store`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class PreparedImage:
    """An image ready to upload: bytes free of metadata, and what was done to it."""

    data: bytes = field(repr=False)
    mime: str
    ext: str  #: with the dot, e.g. ".jpg"
    width: int
    height: int
    warnings: tuple[str, ...] = ()

    @property
    def file_name(self) -> str:
        """Content-addressed name: the first 16 hex digits of the SHA-256, plus ext."""
        from .store import file_name

        return file_name(self.data, self.ext)

    @property
    def sha256(self) -> str:
        """The hex SHA-256 of the bytes, recorded in the draft and checked at publishing."""
        from .store import digest

        return digest(self.data)

    def save(self, media_dir: Path) -> str:
        """Write the image into ``media_dir`` (created if needed) and return its file name.

        See :func:`channels.media.store.write`: content-addressed, atomic, readable by
        the web server that serves the folder. Raises ``OSError`` when the folder cannot
        be written.
        """
        from .store import write

        return write(self.data, ext=self.ext, media_dir=media_dir)
