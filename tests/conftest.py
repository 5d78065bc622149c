"""Shared fixtures: the Upwork emulator, a connected account and a clean cache."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from django_upwork.models import OAuthToken

pytest_plugins = ["django_upwork.testing.pytest_plugin"]

DATA = Path(__file__).parent / "data"


def load_sample(name: str) -> Any:
    """Return a recorded Upwork exchange half from ``tests/data/samples``."""
    return json.loads((DATA / "samples" / name).read_text())


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


@pytest.fixture
def emulator(upwork_settings: Any) -> Any:
    """The running emulator, with the Django settings pointing at it."""
    return upwork_settings


@pytest.fixture
def connected(emulator: Any, db: None) -> OAuthToken:
    """Store tokens that the emulator issued, as if a staff user had just connected."""
    tokens = emulator.issue_tokens()
    return OAuthToken.objects.create(
        access_token=tokens["access_token"],
        refresh_token=tokens["refresh_token"],
        token_type=tokens.get("token_type", "Bearer"),
        expires_at=timezone.now() + timedelta(seconds=int(tokens["expires_in"]) - 60),
        refresh_expires_at=timezone.now() + timedelta(days=14),
    )


@pytest.fixture
def staff_client(client: Any, django_user_model: Any) -> Any:
    user = django_user_model.objects.create_user(
        "staff", "staff@example.com", "staff-password", is_staff=True, is_superuser=True
    )
    client.force_login(user)
    client.user = user
    return client


def last_graphql(emulator: Any) -> dict[str, Any]:
    """Return the operation name and variables of the emulator's latest GraphQL request."""
    return emulator.stats()["recent_graphql"][-1]


def graphql_hits(emulator: Any) -> int:
    """Return how many HTTP requests reached the emulator's GraphQL route, faults included."""
    return int(emulator.stats()["requests"].get("graphql", 0))
