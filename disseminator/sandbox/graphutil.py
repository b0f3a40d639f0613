"""What the Graph and Instagram handlers share: the caller, fields, paging, times and fetching URLs."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import requests
from werkzeug.wrappers import Request

from disseminator.sandbox.respond import Reply, graph_param_error

GRAPH_ORIGIN = "https://graph.facebook.com"
FETCH_TIMEOUT = 10.0


@dataclass(frozen=True)
class Caller:
    """Who a Graph request acts as: its token, the Page and the Instagram account behind it."""

    token: str
    page_id: str
    ig_user_id: str
    can_write: bool
    version: str


def graph_time(iso: str) -> str:
    """A stored ISO 8601 UTC time in Graph's style: ``2026-01-02T18:31:28+0000``."""
    return parse_time(iso).strftime("%Y-%m-%dT%H:%M:%S+0000")


def parse_time(value: str) -> dt.datetime:
    """A Graph ``since``/``until`` value (Unix seconds or ISO 8601) as an aware datetime.

    Raises Reply (code 100) when it is neither.
    """
    try:
        if value.lstrip("-").isdigit():
            return dt.datetime.fromtimestamp(int(value), dt.timezone.utc)
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (ValueError, OverflowError) as exc:
        raise Reply(graph_param_error(f"(#100) Invalid time value: {value}")) from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def requested_fields(request: Request, default: Sequence[str], known: Sequence[str], node_type: str) -> list[str]:
    """The ``fields`` asked for (or ``default``); code 100 for a field the node lacks."""
    raw = request.values.get("fields")
    fields = [f.strip() for f in raw.split(",") if f.strip()] if raw else list(default)
    for name in fields:
        if name not in known:
            message = f"(#100) Tried accessing nonexisting field ({name}) on node type ({node_type})"
            raise Reply(graph_param_error(message))
    return fields


def _cursor(item_id: str) -> str:
    return base64.urlsafe_b64encode(item_id.encode()).decode("ascii")


def _uncursor(cursor: str) -> str:
    try:
        return base64.urlsafe_b64decode(cursor.encode("ascii")).decode()
    except ValueError as exc:
        raise Reply(graph_param_error(f"(#100) Invalid cursor: {cursor}")) from exc


def paginate(
    request: Request,
    items: list[dict[str, Any]],
    render: Callable[[dict[str, Any]], dict[str, Any]],
    *,
    version: str,
    path: str,
    token: str,
    origin: str = GRAPH_ORIGIN,
) -> dict[str, Any]:
    """One page of ``items`` (newest first) with Graph paging: cursors and a ``next`` URL.

    ``next`` carries the access token, as Graph's does: facebook-sdk's
    get_all_connections deletes ``access_token`` from it and fails when it is absent.
    Filters ``since``/``until`` apply to each item's ``created_at``.
    """
    args = request.values
    if since := args.get("since"):
        items = [i for i in items if parse_time(i["created_at"]) >= parse_time(since)]
    if until := args.get("until"):
        items = [i for i in items if parse_time(i["created_at"]) <= parse_time(until)]
    raw_limit = args.get("limit", "25")
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= 100:
        raise Reply(graph_param_error(f"(#100) limit must be between 1 and 100, got {raw_limit}"))
    limit = int(raw_limit)
    if after := args.get("after"):
        ids = [i["id"] for i in items]
        marker = _uncursor(after)
        items = items[ids.index(marker) + 1 :] if marker in ids else []
    page, rest = items[:limit], items[limit:]
    body: dict[str, Any] = {"data": [render(i) for i in page]}
    if page:
        paging: dict[str, Any] = {"cursors": {"before": _cursor(page[0]["id"]), "after": _cursor(page[-1]["id"])}}
        if rest:
            query = {k: v for k, v in args.items() if k not in ("after", "before", "access_token")}
            query.update(access_token=token, limit=str(limit), after=_cursor(page[-1]["id"]))
            paging["next"] = f"{origin}/{version}{path}?{urlencode(query)}"
        body["paging"] = paging
    return body


def fetch(url: str, max_bytes: int) -> tuple[bytes | None, bool]:
    """Download ``url`` as Meta does (10 s timeout): (bytes, too_big); bytes None on failure.

    Reads at most ``max_bytes + 1`` so a huge file is recognised without reading it all.
    """
    try:
        with requests.get(url, timeout=FETCH_TIMEOUT, stream=True) as resp:
            if resp.status_code != 200:
                return None, False
            data = b""
            for chunk in resp.iter_content(64 * 1024):
                data += chunk
                if len(data) > max_bytes:
                    return data, True
            return data, False
    except (requests.RequestException, ValueError):
        return None, False
