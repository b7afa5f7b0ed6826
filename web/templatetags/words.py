"""Filters that put the record into people's words: a parameter's value with its unit."""

from django import template

from web.charts import format_value

register = template.Library()


@register.filter
def with_unit(value, unit: str = "") -> str:
    """A stated value as members read it: 15.0000 and "%" → "15%", 100 → "100", never "1E+2"."""
    if value is None or value == "":
        return "not stated"
    return format_value(value, unit or "")
