"""What someone does on the network behind the tool's back, for tests of ``record live``:
edit a post's text, delete a post, publish a post the tool never made.  Control routes
(:mod:`disseminator.sandbox.control`), not part of any network's API:

    POST /_sandbox/posts/<network>/<id>/edit    {"text": "..."}: the post now says this
    POST /_sandbox/posts/<network>/<id>/delete  gone from every read (kept among the
                                                deleted, as an API delete is)
    POST /_sandbox/outside                      {"network": "x" | "facebook" | "instagram",
                                                "account": the network's account id (a
                                                Page id, an X user id, an IG user id),
                                                "text": "..."}: a new post, as if made in
                                                the network's own app; answers the post
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from disseminator.sandbox.faults import FaultError
from disseminator.sandbox.state import iso_utc, public_post

if TYPE_CHECKING:
    from disseminator.sandbox.core import Sandbox

NETWORKS = ("x", "facebook", "instagram")


def edit(sb: Sandbox, network: str, post_id: str, body: dict[str, Any]) -> dict[str, Any] | None:
    """Change the post's text; None when there is no such post."""
    text = body.get("text")
    if not isinstance(text, str) or not text:
        raise FaultError("edit needs {\"text\": \"...\"}")
    with sb.state.lock:
        post = sb.state.find_post(network, post_id)
        if post is None:
            return None
        post["text"] = text
        sb.state.save()
        return public_post(post)


def delete(sb: Sandbox, network: str, post_id: str) -> dict[str, Any] | None:
    """Delete the post out of band; None when there is no such post."""
    post = sb.state.remove_post(network, post_id, deleted_at=iso_utc(sb.now()))
    return None if post is None else public_post(post)


def publish(sb: Sandbox, body: dict[str, Any]) -> dict[str, Any]:
    """A post made outside the tool on ``body``'s account."""
    network, account, text = body.get("network"), body.get("account"), body.get("text")
    if network not in NETWORKS:
        raise FaultError(f"network must be one of {', '.join(NETWORKS)}")
    if not isinstance(account, str) or not account or not isinstance(text, str) or not text:
        raise FaultError("outside needs {\"network\": ..., \"account\": \"<account id>\", \"text\": \"...\"}")
    extra: dict[str, Any]
    if network == "x":
        post_id = sb.state.next_snowflake()
        url = f"https://x.com/i/status/{post_id}"
        extra = {"conversation_id": post_id, "in_reply_to_user_id": None}
    elif network == "facebook":
        post_id = f"{account}_{sb.state.next_fb_id()}"
        url = f"https://www.facebook.com/{post_id}"
        extra = {}
    else:
        from disseminator.sandbox.instagram import _shortcode

        post_id = sb.state.next_ig_media_id()
        url = f"https://www.instagram.com/p/{_shortcode(post_id)}/"
        extra = {"shortcode": _shortcode(post_id), "media_type": "IMAGE", "alt_text": None}
    post = sb.state.add_post({"network": network, "id": post_id, "account": account, "text": text,
                              "created_at": iso_utc(sb.now()), "in_reply_to": None, "media": [], "url": url,
                              "extra": extra})
    return public_post(post)
