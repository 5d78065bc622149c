"""Token encryption at rest with Fernet, including key rotation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from django.db import connection
from django.utils import timezone

from django_upwork.exceptions import UpworkConfigurationError
from django_upwork.fields import ENCRYPTED_PREFIX
from django_upwork.models import OAuthToken

pytestmark = pytest.mark.django_db


def stored_columns():
    with connection.cursor() as cursor:
        cursor.execute("SELECT access_token, refresh_token FROM django_upwork_oauthtoken")
        return cursor.fetchone()


def make_token():
    return OAuthToken.objects.create(
        access_token="oauth2v2_" + "a" * 32,
        refresh_token="oauth2v2_" + "b" * 32,
        expires_at=timezone.now() + timedelta(hours=1),
    )


def test_plain_storage_without_key():
    make_token()

    assert stored_columns() == ("oauth2v2_" + "a" * 32, "oauth2v2_" + "b" * 32)


def test_encrypted_storage_round_trips(settings):
    settings.UPWORK_TOKEN_ENCRYPTION_KEY = Fernet.generate_key().decode()
    make_token()

    access, refresh = stored_columns()

    assert access.startswith(ENCRYPTED_PREFIX)
    assert "a" * 32 not in access
    assert refresh.startswith(ENCRYPTED_PREFIX)
    token = OAuthToken.objects.get()
    assert token.access_token == "oauth2v2_" + "a" * 32
    assert token.refresh_token == "oauth2v2_" + "b" * 32


def test_key_rotation(settings):
    old_key = Fernet.generate_key().decode()
    settings.UPWORK_TOKEN_ENCRYPTION_KEY = old_key
    make_token()
    new_key = Fernet.generate_key().decode()
    settings.UPWORK_TOKEN_ENCRYPTION_KEY = [new_key, old_key]

    token = OAuthToken.objects.get()
    assert token.access_token == "oauth2v2_" + "a" * 32
    token.save()

    settings.UPWORK_TOKEN_ENCRYPTION_KEY = new_key
    assert OAuthToken.objects.get().refresh_token == "oauth2v2_" + "b" * 32


def test_plain_rows_still_read_after_turning_encryption_on(settings):
    make_token()
    settings.UPWORK_TOKEN_ENCRYPTION_KEY = Fernet.generate_key().decode()

    assert OAuthToken.objects.get().access_token == "oauth2v2_" + "a" * 32


def test_wrong_key_names_the_setting(settings):
    settings.UPWORK_TOKEN_ENCRYPTION_KEY = Fernet.generate_key().decode()
    make_token()
    settings.UPWORK_TOKEN_ENCRYPTION_KEY = Fernet.generate_key().decode()

    with pytest.raises(UpworkConfigurationError, match="UPWORK_TOKEN_ENCRYPTION_KEY") as raised:
        OAuthToken.objects.get()

    assert "a" * 32 not in str(raised.value)


def test_missing_key_for_encrypted_rows(settings):
    settings.UPWORK_TOKEN_ENCRYPTION_KEY = Fernet.generate_key().decode()
    make_token()
    settings.UPWORK_TOKEN_ENCRYPTION_KEY = None

    with pytest.raises(UpworkConfigurationError, match="not set"):
        OAuthToken.objects.get()


@pytest.mark.parametrize("new_key", [None, Fernet.generate_key().decode()])
def test_reconnecting_replaces_tokens_that_no_key_decrypts(settings, emulator, new_key):
    from django_upwork import services

    settings.UPWORK_TOKEN_ENCRYPTION_KEY = Fernet.generate_key().decode()
    make_token()
    settings.UPWORK_TOKEN_ENCRYPTION_KEY = new_key
    code = emulator.tokens.create_code(emulator.client_id, "http://testserver/upwork/callback/")

    services.exchange_auth_code(code, redirect_uri="http://testserver/upwork/callback/")

    token = OAuthToken.objects.get()
    assert token.access_token.startswith("oauth2v2_")
    assert token.access_token != "oauth2v2_" + "a" * 32
    assert stored_columns()[0].startswith(ENCRYPTED_PREFIX) is (new_key is not None)


def test_status_reads_survive_a_wrong_key(settings, staff_client):
    from django.core.management import call_command

    from django_upwork import services

    settings.UPWORK_TOKEN_ENCRYPTION_KEY = Fernet.generate_key().decode()
    token = make_token()
    OAuthToken.objects.filter(pk=token.pk).update(refresh_expires_at=token.expires_at)
    settings.UPWORK_TOKEN_ENCRYPTION_KEY = Fernet.generate_key().decode()

    assert services.get_auth_status() == "connected"
    assert staff_client.get("/admin/django_upwork/oauthtoken/").status_code == 200
    page = staff_client.get(f"/admin/django_upwork/oauthtoken/{token.pk}/change/")
    assert page.status_code == 200
    call_command("upwork_status")
    with pytest.raises(UpworkConfigurationError, match="UPWORK_TOKEN_ENCRYPTION_KEY"):
        services.get_access_token()


def test_forced_refresh_encrypts_plain_tokens(connected, settings):
    from django_upwork import services

    assert not stored_columns()[0].startswith(ENCRYPTED_PREFIX)
    settings.UPWORK_TOKEN_ENCRYPTION_KEY = Fernet.generate_key().decode()

    token = services.refresh_access_token(force=True)

    access, refresh = stored_columns()
    assert access.startswith(ENCRYPTED_PREFIX)
    assert refresh.startswith(ENCRYPTED_PREFIX)
    assert token.access_token != connected.access_token
    assert OAuthToken.objects.get().access_token == token.access_token


def test_invalid_key_spends_no_code(settings, emulator):
    from django_upwork import services

    redirect_uri = "http://testserver/upwork/callback/"
    code = emulator.tokens.create_code(emulator.client_id, redirect_uri)
    settings.UPWORK_TOKEN_ENCRYPTION_KEY = "not-a-fernet-key"

    with pytest.raises(UpworkConfigurationError, match="UPWORK_TOKEN_ENCRYPTION_KEY"):
        services.exchange_auth_code(code, redirect_uri=redirect_uri)

    assert emulator.stats()["authorization_code_exchanges"] == 0
    assert not OAuthToken.objects.exists()
    settings.UPWORK_TOKEN_ENCRYPTION_KEY = Fernet.generate_key().decode()
    services.exchange_auth_code(code, redirect_uri=redirect_uri)
    assert OAuthToken.objects.get().access_token.startswith("oauth2v2_")


def test_invalid_key_spends_no_refresh_token(connected, settings, emulator):
    from django_upwork import services

    before = OAuthToken.objects.values().get()
    settings.UPWORK_TOKEN_ENCRYPTION_KEY = "not-a-fernet-key"

    with pytest.raises(UpworkConfigurationError, match="UPWORK_TOKEN_ENCRYPTION_KEY"):
        services.refresh_access_token(force=True)

    assert emulator.stats()["token_refreshes"] == 0
    assert OAuthToken.objects.values().get() == before
