"""A parameter's timeline: a server-drawn step chart and the same figures as a table."""

from __future__ import annotations

import re

from django.shortcuts import render

from rulebook.models import Parameter
from rulebook.selectors import parameter_timeline
from web.charts import format_value, step_chart
from web.forms import today
from web.views.common import NotFound, member_page


@member_page
def parameter_detail(request, rulebook, key):
    parameter = None
    if re.fullmatch(r"[a-z][a-z0-9_]{0,99}", key):
        parameter = (
            Parameter.objects.select_related("rulebook")
            .filter(rulebook__slug=rulebook, key=key)
            .first()
        )
    if parameter is None:
        raise NotFound(f"There is no parameter {key[:100]!r} in the rule book {rulebook!r}.")
    timeline = parameter_timeline(parameter=parameter)
    chart = step_chart(
        [(p.effective_from, p.until, p.value) for p in timeline],
        until=today(),
        unit=parameter.unit,
    )
    rows = [
        {
            "point": p,
            "value": "not stated" if p.value is None else format_value(p.value, parameter.unit),
        }
        for p in timeline
    ]
    return render(
        request,
        "web/parameter.html",
        {
            "rulebook": parameter.rulebook,
            "parameter": parameter,
            "rows": rows,
            "chart": chart,
            "summary": "; ".join(
                f"from {r['point'].effective_from:%-d %B %Y}, {r['value']}" for r in rows
            ),
        },
    )
