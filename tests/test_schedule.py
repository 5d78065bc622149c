"""Tests of the purge schedule in django-celery-beat and of the checks about it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import checks
from django.core.management import call_command
from django.db import connection
from django_celery_beat.models import (
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    PeriodicTasks,
)

from django_upwork.checks import check_purge_schedule, check_settings
from django_upwork.exceptions import UpworkConfigurationError
from django_upwork.services.schedule import (
    PURGE_SCHEDULE_NAME,
    PURGE_TASK_NAME,
    purge_schedule_state,
    register_purge_schedule,
)

pytestmark = pytest.mark.django_db


def purge_tasks() -> list[PeriodicTask]:
    return list(PeriodicTask.objects.filter(task=PURGE_TASK_NAME))


@pytest.fixture
def unscheduled() -> None:
    """Remove the entry that ``migrate`` registered when the test database was created."""
    PeriodicTask.objects.filter(task=PURGE_TASK_NAME).delete()


# register_purge_schedule()


def test_migrate_registered_schedule() -> None:
    [task] = purge_tasks()

    assert task.name == PURGE_SCHEDULE_NAME
    assert task.enabled


@pytest.mark.usefixtures("unscheduled")
def test_register_creates_one_interval_task() -> None:
    created = register_purge_schedule()

    assert created is True
    [task] = purge_tasks()
    assert task.name == "django-upwork: purge expired job postings"
    assert task.task == "django_upwork.purge_expired_postings"
    assert task.enabled
    assert task.crontab is None
    assert task.solar is None
    assert task.clocked is None
    assert task.interval is not None
    assert task.interval.every == 3600
    assert task.interval.period == IntervalSchedule.SECONDS


@pytest.mark.usefixtures("unscheduled")
def test_register_twice_keeps_one_task() -> None:
    assert register_purge_schedule() is True

    assert register_purge_schedule() is False

    assert len(purge_tasks()) == 1
    assert PeriodicTask.objects.filter(name=PURGE_SCHEDULE_NAME).count() == 1
    assert IntervalSchedule.objects.filter(every=3600, period=IntervalSchedule.SECONDS).count() == 1


def test_migrate_again_keeps_one_task() -> None:
    call_command("migrate", verbosity=0)
    call_command("migrate", verbosity=0)

    assert len(purge_tasks()) == 1
    assert IntervalSchedule.objects.filter(every=3600, period=IntervalSchedule.SECONDS).count() == 1


def test_disabled_task_stays_disabled(settings: Any) -> None:
    PeriodicTask.objects.filter(task=PURGE_TASK_NAME).update(enabled=False)

    assert register_purge_schedule() is False
    settings.UPWORK_PURGE_INTERVAL = timedelta(minutes=10)
    assert register_purge_schedule() is False
    call_command("migrate", verbosity=0)

    [task] = purge_tasks()
    assert not task.enabled
    assert task.interval.every == 600


@pytest.mark.parametrize(
    ("interval", "seconds"),
    [
        (timedelta(minutes=15), 900),
        (timedelta(hours=6), 21600),
        (120, 120),
        (timedelta(seconds=1), 1),
    ],
)
def test_interval_setting_moves_schedule(settings: Any, interval: Any, seconds: int) -> None:
    settings.UPWORK_PURGE_INTERVAL = interval

    assert register_purge_schedule() is False

    [task] = purge_tasks()
    assert task.interval.every == seconds
    assert task.interval.period == IntervalSchedule.SECONDS


def test_interval_over_a_day_not_scheduled(settings: Any) -> None:
    settings.UPWORK_PURGE_INTERVAL = timedelta(seconds=2**31)

    with pytest.raises(UpworkConfigurationError, match="at most 24 hours"):
        register_purge_schedule()

    [task] = purge_tasks()
    assert task.interval.every == 3600


def test_interval_change_notifies_beat(settings: Any) -> None:
    PeriodicTasks.objects.filter(ident=1).delete()
    settings.UPWORK_PURGE_INTERVAL = timedelta(minutes=5)

    register_purge_schedule()

    # A running DatabaseScheduler reloads its schedule when this timestamp changes.
    assert PeriodicTasks.last_change() is not None


def test_unchanged_schedule_is_not_saved(django_assert_max_num_queries: Any) -> None:
    register_purge_schedule()

    # The table check, the interval lookup and the task lookup, but no UPDATE.
    with django_assert_max_num_queries(3) as captured:
        register_purge_schedule()

    assert not [query for query in captured.captured_queries if "UPDATE" in query["sql"]]


def test_reuses_duplicate_interval_rows() -> None:
    duplicate = IntervalSchedule.objects.create(every=3600, period=IntervalSchedule.SECONDS)

    assert register_purge_schedule() is False

    [task] = purge_tasks()
    assert task.interval_id != duplicate.pk
    assert task.interval.every == 3600


def test_operator_crontab_is_kept() -> None:
    crontab = CrontabSchedule.objects.create(minute="*/30")
    task = PeriodicTask.objects.get(task=PURGE_TASK_NAME)
    task.interval = None
    task.crontab = crontab
    task.save()

    assert register_purge_schedule() is False
    call_command("migrate", verbosity=0)

    [task] = purge_tasks()
    assert task.crontab_id == crontab.pk
    assert task.interval is None


def test_register_without_beat_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    # As after `migrate django_upwork` alone on a new database.
    monkeypatch.setattr(connection.introspection, "table_names", lambda *args, **kwargs: [])

    assert register_purge_schedule() is False

    assert len(purge_tasks()) == 1


def test_register_without_beat_installed(settings: Any) -> None:
    settings.INSTALLED_APPS = [
        app for app in settings.INSTALLED_APPS if app != "django_celery_beat"
    ]

    assert register_purge_schedule() is False
    assert purge_schedule_state() == "django_celery_beat is not installed"


def test_schedule_state_describes_task() -> None:
    state = purge_schedule_state()

    assert state == "enabled, every 3600 seconds, last run never"


@pytest.mark.usefixtures("unscheduled")
def test_schedule_state_when_unscheduled() -> None:
    assert purge_schedule_state() == "not scheduled"


def test_schedule_state_when_disabled() -> None:
    PeriodicTask.objects.filter(task=PURGE_TASK_NAME).update(enabled=False)

    assert purge_schedule_state().startswith("disabled, every 3600 seconds")


# System checks


def check_ids(messages: list[checks.CheckMessage]) -> list[str | None]:
    return [message.id for message in messages]


@pytest.mark.usefixtures("unscheduled")
def test_w005_when_nothing_schedules_purge(settings: Any) -> None:
    settings.CELERY_BEAT_SCHEDULE = {}

    messages = check_purge_schedule(None, databases=["default"])

    assert check_ids(messages) == ["django_upwork.W005"]
    assert PURGE_TASK_NAME in messages[0].msg
    assert messages[0].hint


@pytest.mark.usefixtures("unscheduled")
def test_w005_through_run_checks() -> None:
    messages = checks.run_checks(tags=[checks.Tags.database], databases=["default"])

    assert "django_upwork.W005" in check_ids(messages)


def test_no_w005_when_periodic_task_exists() -> None:
    assert check_purge_schedule(None, databases=["default"]) == []


@pytest.mark.usefixtures("unscheduled")
def test_no_w005_with_beat_schedule_setting(settings: Any) -> None:
    settings.CELERY_BEAT_SCHEDULE = {
        "purge-upwork": {"task": PURGE_TASK_NAME, "schedule": 3600.0},
    }

    assert check_purge_schedule(None, databases=["default"]) == []


@pytest.mark.usefixtures("unscheduled")
def test_w005_ignores_other_beat_entries(settings: Any) -> None:
    settings.CELERY_BEAT_SCHEDULE = {
        "cleanup": {"task": "celery.backend_cleanup", "schedule": 3600.0},
    }

    assert check_ids(check_purge_schedule(None, databases=["default"])) == ["django_upwork.W005"]


@pytest.mark.usefixtures("unscheduled")
def test_w005_skipped_without_databases(django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        assert check_purge_schedule(None, databases=None) == []


def test_w003_when_use_tz_false(settings: Any) -> None:
    settings.USE_TZ = False

    assert "django_upwork.W003" in check_ids(check_settings(None))


def test_no_w003_when_use_tz_true(settings: Any) -> None:
    settings.USE_TZ = True

    assert "django_upwork.W003" not in check_ids(check_settings(None))


def test_w005_when_schedule_disabled(db: None) -> None:
    register_purge_schedule()
    PeriodicTask.objects.filter(task=PURGE_TASK_NAME).update(enabled=False)

    assert check_ids(check_purge_schedule(None, databases=["default"])) == ["django_upwork.W005"]
