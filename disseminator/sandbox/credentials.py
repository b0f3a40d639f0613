"""The credentials the sandbox accepts unless started with others.

They are public on purpose: they only open the local sandbox.  ``disseminator init
--sandbox`` and ``disseminator demo`` write them into configurations that point at it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class SandboxCredentials:
    x_consumer_key: str = "sandbox-consumer-key"
    x_consumer_secret: str = "sandbox-consumer-secret"
    # tweepy takes the user id from the access token's prefix, as X issues them.
    x_access_token: str = "1500000000000000001-sandboxaccesstoken"
    x_access_token_secret: str = "sandbox-access-token-secret"
    x_user_id: str = "1500000000000000001"
    x_username: str = "sandbox_humas"
    fb_page_id: str = "100000000000001"
    fb_page_name: str = "Sandbox Humas"
    fb_page_token: str = "sandbox-page-token"
    ig_user_id: str = "17841400000000001"
    ig_username: str = "sandbox.humas"
    # A Telegram bot token as BotFather issues them: the bot's id, a colon, 35 characters.
    telegram_bot_token: str = "7000000001:AAsandbox-bot-token-for-local-tests0"
    telegram_bot_id: int = 7000000001
    telegram_bot_username: str = "sandbox_humas_bot"
    telegram_channel: str = "@sandbox_humas"
    telegram_chat_id: int = -1001500000000001
    threads_user_id: str = "25000000000000001"
    threads_username: str = "sandbox.humas"
    threads_token: str = "sandbox-threads-token"
    # Bluesky: a handle, its DID and an app password in Bluesky's xxxx-xxxx-xxxx-xxxx form.
    bsky_handle: str = "sandbox-humas.bsky.social"
    bsky_did: str = "did:plc:sandboxhumasaaaaaaaaaaaa"
    bsky_app_password: str = "sbox-humas-test-pass"
    #: The Mastodon instance the sandbox plays (an account's api_base_url) and its account.
    mastodon_host: str = "mastodon.sandbox.example"
    mastodon_token: str = "sandbox-mastodon-token"
    mastodon_account_id: str = "109000000000000001"
    mastodon_username: str = "sandbox_humas"


DEFAULT = SandboxCredentials()


@dataclass(frozen=True)
class XUser:
    """One X account the sandbox knows: who it is and the OAuth 1.0a secrets it signs with."""

    user_id: str
    username: str
    name: str
    consumer_key: str
    consumer_secret: str
    access_token: str
    access_token_secret: str


def default_x_users(creds: SandboxCredentials = DEFAULT) -> tuple[XUser, ...]:
    """The X accounts of a sandbox started with ``creds``.

    Besides the institution's own account there is a second, ordinary account (a citizen):
    tests and demos need a post by someone else to exercise the reply policy.
    """
    own = XUser(
        user_id=creds.x_user_id,
        username=creds.x_username,
        name=creds.fb_page_name,
        consumer_key=creds.x_consumer_key,
        consumer_secret=creds.x_consumer_secret,
        access_token=creds.x_access_token,
        access_token_secret=creds.x_access_token_secret,
    )
    citizen = replace(
        OTHER_X_USER, consumer_key=creds.x_consumer_key, consumer_secret=creds.x_consumer_secret
    )
    return (own, citizen)


# Shares the consumer (app) with the institution's account, as two users of one app do.
OTHER_X_USER = XUser(
    user_id="1500000000000000002",
    username="sandbox_warga",
    name="Warga Sandbox",
    consumer_key=DEFAULT.x_consumer_key,
    consumer_secret=DEFAULT.x_consumer_secret,
    access_token="1500000000000000002-sandboxcitizentoken",
    access_token_secret="sandbox-citizen-token-secret",
)


@dataclass(frozen=True)
class BskyUser:
    """One Bluesky account the sandbox knows: handle, DID and the app password it logs in with."""

    handle: str
    did: str
    app_password: str


def default_bsky_users(creds: SandboxCredentials = DEFAULT) -> tuple[BskyUser, ...]:
    """The institution's Bluesky account and a citizen's (a handle to mention)."""
    return (BskyUser(creds.bsky_handle, creds.bsky_did, creds.bsky_app_password),
            BskyUser("warga-sandbox.bsky.social", "did:plc:sandboxwargaaaaaaaaaaaa", "warg-asan-dbox-pass"))
