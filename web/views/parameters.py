"""A parameter's timeline: a server-drawn step chart and the same figures as a table."""

from __future__ import annotations

import re
from decimal import Decimal

from django.shortcuts import render

from rulebook.models import Parameter
from rulebook.quantities import computed_steps
from rulebook.selectors import PENDING, parameter_timeline
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
    now = today()
    chart = step_chart(
        [(p.effective_from, p.until, p.value) for p in timeline],
        until=now,
        unit=parameter.unit,
        today=now,
    )
    rows = [
        {
            "point": p,
            "value": "not stated" if p.value is None else format_value(p.value, parameter.unit),
            "status": p.status(now),
        }
        for p in timeline
    ]
    steps = computed_steps(timeline)
    return render(
        request,
        "web/parameter.html",
        {
            **_computed_context(steps, now),
            "rulebook": parameter.rulebook,
            "parameter": parameter,
            "rows": rows,
            "chart": chart,
            "summary": "; ".join(_described(r) for r in rows),
        },
    )


def _described(row) -> str:
    """One period of the chart in words, e.g. "from 27 September 2027, 20% (pending)"."""
    pending = " (pending)" if row["status"] == PENDING else ""
    return f"from {row['point'].effective_from:%-d %B %Y}, {row['value']}{pending}"


def _computed_context(steps, now) -> dict:
    """The computed figure over time (issue 13), drawn like the percentage and tabled."""
    if not steps:
        return {"computed_steps": [], "computed_chart": None}
    figures = [
        (s.effective_from, s.until, Decimal(s.computed.figure) if s.computed.available else None)
        for s in steps
    ]
    described = "; ".join(
        f"from {s.effective_from:%-d %B %Y}, "
        + (str(s.computed.figure) if s.computed.available else "no figure")
        for s in steps
    )
    return {
        "computed_steps": steps,
        "computed_chart": step_chart(figures, until=now, today=now),
        "computed_summary": described,
    }
