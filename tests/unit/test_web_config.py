"""``[web]`` is checked like every other section: unknown keys with a suggestion, values in
their ranges, one line naming the file and the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from disseminator.config import load_settings
from disseminator.errors import ConfigError


def _load(tmp_path: Path, web: str) -> object:
    path = tmp_path / "c.toml"
    path.write_text(f'database = "sqlite:///x.db"\n\n[web]\n{web}\n', encoding="utf-8")
    return load_settings(path)


def test_defaults_listen_on_this_machine_only(tmp_path: Path) -> None:
    web = _load(tmp_path, "").web  # type: ignore[attr-defined]
    assert (web.enabled, web.host, web.port, web.secure_cookies) == (False, "127.0.0.1", 8080, False)
    assert (web.session_idle, web.session_max, web.login_attempts, web.login_wait) == (1800, 43_200, 5, 300)


def test_values_are_read(tmp_path: Path) -> None:
    web = _load(tmp_path, 'enabled = true\nhost = "0.0.0.0"\nport = 9000\nsecure_cookies = true\n'
                          'session_idle = 600\nsession_max = 3600\nlogin_attempts = 3\nlogin_wait = 60').web  # type: ignore[attr-defined]
    assert (web.enabled, web.host, web.port, web.secure_cookies) == (True, "0.0.0.0", 9000, True)
    assert (web.session_idle, web.session_max, web.login_attempts, web.login_wait) == (600, 3600, 3, 60)


@pytest.mark.parametrize(("web", "message"), [
    ("prot = 8080", "c.toml:4: web.prot: unknown setting (did you mean 'port'?)"),
    ("port = 0", "c.toml:4: web.port: expected a whole number from 1 to 65,535, got 0"),
    ('port = "8080"', "c.toml:4: web.port: expected a whole number from 1 to 65,535, got a string"),
    ('enabled = "yes"', "c.toml:4: web.enabled: expected true or false"),
    ('host = "http://x/"', 'c.toml:4: web.host: expected an address to listen on such as "127.0.0.1"'),
    ("session_idle = 7200\nsession_max = 3600",
     "c.toml:4: web.session_idle: 7200 s is longer than web.session_max (3600 s)"),
    ("login_attempts = 0", "c.toml:4: web.login_attempts: expected a whole number from 1 to 100, got 0"),
])
def test_bad_values_are_one_line(tmp_path: Path, web: str, message: str) -> None:
    with pytest.raises(ConfigError) as found:
        _load(tmp_path, web)
    assert str(found.value).endswith(message), str(found.value)


def test_two_requests_speak_two_languages_at_once() -> None:
    """The web page chooses the language per request (a context), not per process."""
    import threading

    from channels import i18n

    seen: dict[str, str] = {}

    def speak(code: str) -> None:
        with i18n.speaking(code):
            seen[code] = i18n._("drafter") + "|" + i18n.current()

    threads = [threading.Thread(target=speak, args=(c,)) for c in ("id", "en")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen["en"] == "drafter|en"
    assert seen["id"] == "penyusun|id"
    assert i18n.current() == "en"  # the process's language is untouched
