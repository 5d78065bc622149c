"""Read-only admin for cached job postings and the Upwork connection."""

from __future__ import annotations

import json
import unicodedata
from datetime import timedelta
from typing import Any, cast

import django
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import get_permission_codename
from django.contrib.messages.storage.base import BaseStorage
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Aggregate, JSONField, QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.db.models.sql.compiler import SQLCompiler
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _

from django_upwork import services
from django_upwork.exceptions import UpworkConfigurationError, UpworkError
from django_upwork.models import JobPosting, OAuthToken

TOKEN_FIELDS = ("access_token", "refresh_token")


class BoundedCountPaginator(Paginator):
    """A paginator that counts at most ``MAX_COUNT`` rows.

    The admin counts the filtered rows for its page links, and on a cache of millions of
    fresh postings that count is a scan of them all. Past the cap the admin shows the cap
    as the total, and the pages beyond it are reached through search and filters.
    """

    MAX_COUNT = 10_000

    @cached_property
    def count(self) -> int:
        queryset = cast("QuerySet[JobPosting]", self.object_list)
        return queryset[: self.MAX_COUNT].count()


class FreshnessFilter(admin.SimpleListFilter):
    title = _("cache age")
    parameter_name = "freshness"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("1h", _("Cached in the last hour")), ("6h", _("Cached in the last 6 hours"))]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[JobPosting]
    ) -> QuerySet[JobPosting]:
        hours = {"1h": 1, "6h": 6}.get(self.value() or "")
        if hours is None:
            return queryset
        return queryset.filter(cached_at__gt=timezone.now() - timedelta(hours=hours))


class DistinctJSONArray(Aggregate):
    """The distinct values of a column, collected by the database into one JSON array.

    An aggregate of a sliced queryset runs over that slice, so the database reads the
    sample and sends back one row, where ``values_list()`` sends every row of the sample.
    The SQL is ``JSON_GROUP_ARRAY(DISTINCT …)`` on SQLite and ``JSONB_AGG(DISTINCT …)`` on
    PostgreSQL. When no row matches, the result is ``None`` on PostgreSQL and ``[]`` on SQLite.

    NOTE: Any other database gets SQLite's ``JSON_GROUP_ARRAY``, so the country filter fails
    there unless that database has a function of that name.
    """

    function = "JSON_GROUP_ARRAY"
    allow_distinct = True
    output_field = JSONField()

    def __init__(self, expression: str) -> None:
        super().__init__(expression, distinct=True)

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, Any]:
        return self.as_sql(compiler, connection, function="JSONB_AGG", **extra_context)


class ClientCountryFilter(admin.SimpleListFilter):
    """A filter on the client's country that offers the countries of the newest postings.

    Django's filter for a column lists its distinct values with a query over every row.
    This one reads the countries of the ``SAMPLE_SIZE`` most recently published fresh
    postings that name one, through the publication index, and the database returns each
    country once. A country outside them is still reachable through the search box or the
    ``client_country`` URL parameter.
    """

    title = _("client country")
    parameter_name = "client_country"
    SAMPLE_SIZE = 10_000

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        newest = (
            model_admin.get_queryset(request)
            .exclude(client_country="")
            # Undated postings are left out, because PostgreSQL sorts them first.
            .dated()
            .order_by("-published_at", "-pk")[: self.SAMPLE_SIZE]
        )
        countries = set(
            newest.aggregate(countries=DistinctJSONArray("client_country"))["countries"] or ()
        )
        if self.value():
            countries.add(str(self.value()))
        return [(country, country) for country in sorted(countries, key=_sort_key)]

    def value(self) -> str | None:
        # An empty value, which no choice links to, means all countries, as "All" does.
        return super().value() or None

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[JobPosting]
    ) -> QuerySet[JobPosting]:
        if self.value() is None:
            return queryset
        return queryset.filter(client_country=self.value())


