"""The channel interface: what the core may ask of a social network.

A channel turns an :class:`Article` into a :class:`Draft`, checks a draft against the
network's rules before anything is queued, publishes a draft one part at a time, and can
look for a part that may already have been published (reconciliation).

Every failure a network reports is translated, at one boundary inside each channel, into
the tree of :class:`ChannelError` in :mod:`channels.errors` (re-exported here); the worker
acts on the class, never on a library's exception.

Besides errors, a channel reports what the network last said of its limits
(:meth:`Channel.pace`, a :class:`Pace`) and what a draft costs (:meth:`Channel.cost`):
channels only report, the core decides whether to wait.

Nothing here imports a network library; the core imports only this module.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

from .address_policy import FetchPolicy
from .clock import SYSTEM, Clock
from .errors import AuthError, ChannelError, Duplicate, RateLimited, Rejected, Spent, Transient  # re-exported
from .i18n import N_, _


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Article:
    """One piece of source content, as the channels see it.

    ``body`` is plain text (paragraphs separated by blank lines); ``tags`` are the
    article's own words, not yet hashtags; ``gallery`` holds images after the main one
    (an X post takes up to four in all, an Instagram carousel up to ten).
    """

    title: str
    url: str | None = None
    summary: str | None = None
    body: str = ""
    image: str | None = None
    image_alt: str | None = None
    tags: tuple[str, ...] = ()
    published: dt.datetime | None = None
    author: str | None = None
    gallery: tuple[Media, ...] = ()
    #: Not before: no post of the article goes out earlier (the scheduler's rule; channels
    #: need not read it).
    embargo: dt.datetime | None = None

    def images(self) -> tuple[Media, ...]:
        """The main image (if any) and then the gallery."""
        main = (Media(url=self.image, alt=self.image_alt),) if self.image else ()
        return main + self.gallery


@dataclass(frozen=True)
class Account:
    """One configured account: a name, its channel and its resolved settings.

    ``settings`` holds everything from the account's config table except ``channel``
    and ``base_url``, with ``${VAR}`` references already resolved.  Which keys are
    secrets is the channel's business (:attr:`Channel.secret_keys`); the repr never
    shows settings at all.
    """

    name: str
    channel: str
    settings: Mapping[str, Any] = field(default_factory=dict)
    base_url: str | None = None

    def __repr__(self) -> str:
        return f"Account(name={self.name!r}, channel={self.channel!r}, base_url={self.base_url!r})"

    __str__ = __repr__

    def get(self, key: str, default: Any = None) -> Any:
        return self.settings.get(key, default)


@dataclass(frozen=True)
class CardStyle:
    """How an institution's title cards look (``[card]``; :mod:`channels.media.cards`)."""

    #: Colours as ``#RRGGBB``.
    background: str = "#0B3D91"
    text_color: str = "#FFFFFF"
    accent_color: str = "#F2C94C"
    #: The institution's name, shown above the title (None: none).
    name: str | None = None
    #: A PNG or JPEG shown at the top left (None: none); an absolute path.
    logo: Path | None = None


@dataclass(frozen=True)
class Context:
    """What the installation tells every channel: where its files are, and its clock.

    ``base_dir`` is the configuration file's folder (relative template paths);
    prepared images are written to ``media_dir`` and served at ``media_base_url``.
    """

    base_dir: Path
    media_dir: Path
    media_base_url: str | None = None
    #: Where the channel reads the time and waits (polling); tests pass a fake one.
    clock: Clock = field(default=SYSTEM, compare=False)
    #: Called by the channel right before each write of a multi-call publish (an upload,
    #: a container, ``media_publish``); raises when the worker no longer holds the post's
    #: claim, so a worker that lost it writes nothing more.  See :meth:`Context.check_fence`.
    fence: Callable[[], None] | None = field(default=None, compare=False)
    #: What a fetch of outside content (an article's image) may reach, for how long and
    #: how much; the default refuses every private address.  See :mod:`channels.fetch`.
    fetch_policy: FetchPolicy = field(default_factory=FetchPolicy)
    #: How a title card looks, for an account with ``card = true`` whose article has no
    #: image (:mod:`channels.media.cards`).
    card_style: CardStyle = field(default_factory=CardStyle)

    def check_fence(self) -> None:
        """Confirm the claim before a write (no-op outside the worker)."""
        if self.fence is not None:
            self.fence()


@dataclass(frozen=True)
class Media:
    """An image to attach: where it is, what it shows, and the copy prepared for the network.

    ``url`` is where a network that fetches by URL (Instagram) gets the image: the
    prepared copy's public address when ``media.public_base_url`` is set, otherwise the
    article's own image.  ``file`` is the prepared copy, a name inside the media folder
    (:attr:`Context.media_dir`), and ``sha256`` the hex digest of its bytes: both are
    set when the post is rendered, so publishing sends exactly what was previewed.  An
    article's gallery and a draft rendered without a media folder have neither.
    """

    url: str
    alt: str | None = None
    file: str | None = None
    sha256: str | None = None

    def to_record(self) -> dict[str, Any]:
        """A JSON-ready dict for the store (None fields left out)."""
        return {k: v for k, v in self.__dict__.items() if v is not None or k == "alt"}

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Media:
        """The inverse of :meth:`to_record`; unknown keys (from a newer version) are ignored."""
        names = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in record.items() if k in names})


