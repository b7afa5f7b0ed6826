"""Rules and parameters in people's words: a rule by its number and heading, a parameter by
its label — never by the keys that addresses and the API use.

Each function is one query at most, whatever the number of names asked for.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from rulebook.models import Parameter, Rulebook, RuleVersion
from web.charts import format_value


@dataclass(frozen=True)
class ProposedValue:
    parameter: Parameter | None  # None: the book declares no such parameter (any more)
    key: str
    value: object

    @property
    def label(self) -> str:
        return str(self.parameter) if self.parameter else self.key.replace("_", " ")

    @property
    def shown(self) -> str:
        unit = self.parameter.unit if self.parameter else ""
        try:
            return format_value(self.value, unit)
        except (ArithmeticError, ValueError, TypeError):
            return str(self.value)


def parameters_named(
    rulebook: Rulebook, stated: list[dict], known: dict[str, Parameter] | None = None
) -> dict[str, Parameter]:
    """The book's parameters named as keys in the `stated` dicts (amendments' proposed
    values), by key. `known` ones (already loaded) cost nothing; a query for the rest."""
    found = dict(known or {})
    missing = {key for values in stated for key in (values or {}) if key not in found}
    if missing:
        for parameter in Parameter.objects.filter(rulebook=rulebook, key__in=missing):
            found[parameter.key] = parameter
    return found


def proposed_values(values: dict | None, labels: dict[str, Parameter]) -> list[ProposedValue]:
    """An amendment's proposed parameter values with their parameters, by label."""
    rows = [ProposedValue(labels.get(key), key, value) for key, value in (values or {}).items()]
    return sorted(rows, key=lambda row: row.label.lower())


def rules_named(rule_ids, on: datetime.date | None = None) -> dict[int, RuleVersion]:
    """For each rule, the version that names it: the newest one with a number (in force on
    `on`, if given, else the newest of all). One query, none for no rules."""
    ids = set(rule_ids)
    if not ids:
        return {}
    versions = RuleVersion.objects.filter(rule_id__in=ids, repealed=False)
    if on is not None:
        versions = versions.filter(effective_from__lte=on)
    named: dict[int, RuleVersion] = {}
    for version in versions.order_by("rule_id", "-seq"):
        named.setdefault(version.rule_id, version)
    return named
