"""Times as the management commands print them: in UTC, whether or not ``USE_TZ`` is on."""

from __future__ import annotations

from datetime import datetime
from datetime import timezone as dt_timezone

from django.utils import timezone


def in_utc(moment: datetime) -> datetime:
    """Return ``moment`` as an aware datetime in UTC.

    A naive ``moment`` is read in the current time zone, which is how Django stores and
    returns datetimes when ``USE_TZ`` is ``False``.
    """
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment.astimezone(dt_timezone.utc)
