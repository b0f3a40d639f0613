"""The channel registry: entry points only, loaded on first use, clashes and non-channels refused.

A fake third-party distribution is installed at test time: a folder on sys.path holding a
module and a ``*.dist-info`` with ``METADATA`` and ``entry_points.txt``, which is all
importlib.metadata needs to find it.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from channels.base import Account, Channel
from disseminator import registry
from disseminator.errors import ConfigError
from tests.helpers import REPO

#: A complete channel a third party could publish.
PLUGIN_SOURCE = '''
from channels.base import AccountCheck, Channel, Draft, Receipt


class FakeNetChannel(Channel):
    name = "fakenet"
    required_settings = ("token",)

    def render(self, article):
        return Draft(parts=(article.title,))

    def validate(self, draft):
        return None

    def publish_part(self, draft, index, *, reply_to=None):
        return Receipt(remote_id="1")

    def find_published(self, draft, index, *, since):
        return None

    def check(self):
        return AccountCheck(ok=True, identity="fake")


class Half(Channel):
    """Forgets to implement anything."""


def not_a_class():
    return FakeNetChannel


class NotAChannel:
    pass


INSTANCE = NotAChannel()
'''

Install = Callable[..., str]


@pytest.fixture
def install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Install]:
    """``install(dist, {name: "module:attr"})`` makes a distribution ``dist`` visible to
    importlib.metadata, with a module holding :data:`PLUGIN_SOURCE`; returns the module
    name.  Everything is undone after the test, and the registry forgets it."""
    counter = iter(range(100))

    def make(dist: str, entry_points: dict[str, str]) -> str:
        module = f"fake_plugin_{tmp_path.name}_{next(counter)}".replace("-", "_")
        site = tmp_path / f"site-{module}"
        info = site / f"{dist.replace('-', '_')}-1.0.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n", encoding="utf-8")
        lines = [f"{name} = {target.format(module=module)}" for name, target in entry_points.items()]
        (info / "entry_points.txt").write_text(f"[{registry.GROUP}]\n" + "\n".join(lines) + "\n", encoding="utf-8")
        (site / f"{module}.py").write_text(textwrap.dedent(PLUGIN_SOURCE), encoding="utf-8")
        monkeypatch.syspath_prepend(str(site))
        modules.append(module)
        registry.clear_cache()
        return module

    modules: list[str] = []
    registry.clear_cache()
    yield make
    for module in modules:
        sys.modules.pop(module, None)
    registry.clear_cache()  # the folders leave sys.path right after (monkeypatch)


def declared_in_pyproject() -> dict[str, str]:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    declared: dict[str, str] = pyproject["project"]["entry-points"][registry.GROUP]
    return declared


# --------------------------------------------------------------------------- our own channels


def test_our_channels_are_exactly_the_entry_points_in_pyproject() -> None:
    registry.clear_cache()
    declared = declared_in_pyproject()
    assert set(declared) == {"twitter", "facebook", "instagram", "telegram", "threads", "bluesky", "mastodon"}
    # No second list adds or hides one; the packages of plugins/ (installed for the tests,
    # tests/plugins.py) add theirs through the same group.
    others = {r.name for r in map(registry.registration, registry.channel_names()) if r.distribution != "disseminator"}
    assert others <= {"tiktok"}
    assert sorted(set(registry.channel_names()) - others) == sorted(declared)
    for name, target in declared.items():
        reg = registry.registration(name)
        assert (reg.target, reg.distribution) == (target, "disseminator")


def test_channel_class_is_the_entry_points_object() -> None:
    from channels.facebook import FacebookChannel
    from channels.instagram import InstagramChannel
    from channels.twitter import TwitterChannel

    assert registry.channel_class("twitter") is TwitterChannel
    assert registry.channel_class("facebook") is FacebookChannel
    assert registry.channel_class("instagram") is InstagramChannel


def test_a_channel_is_imported_on_first_use_only() -> None:
    code = textwrap.dedent("""
        import sys
        from disseminator import registry
        names = registry.channel_names()
        print(sorted(m for m in ("channels.twitter", "channels.facebook", "channels.instagram") if m in sys.modules))
        registry.channel_class("facebook")
        print(sorted(m for m in ("channels.twitter", "channels.facebook", "channels.instagram") if m in sys.modules))
    """)
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == ["[]", "['channels.facebook']"]


def test_unknown_channel_names_the_known_ones() -> None:
    with pytest.raises(ConfigError, match=r"^unknown channel 'friendster' \(known: bluesky, facebook, instagram, mastodon, telegram, threads, tiktok, twitter\)$"):
        registry.channel_class("friendster")


def test_make_channel_checks_required_settings() -> None:
    account = Account(name="humas_fb", channel="facebook", settings={"page_id": "1"})
    with pytest.raises(ConfigError, match=r"^accounts.humas_fb: missing access_token \(required for facebook\)$"):
        registry.make_channel(account)
    made = registry.make_channel(Account(name="humas_fb", channel="facebook",
                                         settings={"page_id": "1", "access_token": "t"}))
    assert type(made) is registry.channel_class("facebook") and made.account.name == "humas_fb"


# --------------------------------------------------------------------------- third parties


def test_a_third_party_channel_is_found_and_loaded(install: Install) -> None:
    module = install("disseminator-fakenet", {"fakenet": "{module}:FakeNetChannel"})
    assert "fakenet" in registry.channel_names()
    assert module not in sys.modules  # listed, not imported
    reg = registry.registration("fakenet")
    assert (reg.distribution, reg.target) == ("disseminator-fakenet", f"{module}:FakeNetChannel")
    cls = registry.channel_class("fakenet")
    assert cls is sys.modules[module].FakeNetChannel and issubclass(cls, Channel)
    assert registry.channel_class("fakenet") is cls  # loaded once
    channel = registry.make_channel(Account(name="fk", channel="fakenet", settings={"token": "t"}))
    assert channel.check().ok
    with pytest.raises(ConfigError, match="missing token"):
        registry.make_channel(Account(name="fk", channel="fakenet", settings={}))


def test_the_plugin_is_gone_once_uninstalled(install: Install) -> None:
    install("disseminator-fakenet", {"fakenet": "{module}:FakeNetChannel"})
    assert "fakenet" in registry.channel_names()
    sys.path[:] = [p for p in sys.path if "site-fake_plugin" not in p]
    registry.clear_cache()
    assert "fakenet" not in registry.channel_names()


def test_a_plugin_taking_a_builtin_name_is_refused_naming_both(install: Install) -> None:
    module = install("evil-twitter", {"twitter": "{module}:FakeNetChannel"})
    assert registry.channel_names().count("twitter") == 1
    with pytest.raises(ConfigError) as info:
        registry.channel_class("twitter")
    message = str(info.value)
    assert message.startswith("channel 'twitter' is registered by 2 distributions: ")
    assert "disseminator (channels.twitter:TwitterChannel)" in message
    assert f"evil-twitter ({module}:FakeNetChannel)" in message
    assert module not in sys.modules  # refused before anything of the plugin ran
    with pytest.raises(ConfigError, match="registered by 2 distributions"):
        registry.make_channel(Account(name="x", channel="twitter", settings={}))
    # The clash is about that name only: the other channels still work.
    assert registry.channel_class("facebook").__name__ == "FacebookChannel"


def test_two_plugins_with_one_name_are_refused(install: Install) -> None:
    install("plugin-one", {"fakenet": "{module}:FakeNetChannel"})
    install("plugin-two", {"fakenet": "{module}:FakeNetChannel"})
    with pytest.raises(ConfigError, match=r"registered by 2 distributions: plugin-\w+ \(.*\) and plugin-\w+ \("):
        registry.channel_class("fakenet")


@pytest.mark.parametrize(
    ("target", "what"),
    [
        ("{module}:not_a_class", "a function"),
        ("{module}:NotAChannel", "the class NotAChannel"),
        ("{module}:INSTANCE", "a NotAChannel"),
    ],
)
def test_an_entry_point_that_is_not_a_channel_is_refused(install: Install, target: str, what: str) -> None:
    module = install("disseminator-oops", {"oops": target})
    with pytest.raises(ConfigError) as info:
        registry.channel_class("oops")
    assert str(info.value) == (
        f"channel 'oops' from disseminator-oops ({target.format(module=module)}) is {what}, "
        "not a subclass of channels.base.Channel"
    )


def test_an_abstract_channel_is_refused(install: Install) -> None:
    install("disseminator-half", {"half": "{module}:Half"})
    with pytest.raises(ConfigError, match=r"is abstract: it does not implement check, find_published, publish_part, render, validate$"):
        registry.channel_class("half")


def test_an_entry_point_that_cannot_be_imported_is_a_config_error(install: Install) -> None:
    install("disseminator-broken", {"gone": "no_such_module_here:Channel", "typo": "{module}:FakeNetChanel"})
    with pytest.raises(ConfigError, match=r"^channel 'gone' from disseminator-broken .* cannot be loaded: ModuleNotFoundError"):
        registry.channel_class("gone")
    with pytest.raises(ConfigError, match=r"^channel 'typo' .* cannot be loaded: AttributeError"):
        registry.channel_class("typo")
