"""Django's error reports hide the client secret, the tokens and the code in frame variables.

Error e-mails to ADMINS and error trackers show every frame's local variables, so each
function through which a secret enters the package is marked with ``sensitive_variables``,
which also cleanses the frames it calls.
"""

from __future__ import annotations

import socket
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from django.views.debug import ExceptionReporter

from django_upwork import services
from django_upwork.exceptions import UpworkConnectionError
from django_upwork.models import OAuthToken

pytestmark = pytest.mark.django_db

TESTS = str(Path(__file__).parent)


def closed_port_url(path: str) -> str:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        port = listener.getsockname()[1]
    # Nothing listens on the port any more, so a connection to it is refused.
    return f"http://127.0.0.1:{port}{path}"


def error_report(raised: pytest.ExceptionInfo[BaseException]) -> str:
    """Return the variables of the frames below the test, as an error report shows them."""
    reporter = ExceptionReporter(None, raised.type, raised.value, raised.tb)
    return "\n".join(
        f"{name} = {value}"
        for frame in reporter.get_traceback_frames()
        if not frame["filename"].startswith(TESTS)
        for name, value in frame["vars"]
    )


@pytest.fixture
def reports(settings):
    """Settings as in production, where Django cleanses the reports."""
    settings.DEBUG = False
    settings.UPWORK_MAX_RETRIES = 0


def test_failed_refresh_hides_tokens_and_secret(reports, connected, emulator, settings):
    settings.UPWORK_TOKEN_URL = closed_port_url("/token")
    OAuthToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    with pytest.raises(UpworkConnectionError) as raised:
        services.search_job_postings()

    report = error_report(raised)
    assert "********" in report
    assert connected.access_token not in report
    assert connected.refresh_token not in report
    assert emulator.client_secret not in report


def test_failed_query_hides_access_token(reports, connected, settings):
    settings.UPWORK_API_URL = closed_port_url("/graphql")

    with pytest.raises(UpworkConnectionError) as raised:
        services.get_job_posting("1987969201035894058")

    report = error_report(raised)
    assert "********" in report
    assert connected.access_token not in report


def test_failed_code_exchange_hides_code_and_secret(reports, emulator, settings):
    settings.UPWORK_TOKEN_URL = closed_port_url("/token")
    code = "authorization-code-7f3a9c"

    with pytest.raises(UpworkConnectionError) as raised:
        services.exchange_auth_code(code, redirect_uri="http://testserver/upwork/callback/")

    report = error_report(raised)
    assert "********" in report
    assert code not in report
    assert emulator.client_secret not in report
