"""Keeping cached Upwork data within Upwork's 24-hour limit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Min, Q
from django.utils import timezone

from django_upwork import conf
from django_upwork.models import JobPosting


@dataclass(frozen=True)
class CacheSummary:
    """Counts of the cached postings, split by the ``max_age`` they were measured against."""

    total: int
    fresh: int
    oldest_fresh_cached_at: datetime | None
    max_age: timedelta

    @property
    def expired(self) -> int:
        return self.total - self.fresh


def summarize_cache() -> CacheSummary:
    """Count the cached postings and find the oldest one that reads still return.

    A row is fresh by the rule of ``JobPosting.objects.fresh()``. One query computes all
    three values, so they agree even while other processes write.
    """
    max_age = conf.cache_max_age()
    is_fresh = Q(cached_at__gt=timezone.now() - max_age)
    counts = JobPosting.objects.aggregate(
        total=Count("pk"),
        fresh=Count("pk", filter=is_fresh),
        oldest_fresh=Min("cached_at", filter=is_fresh),
    )
    return CacheSummary(
        total=counts["total"],
        fresh=counts["fresh"],
        oldest_fresh_cached_at=counts["oldest_fresh"],
        max_age=max_age,
    )


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
