"""Unknown keys are typos: the file, the line and the closest known key (issue 9, point 4).

Also: each channel declares every account key it reads (so the check refuses no real
setting), every ``${VAR}`` not set is named, and a configuration problem is the
configuration's to say, asked afresh (never stored).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from disseminator.config import load_settings
from disseminator.config_keys import _Lines
from disseminator.errors import ConfigError
from disseminator.registry import channel_class
from tests.helpers import REPO

CHANNELS = ("twitter", "facebook", "instagram", "telegram", "threads", "bluesky", "mastodon")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for var in ("DISSEMINATOR_CONFIG", "DISSEMINATOR_DATABASE", "DISSEMINATOR_TIMEZONE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)


def _declared(name: str) -> set[str]:
    cls = channel_class(name)
    return {"channel", "base_url", *cls.required_settings, *cls.secret_keys, *cls.optional_settings}


def test_every_account_key_a_channel_reads_is_declared() -> None:
    """``account.get("x")`` / ``settings["x"]`` in channels/ and the core: some channel declares x."""
    declared = set().union(*(_declared(n) for n in CHANNELS))
    sources = [*sorted((REPO / "channels").glob("*.py")), REPO / "disseminator" / "accounts.py"]
    read = set()
    for path in sources:
        text = path.read_text(encoding="utf-8")
        read |= set(re.findall(r"""account\.get\(\s*["']([a-z_]+)["']""", text))
        read |= set(re.findall(r"""\bs\[["']([a-z_]+)["']\]""", text))  # twitter: s = self.account.settings
    assert read, "the pattern no longer finds the reads"
    assert read <= declared, sorted(read - declared)


@pytest.mark.parametrize("name", CHANNELS)
def test_every_declared_key_is_read_somewhere(name: str) -> None:
    """A declaration the code does not read would let a typo of a real key pass."""
    code = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "channels").glob("*.py"))
    code += (REPO / "disseminator" / "config.py").read_text(encoding="utf-8")
    for key in _declared(name):
        assert re.search(rf"""["']{key}["']""", code), key


def _refused(tmp_path: Path, text: str) -> str:
    (tmp_path / "disseminator.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings()
    assert info.value.exit_code == 2 and "\n" not in info.value.message
    return info.value.message


TWITTER = '[accounts.a]\nchannel = "twitter"\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('timezone = "UTC"\ndatabse = "sqlite:///x.db"\n', "disseminator.toml:2: databse: unknown setting (did you mean 'database'?)"),
        ('[acounts.x]\nchannel = "twitter"\n', "disseminator.toml:1: acounts: unknown section (did you mean 'accounts'?)"),
        ("[worker]\nlease_seconds = 9\n\ntick_second = 5\n",
         "disseminator.toml:4: worker.tick_second: unknown setting (did you mean 'tick_seconds'?)"),
        ('[media]\ndir = "m"\ndatabase = "sqlite:///x.db"\n',
         "disseminator.toml:3: media.database: unknown setting (database belongs at the top of the file, before the first [section])"),
        (TWITTER + "max_hashtags = 3\n",
         "disseminator.toml:3: accounts.a.max_hashtags: unknown setting for a twitter account "
         "(max_hashtags is a setting of facebook and telegram and threads accounts)"),
        (TWITTER + "timeout = 3\n", "(timeout is a setting of facebook and instagram and mastodon and telegram and threads and tiktok accounts)"),
        (TWITTER + "colour = 3\n", "(known: access_token, access_token_secret, approval, base_url, channel, "),
        (TWITTER + "thred = true\n", "disseminator.toml:3: accounts.a.thred: unknown setting for a twitter account (did you mean 'thread'?)"),
        ('[accounts.a]\nchannel = "fb"\n', "disseminator.toml:2: accounts.a.channel: unknown channel 'fb' (known: bluesky, facebook, "
                                             "instagram, mastodon, telegram, threads, tiktok, twitter); did you mean 'facebook'?"),
        ('[accounts.a]\nchannel = "twiter"\n', "did you mean 'twitter'?"),
        ('[accounts."humas.x"]\nchannel = "twitter"\n"api key" = "k"\n',
         'disseminator.toml:3: accounts."humas.x"."api key": unknown setting for a twitter account'),
        ("worker = 3\n", "disseminator.toml:1: worker: expected a table, got int"),
        ("[accounts]\na = 3\n", "disseminator.toml:2: accounts.a: expected a table, got int"),
    ],
)
def test_unknown_keys_name_file_line_and_closest(tmp_path: Path, text: str, message: str) -> None:
    assert message in _refused(tmp_path, text)


def test_a_value_error_names_its_line_even_in_a_long_file(tmp_path: Path) -> None:
    # The first tick_seconds is inside a multi-line string (line 5): the scan must skip it.
    text = ('[accounts.a]\nchannel = "instagram"\nlink_phrase = """\n[worker]\ntick_seconds = 0\n"""\n'
            "[worker]\nlease_seconds = 9\ntick_seconds = 0\n")
    assert _refused(tmp_path, text).startswith("disseminator.toml:9: worker.tick_seconds: expected")


def test_lines_of_keys() -> None:
    lines = _Lines(
        'a = 1\n'                        # 1
        '[t]\n'                          # 2
        'x.y = 2\n'                      # 3
        '"q.k" = 3\n'                    # 4
        "s = '''\n"                      # 5
        "z = 9\n"                        # 6 (inside a string: not a key)
        "'''\n"                          # 7
        "u = { inner = 1 }\n"            # 8
        "[ t . 'sub' ]\n"                # 9
        "z = 4\n"                        # 10
    )
    assert lines.of(("a",)) == 1 and lines.of(("t",)) == 2
    assert lines.of(("t", "x", "y")) == 3 and lines.of(("t", "x")) == 3
    assert lines.of(("t", "q.k")) == 4
    assert lines.of(("t", "z")) == 2  # not line 6: the table's line
    assert lines.of(("t", "u", "inner")) == 8  # inside an inline table: the key holding it
    assert lines.of(("t", "sub", "z")) == 10
    assert lines.of(("nowhere",)) is None
    assert _Lines(None).of(("a",)) is None


MISSING = """
[accounts.humas_x]
channel = "twitter"
consumer_key = "${DSM_A}"
consumer_secret = "${DSM_B}"
access_token = "${DSM_A}"
access_token_secret = "literal"
"""


def test_every_unset_variable_is_named_and_asked_afresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "disseminator.toml").write_text(MISSING)
    monkeypatch.delenv("DSM_A", raising=False)
    monkeypatch.delenv("DSM_B", raising=False)
    s = load_settings()
    why = s.account_problem("humas_x")
    assert why == ("disseminator.toml: accounts.humas_x: environment variables DSM_A (consumer_key, access_token) "
                   "and DSM_B (consumer_secret) are not set")
    with pytest.raises(ConfigError) as info:
        s.account("humas_x")
    assert info.value.message == why
    assert s.account_problems() == {"humas_x": why}
    monkeypatch.setenv("DSM_A", "a-value")
    assert s.account_problem("humas_x") == "disseminator.toml: accounts.humas_x.consumer_secret: environment variable DSM_B is not set"
    monkeypatch.setenv("DSM_B", "")  # set, but empty: a required setting left empty
    assert s.account_problem("humas_x") == "accounts.humas_x: missing consumer_secret (required for twitter)"
    monkeypatch.setenv("DSM_B", "b-value")
    assert s.account_problem("humas_x") is None and s.account_problems() == {}
