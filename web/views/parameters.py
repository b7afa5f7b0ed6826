"""Parameters: every one with its value on a date, and one's timeline as a chart and a table."""

from __future__ import annotations

from decimal import Decimal

from django.shortcuts import render

from rulebook.models import Parameter
from rulebook.quantities import computed_steps
from rulebook.selectors import PENDING, parameter_timeline, parameter_timelines
from web.charts import NARROW_WIDTH, NARROW_YEARS, format_value, step_chart
from web.forms import OnDateForm, today
from web.views.common import NotFound, member_page, rulebook_or_404


@member_page
def parameter_list(request, rulebook):
    """Every parameter of the book with its value on `?at=` (today by default), the rule that
    states it then, and the next adopted change. Four queries whatever the book's size: the
    book, its parameters, and their timelines (`parameter_timelines`)."""
    book = rulebook_or_404(rulebook)
    on = OnDateForm.read(request)["at"]
    parameters = list(Parameter.objects.filter(rulebook=book).order_by("label", "key"))
    timelines = parameter_timelines(parameters=parameters) if parameters else {}
    rows = [_standing(p, timelines.get(p.pk, []), on) for p in parameters]
    now = today()
    return render(
        request,
        "web/parameters.html",
        {"rulebook": book, "on": on, "is_today": on == now, "today": now, "rows": rows},
    )


def _standing(parameter, timeline, on) -> dict:
    """The point in force on `on` (None: no rule states it then) and the next one after."""
    current = next(
        (p for p in timeline if p.effective_from <= on and (p.until is None or p.until > on)),
        None,
    )
    following = next((p for p in timeline if p.effective_from > on), None)
    return {
        "parameter": parameter,
        "point": current if current is not None and current.value is not None else None,
        "next": following,
    }


@member_page
def parameter_detail(request, rulebook, key):
    # The address's converter (`parameter_key`) has already checked the key's form and length.
    parameter = (
        Parameter.objects.select_related("rulebook")
        .filter(rulebook__slug=rulebook, key=key)
        .first()
    )
    if parameter is None:
        raise NotFound(f"There is no parameter {key[:100]!r} in the rule book {rulebook!r}.")
    timeline = parameter_timeline(parameter=parameter)
    now = today()
    periods = [(p.effective_from, p.until, p.value) for p in timeline]
    chart = step_chart(periods, until=now, unit=parameter.unit, today=now)
    narrow = step_chart(
        periods,
        until=now,
        unit=parameter.unit,
        today=now,
        width=NARROW_WIDTH,
        most_years=NARROW_YEARS,
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
            "narrow_chart": narrow,
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
