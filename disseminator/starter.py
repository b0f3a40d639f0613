"""Starter configurations written by ``disseminator init``."""

from __future__ import annotations

from .sandbox.credentials import DEFAULT as SB

HEADER = """\
# Disseminator configuration. Reference: README.md, section "Configuration".
# Credentials are written as ${ENV_VAR} and read from the environment when publishing.
language = "id"                            # messages in Bahasa Indonesia; "en" for English
timezone = "Asia/Jakarta"
database = "sqlite:///disseminator.db"     # or "postgresql://user@host/dbname"

[media]
dir = "media"                              # prepared images are written here
# public_base_url = "https://humas.example.go.id/media"   # where that folder is served
"""

REAL_ACCOUNTS = """
# [accounts.humas_x]
# channel = "twitter"
# consumer_key = "${X_CONSUMER_KEY}"
# consumer_secret = "${X_CONSUMER_SECRET}"
# access_token = "${X_ACCESS_TOKEN}"
# access_token_secret = "${X_ACCESS_TOKEN_SECRET}"
# hashtags = ["#Humas"]                    # always first
#
# [accounts.humas_fb]
# channel = "facebook"
# page_id = "1234567890"
# access_token = "${FB_PAGE_TOKEN}"
#
# [accounts.humas_ig]
# channel = "instagram"
# ig_user_id = "17841400000000000"
# access_token = "${FB_PAGE_TOKEN}"
# link_phrase = "Tautan di bio"
#
# [accounts.humas_telegram]
# channel = "telegram"
# bot_token = "${TELEGRAM_BOT_TOKEN}"        # from @BotFather; the bot is an admin of the channel
# chat_id = "@humas_kanal"                 # or the channel's numeric id, -100...
# [accounts.humas_threads]
# channel = "threads"
# threads_user_id = "25000000000000000"
# access_token = "${THREADS_TOKEN}"      # long-lived: 60 days, refresh before then
# [accounts.humas_bsky]
# channel = "bluesky"
# handle = "humas.example.go.id"           # or humas.bsky.social
# app_password = "${BSKY_APP_PASSWORD}"    # Settings > Privacy and security > App passwords
# [accounts.humas_mastodon]
# channel = "mastodon"
# api_base_url = "https://mastodon.social"   # the instance the account lives on
# access_token = "${MASTODON_TOKEN}"
# visibility = "public"
"""


def sandbox_accounts(url: str) -> str:
    """One account per network, all pointing at the sandbox at ``url``: ours, then those
    of the sandbox networks other packages install (disseminator.sandbox.plugins)."""
    from .sandbox.plugins import sandbox_networks

    url = url.rstrip("/")
    return _our_accounts(url) + "".join("\n" + network.account(url) for network in sandbox_networks())


def _our_accounts(url: str) -> str:
    return f"""
# These accounts talk to the local sandbox (disseminator sandbox), not the real networks.
# Its credentials are public test values; real accounts use ${{ENV_VAR}} references.
[accounts.sandbox_x]
channel = "twitter"
base_url = "{url}"
consumer_key = "{SB.x_consumer_key}"
consumer_secret = "{SB.x_consumer_secret}"
access_token = "{SB.x_access_token}"
access_token_secret = "{SB.x_access_token_secret}"
username = "{SB.x_username}"

[accounts.sandbox_fb]
channel = "facebook"
base_url = "{url}"
page_id = "{SB.fb_page_id}"
access_token = "{SB.fb_page_token}"

[accounts.sandbox_ig]
channel = "instagram"
base_url = "{url}"
ig_user_id = "{SB.ig_user_id}"
access_token = "{SB.fb_page_token}"

[accounts.sandbox_tg]
channel = "telegram"
base_url = "{url}/telegram"
bot_token = "{SB.telegram_bot_token}"
chat_id = "{SB.telegram_channel}"

[accounts.sandbox_th]
channel = "threads"
base_url = "{url}/threads"
threads_user_id = "{SB.threads_user_id}"
access_token = "{SB.threads_token}"

[accounts.sandbox_bs]
channel = "bluesky"
base_url = "{url}/bluesky"
handle = "{SB.bsky_handle}"
app_password = "{SB.bsky_app_password}"

[accounts.sandbox_md]
channel = "mastodon"
base_url = "{url}/mastodon"
api_base_url = "https://{SB.mastodon_host}"
access_token = "{SB.mastodon_token}"
"""


def starter_config(sandbox_url: str | None = None, *, database: str | None = None) -> str:
    text = HEADER
    if database:
        text = text.replace('database = "sqlite:///disseminator.db"', f'database = "{database}"')
    if sandbox_url:
        # The sandbox also plays the institution's web server: it serves the media
        # folder when started with --media-dir pointing at it.
        text = text.replace(
            '# public_base_url = "https://humas.example.go.id/media"   # where that folder is served',
            f'public_base_url = "{sandbox_url.rstrip("/")}/media"   # disseminator sandbox --media-dir media',
        )
    return text + (sandbox_accounts(sandbox_url) if sandbox_url else REAL_ACCOUNTS)
