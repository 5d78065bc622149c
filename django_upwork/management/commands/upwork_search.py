"""``manage.py upwork_search``: search Upwork's job postings and cache the results."""

from __future__ import annotations

import json
import shutil
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder

from django_upwork import services
from django_upwork.exceptions import (
    InvalidInput,
    NotConnected,
    UpworkConfigurationError,
    UpworkError,
)
from django_upwork.management.times import in_utc
from django_upwork.services.filters import (
    EXPERIENCE_LEVELS,
    JOB_TYPES,
    MAX_PAGE_SIZE,
    SORT_FIELDS,
)

if TYPE_CHECKING:
    from django_upwork.models import JobPosting

# 100 pages of 50 are 5,000 postings, where Upwork's earlier job search stopped returning results.
MAX_PAGES = 100
TITLE_MIN_WIDTH = 20


class Command(BaseCommand):
    help = (
        "Search Upwork's job postings with the connected account, cache the results for at "
        "most UPWORK_CACHE_MAX_AGE, and print them as a table or as JSON. Each page is one "
        "request to Upwork."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "query",
            nargs="+",
            help="Keywords to search for, joined with spaces and sent as searchExpression_eq.",
        )
        parser.add_argument(
            "--job-type",
            choices=JOB_TYPES,
            help="Only hourly or only fixed-price postings (default: both).",
        )
        parser.add_argument(
            "--experience-level",
            choices=EXPERIENCE_LEVELS,
            help="Only postings asking for this experience level (default: any).",
        )
        parser.add_argument(
            "--sort",
            choices=SORT_FIELDS,
            default="RECENCY",
            help="Order of the results (default: RECENCY, newest first).",
        )
        parser.add_argument(
            "--pages",
            type=int,
            default=1,
            metavar="N",
            help=f"Number of pages to fetch, from 1 to {MAX_PAGES}. Each page is one request "
            "(default: 1).",
        )
        parser.add_argument(
            "--page-size",
            type=int,
            default=MAX_PAGE_SIZE,
            metavar="N",
            help=f"Postings per page, from 1 to {MAX_PAGE_SIZE} (default: {MAX_PAGE_SIZE}).",
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help="Print one JSON object with the total count and the postings instead of a table.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        pages = options["pages"]
        if not 1 <= pages <= MAX_PAGES:
            raise CommandError(f"--pages must be from 1 to {MAX_PAGES}, got {pages}.")
        page_size = options["page_size"]
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise CommandError(f"--page-size must be from 1 to {MAX_PAGE_SIZE}, got {page_size}.")
        query = " ".join(options["query"]).strip()
        if not query:
            raise CommandError("The search query is empty. Pass one or more keywords.")

        search_filter: dict[str, Any] = {"searchExpression_eq": query}
        if options["job_type"]:
            search_filter["jobType_eq"] = options["job_type"]
        if options["experience_level"]:
            search_filter["experienceLevel_eq"] = options["experience_level"]

        try:
            total_count, postings = self.fetch_pages(
                search_filter, options["sort"], pages, page_size
            )
        except NotConnected as err:
            raise CommandError(
                "No Upwork account is connected. A staff user must open the "
                "django_upwork:authorize view (/upwork/connect/ with the default URLs) first."
            ) from err
        except (InvalidInput, ImproperlyConfigured) as err:
            raise CommandError(str(err)) from err
        except UpworkError as err:
            raise CommandError(f"The search failed: {err}") from err

        try:
            if options["json"]:
                self.write_json(query, total_count, postings)
            else:
                self.write_table(total_count, postings)
        except UpworkConfigurationError as err:  # such as UPWORK_JOB_URL_PREFIX for the URLs
            raise CommandError(str(err)) from err

    def fetch_pages(
        self, search_filter: dict[str, Any], sort: str, pages: int, page_size: int
    ) -> tuple[int, list[JobPosting]]:
        """Fetch up to ``pages`` pages and return Upwork's total count and the postings."""
        show_progress = self.stderr.isatty()
        postings: dict[str, JobPosting] = {}
        total_count = 0
        search_pages = services.iter_search_pages(
            search_filter, [sort], max_pages=pages, page_size=page_size
        )
        for page_number, page in enumerate(search_pages, start=1):
            total_count = page.total_count
            for posting in page.postings:
                postings.setdefault(posting.upwork_id, posting)
            if show_progress:
                self.stderr.write(
                    f"Page {page_number} of at most {pages}: {len(page.postings)} postings "
                    f"({len(postings)} so far, {total_count} matching on Upwork)."
                )
            if page.skipped:
                self.stderr.write(
                    f"Skipped {page.skipped} results on page {page_number} that lacked an id "
                    "or a title."
                )
        return total_count, list(postings.values())

    def write_json(self, query: str, total_count: int, postings: list[JobPosting]) -> None:
        document = {
            "query": query,
            "total_count": total_count,
            "postings": [posting_as_dict(posting) for posting in postings],
        }
        self.stdout.write(json.dumps(document, cls=DjangoJSONEncoder, indent=2))

    def write_table(self, total_count: int, postings: list[JobPosting]) -> None:
        if not postings:
            self.stdout.write("No job postings matched.")
            return
        rows = [
            (
                posting.upwork_id,
                in_utc(posting.published_at).strftime("%Y-%m-%d %H:%M")
                if posting.published_at
                else "",
                posting.job_type,
                posting.budget_display or "-",
                posting.experience_level or "-",
                posting.title,
            )
            for posting in postings
        ]
        headers = ("ID", "PUBLISHED (UTC)", "TYPE", "BUDGET", "LEVEL", "TITLE")
        widths = [max(len(headers[i]), *(len(row[i]) for row in rows)) for i in range(5)]
        terminal_width = shutil.get_terminal_size((120, 24)).columns
        title_width = max(terminal_width - sum(widths) - 2 * len(widths), TITLE_MIN_WIDTH)

        def format_row(row: tuple[str, ...]) -> str:
            cells = [row[i].ljust(widths[i]) for i in range(5)]
            return "  ".join([*cells, truncate(row[5], title_width)])

        self.stdout.write(format_row(headers))
        for row in rows:
            self.stdout.write(format_row(row))
        self.stdout.write(
            f"\n{len(postings)} postings shown and cached, of {total_count} matching on Upwork."
        )


def posting_as_dict(posting: JobPosting) -> dict[str, Any]:
    """Return the fields of a cached posting that the JSON output carries."""
    return {
        "upwork_id": posting.upwork_id,
        "ciphertext": posting.ciphertext,
        "url": posting.url,
        "title": posting.title,
        "job_type": posting.job_type,
        "experience_level": posting.experience_level,
        "budget_amount": posting.budget_amount,
        "hourly_min": posting.hourly_min,
        "hourly_max": posting.hourly_max,
        "currency": posting.currency,
        "skills": posting.skills,
        "category": posting.category,
        "subcategory": posting.subcategory,
        "client_country": posting.client_country,
        "total_applicants": posting.total_applicants,
        "published_at": in_utc(posting.published_at) if posting.published_at else None,
        "cached_at": in_utc(posting.cached_at),
    }


def truncate(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
