"""What a worker run did: one :class:`Outcome` per claimed post, gathered in a
:class:`RunReport` (:mod:`disseminator.worker` re-exports both).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Outcome:
    """What became of one claimed post in this run."""

    post_id: int
    account: str
    status: str
    error_kind: str | None = None
    error: str | None = None
    remote_url: str | None = None


@dataclass
class RunReport:
    outcomes: list[Outcome] = field(default_factory=list)
    recovered: list[int] = field(default_factory=list)
    #: Due posts held back because their account needs attention: account -> (count, why).
    waiting: dict[str, tuple[int, str]] = field(default_factory=dict)
    #: Due posts left alone because the configuration cannot publish for their account
    #: (a ``${VAR}`` not set, say): account -> (count, what the configuration says).
    misconfigured: dict[str, tuple[int, str]] = field(default_factory=dict)
    #: Posts this run found overdue past ``worker.grace`` and set aside (disseminator.missed).
    missed: list[int] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """True when a call failed for a reason other than a rate limit or a web page not
        live yet (both only waits: disseminator.ingest.golive), or posts are held."""
        return bool(self.waiting) or bool(self.misconfigured) or any(
            o.error_kind not in (None, "rate_limited", "not_live") for o in self.outcomes)
