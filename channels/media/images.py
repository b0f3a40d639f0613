"""The article's images, checked and prepared for a network once, when a post is rendered.

What the officer previews is what goes out: every image is fetched and prepared at
``preview``/``schedule`` time, and the prepared bytes are written to the media folder
(:mod:`channels.media.store`); the draft records the file and its SHA-256.  Publishing
never fetches again: X and Facebook upload the stored bytes, Instagram is given the
stored file's public URL (``media.public_base_url``).

One mapping for every image problem, all found here:

- an image that cannot be used (gone from its address: HTTP 404 or 410; not an image,
  too big, too thin to pad, at an address the fetch policy refuses) is left out with a
  warning, except the first when it is required (Instagram), which refuses the post with
  :class:`Rejected`, saying to check the URL: trying again would only fail again;
- an image host that cannot be reached right now (connection refused, a name that does
  not resolve, no complete answer within ``media.fetch_timeout``, HTTP 5xx, 408 or 429)
  refuses with :class:`Transient`, saying to try again: leaving the image out for good
  would be the wrong call.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from ..base import Account, Context, Media, Rejected, Transient
from ..i18n import _

if TYPE_CHECKING:
    from .prepared import PreparedImage

#: Facebook Page photos: the sandbox's (and Graph's documented) 10 MB ceiling.
FACEBOOK_MAX_BYTES = 10 * 1024 * 1024


def prepare(
    images: Sequence[Media],
    *,
    network: str,
    account: Account,
    context: Context | None,
    warnings: list[str],
    required: bool,
) -> tuple[Media, ...]:
    """``images`` checked, prepared for ``network`` ("x", "facebook", "instagram", "threads" or
    "bluesky") and stored.

    Each returned :class:`Media` names its prepared file and digest.  Without a context
    (a library caller with no media folder), images are passed through unchecked and
    unprepared: Instagram and Facebook are then given their URLs, and X leaves them out
    with a warning (it uploads only prepared bytes).  Raises :class:`Rejected` for an
    unusable first image when ``required``, :class:`Transient` for an image that cannot
    be fetched right now or a media folder that cannot be written.
    """
    if not images:
        return ()
    if context is None:
        if network in ("x", "bluesky"):  # they upload only prepared bytes
            warnings.append(_("{n} image(s) left out: no media folder to prepare them in").format(n=len(images)))
            return ()
        return tuple(images)
    from ..fetch import Fetcher
    from .fetch import ImageError, ImageFetchError, load_image_bytes

    preparer = _preparer(network, account)
    # The hosts the configuration names (the account's own API host, the media folder's
    # web server) may be private: the sandbox and an intranet server are.
    fetcher = Fetcher(context.fetch_policy.allowing(account.base_url, context.media_base_url))
    kept: list[Media] = []
    try:
        for i, item in enumerate(images):
            try:
                prepared = preparer(load_image_bytes(item.url, fetcher=fetcher), item.url)
            except ImageFetchError as exc:
                raise Transient(_("{error}; try again when the image can be fetched").format(error=exc)) from None
            except ImageError as exc:
                if required and i == 0:
                    raise Rejected(_("{error}; check the URL ({network} needs this image)").format(
                        error=exc, network=_label(network))) from None
                warnings.append(_("image left out: {error}").format(error=exc))
                continue
            warnings.extend(prepared.warnings)
            kept.append(_stored(prepared, item, context))
    finally:
        fetcher.close()
    if network in ("instagram", "threads") and kept and not context.media_base_url:
        warnings.append(_("media.public_base_url is not set: {network} gets the original images").format(
            network=_label(network)))
    return tuple(kept)


def _label(network: str) -> str:
    return {"x": "X", "facebook": "Facebook", "instagram": "Instagram", "telegram": "Telegram",
            "threads": "Threads", "bluesky": "Bluesky"}.get(network, network)


def _stored(prepared: PreparedImage, item: Media, context: Context) -> Media:
    """``prepared`` written to the media folder, as the draft records it."""
    try:
        name = prepared.save(context.media_dir)
    except OSError as exc:
        raise Transient(
            _("the prepared image cannot be written to the media folder {folder} ({error}); "
              "try again when it can").format(folder=context.media_dir, error=exc.strerror or exc)
        ) from None
    url = f"{context.media_base_url}/{name}" if context.media_base_url else item.url
    return Media(url=url, alt=item.alt, file=name, sha256=prepared.sha256)


def _preparer(network: str, account: Account) -> Callable[[bytes, str], PreparedImage]:
    from .fetch import ImageError, mb
    from .instagram import prepare_for_instagram
    from .x import prepare_for_x

    if network in ("instagram", "threads"):
        # Threads takes JPEG or PNG up to 8 MB; Instagram's JPEG (aspect 4:5 to 1.91:1,
        # padded) is a subset of what it accepts, and one prepared copy suits both.
        background = str(account.get("image_background", "#FFFFFF"))
        return lambda data, source: prepare_for_instagram(data, background=background, source=source)
    if network == "bluesky":
        from .bluesky import prepare_for_bluesky

        return lambda data, source: prepare_for_bluesky(data, source=source)
    if network == "facebook":

        def for_facebook(data: bytes, source: str) -> PreparedImage:
            # X's preparation (upright, sRGB, no metadata, <= 5 MB) suits a Page photo;
            # only an animated GIF may be larger than Facebook takes.
            prepared = prepare_for_x(data, source=source)
            if len(prepared.data) > FACEBOOK_MAX_BYTES:
                raise ImageError(_("{source}: {size} is more than Facebook's {limit}").format(
                    source=source, size=mb(len(prepared.data)), limit=mb(FACEBOOK_MAX_BYTES)))
            return prepared

        return for_facebook
    return lambda data, source: prepare_for_x(data, source=source)
