"""Quantities and nomination events: a quantity's values with their sources, and an event
judged under the rules of its own date, of a date the member chooses, and of every edition."""

from __future__ import annotations

import re

from django.shortcuts import render

from rulebook.models import NominationEvent, Quantity
from rulebook.quantities import EventEvaluator, Judgement
from web.forms import EventForm
from web.views.common import NotFound, member_page, rulebook_or_404


@member_page
def quantity_detail(request, rulebook, key):
    # The address's converter (`parameter_key`) has already checked the key's form and length.
    quantity = (
        Quantity.objects.select_related("rulebook").filter(rulebook__slug=rulebook, key=key).first()
    )
    if quantity is None:
        raise NotFound(f"There is no quantity {key[:100]!r} in the rule book {rulebook!r}.")
    values = list(quantity.values.order_by("effective_from"))
    return render(
        request,
        "web/quantity.html",
        {"rulebook": quantity.rulebook, "quantity": quantity, "values": values},
    )


@member_page
def event_list(request, rulebook):
    book = rulebook_or_404(rulebook)
    events = list(book.nomination_events.select_related("parameter").order_by("date", "slug"))
    return render(request, "web/events.html", {"rulebook": book, "events": events})


@member_page
def event_detail(request, rulebook, slug):
    event = None
    if re.fullmatch(r"[-a-zA-Z0-9_]{1,80}", slug):
        event = (
            NominationEvent.objects.select_related("rulebook", "parameter")
            .filter(rulebook__slug=rulebook, slug=slug)
            .first()
        )
    if event is None:
        raise NotFound(f"There is no nomination event {slug[:80]!r} in {rulebook!r}.")
    rules_on = EventForm.read(request)["rules_on"]
    nominations = list(event.nominations.all())
    evaluator = EventEvaluator(event, nominations)
    editions = [evaluator.judge(day) for day in evaluator.editions()]
    return render(
        request,
        "web/event.html",
        {
            "rulebook": event.rulebook,
            "event": event,
            "at_the_time": _described(evaluator.judge(event.date), event, counterfactual=False),
            "chosen": _described(evaluator.judge(rules_on), event) if rules_on else None,
            "rules_on": rules_on,
            "editions": editions,
            "table": [
                {"nomination": n, "verdicts": [j.verdicts[i] for j in editions]}
                for i, n in enumerate(nominations)
            ],
        },
    )


def _described(judgement: Judgement, event, *, counterfactual: bool = True) -> dict:
    """The judgement with a sentence for each candidate: "Corbyn's 36 would not have
    qualified" (another date's rules) or "Corbyn's 36 qualified" (the rules of the time)."""
    would = "would have qualified" if counterfactual else "qualified"
    would_not = "would not have qualified" if counterfactual else "did not qualify"
    lines = []
    for verdict in judgement.verdicts:
        n = verdict.nomination
        if verdict.qualified is None:
            lines.append(f"{n.candidate}'s {n.mp_nominations}: cannot be judged")
        else:
            lines.append(
                f"{n.candidate}'s {n.mp_nominations} {would if verdict.qualified else would_not}"
            )
    computed = judgement.computed
    if computed is not None and computed.available:
        figure = f"{computed.working}"
    else:
        figure = f"no threshold can be computed ({judgement.reason})"
    rules = f"{judgement.rules_on:%-d %B %Y}"
    return {
        "judgement": judgement,
        "headline": f"Under the rules in force on {rules}, {figure}",
        "lines": lines,
    }
