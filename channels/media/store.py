"""The media folder: prepared images written once, by content, and read back checked.

An image is prepared when its post is rendered (``preview``/``schedule``) and written
here under a name taken from the SHA-256 of its bytes; the draft's :class:`Media` keeps
the name and the full digest.  Publishing reads those bytes back and checks the digest,
so what goes out is what the officer previewed.  A prepared copy that is gone or changed
is refused with :class:`PreparedImageGone`; nothing is fetched again at publishing time.

Files are written atomically (a temporary file in the same folder, fsync, rename) with
the mode a new file gets under the process's umask (0644 under the usual 022): the
web server that serves the folder to Instagram usually runs as another user, and a
0600 file would make every Instagram post fail with Graph error 9004.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ..base import Context, Media, Rejected
from ..i18n import _

#: The types X and Facebook are told, by the prepared file's extension.
MIME_TYPES = {".jpg": "image/jpeg", ".png": "image/png", ".gif": "image/gif", ".webp": "image/webp"}
_UMASK_LOCK = threading.Lock()


class PreparedImageGone(Rejected):
    """The image prepared when the post was rendered is missing or changed; render the post again."""


@dataclass(frozen=True)
class StoredImage:
    """A prepared image as read back from the media folder, its digest checked."""

    name: str
    data: bytes = field(repr=False)

    @property
    def mime(self) -> str:
        return MIME_TYPES.get(Path(self.name).suffix.lower(), "application/octet-stream")


def digest(data: bytes) -> str:
    """The hex SHA-256 of ``data``: the identity of a prepared image."""
    return hashlib.sha256(data).hexdigest()


def file_name(data: bytes, ext: str) -> str:
    """Content-addressed name: the first 16 hex digits of the SHA-256, plus ``ext`` (".jpg")."""
    return digest(data)[:16] + ext


def write(data: bytes, *, ext: str, media_dir: Path) -> str:
    """Write ``data`` into ``media_dir`` (created if needed); returns the file's name.

    The name depends only on the content, so writing the same bytes twice writes once
    (a copy already there keeps its time, and gets the readable mode if it lacked it).
    A reader never sees half a file.  Raises ``OSError`` when the folder cannot be
    written.
    """
    media_dir = Path(media_dir)
    media_dir.mkdir(parents=True, exist_ok=True)
    name = file_name(data, ext)
    target = media_dir / name
    mode = file_mode()
    try:
        if digest(target.read_bytes()) == digest(data):
            if target.stat().st_mode & 0o777 != mode:  # e.g. a 0600 copy from an older version
                os.chmod(target, mode)
            return name
    except FileNotFoundError:
        pass
    fd, tmp = tempfile.mkstemp(dir=media_dir, prefix=".tmp-", suffix=ext)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)  # mkstemp makes 0600, whatever the umask says
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _sync_folder(media_dir)
    return name


def read(media: Media, context: Context | None) -> StoredImage:
    """The prepared bytes of ``media``, checked against the digest taken at render time.

    Raises :class:`PreparedImageGone` (a :class:`Rejected`) when the image was never
    prepared (rendered without a media folder, or by a version before images were
    prepared once), when its file is missing, or when its bytes changed.
    """
    if not media.file or not media.sha256:
        raise PreparedImageGone(
            _("the image {url} was not prepared when the post was rendered; "
              "render the post again (cancel it and schedule the article again)").format(url=media.url)
        )
    if context is None:
        raise PreparedImageGone(
            _("no media folder is configured, so the prepared image {file} cannot be read").format(file=media.file)
        )
    if Path(media.file).name != media.file or media.file.startswith("."):
        raise PreparedImageGone(
            _("the prepared image name {file!r} is not a file in the media folder").format(file=media.file)
        )
    path = context.media_dir / media.file
    try:
        data = path.read_bytes()
    except OSError as exc:
        if isinstance(exc, FileNotFoundError):
            gone = _("the prepared image {path} (from {url}) is gone; "
                     "render the post again (cancel it and schedule the article again)")
        else:
            gone = _("the prepared image {path} (from {url}) cannot be read ({error}); "
                     "render the post again (cancel it and schedule the article again)")
        raise PreparedImageGone(gone.format(path=path, url=media.url, error=exc.strerror or exc)) from None
    if digest(data) != media.sha256:
        raise PreparedImageGone(
            _("the prepared image {path} (from {url}) has changed since the post was rendered; "
              "render the post again (cancel it and schedule the article again)").format(path=path, url=media.url)
        )
    return StoredImage(name=media.file, data=data)


def check(media: Media, context: Context | None) -> None:
    """Raise :class:`PreparedImageGone` if ``media`` has a prepared copy that is gone or changed.

    For networks that fetch by URL: an image prepared at render must still be there to
    be served, but one passed through unprepared (no media folder) is not checked.
    """
    if media.file and context is not None:
        read(media, context)


def file_mode() -> int:
    """The mode of a new media file: what the umask leaves of 0666 (0644 under 022)."""
    return 0o666 & ~_umask()


def _umask() -> int:
    try:  # Linux says it without changing it
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    with _UMASK_LOCK:  # elsewhere: set and restore, as briefly as possible
        current = os.umask(0o022)
        os.umask(current)
    return current


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
