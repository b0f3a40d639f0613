"""The role table and the hashtag rule as data (the CLI workflows are in
tests/integration/test_approval.py)."""

from __future__ import annotations

import pytest

from disseminator.approval import hashtag_warnings
from disseminator.errors import UserError
from disseminator.officers import Officer, OfficerSettings, acting, may_run, required_role

DEWI = Officer(name="dewi", roles=("drafter",), os_user="dewi")
BUDI = Officer(name="budi", roles=("approver",), os_user="budi_os")
RINA = Officer(name="rina", roles=("admin",), os_user="rina")
CONF = OfficerSettings(officers={o.name: o for o in (DEWI, BUDI, RINA)}, allow_as=True)


@pytest.mark.parametrize(("command", "drafter", "approver", "admin"), [
    ("article add", True, True, True),
    ("preview", True, True, True),
    ("schedule", True, True, True),
    ("edit", True, True, True),
    ("queue", True, True, True),
    ("post show", True, True, True),
    ("approve", False, True, True),
    ("reject", False, True, True),
    ("pause", False, True, True),
    ("retry", False, True, True),
    ("accounts pause", False, True, True),
    ("post ahead", False, True, True),
    ("accounts list", False, False, True),
    ("init", False, False, True),
    ("db upgrade", False, False, True),
    ("daemon", False, False, True),
    ("a-command-added-later", False, False, True),  # not in the table: admin only
])
def test_what_each_role_may_run(command: str, drafter: bool, approver: bool, admin: bool) -> None:
    assert [may_run(o, command) for o in (DEWI, BUDI, RINA)] == [drafter, approver, admin]
    assert may_run(None, command)  # no officers configured: everybody may


def test_sandbox_needs_no_officer() -> None:
    assert required_role("sandbox") is None and may_run(DEWI, "sandbox")


def test_acting_officer() -> None:
    assert acting(CONF, user="budi_os") == BUDI
    assert acting(CONF, "rina", user="nobody") == RINA
    with pytest.raises(UserError, match="user 'budi' is no officer"):
        acting(CONF, user="budi")  # budi's os_user is budi_os
    with pytest.raises(UserError, match="unknown officer 'x'"):
        acting(CONF, "x")
    with pytest.raises(UserError, match="allow_as = false"):
        acting(OfficerSettings(officers=CONF.officers), "rina")
    assert acting(OfficerSettings(), user="anyone") is None


def test_self_approval_default() -> None:
    assert OfficerSettings().self_approval  # one-person install
    assert not CONF.self_approval
    assert OfficerSettings(officers=CONF.officers, allow_self_approval=True).self_approval


@pytest.mark.parametrize(("tag", "flagged"), [
    ("#harikemerdekaan", True),
    ("#Harikemerdekaan", True),  # title-cased as one word: still one run of letters
    ("#HARIKEMERDEKAAN", True),
    ("#HariKemerdekaan", False),
    ("#kemerdekaan", False),  # 11 letters: one word, too short to judge
    ("#MBG", False),
    ("#HUTRI81", False),
])
def test_long_hashtags_not_in_camel_case_are_flagged(tag: str, flagged: bool) -> None:
    assert bool(hashtag_warnings([f"Teks {tag}"])) is flagged
