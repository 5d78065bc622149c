"""Access-token refresh: rotation, locking, rejection and transient failures."""

from __future__ import annotations

import logging
import os
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from django_upwork import services
from django_upwork.exceptions import (
    AuthenticationError,
    BotCheckPage,
    ReauthorizationRequired,
    ServerError,
    TransientError,
)
from django_upwork.models import OAuthToken
from tests.conftest import graphql_hits

pytestmark = pytest.mark.django_db

on_postgres = pytest.mark.skipif(
    os.environ.get("DJANGO_UPWORK_TEST_DB") != "postgres",
    reason="row locks need PostgreSQL; SQLite runs this suite too but has no select_for_update",
)


def expire(token: OAuthToken) -> None:
    OAuthToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))


def test_expired_token_is_refreshed_before_the_call(connected, emulator):
    expire(connected)

    services.search_job_postings()

    token = OAuthToken.objects.get()
    assert token.access_token != connected.access_token
    assert token.refresh_token != connected.refresh_token
    assert token.expires_at > timezone.now() + timedelta(hours=23)
    assert token.refreshed_at is not None
    assert emulator.stats()["token_refreshes"] == 1


def test_refresh_sends_client_credentials(connected, emulator, settings):
    expire(connected)

    services.get_access_token()

    # The emulator, like Upwork, returns invalid_request to a refresh without client_id.
    assert emulator.stats()["recent_token"][-1] == {
        "grant_type": "refresh_token",
        "status": 200,
        "error": None,
    }


def test_live_token_is_not_refreshed(connected, emulator):
    assert services.get_access_token() == connected.access_token
    assert emulator.stats()["token_refreshes"] == 0


def test_rotation_survives_a_day(connected, emulator):
    expire(connected)
    services.get_access_token()
    first_rotation = OAuthToken.objects.get()

    emulator.advance_clock(25 * 3600)
    expire(first_rotation)
    services.get_access_token()

    second = OAuthToken.objects.get()
    assert second.refresh_token not in (connected.refresh_token, first_rotation.refresh_token)
    assert services.get_auth_status() == "connected"
    services.search_job_postings()


def test_old_refresh_token_dies_after_a_day(connected, emulator):
    expire(connected)
    services.get_access_token()
    emulator.advance_clock(25 * 3600)
    # A process that kept the old refresh token is what loses connections for good.
    OAuthToken.objects.update(
        refresh_token=connected.refresh_token, expires_at=timezone.now() - timedelta(seconds=1)
    )

    with pytest.raises(ReauthorizationRequired, match="invalid_grant"):
        services.get_access_token()

    token = OAuthToken.objects.get()
    assert token.needs_reauthorization
    assert token.refresh_token == connected.refresh_token
    assert token.last_error == "invalid_grant"
    assert services.get_auth_status() == "expired"


def test_no_refresh_after_rejection(connected, emulator):
    OAuthToken.objects.update(refresh_token="oauth2v2_" + "0" * 32)
    expire(connected)
    with pytest.raises(ReauthorizationRequired):
        services.get_access_token()
    attempts = emulator.stats()["token_errors"]

    for _ in range(3):
        with pytest.raises(ReauthorizationRequired):
            services.search_job_postings()

    assert emulator.stats()["token_errors"] == attempts


def test_reconnect_clears_expired_state(connected, emulator, staff_client):
    from tests.test_oauth_flow import approve, start

    OAuthToken.objects.update(needs_reauthorization=True, last_error="invalid_grant")
    assert services.get_auth_status() == "expired"

    staff_client.get(f"/upwork/callback/?{approve(start(staff_client))}")

    assert services.get_auth_status() == "connected"
    assert OAuthToken.objects.count() == 1


@pytest.mark.parametrize(
    ("fault", "error"),
    [("http_503", ServerError), ("html_200", BotCheckPage), ("html_403", BotCheckPage)],
)
def test_transient_refresh_failure_changes_nothing(connected, emulator, fault, error):
    expire(connected)
    before = OAuthToken.objects.values().get()
    emulator.inject_fault("token", fault)

    with pytest.raises(error) as raised:
        services.get_access_token()

    assert raised.value.retryable
    assert isinstance(raised.value, (TransientError, BotCheckPage))
    assert OAuthToken.objects.values().get() == before
    services.get_access_token()
    assert OAuthToken.objects.get().access_token != connected.access_token


def test_refresh_keeps_refresh_token_when_none_returned(connected, emulator):
    emulator.inject_fault("token", "omit_refresh_token")
    expire(connected)

    services.get_access_token()

    token = OAuthToken.objects.get()
    assert token.access_token != connected.access_token
    assert token.refresh_token == connected.refresh_token


def test_expires_in_as_string(connected, emulator, monkeypatch):
    monkeypatch.setattr(emulator.tokens, "expires_in_as_string", True)
    expire(connected)

    services.get_access_token()

    expires_at = OAuthToken.objects.get().expires_at
    assert timezone.now() + timedelta(hours=23) < expires_at < timezone.now() + timedelta(hours=24)


def test_graphql_401_refreshes_once_and_retries(connected, emulator):
    # The stored token looks live but the emulator no longer accepts it.
    OAuthToken.objects.update(access_token="oauth2v2_" + "f" * 32)

    result = services.search_job_postings()

    assert result.postings
    assert emulator.stats()["token_refreshes"] == 1


def test_graphql_401_twice_gives_up(connected, emulator):
    from django_upwork.exceptions import AuthenticationError

    emulator.inject_fault("graphql", "http_401", count=5)

    with pytest.raises(AuthenticationError):
        services.search_job_postings()

    assert emulator.stats()["token_refreshes"] == 1
    assert graphql_hits(emulator) == 2


