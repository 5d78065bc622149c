from django import template

from django_upwork.models import JobPosting

register = template.Library()


@register.filter
def budget(posting: JobPosting) -> str:
    """Return the fixed budget or the hourly range, or say that Upwork gave neither."""
    return posting.budget_display or "Budget not stated"