@dataclass(frozen=True)
class Draft:
    """What will be published: text parts in order, media, and what the formatter noticed.

    ``parts`` has one element except for an X thread.  ``media`` attach to the first part.
    """

    parts: tuple[str, ...]
    media: tuple[Media, ...] = ()
    warnings: tuple[str, ...] = ()
    link: str | None = None
    #: The link card a network shows for ``link`` when the channel builds it itself
    #: (Bluesky): ``{"title": ..., "description": ...}`` from the article, stored with the
    #: post.  None: no card.
    card: Mapping[str, str] | None = None
    #: The store's stable name of the post, the same on every try:
    #: ``"<post id>:<created, microseconds since 1970>"`` (None for a draft not stored, a
    #: preview).  A channel that chooses a write's key before the write (Bluesky's record
    #: key) or sends an idempotency key (Mastodon) derives it from this, so a retry after a
    #: lost answer reuses the key and a new post gets a new one.
    key: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Receipt:
    """What the network answered for one published part."""

    remote_id: str
    remote_url: str | None = None


@dataclass(frozen=True)
class LivePost:
    """A post as the network shows it now (:meth:`Channel.fetch_live`,
    :meth:`Channel.recent_posts`): its id, its text (a caption, a message), its address
    and when it was published (None when the network did not say)."""

    remote_id: str
    text: str
    url: str | None = None
    created_at: dt.datetime | None = None


@dataclass(frozen=True)
class AccountCheck:
    """Who an account posts as, and what is left of its quota."""

    ok: bool
    identity: str | None = None
    quota: str | None = None
    message: str | None = None


@dataclass(frozen=True)
class Pace:
    """What the network last said of the account's writing limit, channel-neutral.

    ``remaining``: writes left before ``until`` (None: not said).  ``until``: when the
    limit frees again (None: not said; with ``window``, the core works it out from the
    account's own posts: the oldest in the window plus the window).  ``reason``: the
    network's limit in words, stored in English (shown through ``channels.i18n.stored``).
    """

    remaining: int | None
    until: dt.datetime | None = None
    reason: str = ""
    #: A rolling window (Instagram's 24 hours) when ``until`` is not known.
    window: dt.timedelta | None = None
    #: When the network said it (a rolling window is reckoned from then: once the oldest
    #: post of that moment has left it, this pace is out of date).
    said_at: dt.datetime | None = None

    @property
    def exhausted(self) -> bool:
        """No write may go now: nothing remains (or the network said to wait)."""
        return self.remaining is not None and self.remaining <= 0


# --------------------------------------------------------------------------- channel


