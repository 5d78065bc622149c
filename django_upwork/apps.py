from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class DjangoUpworkConfig(AppConfig):
    name = "django_upwork"
    verbose_name = _("Upwork")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django_upwork import checks  # noqa: F401 - registers the system checks

        post_migrate.connect(_register_purge_schedule, sender=self)


def _register_purge_schedule(using: str = "default", **kwargs: Any) -> None:
    from django_upwork.services.schedule import register_purge_schedule

    register_purge_schedule(using=using)
