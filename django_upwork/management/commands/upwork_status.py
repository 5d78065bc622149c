"""``manage.py upwork_status``: the Upwork connection, the cache and the purge schedule."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.timesince import timesince, timeuntil

from django_upwork import conf, services
from django_upwork.exceptions import UpworkConfigurationError, UpworkError
from django_upwork.management.times import in_utc
from django_upwork.services.schedule import purge_schedule_state


class Command(BaseCommand):
    help = (
        "Print the state of the Upwork connection (never a token), the access-token and "
        "refresh-token expiry, the number of cached job postings, the age of the oldest one "
        "that reads still return, and the state of the purge schedule. Sends no request to "
        "Upwork."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--json",
            action="store_true",
            help="Print one JSON object instead of text; times are ISO 8601 in UTC and ages "
            "are in seconds.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = collect_status()
        except (UpworkConfigurationError, UpworkError) as err:
            raise CommandError(str(err)) from err
        if options["json"]:
            self.stdout.write(json.dumps(report, cls=DjangoJSONEncoder, indent=2))
            return
        for label, value in describe_status(report):
            self.stdout.write(f"{label + ':':<24}{value}")


def collect_status() -> dict[str, Any]:
    """Return the connection, cache and schedule state; reads the database only."""
    now = timezone.now()
    token = services.get_connection()
    cache = services.summarize_cache()
    oldest_fresh = cache.oldest_fresh_cached_at
    return {
        "credentials_configured": conf.has_credentials(),
        "api_url": conf.api_url(),
        "status": services.get_auth_status(),
        "access_token_expires_at": in_utc(token.expires_at) if token else None,
        "refresh_token_expires_at": (
            in_utc(token.refresh_expires_at) if token and token.refresh_expires_at else None
        ),
        "needs_reauthorization": token.needs_reauthorization if token else False,
        "last_error": token.last_error if token else "",
        "scope": token.scope if token else "",
        "cached_postings": cache.total,
        "fresh_postings": cache.fresh,
        "expired_postings": cache.expired,
        "oldest_fresh_cached_at": in_utc(oldest_fresh) if oldest_fresh else None,
        "oldest_fresh_age_seconds": (
            int((now - oldest_fresh).total_seconds()) if oldest_fresh else None
        ),
        "cache_max_age_seconds": int(cache.max_age.total_seconds()),
        "purge_schedule": purge_schedule_state(),
    }


def describe_status(report: dict[str, Any]) -> list[tuple[str, str]]:
    """Return (label, text) lines for the text output of ``collect_status``."""
    now = in_utc(timezone.now())
    lines = [
        (
            "Credentials",
            "set"
            if report["credentials_configured"]
            else "UPWORK_CLIENT_ID or UPWORK_CLIENT_SECRET is not set",
        ),
        ("API URL", report["api_url"]),
        ("Connection", report["status"]),
    ]
    expires_at = report["access_token_expires_at"]
    if expires_at is not None:
        lines.append(("Access token expires", describe_moment(expires_at, now)))
        refresh_expires_at = report["refresh_token_expires_at"]
        lines.append(
            (
                "Refresh token expires",
                describe_moment(refresh_expires_at, now) if refresh_expires_at else "unknown",
            )
        )
        if report["needs_reauthorization"]:
            reason = report["last_error"] or "refresh rejected"
            lines.append(("Needs reconnection", f"yes ({reason})"))
        lines.append(("Scope", report["scope"] or "(none reported)"))

    lines.append(
        (
            "Cached postings",
            f"{report['cached_postings']} ({report['fresh_postings']} fresh, "
            f"{report['expired_postings']} past the maximum age and awaiting the purge)",
        )
    )
    oldest = report["oldest_fresh_cached_at"]
    oldest_text = f"cached {plain(timesince(oldest, now))} ago" if oldest else "none"
    lines.append(("Oldest fresh posting", oldest_text))
    max_age_hours = report["cache_max_age_seconds"] / 3600
    lines.append(("Maximum cache age", f"{max_age_hours:g} hours (UPWORK_CACHE_MAX_AGE)"))
    lines.append(("Purge schedule", report["purge_schedule"]))
    return lines


def describe_moment(moment: datetime, now: datetime) -> str:
    moment = in_utc(moment)
    stamp = moment.strftime("%Y-%m-%d %H:%M:%S %Z")
    if moment <= now:
        return f"{stamp} ({plain(timesince(moment, now))} ago)"
    return f"{stamp} (in {plain(timeuntil(moment, now))})"


def plain(duration: str) -> str:
    """Replace the no-break spaces of Django's ``timesince`` with spaces, for terminals."""
    return duration.replace("\xa0", " ")
