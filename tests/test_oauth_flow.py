"""The connection views: authorize, callback and disconnect, over the emulator's OAuth flow."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from django_upwork import services
from django_upwork.exceptions import (
    AuthenticationError,
    InvalidInput,
    InvalidOAuthState,
    UpworkConfigurationError,
)
from django_upwork.models import OAuthToken
from django_upwork.services.auth import SESSION_KEY, STATE_MAX_AGE

pytestmark = pytest.mark.django_db

CALLBACK = "/upwork/callback/"


def start(client):
    """Start a connection and return the authorization URL's query parameters."""
    response = client.post("/upwork/connect/")
    assert response.status_code == 302
    return response["Location"]


def approve(authorize_url, decision="approve"):
    """Submit the emulator's authorization page and return the callback's query string."""
    query = parse_qs(urlsplit(authorize_url).query)
    form = {key: values[0] for key, values in query.items()}
    form["action"] = decision
    response = requests.post(
        authorize_url.split("?")[0], data=form, allow_redirects=False, timeout=5
    )
    assert response.status_code == 302, response.text
    return urlsplit(response.headers["Location"]).query


def test_full_flow_connects(staff_client, emulator):
    authorize_url = start(staff_client)
    query = parse_qs(urlsplit(authorize_url).query)
    assert authorize_url.startswith(emulator.authorize_url)
    assert query["redirect_uri"] == ["http://testserver/upwork/callback/"]
    assert query["response_type"] == ["code"]
    assert len(query["state"][0]) >= 32

    response = staff_client.get(f"{CALLBACK}?{approve(authorize_url)}")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert services.get_auth_status() == "connected"
    token = OAuthToken.objects.get()
    assert token.access_token.startswith("oauth2v2_")
    assert emulator.stats()["authorization_code_exchanges"] == 1


def test_success_url_redirect(staff_client, emulator, settings):
    settings.UPWORK_SUCCESS_URL = "/admin/"

    response = staff_client.get(f"{CALLBACK}?{approve(start(staff_client))}")

    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_success_url_on_allowed_host(staff_client, emulator, settings):
    settings.UPWORK_SUCCESS_URL = "http://localhost/done/"

    response = staff_client.get(f"{CALLBACK}?{approve(start(staff_client))}")

    assert response.status_code == 302
    assert response["Location"] == "http://localhost/done/"


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "/\\evil.example/"],
)
def test_success_url_never_redirects_off_site(staff_client, emulator, settings, target):
    settings.UPWORK_SUCCESS_URL = target

    response = staff_client.get(f"{CALLBACK}?{approve(start(staff_client))}")

    assert response.status_code == 200
    assert services.get_auth_status() == "connected"


def test_state_is_single_use(staff_client, emulator):
    query = approve(start(staff_client))
    assert staff_client.get(f"{CALLBACK}?{query}").status_code == 200

    replay = staff_client.get(f"{CALLBACK}?{query}")

    assert replay.status_code == 400
    assert emulator.stats()["authorization_code_exchanges"] == 1


def test_state_is_spent_by_a_failed_exchange(staff_client, emulator):
    # Django saves no session for a response of 500 or more, so the view saves it itself.
    query = parse_qs(approve(start(staff_client)))
    state, code = query["state"][0], query["code"][0]

    failed = staff_client.get(CALLBACK, {"state": state, "code": "not-the-code"})
    replay = staff_client.get(CALLBACK, {"state": state, "code": code})

    assert failed.status_code == 502
    assert replay.status_code == 400
    assert not OAuthToken.objects.exists()


@pytest.mark.parametrize("code", ["", "  ", None, 123])
def test_missing_code_is_refused_before_any_request(emulator, code):
    with pytest.raises(InvalidInput, match="'code' parameter of Upwork's redirect"):
        services.exchange_auth_code(code)

    assert emulator.stats()["total_requests"] == 0


@pytest.mark.parametrize("state", [None, "", " ", 5])
def test_authorization_url_without_request_needs_a_state(emulator, state):
    with pytest.raises(InvalidInput, match="your own state string"):
        services.get_authorization_url(state=state)


