"""Job postings that the emulator serves, shaped as Upwork search nodes.

The default corpus is generated from a seeded `random.Random`, so every run serves the same
postings (only their timestamps move with the wall clock). A JSON Lines file of search nodes can
be loaded instead. Either way the timestamps are shifted at start-up so that the newest posting
is a few minutes old and the order is kept.
"""

from __future__ import annotations

import json
import os
import random
import re
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from . import taxonomy

Posting = dict[str, Any]

DEFAULT_COUNT = 3000
DEFAULT_SEED = 20240611
# Age of the newest posting after the timestamps are shifted to the present.
NEWEST_POSTING_AGE = timedelta(minutes=3)
# Mean gap between two consecutive generated postings, so 3,000 postings span about two weeks.
_MEAN_GAP_SECONDS = 400.0
# Generated postings are laid out backwards from this instant, then shifted to the present.
_GENERATION_EPOCH = datetime(2025, 6, 2, 12, 0, tzinfo=timezone.utc)

_DURATIONS = (
    ("MONTH", "Less than 1 month", 4),
    ("QUARTER", "1 to 3 months", 12),
    ("SEMESTER", "3 to 6 months", 26),
    ("ONGOING", "More than 6 months", 52),
)
_ENGAGEMENTS = ("30+ hrs/week", "Less than 30 hrs/week", "Hours to be determined")
_US_STATES = {
    "New York": "NY",
    "San Francisco": "CA",
    "Austin": "TX",
    "Chicago": "IL",
    "Miami": "FL",
    "Seattle": "WA",
}
# Hourly ranges in USD by experience level: (lowest minimum, highest minimum, widest spread).
_HOURLY_RANGES = {
    "ENTRY_LEVEL": (5, 20, 15),
    "INTERMEDIATE": (15, 45, 35),
    "EXPERT": (35, 100, 80),
}
_FIXED_BUDGETS = (
    (5, 1),
    (25, 3),
    (50, 6),
    (100, 10),
    (150, 8),
    (200, 9),
    (250, 7),
    (300, 7),
    (400, 5),
    (500, 9),
    (750, 5),
    (1000, 7),
    (1500, 5),
    (2000, 4),
    (3000, 3),
    (5000, 3),
    (10000, 1),
    (25000, 1),
)

_TIMESTAMP_FIELDS = ("createdDateTime", "publishedDateTime", "renewedDateTime")
_OFFSET_WITHOUT_COLON = re.compile(r"([+-])(\d{2})(\d{2})$")
_FRACTION = re.compile(r"\.(\d+)")


# ---------------------------------------------------------------------------------------------
# Timestamps
# ---------------------------------------------------------------------------------------------


def parse_datetime(value: str) -> datetime:
    """Parse an Upwork date-time such as `2026-01-15T10:04:05.000Z` or `...05.000+0000`.

    Raises ValueError for any other form. The result is always timezone-aware.
    """
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    text = _OFFSET_WITHOUT_COLON.sub(r"\1\2:\3", text)
    # Python 3.10 accepts only 3 or 6 fractional digits.
    text = _FRACTION.sub(lambda match: "." + match.group(1)[:6].ljust(6, "0"), text, count=1)
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        raise ValueError(f"date-time {value!r} has no UTC offset")
    return parsed


def format_datetime(moment: datetime, like: str | None = None) -> str:
    """Format `moment` in UTC with milliseconds, ending in `Z` or, if `like` does, in `+0000`."""
    utc = moment.astimezone(timezone.utc)
    text = utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}"
    if like is not None and not like.endswith("Z"):
        return text + "+0000"
    return text + "Z"


def shift_to_present(postings: list[Posting], now: datetime | None = None) -> None:
    """Move every timestamp by one offset so the newest posting is a few minutes old.

    Changes `postings` in place and keeps each value's `Z` or `+0000` suffix.
    """
    if not postings:
        return
    now = now or datetime.now(timezone.utc)
    newest = max(parse_datetime(posting["publishedDateTime"]) for posting in postings)
    delta = (now - NEWEST_POSTING_AGE) - newest
    for posting in postings:
        for field in _TIMESTAMP_FIELDS:
            value = posting.get(field)
            if not value:
                continue
            try:
                posting[field] = format_datetime(parse_datetime(value) + delta, like=value)
            except OverflowError:
                raise ValueError(
                    f"posting {posting.get('id')}: {field} {value!r} leaves the years 1 to 9999 "
                    f"when every date moves by {delta.days} days so that the newest posting is "
                    "recent; check the corpus for a date far from the others"
                ) from None


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------


