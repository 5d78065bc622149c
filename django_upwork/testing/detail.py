"""The `MarketplaceJobPosting` detail shape, derived from a stored search node.

A search node carries no contract type: `amount.rawValue > 0` means a fixed-price job, anything
else an hourly job. Values the search node does not hold (screening questions, qualification
settings, the client's organization id) are derived from the job id, so they are stable.
"""

from __future__ import annotations

import re
from typing import Any

from . import taxonomy
from .corpus import Posting, money, money_value

_ENGAGEMENT_TYPES = {
    "30+ hrs/week": "FULL_TIME",
    "Less than 30 hrs/week": "PART_TIME",
    "Hours to be determined": "NOT_SURE",
}
_DETAIL_EXPERIENCE_LEVELS = {"ENTRY_LEVEL", "INTERMEDIATE", "EXPERT"}
_DURATION_WEEKS = {"WEEK": 1, "MONTH": 4, "QUARTER": 12, "SEMESTER": 26, "ONGOING": 52}
_NUMERIC_ID = re.compile(r"\d+")


class OpeningNotFound(Exception):
    """No posting has the requested id; Upwork's message names the id it was given."""

    def __init__(self, job_id: str) -> None:
        self.job_id = job_id
        super().__init__(f"'openingsV2DS',  'getOpening',  'Opening not found for uid='{job_id}''")


def is_numeric_id(job_id: str) -> bool:
    return _NUMERIC_ID.fullmatch(job_id) is not None


def build_job_posting(node: Posting) -> dict[str, Any]:
    """Build the `marketplaceJobPosting` result for one search node."""
    job_number = int(node["id"]) if is_numeric_id(str(node["id"])) else 0
    amount = money_value(node.get("amount")) or 0.0
    is_fixed = amount > 0
    occupations = node.get("occupations") or {}
    category = occupations.get("category") or {}
    subcategories = occupations.get("subCategories") or [{}]
    client = node.get("client") or {}
    skills = [
        {"id": None, "name": skill.get("name"), "prettyName": skill.get("prettyName")}
        for skill in node.get("skills") or []
        if skill
    ]
    experience = node.get("experienceLevel")
    organization_id = str(10**17 + job_number % 10**17)
    return {
        "id": str(node["id"]),
        "workFlowState": {"status": "ACTIVE", "closeResult": None},
        "annotations": {"tags": [], "customFields": []},
        "activityStat": _activity(node, job_number, is_fixed, amount),
        "content": {"title": node.get("title"), "description": node.get("description")},
        "attachments": [],
        "classification": {
            "category": {"id": category.get("id"), "preferredLabel": category.get("prefLabel")},
            "subCategory": {
                "id": subcategories[0].get("id"),
                "preferredLabel": subcategories[0].get("prefLabel"),
            },
            "skills": skills,
            "additionalSkills": [],
        },
        "contractTerms": {
            "contractStartDate": None,
            "contractEndDate": None,
            "contractType": "FIXED" if is_fixed else "HOURLY",
            "onSiteType": None,
            "personsToHire": node.get("freelancersToHire") or 1,
            "experienceLevel": experience if experience in _DETAIL_EXPERIENCE_LEVELS else None,
            "fixedPriceContractTerms": _fixed_terms(node) if is_fixed else None,
            "hourlyContractTerms": None if is_fixed else _hourly_terms(node),
            "notSurePersonsToHire": False,
            "notSureExperiencelevel": experience not in _DETAIL_EXPERIENCE_LEVELS,
        },
        "contractorSelection": {
            "proposalRequirement": {
                "coverLetterRequired": job_number % 4 != 0,
                "freelancerMilestonesAllowed": is_fixed,
                "screeningQuestions": [
                    {"question": question, "sequenceNumber": position}
                    for position, question in enumerate(
                        taxonomy.SCREENING_QUESTIONS[: job_number % 3], start=1
                    )
                ],
            },
            "qualification": {
                "contractorType": "ALL",
                "englishProficiency": "ANY",
                "hasPortfolio": False,
                "hoursWorked": 0,
                "risingTalent": job_number % 2 == 0,
                "jobSuccessScore": 0,
            },
            "location": {
                "countries": [],
                "states": [],
                "timezones": [],
                "localCheckRequired": False,
                "localMarket": False,
                "notSureLocationPreference": None,
                "localDescription": None,
                "localFlexibilityDescription": None,
            },
        },
        "additionalSearchInfo": {"highlightTitle": None},
        "clientCompanyPublic": _company(client, organization_id),
        "canClientReceiveContractProposal": True,
        "organizationIds": [organization_id],
    }


def _engagement_duration(node: Posting) -> dict[str, Any] | None:
    duration = node.get("engagementDuration")
    if duration:
        return dict(duration)
    weeks = _DURATION_WEEKS.get(node.get("duration") or "")
    if weeks is None:
        return None
    return {
        "id": f"engagement-duration-{weeks}w",
        "label": node.get("durationLabel"),
        "weeks": weeks,
    }


def _fixed_terms(node: Posting) -> dict[str, Any]:
    return {
        "amount": node.get("amount"),
        "maxAmount": None,
        "engagementDuration": _engagement_duration(node),
    }


def _hourly_terms(node: Posting) -> dict[str, Any]:
    return {
        "engagementDuration": _engagement_duration(node),
        "engagementType": _ENGAGEMENT_TYPES.get(node.get("engagement") or "", "NOT_SURE"),
        "notSureProjectDuration": not node.get("engagementDuration"),
        "hourlyBudgetType": node.get("hourlyBudgetType"),
        "hourlyBudgetMin": money_value(node.get("hourlyBudgetMin")),
        "hourlyBudgetMax": money_value(node.get("hourlyBudgetMax")),
    }


def _activity(node: Posting, job_number: int, is_fixed: bool, amount: float) -> dict[str, Any]:
    applicants = int(node.get("totalApplicants") or 0)
    if is_fixed:
        low, high = amount * 0.7, amount * 1.2
    else:
        low = money_value(node.get("hourlyBudgetMin")) or 15.0
        high = money_value(node.get("hourlyBudgetMax")) or low * 2
    has_bids = applicants > 0
    return {
        "applicationsBidStats": {
            "avgRateBid": money(round((low + high) / 2, 2)) if has_bids else None,
            "minRateBid": money(round(low, 2)) if has_bids else None,
            "maxRateBid": money(round(high, 2)) if has_bids else None,
            "avgInterviewedRateBid": None,
        },
        "jobActivity": {
            "lastClientActivity": node.get("publishedDateTime"),
            "invitesSent": job_number % 5,
            "totalInvitedToInterview": min(applicants, job_number % 3),
            "totalHired": 0,
            "totalUnansweredInvites": job_number % 2,
            "totalOffered": 0,
            "totalRecommended": None,
        },
    }


def _company(client: dict[str, Any], organization_id: str) -> dict[str, Any]:
    location = client.get("location") or {}
    country_value = location.get("country")
    country = taxonomy.find_country(country_value)
    verified = client.get("verificationStatus") == "VERIFIED"
    return {
        "id": organization_id,
        "teamsEnabled": False,
        "canHire": True,
        "hidden": False,
        "country": {
            "id": None,
            "name": country.name if country else country_value,
            "twoLetterAbbreviation": country.iso2 if country else None,
            "threeLetterAbbreviation": country.iso3 if country else None,
        },
        "state": location.get("state"),
        "city": location.get("city"),
        "timezone": location.get("timezone"),
        "accountingEntity": None,
        "paymentVerification": {
            "status": "VERIFIED" if verified else None,
            "paymentVerified": verified,
        },
    }
