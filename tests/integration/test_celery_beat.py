"""Celery beat and a Celery worker, as real processes, purge expired postings on schedule."""

from __future__ import annotations

import os
import re
import time
import uuid
from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from django_upwork.models import JobPosting
from django_upwork.services.schedule import PURGE_TASK_NAME, register_purge_schedule
from tests.factories import create_postings
from tests.integration.processes import running

pytestmark = [
    pytest.mark.integration,
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"),
        reason="REDIS_URL is not set, and the Celery worker and beat need a Redis broker "
        "(scripts/test starts one and sets it)",
    ),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL (DJANGO_UPWORK_TEST_DB=postgres): the worker and beat are "
        "separate processes and must share a database server with the test",
    ),
]

PURGE_INTERVAL_SECONDS = 2
PURGE_TIMEOUT = 60.0  # seconds from starting the processes until the expired rows are gone
LOG_TIMEOUT = 10.0  # seconds to wait for the worker's success line after that
POLL_INTERVAL = 0.5
SUCCESS_LINE = re.compile(
    r"Task django_upwork\.purge_expired_postings\[[0-9a-f-]+\] succeeded in [0-9.e-]+s: (\d+)"
)


def log_tail(path: Path, lines: int = 40) -> str:
    if not path.exists():
        return "(no log)"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def purge_counts(worker_log: Path) -> list[int]:
    """Return the counts that the worker logged for each successful purge task."""
    return [int(count) for count in SUCCESS_LINE.findall(worker_log.read_text(errors="replace"))]


@pytest.mark.django_db(transaction=True)
def test_beat_and_worker_purge_expired_rows(
    celery_env: dict[str, str], settings: Any, tmp_path: Path
) -> None:
    settings.UPWORK_PURGE_INTERVAL = PURGE_INTERVAL_SECONDS
    register_purge_schedule()
    [schedule] = PeriodicTask.objects.filter(task=PURGE_TASK_NAME)
    assert schedule.enabled
    assert schedule.interval.every == PURGE_INTERVAL_SECONDS
    assert schedule.interval.period == IntervalSchedule.SECONDS

    now = timezone.now()
    expired_ids = set(create_postings(25, now - timedelta(hours=30), first_id=1))
    fresh_ids = set(create_postings(5, now, first_id=1000))
    worker_log = tmp_path / "worker.log"
    beat_log = tmp_path / "beat.log"
    app = ["-A", "tests.integration.celery_app"]

    def logs() -> str:
        return f"worker log:\n{log_tail(worker_log)}\nbeat log:\n{log_tail(beat_log)}"

    with ExitStack() as processes:
        worker = processes.enter_context(
            running(
                [
                    *app,
                    "worker",
                    "--pool=solo",
                    "--loglevel=INFO",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    f"--hostname=integration-{uuid.uuid4().hex[:8]}@%h",
                ],
                celery_env,
                worker_log,
            )
        )
        beat = processes.enter_context(
            running(
                [
                    *app,
                    "beat",
                    "--scheduler=django_celery_beat.schedulers:DatabaseScheduler",
                    "--loglevel=INFO",
                    "--max-interval=1",
                ],
                celery_env,
                beat_log,
            )
        )

        deadline = time.monotonic() + PURGE_TIMEOUT
        while JobPosting.objects.filter(upwork_id__in=expired_ids).exists():
            assert worker.poll() is None, f"The worker exited with {worker.returncode}.\n{logs()}"
            assert beat.poll() is None, f"Beat exited with {beat.returncode}.\n{logs()}"
            assert time.monotonic() < deadline, (
                f"Expired rows were still there {PURGE_TIMEOUT:g} s after the start.\n{logs()}"
            )
            time.sleep(POLL_INTERVAL)

        deadline = time.monotonic() + LOG_TIMEOUT
        while sum(purge_counts(worker_log)) < len(expired_ids) and time.monotonic() < deadline:
            time.sleep(POLL_INTERVAL)

    remaining = set(JobPosting.objects.values_list("upwork_id", flat=True))
    assert remaining == fresh_ids
    counts = purge_counts(worker_log)
    assert counts, f"The worker logged no successful purge task.\n{logs()}"
    # Every expired row was deleted by a task that the worker ran, not by anything else.
    assert sum(counts) == len(expired_ids), logs()
    assert "Sending due task" in beat_log.read_text(errors="replace"), logs()
