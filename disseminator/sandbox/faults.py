"""Injected failures: latency, random 5xx, scripted errors, rate-limit exhaustion, lost answers.

The fault set is one JSON document (``POST /_sandbox/faults`` replaces it)::

    {"latency_ms": 200,            every response delayed this long
     "error_rate": 0.1,            probability of a 5xx (JSON, HTML or empty body)
     "seed": 7,                    reseeds the random source (default: the --seed option)
     "next": [{"network": "x" | "graph" | "telegram" | "threads" | "bluesky" | "mastodon" | "any", "path": "/2/tweets", "method": "POST",
               "status": 503, "body": {...}, "graph_code": 2, "graph_subcode": null,
               "style": "html", "count": 1}],
                                   the next N matching calls get this error; "style" sends
                                   an odd answer with that status instead (see STYLES)
     "rate_limit": [{"network": "x" | "graph" | "telegram" | "mastodon" | ..., "path": "...", "reset_in": 60,
                     "graph_code": 80001}],   X: remaining 0 and a 429 until the reset;
                                              Graph: error 4 / 17 / 32 / 80001 meanwhile;
                                              Telegram: 429 with retry_after
     "lose_response": [{"network": "x", "path": "/2/tweets", "count": 1}]}
                                   the write happens and is stored, then the connection
                                   is closed without an answer

``path`` is a shell glob (``*/feed``) or, when it starts with ``^``, a regular
expression; Graph paths match with or without their ``/vNN.N`` prefix, Telegram's as
the whole path or the method alone (``/sendMessage``), Mastodon paths with or without
``/mastodon``.  Every random
choice comes from one ``random.Random(seed)``, reseeded whenever the faults are set, so
the same faults and the same calls give the same failures.
"""

from __future__ import annotations

import copy
import fnmatch
import random
import re
import threading
import time
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Response

from disseminator.sandbox.respond import GRAPH_JSON, graph_error, json_response, x_problem

if TYPE_CHECKING:
    from disseminator.sandbox.plugins import SandboxNetwork

NETWORKS = ("x", "graph", "telegram", "threads", "bluesky", "mastodon", "any")
_ALIASES = {"twitter": "x", "facebook": "graph", "instagram": "graph", "ig": "graph", "tg": "telegram", "bsky": "bluesky"}
#: Networks that answer with Graph's error object (Threads: type THApiException).
GRAPH_STYLE = ("graph", "threads")
_KEYS = {"latency_ms", "error_rate", "seed", "next", "rate_limit", "lose_response"}
#: Odd answers a ``next`` entry can ask for with ``"style"`` (any status, 200 included).
STYLES = {
    "json": "the network's own error JSON (the default)",
    "html": "an HTML page, as a proxy or load balancer sends",
    "empty": "an empty body",
    "json_no_error": "JSON without the network's error shape ({\"message\": ...})",
    "truncated": "JSON cut off half-way",
    "no_content_type": "a body without a Content-Type header",
}
_REASONS = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}
GRAPH_LIMIT_MESSAGES = {
    4: "(#4) Application request limit reached",
    17: "(#17) User request limit reached",
    32: "(#32) Page request limit reached",
    613: "(#613) Calls to this api have exceeded the rate limit.",
    80001: "(#80001) There have been too many calls to this Page account. Wait a bit and try again. "
    "For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting.",
    80002: "(#80002) There have been too many calls to this Instagram account. Wait a bit and try again. "
    "For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting.",
}


class FaultError(ValueError):
    """The fault document is malformed; the message says which key and why."""


def _network(value: Any, where: str) -> str:
    from disseminator.sandbox.plugins import sandbox_networks

    net = _ALIASES.get(str(value), str(value))
    known = (*NETWORKS, *(n.name for n in sandbox_networks()))
    if net not in known:
        raise FaultError(f"{where}.network must be one of {', '.join(known)} (got {value!r})")
    return net


def _entries(doc: dict[str, Any], key: str) -> list[dict[str, Any]]:
    raw = doc.get(key) or []
    raw = [raw] if isinstance(raw, dict) else raw
    if not isinstance(raw, list) or not all(isinstance(e, dict) for e in raw):
        raise FaultError(f"{key} must be an object or a list of objects")
    out = []
    for i, entry in enumerate(raw):
        entry = dict(entry)
        entry["network"] = _network(entry.get("network", "any"), f"{key}[{i}]")
        path = entry.get("path")
        if path is not None and not isinstance(path, str):
            raise FaultError(f"{key}[{i}].path must be a string")
        if path and path.startswith("^"):
            try:
                re.compile(path)
            except re.error as exc:
                raise FaultError(f"{key}[{i}].path is not a valid regular expression: {exc}") from exc
        out.append(entry)
    return out


