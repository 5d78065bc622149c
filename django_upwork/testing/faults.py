"""Faults that tests queue for the next requests of a route, and the bodies they produce."""

from __future__ import annotations

import copy
import math
import threading
from dataclasses import dataclass, field
from typing import Any

ROUTES = ("graphql", "token")

HTTP_401 = "http_401"
HTTP_429 = "http_429"
HTTP_500 = "http_500"
HTTP_502 = "http_502"
HTTP_503 = "http_503"
CONNECTION_RESET = "connection_reset"
SLOW = "slow"
HTML_403 = "html_403"
HTML_200 = "html_200"
INVALID_JSON = "invalid_json"
PARTIAL_DATA = "partial_data"
MISSING_SCOPE = "missing_scope"
OMIT_REFRESH_TOKEN = "omit_refresh_token"  # noqa: S105 - a fault name
REPEAT_CURSOR = "repeat_cursor"
EMPTY_PAGE = "empty_page"

KINDS = (
    HTTP_401,
    HTTP_429,
    HTTP_500,
    HTTP_502,
    HTTP_503,
    CONNECTION_RESET,
    SLOW,
    HTML_403,
    HTML_200,
    INVALID_JSON,
    PARTIAL_DATA,
    MISSING_SCOPE,
    OMIT_REFRESH_TOKEN,
    REPEAT_CURSOR,
    EMPTY_PAGE,
)
GRAPHQL_ONLY_KINDS = (PARTIAL_DATA, MISSING_SCOPE, REPEAT_CURSOR, EMPTY_PAGE)
TOKEN_ONLY_KINDS = (OMIT_REFRESH_TOKEN,)
DEFAULT_DELAY_SECONDS = 1.0
MAX_DELAY_SECONDS = 120.0

# The body Upwork sends when the key lacks a scope: HTTP 200, the whole query fails.
MISSING_SCOPE_BODY: dict[str, Any] = {
    "errors": [
        {
            "message": (
                "The client or authentication token doesn't have enough oauth2 "
                "permissions/scopes to access: [Money.currency, Money.rawValue, "
                "PageInfo.endCursor, PageInfo.hasNextPage]."
            ),
            "extensions": {"classification": "ExecutionAborted"},
        }
    ]
}

# A bot-check page like the one some server addresses get from Upwork's edge instead of JSON.
BOT_CHECK_PAGE = """<!DOCTYPE html>
<html lang="en-US">
<head>
<meta charset="UTF-8">
<title>Just a moment...</title>
<meta name="robots" content="noindex,nofollow">
</head>
<body>
<div id="challenge-body">
<h1>www.upwork.com</h1>
<h2>Verifying you are human. This may take a few seconds.</h2>
<noscript>Enable JavaScript and cookies to continue</noscript>
</div>
</body>
</html>
"""