def _sort_key(name: str) -> str:
    """Return ``name`` without accents and case, so that "Åland" sorts beside "Albania"."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


class JobPostingChangeList(ChangeList):
    """The changelist of postings, which turns every bad date in the URL into ``?e=1``."""

    def get_filters(self, request: HttpRequest) -> Any:
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as err:
            # Django catches a bad start of a date_hierarchy period but not a bad end, so
            # without this ?published_at__year=9999 gave a server error (HTTP 500).
            raise IncorrectLookupParameters(err) from err


@admin.register(JobPosting)
class JobPostingAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "job_type",
        "budget",
        "hourly_range",
        "experience_level",
        "skill_list",
        "client_country",
        "published_at",
        "cache_age",
        "upwork_link",
    )
    list_filter = ("job_type", "experience_level", FreshnessFilter, ClientCountryFilter)
    search_fields = ("title", "description", "skills_text", "client_country")
    # The date links come from django_upwork_admin.upwork_date_hierarchy, which the
    # changelist template uses in place of Django's tag, because that tag scans every row.
    date_hierarchy = "published_at"
    ordering = ("-published_at", "-pk")
    # The changelist would otherwise run a COUNT(*) over the whole table on every page.
    show_full_result_count = False
    if django.VERSION >= (5, 0):
        # Facet counts would count every fresh row once per filter choice.
        show_facets = admin.ShowFacets.NEVER
    paginator = BoundedCountPaginator
    list_per_page = 50
    readonly_fields = ("upwork_link", "raw_pretty")
    exclude = ("raw",)
    actions = ("refresh_from_upwork",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[JobPosting]:
        # Rows past the maximum age are absent everywhere, the admin included.
        try:
            return JobPosting.objects.fresh()
        except UpworkConfigurationError as err:  # reported by check django_upwork.E001
            # No row is shown while the maximum age is unknown, since any row might be expired.
            self._report_configuration_error(request, err)
            return JobPosting.objects.none()

    def _report_configuration_error(
        self, request: HttpRequest, err: UpworkConfigurationError
    ) -> None:
        # Several querysets per page, and a redirect after a POST, would repeat the message.
        storage = messages.get_messages(request)
        already_shown = any(message.message == str(err) for message in storage)
        if isinstance(storage, BaseStorage):
            storage.used = False  # Reading the messages above must not use them up.
        if not already_shown:
            self.message_user(request, str(err), messages.ERROR)

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return JobPostingChangeList

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_refresh_permission(self, request: HttpRequest) -> bool:
        """Return whether the user may refresh postings: the model's change permission.

        The admin shows postings read-only, so has_change_permission() is always False and
        the permission is checked directly.
        """
        codename = get_permission_codename("change", self.opts)
        return request.user.has_perm(f"{self.opts.app_label}.{codename}")

    @admin.display(description=_("fixed budget"), ordering="budget_amount")
    def budget(self, obj: JobPosting) -> str:
        return obj.fixed_budget_display or "-"

    @admin.display(description=_("hourly range"), ordering="hourly_min")
    def hourly_range(self, obj: JobPosting) -> str:
        return obj.hourly_range_display or "-"

    @admin.display(description=_("skills"))
    def skill_list(self, obj: JobPosting) -> str:
        return obj.skills_text

    @admin.display(description=_("cached"), ordering="-cached_at")
    def cache_age(self, obj: JobPosting) -> str:
        return _("%(age)s ago") % {"age": timesince(obj.cached_at)}

    @admin.display(description=_("Upwork"))
    def upwork_link(self, obj: JobPosting) -> str:
        try:
            url = obj.url
        except UpworkConfigurationError:  # reported by check django_upwork.E004
            return "-"
        return format_html('<a href="{}" target="_blank" rel="noopener">View on Upwork</a>', url)

    @admin.display(description=_("raw node"))
    def raw_pretty(self, obj: JobPosting) -> str:
        return format_html("<pre>{}</pre>", json.dumps(obj.raw, indent=2, ensure_ascii=False))

    @admin.action(description=_("Refresh selected postings from Upwork"), permissions=("refresh",))
    def refresh_from_upwork(self, request: HttpRequest, queryset: QuerySet[JobPosting]) -> None:
        succeeded = failed = 0
        for upwork_id in queryset.values_list("upwork_id", flat=True):
            try:
                if services.get_job_posting(upwork_id, refresh=True) is None:
                    failed += 1
                    self.message_user(
                        request, f"{upwork_id}: no longer on Upwork.", messages.WARNING
                    )
                    continue
                succeeded += 1
            except UpworkConfigurationError as err:
                # Every remaining posting would fail the same way.
                self._report_configuration_error(request, err)
                return
            except UpworkError as err:
                failed += 1
                self.message_user(request, f"{upwork_id}: {err.message}", messages.WARNING)
        self.message_user(
            request, f"Refreshed {succeeded} postings; {failed} failed.", messages.INFO
        )

    def get_urls(self) -> list[URLPattern]:
        purge = path(
            "purge-expired/",
            self.admin_site.admin_view(self.purge_expired_view),
            name=f"{self.opts.app_label}_{self.opts.model_name}_purge_expired",
        )
        return [purge, *super().get_urls()]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        context = {
            "can_purge_expired": self.has_delete_permission(request),
            **(extra_context or {}),
        }
        return super().changelist_view(request, context)

    def purge_expired_view(self, request: HttpRequest) -> HttpResponse:
        """Delete every expired posting: a button, not an action, because the list never
        shows expired rows, and an action runs only on rows ticked in the list."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_delete_permission(request):
            raise PermissionDenied
        try:
            deleted = services.purge_expired_postings()
        except UpworkConfigurationError as err:
            self._report_configuration_error(request, err)
        else:
            self.message_user(request, f"Deleted {deleted} expired postings.", messages.INFO)
        return HttpResponseRedirect(
            reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        )


