"""The ``sandbox`` click command: documented options, light imports, the start-up line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import requests
from click.testing import CliRunner

from disseminator.sandbox.cli import sandbox_command

REPO = Path(__file__).resolve().parents[2]


def test_help_documents_every_option_and_fault() -> None:
    result = CliRunner().invoke(sandbox_command, ["--help"])
    assert result.exit_code == 0
    for param in sandbox_command.params:
        for opt in param.opts:
            assert opt in result.output, opt
    for words in ("latency_ms", "error_rate", "lose_response", "rate_limit", "graph_code", "reset_in",
                  "POST /_sandbox/faults", "/_sandbox/tokens/revoke", "/_sandbox/reset", "seed"):
        assert words in result.output, words


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
