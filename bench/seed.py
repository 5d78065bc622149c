"""Filling the job posting table quickly with generated rows, in SQL on the server side.

Every row has a 200-character description and a small ``raw`` JSON object, about 0.5 KB in
all, so that a million rows stay within a few hundred megabytes.
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection

from django_upwork.models import JobPosting

TABLE = JobPosting._meta.db_table
COLUMNS = (
    "upwork_id, ciphertext, title, description, job_type, experience_level, duration, "
    "duration_label, engagement, currency, skills, skills_text, category, subcategory, "
    "client_country, raw, cached_at, published_at"
)

_POSTGRES_INSERT = f"""
INSERT INTO {TABLE} ({COLUMNS})
SELECT
    (%(first_id)s + g)::text, '~02' || (%(first_id)s + g)::text, 'Job ' || g, repeat('d', 200),
    'HOURLY', 'EXPERT', 'MONTH', '1 to 3 months', 'Less than 30 hrs/week', 'USD',
    '["Python", "Django"]'::jsonb, 'Python, Django', 'Web Development', 'Back-End Development',
    'United States', jsonb_build_object('id', (%(first_id)s + g)::text, 'title', 'Job ' || g),
    %(cached_at)s::timestamptz
        - ((%(count)s - g)::bigint * %(cached_spread)s / %(count)s) * interval '1 second',
    %(published_at)s::timestamptz - (%(count)s - g) * interval '1 second'
FROM generate_series(1, %(count)s) AS g
"""

# Django stores SQLite date-times as str(datetime) in UTC, 'YYYY-MM-DD HH:MM:SS' with
# '.ffffff' only when the microseconds are not zero. Text compares as text, so the whole
# seconds here must not carry '.000000'.
_SQLITE_INSERT = f"""
WITH RECURSIVE seq(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM seq WHERE g < %(count)s)
INSERT INTO {TABLE} ({COLUMNS})
SELECT
    CAST(%(first_id)s + g AS TEXT), '~02' || CAST(%(first_id)s + g AS TEXT), 'Job ' || g,
    printf('%%.200c', 'd'),
    'HOURLY', 'EXPERT', 'MONTH', '1 to 3 months', 'Less than 30 hrs/week', 'USD',
    '["Python", "Django"]', 'Python, Django', 'Web Development', 'Back-End Development',
    'United States', json_object('id', CAST(%(first_id)s + g AS TEXT), 'title', 'Job ' || g),
    strftime(
        '%%Y-%%m-%%d %%H:%%M:%%S',
        %(cached_at)s - ((%(count)s - g) * %(cached_spread)s / %(count)s),
        'unixepoch'
    ),
    strftime('%%Y-%%m-%%d %%H:%%M:%%S', %(published_at)s - (%(count)s - g), 'unixepoch')
FROM seq
"""


def insert_postings(
    count: int, cached_at: datetime, first_id: int, cached_spread_seconds: int = 3600
) -> None:
    """Insert ``count`` postings cached up to ``cached_spread_seconds`` before ``cached_at``.

    Upwork ids run from ``first_id + 1``. As on a live site, a row inserted later was cached
    and published later: cache times spread evenly over the span (in whole seconds, so many
    rows share one), and publication times fall one second apart.
    """
    if count <= 0:
        return
    params: dict[str, object] = {
        "count": count,
        "first_id": first_id,
        "cached_spread": max(cached_spread_seconds, 1),
    }
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            params["cached_at"] = cached_at
            params["published_at"] = cached_at
            cursor.execute(_POSTGRES_INSERT, params)
        else:
            params["cached_at"] = int(cached_at.timestamp())
            params["published_at"] = int(cached_at.timestamp())
            cursor.execute(_SQLITE_INSERT, params)


def empty_table() -> None:
    """Delete every posting and give the space back, so that each run starts alike."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {TABLE} RESTART IDENTITY")
        else:
            cursor.execute(f"DELETE FROM {TABLE}")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM")


def analyze() -> None:
    """Refresh the planner statistics after a bulk load."""
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {TABLE}")
