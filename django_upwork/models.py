"""Cached Upwork job postings and the OAuth token of the connected account."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from django_upwork import conf
from django_upwork.exceptions import InvalidInput
from django_upwork.fields import JSONDocumentField, SecretTextField

logger = logging.getLogger(__name__)


class JobType(models.TextChoices):
    HOURLY = "HOURLY", _("Hourly")
    FIXED = "FIXED", _("Fixed price")


class ExperienceLevel(models.TextChoices):
    NONE = "NONE", _("Not specified")
    ENTRY_LEVEL = "ENTRY_LEVEL", _("Entry level")
    INTERMEDIATE = "INTERMEDIATE", _("Intermediate")
    EXPERT = "EXPERT", _("Expert")


class JobPostingQuerySet(models.QuerySet["JobPosting"]):
    def fresh(self, max_age: timedelta | None = None) -> JobPostingQuerySet:
        """Return rows cached less than ``max_age`` (default ``UPWORK_CACHE_MAX_AGE``) ago.

        A ``max_age`` that is not a timedelta of zero or more raises ``InvalidInput``.
        """
        return self.filter(cached_at__gt=_cutoff(max_age))

    def expired(self, max_age: timedelta | None = None) -> JobPostingQuerySet:
        """Return rows cached ``max_age`` or longer ago, which no read may return."""
        return self.filter(cached_at__lte=_cutoff(max_age))

    def dated(self) -> JobPostingQuerySet:
        """Return rows with a publication date.

        The filter is a range from ``earliest_datetime()``, not ``IS NOT NULL``: with a range
        on ``published_at``, SQLite's planner walks that column's index for an ordered LIMIT
        query, where with ``IS NOT NULL`` it sorted every fresh row.
        """
        return self.filter(published_at__gte=earliest_datetime())


class JobPostingManager(models.Manager["JobPosting"]):
    def get_queryset(self) -> JobPostingQuerySet:
        return JobPostingQuerySet(self.model, using=self._db)

    def fresh(self, max_age: timedelta | None = None) -> JobPostingQuerySet:
        return self.get_queryset().fresh(max_age)

    def expired(self, max_age: timedelta | None = None) -> JobPostingQuerySet:
        return self.get_queryset().expired(max_age)

    def dated(self) -> JobPostingQuerySet:
        return self.get_queryset().dated()

    def purge_expired(
        self,
        max_age: timedelta | None = None,
        batch_size: int | None = None,
        dry_run: bool = False,
    ) -> int:
        """Delete rows cached ``max_age`` or longer ago and return how many were deleted.

        Rows go oldest first in batches of ``batch_size`` (default ``UPWORK_PURGE_BATCH_SIZE``),
        each batch one range DELETE in its own short transaction, so a large backlog holds no
        long lock and is never loaded into memory. The cutoff is fixed when the purge starts,
        so the loop ends even while other processes keep caching. Two purges at once delete
        each row once. With ``dry_run`` only the count is returned.
        """
        if batch_size is None:
            batch_size = conf.purge_batch_size()
        else:
            _check_batch_size(batch_size)
        cutoff = _cutoff(max_age)
        expired = self.get_queryset().filter(cached_at__lte=cutoff)
        if dry_run:
            return expired.count()

        deleted_total = 0
        batch_start: datetime | None = None
        while True:
            with transaction.atomic(using=self.db):
                deleted, batch_start = _delete_oldest(
                    self.get_queryset(), cutoff, batch_start, batch_size
                )
            deleted_total += deleted
            if batch_start is None:
                break
        logger.info("Purged %d job postings cached before %s.", deleted_total, cutoff.isoformat())
        return deleted_total


def _check_batch_size(batch_size: object) -> None:
    """Raise ``InvalidInput`` unless ``batch_size`` is a whole number from 1 to MAX_ROW_COUNT."""
    if (
        isinstance(batch_size, bool)
        or not isinstance(batch_size, int)
        or not 1 <= batch_size <= conf.MAX_ROW_COUNT
    ):
        raise InvalidInput(
            f"batch_size must be a whole number from 1 to {conf.MAX_ROW_COUNT}, such as 5000, "
            f"got {batch_size!r}."
        )


def _delete_oldest(
    rows: JobPostingQuerySet, cutoff: datetime, start: datetime | None, limit: int
) -> tuple[int, datetime | None]:
    """Delete the ``limit`` oldest rows cached from ``start`` to ``cutoff``.

    Returns the number deleted and the cache time of the last one, where the next batch
    starts, or ``None`` when fewer than ``limit`` rows were left. Every expired row before
    ``start`` is already gone, so the search skips the index entries of deleted rows.
    """
    if start is not None:
        rows = rows.filter(cached_at__gte=start)
    expired = rows.filter(cached_at__lte=cutoff)
    last = list(
        expired.order_by("cached_at", "pk").values_list("cached_at", "pk")[limit - 1 : limit]
    )
    if not last:
        deleted, _ = expired.delete()
        return deleted, None
    last_cached_at, last_pk = last[0]
    # The batch is a range of the cached_at index that ends at or before the cutoff, so a
    # row refreshed since the SELECT falls outside it and is kept. Giving SQLite a single
    # upper bound lets it stop the index scan there.
    batch = rows.filter(cached_at__lte=last_cached_at).exclude(
        cached_at=last_cached_at, pk__gt=last_pk
    )
    deleted, _ = batch.delete()
    return deleted, last_cached_at


def earliest_datetime() -> datetime:
    """Return a date-time before any that Upwork gives, aware when ``USE_TZ`` is on.

    It is 0001-01-02 rather than the first day of year 1, which has no local time west of UTC.
    """
    earliest = datetime(1, 1, 2)
    return earliest.replace(tzinfo=dt_timezone.utc) if settings.USE_TZ else earliest


def _cutoff(max_age: object) -> datetime:
    """Return the time before which a cached row is expired, ``max_age`` before now.

    Raises ``InvalidInput`` unless ``max_age`` is ``None`` (``UPWORK_CACHE_MAX_AGE``) or a
    timedelta of zero or more that leaves the cutoff after the year 1.
    """
    if max_age is None:
        return timezone.now() - conf.cache_max_age()
    if not isinstance(max_age, timedelta) or max_age < timedelta(0):
        raise InvalidInput(
            "max_age must be a timedelta of zero or more, such as timedelta(hours=23), "
            f"got {max_age!r}."
        )
    try:
        return timezone.now() - max_age
    except OverflowError:
        raise InvalidInput(
            f"max_age {max_age!r} puts the cutoff before the year 1, the earliest date Python "
            "can represent. Pass a shorter timedelta, such as timedelta(hours=23)."
        ) from None


class JobPosting(models.Model):
    """An Upwork job posting as returned by the API, cached for at most 24 hours."""

    upwork_id = models.CharField(
        _("Upwork id"), max_length=32, unique=True, help_text=_("The numeric job id.")
    )
    ciphertext = models.CharField(
        _("ciphertext"),
        max_length=64,
        db_index=True,
        blank=True,
        help_text=_("The ~01… or ~02… form used in public job URLs."),
    )
    title = models.TextField(_("title"))
    description = models.TextField(_("description"), blank=True)
    job_type = models.CharField(_("job type"), max_length=16, choices=JobType.choices)
    experience_level = models.CharField(
        _("experience level"), max_length=16, choices=ExperienceLevel.choices, blank=True
    )
    duration = models.CharField(_("duration"), max_length=16, blank=True)
    duration_label = models.CharField(_("duration label"), max_length=64, blank=True)
    engagement = models.CharField(_("engagement"), max_length=64, blank=True)
    budget_amount = models.DecimalField(
        _("fixed budget"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    hourly_min = models.DecimalField(
        _("hourly rate from"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    hourly_max = models.DecimalField(
        _("hourly rate to"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    skills = JSONDocumentField(_("skills"), default=list, blank=True)
    skills_text = models.TextField(
        _("skills (text)"), blank=True, help_text=_("Skill names joined by commas, for search.")
    )
    category = models.CharField(_("category"), max_length=128, blank=True)
    subcategory = models.CharField(_("subcategory"), max_length=128, blank=True)
    client_country = models.CharField(_("client country"), max_length=128, blank=True)
    client_total_spent = models.DecimalField(
        _("client total spent"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    client_rating = models.FloatField(_("client rating"), null=True, blank=True)
    total_applicants = models.PositiveIntegerField(_("total applicants"), null=True, blank=True)
    created_at = models.DateTimeField(
        _("created on Upwork"), null=True, blank=True, help_text=_("Upwork's createdDateTime.")
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    raw = JSONDocumentField(_("raw node"), help_text=_("The node exactly as Upwork returned it."))
    cached_at = models.DateTimeField(_("cached at"), db_index=True)

    objects = JobPostingManager()

    class Meta:
        verbose_name = _("job posting")
        verbose_name_plural = _("job postings")
        ordering = ("-published_at", "-pk")
        indexes = (models.Index(fields=["-published_at", "-id"], name="django_upwo_publish_idx"),)

    def __str__(self) -> str:
        return self.title

    @property
    def url(self) -> str:
        """Return the public Upwork page of this job."""
        return f"{conf.job_url_prefix()}{self.ciphertext or self.upwork_id}"

    @property
    def fixed_budget_display(self) -> str:
        """Return the fixed budget with its currency, such as ``1,500.00 USD``, or ``""``."""
        if self.budget_amount is None:
            return ""
        return f"{self.budget_amount:,.2f} {self.currency}".strip()

    @property
    def hourly_range_display(self) -> str:
        """Return the hourly range, such as ``40.00 to 80.00 USD/h``, or ``""``."""
        if self.hourly_min is None and self.hourly_max is None:
            return ""
        low = f"{self.hourly_min:,.2f}" if self.hourly_min is not None else "?"
        high = f"{self.hourly_max:,.2f}" if self.hourly_max is not None else "?"
        currency = f" {self.currency}" if self.currency else ""
        return f"{low} to {high}{currency}/h"

    @property
    def budget_display(self) -> str:
        """Return the fixed budget or else the hourly range; ``""`` when Upwork gave neither."""
        return self.fixed_budget_display or self.hourly_range_display

    @property
    def is_fresh(self) -> bool:
        return self.cached_at > _cutoff(None)


class ConnectionStatus(models.TextChoices):
    CONNECTED = "connected", _("Connected")
    DISCONNECTED = "disconnected", _("Disconnected")
    EXPIRED = "expired", _("Expired")


class OAuthToken(models.Model):
    """The OAuth2 token of the connected Upwork account.

    A site has one connection, stored under ``key="default"``. Token values never appear in
    ``repr``, ``str``, logs, the admin or Django's error reports. When
    ``needs_reauthorization`` is set, Upwork rejected the refresh token and no refresh is
    tried again until a staff user reconnects; the old values stay for inspection.
    """

    DEFAULT_KEY = "default"

    key = models.CharField(_("key"), max_length=64, unique=True, default=DEFAULT_KEY)
    access_token = SecretTextField(_("access token"))
    refresh_token = SecretTextField(_("refresh token"), blank=True)
    token_type = models.CharField(_("token type"), max_length=32, default="Bearer")
    expires_at = models.DateTimeField(_("access token expires at"))
    scope = models.TextField(_("scope"), blank=True)
    refresh_expires_at = models.DateTimeField(
        _("refresh token expires at"),
        null=True,
        blank=True,
        help_text=_("Upwork's refresh tokens live 14 days from the refresh that issued them."),
    )
    needs_reauthorization = models.BooleanField(_("needs reauthorization"), default=False)
    last_error = models.CharField(_("last error"), max_length=255, blank=True)
    refreshed_at = models.DateTimeField(_("last refreshed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("connected at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("Upwork connection")
        verbose_name_plural = _("Upwork connection")

    def __str__(self) -> str:
        return f"Upwork connection ({self.status})"

    def __repr__(self) -> str:
        return (
            f"<OAuthToken key={self.key!r} status={self.status!r} "
            f"expires_at={self.expires_at!r} access_token='***' refresh_token='***'>"
        )

    @property
    def status(self) -> str:
        """Return ``connected`` or ``expired`` from the expiry columns alone.

        The token columns are not read, so the status shows even when they cannot be
        decrypted. A connection without a refresh token has no ``refresh_expires_at``.
        """
        if self.needs_reauthorization or self.expires_at is None:
            return str(ConnectionStatus.EXPIRED)
        now = timezone.now()
        if self.expires_at <= now and (
            self.refresh_expires_at is None or self.refresh_expires_at <= now
        ):
            return str(ConnectionStatus.EXPIRED)
        return str(ConnectionStatus.CONNECTED)

    def is_access_token_expired(self, margin: timedelta = timedelta(0)) -> bool:
        return self.expires_at <= timezone.now() + margin

    def as_oauth_token(self) -> dict[str, Any]:
        """Return the token in the dict form that requests-oauthlib expects."""
        token: dict[str, Any] = {
            "access_token": self.access_token,
            "token_type": self.token_type,
            "expires_at": self.expires_at.timestamp(),
        }
        if self.refresh_token:
            token["refresh_token"] = self.refresh_token
        return token
