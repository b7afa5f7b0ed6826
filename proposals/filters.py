"""The one FilterSet of proposals, shared by the member page `/<rulebook>/proposals/` and the
API `/api/rulebooks/<slug>/proposals/`: the same filters, the same validation (a bad value is a
400 on both, naming the filter)."""

import django_filters
from django.db.models import Exists, OuterRef, Q

from proposals.models import Amendment, Proposal


class ProposalFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Proposal.Status.choices, empty_label="Any status")
    year = django_filters.NumberFilter(
        field_name="conference_year",
        label="Conference year",
        min_value=1900,
        max_value=2200,
        help_text="The Conference year, e.g. 2021.",
    )
    proposer = django_filters.CharFilter(
        lookup_expr="icontains", label="Proposer", max_length=200, help_text="Part of the name."
    )
    rule = django_filters.CharFilter(
        method="filter_rule",
        label="Rule number",
        max_length=100,
        help_text="Proposals with an amendment to (or inserting) this rule: its key, or any "
        "number it ever had.",
    )

    class Meta:
        model = Proposal
        fields = ["status", "year", "proposer", "rule"]

    def filter_rule(self, queryset, name, value):
        value = value.strip()
        targets = Amendment.objects.filter(
            Q(rule__key=value) | Q(new_key=value) | Q(rule__versions__number__iexact=value),
            proposal=OuterRef("pk"),
        )
        return queryset.filter(Exists(targets))
