"""Settings that the system checks report are rejected the same way where they are read."""

from __future__ import annotations

import pytest

from django_upwork import conf, services
from django_upwork.checks import check_settings
from django_upwork.exceptions import UpworkConfigurationError
from tests.conftest import graphql_hits


def ids(messages):
    return [message.id for message in messages]


# -- UPWORK_TENANT_ID ---------------------------------------------------------------------------

HEADER_BREAKING_TENANTS = [
    "424242\r\nX-Injected: 1",
    "424242\n",
    "4242\x0042",
    "\t424242",
    "4242\x7f",
    " 424242",
    "424242 ",
    "4242\u20ac",
]


@pytest.mark.parametrize("value", HEADER_BREAKING_TENANTS)
def test_tenant_header_breaker_reported(settings, value):
    settings.UPWORK_TENANT_ID = value

    messages = check_settings()

    assert ids(messages) == ["django_upwork.E008"]
    assert "UPWORK_TENANT_ID" in messages[0].msg
    assert repr(value) in messages[0].msg
    with pytest.raises(UpworkConfigurationError, match="UPWORK_TENANT_ID") as raised:
        conf.tenant_id()
    assert str(raised.value) == messages[0].msg


def test_tenant_header_breaker_sends_nothing(connected, emulator, settings):
    settings.UPWORK_TENANT_ID = "424242\r\nX-Injected: 1"

    with pytest.raises(UpworkConfigurationError, match="UPWORK_TENANT_ID"):
        services.search_job_postings()

    assert graphql_hits(emulator) == 0


@pytest.mark.parametrize("value", ["424242", 424242, "org-42_a.b"])
def test_tenant_id_accepted(settings, value):
    settings.UPWORK_TENANT_ID = value

    assert ids(check_settings()) == []
    assert conf.tenant_id() == str(value)
