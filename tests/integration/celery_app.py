"""The Celery app of the worker and beat that the integration tests start."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.integration.settings")

app = Celery("django_upwork_integration")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["django_upwork"])
