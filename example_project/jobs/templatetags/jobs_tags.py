from django import template

from django_upwork.models import JobPosting

register = template.Library()


@register.filter
def budget(posting: JobPosting) -> str:
    """Return the fixed budget or the hourly range, such as ``500.00 USD`` or ``15-40 USD/h``."""
    currency = f" {posting.currency}" if posting.currency else ""
    if posting.budget_amount is not None:
        return f"{posting.budget_amount:,.2f}{currency}"
    if posting.hourly_min is None and posting.hourly_max is None:
        return "Budget not stated"
    low = f"{posting.hourly_min:,.0f}" if posting.hourly_min is not None else "?"
    high = f"{posting.hourly_max:,.0f}" if posting.hourly_max is not None else "?"
    return f"{low}-{high}{currency}/h"
