"""A recognisable secret in every credential, every error path exercised: it leaks nowhere."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path
from urllib.parse import quote, quote_plus

import requests

from disseminator.sandbox import SandboxCredentials, SandboxOptions, start_sandbox
from tests.helpers import REPO, article_file, run_proc

CANARY = {
    # Characters that percent-encoding changes (+ / = & %), so every encoded form counts.
    "X_KEY": "CANARYck+7f/3e=9a&b%c-K3y9a",
    "X_SECRET": "CANARYcs-41d2b8",
    "X_TOKEN": "1500000000000000001-CANARYat5c6d",
    "X_TOKEN_SECRET": "CANARYts-90ab1e",
    "FB_TOKEN": "CANARYpt+b/c=d&e%f-EAAB77c1",
    # A bot token goes in the URL's path (api.telegram.org/bot<token>/METHOD).
    "TG_TOKEN": "7000000009:AACANARYtg_Zq9Xw8-Vu7Ts6Rr5Qq",
}


def _config(tmp: Path, url: str, dead: str) -> Path:
    accounts = ""
    for name, base in (("x", url), ("x_down", dead)):
        accounts += f"""
[accounts.{name}]
channel = "twitter"
base_url = "{base}"
consumer_key = "${{X_KEY}}"
consumer_secret = "${{X_SECRET}}"
access_token = "${{X_TOKEN}}"
access_token_secret = "${{X_TOKEN_SECRET}}"
"""
    accounts += f"""
[accounts.fb]
channel = "facebook"
base_url = "{url}"
page_id = "100000000000001"
access_token = "${{FB_TOKEN}}"

[accounts.ig]
channel = "instagram"
base_url = "{url}"
ig_user_id = "17841400000000001"
access_token = "${{FB_TOKEN}}"

[accounts.tg]
channel = "telegram"
base_url = "{url}/telegram"
bot_token = "${{TG_TOKEN}}"
chat_id = "@sandbox_humas"
"""
    path = tmp / "disseminator.toml"
    path.write_text(f'database = "sqlite:///{tmp}/canary.db"\n' + accounts, encoding="utf-8")
    return path


def test_secrets_never_leak(tmp_path: Path) -> None:
    creds = SandboxCredentials(
        x_consumer_key=CANARY["X_KEY"], x_consumer_secret=CANARY["X_SECRET"], x_access_token=CANARY["X_TOKEN"],
        x_access_token_secret=CANARY["X_TOKEN_SECRET"], fb_page_token=CANARY["FB_TOKEN"],
        telegram_bot_token=CANARY["TG_TOKEN"],
    )
    media = tmp_path / "media"
    media.mkdir()
    shutil.copy(REPO / "disseminator" / "data" / "contoh-bendungan.jpg", media / "f.jpg")
    server = start_sandbox(SandboxOptions(port=0, media_dir=str(media), credentials=creds))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    config = _config(tmp_path, server.url, dead)
    outputs: list[str] = []

    def run(*args: str) -> None:
        result = run_proc(["--debug", "--config", str(config), *args], cwd=tmp_path, env=CANARY)
        outputs.extend([result.out, result.err])

    def new_post(n: int) -> None:
        path = article_file(tmp_path, f"c{n}.md", title=f"Rilis nomor {n}", url=f"https://humas.example.go.id/r/{n}",
                            image=f"{server.url}/media/f.jpg")
        run("article", "add", str(path), "--json")
        run("schedule", str(n), "--now", "--json")

    try:
        run("init")
        faults = [
            {"next": [{"network": "any", "status": 503, "count": 4, "graph_code": 2}]},
            {"next": [{"network": "x", "status": 400, "count": 1}, {"network": "graph", "status": 400, "count": 2, "graph_code": 100}]},
            {"rate_limit": [{"network": "x", "reset_in": 60}, {"network": "graph", "reset_in": 60, "graph_code": 80001},
                            {"network": "telegram", "reset_in": 60}]},
            {"lose_response": [{"network": "x", "path": "/2/tweets", "count": 1},
                               {"network": "graph", "path": "*/feed", "count": 1},
                               {"network": "telegram", "path": "/sendPhoto", "count": 1}]},
            {"next": [{"network": "telegram", "status": 502, "style": "html", "count": 1}]},
            {},
        ]
        for n, fault in enumerate(faults, 1):
            server.set_faults(fault)
            new_post(n)
            run("run-due", "--json")
            run("queue", "--json")
        for token in (CANARY["X_TOKEN"], CANARY["FB_TOKEN"], CANARY["TG_TOKEN"]):
            requests.post(f"{server.url}/_sandbox/tokens/revoke", json={"token": token}, timeout=5)
        new_post(len(faults) + 1)
        run("run-due")
        run("accounts", "check", "--json")
        run("accounts", "check")
        requests.post(f"{server.url}/_sandbox/tokens/restore", json={}, timeout=5)
        run("accounts", "check")
        run("history", "--json")
        run("history", "--csv")
        run("queue")
        run("accounts", "list", "--json")
    finally:
        server.stop()

    everything = "\n".join(outputs)
    assert " DEBUG " in everything and "Updated headers" in everything  # the libraries' debug logs were on
    assert 'oauth_token="***"' in everything  # ...and they were redacted, not silent
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("canary.db*"))
    assert stored  # the database exists and was read
    for name, secret in CANARY.items():
        for form in {secret, quote(secret, safe=""), quote_plus(secret), quote(secret, safe="").lower()}:
            assert form not in everything, f"{name} leaked into output as {form!r}"
            assert form.encode() not in stored, f"{name} leaked into the database as {form!r}"
        # Also the distinctive part alone (a token could be cut or encoded).
        core = secret.split("-")[-1]
        assert core not in everything and core.encode() not in stored, f"{name} leaked (partially)"
