"""The ``sandbox`` click command: documented options, light imports, the start-up line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from disseminator.sandbox.cli import sandbox_command

REPO = Path(__file__).resolve().parents[2]


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_help_documents_every_option_and_fault() -> None:
    """What --help says is checked against what the sandbox does: every option's own help
    text, every key the fault parser accepts, and every control route it serves."""
    import re

    from disseminator.sandbox.control import ROUTES
    from disseminator.sandbox.faults import FaultError, Faults

    result = CliRunner().invoke(sandbox_command, ["--help"])
    assert result.exit_code == 0
    shown = _flat(result.output)
    for param in sandbox_command.params:
        assert getattr(param, "help", None), f"{param.opts} has no help text"
        assert _flat(param.help)[:40] in shown, param.opts  # type: ignore[attr-defined]
    # The fault keys, as the parser itself lists them when refusing an unknown one.
    with pytest.raises(FaultError) as refused:
        Faults(0, {}).set({"no_such_fault": 1})
    known = re.search(r"\(known: ([^)]*)\)", str(refused.value))
    assert known, str(refused.value)
    keys = known[1].split(", ")
    assert {"next", "rate_limit", "lose_response"} <= set(keys)
    for key in keys:
        assert f'"{key}"' in shown or f"{key}:" in shown, f"fault key {key!r} is not documented"
    for rule in ROUTES.iter_rules():
        prefix = rule.rule.split("<")[0]
        if prefix != "/":
            assert prefix in shown, f"control route {rule.rule} is not documented"
    for action in ("revoke", "restore"):  # the <any(...)> route
        assert f"/_sandbox/tokens/{action}" in shown


def test_importing_the_command_is_light() -> None:
    code = (
        "import sys; from disseminator.sandbox.cli import sandbox_command; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('werkzeug', 'requests', 'tweepy', 'facebook')))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_bad_fault_file_is_a_clear_error(tmp_path) -> None:
    bad = tmp_path / "faults.json"
    bad.write_text(json.dumps({"error_rate": 3}))
    result = CliRunner().invoke(sandbox_command, ["--port", "0", "--faults", str(bad)])
    assert result.exit_code != 0 and "error_rate" in result.output


def test_command_prints_listening_line_and_serves(tmp_path) -> None:
    faults = tmp_path / "faults.json"
    faults.write_text(json.dumps({"latency_ms": 1}))
    code = "from disseminator.sandbox.cli import sandbox_command; sandbox_command()"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "--port", "0", "--data", str(tmp_path / "d"), "--faults", str(faults)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        assert line.startswith("Sandbox listening on http://127.0.0.1:")
        url = line.rsplit(" ", 1)[1]
        assert requests.get(url + "/_sandbox/faults", timeout=5).json()["latency_ms"] == 1
        assert requests.get(url + "/_sandbox/health", timeout=5).json()["persistent"] is True
    finally:
        proc.terminate()
        proc.wait(timeout=10)
