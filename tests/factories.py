"""Rows for tests that need cached postings without asking the emulator."""

from __future__ import annotations

from datetime import datetime

from django_upwork.models import JobPosting, JobType

FIRST_UPWORK_ID = 1_900_000_000_000_000_000


def create_postings(count: int, cached_at: datetime, first_id: int = 1) -> list[str]:
    """Insert ``count`` postings cached at ``cached_at`` and return their Upwork ids."""
    upwork_ids = [str(FIRST_UPWORK_ID + first_id + index) for index in range(count)]
    JobPosting.objects.bulk_create(
        JobPosting(
            upwork_id=upwork_id,
            title=f"Job {upwork_id}",
            job_type=JobType.HOURLY,
            raw={"id": upwork_id},
            cached_at=cached_at,
        )
        for upwork_id in upwork_ids
    )
    return upwork_ids