def test_status_values(db, connected):
    assert services.get_auth_status() == "connected"
    OAuthToken.objects.update(
        expires_at=timezone.now() - timedelta(hours=1),
        refresh_expires_at=timezone.now() - timedelta(seconds=1),
    )
    assert services.get_auth_status() == "expired"
    OAuthToken.objects.all().delete()
    assert services.get_auth_status() == "disconnected"


def test_repr_hides_tokens(connected):
    text = repr(connected) + str(connected)

    assert connected.access_token not in text
    assert connected.refresh_token not in text


@on_postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("threads", [2, 8])
def test_concurrent_refresh_happens_once(connected, emulator, threads):
    expire(connected)
    barrier = threading.Barrier(threads)
    results: list[str] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            results.append(services.get_access_token())
        except BaseException as err:
            errors.append(err)
        finally:
            connection.close()

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(timeout=30)

    assert errors == []
    assert emulator.stats()["token_refreshes"] == 1
    assert len(set(results)) == 1
    assert results[0] == OAuthToken.objects.get().access_token
    services.search_job_postings()


def test_no_secret_in_logs_or_errors(staff_client, emulator, caplog):
    from urllib.parse import parse_qs, urlsplit

    from tests.test_oauth_flow import approve, start

    caplog.set_level(logging.DEBUG)
    query = approve(start(staff_client))
    code = parse_qs(query)["code"][0]
    staff_client.get(f"/upwork/callback/?{query}")
    first = OAuthToken.objects.get()
    expire(first)
    services.search_job_postings()
    emulator.inject_fault("token", "http_503")
    expire(OAuthToken.objects.get())
    messages = []
    try:
        services.get_access_token()
    except TransientError as err:
        messages.append(str(err))
    emulator.advance_clock(25 * 3600)
    OAuthToken.objects.update(refresh_token=first.refresh_token)
    try:
        services.get_access_token()
    except ReauthorizationRequired as err:
        messages.append(str(err))
    last = OAuthToken.objects.get()

    secrets = {
        code,
        first.access_token,
        first.refresh_token,
        last.access_token,
        emulator.client_secret,
    }
    captured = caplog.text + "\n".join(messages) + urlsplit(start(staff_client)).query
    assert len(caplog.records) > 5
    for secret in secrets:
        assert secret not in captured


def test_refresh_without_force_keeps_live_token(connected, emulator):
    assert services.refresh_access_token().access_token == connected.access_token
    assert emulator.stats()["token_refreshes"] == 0

    services.refresh_access_token(force=True)

    assert emulator.stats()["token_refreshes"] == 1


def test_token_endpoint_429_changes_nothing(connected, emulator):
    from django_upwork.exceptions import RateLimited

    expire(connected)
    before = OAuthToken.objects.values().get()
    emulator.inject_fault("token", "http_429", retry_after=5)

    with pytest.raises(RateLimited, match="try again after 5 s") as raised:
        services.get_access_token()

    assert raised.value.retry_after == 5
    assert raised.value.retryable
    assert OAuthToken.objects.values().get() == before


def test_wrong_client_secret_keeps_the_connection(connected, emulator, settings):
    expire(connected)
    settings.UPWORK_CLIENT_SECRET = "not-the-registered-secret"

    with pytest.raises(AuthenticationError, match="UPWORK_CLIENT_SECRET") as raised:
        services.get_access_token()

    assert not isinstance(raised.value, ReauthorizationRequired)
    assert raised.value.classification == "invalid_client"
    token = OAuthToken.objects.get()
    assert token.needs_reauthorization is False
    assert token.refresh_token == connected.refresh_token
    assert services.get_auth_status() == "connected"

    settings.UPWORK_CLIENT_SECRET = emulator.client_secret
    assert services.get_access_token() != connected.access_token


def test_rejection_spares_a_token_saved_meanwhile(connected, emulator):
    OAuthToken.objects.update(
        refresh_token="revoked-refresh-token", expires_at=timezone.now() - timedelta(seconds=1)
    )
    saved_meanwhile = False

    def reconnect_first(execute, sql, params, many, context):
        # Another process reconnects after this one's refresh was rejected and just before
        # it marks the row: the mark must not hit the new token.
        nonlocal saved_meanwhile
        if not saved_meanwhile and sql.startswith("UPDATE") and "needs_reauthorization" in sql:
            saved_meanwhile = True
            row = OAuthToken.objects.get()
            row.access_token = "access-token-of-the-new-connection"
            row.refresh_token = "refresh-token-of-the-new-connection"
            row.expires_at = timezone.now() + timedelta(hours=24)
            row.save()
        return execute(sql, params, many, context)

    with connection.execute_wrapper(reconnect_first):
        access_token = services.get_access_token()

    assert saved_meanwhile
    assert access_token == "access-token-of-the-new-connection"
    token = OAuthToken.objects.get()
    assert token.needs_reauthorization is False
    assert token.refresh_token == "refresh-token-of-the-new-connection"


def test_rejection_marks_the_connection(connected, emulator):
    OAuthToken.objects.update(
        refresh_token="revoked-refresh-token", expires_at=timezone.now() - timedelta(seconds=1)
    )

    with pytest.raises(ReauthorizationRequired):
        services.get_access_token()

    token = OAuthToken.objects.get()
    assert token.needs_reauthorization is True
    assert token.last_error == "invalid_grant"
    assert services.get_auth_status() == "expired"


def test_unsaved_token_has_a_repr(db):
    token = OAuthToken()

    assert token.status == "expired"
    assert "status='expired'" in repr(token)