MAINTENANCE_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="UTF-8"><title>Upwork - Scheduled maintenance</title></head>
<body>
<h1>We'll be right back</h1>
<p>Upwork is down for scheduled maintenance. Please try again later.</p>
</body>
</html>
"""

GATEWAY_PAGES = {
    502: "<html><head><title>502 Bad Gateway</title></head>"
    "<body><center><h1>502 Bad Gateway</h1></center></body></html>\n",
    503: "<html><head><title>503 Service Temporarily Unavailable</title></head>"
    "<body><center><h1>503 Service Temporarily Unavailable</h1></center></body></html>\n",
}

# Bodies cut off mid-value, so that a JSON parser fails on them.
TRUNCATED_JSON = {
    "graphql": (
        '{"data": {"marketplaceJobPostingsSearch": {"totalCount": 12, '
        '"edges": [{"cursor": "1", "node": {"id": "19'
    ),
    "token": '{"access_token": "oauth2v2_',
}


@dataclass
class Fault:
    """One queued fault: its kind, how many more requests it affects and its options."""

    kind: str
    remaining: int
    retry_after: int | None = None
    delay_seconds: float = DEFAULT_DELAY_SECONDS
    options: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> dict[str, Any]:
        description: dict[str, Any] = {"kind": self.kind, "remaining": self.remaining}
        if self.kind == HTTP_429 and self.retry_after is not None:
            description["retry_after"] = self.retry_after
        if self.kind == SLOW:
            description["delay_seconds"] = self.delay_seconds
        return description


def build_fault(route: str, kind: str, count: int = 1, **options: Any) -> Fault:
    """Validate the arguments of `inject_fault` and return the fault.

    Raises ValueError for an unknown route, kind or option, or an invalid option value.
    """
    if route not in ROUTES:
        raise ValueError(f"invalid route {route!r}: expected one of {', '.join(ROUTES)}")
    if kind not in KINDS:
        raise ValueError(f"invalid fault kind {kind!r}: expected one of {', '.join(KINDS)}")
    if kind in GRAPHQL_ONLY_KINDS and route != "graphql":
        raise ValueError(f"fault kind {kind!r} applies to the 'graphql' route only")
    if kind in TOKEN_ONLY_KINDS and route != "token":
        raise ValueError(f"fault kind {kind!r} applies to the 'token' route only")
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError(f"count must be an integer >= 1, got {count!r}")

    allowed = {HTTP_429: {"retry_after"}, SLOW: {"delay_seconds"}}.get(kind, set())
    unknown = set(options) - allowed
    if unknown:
        raise ValueError(
            f"fault kind {kind!r} takes no option {', '.join(sorted(unknown))}"
            + (f"; allowed: {', '.join(sorted(allowed))}" if allowed else "")
        )

    fault = Fault(kind=kind, remaining=count)
    if "retry_after" in options and options["retry_after"] is not None:
        retry_after = options["retry_after"]
        if isinstance(retry_after, bool) or not isinstance(retry_after, int) or retry_after < 0:
            raise ValueError(
                f"retry_after must be an integer number of seconds >= 0, got {retry_after!r}"
            )
        fault.retry_after = retry_after
    if "delay_seconds" in options:
        delay = options["delay_seconds"]
        if (
            isinstance(delay, bool)
            or not isinstance(delay, (int, float))
            or not math.isfinite(delay)
        ):
            raise ValueError(f"delay_seconds must be a number, got {delay!r}")
        if not 0 <= delay <= MAX_DELAY_SECONDS:
            raise ValueError(
                f"delay_seconds must be between 0 and {MAX_DELAY_SECONDS:g}, got {delay!r}"
            )
        fault.delay_seconds = float(delay)
    return fault


class FaultQueue:
    """Faults per route, served in the order they were queued; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queues: dict[str, list[Fault]] = {route: [] for route in ROUTES}

    def add(self, route: str, fault: Fault) -> None:
        with self._lock:
            self._queues[route].append(fault)

    def take(self, route: str) -> Fault | None:
        """Return the fault for the next request of `route`, using up one of its count."""
        with self._lock:
            queue = self._queues.get(route)
            if not queue:
                return None
            fault = queue[0]
            fault.remaining -= 1
            if fault.remaining <= 0:
                queue.pop(0)
            return copy.copy(fault)

    def pending(self) -> dict[str, list[dict[str, Any]]]:
        with self._lock:
            return {
                route: [fault.describe() for fault in queue]
                for route, queue in self._queues.items()
            }

    def clear(self) -> None:
        with self._lock:
            for queue in self._queues.values():
                queue.clear()


def make_partial(body: dict[str, Any]) -> dict[str, Any]:
    """Null one value of a successful GraphQL response and add an error naming its path.

    For a search, the first edge's node becomes null; otherwise the first top-level field does.
    """
    data = body.get("data")
    if not isinstance(data, dict) or not data:
        return body
    partial = copy.deepcopy(body)
    field_name = next(iter(data))
    path: list[str | int] = [field_name]
    value = partial["data"][field_name]
    edges = value.get("edges") if isinstance(value, dict) else None
    if isinstance(edges, list) and edges and isinstance(edges[0], dict) and "node" in edges[0]:
        edges[0]["node"] = None
        path += ["edges", 0, "node"]
    else:
        partial["data"][field_name] = None
    rendered = "".join(f"[{part}]" if isinstance(part, int) else f"/{part}" for part in path)
    error = {
        "message": (
            f"Exception while fetching data ({rendered}) : "
            "Failed to load the job posting from an internal service"
        ),
        "path": path,
        "extensions": {"classification": "DataFetchingException"},
    }
    partial["errors"] = [*partial.get("errors", []), error]
    # graphql-java writes errors before data.
    return {"errors": partial.pop("errors"), **partial}


def make_paging_fault(body: dict[str, Any], kind: str, after: str | None) -> dict[str, Any]:
    """Return a search response whose paging misbehaves while it still claims a next page.

    ``repeat_cursor`` sends back the cursor the request started from; ``empty_page`` drops
    every edge. Other responses pass through unchanged.
    """
    search = (body.get("data") or {}).get("marketplaceJobPostingsSearch")
    if not isinstance(search, dict):
        return body
    faulty = copy.deepcopy(body)
    search = faulty["data"]["marketplaceJobPostingsSearch"]
    search["pageInfo"] = {**(search.get("pageInfo") or {}), "hasNextPage": True}
    if kind == REPEAT_CURSOR:
        search["pageInfo"]["endCursor"] = after or "0"
    elif kind == EMPTY_PAGE:
        search["edges"] = []
    return faulty