class Channel(ABC):
    """One social network, bound to one account.

    Subclasses are registered in the ``disseminator.channels`` entry point group under
    their :attr:`name` and constructed with the account and an optional
    :class:`Context`; a constructor must not touch the network.
    """

    #: The registry name, e.g. ``"twitter"``.
    name: ClassVar[str]
    #: Account settings every account of this channel must have.
    required_settings: ClassVar[tuple[str, ...]] = ()
    #: Account settings that are credentials: never logged, stored or printed.
    secret_keys: ClassVar[tuple[str, ...]] = ()
    #: Account settings the channel reads when present.  With the two above (and
    #: ``channel``, ``base_url``), every key an account table may have: the configuration
    #: refuses any other as a typo.  These three are read by :mod:`channels.formatting`.
    optional_settings: ClassVar[tuple[str, ...]] = ("hashtags", "utm", "template")

    def __init__(self, account: Account, *, context: Context | None = None) -> None:
        self.account = account
        self.context = context

    @property
    def clock(self) -> Clock:
        """Where this channel reads the time and waits: the context's clock, else the system's."""
        return self.context.clock if self.context is not None else SYSTEM

    def secrets(self) -> list[str]:
        """The secret values of this account, for redaction."""
        return [str(v) for k, v in self.account.settings.items() if k in self.secret_keys and v]

    def measure(self, text: str) -> tuple[int, int | None]:
        """How long ``text`` is as this network counts, and its limit (None: no limit)."""
        return len(text), None

    def measure_part(self, draft: Draft, index: int) -> tuple[int, int | None]:
        """:meth:`measure` of part ``index`` of ``draft``, whose media may change the limit
        (a Telegram photo's caption takes 1,024, a message 4,096).  By default the media
        do not: :meth:`measure` of the text."""
        return self.measure(draft.parts[index])

    #: Whether the network counts each part of a thread against its limits (X counts
    #: every tweet); otherwise a post is one write whatever its parts.
    counts_parts: ClassVar[bool] = False

    def pace(self) -> Pace | None:
        """What the network's last answer said of the account's writing limit (no call
        is made, except where the network reports its quota only on asking: Instagram).
        None when nothing is known.  Raises nothing: a limit that cannot be read is unknown."""
        return None

    def cost(self, draft: Draft) -> Decimal | None:
        """What publishing ``draft`` costs, in the account's configured prices (None: the
        network does not charge, or no price is configured)."""
        return None

    @abstractmethod
    def render(self, article: Article) -> Draft:
        """Format ``article`` for this network.

        Returns a draft that passes :meth:`validate`.  Raises :class:`Rejected` when no
        valid draft can be made (Instagram without an image, say).
        """

    @abstractmethod
    def validate(self, draft: Draft) -> None:
        """Check ``draft`` against the network's rules; raise :class:`Rejected` if broken."""

    @abstractmethod
    def publish_part(self, draft: Draft, index: int, *, reply_to: str | None = None) -> Receipt:
        """Publish part ``index`` of ``draft`` (a reply to ``reply_to`` in a thread).

        Raises a :class:`ChannelError` subclass; never a library's own exception.
        """

    #: Whether :meth:`find_published` can answer.  A network with no read-back of the
    #: account's posts (Telegram's Bot API reads no channel) cannot: the worker then never
    #: writes again after a write that may have landed, and leaves the post ``unknown``
    #: for an officer to confirm (``post confirm``); its ``find_published`` is never called.
    reconciles: ClassVar[bool] = True

    @abstractmethod
    def find_published(
        self, draft: Draft, index: int, *, since: dt.datetime
    ) -> Receipt | None:
        """Look on the network for part ``index`` of ``draft`` published after ``since``.

        Returns its receipt, or None when the network shows no such post.  Raises a
        :class:`ChannelError` when the network cannot be asked.
        """

    def confirmed(self, remote_id: str) -> Receipt:
        """The receipt of a post an officer found on the network (``post confirm
        --remote-id``): ``remote_id`` as the officer gave it, with the post's address where
        the channel can tell (a channel may also read its id from a link it makes).
        Makes no call.  Raises :class:`Rejected` when ``remote_id`` cannot be one of its ids."""
        return Receipt(remote_id=remote_id)

    def token_expiry(self) -> dt.datetime | None:
        """When the account's credentials stop working, as the network says (UTC), or None
        when they do not expire (X's OAuth 1.0a tokens; a never-expiring Page token).

        Raises :class:`AuthError` when the credentials are refused already and another
        :class:`ChannelError` when the network cannot be asked.
        """
        return None

    def metrics(self, remote_id: str) -> dict[str, int]:
        """What the network says of the published post ``remote_id``'s reach and reactions
        now: figures by English name (``likes``, ``comments``, ``shares``, ``views`` ...),
        whole numbers.  The base answers ``{}`` without a call: a network that reports none
        (the core then asks nothing of it).

        Raises :class:`RateLimited` when reading is limited (the core tries again later),
        :class:`Rejected` when the post is gone, another :class:`ChannelError` otherwise.
        """
        return {}

    #: Whether the channel can read a published post back (:meth:`fetch_live`,
    #: :meth:`recent_posts`); the core asks nothing of one that cannot.
    reads_live: ClassVar[bool] = False
    #: Whether the text the network shows can be compared with the text sent (a Page
    #: post can be edited on Facebook; X shortens links, so its text never matches).
    compares_live_text: ClassVar[bool] = False

    def fetch_live(self, remote_id: str) -> LivePost | None:
        """The published post ``remote_id`` as the network shows it now, or None when the
        network says it is gone (deleted).  Raises :class:`RateLimited` when reading is
        limited and another :class:`ChannelError` when the network cannot be asked."""
        raise Rejected(_("the {network} channel cannot read its posts back").format(network=self.name))

    def recent_posts(self, since: dt.datetime) -> list[LivePost]:
        """The account's own posts published after ``since``, newest first (one read,
        at most 100).  Raises a :class:`ChannelError` when the network cannot be asked."""
        raise Rejected(_("the {network} channel cannot read its posts back").format(network=self.name))

    #: Whether the network's API can delete a published post (:meth:`unpublish_part`).
    can_unpublish: ClassVar[bool] = False
    #: What an officer is told when it cannot ({network}: the channel's name); marked,
    #: translated when shown.
    cannot_unpublish: ClassVar[str] = N_("the {network} channel cannot delete a post through its API; "
                                         "delete it on the network itself")

    def unpublish_part(self, remote_id: str) -> bool:
        """Delete the published part ``remote_id`` from the network.

        Returns True when the network deleted it now, False when the network says there
        is no such post (deleted already, by an earlier try whose answer was lost or by
        hand): a delete is safe to repeat.  Raises a :class:`ChannelError` when the
        network refuses or fails the delete (the post is then as it was, or its delete
        is in doubt and a repeat settles it), and :class:`Rejected` with
        :attr:`cannot_unpublish` when the network's API cannot delete posts at all.
        """
        raise Rejected(_(self.cannot_unpublish).format(network=self.name))

    @abstractmethod
    def check(self) -> AccountCheck:
        """Verify the credentials against the network.

        Returns who the account posts as and its remaining quota; raises
        :class:`AuthError` when the credentials are refused.
        """
