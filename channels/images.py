"""The article's images, checked and prepared for a network when a post is rendered.

What the officer previews is what goes out: an image that cannot be used is found at
``preview``/``schedule`` time, not at publishing time.  Prepared copies are written to the
media folder and, when ``media.public_base_url`` is set, the post refers to them there
(Instagram fetches images by URL; X gets the bytes either way).
"""

from __future__ import annotations

from collections.abc import Sequence

from .base import Account, Context, Media, Rejected


def prepare(
    images: Sequence[Media],
    *,
    network: str,
    account: Account,
    context: Context | None,
    warnings: list[str],
    required: bool,
) -> tuple[Media, ...]:
    """``images`` checked and prepared for ``network`` ("x" or "instagram").

    Without a context (a library caller), images are passed through unchecked.  An
    image that cannot be used is left out with a warning, except the first when
    ``required`` (Instagram needs it), which raises :class:`Rejected`; an image that
    cannot be fetched right now raises :class:`Rejected` saying to try again.
    """
    if context is None or not images:
        return tuple(images)
    from .http import make_session
    from .media import ImageError, load_image_bytes, prepare_for_instagram, prepare_for_x
    from .media_fetch import ImageFetchError

    session = make_session()
    kept: list[Media] = []
    for i, item in enumerate(images):
        try:
            data = load_image_bytes(item.url, session=session)
            if network == "instagram":
                prepared = prepare_for_instagram(
                    data, background=str(account.get("image_background", "#FFFFFF")), source=item.url
                )
            else:
                prepared = prepare_for_x(data, source=item.url)
        except ImageFetchError as exc:
            # Maybe only for now: leaving it out for good would be the wrong call.
            raise Rejected(f"{exc}; try again when the image can be fetched") from None
        except ImageError as exc:
            if required and i == 0:
                raise Rejected(str(exc)) from None
            warnings.append(f"image left out: {exc}")
            continue
        warnings.extend(prepared.warnings)
        if context.media_base_url:
            context.media_dir.mkdir(parents=True, exist_ok=True)
            kept.append(Media(url=f"{context.media_base_url}/{prepared.save(context.media_dir)}", alt=item.alt))
        else:
            if network == "instagram" and i == 0:
                warnings.append("media.public_base_url is not set: Instagram gets the original images")
            kept.append(item)
    return tuple(kept)
