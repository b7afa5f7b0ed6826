"""Reads of quantities and computed thresholds: the ORM side of `rulebook.thresholds`.

A page reads its rule book's quantity values once (`QuantityTable.of`) and the bases of the
parameter values it shows once (`attach_computed`), whatever the number of parameters: the
figures are then computed in Python.
"""

from __future__ import annotations

import bisect
import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, prefetch_related_objects

from rulebook.models import (
    NominationEvent,
    ParameterBasis,
    ParameterValue,
    Quantity,
    QuantityValue,
    Rulebook,
    RuleVersion,
    basis_terms_prefetch,
)
from rulebook.thresholds import Computed, Input, compute_threshold, qualifies


class QuantityTable:
    """The values of a rule book's quantities over time, for any date."""

    def __init__(self, values: Iterable[QuantityValue]):
        self._by_quantity: dict[int, list[QuantityValue]] = defaultdict(list)
        for value in sorted(values, key=lambda v: (v.quantity_id, v.effective_from)):
            self._by_quantity[value.quantity_id].append(value)

    @classmethod
    def of(cls, rulebook: Rulebook | int) -> QuantityTable:
        """One query."""
        return cls(QuantityValue.objects.of_rulebook(rulebook))

    def value_on(self, quantity: Quantity, on: datetime.date) -> QuantityValue | None:
        values = self._by_quantity.get(quantity.pk, [])
        index = bisect.bisect_right([v.effective_from for v in values], on)
        return values[index - 1] if index else None

    def input(self, quantity: Quantity, on: datetime.date) -> Input:
        found = self.value_on(quantity, on)
        return Input(
            key=quantity.key,
            label=quantity.label or quantity.key,
            value=found.value if found else None,
            effective_from=found.effective_from if found else None,
            source=found.source if found else "",
            confidence=found.confidence if found else "",
        )

    def changes(self, quantities: Iterable[Quantity]) -> list[datetime.date]:
        """The days any of `quantities` changes value."""
        ids = {q.pk for q in quantities}
        return sorted({v.effective_from for i in ids for v in self._by_quantity.get(i, [])})

    def compute(
        self,
        value: ParameterValue,
        on: datetime.date,
        *,
        quantities_on: datetime.date | None = None,
    ) -> Computed | None:
        """The figure `value` comes to, with the quantities of `quantities_on` (default `on`);
        None when the value states no basis. Needs `value.basis` with its quantities loaded
        (`load_bases`)."""
        basis = getattr(value, "basis", None)
        if basis is None:
            return None
        day = quantities_on or on
        return compute_threshold(
            percentage=value.value,
            inputs=[self.input(q, day) for q in basis.summed],
            rounding=basis.rounding,
            when_absent=basis.when_absent,
            unit=basis.unit,
        )


def load_bases(values: Iterable[ParameterValue]) -> list[ParameterValue]:
    """Fetch the bases of `values` not already fetched (one query, none if all are) and their
    quantities (one query, none if no value has a basis). Returns the values with a basis."""
    values = list(values)
    missing = [v for v in values if not ParameterValue.basis.is_cached(v)]
    if missing:
        bases = ParameterBasis.objects.filter(parameter_value__in=missing)
        found = {b.parameter_value_id: b for b in bases}
        for value in missing:
            ParameterValue.basis.related.set_cached_value(value, found.get(value.pk))
    with_basis = [v for v in values if getattr(v, "basis", None) is not None]
    if with_basis:
        prefetch_related_objects(
            [v.basis for v in with_basis],
            basis_terms_prefetch(),
        )
    return with_basis


def attach_computed(
    versions: Iterable[RuleVersion], *, on: datetime.date, table: QuantityTable | None = None
) -> None:
    """Set `computed` (a `Computed` or None) on each parameter value of `versions`, read on
    `on`. At most three queries whatever the number of parameters, none if no value states a
    basis. The versions' parameter values must be prefetched."""
    values = [pv for version in versions for pv in version.parameter_values.all()]
    for value in values:
        value.computed = None
    with_basis = load_bases(values)
    if not with_basis:
        return
    if table is None:
        table = QuantityTable.of(with_basis[0].parameter.rulebook_id)
    for value in with_basis:
        value.computed = table.compute(value, on)


# --- Nomination events under any date's rules -----------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """One candidate judged against one computed figure."""

    nomination: object
    qualified: bool | None


