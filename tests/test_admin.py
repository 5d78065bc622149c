"""The admin pages for postings and the connection."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from html import escape

import django
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from django_upwork import services
from django_upwork.admin import ClientCountryFilter
from django_upwork.models import JobPosting, OAuthToken, earliest_datetime
from django_upwork.templatetags.django_upwork_admin import _date_bounds
from tests.conftest import graphql_hits

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/django_upwork/jobposting/"
FACETS = django.VERSION >= (5, 0)


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


PURGE = "/admin/django_upwork/jobposting/purge-expired/"


@pytest.mark.parametrize("fresh_rows", [16, 0])
def test_purge_button(staff_client, postings, fresh_rows):
    # The list never shows expired rows, so the purge must work with none ticked and
    # with an empty list.
    expired = postings[: 20 - fresh_rows]
    JobPosting.objects.filter(pk__in=[p.pk for p in expired]).update(
        cached_at=timezone.now() - timedelta(days=2)
    )

    page = staff_client.get(CHANGELIST).content.decode()
    response = staff_client.post(PURGE, follow=True)

    assert 'id="upwork-purge-expired"' in page
    assert f"Deleted {len(expired)} expired postings." in response.content.decode()
    assert response.redirect_chain == [(CHANGELIST, 302)]
    assert JobPosting.objects.count() == fresh_rows


def test_bad_max_age_keeps_pages_open(staff_client, postings, settings):
    settings.UPWORK_CACHE_MAX_AGE = 90000

    pages = [
        staff_client.get(CHANGELIST),
        staff_client.get(CHANGELIST, {"published_at__year": "2026"}),
        staff_client.post(PURGE, follow=True),
    ]
    detail = staff_client.get(f"{CHANGELIST}{postings[0].pk}/change/")

    for page in pages:
        assert page.status_code == 200
        body = page.content.decode()
        assert body.count('<li class="error">UPWORK_CACHE_MAX_AGE must be ') == 1
        assert escape(postings[1].title) not in body
    # The admin treats a posting missing from get_queryset() as deleted.
    assert detail.status_code == 302
    assert JobPosting.objects.count() == 20


@pytest.mark.parametrize(
    ("name", "value"),
    [("UPWORK_TENANT_ID", "a\nb"), ("UPWORK_RATE_LIMIT_CACHE", "missing")],
)
def test_refresh_action_bad_setting(staff_client, postings, emulator, settings, name, value):
    before = graphql_hits(emulator)
    setattr(settings, name, value)

    response = staff_client.post(
        CHANGELIST,
        {"action": "refresh_from_upwork", "_selected_action": [p.pk for p in postings[:3]]},
        follow=True,
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert body.count(f'<li class="error">{name} ') == 1
    assert "Refreshed" not in body
    assert graphql_hits(emulator) == before


def test_purge_button_needs_post(staff_client, postings):
    JobPosting.objects.update(cached_at=timezone.now() - timedelta(days=2))

    assert staff_client.get(PURGE).status_code == 405
    assert JobPosting.objects.count() == 20


@pytest.fixture
def viewer_client(client, django_user_model):
    return log_in_staff(client, django_user_model, "viewer", ["view_jobposting"])


def log_in_staff(client, django_user_model, username, codenames):
    """Log ``client`` in as a staff user with only the permissions named by ``codenames``."""
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user(username, is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client.force_login(user)
    return client


def test_view_permission_refreshes_and_purges_nothing(viewer_client, postings, emulator):
    JobPosting.objects.filter(pk=postings[0].pk).update(
        cached_at=timezone.now() - timedelta(days=2)
    )
    before = graphql_hits(emulator)

    page = viewer_client.get(CHANGELIST)
    refresh = viewer_client.post(
        CHANGELIST,
        {"action": "refresh_from_upwork", "_selected_action": [postings[1].pk]},
        follow=True,
    )
    purge = viewer_client.post(PURGE)

    assert page.status_code == 200
    assert "refresh_from_upwork" not in page.content.decode()
    assert 'id="upwork-purge-expired"' not in page.content.decode()
    assert refresh.status_code == 200
    assert purge.status_code == 403
    assert graphql_hits(emulator) == before
    assert JobPosting.objects.count() == 20


def test_delete_permission_allows_purge(client, django_user_model, postings):
    log_in_staff(client, django_user_model, "cleaner", ["view_jobposting", "delete_jobposting"])
    JobPosting.objects.filter(pk=postings[0].pk).update(
        cached_at=timezone.now() - timedelta(days=2)
    )

    assert 'id="upwork-purge-expired"' in client.get(CHANGELIST).content.decode()
    assert client.post(PURGE).status_code == 302
    assert JobPosting.objects.count() == 19


def test_change_permission_allows_refresh(client, django_user_model, postings, emulator):
    log_in_staff(client, django_user_model, "editor", ["view_jobposting", "change_jobposting"])

    response = client.post(
        CHANGELIST,
        {"action": "refresh_from_upwork", "_selected_action": [postings[0].pk]},
        follow=True,
    )

    assert "Refreshed 1 postings; 0 failed." in response.content.decode()


def test_connection_page_hides_tokens(staff_client, connected):
    response = staff_client.get(f"/admin/django_upwork/oauthtoken/{connected.pk}/change/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "connected" in body
    assert connected.access_token not in body
    assert connected.refresh_token not in body
    assert "Reconnect Upwork account" in body


@pytest.mark.parametrize(
    ("permission", "allowed"),
    [("is_staff", True), ("is_superuser", False), ("no dot", False)],
)
def test_deleting_the_connection_takes_the_connect_permission(
    client, django_user_model, connected, settings, permission, allowed
):
    # Deleting the row disconnects the account, so the admin requires what the Disconnect
    # button requires, besides the model permission.
    settings.UPWORK_CONNECT_PERMISSION = permission
    log_in_staff(client, django_user_model, "operator", ["view_oauthtoken", "delete_oauthtoken"])
    delete_url = f"/admin/django_upwork/oauthtoken/{connected.pk}/delete/"

    page = client.get(delete_url)
    client.post(delete_url, {"post": "yes"})
    client.post(
        "/admin/django_upwork/oauthtoken/",
        {"action": "delete_selected", "_selected_action": [connected.pk], "post": "yes"},
    )

    assert page.status_code == (200 if allowed else 403)
    assert OAuthToken.objects.exists() is not allowed


def test_connection_panel_without_the_app_urls(staff_client, connected, settings):
    # The missing include is reported by a system check; the admin still opens.
    settings.ROOT_URLCONF = "tests.urls_admin_only"

    response = staff_client.get("/admin/django_upwork/oauthtoken/")

    assert response.status_code == 200
    assert 'id="upwork-connection-status">connected<' in response.content.decode()
    assert "upwork-disconnect" not in response.content.decode()


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


# The changelist on a large cache: date links and the country filter without full scans


def make_posting(number: int, published_at, country: str = "") -> JobPosting:
    return JobPosting.objects.create(
        upwork_id=str(1_800_000_000_000_000_000 + number),
        title=f"Dated job {number}",
        job_type="HOURLY",
        client_country=country,
        published_at=published_at,
        raw={"id": str(number)},
        cached_at=timezone.now(),
    )


def date_hierarchy(response) -> tuple[str | None, list[str]]:
    """Return the back link's text and the other entries of the changelist's date links."""
    nav = re.search(r'<nav class="toplinks">(.*?)</nav>', response.content.decode(), re.S)
    assert nav, "the changelist has no date links"
    back = re.search(r'class="date-back">&lsaquo; ([^<]*)</a>', nav.group(1))
    rest = re.sub(r'<a [^>]*class="date-back">.*?</a>', "", nav.group(1), flags=re.S)
    entries = [text.strip() for text in re.split(r"<[^>]+>", rest) if text.strip()]
    return (back.group(1) if back else None), entries


def date_links(response) -> list[str]:
    return date_hierarchy(response)[1]


def aware(year: int, month: int, day: int):
    return timezone.make_aware(timezone.datetime(year, month, day, 12))


def test_date_links_span_every_day_between(staff_client):
    make_posting(1, aware(2026, 11, 3))
    make_posting(2, aware(2026, 11, 6))

    response = staff_client.get(CHANGELIST)

    assert response.status_code == 200
    # Every day from the oldest to the newest, the ones without postings included.
    assert date_links(response) == ["November 3", "November 4", "November 5", "November 6"]


def test_date_links_offer_months_within_year(staff_client):
    make_posting(1, aware(2026, 9, 30))
    make_posting(2, aware(2026, 11, 1))

    response = staff_client.get(CHANGELIST)

    assert date_links(response) == ["September 2026", "October 2026", "November 2026"]


def test_date_links_offer_years(staff_client):
    make_posting(1, aware(2025, 12, 31))
    make_posting(2, aware(2026, 1, 1))

    response = staff_client.get(CHANGELIST)

    assert date_links(response) == ["2025", "2026"]


def test_date_links_follow_chosen_year(staff_client):
    make_posting(1, aware(2025, 3, 1))
    make_posting(2, aware(2025, 4, 1))
    make_posting(3, aware(2026, 1, 1))

    response = staff_client.get(CHANGELIST, {"published_at__year": "2025"})

    assert date_hierarchy(response) == ("All dates", ["March 2025", "April 2025"])
    assert escape("Dated job 3") not in response.content.decode()


def test_date_links_on_chosen_day(staff_client):
    make_posting(1, aware(2026, 11, 3))
    make_posting(2, aware(2026, 11, 6))

    response = staff_client.get(
        CHANGELIST,
        {"published_at__year": "2026", "published_at__month": "11", "published_at__day": "6"},
    )

    assert response.status_code == 200
    assert date_hierarchy(response) == ("November 2026", ["November 6"])
    body = response.content.decode()
    assert "Dated job 2" in body
    assert "Dated job 1" not in body


def test_date_links_without_postings(staff_client):
    response = staff_client.get(CHANGELIST)

    assert response.status_code == 200
    assert date_hierarchy(response) == (None, [])


def test_changelist_distinct_stays_within_limit(staff_client):
    for number in range(5):
        make_posting(number, aware(2026, 10 + number % 2, 1 + number), f"Country {number}")

    with CaptureQueriesContext(connection) as queries:
        # Django 4.2 has no facets and rejects the parameter.
        response = staff_client.get(CHANGELIST, {"_facets": "True"} if FACETS else {})

    assert response.status_code == 200
    postings_sql = [
        q["sql"].upper() for q in queries if "DJANGO_UPWORK_JOBPOSTING" in q["sql"].upper()
    ]
    assert postings_sql
    # The country sample is deduplicated by the database, within its LIMIT.
    assert not [sql for sql in postings_sql if "DISTINCT" in sql and "LIMIT" not in sql]
    # Facet counts stay off, so no query counts rows per filter choice.
    assert not [sql for sql in postings_sql if "COUNT(" in sql and "LIMIT" not in sql]


def test_country_filter_offers_newest_countries(staff_client, monkeypatch):
    monkeypatch.setattr(ClientCountryFilter, "SAMPLE_SIZE", 2)
    make_posting(1, aware(2026, 11, 1), "Portugal")
    make_posting(2, aware(2026, 11, 2), "Kenya")
    make_posting(3, aware(2026, 11, 3), "Chile")
    make_posting(4, aware(2026, 11, 4), "")

    response = staff_client.get(CHANGELIST)

    body = response.content.decode()
    assert "client_country=Chile" in body
    assert "client_country=Kenya" in body
    assert "client_country=Portugal" not in body


def test_country_filter_keeps_chosen_country(staff_client, monkeypatch):
    monkeypatch.setattr(ClientCountryFilter, "SAMPLE_SIZE", 1)
    make_posting(1, aware(2026, 11, 1), "Portugal")
    make_posting(2, aware(2026, 11, 2), "Kenya")

    response = staff_client.get(CHANGELIST, {"client_country": "Portugal"})

    body = response.content.decode()
    assert "Dated job 1" in body
    assert "Dated job 2" not in body
    assert "client_country=Portugal" in body


def test_search_matches_client_country(staff_client):
    make_posting(1, aware(2026, 11, 1), "Portugal")
    make_posting(2, aware(2026, 11, 2), "Kenya")

    response = staff_client.get(CHANGELIST, {"q": "portugal"})

    body = response.content.decode()
    assert "Dated job 1" in body
    assert "Dated job 2" not in body


def test_earliest_datetime_follows_use_tz(settings):
    settings.USE_TZ = False
    assert earliest_datetime().tzinfo is None

    settings.USE_TZ = True
    assert earliest_datetime().tzinfo is not None


def test_date_links_in_local_time(staff_client, settings):
    settings.TIME_ZONE = "Pacific/Kiritimati"  # UTC+14
    make_posting(1, datetime(2026, 12, 31, 12, tzinfo=dt_timezone.utc))
    make_posting(2, datetime(2027, 1, 2, 12, tzinfo=dt_timezone.utc))

    response = staff_client.get(CHANGELIST)

    # Noon UTC on 31 December is 1 January in Kiritimati, so both fall in January 2027.
    assert date_links(response) == ["January 1", "January 2", "January 3"]


def test_date_links_at_end_of_calendar(staff_client):
    make_posting(1, aware(9999, 11, 1))
    make_posting(2, aware(9999, 12, 15))

    response = staff_client.get(CHANGELIST)

    assert response.status_code == 200
    assert date_links(response) == ["November 9999", "December 9999"]


@pytest.mark.parametrize(
    "query",
    [
        {"published_at__year": "9999"},
        {"published_at__year": "9999", "published_at__month": "12"},
        {"published_at__year": "9999", "published_at__month": "12", "published_at__day": "31"},
        {"published_at__year": "9" * 30},
        {"published_at__year": "2026", "published_at__month": "2", "published_at__day": "31"},
        {"published_at__year": "abc"},
    ],
)
def test_bad_date_in_url_shows_error_page(staff_client, query):
    response = staff_client.get(CHANGELIST, query)

    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


def country_choices(response) -> list[tuple[str, bool]]:
    """Return the country filter's choices as (label, selected) pairs, "All" first."""
    changelist = response.context["cl"]
    (country_filter,) = [
        spec for spec in changelist.filter_specs if isinstance(spec, ClientCountryFilter)
    ]
    return [
        (str(choice["display"]), choice["selected"])
        for choice in country_filter.choices(changelist)
    ]


