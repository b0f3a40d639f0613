"""The lifecycle table: what it allows, and that the README shows exactly it."""

from __future__ import annotations

import pytest

from disseminator import states
from disseminator.states import EDGES, Guard, InvalidTransition
from disseminator.store.post_models import PostStatus as S
from tests.helpers import REPO


def test_readme_lifecycle_is_the_transition_table() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    shown = readme.split("<!-- lifecycle:start -->\n", 1)[1].split("\n<!-- lifecycle:end -->", 1)[0]
    assert shown == states.diagram()
    assert len(shown.splitlines()) == len(EDGES) + 2


def test_every_status_is_reachable_and_only_the_done_ones_are_final() -> None:
    reached = {S.SCHEDULED} | {e.target for e in EDGES}
    assert reached == set(S)
    assert {s for s in S if states.final(s)} == {S.WITHDRAWN, S.CANCELLED}
    # A published post leaves only by being deleted from its network, every part of it.
    assert [(e.name, e.target, e.guards) for e in EDGES if e.source is S.PUBLISHED] == [
        ("withdraw", S.WITHDRAWN, (Guard.ALL_DELETED,))]


def test_a_worker_can_only_settle_a_post_it_holds() -> None:
    for e in EDGES:
        if e.source is S.PUBLISHING:
            assert (Guard.OWNER in e.guards) != (Guard.LEASE_EXPIRED in e.guards), e
    assert states.find(S.PUBLISHED, S.SCHEDULED) == []  # nothing leaves published
    assert [e.name for e in states.find(S.SCHEDULED, S.CANCELLED)] == ["cancel", "force_cancel"]


def test_unknown_edges_are_refused() -> None:
    with pytest.raises(InvalidTransition, match="publish_now"):
        states.edge("publish_now")
    with pytest.raises(InvalidTransition):
        states.edge(states.Edge("sneak", S.CANCELLED, S.PUBLISHED))
    assert states.edge("claim").target is S.PUBLISHING
