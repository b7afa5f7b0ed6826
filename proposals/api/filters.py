"""FilterSets of the proposals API (django-filter)."""

import django_filters
from django.db.models import Exists, OuterRef, Q

from proposals.models import Amendment, Proposal, Vote
from rulebook.api.filters import date_range


class ProposalFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Proposal.Status.choices)
    year = django_filters.NumberFilter(
        field_name="conference_year", help_text="The Conference year, e.g. 2021."
    )
    proposer = django_filters.CharFilter(lookup_expr="icontains", help_text="Part of the name.")
    rule = django_filters.CharFilter(
        method="filter_rule", help_text="Proposals with an amendment to (or inserting) this key."
    )

    class Meta:
        model = Proposal
        fields = ["status", "year", "proposer", "rule"]

    def filter_rule(self, queryset, name, value):
        targets = Amendment.objects.filter(
            Q(rule__key=value) | Q(new_key=value), proposal=OuterRef("pk")
        )
        return queryset.filter(Exists(targets))


class VoteFilter(django_filters.FilterSet):
    body = django_filters.CharFilter(field_name="body__slug", help_text="The body's slug.")
    stage = django_filters.ChoiceFilter(choices=Vote.Stage.choices)
    method = django_filters.ChoiceFilter(choices=Vote.Method.choices)
    held_on_after, held_on_before = date_range("held_on", "Votes held")

    class Meta:
        model = Vote
        fields = ["body", "stage", "method", "held_on_after", "held_on_before"]