def test_country_filter_selects_chosen_country(staff_client, monkeypatch):
    monkeypatch.setattr(ClientCountryFilter, "SAMPLE_SIZE", 1)
    make_posting(1, aware(2026, 11, 1), "Portugal")
    make_posting(2, aware(2026, 11, 2), "Kenya")

    response = staff_client.get(CHANGELIST, {"client_country": "Portugal"})

    # Portugal is outside the sample of one, but chosen, so it is listed and selected.
    assert country_choices(response) == [("All", False), ("Kenya", False), ("Portugal", True)]


def test_country_filter_empty_value_lists_all(staff_client):
    make_posting(1, aware(2026, 11, 1), "Portugal")
    make_posting(2, aware(2026, 11, 2), "")

    response = staff_client.get(CHANGELIST, {"client_country": ""})

    body = response.content.decode()
    assert "Dated job 1" in body
    assert "Dated job 2" in body
    assert country_choices(response)[0] == ("All", True)


def test_country_filter_sorts_without_accents(staff_client):
    for number, country in enumerate(["Zambia", "Åland Islands", "Albania", "Côte d'Ivoire"]):
        make_posting(number, aware(2026, 11, 1 + number), country)

    response = staff_client.get(CHANGELIST)

    assert [label for label, _selected in country_choices(response)] == [
        "All",
        "Åland Islands",
        "Albania",
        "Côte d'Ivoire",
        "Zambia",
    ]


