"""Timing, memory and transaction-length measurements for the benchmarks."""

from __future__ import annotations

import gc
import statistics
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection


def summarize(samples: list[float]) -> dict[str, Any]:
    """Return the median, quartiles, minimum, maximum and count of ``samples`` (seconds)."""
    ordered = sorted(samples)
    if len(ordered) >= 4:
        q1, _median, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
    else:
        q1, q3 = ordered[0], ordered[-1]
    return {
        "median": statistics.median(ordered),
        "q1": q1,
        "q3": q3,
        "min": ordered[0],
        "max": ordered[-1],
        "n": len(ordered),
    }


def time_call(function: Callable[[], Any]) -> float:
    """Return the seconds one call of ``function`` took, with the garbage collector paused."""
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        function()
        return time.perf_counter() - start
    finally:
        gc.enable()


def time_interleaved(
    functions: dict[str, Callable[[], Any]], repeat: int, warmup: int = 3
) -> dict[str, list[float]]:
    """Time each function ``repeat`` times, alternating them so that drift hits all alike."""
    for _ in range(warmup):
        for function in functions.values():
            function()
    samples: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(repeat):
        for name, function in functions.items():
            samples[name].append(time_call(function))
    return samples


def peak_memory(function: Callable[[], Any]) -> int:
    """Return the peak bytes that Python allocated during one call, from tracemalloc.

    tracemalloc slows allocation down, so this runs apart from the timed calls. It counts
    Python objects, not the database driver's C buffers.
    """
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        baseline, _ = tracemalloc.get_traced_memory()
        function()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return max(peak - baseline, 0)


class TransactionClock:
    """Record how long each transaction on the default connection stays open.

    A transaction starts at its first statement and ends when ``commit()`` or ``rollback()``
    returns. Statements sent in autocommit mode count as a transaction each.
    """

    def __init__(self) -> None:
        self.durations: list[float] = []
        self._started: float | None = None

    @contextmanager
    def recording(self) -> Iterator[TransactionClock]:
        real_commit = connection.commit
        real_rollback = connection.rollback

        def finish(real: Callable[[], None]) -> Callable[[], None]:
            def wrapper() -> None:
                real()
                if self._started is not None:
                    self.durations.append(time.perf_counter() - self._started)
                    self._started = None

            return wrapper

        def wrap_statement(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            start = time.perf_counter()
            if sql == "BEGIN":
                # Django's SQLite backend opens a transaction with this statement.
                self._started = start
                return execute(sql, params, many, context)
            if connection.get_autocommit():
                try:
                    return execute(sql, params, many, context)
                finally:
                    self.durations.append(time.perf_counter() - start)
            if self._started is None:
                self._started = start
            return execute(sql, params, many, context)

        connection.commit = finish(real_commit)  # type: ignore[method-assign]
        connection.rollback = finish(real_rollback)  # type: ignore[method-assign]
        try:
            with connection.execute_wrapper(wrap_statement):
                yield self
        finally:
            del connection.commit
            del connection.rollback

    @property
    def longest(self) -> float:
        return max(self.durations, default=0.0)
