"""``manage.py demo_admin``: create or update the superuser that ``scripts/demo`` logs in as."""

from __future__ import annotations

import os
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

PASSWORD_VARIABLE = "DEMO_ADMIN_PASSWORD"


class Command(BaseCommand):
    help = (
        f"Create a superuser, or reset its password, with the password from the "
        f"{PASSWORD_VARIABLE} environment variable. For local demos only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--username", default="admin", help="Login name of the user (default: admin)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # The password comes from the environment so that it appears in no process list.
        password = os.environ.get(PASSWORD_VARIABLE, "")
        if not password:
            raise CommandError(f"{PASSWORD_VARIABLE} is not set. Set it to the admin password.")
        if len(password) < 8:
            raise CommandError(
                f"{PASSWORD_VARIABLE} is too short ({len(password)} characters). Use at least 8."
            )
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(
            **{user_model.USERNAME_FIELD: options["username"]}
        )
        user.is_staff = True
        user.is_superuser = True
        user.is_active = True
        user.set_password(password)
        user.save()
        action = "Created" if created else "Updated"
        self.stdout.write(f"{action} the superuser {options['username']!r}.")