def test_country_filter_lists_each_country_once(staff_client, monkeypatch):
    monkeypatch.setattr(ClientCountryFilter, "SAMPLE_SIZE", 7)
    countries = ["Côte d'Ivoire", 'A "quoted" land', "Back\\slash", "日本"]
    for number, country in enumerate(countries * 3):
        make_posting(number, aware(2026, 11, 1 + number), country)

    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get(CHANGELIST)

    assert [label for label, _selected in country_choices(response)] == [
        "All",
        'A "quoted" land',
        "Back\\slash",
        "Côte d'Ivoire",
        "日本",
    ]
    # The database sends each country of the sample once, not one row per posting.
    (sample_sql,) = [q["sql"].upper() for q in queries if "LIMIT 7" in q["sql"].upper()]
    assert "DISTINCT" in sample_sql


@pytest.mark.parametrize("country", [None, ""], ids=["no postings", "no countries"])
def test_country_filter_without_countries(staff_client, country):
    if country is not None:
        make_posting(1, aware(2026, 11, 1), country)

    response = staff_client.get(CHANGELIST)

    assert response.status_code == 200
    # With no country to offer, the admin leaves the filter out.
    assert not [
        spec
        for spec in response.context["cl"].filter_specs
        if isinstance(spec, ClientCountryFilter)
    ]


