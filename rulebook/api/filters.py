"""FilterSets of the rule book's read API (django-filter): every list can be narrowed."""

import django_filters
from django import forms

from rulebook.models import Parameter, Rulebook, RuleVersion
from rulebook.validators import date_problem


class RealDateFormField(forms.DateField):
    """A date that says "not a real date" for 2021-02-30, as every date input does."""

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            problem = date_problem(value)
            if problem is not None and "real date" in problem:
                raise forms.ValidationError(f"{problem}.", code="invalid")
        return super().to_python(value)


class RealDateFilter(django_filters.DateFilter):
    field_class = RealDateFormField


class RulebookFilter(django_filters.FilterSet):
    title = django_filters.CharFilter(lookup_expr="icontains", help_text="Part of the title.")

    class Meta:
        model = Rulebook
        fields = ["title"]


def date_range(field: str, what: str) -> tuple[RealDateFilter, ...]:
    """`<field>_after` and `<field>_before` filters, both ends included; bad dates are 400s
    naming the parameter as sent (a DateFromToRangeFilter would name the field)."""
    return (
        RealDateFilter(
            field_name=field, lookup_expr="gte", help_text=f"{what} on or after, YYYY-MM-DD."
        ),
        RealDateFilter(
            field_name=field, lookup_expr="lte", help_text=f"{what} on or before, YYYY-MM-DD."
        ),
    )


class VersionFilter(django_filters.FilterSet):
    effective_from_after, effective_from_before = date_range(
        "effective_from", "Versions taking effect"
    )
    repealed = django_filters.BooleanFilter(help_text="Only repeals (true) or only texts (false).")

    class Meta:
        model = RuleVersion
        fields = ["effective_from_after", "effective_from_before", "repealed"]


class ParameterFilter(django_filters.FilterSet):
    unit = django_filters.CharFilter(help_text="Only parameters in this unit, e.g. %.")

    class Meta:
        model = Parameter
        fields = ["unit"]
