"""Request counters and the optional per-minute rate limit."""

from __future__ import annotations

import threading
from collections import Counter, deque
from typing import Any

WINDOW_SECONDS = 60.0
# How many recent GraphQL and token requests `stats()` lists.
RECENT_REQUESTS = 50


class Stats:
    """Counters that tests read through `stats()`; thread-safe.

    Control routes under `/_emulator/` are not counted, so reading the stats does not change them.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self._requests: Counter[str] = Counter()
        self._counters: Counter[str] = Counter()
        self._window: deque[float] = deque()
        self._max_in_window = 0
        self._recent_graphql: deque[dict[str, Any]] = deque(maxlen=RECENT_REQUESTS)
        self._recent_token: deque[dict[str, Any]] = deque(maxlen=RECENT_REQUESTS)

    def record_request(self, route: str, now: float) -> None:
        """Count a request to `route` and update the busiest 60-second window."""
        with self._lock:
            self._requests[route] += 1
            self._window.append(now)
            while self._window and self._window[0] <= now - WINDOW_SECONDS:
                self._window.popleft()
            self._max_in_window = max(self._max_in_window, len(self._window))

    def increment(self, counter: str) -> None:
        with self._lock:
            self._counters[counter] += 1

    def record_graphql(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self._recent_graphql.append(entry)

    def record_token(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self._recent_token.append(entry)

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "requests": dict(self._requests),
                "total_requests": sum(self._requests.values()),
                "authorization_code_exchanges": self._counters["authorization_code_exchanges"],
                "token_refreshes": self._counters["token_refreshes"],
                "token_errors": self._counters["token_errors"],
                "graphql_requests": self._counters["graphql_requests"],
                "unauthorized_requests": self._counters["unauthorized_requests"],
                "rate_limited": self._counters["rate_limited"],
                "faults_served": self._counters["faults_served"],
                "max_requests_per_60s": self._max_in_window,
                "recent_graphql": list(self._recent_graphql),
                "recent_token": list(self._recent_token),
            }


class RateLimiter:
    """A sliding 60-second limit like Upwork's per-address limit; thread-safe.

    Going over the limit blocks every request until a full minute has passed since the last
    rejected one, which is how the block on the live API is reported to lift.
    """

    def __init__(self, limit_per_minute: int) -> None:
        if isinstance(limit_per_minute, bool) or limit_per_minute < 1:
            raise ValueError(f"rate_limit_per_minute must be >= 1, got {limit_per_minute!r}")
        self.limit = limit_per_minute
        self._lock = threading.Lock()
        self._accepted: deque[float] = deque()
        self._blocked_until = 0.0

    def allow(self, now: float) -> bool:
        """Return whether a request at `now` is under the limit, and record it."""
        with self._lock:
            if now < self._blocked_until:
                self._blocked_until = now + WINDOW_SECONDS
                return False
            while self._accepted and self._accepted[0] <= now - WINDOW_SECONDS:
                self._accepted.popleft()
            if len(self._accepted) >= self.limit:
                self._blocked_until = now + WINDOW_SECONDS
                return False
            self._accepted.append(now)
            return True

    def reset(self) -> None:
        with self._lock:
            self._accepted.clear()
            self._blocked_until = 0.0
