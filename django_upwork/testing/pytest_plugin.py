"""pytest fixtures that run one Upwork emulator per test session.

Enable with `pytest_plugins = ["django_upwork.testing.pytest_plugin"]` in a `conftest.py`.

- `upwork_emulator`: the running emulator, reset (tokens, stats, faults, clock) before each test.
- `upwork_settings`: the same emulator, with django-upwork's settings pointed at it through
  pytest-django's `settings` fixture for the duration of the test.

The emulator uses `UPWORK_CLIENT_ID` and `UPWORK_CLIENT_SECRET` from the Django settings when
they are set, and serves the postings file named by `UPWORK_REAL_CORPUS` when that variable is set.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .server import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    UpworkEmulator,
    corpus_path_from_environment,
)


def _configured_credentials() -> tuple[str, str]:
    """Return the client id and secret from Django settings, or the emulator's defaults."""
    try:
        from django.conf import settings
        from django.core.exceptions import ImproperlyConfigured
    except ImportError:
        return DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
    try:
        client_id = getattr(settings, "UPWORK_CLIENT_ID", None) or DEFAULT_CLIENT_ID
        client_secret = getattr(settings, "UPWORK_CLIENT_SECRET", None) or DEFAULT_CLIENT_SECRET
    except ImproperlyConfigured:
        return DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
    return str(client_id), str(client_secret)


@pytest.fixture(scope="session")
def upwork_emulator_session() -> Iterator[UpworkEmulator]:
    """Start one emulator for the whole session and stop it at the end."""
    client_id, client_secret = _configured_credentials()
    emulator = UpworkEmulator(
        client_id=client_id,
        client_secret=client_secret,
        corpus_path=corpus_path_from_environment(),
    )
    emulator.start()
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture
def upwork_emulator(upwork_emulator_session: UpworkEmulator) -> UpworkEmulator:
    """Return the session's emulator after resetting its tokens, stats, faults and clock."""
    upwork_emulator_session.reset()
    return upwork_emulator_session


@pytest.fixture
def upwork_settings(upwork_emulator: UpworkEmulator, settings: Any) -> UpworkEmulator:
    """Point django-upwork's settings at the emulator for this test and return the emulator."""
    for name, value in upwork_emulator.django_settings().items():
        setattr(settings, name, value)
    return upwork_emulator