def normalize(doc: dict[str, Any], now: float) -> dict[str, Any]:
    """Check a fault document and fill in defaults.  Raises FaultError when it is wrong."""
    if not isinstance(doc, dict):
        raise FaultError("the faults must be a JSON object")
    unknown = set(doc) - _KEYS
    if unknown:
        raise FaultError(f"unknown fault keys: {', '.join(sorted(unknown))} (known: {', '.join(sorted(_KEYS))})")
    latency = doc.get("latency_ms", 0)
    rate = doc.get("error_rate", 0.0)
    if not isinstance(latency, (int, float)) or latency < 0:
        raise FaultError("latency_ms must be a number >= 0")
    if not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
        raise FaultError("error_rate must be a number between 0 and 1")
    out: dict[str, Any] = {"latency_ms": latency, "error_rate": float(rate)}
    if "seed" in doc:
        out["seed"] = int(doc["seed"])
    out["next"] = _entries(doc, "next")
    for i, entry in enumerate(out["next"]):
        if not isinstance(entry.get("status", 0), int):
            raise FaultError(f"next[{i}].status must be an integer")
        if "status" not in entry and "graph_code" not in entry:
            raise FaultError(f"next[{i}] needs a status or a graph_code")
        if "style" in entry and entry["style"] not in STYLES:
            raise FaultError(f"next[{i}].style must be one of {', '.join(STYLES)} (got {entry['style']!r})")
        entry["count"] = int(entry.get("count", 1))
    out["rate_limit"] = _entries(doc, "rate_limit")
    for entry in out["rate_limit"]:
        entry["reset_in"] = float(entry.get("reset_in", 900))
        entry["reset_at"] = now + entry["reset_in"]
    out["lose_response"] = _entries(doc, "lose_response")
    for entry in out["lose_response"]:
        entry["count"] = int(entry.get("count", 1))
    return out


def _matches(entry: dict[str, Any], network: str, method: str, paths: tuple[str, ...]) -> bool:
    if entry["network"] not in ("any", network):
        return False
    if entry.get("method") and str(entry["method"]).upper() != method.upper():
        return False
    pattern = entry.get("path")
    if not pattern:
        return True
    if pattern.startswith("^"):
        return any(re.search(pattern, p) for p in paths)
    return any(fnmatch.fnmatchcase(p, pattern) for p in paths)


class Faults:
    """The current fault set and the seeded random source; thread-safe."""

    def __init__(self, seed: int, initial: dict[str, Any] | None = None) -> None:
        self._lock = threading.Lock()
        self._default_seed = seed
        self.set(initial or {})

    def set(self, doc: dict[str, Any]) -> None:
        """Replace the fault set and reseed.  Raises FaultError when ``doc`` is wrong."""
        try:
            config = normalize(doc, time.time())
        except FaultError:
            raise
        except (TypeError, ValueError) as exc:  # e.g. "count": "many"
            raise FaultError(f"a fault value has the wrong type: {exc}") from exc
        with self._lock:
            self._config = config
            self._rng = random.Random(config.get("seed", self._default_seed))

    def describe(self) -> dict[str, Any]:
        """The current fault set, with the counts still to serve (``GET /_sandbox/faults``)."""
        with self._lock:
            return copy.deepcopy(self._config)

    @property
    def latency_ms(self) -> float:
        return float(self._config["latency_ms"])

    def _take(self, key: str, network: str, method: str, paths: tuple[str, ...]) -> dict[str, Any] | None:
        with self._lock:
            for entry in self._config[key]:
                if entry["count"] > 0 and _matches(entry, network, method, paths):
                    entry["count"] -= 1
                    return dict(entry)
            return None

    def take_next(self, network: str, method: str, paths: tuple[str, ...]) -> dict[str, Any] | None:
        """The scripted error for this call, if one is due (its count is consumed)."""
        return self._take("next", network, method, paths)

    def take_lose(self, network: str, method: str, paths: tuple[str, ...]) -> bool:
        """Whether this call's answer should be lost (its count is consumed)."""
        return self._take("lose_response", network, method, paths) is not None

    def rate_limited(self, network: str, method: str, paths: tuple[str, ...]) -> dict[str, Any] | None:
        """The active rate-limit exhaustion covering this call, if any."""
        now = time.time()
        with self._lock:
            for entry in self._config["rate_limit"]:
                if entry["reset_at"] > now and _matches(entry, network, method, paths):
                    return dict(entry)
            return None

    def random_failure(self, network: str) -> Response | None:
        """With probability error_rate, a realistic 5xx for ``network``; else None."""
        with self._lock:
            if self._config["error_rate"] <= 0 or self._rng.random() >= self._config["error_rate"]:
                return None
            status = self._rng.choice((500, 502, 503, 504))
            style = self._rng.choice(("json", "json", "html", "empty"))
        return server_error(network, status, style)


