"""Celery app of the example project.

Start a worker and exactly one beat from the ``example_project`` directory::

    celery -A example_project worker --loglevel=INFO
    celery -A example_project beat --loglevel=INFO

Beat uses django-celery-beat's database scheduler, where django-upwork registers its hourly
purge on ``migrate``.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example_project.settings")

app = Celery("example_project")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
