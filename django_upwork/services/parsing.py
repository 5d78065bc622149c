"""Turn Upwork's GraphQL nodes into ``JobPosting`` field values.

Two shapes arrive: the search node (``MarketplaceJobPostingSearchResult``) and the detail
node (``MarketplaceJobPosting``). Upwork's data is loose, so parsing accepts date-times with
``Z`` or ``+0000``, money as strings or bare numbers, and missing optional parts. A node
without a numeric id or a title is invalid and raises :class:`InvalidNode`.
"""

from __future__ import annotations

import re
from datetime import datetime
from datetime import timezone as dt_timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from django_upwork.models import ExperienceLevel, JobType

NUMERIC_ID = re.compile(r"^\d{1,32}$")
_OFFSET_WITHOUT_COLON = re.compile(r"([+-]\d{2})(\d{2})$")
_EXPERIENCE_LEVELS = set(ExperienceLevel.values)
MAX_MONEY = Decimal(10) ** 14


class InvalidNode(ValueError):
    """A node lacks what a cached row needs."""


def search_node_fields(node: Any) -> dict[str, Any]:
    """Return model field values for a search node."""
    if not isinstance(node, dict):
        raise InvalidNode(f"node is {type(node).__name__}, not an object")
    upwork_id = _require_id(node)
    title = node.get("title")
    if not isinstance(title, str) or not title.strip():
        raise InvalidNode(f"node {upwork_id} has no title")

    amount = _money(node.get("amount"))
    hourly_min = _money(node.get("hourlyBudgetMin"))
    hourly_max = _money(node.get("hourlyBudgetMax"))
    # A search node has no contract type: a positive fixed amount means fixed price.
    is_fixed = amount is not None and amount > 0
    skills = [
        str(skill.get("prettyName") or skill.get("name"))
        for skill in node.get("skills") or []
        if isinstance(skill, dict) and (skill.get("prettyName") or skill.get("name"))
    ]
    client = node.get("client") or {}
    location = client.get("location") or {}
    return {
        "upwork_id": upwork_id,
        "ciphertext": str(node.get("ciphertext") or ""),
        "title": title.strip(),
        "description": str(node.get("description") or ""),
        "job_type": JobType.FIXED if is_fixed else JobType.HOURLY,
        "experience_level": _experience_level(node.get("experienceLevel")),
        "duration": str(node.get("duration") or ""),
        "duration_label": str(node.get("durationLabel") or ""),
        "engagement": str(node.get("engagement") or ""),
        "budget_amount": amount if is_fixed else None,
        "hourly_min": None if is_fixed else hourly_min,
        "hourly_max": None if is_fixed else hourly_max,
        "currency": _currency(node.get("amount"), node.get("hourlyBudgetMin")),
        "skills": skills,
        "skills_text": ", ".join(skills),
        "category": str(node.get("category") or ""),
        "subcategory": str(node.get("subcategory") or ""),
        "client_country": str(location.get("country") or ""),
        "client_total_spent": _money(client.get("totalSpent")),
        "client_rating": _float(client.get("totalFeedback")),
        "total_applicants": _int(node.get("totalApplicants")),
        "created_at": parse_upwork_datetime(node.get("createdDateTime")),
        "published_at": parse_upwork_datetime(node.get("publishedDateTime")),
        "raw": node,
    }


def detail_node_fields(node: Any) -> dict[str, Any]:
    """Return model field values for a ``marketplaceJobPosting`` detail node.

    The detail node has no ciphertext, skills, dates or client statistics, so the values
    leave those columns out.
    """
    if not isinstance(node, dict):
        raise InvalidNode(f"node is {type(node).__name__}, not an object")
    upwork_id = _require_id(node)
    content = node.get("content") or {}
    title = content.get("title")
    if not isinstance(title, str) or not title.strip():
        raise InvalidNode(f"node {upwork_id} has no title")
    terms = node.get("contractTerms") or {}
    fixed = terms.get("fixedPriceContractTerms") or {}
    hourly = terms.get("hourlyContractTerms") or {}
    classification = node.get("classification") or {}
    company = node.get("clientCompanyPublic") or {}
    is_fixed = terms.get("contractType") == JobType.FIXED
    duration = (fixed if is_fixed else hourly).get("engagementDuration") or {}
    return {
        "upwork_id": upwork_id,
        "title": title.strip(),
        "description": str(content.get("description") or ""),
        "job_type": JobType.FIXED if is_fixed else JobType.HOURLY,
        "experience_level": _experience_level(terms.get("experienceLevel")),
        "duration_label": str(duration.get("label") or ""),
        "engagement": str(hourly.get("engagementType") or ""),
        "budget_amount": _money(fixed.get("amount")) if is_fixed else None,
        "hourly_min": None if is_fixed else _decimal(hourly.get("hourlyBudgetMin")),
        "hourly_max": None if is_fixed else _decimal(hourly.get("hourlyBudgetMax")),
        "currency": _currency(fixed.get("amount")) or "USD",
        "category": str((classification.get("category") or {}).get("preferredLabel") or ""),
        "subcategory": str((classification.get("subCategory") or {}).get("preferredLabel") or ""),
        "client_country": str((company.get("country") or {}).get("name") or ""),
        "raw": node,
    }


def parse_upwork_datetime(value: Any) -> datetime | None:
    """Parse ``2026-01-15T10:04:05.000Z`` or ``…+0000`` forms; ``None`` if unreadable.

    The result is aware when ``USE_TZ`` is on. When it is off, it is naive local time in
    ``TIME_ZONE``, as Django stores date-times then.
    """
    if not isinstance(value, str) or not value:
        return None
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    text = _OFFSET_WITHOUT_COLON.sub(r"\1:\2", text)
    try:
        parsed = parse_datetime(text)
    except ValueError:
        return None
    if parsed is None:
        return None
    try:
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed, dt_timezone.utc)
        if not settings.USE_TZ:
            parsed = timezone.make_naive(parsed, timezone.get_default_timezone())
    except OverflowError:
        # A date at the edge of year 1 or 9999 has no local time in some time zones.
        return None
    return parsed


def _require_id(node: dict[str, Any]) -> str:
    upwork_id = str(node.get("id") or "")
    if not NUMERIC_ID.match(upwork_id):
        raise InvalidNode(f"node id {node.get('id')!r} is not a numeric Upwork id")
    return upwork_id


def _experience_level(value: Any) -> str:
    return value if value in _EXPERIENCE_LEVELS else ""


def _money(value: Any) -> Decimal | None:
    if isinstance(value, dict):
        value = value.get("rawValue")
        if value is None:
            return None
    return _decimal(value)


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).replace(",", "").lstrip("$"))
    except InvalidOperation:
        return None
    # Every money column has 16 digits, 2 after the point; a larger value is bad data.
    if not number.is_finite() or abs(number) >= MAX_MONEY:
        return None
    return number.quantize(Decimal("0.01"))


def _currency(*values: Any) -> str:
    for value in values:
        if isinstance(value, dict) and isinstance(value.get("currency"), str):
            return str(value["currency"])[:3]
    return ""


def _float(value: Any) -> float | None:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _int(value: Any) -> int | None:
    try:
        number = int(value) if value is not None else None
    except (TypeError, ValueError):
        return None
    return number if number is None or number >= 0 else None
