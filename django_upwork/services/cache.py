"""Keeping cached Upwork data within Upwork's 24-hour limit."""

from __future__ import annotations

from datetime import timedelta

from django_upwork.models import JobPosting


def purge_expired_postings(
    max_age: timedelta | None = None, batch_size: int | None = None, dry_run: bool = False
) -> int:
    """Delete postings cached ``max_age`` (default ``UPWORK_CACHE_MAX_AGE``) or longer ago.

    Returns the number deleted, or with ``dry_run`` the number that would be. Raises
    :class:`~django_upwork.exceptions.InvalidInput` before any query when ``max_age`` is not
    a timedelta of zero or more that leaves the cutoff after the year 1, or ``batch_size`` is
    not a whole number from 1 to ``MAX_ROW_COUNT`` (2**31 - 1).
    """
    return JobPosting.objects.purge_expired(max_age=max_age, batch_size=batch_size, dry_run=dry_run)
