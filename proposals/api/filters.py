"""FilterSets of the proposals API (django-filter). Proposals are filtered by the FilterSet the
member page uses too, `proposals.filters.ProposalFilter`."""

import django_filters

from proposals.filters import ProposalFilter
from proposals.models import Vote
from rulebook.api.filters import date_range

__all__ = ["ProposalFilter", "VoteFilter"]


class VoteFilter(django_filters.FilterSet):
    body = django_filters.CharFilter(field_name="body__slug", help_text="The body's slug.")
    stage = django_filters.ChoiceFilter(choices=Vote.Stage.choices)
    method = django_filters.ChoiceFilter(choices=Vote.Method.choices)
    held_on_after, held_on_before = date_range("held_on", "Votes held")

    class Meta:
        model = Vote
        fields = ["body", "stage", "method", "held_on_after", "held_on_before"]