def test_country_sample_skips_undated_postings(staff_client, monkeypatch):
    # PostgreSQL puts NULLs first in a descending order, so an undated posting would take
    # the sample's only place there. SQLite puts them last.
    monkeypatch.setattr(ClientCountryFilter, "SAMPLE_SIZE", 1)
    make_posting(1, aware(2026, 11, 1), "Portugal")
    make_posting(2, None, "Kenya")

    response = staff_client.get(CHANGELIST)

    assert [label for label, _selected in country_choices(response)] == ["All", "Portugal"]


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="PostgreSQL plans by table statistics; bench/run.py prints its plans at 1M rows",
)
def test_changelist_queries_walk_publication_index(staff_client):
    for number in range(200):
        make_posting(number, aware(2026, 10 + number % 2, 1 + number % 28), f"Country {number}")

    with CaptureQueriesContext(connection) as queries:
        staff_client.get(CHANGELIST)
    postings_sql = [q["sql"] for q in queries if "django_upwork_jobposting" in q["sql"]]
    plans = {}
    with connection.cursor() as cursor:
        for sql in postings_sql:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            plans[sql] = " | ".join(row[-1] for row in cursor.fetchall())

    assert len(plans) == 5
    for sql, plan in plans.items():
        assert "django_upwo_publish_idx" in plan, sql
        # A sort of every fresh row would read them all. The country sample's DISTINCT
        # uses a temporary B-tree too, but over the sample only.
        assert "TEMP B-TREE FOR ORDER BY" not in plan, sql
    assert _date_bounds(JobPosting.objects.fresh(), "published_at") is not None


def test_connection_page_without_the_app_urls(staff_client, connected, settings):
    settings.ROOT_URLCONF = "tests.urls_admin_only"

    response = staff_client.get(f"/admin/django_upwork/oauthtoken/{connected.pk}/change/")

    assert response.status_code == 200
    assert "/upwork/connect/" not in response.content.decode()
