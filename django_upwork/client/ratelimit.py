"""A request rate limiter shared by every process through Django's cache framework.

Upwork limits requests per IP address, so all web and worker processes of a site must draw
from one budget. The limiter keeps a sliding log of the last ``limit`` request start times
in the cache: a request may start once fewer than ``limit`` requests started in the 60
seconds before it. A short lock taken with ``cache.add`` (atomic on Redis, Memcached, the
database cache and LocMem) guards each reservation.

The budget is shared only as widely as the cache is: Redis, Memcached or the database cache
share it across processes and hosts, while ``LocMemCache`` keeps one budget per process.
"""

from __future__ import annotations

import logging
import math
import time
import uuid
from collections.abc import Callable

from django.core.cache import BaseCache, caches

from django_upwork import conf
from django_upwork.exceptions import RateLimited, RateLimiterUnavailable

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 60.0
# Slots are spaced this much more than a window apart, because Upwork counts a request when
# it arrives, and a request that started early can arrive after one that started later.
# Measured with bench/run.py: without it, 121 of 120 allowed requests reached one window.
ARRIVAL_MARGIN_SECONDS = 1.0
# The maximum pause that block() imposes. Upwork's block lifts about a minute after the last
# limited request, so a longer Retry-After is more likely an error than a real block.
MAX_BLOCK_SECONDS = 3600.0
_LOCK_TIMEOUT = 5  # seconds; a crashed holder blocks the others for at most this long
_LOCK_POLL = 0.002  # seconds between attempts to take the lock


class RateLimiter:
    """Reserve request slots so that no 60-second window contains more than ``limit`` requests."""

    def __init__(
        self,
        limit: int,
        *,
        cache: BaseCache | None = None,
        cache_alias: str = "default",
        scope: str = "default",
        max_wait: float = 30.0,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.limit = limit
        self.cache = cache if cache is not None else caches[cache_alias]
        self.cache_alias = cache_alias
        self.max_wait = max_wait
        self.clock = clock
        self.sleep = sleep
        prefix = f"django_upwork:ratelimit:{scope}"
        self.log_key = f"{prefix}:log"
        self.lock_key = f"{prefix}:lock"
        self.blocked_key = f"{prefix}:blocked_until"

    @classmethod
    def from_settings(cls) -> RateLimiter:
        return cls(
            conf.rate_limit(),
            cache_alias=conf.rate_limit_cache_alias(),
            scope=conf.rate_limit_key(),
            max_wait=conf.rate_limit_max_wait(),
        )

    def acquire(self, operation: str = "request") -> float:
        """Wait for a request slot and return the seconds waited.

        Raises :class:`RateLimited` without waiting when the next free slot is more than
        ``max_wait`` seconds away, or when Upwork asked every process to pause, and
        :class:`RateLimiterUnavailable` when the cache fails.
        """
        if self.limit <= 0:
            return 0.0
        try:
            start_at = self._reserve(operation)
        except RateLimited:
            raise
        except Exception as err:  # each cache backend raises its own errors
            raise RateLimiterUnavailable(
                f"The Upwork rate limiter could not use the cache {self.cache_alias!r} "
                f"({type(err).__name__}: {err}). No request was sent. Check that the cache "
                "server in CACHES is running.",
                operation=operation,
            ) from err
        delay = start_at - self.clock()
        if delay > 0:
            logger.debug("Waiting %.3f s for a rate-limit slot for %s.", delay, operation)
            self.sleep(delay)
            return delay
        return 0.0

    def block(self, seconds: float) -> None:
        """Pause every process sharing this limiter for ``seconds``, as after a 429 response.

        The pause is at most ``MAX_BLOCK_SECONDS``. When the cache fails, the pause is logged
        and skipped, so the caller still raises the error that asked for it.
        """
        if not math.isfinite(seconds) or seconds <= 0:
            return
        seconds = min(seconds, MAX_BLOCK_SECONDS)
        until = self.clock() + seconds
        try:
            with self._locked():
                current = self.cache.get(self.blocked_key) or 0.0
                if until > current:
                    self.cache.set(self.blocked_key, until, timeout=int(seconds) + 1)
        except Exception as err:  # each cache backend raises its own errors
            logger.warning(
                "Could not store a %.0f s pause of Upwork requests in the cache %r: %s: %s",
                seconds,
                self.cache_alias,
                type(err).__name__,
                err,
            )

    def reset(self) -> None:
        self.cache.delete_many([self.log_key, self.lock_key, self.blocked_key])

    def _reserve(self, operation: str) -> float:
        with self._locked():
            now = self.clock()
            blocked_until = self.cache.get(self.blocked_key) or 0.0
            log: list[float] = self.cache.get(self.log_key) or []
            start_at = max(now, blocked_until)
            if len(log) >= self.limit:
                start_at = max(start_at, log[-self.limit] + WINDOW_SECONDS + ARRIVAL_MARGIN_SECONDS)
            wait = start_at - now
            if wait > self.max_wait:
                raise RateLimited(
                    f"The Upwork rate limit of {self.limit} requests per minute is reached and "
                    f"the next slot is {wait:.1f} s away, more than UPWORK_RATE_LIMIT_MAX_WAIT "
                    f"({self.max_wait:g} s). Retry after {wait:.1f} s.",
                    retry_after=wait,
                    operation=operation,
                )
            log.append(start_at)
            # The log must outlive its latest slot by a window, however far ahead that is.
            self.cache.set(
                self.log_key, log[-self.limit :], timeout=int(wait + WINDOW_SECONDS * 2) + 1
            )
            return start_at

    def _locked(self) -> _CacheLock:
        return _CacheLock(self.cache, self.lock_key, sleep=self.sleep)


class _CacheLock:
    def __init__(self, cache: BaseCache, key: str, *, sleep: Callable[[float], None]) -> None:
        self.cache = cache
        self.key = key
        self.token = uuid.uuid4().hex
        self.sleep = sleep

    def __enter__(self) -> None:
        deadline = time.monotonic() + _LOCK_TIMEOUT * 2
        while not self.cache.add(self.key, self.token, timeout=_LOCK_TIMEOUT):
            if time.monotonic() > deadline:
                # The holder died without releasing; its lock times out on its own.
                logger.warning("Rate-limit lock %s was not released in time; taking it.", self.key)
                self.cache.set(self.key, self.token, timeout=_LOCK_TIMEOUT)
                return
            time.sleep(_LOCK_POLL)

    def __exit__(self, *exc_info: object) -> None:
        # NOTE: the check and the delete are two cache calls, because Django's cache API has
        # no compare-and-delete. A holder slower than _LOCK_TIMEOUT could delete the next
        # holder's lock; a reservation takes milliseconds.
        if self.cache.get(self.key) == self.token:
            self.cache.delete(self.key)
