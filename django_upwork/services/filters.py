"""Validation of search filters and sort attributes before any request is sent.

The accepted keys are those of Upwork's ``MarketplaceJobPostingsSearchFilter`` input type,
spelled as Upwork spells them. A mistake raises :class:`InvalidInput` that names the key or
value and the valid choices, so it is fixed before it costs a request.
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django_upwork.exceptions import InvalidInput

MAX_PAGE_SIZE = 50  # Upwork's cap on pagination_eq.first

SORT_FIELDS = ("RECENCY", "RELEVANCE", "CLIENT_TOTAL_CHARGE", "CLIENT_RATING")
DEFAULT_SORT = ("RECENCY",)

JOB_TYPES = ("HOURLY", "FIXED")
EXPERIENCE_LEVELS = ("ENTRY_LEVEL", "INTERMEDIATE", "EXPERT")
WORKLOADS = ("FULL_TIME", "PART_TIME", "AS_NEEDED", "NOT_SURE")

# GraphQL's Int is a signed 32-bit integer. Upwork rejects a larger one with a GraphQL
# validation error, which costs a request.
GRAPHQL_INT_MIN = -(2**31)
GRAPHQL_INT_MAX = 2**31 - 1


@dataclass(frozen=True)
class IntSpec:
    """A GraphQL ``Int`` field, narrowed to ``minimum`` through ``maximum``."""

    minimum: int = GRAPHQL_INT_MIN
    maximum: int = GRAPHQL_INT_MAX


@dataclass(frozen=True)
class FloatSpec:
    """A GraphQL ``Float`` field, which must be finite, narrowed to ``minimum``..``maximum``."""

    minimum: float = -sys.float_info.max
    maximum: float = sys.float_info.max
    expected: str = "a finite number"


# A type spec is one of: a Python type (str or bool), an IntSpec or a FloatSpec, a tuple of
# enum values, a one-element list holding the item spec, or a dict of field specs for a
# nested input object.
# Every IntRange of the search filter counts hires, proposals or money, so none is negative.
INT_RANGE = {"rangeStart": IntSpec(minimum=0), "rangeEnd": IntSpec(minimum=0)}
SEARCH_TERM = {
    "andTerms_all": [str],
    "orTerms_any": [str],
    "exactTerms_any": [str],
    "excludeTerms_any": [str],
}
PAGINATION = {"first": IntSpec(1, MAX_PAGE_SIZE), "after": str}
AREA = {
    "latitude": FloatSpec(-90, 90, expected="a number from -90 to 90"),
    "longitude": FloatSpec(-180, 180, expected="a number from -180 to 180"),
    "radius": FloatSpec(0, expected="a finite number of 0 or more (miles)"),
}

FILTER_FIELDS: dict[str, Any] = {
    "searchExpression_eq": str,
    "skillExpression_eq": str,
    "titleExpression_eq": str,
    "searchTerm_eq": SEARCH_TERM,
    "categoryIds_any": [str],
    "subcategoryIds_any": [str],
    "occupationIds_any": [str],
    "ontologySkillIds_all": [str],
    "jobType_eq": JOB_TYPES,
    "workload_eq": WORKLOADS,
    "clientHiresRange_eq": INT_RANGE,
    "budgetRange_eq": INT_RANGE,
    "hourlyRate_eq": INT_RANGE,
    "verifiedPaymentOnly_eq": bool,
    "previousClients_eq": bool,
    "experienceLevel_eq": EXPERIENCE_LEVELS,
    "locations_any": [str],
    "timezone_eq": str,
    "ptcIds_any": [str],
    "ptcOnly_eq": bool,
    "enterpriseOnly_eq": bool,
    "proposalRange_eq": INT_RANGE,
    "pagination_eq": PAGINATION,
    "area_eq": AREA,
    "preserveFacet_eq": str,
    "userLocationMatch_eq": bool,
    "visitorCountry_eq": str,
}


def clean_filter(search_filter: Mapping[str, Any] | None) -> dict[str, Any]:
    """Return a validated copy of ``search_filter`` ready to send as ``marketPlaceJobFilter``.

    ``pagination_eq.after`` is sent as a string offset (Upwork fails on anything else), and
    ``"0"`` is filled in when only ``first`` is given.
    """
    if search_filter is None:
        return {}
    if not isinstance(search_filter, Mapping):
        raise InvalidInput(
            f"filter must be a dict of MarketplaceJobPostingsSearchFilter fields, "
            f"got {type(search_filter).__name__}."
        )
    cleaned = _clean_object(search_filter, FILTER_FIELDS, "filter")
    for key, spec in FILTER_FIELDS.items():
        if spec is INT_RANGE and key in cleaned:
            _check_range_order(cleaned[key], f"filter.{key}")
    pagination = cleaned.get("pagination_eq")
    if pagination is not None:
        cleaned["pagination_eq"] = _clean_pagination(pagination)
    return cleaned


def clean_sort_attributes(
    sort_attributes: Sequence[Any] | str | Mapping[str, Any] | None,
) -> list[dict[str, str]]:
    """Return sort attributes in Upwork's ``[{"field": …}]`` form; ``RECENCY`` by default.

    ``sort_attributes`` is a list or tuple whose items are field names (``"RECENCY"``) or
    dicts with a ``field`` key. A single name or dict is taken as a list of one.
    """
    if sort_attributes is None:
        return [{"field": name} for name in DEFAULT_SORT]
    if isinstance(sort_attributes, (str, Mapping)):
        sort_attributes = [sort_attributes]
    if not isinstance(sort_attributes, (list, tuple)):
        raise InvalidInput(
            f'sort_attributes must be a list such as ["RECENCY"], got {sort_attributes!r}. '
            f"Use field names from: {', '.join(SORT_FIELDS)}."
        )
    result = []
    for item in sort_attributes:
        if isinstance(item, Mapping):
            extra = set(item) - {"field"}
            if extra:
                raise InvalidInput(
                    f"sort attribute {dict(item)!r} has unknown keys {sorted(extra)}; Upwork's "
                    "sort attributes have only 'field' and no direction."
                )
            name = item.get("field")
            if name is None:
                raise InvalidInput(
                    f"sort attribute {dict(item)!r} has no 'field'. Pass a dict such as "
                    '{"field": "RECENCY"} or a field name alone.'
                )
        else:
            name = item
        if name not in SORT_FIELDS:
            raise InvalidInput(
                f"Unknown sort field {name!r}. Use one of: {', '.join(SORT_FIELDS)}."
            )
        result.append({"field": str(name)})
    if not result:
        raise InvalidInput(
            f"sort_attributes is empty. Pass None for the default {DEFAULT_SORT[0]}, or one of: "
            f"{', '.join(SORT_FIELDS)}."
        )
    return result


def _check_range_order(int_range: dict[str, int], path: str) -> None:
    start, end = int_range.get("rangeStart"), int_range.get("rangeEnd")
    if start is not None and end is not None and start > end:
        raise InvalidInput(
            f"{path}.rangeStart {start} is above rangeEnd {end}, so nothing can match. "
            "Swap them, or give only one bound."
        )


def _clean_pagination(pagination: dict[str, Any]) -> dict[str, Any]:
    first = pagination.get("first")
    if first is None:
        raise InvalidInput(
            f"filter.pagination_eq needs 'first' (1 to {MAX_PAGE_SIZE}), got {pagination!r}."
        )
    if not 1 <= first <= MAX_PAGE_SIZE:
        raise InvalidInput(
            f"filter.pagination_eq.first must be from 1 to {MAX_PAGE_SIZE}, got {first}."
        )
    after = pagination.get("after", "0")
    # ASCII digits only: str.isdigit() also passes "²" and "١٢", which int() rejects or
    # reads, and the length check keeps int() from parsing thousands of digits.
    # NOTE: Upwork documents no maximum offset; 2**31 - 1 matches its Int fields.
    text = str(after)
    digits = text.lstrip("0") or "0"
    if not (
        text.isascii()
        and text.isdigit()
        and len(digits) <= len(str(GRAPHQL_INT_MAX))
        and int(digits) <= GRAPHQL_INT_MAX
    ):
        raise InvalidInput(
            f"filter.pagination_eq.after must be a numeric offset from 0 to {GRAPHQL_INT_MAX}, "
            f"such as '0' or '50', got {after!r}."
        )
    return {"first": first, "after": digits}


def _clean_object(value: Mapping[str, Any], spec: dict[str, Any], path: str) -> dict[str, Any]:
    cleaned = {}
    for key, item in value.items():
        if key not in spec:
            suggestion = difflib.get_close_matches(str(key), spec, n=1)
            hint = f" Did you mean {suggestion[0]!r}?" if suggestion else ""
            raise InvalidInput(
                f"Unknown key {key!r} in {path}.{hint} Valid keys: {', '.join(spec)}."
            )
        if item is None:
            continue
        cleaned[key] = _clean_value(item, spec[key], f"{path}.{key}")
    return cleaned


def _clean_value(value: Any, spec: Any, path: str) -> Any:
    if isinstance(spec, dict):
        if not isinstance(value, Mapping):
            raise InvalidInput(
                f"{path} must be an object with keys {', '.join(spec)}, got {value!r}."
            )
        return _clean_object(value, spec, path)
    if isinstance(spec, list):
        # A string, bytes or a dict iterates as characters or keys, which is never what the
        # caller meant, so only other iterables pass.
        if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
            raise InvalidInput(f"{path} must be a list, got {value!r}.")
        return [_clean_value(item, spec[0], f"{path}[{index}]") for index, item in enumerate(value)]
    if isinstance(spec, tuple):
        if value not in spec:
            raise InvalidInput(f"{path} must be one of {', '.join(spec)}, got {value!r}.")
        return value
    if spec is bool:
        if not isinstance(value, bool):
            raise InvalidInput(f"{path} must be true or false, got {value!r}.")
        return value
    if isinstance(spec, IntSpec):
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not spec.minimum <= value <= spec.maximum
        ):
            raise InvalidInput(
                f"{path} must be a whole number from {spec.minimum} to {spec.maximum}, "
                f"got {value!r}."
            )
        return value
    if isinstance(spec, FloatSpec):
        # The comparison is False for NaN, so NaN fails it as infinity does.
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not spec.minimum <= value <= spec.maximum
        ):
            raise InvalidInput(f"{path} must be {spec.expected}, got {value!r}.")
        return value
    if spec is str:
        if isinstance(value, int) and not isinstance(value, bool) and path.endswith(".after"):
            return str(value)
        if not isinstance(value, str):
            raise InvalidInput(f"{path} must be a string, got {value!r}.")
        return value
    raise AssertionError(f"unhandled spec {spec!r}")  # pragma: no cover