@dataclass(frozen=True)
class Judgement:
    """An event's nominations under the rules in force on `rules_on`, with the quantities
    of the event's date."""

    rules_on: datetime.date
    version: RuleVersion | None
    value: ParameterValue | None
    computed: Computed | None
    verdicts: tuple[Verdict, ...]

    @property
    def reason(self) -> str | None:
        """Why there is no figure, when there is none."""
        if self.value is None:
            return "no rule in force on the date states this threshold"
        if self.computed is None:
            return "the rule in force then states no basis to compute the threshold from"
        return self.computed.reason


class EventEvaluator:
    """Everything needed to judge one event under any date's rules, read in a fixed number
    of queries: the versions of the rules that state the event's parameter, with their values
    and bases, and the book's quantity values."""

    def __init__(self, event: NominationEvent, nominations: list):
        self.event = event
        self.nominations = nominations
        stated = ParameterValue.objects.filter(parameter_id=event.parameter_id)
        rule_ids = stated.values("version__rule_id")
        self.versions = list(
            RuleVersion.objects.filter(rule_id__in=rule_ids)
            .select_related("rule")
            .prefetch_related(
                Prefetch(
                    "parameter_values",
                    queryset=ParameterValue.objects.filter(
                        parameter_id=event.parameter_id
                    ).select_related("parameter", "basis"),
                )
            )
            .order_by("effective_from", "seq")
        )
        load_bases([pv for v in self.versions for pv in v.parameter_values.all()])
        self.table = QuantityTable.of(event.rulebook_id)

    def editions(self) -> list[datetime.date]:
        """The days the rules stating the threshold changed: one column each."""
        return sorted({v.effective_from for v in self.versions})

    def judge(self, rules_on: datetime.date) -> Judgement:
        in_force: dict[int, RuleVersion] = {}
        for version in self.versions:
            if version.effective_from <= rules_on:
                in_force[version.rule_id] = version
        stating = [
            (v, pv) for v in in_force.values() if not v.repealed for pv in v.parameter_values.all()
        ]
        version, value = max(stating, key=lambda s: s[0].effective_from, default=(None, None))
        computed = (
            self.table.compute(value, rules_on, quantities_on=self.event.date) if value else None
        )
        verdicts = tuple(
            Verdict(
                nomination=n,
                qualified=qualifies(n.mp_nominations, computed) if computed else None,
            )
            for n in self.nominations
        )
        return Judgement(rules_on, version, value, computed, verdicts)


# --- Parameters' computed figures: on a date, and over time ----------------------------------


@dataclass(frozen=True)
class ComputedStep:
    """The computed figure from `effective_from` until `until` (None: still so)."""

    effective_from: datetime.date
    until: datetime.date | None
    computed: Computed


def _with_bases(points: Iterable) -> tuple[list, QuantityTable | None]:
    """The points whose stated value has a basis, and the table of quantities (two queries,
    none when no point has a basis: `parameter_timelines` joined the bases already)."""
    points = [p for p in points if p.stated is not None]
    with_basis = {id(v) for v in load_bases([p.stated for p in points])}
    points = [p for p in points if id(p.stated) in with_basis]
    if not points:
        return [], None
    return points, QuantityTable.of(points[0].stated.version.rule.rulebook_id)


def computed_on(timelines: dict[int, list], *, on: datetime.date) -> dict[int, Computed | None]:
    """Each parameter's computed figure on `on` (None: no basis, or no value in force), from
    `parameter_timelines`. At most two queries whatever the number of parameters."""
    in_force = {
        pid: next((p for p in reversed(points) if p.effective_from <= on), None)
        for pid, points in timelines.items()
    }
    points, table = _with_bases(p for p in in_force.values() if p is not None)
    found = {p.stated.parameter_id: table.compute(p.stated, on) for p in points}
    return {pid: found.get(pid) for pid in timelines}


def computed_steps(points: list) -> list[ComputedStep]:
    """A parameter's computed figure over time: a step wherever the percentage or a value of
    its basis changes (`points` from `parameter_timeline`). At most two queries."""
    points, table = _with_bases(points)
    steps = []
    for point in points:
        basis = point.stated.basis
        days = [point.effective_from] + [
            day
            for day in table.changes(basis.summed)
            if day > point.effective_from and (point.until is None or day < point.until)
        ]
        for start, end in zip(days, [*days[1:], point.until], strict=True):
            steps.append(ComputedStep(start, end, table.compute(point.stated, start)))
    return steps
