"""Parsing Upwork's nodes into rows, including the loose forms seen in real responses."""

from __future__ import annotations

import copy
import json
import os
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from django_upwork.exceptions import InvalidInput
from django_upwork.services.filters import clean_filter, clean_sort_attributes
from django_upwork.services.jobs import resolve_job_reference
from django_upwork.services.parsing import (
    InvalidNode,
    detail_node_fields,
    parse_upwork_datetime,
    search_node_fields,
)
from tests.conftest import load_sample


def search_nodes():
    body = load_sample("search-response-200.json")["body"]
    return [edge["node"] for edge in body["data"]["marketplaceJobPostingsSearch"]["edges"]]


def test_hourly_node():
    fields = search_node_fields(search_nodes()[0])

    assert fields["upwork_id"] == "1000000000000000001"
    assert fields["job_type"] == "HOURLY"
    assert fields["hourly_min"] == Decimal("40.00")
    assert fields["hourly_max"] == Decimal("80.00")
    assert fields["budget_amount"] is None
    assert fields["currency"] == "USD"
    assert fields["skills"] == ["Django", "Python"]
    assert fields["client_country"] == "United States"
    assert fields["client_rating"] == 4.87
    assert fields["published_at"] == datetime(2026, 1, 15, 10, 4, 5, tzinfo=timezone.utc)


def test_fixed_node():
    fields = search_node_fields(search_nodes()[1])

    assert fields["job_type"] == "FIXED"
    assert fields["budget_amount"] == Decimal("1500.00")
    assert fields["hourly_min"] is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-15T10:04:05.000Z", datetime(2026, 1, 15, 10, 4, 5, tzinfo=timezone.utc)),
        ("2026-01-15T10:04:05+0000", datetime(2026, 1, 15, 10, 4, 5, tzinfo=timezone.utc)),
        ("2026-01-15T12:04:05+02:00", datetime(2026, 1, 15, 10, 4, 5, tzinfo=timezone.utc)),
        ("2026-01-15T10:04:05", datetime(2026, 1, 15, 10, 4, 5, tzinfo=timezone.utc)),
        ("yesterday", None),
        ("", None),
        (None, None),
        (1234, None),
    ],
)
def test_datetime_forms(text, expected):
    assert parse_upwork_datetime(text) == expected


@pytest.mark.parametrize(
    ("zone", "text"),
    [("America/New_York", "0001-01-01T00:00:00Z"), ("Asia/Tokyo", "9999-12-31T23:59:59Z")],
)
def test_datetime_without_local_time_is_unreadable(settings, zone, text):
    settings.USE_TZ = False
    settings.TIME_ZONE = zone

    assert parse_upwork_datetime(text) is None


def test_datetime_is_naive_local_time_without_use_tz(settings):
    settings.USE_TZ = False
    settings.TIME_ZONE = "Asia/Kolkata"  # UTC+05:30

    assert parse_upwork_datetime("2026-01-15T10:04:05.000Z") == datetime(2026, 1, 15, 15, 34, 5)


def test_loose_money_and_missing_parts():
    node = copy.deepcopy(search_nodes()[0])
    node["hourlyBudgetMin"] = {"rawValue": None, "currency": "USD", "displayValue": "5.0"}
    node["hourlyBudgetMax"] = None
    node["client"] = None
    node["skills"] = [{"name": "x"}, "noise", {"prettyName": None, "name": None}]
    node["totalApplicants"] = "lots"

    fields = search_node_fields(node)

    assert fields["hourly_min"] is None
    assert fields["hourly_max"] is None
    assert fields["client_country"] == ""
    assert fields["skills"] == ["x"]
    assert fields["total_applicants"] is None


def test_absurd_amount_is_dropped():
    node = copy.deepcopy(search_nodes()[1])
    node["amount"]["rawValue"] = "1e40"

    assert search_node_fields(node)["budget_amount"] is None


@pytest.mark.parametrize("broken", [{"id": None}, {"id": "~0212"}, {"title": ""}, {"title": None}])
def test_invalid_node(broken):
    node = {**search_nodes()[0], **broken}

    with pytest.raises(InvalidNode):
        search_node_fields(node)


def test_detail_node():
    node = load_sample("job-posting-response-200.json")["body"]["data"]["marketplaceJobPosting"]

    fields = detail_node_fields(node)

    assert fields["job_type"] == "HOURLY"
    assert fields["hourly_min"] == Decimal("40.00")
    assert fields["experience_level"] == "EXPERT"
    assert fields["category"] == "Web, Mobile & Software Dev"
    assert fields["client_country"] == "United States"


def test_sample_filters_pass_validation():
    for name in (
        "search-request-minimal.json",
        "search-request-full-filter.json",
        "search-request-searchterm.json",
    ):
        variables = load_sample(name)["body"]["variables"]

        assert clean_filter(variables["filter"]) == variables["filter"]
        assert clean_sort_attributes(variables["sort"]) == variables["sort"]


def test_int_range_bounds_are_accepted():
    search_filter = {
        "budgetRange_eq": {"rangeStart": 0, "rangeEnd": 2**31 - 1},
        "hourlyRate_eq": {"rangeStart": 40, "rangeEnd": 40},
        "proposalRange_eq": {"rangeEnd": 0},
        "clientHiresRange_eq": {"rangeStart": 2**31 - 1},
    }

    assert clean_filter(search_filter) == search_filter