def load_postings(path: str | os.PathLike[str]) -> list[Posting]:
    """Read search nodes from a JSON Lines file, one object a line, blank lines skipped.

    Raises ValueError naming the line when a line is not a JSON object with `id` and
    `publishedDateTime`.
    """
    postings: list[Posting] = []
    with Path(path).open(encoding="utf-8") as stream:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                posting = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f"{path}:{number}: invalid JSON: {error}") from error
            if not isinstance(posting, dict) or "id" not in posting:
                raise ValueError(f"{path}:{number}: expected a search node object with an 'id'")
            if not posting.get("publishedDateTime"):
                raise ValueError(f"{path}:{number}: posting has no 'publishedDateTime'")
            posting["id"] = str(posting["id"])
            postings.append(posting)
    return postings


# ---------------------------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------------------------


def money(value: float, bare_display: bool = False) -> dict[str, str]:
    """Build a USD `Money` value; `bare_display` writes displayValue as a bare number."""
    display = str(float(value)) if bare_display else f"${value:,.2f}"
    return {"rawValue": str(float(value)), "currency": "USD", "displayValue": display}


def generate_postings(count: int = DEFAULT_COUNT, seed: int = DEFAULT_SEED) -> list[Posting]:
    """Generate `count` search nodes, newest first, the same ones for the same seed.

    Timestamps are laid out backwards from a fixed instant in the past; call
    `shift_to_present` to move them to now.
    """
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    generator = _PostingGenerator(rng)
    return [generator.posting(index) for index in range(count)]


