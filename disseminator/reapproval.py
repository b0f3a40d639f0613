"""When a post needs approval again: the rule :func:`disseminator.queue.moves.edit` applies.

Apart from :mod:`disseminator.approval` (which moves posts with :mod:`disseminator.queue`)
so that the queue can ask it without an import circle.
"""

from __future__ import annotations

from typing import Any

from .officers import APPROVALS
from .store.post_models import PostRow, PostStatus


def needed(row: PostRow) -> int:
    """How many approvers ``row`` needs (0: none)."""
    return APPROVALS.get(row.approval or "none", 0)


def edit_move(old: PostRow, move: str, rendering: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The edge an edit of ``old`` takes, and the values it sets: an approved post that
    needed approval goes back to ``awaiting_approval`` with its approvals cleared."""
    if old.status is PostStatus.AWAITING_APPROVAL:
        return "edit_draft", rendering
    if old.status is PostStatus.SCHEDULED and move == "edit" and needed(old):
        return "edit_approved", {**rendering, "approved_by": []}
    return move, rendering
