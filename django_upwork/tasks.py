"""Celery tasks. Each is a thin wrapper around one service function."""

from __future__ import annotations

from celery import shared_task

from django_upwork import services
from django_upwork.services.schedule import PURGE_TASK_NAME


@shared_task(name=PURGE_TASK_NAME, ignore_result=True)
def purge_expired_postings() -> int:
    """Delete postings cached longer than ``UPWORK_CACHE_MAX_AGE``; safe to run concurrently."""
    return services.purge_expired_postings()
