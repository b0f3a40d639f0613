"""A changed article reaches the queue: its scheduled posts are rendered again from the
new revision, and the officer is told what could not follow and what already went out.

Adding an article whose URL is known but whose content changed makes a new revision
(:meth:`Store.add_article`).  Then, for each post of that article:

- scheduled or failed, with nothing on the network: rendered again for its account and checked
  against the network's rules exactly as at schedule time; the new text replaces the old
  (an ``edit`` move on the post's record, with the old text kept), or, when the new text
  is refused, the post keeps its text and the officer is told which and why;
- published (or partly), or being published at that moment: listed, so the officer can
  decide whether a correction is due.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from channels.i18n import N_, _

#: The reason an officer's own edit is recorded with (a revision never overwrites it).
#: Stored in English (it is compared); marked so the catalogs can translate it where it is shown.
OFFICER_EDIT = N_("text edited by an officer")

if TYPE_CHECKING:
    from .config import Settings
    from .store import Store


@dataclass(frozen=True)
class Revised:
    """What a new revision did to the article's posts."""

    article_id: int
    revision: int
    #: The article's fields that differ from the revision before.
    changed: list[str]
    #: Posts rendered again from the new revision.
    updated: list[int] = field(default_factory=list)
    #: One line per scheduled post that keeps its old text, with why.
    kept: list[str] = field(default_factory=list)
    #: One line per post already on the network from an older revision.
    published: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"article_id": self.article_id, "revision": self.revision, "changed": self.changed,
                "updated_posts": self.updated, "kept": self.kept, "published_before": self.published}


def follow(settings: Settings, store: Store, article_id: int) -> Revised:
    """Render the article's scheduled posts again from its newest revision."""
    from sqlalchemy import select

    from .errors import UserError
    from .planner import plan
    from .queue.moves import edit
    from .store import PostRow, PostStatus
    from .timeshow import show_human

    row = store.article(article_id)
    article = store.to_article(row)
    revisions = store.revisions(article_id)
    result = Revised(article_id, row.revision, list(revisions[-1].changed) if revisions else [])
    with store.session() as s:
        post_ids = list(s.scalars(select(PostRow.id).where(PostRow.article_id == article_id).order_by(PostRow.id)))
    for pid in post_ids:
        post = store.post(pid)
        if post.status is PostStatus.PUBLISHED or (post.status is PostStatus.SCHEDULED and any(post.remote_ids)):
            if post.published_at:
                result.published.append(_("post {id} ({account}) went out before this revision ({when}): "
                                          "decide whether a correction is needed").format(
                    id=pid, account=post.account, when=show_human(post.published_at, settings.tz)))
            else:
                result.published.append(_("post {id} ({account}) went out before this revision (partly): "
                                          "decide whether a correction is needed").format(id=pid, account=post.account))
            continue
        if post.status is PostStatus.PUBLISHING:
            result.published.append(_("post {id} ({account}) is being published right now with the previous "
                                      "revision: check it once it is out").format(id=pid, account=post.account))
            continue
        if post.status not in (PostStatus.SCHEDULED, PostStatus.FAILED, PostStatus.AWAITING_APPROVAL):
            continue
        # An officer's edit, also of a post awaiting approval (disseminator.reapproval).
        if any(e.edge in ("edit", "edit_draft", "edit_approved") and e.reason == OFFICER_EDIT
               for e in store.events(pid)):
            result.kept.append(_("post {id} ({account}) keeps the text an officer wrote; 'disseminator edit {id}' "
                                 "changes it").format(id=pid, account=post.account))
            continue
        [p] = plan(settings, article, [post.account])
        if p.draft is None:
            result.kept.append(_("post {id} ({account}) keeps its text: the new revision is refused ({reason})").format(
                id=pid, account=post.account, reason=p.refused))
            continue
        if tuple(post.parts) == p.draft.parts and post.media == [m.to_record() for m in p.draft.media]:
            continue
        try:
            # Stored in English; marked so the catalogs can translate it where it is shown.
            edit(store, pid, p.draft.parts, draft=p.draft,
                 reason=N_("article revision {revision}").format(revision=row.revision))
        except UserError as exc:
            result.kept.append(_("post {id} ({account}) keeps its text: {reason}").format(
                id=pid, account=post.account, reason=exc.message))
            continue
        result.updated.append(pid)
    return result
