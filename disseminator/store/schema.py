"""The whole schema: every table of the store, registered on one metadata.

Importing this module imports every ``*_models`` module, so :data:`metadata` holds every
table; the migrations' environment and the test that compares the models with the
migrations read it.
"""

from __future__ import annotations

from . import (  # noqa: F401 - imported for their tables, which join Base as they load
    account_models,
    article_models,
    feed_models,
    ops_models,
    post_models,
    record_models,
    web_models,
    websub_models,
)
from .columns import Base

#: Every table of the store.
metadata = Base.metadata
