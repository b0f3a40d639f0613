"""Images for the networks: fetched, prepared, stored, and title cards.

- :mod:`channels.media.fetch`: the article's image (URL or local file) with a size cap;
- :mod:`channels.media.pixels`: the Pillow steps every preparation shares (safe decode,
  upright sRGB, every piece of metadata dropped, so no location of a photographer's phone
  leaves the building);
- :mod:`channels.media.x`, :mod:`channels.media.instagram`, :mod:`channels.media.bluesky`:
  what each network accepts, and nothing more, as a
  :class:`~channels.media.prepared.PreparedImage`;
- :mod:`channels.media.images`: fetch, prepare and store a draft's images (what channels call);
- :mod:`channels.media.store`: the media folder, content-addressed;
- :mod:`channels.media.cards`: title cards for articles without an image.

Every refusal is an :class:`~channels.media.fetch.ImageError` (a ``ValueError``) with one
line saying what is wrong, with which image, and what was expected.

Pillow is imported inside the functions that need it: ``import channels.media`` and
``disseminator --help`` must not pay for it.  This package imports nothing itself.
"""
