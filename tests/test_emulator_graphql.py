"""The emulator's GraphQL endpoint: search, job detail, validation errors and authentication."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from django_upwork.testing import UpworkEmulator
from django_upwork.testing.search import text_contains

SAMPLES = Path(__file__).parent / "data" / "samples"


def load_sample(name: str) -> Any:
    return json.loads((SAMPLES / name).read_text())


SEARCH_QUERY = load_sample("search-request-full-filter.json")["body"]["query"]
DETAIL_QUERY = load_sample("job-posting-request.json")["body"]["query"]
# The fields the filter tests check, so paging through thousands of matches stays quick.
NODES_QUERY = """
query Nodes($filter: MarketplaceJobPostingsSearchFilter) {
  marketplaceJobPostingsSearch(marketPlaceJobFilter: $filter) {
    edges {
      node {
        id title description experienceLevel totalApplicants
        amount { rawValue } hourlyBudgetMax { rawValue }
        skills { name prettyName }
        occupations { category { id } }
        client { verificationStatus location { country } }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""
COUNT_QUERY = """
query Count($filter: MarketplaceJobPostingsSearchFilter) {
  marketplaceJobPostingsSearch(marketPlaceJobFilter: $filter) { totalCount }
}
"""


@pytest.fixture(scope="module")
def emulator() -> Iterator[UpworkEmulator]:
    with UpworkEmulator() as running:
        yield running


@pytest.fixture(scope="module")
def access_token(emulator: UpworkEmulator) -> str:
    return str(emulator.issue_tokens()["access_token"])


def post(
    emulator: UpworkEmulator, token: str | None, payload: Any, **headers: str
) -> requests.Response:
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return requests.post(emulator.graphql_url, json=payload, headers=headers, timeout=10)


def search(
    emulator: UpworkEmulator,
    token: str,
    search_filter: dict[str, Any] | None = None,
    sort: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    response = post(
        emulator,
        token,
        {"query": SEARCH_QUERY, "variables": {"filter": search_filter, "sort": sort}},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]["marketplaceJobPostingsSearch"]


def count(emulator: UpworkEmulator, token: str, search_filter: dict[str, Any]) -> int:
    response = post(emulator, token, {"query": COUNT_QUERY, "variables": {"filter": search_filter}})
    assert response.status_code == 200, response.text
    return int(response.json()["data"]["marketplaceJobPostingsSearch"]["totalCount"])


def all_nodes(emulator: UpworkEmulator, token: str, search_filter: dict[str, Any]) -> list[Any]:
    """Page through every match, 50 at a time."""
    nodes: list[Any] = []
    after = "0"
    while True:
        page_filter = {**search_filter, "pagination_eq": {"first": 50, "after": after}}
        response = post(
            emulator, token, {"query": NODES_QUERY, "variables": {"filter": page_filter}}
        )
        assert response.status_code == 200, response.text
        page = response.json()["data"]["marketplaceJobPostingsSearch"]
        nodes.extend(edge["node"] for edge in page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]


def detail(emulator: UpworkEmulator, token: str, job_id: str) -> requests.Response:
    return post(emulator, token, {"query": DETAIL_QUERY, "variables": {"id": job_id}})


def shape(value: Any) -> Any:
    """Reduce a JSON value to its keys, nesting and value types."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    if isinstance(value, bool) or value is None:
        return type(value).__name__
    if isinstance(value, (int, float)):
        return "number"
    return type(value).__name__


def searchable_text(node: dict[str, Any]) -> str:
    skills = [skill["name"] + " " + skill["prettyName"] for skill in node["skills"]]
    return "\n".join([node["title"], node["description"], *skills]).lower()


def find_posting(emulator: UpworkEmulator, fixed: bool) -> dict[str, Any]:
    """Return a posting shaped like the sample's: US client with city, state and ratings."""
    for posting in emulator.postings:
        client = posting["client"]
        location = client["location"]
        is_fixed = float(posting["amount"]["rawValue"]) > 0
        if (
            is_fixed == fixed
            and location["city"]
            and location["state"]
            and client["verificationStatus"]
            and client["totalReviews"]
            and posting["renewedDateTime"] is None
            and (fixed or posting["hourlyBudgetType"] == "MANUAL")
            and "+0000" not in posting["publishedDateTime"]
            and posting["amount"]["displayValue"].startswith("$")
            and len(posting["skills"]) > 1
        ):
            return posting
    raise AssertionError("no posting shaped like the sample")


# -- search: shape --------------------------------------------------------------------------


def test_search_matches_sample_shape(emulator, access_token):
    sample = load_sample("search-response-200.json")
    sample_page = sample["body"]["data"]["marketplaceJobPostingsSearch"]
    hourly = find_posting(emulator, fixed=False)
    fixed = find_posting(emulator, fixed=True)

    response = post(emulator, access_token, {"query": SEARCH_QUERY})

    assert response.status_code == sample["status"]
    assert response.headers["Content-Type"] == sample["headers"]["Content-Type"]
    page = response.json()["data"]["marketplaceJobPostingsSearch"]
    assert list(page) == list(sample_page)
    assert list(page["edges"][0]) == list(sample_page["edges"][0])
    assert list(page["pageInfo"]) == list(sample_page["pageInfo"])
    assert shape(hourly) == shape(sample_page["edges"][0]["node"])
    assert shape(fixed) == shape(sample_page["edges"][1]["node"])


def test_search_nodes_come_back_as_stored(emulator, access_token):
    page = search(emulator, access_token)

    assert [edge["node"] for edge in page["edges"]] == emulator.postings[:10]


def test_empty_search_matches_sample(emulator, access_token):
    sample = load_sample("search-response-200-empty.json")

    response = post(
        emulator,
        access_token,
        {"query": SEARCH_QUERY, "variables": {"filter": {"searchExpression_eq": "qwertyuiop"}}},
    )

    assert response.status_code == sample["status"]
    assert response.json() == sample["body"]


def test_sample_requests_are_valid(emulator, access_token):
    for name in (
        "search-request-minimal.json",
        "search-request-full-filter.json",
        "search-request-searchterm.json",
    ):
        response = post(emulator, access_token, load_sample(name)["body"])

        assert response.status_code == 200, name
        assert "errors" not in response.json(), name


# -- search: paging -------------------------------------------------------------------------


def test_default_page_is_ten_newest(emulator, access_token):
    page = search(emulator, access_token)

    assert page["totalCount"] == len(emulator.postings) == 3000
    assert len(page["edges"]) == 10
    assert [edge["cursor"] for edge in page["edges"]] == [str(n) for n in range(1, 11)]
    assert page["pageInfo"] == {"hasNextPage": True, "endCursor": "10"}
    published = [edge["node"]["publishedDateTime"] for edge in page["edges"]]
    assert published == [posting["publishedDateTime"] for posting in emulator.postings[:10]]


def test_pages_follow_end_cursor(emulator, access_token):
    first = search(emulator, access_token, {"pagination_eq": {"first": 20, "after": "0"}})
    cursor = first["pageInfo"]["endCursor"]
    second = search(emulator, access_token, {"pagination_eq": {"first": 20, "after": cursor}})

    first_ids = [edge["node"]["id"] for edge in first["edges"]]
    second_ids = [edge["node"]["id"] for edge in second["edges"]]
    assert cursor == "20"
    assert second["edges"][0]["cursor"] == "21"
    assert not set(first_ids) & set(second_ids)
    assert first_ids + second_ids == [posting["id"] for posting in emulator.postings[:40]]


def test_page_size_is_capped_at_50(emulator, access_token):
    page = search(emulator, access_token, {"pagination_eq": {"first": 500, "after": "0"}})

    assert len(page["edges"]) == 50
    assert page["pageInfo"]["endCursor"] == "50"


def test_last_page_has_no_next(emulator, access_token):
    page = search(emulator, access_token, {"pagination_eq": {"first": 50, "after": "2990"}})

    assert len(page["edges"]) == 10
    assert page["pageInfo"] == {"hasNextPage": False, "endCursor": "3000"}


def test_page_past_the_end_is_empty(emulator, access_token):
    page = search(emulator, access_token, {"pagination_eq": {"first": 10, "after": "5000"}})

    assert page["edges"] == []
    assert page["totalCount"] == 3000
    assert page["pageInfo"] == {"hasNextPage": False, "endCursor": None}


@pytest.mark.parametrize(
    "pagination",
    [{"first": 10, "after": "abc"}, {"first": 10}, {"first": 10, "after": "-5"}],
    ids=["letters", "missing", "negative"],
)
def test_pagination_without_numeric_after_fails(emulator, access_token, pagination):
    sample = load_sample("error-graphql-server-exception-500.json")

    response = post(
        emulator,
        access_token,
        {"query": SEARCH_QUERY, "variables": {"filter": {"pagination_eq": pagination}}},
    )

    assert response.status_code == sample["status"]
    assert response.json() == sample["body"]


# -- search: filters ------------------------------------------------------------------------


def test_search_expression_matches_whole_words(emulator, access_token):
    nodes = all_nodes(emulator, access_token, {"searchExpression_eq": "Django"})

    assert nodes
    for node in nodes:
        assert text_contains(searchable_text(node), "django"), node["title"]


def test_search_expression_boolean_operators(emulator, access_token):
    django = count(emulator, access_token, {"searchExpression_eq": "django"})
    flutter = count(emulator, access_token, {"searchExpression_eq": "flutter"})
    python = count(emulator, access_token, {"searchExpression_eq": "python"})
    both = count(emulator, access_token, {"searchExpression_eq": "django AND python"})
    implicit = count(emulator, access_token, {"searchExpression_eq": "django python"})
    either = count(emulator, access_token, {"searchExpression_eq": "django OR flutter"})
    overlap = count(emulator, access_token, {"searchExpression_eq": "django flutter"})
    without = count(emulator, access_token, {"searchExpression_eq": "python NOT django"})
    minus = count(emulator, access_token, {"searchExpression_eq": "python -django"})

    assert 0 < both < min(django, python)
    assert implicit == both
    assert either == django + flutter - overlap
    assert without == minus == python - both


def test_search_expression_parentheses(emulator, access_token):
    grouped = all_nodes(
        emulator, access_token, {"searchExpression_eq": "(django OR flutter) AND python"}
    )

    assert grouped
    for node in grouped:
        text = searchable_text(node)
        assert text_contains(text, "python")
        assert text_contains(text, "django") or text_contains(text, "flutter")


def test_search_expression_phrase(emulator, access_token):
    nodes = all_nodes(emulator, access_token, {"searchExpression_eq": '"machine learning"'})

    assert nodes
    assert all("machine learning" in searchable_text(node) for node in nodes)


def test_title_expression_searches_titles_only(emulator, access_token):
    nodes = all_nodes(emulator, access_token, {"titleExpression_eq": "Shopify"})
    anywhere = count(emulator, access_token, {"searchExpression_eq": "Shopify"})

    assert nodes
    assert all(text_contains(node["title"].lower(), "shopify") for node in nodes)
    assert len(nodes) < anywhere


def test_skill_expression_comma_is_or(emulator, access_token):
    django = count(emulator, access_token, {"skillExpression_eq": "django"})
    flutter = count(emulator, access_token, {"skillExpression_eq": "Flutter"})

    nodes = all_nodes(emulator, access_token, {"skillExpression_eq": "django, flutter"})

    assert django > 0
    assert flutter > 0
    assert len(nodes) == django + flutter - sum(
        1 for node in nodes if {"django", "flutter"} <= {skill["name"] for skill in node["skills"]}
    )
    for node in nodes:
        assert {"django", "flutter"} & {skill["name"] for skill in node["skills"]}


def test_job_type_splits_hourly_and_fixed(emulator, access_token):
    fixed = all_nodes(emulator, access_token, {"jobType_eq": "FIXED"})
    hourly = count(emulator, access_token, {"jobType_eq": "HOURLY"})

    assert fixed
    assert all(float(node["amount"]["rawValue"]) > 0 for node in fixed)
    assert len(fixed) + hourly == 3000
    hourly_page = search(emulator, access_token, {"jobType_eq": "HOURLY"})
    assert all(float(edge["node"]["amount"]["rawValue"]) == 0 for edge in hourly_page["edges"])


@pytest.mark.parametrize("level", ["ENTRY_LEVEL", "INTERMEDIATE", "EXPERT"])
def test_experience_level_filter(emulator, access_token, level):
    nodes = all_nodes(emulator, access_token, {"experienceLevel_eq": level})

    assert nodes
    assert {node["experienceLevel"] for node in nodes} == {level}


def test_locations_match_names_and_codes(emulator, access_token):
    nodes = all_nodes(emulator, access_token, {"locations_any": ["United States"]})

    countries = {node["client"]["location"]["country"] for node in nodes}
    assert countries == {"United States", "USA"}
    by_code = count(emulator, access_token, {"locations_any": ["USA"]})
    assert by_code == len(nodes)


def test_locations_any_is_or(emulator, access_token):
    germany = count(emulator, access_token, {"locations_any": ["Germany"]})
    india = count(emulator, access_token, {"locations_any": ["India"]})

    both = count(emulator, access_token, {"locations_any": ["Germany", "India"]})

    assert germany > 0
    assert india > 0
    assert both == germany + india


def test_category_ids_filter(emulator, access_token):
    design = "531770282580668421"

    nodes = all_nodes(emulator, access_token, {"categoryIds_any": [design]})

    assert nodes
    assert {node["occupations"]["category"]["id"] for node in nodes} == {design}


def test_hourly_rate_overlaps_range_and_keeps_fixed(emulator, access_token):
    nodes = all_nodes(emulator, access_token, {"hourlyRate_eq": {"rangeStart": 100}})

    hourly = [node for node in nodes if float(node["amount"]["rawValue"]) == 0]
    fixed = [node for node in nodes if float(node["amount"]["rawValue"]) > 0]
    assert hourly
    assert all(float(node["hourlyBudgetMax"]["rawValue"]) >= 100 for node in hourly)
    assert len(fixed) == count(emulator, access_token, {"jobType_eq": "FIXED"})


def test_budget_range_applies_to_fixed_jobs(emulator, access_token):
    search_filter = {"jobType_eq": "FIXED", "budgetRange_eq": {"rangeStart": 500, "rangeEnd": 1000}}

    nodes = all_nodes(emulator, access_token, search_filter)

    assert nodes
    assert all(500 <= float(node["amount"]["rawValue"]) <= 1000 for node in nodes)


def test_proposal_range_filter(emulator, access_token):
    nodes = all_nodes(
        emulator, access_token, {"proposalRange_eq": {"rangeStart": 5, "rangeEnd": 9}}
    )

    assert nodes
    assert all(5 <= node["totalApplicants"] <= 9 for node in nodes)


def test_verified_payment_only(emulator, access_token):
    verified = all_nodes(emulator, access_token, {"verifiedPaymentOnly_eq": True})

    assert 0 < len(verified) < 3000
    assert {node["client"]["verificationStatus"] for node in verified} == {"VERIFIED"}


def test_filters_combine_with_and(emulator, access_token):
    search_filter = {
        "searchExpression_eq": "python",
        "jobType_eq": "HOURLY",
        "experienceLevel_eq": "EXPERT",
    }

    nodes = all_nodes(emulator, access_token, search_filter)

    assert nodes
    for node in nodes:
        assert node["experienceLevel"] == "EXPERT"
        assert float(node["amount"]["rawValue"]) == 0
        assert text_contains(searchable_text(node), "python")


def test_unknown_filter_fields_are_ignored(emulator, access_token):
    search_filter = {
        "previousClients_eq": True,
        "ptcOnly_eq": False,
        "preserveFacet_eq": "yes",
        "area_eq": {"latitude": 1.0, "longitude": 2.0, "radius": 3.0},
    }

    assert count(emulator, access_token, search_filter) == 3000


# -- search: sorting ------------------------------------------------------------------------


def test_sort_client_total_charge(emulator, access_token):
    page = search(emulator, access_token, sort=[{"field": "CLIENT_TOTAL_CHARGE"}])

    spent = [float(edge["node"]["client"]["totalSpent"]["rawValue"]) for edge in page["edges"]]
    assert spent == sorted(spent, reverse=True)
    assert spent[0] == max(float(p["client"]["totalSpent"]["rawValue"]) for p in emulator.postings)


def test_sort_client_rating(emulator, access_token):
    page = search(emulator, access_token, sort=[{"field": "CLIENT_RATING"}])

    ratings = [edge["node"]["client"]["totalFeedback"] for edge in page["edges"]]
    assert ratings == sorted(ratings, reverse=True)
    assert ratings[0] == max(posting["client"]["totalFeedback"] for posting in emulator.postings)


def test_sort_relevance_puts_title_matches_first(emulator, access_token):
    page = search(
        emulator,
        access_token,
        {"searchExpression_eq": "shopify"},
        sort=[{"field": "RELEVANCE"}],
    )

    titles = [edge["node"]["title"].lower() for edge in page["edges"]]
    assert all(text_contains(title, "shopify") for title in titles)


def test_sort_recency_is_newest_first(emulator, access_token):
    page = search(emulator, access_token, {"jobType_eq": "FIXED"}, sort=[{"field": "RECENCY"}])

    ids = [edge["node"]["id"] for edge in page["edges"]]
    expected = [p["id"] for p in emulator.postings if float(p["amount"]["rawValue"]) > 0]
    assert ids == expected[:10]


# -- job detail -----------------------------------------------------------------------------


def test_detail_matches_sample_shape(emulator, access_token):
    sample = load_sample("job-posting-response-200.json")
    node = find_posting(emulator, fixed=False)

    response = detail(emulator, access_token, node["id"])

    assert response.status_code == sample["status"]
    posting = response.json()["data"]["marketplaceJobPosting"]
    expected = sample["body"]["data"]["marketplaceJobPosting"]
    assert list(response.json()) == ["data"]
    assert list(posting) == list(expected)
    for key in ("workFlowState", "content", "classification", "contractTerms"):
        assert list(posting[key]) == list(expected[key]), key
    hourly_terms = posting["contractTerms"]["hourlyContractTerms"]
    assert list(hourly_terms) == list(expected["contractTerms"]["hourlyContractTerms"])
    assert list(posting["contractorSelection"]) == list(expected["contractorSelection"])
    assert list(posting["clientCompanyPublic"]) == list(expected["clientCompanyPublic"])


def test_detail_of_hourly_job_follows_node(emulator, access_token):
    node = find_posting(emulator, fixed=False)

    posting = detail(emulator, access_token, node["id"]).json()["data"]["marketplaceJobPosting"]

    assert posting["id"] == node["id"]
    assert posting["content"] == {"title": node["title"], "description": node["description"]}
    terms = posting["contractTerms"]
    assert terms["contractType"] == "HOURLY"
    assert terms["experienceLevel"] == node["experienceLevel"]
    assert terms["fixedPriceContractTerms"] is None
    hourly = terms["hourlyContractTerms"]
    assert hourly["hourlyBudgetMin"] == float(node["hourlyBudgetMin"]["rawValue"])
    assert hourly["hourlyBudgetMax"] == float(node["hourlyBudgetMax"]["rawValue"])
    assert hourly["engagementDuration"]["weeks"] == node["engagementDuration"]["weeks"]
    category = posting["classification"]["category"]
    assert category["id"] == node["occupations"]["category"]["id"]
    assert posting["clientCompanyPublic"]["country"] == {
        "name": "United States",
        "twoLetterAbbreviation": "US",
    }


def test_detail_of_fixed_job_has_fixed_terms(emulator, access_token):
    node = find_posting(emulator, fixed=True)

    posting = detail(emulator, access_token, node["id"]).json()["data"]["marketplaceJobPosting"]

    terms = posting["contractTerms"]
    assert terms["contractType"] == "FIXED"
    assert terms["hourlyContractTerms"] is None
    assert terms["fixedPriceContractTerms"]["amount"] == node["amount"]


def test_detail_by_ciphertext_matches_not_found_sample(emulator, access_token):
    sample = load_sample("error-graphql-opening-not-found-200.json")

    response = detail(emulator, access_token, "~0100000000000000000")

    assert response.status_code == sample["status"]
    assert response.json() == sample["body"]


def test_detail_by_real_ciphertext_is_not_found(emulator, access_token):
    ciphertext = emulator.postings[0]["ciphertext"]

    body = detail(emulator, access_token, ciphertext).json()

    assert body["data"] is None
    assert body["errors"] == [
        {"message": f"'openingsV2DS',  'getOpening',  'Opening not found for uid='{ciphertext}''"}
    ]


def test_detail_of_unknown_numeric_id_is_not_found(emulator, access_token):
    body = detail(emulator, access_token, "1000000000000000009").json()

    assert body["data"] is None
    assert "Opening not found for uid='1000000000000000009'" in body["errors"][0]["message"]


def test_search_node_links_to_job(emulator, access_token):
    query = (
        "{ marketplaceJobPostingsSearch { edges { node {"
        " id job { id contractTerms { contractType } } } } } }"
    )

    body = post(emulator, access_token, {"query": query}).json()

    for edge in body["data"]["marketplaceJobPostingsSearch"]["edges"]:
        node = edge["node"]
        assert node["job"]["id"] == node["id"]
        assert node["job"]["contractTerms"]["contractType"] in ("HOURLY", "FIXED")


# -- validation -----------------------------------------------------------------------------

VALIDATION_MESSAGE = re.compile(r"Validation error \((\w+)(@\[[^\]]*\])?\) : .+")


def test_unknown_field_matches_sample_wording(emulator, access_token):
    sample = load_sample("error-graphql-validation-fieldundefined-200.json")
    expected = sample["body"]["errors"][0]
    query = "{\n  marketplaceJobPostingsSearch {\n    edges { node { id nope } }\n  }\n}"

    response = post(emulator, access_token, {"query": query})

    assert response.status_code == sample["status"]
    body = response.json()
    assert list(body) == ["errors"]
    error = body["errors"][0]
    assert list(error) == list(expected)
    assert error["message"] == (
        "Validation error (FieldUndefined@[marketplaceJobPostingsSearch/edges/node/nope]) : "
        "Field 'nope' in type 'MarketplaceJobPostingSearchResult' is undefined"
    )
    assert error["locations"] == [{"line": 3, "column": 23}]
    assert error["extensions"] == expected["extensions"]
    assert VALIDATION_MESSAGE.fullmatch(expected["message"])


def test_money_without_subfields_is_rejected(emulator, access_token):
    query = "{ marketplaceJobPostingsSearch { edges { node { id amount } } } }"

    body = post(emulator, access_token, {"query": query}).json()

    assert "data" not in body
    assert body["errors"][0]["message"] == (
        "Validation error (SubselectionRequired@[marketplaceJobPostingsSearch/edges/node/amount])"
        " : Subselection required for type 'Money' of field 'amount'"
    )
    assert body["errors"][0]["extensions"] == {"classification": "ValidationError"}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "{ marketplaceJobPostingsSearch { totalCount { value } } }",
            "Validation error (SubselectionNotAllowed@[marketplaceJobPostingsSearch/totalCount])"
            " : Sub selection not allowed on leaf type 'Int' of field 'totalCount'",
        ),
        (
            "{ marketplaceJobPosting { id } }",
            "Validation error (MissingFieldArgument@[marketplaceJobPosting])"
            " : Missing field argument 'id'",
        ),
        (
            '{ marketplaceJobPosting(id: "1", ciphertext: "x") { id } }',
            "Validation error (UnknownArgument@[marketplaceJobPosting])"
            " : Unknown field argument 'ciphertext'",
        ),
        (
            "query Q($id: ID!) { marketplaceJobPostings { id } }",
            "Validation error (UnusedVariable) : Unused variable 'id'",
        ),
        (
            "query Q($f: Filter) { marketplaceJobPostingsSearch { totalCount } }",
            "Validation error (UnknownType) : Unknown type 'Filter'",
        ),
    ],
    ids=["leaf-subselection", "missing-argument", "unknown-argument", "unused-var", "bad-type"],
)
def test_validation_errors_use_graphql_java_wording(emulator, access_token, query, message):
    body = post(emulator, access_token, {"query": query}).json()

    messages = [error["message"] for error in body["errors"]]
    assert message in messages
    assert all(VALIDATION_MESSAGE.fullmatch(text) for text in messages)
    assert "data" not in body


def test_wrong_enum_value_is_validation_error(emulator, access_token):
    query = (
        "{ marketplaceJobPostingsSearch(marketPlaceJobFilter: {jobType_eq: WEEKLY})"
        " { totalCount } }"
    )

    body = post(emulator, access_token, {"query": query}).json()

    assert body["errors"][0]["message"].startswith(
        "Validation error (WrongType@[marketplaceJobPostingsSearch]) : "
    )


def test_invalid_variable_value_is_validation_error(emulator, access_token):
    response = post(
        emulator,
        access_token,
        {"query": COUNT_QUERY, "variables": {"filter": {"jobType_eq": "WEEKLY"}}},
    )

    body = response.json()
    assert response.status_code == 200
    assert "data" not in body
    assert body["errors"][0]["message"].startswith("Variable 'filter' has an invalid value")
    assert body["errors"][0]["extensions"] == {"classification": "ValidationError"}


def test_syntax_error_is_invalid_syntax(emulator, access_token):
    body = post(emulator, access_token, {"query": "{ marketplaceJobPostingsSearch {"}).json()

    error = body["errors"][0]
    assert error["message"] == "Invalid syntax with offending token '<EOF>' at line 1 column 33"
    assert error["extensions"] == {"classification": "InvalidSyntax"}


def test_operation_name_selects_operation(emulator, access_token):
    query = (
        "query A { marketplaceJobPostingsSearch { totalCount } } "
        'query B { marketplaceJobPosting(id: "~01") { id } }'
    )

    body = post(emulator, access_token, {"query": query, "operationName": "A"}).json()

    assert body == {"data": {"marketplaceJobPostingsSearch": {"totalCount": 3000}}}


# -- request handling -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer oauth2v2_" + "0" * 32, "Basic abc", "Bearer"],
    ids=["missing", "unknown", "wrong-scheme", "empty"],
)
def test_unauthorized_requests_get_401(emulator, authorization):
    headers = {"Authorization": authorization} if authorization else {}

    response = requests.post(
        emulator.graphql_url, json={"query": COUNT_QUERY}, headers=headers, timeout=5
    )

    assert response.status_code == 401
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {"message": "Unauthorized"}


def test_tenant_header_and_variables_are_recorded(emulator, access_token):
    variables = {"filter": {"searchExpression_eq": "react"}}
    post(
        emulator,
        access_token,
        {"query": COUNT_QUERY, "variables": variables},
        **{"X-Upwork-API-TenantId": "424242"},
    )

    recent = emulator.stats()["recent_graphql"][-1]

    assert recent == {"operation_name": "Count", "variables": variables, "tenant_id": "424242"}


def test_body_that_is_not_json_is_rejected(emulator, access_token):
    response = requests.post(
        emulator.graphql_url,
        data=b"{not json",
        headers={"Authorization": f"Bearer {access_token}", "Content-Type": "application/json"},
        timeout=5,
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "Request body is not valid JSON"


def test_body_without_query_is_rejected(emulator, access_token):
    response = post(emulator, access_token, {"variables": {}})

    assert response.status_code == 400


def test_get_is_not_allowed(emulator):
    response = requests.get(emulator.graphql_url, timeout=5)

    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"


def test_unknown_path_is_404(emulator):
    response = requests.get(emulator.base_url + "/api/v2/jobs", timeout=5)

    assert response.status_code == 404
