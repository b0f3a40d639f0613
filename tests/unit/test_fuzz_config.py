"""Any value for any known setting either loads or is one ConfigError (exit 2), never a crash.

Random TOML values (numbers negative, zero, huge, nan and inf; strings; booleans; dates;
arrays; tables) for each key the configuration knows, written to a file and read by the
loader the CLI uses.  What loads must also be usable: every numeric setting converts the
way its reader converts it and lies in its documented range.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from disseminator import setting_ranges
from disseminator.config import load_settings
from disseminator.errors import ConfigError

#: (table, key) for every setting; the account is a twitter one unless the key says.
KEYS: list[tuple[str, str]] = [
    ("", "database"), ("", "timezone"),
    ("media", "dir"), ("media", "public_base_url"), ("media", "fetch_timeout"), ("media", "max_image_mb"),
    ("fetch", "allow_hosts"),
    *[("worker", key) for key in setting_ranges.WORKER],
    *[("accounts.a", key) for key in setting_ranges.ACCOUNT],
    *[("accounts.a", key) for key in setting_ranges.ACCOUNT_FLAGS],
    ("accounts.a", "channel"), ("accounts.a", "base_url"), ("accounts.a", "template"), ("accounts.a", "hashtags"),
    ("accounts.a", "utm"), ("accounts.a", "username"), ("accounts.a", "link_phrase"), ("accounts.a", "api_version"),
]

#: Account keys only Facebook or Instagram accounts take (an account takes its channel's keys).
OWNER = {key: "instagram" for key in ("timeout", "poll_seconds", "poll_timeout", "link_phrase", "api_version")}
OWNER.update(max_hashtags="facebook", photo="facebook")

TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=20)


def toml_value(value: Any) -> str:
    """``value`` written as TOML (json.dumps writes valid TOML basic strings)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, (int, float, str)):
        return json.dumps(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


scalars = st.one_of(
    st.integers(),
    st.integers(min_value=-2**63, max_value=2**63 - 1),
    st.sampled_from([0, -1, 1, 2**63 - 1, -2**63, 0.0, -0.0, 1e308, 5e-324, math.nan, math.inf, -math.inf]),
    st.floats(),
    st.booleans(),
    TEXT,
    st.sampled_from(["", "0", "30", "${UNSET_VAR}", "http://127.0.0.1:1", "Asia/Jakarta", "../x", "\x00", "sqlite:///a\x00b"]),
    st.datetimes(min_value=dt.datetime(1, 1, 1), timezones=st.none() | st.just(dt.timezone.utc)),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=6,
)
documents = st.dictionaries(st.sampled_from(KEYS), values, max_size=4)


def toml_document(chosen: dict[tuple[str, str], Any]) -> str:
    tables: dict[str, list[str]] = {"": []}
    keys = [key for table, key in chosen if table == "accounts.a"]
    if keys:  # the channel of the first key that needs one (two channels' keys: one is refused)
        channel = next((OWNER[k] for k in keys if k in OWNER), "twitter")
        tables["accounts.a"] = [f'channel = "{channel}"']
    for (table, key), value in chosen.items():
        tables.setdefault(table, [])
        tables[table] = [line for line in tables[table] if not line.startswith(f"{key} =")]
        tables[table].append(f"{key} = {toml_value(value)}")
    return "\n".join([*tables.pop(""), *(f"[{name}]\n" + "\n".join(lines) for name, lines in tables.items())]) + "\n"


#: [worker] settings that may be absent (None): off unless set.
OPTIONAL_WORKER = {"metrics_port"}


def usable(path: Path) -> None:
    """Load ``path``; what loads must hold the values its readers expect."""
    loaded = load_settings(path)
    for key, rng in setting_ranges.WORKER.items():
        value = getattr(loaded.worker, key)
        if value is None:  # an optional setting left out (metrics_port: no metrics)
            assert key in OPTIONAL_WORKER, key
            continue
        assert rng.problem(value) is None, key
    for name in loaded.account_names():
        account = loaded.account(name, resolve=False)
        for key, rng in setting_ranges.ACCOUNT.items():
            if account.get(key) is not None:
                number = (int if rng.whole else float)(account.get(key))
                assert rng.low <= number <= rng.high, key
        for key in setting_ranges.ACCOUNT_FLAGS:
            assert isinstance(account.get(key, False), bool), key
        for key, (kind, _) in setting_ranges.ACCOUNT_KINDS.items():
            assert isinstance(account.get(key, kind()), kind), key
    assert isinstance(loaded.media.dir, Path) and isinstance(loaded.timezone, str)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
@example({("", "database"): "sqlite:///a\x00b"})  # crashed Path.resolve with a ValueError
@example({("media", "dir"): []})  # crashed Path() with a TypeError
@example({("worker", "tick_seconds"): 0, ("accounts.a", "thread"): "false"})
def test_every_value_loads_or_is_a_config_error(chosen: dict[tuple[str, str], Any]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "disseminator.toml"
        path.write_text(toml_document(chosen), encoding="utf-8")
        try:
            usable(path)
        except ConfigError as exc:
            assert exc.exit_code == 2
            assert "\n" not in exc.message and exc.message.startswith(str(path))
