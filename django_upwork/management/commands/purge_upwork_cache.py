"""``manage.py purge_upwork_cache``: delete cached job postings past their maximum age."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from django_upwork import conf, services


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
            help="Rows deleted per transaction (default: UPWORK_PURGE_BATCH_SIZE, 5000).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        max_age = None
        if options["max_age"] is not None:
            if options["max_age"] < 0:
                raise CommandError(f"--max-age must be 0 or more hours, got {options['max_age']}.")
            max_age = timedelta(hours=options["max_age"])
        batch_size = options["batch_size"]
        if batch_size is not None and batch_size < 1:
            raise CommandError(f"--batch-size must be at least 1, got {batch_size}.")
        age_label = max_age or conf.cache_max_age()
        count = services.purge_expired_postings(
            max_age=max_age, batch_size=batch_size, dry_run=options["dry_run"]
        )
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