def test_used_code_names_the_likely_causes(staff_client, emulator):
    code = parse_qs(approve(start(staff_client)))["code"][0]
    redirect_uri = "http://testserver/upwork/callback/"
    services.exchange_auth_code(code, redirect_uri=redirect_uri)

    with pytest.raises(AuthenticationError, match="A code works once") as raised:
        services.exchange_auth_code(code, redirect_uri=redirect_uri)

    assert raised.value.classification == "invalid_grant"
    assert "redirect URI" in str(raised.value)
    assert OAuthToken.objects.get().needs_reauthorization is False


def test_forged_state_is_rejected(staff_client, emulator):
    query = parse_qs(approve(start(staff_client)))

    response = staff_client.get(CALLBACK, {"code": query["code"][0], "state": "forged"})

    assert response.status_code == 400
    assert emulator.stats()["authorization_code_exchanges"] == 0
    assert not OAuthToken.objects.exists()


def test_stray_callbacks_create_no_session(client, emulator):
    from django.contrib.sessions.models import Session

    for state in ("x", "y", "z"):
        response = client.get(CALLBACK, {"code": "c", "state": state})

        assert response.status_code == 400
        assert "sessionid" not in response.cookies
    assert Session.objects.count() == 0


def test_missing_state_is_rejected(staff_client, emulator):
    response = staff_client.get(CALLBACK, {"code": "anything"})

    assert response.status_code == 400
    assert emulator.stats()["authorization_code_exchanges"] == 0


def test_expired_state_is_rejected(staff_client, emulator):
    query = approve(start(staff_client))
    session = staff_client.session
    states = session[SESSION_KEY]
    for entry in states.values():
        entry["created"] = time.time() - STATE_MAX_AGE - 1
    session[SESSION_KEY] = states
    session.save()

    response = staff_client.get(f"{CALLBACK}?{query}")

    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert emulator.stats()["authorization_code_exchanges"] == 0


def test_state_from_another_session_is_rejected(staff_client, client, emulator, django_user_model):
    query = approve(start(staff_client))
    other = django_user_model.objects.create_user("other", is_staff=True)
    client.force_login(other)

    response = client.get(f"{CALLBACK}?{query}")

    assert response.status_code == 400
    assert emulator.stats()["authorization_code_exchanges"] == 0


def test_pending_states_are_capped(staff_client, emulator):
    for _ in range(8):
        start(staff_client)

    assert len(staff_client.session[SESSION_KEY]) == 5


def test_denied_access_shows_clear_page(staff_client, emulator):
    query = approve(start(staff_client), decision="deny")

    response = staff_client.get(f"{CALLBACK}?{query}")

    assert response.status_code == 403
    assert "not granted" in response.content.decode()
    assert not OAuthToken.objects.exists()


def test_non_staff_cannot_start(client, django_user_model, emulator):
    client.force_login(django_user_model.objects.create_user("plain"))

    response = client.get("/upwork/connect/")

    assert response.status_code == 403
    assert "permission to connect" in response.content.decode()


def test_non_staff_cannot_disconnect(client, django_user_model, connected):
    client.force_login(django_user_model.objects.create_user("plain"))

    response = client.post("/upwork/disconnect/")

    assert response.status_code == 403
    assert "permission to disconnect" in response.content.decode()
    assert OAuthToken.objects.exists()


@pytest.mark.parametrize(
    ("method", "path"), [("get", "/upwork/connect/"), ("post", "/upwork/disconnect/")]
)
def test_bad_permission_setting_is_a_clear_error(staff_client, connected, settings, method, path):
    settings.UPWORK_CONNECT_PERMISSION = "staff"

    response = getattr(staff_client, method)(path)

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/plain")
    assert "UPWORK_CONNECT_PERMISSION must be" in response.content.decode()
    assert OAuthToken.objects.exists()


