"""Registering the hourly purge with django-celery-beat's database scheduler."""

from __future__ import annotations

import logging

from django.apps import apps
from django.db import connections, router
from django.db.models import Model

from django_upwork import conf

logger = logging.getLogger(__name__)

PURGE_TASK_NAME = "django_upwork.purge_expired_postings"
PURGE_SCHEDULE_NAME = "django-upwork: purge expired job postings"


def register_purge_schedule(using: str = "default") -> bool:
    """Create or update the interval schedule of the purge task; return whether it was created.

    Running it again never adds a second entry, keeps an entry that an operator disabled
    disabled, keeps a crontab, solar or clocked schedule that an operator chose instead, and
    otherwise only moves the interval to ``UPWORK_PURGE_INTERVAL``. Does nothing when
    django_celery_beat is not installed, or when database ``using`` lacks its tables.
    """
    if not apps.is_installed("django_celery_beat"):
        return False
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    if not _has_tables(using, IntervalSchedule, PeriodicTask):
        # For example after `migrate django_upwork` alone, or `migrate django_celery_beat zero`.
        logger.info(
            "Did not schedule %s on database %r because django_celery_beat's tables are "
            "missing there; run migrate to create them.",
            PURGE_TASK_NAME,
            using,
        )
        return False

    seconds = int(conf.purge_interval().total_seconds())
    intervals = IntervalSchedule.objects.using(using)
    # IntervalSchedule has no unique constraint, so an operator may have made duplicates.
    interval = (
        intervals.filter(every=seconds, period=IntervalSchedule.SECONDS).order_by("pk").first()
    )
    if interval is None:
        interval = intervals.create(every=seconds, period=IntervalSchedule.SECONDS)
    task, created = PeriodicTask.objects.using(using).get_or_create(
        name=PURGE_SCHEDULE_NAME,
        defaults={"task": PURGE_TASK_NAME, "interval": interval},
    )
    if created:
        logger.info("Scheduled %s every %d seconds.", PURGE_TASK_NAME, seconds)
        return True
    if task.crontab_id or task.solar_id or task.clocked_id:
        return False
    if task.interval_id != interval.pk or task.task != PURGE_TASK_NAME:
        task.interval = interval
        task.task = PURGE_TASK_NAME
        task.save(update_fields=["interval", "task"])
        logger.info("Changed the interval of %s to %d seconds.", PURGE_TASK_NAME, seconds)
    return False


def _has_tables(using: str, *models: type[Model]) -> bool:
    if not all(router.allow_migrate_model(using, model) for model in models):
        return False
    tables = set(connections[using].introspection.table_names())
    return all(model._meta.db_table in tables for model in models)


def purge_schedule_state(using: str = "default") -> str:
    """Return a one-line description of the purge schedule for status output."""
    if not apps.is_installed("django_celery_beat"):
        return "django_celery_beat is not installed"
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.using(using).filter(task=PURGE_TASK_NAME).first()
    if task is None:
        return "not scheduled"
    state = "enabled" if task.enabled else "disabled"
    # The row prints as "every 3600 seconds", while task.schedule prints "<freq: 1.00 hour>".
    schedule = task.interval or task.crontab or task.solar or task.clocked
    return f"{state}, {schedule}, last run {task.last_run_at or 'never'}"
