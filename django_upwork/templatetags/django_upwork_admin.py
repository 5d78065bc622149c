"""Template tags for the admin: the Upwork connection and the postings' date links."""

from __future__ import annotations

from contextlib import suppress
from datetime import date, timedelta
from typing import Any

from django import template
from django.db import models
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from django_upwork import services
from django_upwork.exceptions import UpworkConfigurationError
from django_upwork.models import earliest_datetime

register = template.Library()


@register.inclusion_tag("admin/django_upwork/connection_panel.html", takes_context=True)
def upwork_connection_panel(context: template.Context) -> dict[str, Any]:
    """Render the connection status with Connect, Reconnect and Disconnect buttons.

    Token values never reach the template; only the status and expiry times do.
    """
    connection = services.get_connection()
    request = context.get("request")
    user = getattr(request, "user", None)
    can_connect = False
    with suppress(UpworkConfigurationError):  # reported by check django_upwork.E008
        can_connect = services.user_can_connect(user)
    try:
        connect_url = reverse("django_upwork:authorize")
        disconnect_url = reverse("django_upwork:disconnect")
    except NoReverseMatch:  # the site's URLconf lacks include("django_upwork.urls")
        can_connect, connect_url, disconnect_url = False, "", ""
    return {
        "connection": connection,
        "status": connection.status if connection else services.get_auth_status(),
        "can_connect": can_connect,
        "connect_url": connect_url,
        "disconnect_url": disconnect_url,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("admin/date_hierarchy.html")
def upwork_date_hierarchy(cl: Any) -> dict[str, Any]:
    """Return the year, month or day links above a changelist, like ``date_hierarchy``.

    Django's own tag finds the dates that have rows with a DISTINCT query over every
    matching row, which reads the whole table. This one offers every year, month or day
    from the oldest to the newest matching date, which two index lookups find. So a link
    can lead to an empty list. It renders ``admin/date_hierarchy.html``, the template of
    Django's tag, but not the per-app or per-model copies that Django's tag would prefer.
    """
    field_name = cl.date_hierarchy
    year_field = f"{field_name}__year"
    month_field = f"{field_name}__month"
    day_field = f"{field_name}__day"
    year = cl.params.get(year_field)
    month = cl.params.get(month_field)
    day = cl.params.get(day_field)

    def link(filters: dict[str, Any]) -> str:
        return str(cl.get_query_string(filters, [f"{field_name}__"]))

    if year and month and day:
        chosen = date(int(year), int(month), int(day))
        return {
            "show": True,
            "back": {
                "link": link({year_field: year, month_field: month}),
                "title": capfirst(formats.date_format(chosen, "YEAR_MONTH_FORMAT")),
            },
            "choices": [{"title": capfirst(formats.date_format(chosen, "MONTH_DAY_FORMAT"))}],
        }

    bounds = _date_bounds(cl.queryset, field_name)
    if bounds is not None and not year:
        first, last = bounds
        if first.year == last.year:
            year = first.year
            if first.month == last.month:
                month = first.month

    if year and month:
        return {
            "show": True,
            "back": {"link": link({year_field: year}), "title": str(year)},
            "choices": [
                {
                    "link": link({year_field: year, month_field: month, day_field: each_day.day}),
                    "title": capfirst(formats.date_format(each_day, "MONTH_DAY_FORMAT")),
                }
                for each_day in _days(bounds)
            ],
        }
    if year:
        return {
            "show": True,
            "back": {"link": link({}), "title": _("All dates")},
            "choices": [
                {
                    "link": link({year_field: year, month_field: month_start.month}),
                    "title": capfirst(formats.date_format(month_start, "YEAR_MONTH_FORMAT")),
                }
                for month_start in _months(bounds)
            ],
        }
    years = range(bounds[0].year, bounds[1].year + 1) if bounds else range(0)
    return {
        "show": True,
        "back": None,
        "choices": [
            {"link": link({year_field: str(number)}), "title": str(number)} for number in years
        ],
    }


def _date_bounds(queryset: QuerySet[Any], field_name: str) -> tuple[date, date] | None:
    """Return the local dates of the oldest and newest ``field_name`` in ``queryset``.

    Each end is one ``ORDER BY … LIMIT 1`` query, which can read one entry of an index
    on the field instead of every row.
    """
    field = queryset.model._meta.get_field(field_name)
    # A lower bound leaves out NULLs, as IS NOT NULL would, and lets SQLite's planner walk
    # the field's index. With IS NOT NULL it read and sorted every fresh row.
    earliest = earliest_datetime() if isinstance(field, models.DateTimeField) else date(1, 1, 2)
    dated = queryset.filter(**{f"{field_name}__gte": earliest}).values_list(field_name, flat=True)
    oldest = dated.order_by(field_name).first()
    newest = dated.order_by(f"-{field_name}").first()
    if oldest is None or newest is None:
        return None
    return _local_date(oldest), _local_date(newest)


def _local_date(value: Any) -> date:
    if timezone.is_aware(value):
        # A time late on 9999-12-31 has no local date east of UTC, so it keeps UTC's.
        with suppress(OverflowError):
            value = timezone.localtime(value)
    return value.date() if hasattr(value, "date") else value


def _days(bounds: tuple[date, date] | None) -> list[date]:
    """Return every date from the first to the last of ``bounds``, both included."""
    if bounds is None:
        return []
    first, last = bounds
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def _months(bounds: tuple[date, date] | None) -> list[date]:
    """Return the first day of every month from the first to the last of ``bounds``."""
    if bounds is None:
        return []
    first, last = bounds
    return [
        date(year, month, 1)
        for year in range(first.year, last.year + 1)
        for month in range(1, 13)
        if (first.year, first.month) <= (year, month) <= (last.year, last.month)
    ]
