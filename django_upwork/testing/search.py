"""Filtering, sorting and paging of postings for `marketplaceJobPostingsSearch`.

Supported search expression syntax (`searchExpression_eq`, `titleExpression_eq`), a subset of
the Lucene syntax that Upwork accepts:

- words, matched case-insensitively as whole words; a trailing `*` matches any word suffix;
- `"quoted phrases"`, matched as consecutive words;
- `AND`, `OR`, `NOT` (also `&&`, `||`, `!`), a leading `-` for NOT, a leading `+` is ignored;
- parentheses for grouping. Adjacent terms without an operator are joined with AND.

Field prefixes such as `title:` are not supported and are matched as plain text. An unbalanced
parenthesis is tolerated: a missing `)` closes at the end, a stray `)` is skipped.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from . import taxonomy
from .corpus import Posting, id_number, money_value, parse_datetime

DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 50

_TOKEN = re.compile(r'\(|\)|"[^"]*"?|[^\s()"]+')
_OPERATORS = {"AND": "AND", "&&": "AND", "OR": "OR", "||": "OR", "NOT": "NOT", "!": "NOT"}


class SearchError(Exception):
    """A search request to which Upwork responds with a generic server exception (HTTP 500)."""


# ---------------------------------------------------------------------------------------------
# Text matching
# ---------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1024)
def _term_pattern(term: str) -> re.Pattern[str]:
    """Compile a case-folded whole-word pattern for a word, a `prefix*` or a phrase."""
    words = term.lower().split()
    parts = []
    for word in words:
        if word.endswith("*") and len(word) > 1:
            parts.append(re.escape(word[:-1]) + r"\w*")
        else:
            parts.append(re.escape(word))
    return re.compile(r"(?<!\w)" + r"\W+".join(parts) + r"(?!\w)")


def text_contains(text: str, term: str) -> bool:
    """Return whether lower-cased `text` contains `term` as whole words."""
    if not term.strip():
        return True
    return _term_pattern(term).search(text) is not None


@dataclass(frozen=True)
class Term:
    text: str


@dataclass(frozen=True)
class Not:
    operand: Expression


@dataclass(frozen=True)
class And:
    operands: tuple[Expression, ...]


@dataclass(frozen=True)
class Or:
    operands: tuple[Expression, ...]


Expression = Term | Not | And | Or


def parse_expression(source: str) -> Expression | None:
    """Parse a search expression; return None when it has no terms."""
    tokens = _TOKEN.findall(source)
    parser = _ExpressionParser(tokens)
    return parser.parse()


class _ExpressionParser:
    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.position = 0

    def parse(self) -> Expression | None:
        operands: list[Expression] = []
        while self.position < len(self.tokens):
            expression = self._or()
            if expression is not None:
                operands.append(expression)
            elif self._peek() == ")":
                self.position += 1  # A stray closing parenthesis.
        return _combine(And, operands)

    def _peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def _or(self) -> Expression | None:
        operands = [self._and()]
        while _OPERATORS.get(self._peek() or "") == "OR":
            self.position += 1
            operands.append(self._and())
        return _combine(Or, [operand for operand in operands if operand is not None])

    def _and(self) -> Expression | None:
        operands: list[Expression] = []
        while True:
            token = self._peek()
            if token is None or token == ")" or _OPERATORS.get(token) == "OR":  # noqa: S105
                break
            if _OPERATORS.get(token) == "AND":
                self.position += 1
                continue
            operand = self._unary()
            if operand is not None:
                operands.append(operand)
        return _combine(And, operands)

    def _unary(self) -> Expression | None:
        token = self._peek()
        if token is None:
            return None
        if _OPERATORS.get(token) == "NOT":
            self.position += 1
            operand = self._unary()
            return Not(operand) if operand is not None else None
        if token[:1] in ("-", "!") and len(token) > 1:
            self.tokens[self.position] = token[1:]
            operand = self._unary()
            return Not(operand) if operand is not None else None
        if token.startswith("+") and len(token) > 1:
            self.tokens[self.position] = token[1:]
            return self._unary()
        return self._primary()

    def _primary(self) -> Expression | None:
        token = self.tokens[self.position]
        self.position += 1
        if token == "(":  # noqa: S105 - a parenthesis token
            inner = self._or()
            if self._peek() == ")":
                self.position += 1
            return inner
        if token.startswith('"'):
            phrase = token.strip('"').strip()
            return Term(phrase) if phrase else None
        return Term(token)


def _combine(kind: type[And] | type[Or], operands: list[Expression]) -> Expression | None:
    if not operands:
        return None
    if len(operands) == 1:
        return operands[0]
    return kind(tuple(operands))


def evaluate(expression: Expression, text: str) -> bool:
    """Return whether lower-cased `text` satisfies `expression`."""
    if isinstance(expression, Term):
        return text_contains(text, expression.text)
    if isinstance(expression, Not):
        return not evaluate(expression.operand, text)
    if isinstance(expression, And):
        return all(evaluate(operand, text) for operand in expression.operands)
    return any(evaluate(operand, text) for operand in expression.operands)


def positive_terms(expression: Expression | None) -> list[str]:
    """Return the terms of `expression` that are not negated, for relevance scoring."""
    if expression is None or isinstance(expression, Not):
        return []
    if isinstance(expression, Term):
        return [expression.text]
    terms: list[str] = []
    for operand in expression.operands:
        terms.extend(positive_terms(operand))
    return terms


# ---------------------------------------------------------------------------------------------
# Index
# ---------------------------------------------------------------------------------------------


def _skill_key(value: str) -> str:
    return re.sub(r"[\s_]+", "-", value.strip().lower())


class _Entry:
    """A posting with the values that filters and sorts read, computed once."""

    def __init__(self, posting: Posting) -> None:
        self.posting = posting
        self.title = str(posting.get("title") or "").lower()
        skills = posting.get("skills") or []
        skill_names = [str(skill.get("name") or "") for skill in skills if skill]
        pretty_names = [str(skill.get("prettyName") or "") for skill in skills if skill]
        self.skill_keys = {_skill_key(name) for name in skill_names + pretty_names if name}

        description = str(posting.get("description") or "")
        self.text = "\n".join([self.title, description.lower(), *pretty_names, *skill_names])
        self.text = self.text.lower()

        self.published = parse_datetime(posting["publishedDateTime"]).timestamp()
        self.id_number = id_number(posting)
        self.amount = money_value(posting.get("amount")) or 0.0
        self.fixed = self.amount > 0
        self.hourly_min = money_value(posting.get("hourlyBudgetMin"))
        self.hourly_max = money_value(posting.get("hourlyBudgetMax"))

        occupations = posting.get("occupations") or {}
        self.category_id = str((occupations.get("category") or {}).get("id") or "")
        self.subcategory_ids = {
            str(sub.get("id")) for sub in occupations.get("subCategories") or [] if sub
        }

        client = posting.get("client") or {}
        location = client.get("location") or {}
        self.client_hires = int(client.get("totalHires") or 0)
        self.client_verified = client.get("verificationStatus") == "VERIFIED"
        self.client_spent = money_value(client.get("totalSpent")) or 0.0
        self.client_feedback = float(client.get("totalFeedback") or 0.0)
        self.client_reviews = int(client.get("totalReviews") or 0)
        self.places = {
            _place_key(location.get("country")),
            _place_key(location.get("city")),
            _place_key(location.get("state")),
        } - {""}
        self.timezone = str(location.get("timezone") or "").lower()
        self.applicants = int(posting.get("totalApplicants") or 0)


def _place_key(value: Any) -> str:
    """Return a canonical key for a country (any of its names or codes) or a city."""
    if not value:
        return ""
    country = taxonomy.find_country(str(value))
    if country is not None:
        return "country:" + country.iso2
    return str(value).strip().lower()


_WORKLOAD_ENGAGEMENT = {
    "FULL_TIME": "30+ hrs/week",
    "PART_TIME": "Less than 30 hrs/week",
    "AS_NEEDED": "Less than 30 hrs/week",
    "NOT_SURE": "Hours to be determined",
}


def _in_range(value: float, bounds: Mapping[str, Any] | None) -> bool:
    if not bounds:
        return True
    start, end = bounds.get("rangeStart"), bounds.get("rangeEnd")
    if start is not None and value < start:
        return False
    return not (end is not None and value > end)


class PostingIndex:
    """The postings, with lookup by id and the search that `marketplaceJobPostingsSearch` runs."""

    def __init__(self, postings: Sequence[Posting]) -> None:
        self.postings = list(postings)
        self.entries = [_Entry(posting) for posting in self.postings]
        self.by_id = {str(posting["id"]): posting for posting in self.postings}

    def get(self, job_id: str) -> Posting | None:
        return self.by_id.get(job_id)

    def search(
        self,
        search_filter: Mapping[str, Any] | None,
        sort_attributes: Iterable[Mapping[str, Any] | None] | None,
    ) -> dict[str, Any]:
        """Return a `MarketplaceJobPostingSearchConnection` as a dict.

        Raises SearchError when `pagination_eq` has no numeric `after` or a negative `first`,
        as Upwork does.
        """
        search_filter = search_filter or {}
        offset, page_size = _pagination(search_filter.get("pagination_eq"))
        query = _Query(search_filter)
        matches = [entry for entry in self.entries if query.matches(entry)]

        fields = [
            str(attribute["field"])
            for attribute in sort_attributes or []
            if attribute and attribute.get("field")
        ] or ["RECENCY"]
        matches.sort(key=lambda entry: _sort_key(entry, fields, query), reverse=True)

        page = matches[offset : offset + page_size]
        edges = [
            {"cursor": str(offset + position + 1), "node": entry.posting}
            for position, entry in enumerate(page)
        ]
        return {
            "totalCount": len(matches),
            "edges": edges,
            "pageInfo": {
                "hasNextPage": offset + len(page) < len(matches),
                "endCursor": edges[-1]["cursor"] if edges else None,
            },
        }


def _pagination(pagination: Mapping[str, Any] | None) -> tuple[int, int]:
    if pagination is None:
        return 0, DEFAULT_PAGE_SIZE
    after = pagination.get("after")
    first = pagination.get("first")
    if not isinstance(after, str) or not after.isdigit():
        raise SearchError(f"pagination_eq.after must be a numeric string, got {after!r}")
    if not isinstance(first, int) or first < 0:
        raise SearchError(f"pagination_eq.first must be a non-negative integer, got {first!r}")
    return int(after), min(first, MAX_PAGE_SIZE)


def _sort_key(entry: _Entry, fields: list[str], query: _Query) -> tuple[float, ...]:
    key: list[float] = []
    for field in fields:
        if field == "RELEVANCE":
            key.append(query.relevance(entry))
        elif field == "CLIENT_TOTAL_CHARGE":
            key.append(entry.client_spent)
        elif field == "CLIENT_RATING":
            key.extend((entry.client_feedback, entry.client_reviews))
        # RECENCY needs nothing here because every key ends with the publish time.
    key.extend((entry.published, entry.id_number))
    return tuple(key)


class _Query:
    """The filters of one search request, parsed once and applied to every entry."""

    def __init__(self, search_filter: Mapping[str, Any]) -> None:
        self.filter = search_filter
        expression_source = search_filter.get("searchExpression_eq")
        self.expression = parse_expression(expression_source) if expression_source else None
        # searchTerm_eq is ignored when searchExpression_eq is given, as Upwork documents.
        self.search_term = None if expression_source else search_filter.get("searchTerm_eq")
        title_source = search_filter.get("titleExpression_eq")
        self.title_expression = parse_expression(title_source) if title_source else None
        skill_source = search_filter.get("skillExpression_eq") or ""
        self.skills = {_skill_key(skill) for skill in skill_source.split(",") if skill.strip()}
        self.category_ids = set(search_filter.get("categoryIds_any") or [])
        self.subcategory_ids = set(search_filter.get("subcategoryIds_any") or [])
        self.places = {_place_key(place) for place in search_filter.get("locations_any") or []}
        self.places.discard("")
        self.relevance_terms = positive_terms(self.expression) + positive_terms(
            self.title_expression
        )
        if self.search_term:
            self.relevance_terms += list(self.search_term.get("andTerms_all") or [])
            self.relevance_terms += list(self.search_term.get("orTerms_any") or [])
            self.relevance_terms += list(self.search_term.get("exactTerms_any") or [])

    def matches(self, entry: _Entry) -> bool:
        search_filter = self.filter
        if self.expression is not None and not evaluate(self.expression, entry.text):
            return False
        if self.search_term and not _matches_search_term(self.search_term, entry.text):
            return False
        if self.title_expression is not None and not evaluate(self.title_expression, entry.title):
            return False
        if self.skills and not self.skills & entry.skill_keys:
            return False
        if self.category_ids and entry.category_id not in self.category_ids:
            return False
        if self.subcategory_ids and not self.subcategory_ids & entry.subcategory_ids:
            return False
        if self.places and not self.places & entry.places:
            return False

        job_type = search_filter.get("jobType_eq")
        if job_type == "FIXED" and not entry.fixed:
            return False
        if job_type == "HOURLY" and entry.fixed:
            return False
        level = search_filter.get("experienceLevel_eq")
        if level and entry.posting.get("experienceLevel") != level:
            return False
        workload = search_filter.get("workload_eq")
        engagement = entry.posting.get("engagement")
        if workload and not entry.fixed and engagement != _WORKLOAD_ENGAGEMENT.get(workload):
            return False

        # Hourly rate applies to hourly jobs only, budget to fixed-price jobs only.
        rate = search_filter.get("hourlyRate_eq")
        if rate and not entry.fixed and not _hourly_rate_overlaps(entry, rate):
            return False
        budget = search_filter.get("budgetRange_eq")
        if budget and entry.fixed and not _in_range(entry.amount, budget):
            return False
        if not _in_range(entry.applicants, search_filter.get("proposalRange_eq")):
            return False
        if not _in_range(entry.client_hires, search_filter.get("clientHiresRange_eq")):
            return False

        if search_filter.get("verifiedPaymentOnly_eq") and not entry.client_verified:
            return False
        if search_filter.get("enterpriseOnly_eq") and not entry.posting.get("enterprise"):
            return False
        timezone_name = search_filter.get("timezone_eq")
        return not (timezone_name and entry.timezone != timezone_name.lower())

    def relevance(self, entry: _Entry) -> float:
        """Score a match: three points for each query term in the title, one elsewhere."""
        score = 0.0
        for term in self.relevance_terms:
            if text_contains(entry.title, term):
                score += 3
            elif text_contains(entry.text, term):
                score += 1
        for skill in self.skills:
            if skill in entry.skill_keys:
                score += 2
        return score


def _hourly_rate_overlaps(entry: _Entry, bounds: Mapping[str, Any]) -> bool:
    """Return whether the job's hourly range overlaps `bounds`; a job without a range fails."""
    low = entry.hourly_min if entry.hourly_min is not None else entry.hourly_max
    high = entry.hourly_max if entry.hourly_max is not None else entry.hourly_min
    if low is None or high is None:
        return False
    start, end = bounds.get("rangeStart"), bounds.get("rangeEnd")
    if start is not None and high < start:
        return False
    return not (end is not None and low > end)


def _matches_search_term(search_term: Mapping[str, Any], text: str) -> bool:
    all_terms = search_term.get("andTerms_all") or []
    any_terms = search_term.get("orTerms_any") or []
    exact_terms = search_term.get("exactTerms_any") or []
    excluded = search_term.get("excludeTerms_any") or []
    if not all(text_contains(text, term) for term in all_terms):
        return False
    if any_terms and not any(text_contains(text, term) for term in any_terms):
        return False
    if exact_terms and not any(text_contains(text, term) for term in exact_terms):
        return False
    return not any(text_contains(text, term) for term in excluded)