@admin.register(OAuthToken)
class OAuthTokenAdmin(admin.ModelAdmin):
    list_display = ("key", "connection_status", "expires_at", "refresh_expires_at", "updated_at")
    # Token values are never shown: only these columns reach the admin.
    fields = (
        "key",
        "connection_status",
        "token_type",
        "expires_at",
        "refresh_expires_at",
        "scope",
        "needs_reauthorization",
        "last_error",
        "refreshed_at",
        "created_at",
        "updated_at",
        "connect_link",
    )
    readonly_fields = fields
    search_fields = ()

    def get_queryset(self, request: HttpRequest) -> QuerySet[OAuthToken]:
        # The token columns are never read here, so a wrong encryption key cannot break
        # the page that offers to reconnect.
        return super().get_queryset(request).defer(*TOKEN_FIELDS)

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        # A query string such as ?refresh_token__startswith=… would let anyone who can
        # view this page recover a token one character at a time from the row count.
        if lookup.split(LOOKUP_SEP, 1)[0] in TOKEN_FIELDS:
            return False
        if django.VERSION < (5, 0):
            return super().lookup_allowed(lookup, value)  # type: ignore[call-arg]
        return super().lookup_allowed(lookup, value, request)  # type: ignore[arg-type]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Deleting the row disconnects the account, so it takes what the Disconnect button
        # takes as well as the model permission.
        if not super().has_delete_permission(request, obj):
            return False
        try:
            return services.user_can_connect(request.user)
        except UpworkConfigurationError:  # reported by check django_upwork.E008
            return False

    @admin.display(description=_("status"))
    def connection_status(self, obj: OAuthToken) -> str:
        return obj.status

    @admin.display(description=_("connection"))
    def connect_link(self, obj: OAuthToken | None = None) -> str:
        try:
            url = reverse("django_upwork:authorize")
        except NoReverseMatch:  # reported by check django_upwork.W010
            return "-"
        label = _("Reconnect Upwork account") if obj else _("Connect Upwork account")
        return format_html('<a class="button" href="{}">{}</a>', url, label)