def test_anonymous_is_sent_to_login(client, emulator):
    response = client.get("/upwork/connect/")

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_custom_permission_setting(client, django_user_model, emulator, settings):
    settings.UPWORK_CONNECT_PERMISSION = "is_superuser"
    client.force_login(django_user_model.objects.create_user("staff-only", is_staff=True))

    assert client.get("/upwork/connect/").status_code == 403


def test_configured_redirect_uri_beats_host_header(staff_client, emulator, settings):
    settings.UPWORK_SITE_URL = None
    settings.UPWORK_REDIRECT_URI = "https://example.com/upwork/callback/"
    settings.ALLOWED_HOSTS = ["*"]

    location = staff_client.post("/upwork/connect/", HTTP_HOST="attacker.example")["Location"]

    assert parse_qs(urlsplit(location).query)["redirect_uri"] == [
        "https://example.com/upwork/callback/"
    ]


def test_redirect_uri_is_https_behind_proxy(staff_client, emulator, settings):
    settings.UPWORK_SITE_URL = None
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = ["jobs.example.com"]

    location = staff_client.post(
        "/upwork/connect/", HTTP_HOST="jobs.example.com", HTTP_X_FORWARDED_PROTO="https"
    )["Location"]

    assert parse_qs(urlsplit(location).query)["redirect_uri"] == [
        "https://jobs.example.com/upwork/callback/"
    ]


def test_disconnect_requires_post(staff_client, connected):
    assert staff_client.get("/upwork/disconnect/").status_code == 405
    assert OAuthToken.objects.exists()


def test_disconnect_forgets_tokens(staff_client, connected):
    response = staff_client.post("/upwork/disconnect/")

    assert response.status_code == 200
    assert services.get_auth_status() == "disconnected"


def test_connect_page_starts_nothing(staff_client, emulator):
    response = staff_client.get("/upwork/connect/")

    body = response.content.decode()
    assert response.status_code == 200
    assert '<form method="post"' in body
    assert "csrfmiddlewaretoken" in body
    assert SESSION_KEY not in staff_client.session


def test_connect_checks_csrf(django_user_model, emulator):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(django_user_model.objects.create_user("s", is_staff=True))

    assert csrf_client.post("/upwork/connect/").status_code == 403
    assert SESSION_KEY not in csrf_client.session


def test_disconnect_checks_csrf(client, django_user_model, connected):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(django_user_model.objects.create_user("s", is_staff=True))

    assert csrf_client.post("/upwork/disconnect/").status_code == 403
    assert OAuthToken.objects.exists()


def test_plain_http_authorize_url_is_a_clear_error(staff_client, emulator, settings):
    settings.UPWORK_AUTHORIZE_URL = "http://upwork.example/ab/account-security/oauth2/authorize"

    response = staff_client.post("/upwork/connect/")

    assert response.status_code == 500
    assert "uses plain HTTP" in response.content.decode()


def test_no_app_urls_needs_redirect_uri(emulator, settings):
    settings.ROOT_URLCONF = "tests.urls_admin_only"
    settings.UPWORK_SITE_URL = "https://example.com"

    with pytest.raises(UpworkConfigurationError) as raised:
        services.get_authorization_url(state="state-value")

    message = str(raised.value)
    assert 'include("django_upwork.urls")' in message
    assert "UPWORK_REDIRECT_URI" in message


def test_no_app_urls_with_redirect_uri(emulator, settings, rf):
    settings.ROOT_URLCONF = "tests.urls_admin_only"
    settings.UPWORK_REDIRECT_URI = "https://example.com/my/callback/"
    request = rf.get("/my/callback/", {"state": "unknown", "code": "code-value"})
    request.session = {}

    url = services.get_authorization_url(state="state-value")
    with pytest.raises(InvalidOAuthState) as raised:
        services.complete_authorization(request)

    redirect_uri = parse_qs(urlsplit(url).query)["redirect_uri"]
    assert redirect_uri == ["https://example.com/my/callback/"]
    assert str(raised.value).endswith("Start the connection again at the site's connect page.")
