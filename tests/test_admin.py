"""The admin pages for postings and the connection."""

from __future__ import annotations

from datetime import timedelta
from html import escape

import pytest
from django.utils import timezone

from django_upwork import services
from django_upwork.models import JobPosting, OAuthToken
from tests.conftest import graphql_hits

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/django_upwork/jobposting/"


@pytest.fixture
def postings(connected):
    return services.search_job_postings({"pagination_eq": {"first": 20}}).postings


def test_changelist_lists_fresh_postings(staff_client, postings):
    JobPosting.objects.filter(pk=postings[0].pk).update(
        cached_at=timezone.now() - timedelta(hours=24)
    )

    response = staff_client.get(CHANGELIST)

    assert response.status_code == 200
    body = response.content.decode()
    assert escape(postings[1].title) in body
    assert escape(postings[0].title) not in body
    assert "View on Upwork" in body


def test_changelist_search_on_skills(staff_client, postings):
    skill = postings[0].skills[0]

    response = staff_client.get(CHANGELIST, {"q": skill})

    assert response.status_code == 200
    assert escape(postings[0].title) in response.content.decode()


def test_changelist_count_is_bounded(staff_client, postings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get(CHANGELIST)

    assert response.status_code == 200
    counts = [q["sql"].upper() for q in queries if "COUNT(" in q["sql"].upper()]
    assert counts
    # Every count runs over a LIMIT-ed subquery, never over the whole table.
    assert all("LIMIT 10000" in sql for sql in counts)


@pytest.mark.parametrize(
    "query",
    [{"job_type__exact": "FIXED"}, {"freshness": "1h"}, {"experience_level__exact": "EXPERT"}],
)
def test_changelist_filters(staff_client, postings, query):
    assert staff_client.get(CHANGELIST, query).status_code == 200


def test_detail_shows_raw_node(staff_client, postings):
    response = staff_client.get(f"{CHANGELIST}{postings[0].pk}/change/")

    assert response.status_code == 200
    assert "&quot;ciphertext&quot;" in response.content.decode()


def test_admin_is_read_only(staff_client, postings):
    assert staff_client.get(f"{CHANGELIST}add/").status_code == 403
    response = staff_client.post(f"{CHANGELIST}{postings[0].pk}/change/", {"title": "x"})
    assert response.status_code == 403
    assert JobPosting.objects.get(pk=postings[0].pk).title == postings[0].title


def test_refresh_action_reports_counts(staff_client, postings, emulator):
    before = graphql_hits(emulator)

    response = staff_client.post(
        CHANGELIST,
        {"action": "refresh_from_upwork", "_selected_action": [p.pk for p in postings[:3]]},
        follow=True,
    )

    assert "Refreshed 3 postings; 0 failed." in response.content.decode()
    assert graphql_hits(emulator) == before + 3


def test_purge_action(staff_client, postings):
    JobPosting.objects.filter(pk__in=[p.pk for p in postings[:4]]).update(
        cached_at=timezone.now() - timedelta(days=2)
    )

    response = staff_client.post(
        CHANGELIST,
        {"action": "purge_expired_now", "_selected_action": [postings[5].pk]},
        follow=True,
    )

    assert "Deleted 4 expired postings." in response.content.decode()
    assert JobPosting.objects.count() == 16


def test_connection_page_hides_tokens(staff_client, connected):
    response = staff_client.get(f"/admin/django_upwork/oauthtoken/{connected.pk}/change/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "connected" in body
    assert connected.access_token not in body
    assert connected.refresh_token not in body
    assert "Reconnect Upwork account" in body


def test_connection_list_shows_status(staff_client, connected):
    OAuthToken.objects.update(needs_reauthorization=True)

    response = staff_client.get("/admin/django_upwork/oauthtoken/")

    assert "expired" in response.content.decode()


def test_changelist_columns_format_money(staff_client, connected):
    fixed = services.search_job_postings(
        {"jobType_eq": "FIXED", "pagination_eq": {"first": 1}}
    ).postings[0]
    hourly = (
        JobPosting.objects.filter(job_type="HOURLY", hourly_min__isnull=False)
        .exclude(pk=fixed.pk)
        .first()
    )
    if hourly is None:
        hourly = services.search_job_postings(
            {
                "jobType_eq": "HOURLY",
                "hourlyRate_eq": {"rangeStart": 1},
                "pagination_eq": {"first": 1},
            }
        ).postings[0]

    body = staff_client.get(CHANGELIST).content.decode()

    assert f"{fixed.budget_amount:,.2f} {fixed.currency}" in body
    assert f"{hourly.hourly_min:,.2f} to " in body
    assert escape(fixed.skills_text) in body
    assert "ago" in body


def test_connection_panel_when_disconnected(staff_client):
    response = staff_client.get("/admin/django_upwork/oauthtoken/")

    body = response.content.decode()
    assert 'id="upwork-connection-status">disconnected<' in body
    assert "Connect Upwork account" in body
    assert 'id="upwork-disconnect"' not in body


def test_connection_panel_on_admin_index(staff_client, connected, settings):
    apps = [app for app in settings.INSTALLED_APPS if app != "django_upwork"]
    settings.INSTALLED_APPS = ["django_upwork", *apps]

    body = staff_client.get("/admin/").content.decode()

    assert 'id="upwork-connection-status">connected<' in body
    assert "Reconnect Upwork account" in body
    assert connected.access_token not in body
    assert connected.refresh_token not in body


def test_admin_index_without_app_first_is_unchanged(staff_client, connected):
    body = staff_client.get("/admin/").content.decode()

    assert "upwork-connection-panel" not in body


@pytest.mark.parametrize(
    "lookup",
    [
        "refresh_token__startswith",
        "access_token__startswith",
        "refresh_token",
        "access_token__regex",
        "refresh_token__gt",
    ],
)
def test_connection_list_rejects_token_lookups(staff_client, connected, lookup):
    token = connected.refresh_token if lookup.startswith("refresh") else connected.access_token

    right = staff_client.get("/admin/django_upwork/oauthtoken/", {lookup: token[:10]})
    wrong = staff_client.get("/admin/django_upwork/oauthtoken/", {lookup: "zzz"})

    # A disallowed lookup is a 400 whatever the prefix, so the response reveals nothing.
    assert right.status_code == 400
    assert wrong.status_code == 400
    assert right.content == wrong.content
