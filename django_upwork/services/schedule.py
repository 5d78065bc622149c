"""Registering the hourly purge with django-celery-beat's database scheduler."""

from __future__ import annotations

import logging

from django.apps import apps

from django_upwork import conf

logger = logging.getLogger(__name__)

PURGE_TASK_NAME = "django_upwork.purge_expired_postings"
PURGE_SCHEDULE_NAME = "django-upwork: purge expired job postings"


def register_purge_schedule(using: str = "default") -> bool:
    """Create or update the interval schedule of the purge task; return whether it was created.

    Running it again never adds a second entry, keeps an entry that an operator disabled
    disabled, and only moves the interval to ``UPWORK_PURGE_INTERVAL``. Does nothing when
    django_celery_beat is not installed.
    """
    if not apps.is_installed("django_celery_beat"):
        return False
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    seconds = max(int(conf.purge_interval().total_seconds()), 1)
    interval, _ = IntervalSchedule.objects.using(using).get_or_create(
        every=seconds, period=IntervalSchedule.SECONDS
    )
    task, created = PeriodicTask.objects.using(using).get_or_create(
        name=PURGE_SCHEDULE_NAME,
        defaults={"task": PURGE_TASK_NAME, "interval": interval},
    )
    if not created and (task.interval_id != interval.pk or task.task != PURGE_TASK_NAME):
        task.interval = interval
        task.task = PURGE_TASK_NAME
        task.save(update_fields=["interval", "task"])
    if created:
        logger.info("Scheduled %s every %d seconds.", PURGE_TASK_NAME, seconds)
    return created


def purge_schedule_state(using: str = "default") -> str:
    """Return a one-line description of the purge schedule for status output."""
    if not apps.is_installed("django_celery_beat"):
        return "django_celery_beat is not installed"
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.using(using).filter(task=PURGE_TASK_NAME).first()
    if task is None:
        return "not scheduled"
    state = "enabled" if task.enabled else "disabled"
    return f"{state}, {task.schedule}, last run {task.last_run_at or 'never'}"
