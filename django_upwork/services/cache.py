"""Keeping cached Upwork data within Upwork's 24-hour limit."""

from __future__ import annotations

from datetime import timedelta

from django_upwork.models import JobPosting


def purge_expired_postings(
    max_age: timedelta | None = None, batch_size: int | None = None, dry_run: bool = False
) -> int:
    """Delete postings cached ``max_age`` (default ``UPWORK_CACHE_MAX_AGE``) or longer ago.

    Returns the number deleted, or with ``dry_run`` the number that would be.
    """
    return JobPosting.objects.purge_expired(max_age=max_age, batch_size=batch_size, dry_run=dry_run)
