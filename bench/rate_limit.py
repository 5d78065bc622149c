"""The rate-limit benchmark: several processes share one limit through a Redis cache.

``run_rate_limit_benchmark`` starts ``python -m bench.rate_limit`` in ``processes`` worker
processes. Each sends search requests to the emulator through django-upwork's GraphQL
client, whose limiter keeps its request log in Redis, until the run ends. The emulator
counts the requests it received in every 60-second window, and rejects with 429 any request
over its own limit, which is set to the same number.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
START_DELAY = 8.0  # seconds for the workers to import Django before the common start time


def run_rate_limit_benchmark(
    emulator: Any,
    redis_url: str,
    workdir: Path,
    *,
    limit: int,
    duration: float,
    processes: int,
) -> dict[str, Any]:
    """Run the workers against ``emulator`` and return what they and the emulator counted."""
    # reset() also drops every issued token, so the token is issued after it.
    emulator.reset()
    access_token = emulator.issue_tokens()["access_token"]
    start_at = time.time() + START_DELAY
    upwork_settings = {
        **emulator.django_settings(),
        "UPWORK_RATE_LIMIT": limit,
        # A worker that would wait past the end of the run stops instead (see worker()).
        "UPWORK_RATE_LIMIT_MAX_WAIT": duration,
    }
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "PYTHONPATH": str(REPO_ROOT),
        "BENCH_DATABASE": "sqlite",
        "BENCH_SQLITE_PATH": str(workdir / "unused.sqlite3"),
        "BENCH_REDIS_URL": redis_url,
        "BENCH_UPWORK_SETTINGS": json.dumps(upwork_settings),
        "BENCH_ACCESS_TOKEN": access_token,
        "BENCH_START_AT": repr(start_at),
        "BENCH_END_AT": repr(start_at + duration),
    }
    children = []
    try:
        for index in range(processes):
            output = workdir / f"rate-limit-worker-{index}.json"
            log = (workdir / f"rate-limit-worker-{index}.log").open("wb")
            child = subprocess.Popen(
                [sys.executable, "-m", "bench.rate_limit", str(output)],
                cwd=REPO_ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            children.append((child, output, log))
        for child, _output, _log in children:
            child.wait(timeout=START_DELAY + duration + 120)
    finally:
        for child, _output, log in children:
            if child.poll() is None:
                child.kill()
                child.wait()
            log.close()

    workers = []
    for index, (child, output, _log) in enumerate(children):
        if child.returncode != 0 or not output.exists():
            log_text = (workdir / f"rate-limit-worker-{index}.log").read_text(errors="replace")
            raise RuntimeError(
                f"Rate-limit worker {index} failed with exit status {child.returncode}:\n"
                f"{log_text[-3000:]}"
            )
        workers.append(json.loads(output.read_text()))

    stats = emulator.stats()
    max_window = int(stats["max_requests_per_60s"])
    return {
        "benchmark": "rate_limit",
        "processes": processes,
        "limit": limit,
        "duration": duration,
        "max_requests_per_60s": max_window,
        "percent_of_limit": 100.0 * max_window / limit,
        "emulator_requests": int(stats["graphql_requests"]),
        "emulator_rejected_429": int(stats["rate_limited"]),
        "workers": workers,
    }


def worker(output_path: str) -> None:
    """Send searches from ``BENCH_START_AT`` to ``BENCH_END_AT`` and write the counts."""
    import django

    django.setup()
    from django_upwork.client import queries
    from django_upwork.client.http import GraphQLClient
    from django_upwork.client.ratelimit import RateLimiter
    from django_upwork.exceptions import RateLimited, UpworkError

    start_at = float(os.environ["BENCH_START_AT"])
    end_at = float(os.environ["BENCH_END_AT"])
    access_token = os.environ["BENCH_ACCESS_TOKEN"]
    variables = {"filter": {"pagination_eq": {"first": 10, "after": "0"}}, "sort": []}
    counts: Counter[str] = Counter()
    waited = 0.0
    time.sleep(max(start_at - time.time(), 0.0))

    while time.time() < end_at:
        limiter = RateLimiter.from_settings()
        # The limiter raises at once when the next free slot is after the end of the run.
        limiter.max_wait = max(end_at - time.time(), 0.0)
        client = GraphQLClient(access_token, limiter=limiter)
        started = time.monotonic()
        try:
            client.execute(queries.SEARCH_JOB_POSTINGS, variables, queries.SEARCH_OPERATION)
        except RateLimited as err:
            if err.status == 429:
                counts["rejected_429"] += 1
                continue
            counts["no_slot_before_end"] += 1
            break
        except UpworkError as err:
            counts[type(err).__name__] += 1
            continue
        counts["succeeded"] += 1
        waited += time.monotonic() - started

    with open(output_path, "w") as output:
        json.dump({"counts": dict(counts), "seconds_in_requests": waited}, output)


if __name__ == "__main__":
    worker(sys.argv[1])
