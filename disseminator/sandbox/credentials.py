"""The credentials the sandbox accepts unless started with others.

They are public on purpose: they only open the local sandbox.  ``disseminator init
--sandbox`` and ``disseminator demo`` write them into configurations that point at it.
"""

from __future__ import annotations

from dataclasses import dataclass


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


DEFAULT = SandboxCredentials()
