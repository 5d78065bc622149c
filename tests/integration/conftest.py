"""The environment of the Celery processes that use the test database."""

from __future__ import annotations

import os
import uuid

import pytest
from django.db import connection

from tests.integration.processes import REPO_ROOT


@pytest.fixture
def celery_env(transactional_db: None) -> dict[str, str]:
    """Return the environment of a Celery process that uses this test's database and Redis."""
    database = connection.settings_dict
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "tests.integration.settings",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")])),
            "DJANGO_UPWORK_INTEGRATION_DB_NAME": str(database["NAME"]),
            "DJANGO_UPWORK_INTEGRATION_DB_HOST": str(database["HOST"]),
            "DJANGO_UPWORK_INTEGRATION_DB_PORT": str(database["PORT"]),
            "DJANGO_UPWORK_INTEGRATION_DB_USER": str(database["USER"]),
            "DJANGO_UPWORK_INTEGRATION_DB_PASSWORD": str(database["PASSWORD"] or ""),
            "DJANGO_UPWORK_INTEGRATION_QUEUE": f"django-upwork-integration-{uuid.uuid4().hex}",
        }
    )
    return env