def test_area_bounds_are_accepted():
    area = {"latitude": -90, "longitude": 180.0, "radius": 0}

    assert clean_filter({"area_eq": area}) == {"area_eq": area}


def test_pagination_after_is_filled_and_stringified():
    assert clean_filter({"pagination_eq": {"first": 10}}) == {
        "pagination_eq": {"first": 10, "after": "0"}
    }
    assert clean_filter({"pagination_eq": {"first": 10, "after": 50}}) == {
        "pagination_eq": {"first": 10, "after": "50"}
    }
    assert clean_filter({"pagination_eq": {"first": 10, "after": "0002147483647"}}) == {
        "pagination_eq": {"first": 10, "after": "2147483647"}
    }


def test_suggestion_for_misspelled_key():
    from django_upwork.exceptions import InvalidInput

    with pytest.raises(InvalidInput, match="Did you mean 'searchExpression_eq'"):
        clean_filter({"searchExpresion_eq": "django"})


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("1987969201035894058", ("1987969201035894058", "")),
        (1987969201035894058, ("1987969201035894058", "")),
        ("0001987969201035894058", ("1987969201035894058", "")),
        ("0" * 5 + "1" * 30, ("1" * 30, "")),
        ("~021987969201035894058", ("1987969201035894058", "~021987969201035894058")),
        (
            " https://www.upwork.com/jobs/~021987969201035894058 ",
            ("1987969201035894058", "~021987969201035894058"),
        ),
    ],
)
def test_resolve_reference(reference, expected):
    assert resolve_job_reference(reference) == expected


JOB_ID = "1987969201035894058"
CIPHERTEXT = f"~02{JOB_ID}"
# Characters that str.isdigit() accepts: Arabic-Indic, fullwidth and superscript digits.
ARABIC_INDIC_DIGITS = "\u0661\u0662\u0663\u0664"
FULLWIDTH_DIGITS = "\uff11\uff12\uff13\uff14"


@pytest.mark.parametrize(
    "url",
    [
        f"https://www.upwork.com/jobs/{CIPHERTEXT}",
        f"http://www.upwork.com/jobs/{CIPHERTEXT}",
        f"https://upwork.com/jobs/{CIPHERTEXT}",
        f"HTTPS://WWW.UPWORK.COM/jobs/{CIPHERTEXT}",
        f"https://www.upwork.com/jobs/Build-a-Django-app_{CIPHERTEXT}/",
        f"https://www.upwork.com/freelance-jobs/apply/Some-title_{CIPHERTEXT}/?source=rss",
        f"https://www.upwork.com/jobs/Build-a-Django-app_%7E02{JOB_ID}/",
        f"www.upwork.com/jobs/{CIPHERTEXT}",
        f"upwork.com/jobs/{CIPHERTEXT}",
    ],
)
def test_resolve_upwork_urls(url):
    assert resolve_job_reference(url) == (JOB_ID, CIPHERTEXT)


@pytest.mark.parametrize(
    "url",
    [
        f"https://example.com/jobs/{CIPHERTEXT}",
        f"https://www.upwork.com.example.com/jobs/{CIPHERTEXT}",
        f"https://evilupwork.com/jobs/{CIPHERTEXT}",
        f"https://example.com/www.upwork.com/jobs/{CIPHERTEXT}",
        f"ftp://www.upwork.com/jobs/{CIPHERTEXT}",
        f"javascript://www.upwork.com/jobs/{CIPHERTEXT}",
        f"example.com/jobs/{CIPHERTEXT}",
        f"https://[::1/jobs/{CIPHERTEXT}",
    ],
)
def test_resolve_rejects_other_hosts(url):
    with pytest.raises(InvalidInput) as error:
        resolve_job_reference(url)

    message = str(error.value)
    assert repr(url) in message
    assert "www.upwork.com or upwork.com" in message
    assert "https://www.upwork.com/jobs/~021987969201035894058" in message


@pytest.mark.parametrize(
    "reference",
    [
        ARABIC_INDIC_DIGITS,
        FULLWIDTH_DIGITS,
        "12\u00b3",
        f"~02{ARABIC_INDIC_DIGITS}",
        f"~02{FULLWIDTH_DIGITS}",
        f"https://www.upwork.com/jobs/~02{ARABIC_INDIC_DIGITS}",
        "1" * 31,
        10**30,
        "0",
        "000",
        0,
        f"~02{'1' * 31}",
        f"https://www.upwork.com/jobs/~02{'1' * 31}",
        f"{CIPHERTEXT}abc",
        f"x{CIPHERTEXT}",
        f"https://www.upwork.com/profile/{CIPHERTEXT}",
    ],
)
def test_resolve_rejects_malformed_reference(reference):
    with pytest.raises(InvalidInput) as error:
        resolve_job_reference(reference)

    assert repr(reference) in str(error.value)
    assert "Upwork job id" in str(error.value)


@pytest.mark.skipif(not os.environ.get("UPWORK_REAL_CORPUS"), reason="UPWORK_REAL_CORPUS is unset")
def test_every_real_posting_parses():
    lines = Path(os.environ["UPWORK_REAL_CORPUS"]).read_text().splitlines()

    parsed = [search_node_fields(json.loads(line)) for line in lines if line.strip()]

    assert len(parsed) == len([line for line in lines if line.strip()])
    assert {fields["job_type"] for fields in parsed} == {"HOURLY", "FIXED"}
    assert all(fields["published_at"] is not None for fields in parsed)