def server_error(network: str, status: int, style: str = "json") -> Response:
    """A 5xx as X or Meta (or a proxy in front of them) sends it: JSON, HTML or empty,
    or (with the other :data:`STYLES`) an odd answer of any status."""
    reason = _REASONS.get(status, "Server Error")
    if style == "json_no_error":
        content_type = GRAPH_JSON if network in GRAPH_STYLE else "application/json; charset=utf-8"
        return json_response({"message": f"{reason}, try again later"}, status, content_type=content_type)
    if style == "truncated":
        return Response('{"error": {"message": "Serv', status=status, content_type="application/json; charset=utf-8")
    if style == "no_content_type":
        response = Response(f"{status} {reason}", status=status)
        del response.headers["Content-Type"]
        return response
    if style == "html":
        html = f"<html><head><title>{status} {reason}</title></head><body><h1>{reason}</h1></body></html>"
        return Response(html, status=status, content_type="text/html; charset=utf-8")
    if style == "empty":
        return Response(b"", status=status, content_type="text/html; charset=utf-8")
    if network == "x":
        return x_problem(status, reason, "Something is broken. Please try again later.")
    if network == "mastodon":  # Mastodon's error entity
        return json_response({"error": f"{reason}, try again later"}, status)
    if network == "bluesky":  # an XRPC error body (atproto.com/specs/xrpc)
        name = {502: "UpstreamFailure", 503: "NotEnoughResources", 504: "UpstreamTimeout"}.get(status, "InternalServerError")
        return json_response({"error": name, "message": reason}, status)
    if network == "telegram":  # the Bot API's own shape (core.telegram.org/bots/api, "Making requests")
        return json_response({"ok": False, "error_code": status, "description": reason}, status)
    if plugin := _plugin(network):
        return plugin.error(status, {})
    code = 2 if status == 503 else 1
    message = (
        "An unexpected error has occurred. Please retry your request later."
        if code == 2
        else "An unknown error occurred"
    )
    return graph_error(code, message, status=status, is_transient=True,
                       type_="THApiException" if network == "threads" else "OAuthException")


def scripted_error(network: str, entry: dict[str, Any]) -> Response:
    """The response a ``next`` fault entry describes."""
    if entry.get("style", "json") != "json":
        return server_error(network, int(entry.get("status", 500)), str(entry["style"]))
    if (plugin := _plugin(network)) and "body" not in entry:
        return plugin.error(int(entry.get("status", 500)), entry)
    if "body" in entry:
        status = int(entry.get("status", 400))
        content_type = GRAPH_JSON if network in GRAPH_STYLE else "application/json; charset=utf-8"
        return json_response(entry["body"], status, content_type=content_type)
    if network in GRAPH_STYLE and "graph_code" in entry:
        code = int(entry["graph_code"])
        message = GRAPH_LIMIT_MESSAGES.get(code, f"(#{code}) Sandbox fault")
        return graph_error(
            code,
            message,
            subcode=entry.get("graph_subcode"),
            status=int(entry.get("status", 400)),
            is_transient=code in (1, 2),
            type_="THApiException" if network == "threads" else "OAuthException",
        )
    status = int(entry.get("status", 500))
    if status >= 500:
        return server_error(network, status)
    if network == "telegram":
        words = {400: "Bad Request: sandbox fault", 401: "Unauthorized", 403: "Forbidden: sandbox fault",
                 404: "Not Found", 429: "Too Many Requests: retry after 60"}
        extra = {"parameters": {"retry_after": 60}} if status == 429 else {}
        return json_response({"ok": False, "error_code": status, "description": words.get(status, "Sandbox fault"),
                              **extra}, status)
    if network == "x":
        return x_problem(status, _REASONS.get(status, "Error"), "Sandbox fault")
    if network == "bluesky":
        name = {400: "InvalidRequest", 401: "AuthenticationRequired", 429: "RateLimitExceeded"}.get(status, "Error")
        return json_response({"error": name, "message": "Sandbox fault"}, status)
    if network == "mastodon":
        return json_response({"error": "Sandbox fault"}, status)
    return graph_error(1, "An unknown error occurred", status=status)


def _plugin(network: str) -> SandboxNetwork | None:
    """The sandbox network of another package called ``network``, or None (ours)."""
    from disseminator.sandbox.plugins import by_name

    return None if network in NETWORKS else by_name(network)