class _PostingGenerator:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.moment = _GENERATION_EPOCH
        self.next_id = 1_934_000_000_000_000_000 + rng.randrange(10**15)
        self.category_weights = [category.weight for category in taxonomy.CATEGORIES]
        self.country_weights = [country.weight for country in taxonomy.COUNTRIES]

    def posting(self, index: int) -> Posting:
        rng = self.rng
        if index:
            self.moment -= timedelta(seconds=rng.expovariate(1.0 / _MEAN_GAP_SECONDS))
            self.next_id -= rng.randrange(10**12, 5 * 10**12)
        job_id = str(self.next_id)

        category = rng.choices(taxonomy.CATEGORIES, weights=self.category_weights)[0]
        subcategory = rng.choice(category.subcategories)
        skills = self._skills(subcategory)
        role = rng.choice(subcategory.roles)
        project = rng.choice(subcategory.projects)
        experience = rng.choices(("ENTRY_LEVEL", "INTERMEDIATE", "EXPERT"), (10, 50, 40))[0]
        is_fixed = rng.random() < 0.42
        # A few live records write +0000 offsets and bare-number display values.
        plus_offset = rng.random() < 0.05
        bare_display = rng.random() < 0.03

        duration_weights = (55, 35, 6, 4) if is_fixed else (20, 50, 14, 16)
        duration, duration_label, weeks = rng.choices(_DURATIONS, duration_weights)[0]
        published = self.moment
        created = published - timedelta(seconds=rng.uniform(0.05, 0.6))
        if rng.random() < 0.05:
            created -= timedelta(hours=rng.uniform(1, 48))
        renewed = None
        if rng.random() < 0.02:
            renewed = published + timedelta(hours=rng.uniform(1, 24))

        posting: Posting = {
            "id": job_id,
            "ciphertext": "~02" + job_id,
            "title": self._title(skills, role, project),
            "description": self._description(skills, role, project),
            "createdDateTime": self._timestamp(created, plus_offset),
            "publishedDateTime": self._timestamp(published, plus_offset),
            "renewedDateTime": self._timestamp(renewed, plus_offset) if renewed else None,
            "duration": duration,
            "durationLabel": duration_label,
            "engagement": None,
            "experienceLevel": experience,
            "category": category.slug if rng.random() < 0.02 else category.label,
            "subcategory": subcategory.label,
            "totalApplicants": min(int(rng.expovariate(1 / 14)), 100),
            "applied": False,
            "premium": rng.random() < 0.01,
            "enterprise": rng.random() < 0.03,
            "freelancersToHire": 1 if rng.random() < 0.93 else rng.randint(2, 5),
            "hourlyBudgetType": "NOT_PROVIDED",
            "amount": money(0.0, bare_display),
            "hourlyBudgetMin": None,
            "hourlyBudgetMax": None,
            "weeklyBudget": None,
            "engagementDuration": None,
            "skills": [
                {"name": name, "prettyName": pretty, "highlighted": position == 0}
                for position, (name, pretty) in enumerate(skills)
            ],
            "occupations": {
                "category": {"id": category.id, "prefLabel": category.label},
                "subCategories": [{"id": subcategory.id, "prefLabel": subcategory.label}],
            },
            "client": self._client(),
        }
        if is_fixed:
            budget = rng.choices(*zip(*_FIXED_BUDGETS, strict=True))[0]
            if experience == "EXPERT" and rng.random() < 0.5:
                budget *= 2
            posting["amount"] = money(float(budget), bare_display)
        else:
            posting["engagement"] = rng.choices(_ENGAGEMENTS, (32, 55, 13))[0]
            posting["engagementDuration"] = {
                "id": f"engagement-duration-{weeks}w",
                "label": duration_label,
                "weeks": weeks,
            }
            # About a third of hourly postings give no rate, as on the live site.
            if rng.random() < 0.7:
                low, high, spread = _HOURLY_RANGES[experience]
                minimum = rng.randint(low, high)
                maximum = minimum + rng.randint(5, spread)
                posting["hourlyBudgetType"] = "MANUAL"
                posting["hourlyBudgetMin"] = money(float(minimum), bare_display)
                posting["hourlyBudgetMax"] = money(float(maximum), bare_display)
        return posting

    def _timestamp(self, moment: datetime, plus_offset: bool) -> str:
        return format_datetime(moment, like="+0000" if plus_offset else None)

    def _skills(self, subcategory: taxonomy.Subcategory) -> list[tuple[str, str]]:
        rng = self.rng
        pool = list(subcategory.skills)
        count = min(len(pool), max(1, int(rng.gauss(7, 3))))
        # The first two skills of a subcategory are the most common, so favour them.
        head = pool[:2] if rng.random() < 0.7 else []
        rest = [skill for skill in pool if skill not in head]
        chosen = head + rng.sample(rest, max(0, count - len(head)))
        return chosen[:count]

    def _title(self, skills: list[tuple[str, str]], role: str, project: str) -> str:
        rng = self.rng
        template = rng.choice(taxonomy.TITLE_TEMPLATES)
        first = skills[0][1]
        second = skills[1][1] if len(skills) > 1 else first
        title = template.format(
            Skill=first,
            Skill2=second,
            role=role,
            project=project,
            a_role=with_article(role),
            a_project=with_article(project),
            Seniority=rng.choice(taxonomy.SENIORITY),
        )
        return title[0].upper() + title[1:]

    def _description(self, skills: list[tuple[str, str]], role: str, project: str) -> str:
        rng = self.rng
        industry = rng.choice(taxonomy.INDUSTRIES)
        names = [pretty for _, pretty in skills]

        def fill(template: str) -> str:
            return template.format(
                role=role,
                project=project,
                industry=industry,
                a_role=with_article(role),
                a_project=with_article(project),
                a_industry=with_article(industry),
                skill=rng.choice(names),
                skill2=rng.choice(names),
            )

        middle = rng.sample(taxonomy.DESCRIPTION_MIDDLES, rng.randint(1, 3))
        paragraphs = [
            fill(rng.choice(taxonomy.DESCRIPTION_OPENINGS)),
            " ".join(fill(sentence) for sentence in middle),
            "Skills: " + ", ".join(names) + ".",
            fill(rng.choice(taxonomy.DESCRIPTION_CLOSINGS)),
        ]
        return "\n\n".join(paragraphs)

    def _client(self) -> dict[str, Any]:
        rng = self.rng
        country = rng.choices(taxonomy.COUNTRIES, weights=self.country_weights)[0]
        posted = max(1, int(rng.expovariate(1 / 25)))
        hires = rng.randint(0, posted)
        reviews = rng.randint(0, hires)
        feedback = round(rng.uniform(3.6, 5.0), 2) if reviews else 0.0
        spent = round(min(rng.lognormvariate(8.3, 1.6), 2_500_000), 2) if hires else 0.0
        verified = rng.random() < 0.9 or (hires > 0 and rng.random() < 0.5)
        city = rng.choice(country.cities) if rng.random() < 0.6 else None
        uses_code = rng.randrange(100) < country.code_percent
        return {
            "totalHires": hires,
            "totalPostedJobs": posted,
            "totalReviews": reviews,
            "totalFeedback": feedback,
            "verificationStatus": "VERIFIED" if verified else None,
            "totalSpent": money(spent),
            "location": {
                "city": city,
                "country": country.iso3 if uses_code else country.name,
                "state": _US_STATES.get(city) if city and country.iso2 == "US" else None,
                "timezone": country.timezone,
                "offsetToUTC": country.offset,
            },
        }


def with_article(noun_phrase: str) -> str:
    """Prefix `noun_phrase` with "a" or "an" by its first letter (no exceptions for sounds)."""
    article = "an" if noun_phrase[:1].lower() in "aeiou" else "a"
    return f"{article} {noun_phrase}"


def sort_newest_first(postings: Iterable[Posting]) -> list[Posting]:
    """Return the postings ordered by publishedDateTime, newest first, ties by id descending."""
    return sorted(
        postings,
        key=lambda posting: (parse_datetime(posting["publishedDateTime"]), id_number(posting)),
        reverse=True,
    )


def id_number(posting: Posting) -> int:
    """Return the posting's numeric id as an int, or -1 when the id is not a number."""
    job_id = str(posting.get("id", ""))
    return int(job_id) if job_id.isdigit() else -1


def money_value(value: Any) -> float | None:
    """Return `Money.rawValue` as a float, or None when it is missing or not a number."""
    raw = value.get("rawValue") if isinstance(value, Mapping) else None
    if raw is None:
        return None
    try:
        return float(raw)
    except (TypeError, ValueError):
        return None
