"""``manage.py purge_upwork_cache``: delete cached job postings past their maximum age."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from django_upwork import conf, services
from django_upwork.conf import MAX_ROW_COUNT
from django_upwork.exceptions import InvalidInput, UpworkConfigurationError, UpworkError


class Command(BaseCommand):
    help = (
        "Delete cached Upwork job postings older than UPWORK_CACHE_MAX_AGE (23 hours by "
        "default), in batches. Upwork's terms forbid keeping API data longer than 24 hours."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count the rows that would be deleted and delete nothing.",
        )
        parser.add_argument(
            "--max-age",
            type=float,
            metavar="HOURS",
            help="Delete rows cached at least this many hours ago, for this run only "
            "(default: UPWORK_CACHE_MAX_AGE).",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            metavar="ROWS",
            help=f"Rows deleted per transaction, from 1 to {MAX_ROW_COUNT} "
            "(default: UPWORK_PURGE_BATCH_SIZE, 5000).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        max_age = _parse_max_age(options["max_age"])
        if max_age is not None and max_age > timedelta(hours=24):
            self.stderr.write(
                self.style.WARNING(
                    f"Warning: --max-age {options['max_age']:g} keeps rows longer than 24 hours, "
                    "which Upwork's terms forbid."
                )
            )
        batch_size = options["batch_size"]
        if batch_size is not None and not 1 <= batch_size <= MAX_ROW_COUNT:
            raise CommandError(
                f"--batch-size must be from 1 to {MAX_ROW_COUNT}, got {batch_size}. "
                "Omit it to use UPWORK_PURGE_BATCH_SIZE."
            )
        try:
            count = services.purge_expired_postings(
                max_age=max_age, batch_size=batch_size, dry_run=options["dry_run"]
            )
            age_label = _hours_label(max_age if max_age is not None else conf.cache_max_age())
        except (InvalidInput, UpworkConfigurationError, UpworkError) as err:
            raise CommandError(str(err)) from err
        if options["dry_run"]:
            self.stdout.write(
                f"Would delete {count} job postings cached {age_label} or longer ago."
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Deleted {count} job postings cached {age_label} or longer ago."
                )
            )


def _parse_max_age(hours: float | None) -> timedelta | None:
    if hours is None:
        return None
    if not math.isfinite(hours):
        raise CommandError(
            f"--max-age must be a finite number of hours, such as 23 or 1.5, got {hours}."
        )
    if hours < 0:
        raise CommandError(f"--max-age must be 0 or more hours, got {hours}.")
    try:
        max_age = timedelta(hours=hours)
        timezone.now() - max_age
    except OverflowError as err:
        raise CommandError(
            f"--max-age {hours} hours is out of range; give a number of hours such as 23."
        ) from err
    return max_age


def _hours_label(age: timedelta) -> str:
    hours = age.total_seconds() / 3600
    return f"{hours:g} hour" if hours == 1 else f"{hours:g} hours"
