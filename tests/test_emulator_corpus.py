"""The emulator's generated corpus, its timestamp handling and its search expression parser."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from django_upwork.testing import taxonomy
from django_upwork.testing.corpus import (
    format_datetime,
    generate_postings,
    parse_datetime,
    shift_to_present,
)
from django_upwork.testing.search import evaluate, parse_expression

SAMPLES = Path(__file__).parent / "data" / "samples"
SAMPLE_NODES = [
    edge["node"]
    for edge in json.loads((SAMPLES / "search-response-200.json").read_text())["body"]["data"][
        "marketplaceJobPostingsSearch"
    ]["edges"]
]


@pytest.fixture(scope="module")
def postings() -> list[dict[str, Any]]:
    generated = generate_postings()
    shift_to_present(generated)
    return generated


def money_values(posting: dict[str, Any]) -> list[dict[str, str]]:
    candidates = [
        posting["amount"],
        posting["hourlyBudgetMin"],
        posting["hourlyBudgetMax"],
        posting["client"]["totalSpent"],
    ]
    return [value for value in candidates if value is not None]


def test_generation_is_deterministic():
    assert generate_postings(200) == generate_postings(200)
    assert generate_postings(50, seed=1) != generate_postings(50, seed=2)


def test_about_three_thousand_unique_postings(postings):
    ids = [posting["id"] for posting in postings]

    assert len(postings) == 3000
    assert len(set(ids)) == 3000
    assert all(len(job_id) == 19 and job_id.isdigit() for job_id in ids)
    assert all(posting["ciphertext"] == "~02" + posting["id"] for posting in postings)


def test_every_posting_has_the_sample_keys(postings):
    sample = SAMPLE_NODES[0]

    for posting in postings:
        assert list(posting) == list(sample)
        assert list(posting["client"]) == list(sample["client"])
        assert list(posting["client"]["location"]) == list(sample["client"]["location"])
        assert list(posting["occupations"]) == list(sample["occupations"])
        assert all(
            list(skill) == ["name", "prettyName", "highlighted"] for skill in posting["skills"]
        )
        for money in money_values(posting):
            assert list(money) == ["rawValue", "currency", "displayValue"]


def test_nulls_follow_the_sample(postings):
    hourly_sample, fixed_sample = SAMPLE_NODES

    for posting in postings:
        assert posting["weeklyBudget"] is None
        if float(posting["amount"]["rawValue"]) > 0:
            assert posting["engagement"] is fixed_sample["engagement"] is None
            assert posting["engagementDuration"] is fixed_sample["engagementDuration"] is None
            assert posting["hourlyBudgetMin"] is None
            assert posting["hourlyBudgetType"] == fixed_sample["hourlyBudgetType"]
        else:
            assert posting["engagement"]
            assert list(posting["engagementDuration"]) == list(hourly_sample["engagementDuration"])


def test_hourly_ranges_are_ordered(postings):
    ranged = [posting for posting in postings if posting["hourlyBudgetType"] == "MANUAL"]

    assert len(ranged) > 500
    for posting in ranged:
        low = float(posting["hourlyBudgetMin"]["rawValue"])
        high = float(posting["hourlyBudgetMax"]["rawValue"])
        assert 3 <= low < high <= 250


def test_corpus_varies_like_the_market(postings):
    category_ids = {posting["occupations"]["category"]["id"] for posting in postings}
    subcategories = {posting["occupations"]["subCategories"][0]["id"] for posting in postings}
    levels = Counter(posting["experienceLevel"] for posting in postings)
    fixed = sum(float(posting["amount"]["rawValue"]) > 0 for posting in postings)
    countries = {posting["client"]["location"]["country"] for posting in postings}
    canonical = {taxonomy.find_country(country) for country in countries}
    codes = {country for country in countries if len(country) == 3 and country.isupper()}
    categories = Counter(posting["occupations"]["category"]["prefLabel"] for posting in postings)

    assert len(category_ids) == 12
    assert len(subcategories) >= 35
    assert set(levels) == {"ENTRY_LEVEL", "INTERMEDIATE", "EXPERT"}
    assert 0.3 < fixed / len(postings) < 0.55
    assert len(canonical) >= 40
    assert len(codes) >= 5
    assert categories.most_common(1)[0][0] == "Web, Mobile & Software Dev"


def test_skills_fit_the_category(postings):
    skills_by_subcategory = {
        subcategory.id: {name for name, _ in subcategory.skills}
        for category in taxonomy.CATEGORIES
        for subcategory in category.subcategories
    }

    for posting in postings:
        allowed = skills_by_subcategory[posting["occupations"]["subCategories"][0]["id"]]
        assert {skill["name"] for skill in posting["skills"]} <= allowed


def test_titles_and_descriptions_read_as_english(postings):
    for posting in postings[:300]:
        assert posting["title"][0].isupper()
        assert "{" not in posting["title"] + posting["description"]
        assert " a a" not in posting["description"]
        assert " a e" not in posting["description"]


def test_live_quirks_appear_in_a_few_postings(postings):
    plus_offsets = sum(posting["publishedDateTime"].endswith("+0000") for posting in postings)
    bare_display = sum(
        not posting["amount"]["displayValue"].startswith("$") for posting in postings
    )

    assert 0 < plus_offsets < len(postings) * 0.1
    assert 0 < bare_display < len(postings) * 0.1


def test_shift_keeps_order_and_makes_newest_recent(postings):
    published = [parse_datetime(posting["publishedDateTime"]) for posting in postings]
    age = datetime.now(timezone.utc) - published[0]

    assert published == sorted(published, reverse=True)
    assert timedelta(minutes=1) < age < timedelta(minutes=10)
    assert published[0] - published[-1] > timedelta(days=7)
    for posting in postings:
        assert parse_datetime(posting["createdDateTime"]) <= parse_datetime(
            posting["publishedDateTime"]
        )


def test_shift_preserves_timestamp_form():
    postings: list[dict[str, Any]] = [
        {"publishedDateTime": "2025-01-02T03:04:05.678+0000", "createdDateTime": None},
        {"publishedDateTime": "2025-01-01T03:04:05.678Z", "renewedDateTime": None},
    ]
    now = datetime(2030, 6, 1, 12, 0, tzinfo=timezone.utc)

    shift_to_present(postings, now)

    assert postings[0]["publishedDateTime"] == "2030-06-01T11:57:00.000+0000"
    assert postings[1]["publishedDateTime"] == "2030-05-31T11:57:00.000Z"


def test_shift_names_the_outlying_date():
    postings: list[dict[str, Any]] = [
        {"id": "1", "publishedDateTime": "9999-12-31T23:59:59Z"},
        {"id": "2", "publishedDateTime": "2025-01-01T00:00:00Z"},
    ]

    with pytest.raises(ValueError, match=r"posting 2: publishedDateTime '2025-01-01T00:00:00Z'"):
        shift_to_present(postings, datetime(2030, 6, 1, tzinfo=timezone.utc))


@pytest.mark.parametrize(
    "text",
    [
        "2026-01-15T10:04:05.000Z",
        "2026-01-15T10:04:05.000+0000",
        "2026-01-15T10:04:05+00:00",
        "2026-01-15T12:04:05.000+0200",
        "2026-01-15T10:04:05.000123Z",
    ],
)
def test_parse_datetime_accepts_upwork_forms(text):
    parsed = parse_datetime(text)

    assert parsed.astimezone(timezone.utc).replace(microsecond=0) == datetime(
        2026, 1, 15, 10, 4, 5, tzinfo=timezone.utc
    )


def test_parse_datetime_rejects_naive_values():
    with pytest.raises(ValueError, match="no UTC offset"):
        parse_datetime("2026-01-15T10:04:05")


def test_format_datetime_keeps_milliseconds():
    moment = datetime(2026, 1, 15, 10, 4, 5, 678_900, tzinfo=timezone.utc)

    assert format_datetime(moment) == "2026-01-15T10:04:05.678Z"
    assert format_datetime(moment, like="x+0000") == "2026-01-15T10:04:05.678+0000"


# -- search expressions ---------------------------------------------------------------------

TEXT = "senior django developer for a rest api\npython, postgresql, node.js, c++"


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("django", True),
        ("DJANGO", True),
        ("djang", False),
        ("djang*", True),
        ("django python", True),
        ("django AND flask", False),
        ("django && python", True),
        ("flask OR python", True),
        ("flask || ruby", False),
        ("django NOT python", False),
        ("django -flask", True),
        ("!flask", True),
        ("+django +python", True),
        ('"rest api"', True),
        ('"api rest"', False),
        ("(flask OR django) AND (ruby OR python)", True),
        ("(flask OR ruby) AND python", False),
        ("node.js", True),
        ("c++", True),
        ("django (python", True),
        ("django) python", True),
    ],
)
def test_expression_evaluation(expression, expected):
    parsed = parse_expression(expression)

    assert parsed is not None
    assert evaluate(parsed, TEXT) is expected


@pytest.mark.parametrize("expression", ["", "   ", "()", "AND OR"])
def test_expression_without_terms(expression):
    assert parse_expression(expression) is None
