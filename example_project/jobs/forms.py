from django import forms

from django_upwork.models import ExperienceLevel, JobType
from django_upwork.services.filters import SORT_FIELDS

ANY = [("", "Any")]


class SearchForm(forms.Form):
    q = forms.CharField(label="Keywords", max_length=200, strip=True)
    job_type = forms.ChoiceField(label="Job type", choices=ANY + JobType.choices, required=False)
    experience_level = forms.ChoiceField(
        label="Experience level",
        # NONE marks postings without a level; Upwork's filter has no such value.
        choices=ANY + [c for c in ExperienceLevel.choices if c[0] != ExperienceLevel.NONE],
        required=False,
    )
    sort = forms.ChoiceField(
        label="Sort by",
        choices=[(name, name.replace("_", " ").capitalize()) for name in SORT_FIELDS],
        initial=SORT_FIELDS[0],
        required=False,
    )

    def search_filter(self) -> dict[str, str]:
        """Return the cleaned values as Upwork's MarketplaceJobPostingsSearchFilter fields."""
        data = self.cleaned_data
        search_filter = {"searchExpression_eq": data["q"]}
        if data["job_type"]:
            search_filter["jobType_eq"] = data["job_type"]
        if data["experience_level"]:
            search_filter["experienceLevel_eq"] = data["experience_level"]
        return search_filter

    def sort_attributes(self) -> list[str]:
        return [self.cleaned_data["sort"] or SORT_FIELDS[0]]
