"""The ``quantities``, ``parameter_bases`` and ``nomination_events`` sections (issue 13).

quantities:
  - key: plp_commons_members
    label: Commons members of the PLP
    unit: MPs                                   # optional
    description: …                              # optional
    values:                                     # dated, oldest first
      - {value: 232, effective_from: 2015-05-08, source: …, confidence: P, note: …}
parameter_bases:                                # what a version's percentage is of
  - rule: c4-ii-2-b-i
    version: 3                                  # the version's number (seq)
    parameter: leader_nomination_mp_threshold   # a parameter that version states
    quantities: [plp_commons_members, eplp_members]   # summed
    rounding: up                                # up | down | nearest
    when_absent: unavailable                    # unavailable | zero (default unavailable)
    unit: nominations                           # optional: what the figure counts
nomination_events:
  - slug: leadership-2015
    title: 2015 Labour leadership election
    date: 2015-06-15                            # the day nominations closed
    parameter: leader_nomination_mp_threshold   # the threshold they are judged against
    reported_threshold: 35                      # optional
    source: …
    confidence: V                               # V | P | U
    note: …                                     # optional
    nominations:
      - {candidate: …, mp: 36, clp: …, affiliates: …, source: …, confidence: P, note: …}

Confidence: V verified in a contemporaneous source, P partial or secondary, U uncertain.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from rulebook.exchange.values import (
    as_date,
    as_list,
    as_number,
    as_text,
    check_keys,
    describe,
    model_field,
)
from rulebook.models import (
    BasisTerm,
    Confidence,
    Nomination,
    NominationEvent,
    ParameterBasis,
    ParameterValue,
    Quantity,
    QuantityValue,
    Rulebook,
    RuleVersion,
    basis_terms_prefetch,
    json_number,
)
from rulebook.validators import COUNT_MAX

QUANTITY_KEYS = ("key", "label", "unit", "description", "values")
VALUE_KEYS = ("value", "effective_from", "source", "confidence", "note")
BASIS_KEYS = ("rule", "version", "parameter", "quantities", "rounding", "when_absent", "unit")
EVENT_KEYS = ("slug", "title", "date", "parameter", "reported_threshold", "source")
EVENT_KEYS += ("confidence", "note", "nominations")
NOMINATION_KEYS = ("candidate", "mp", "clp", "affiliates", "source", "confidence", "note")


def _choice(value, path, errors, choices, *, default=None) -> str | None:
    if value is None and default is not None:
        return default
    allowed = [str(c) for c in choices]
    if not isinstance(value, str) or value not in allowed:
        errors.append(f"{path}: expected one of {', '.join(allowed)}, found {describe(value)}")
        return None
    return value


def _count(value, path, errors, *, required=True) -> int | None:
    if value is None:
        if required:
            errors.append(f"{path}: is required")
        return None
    number = as_number(value, path, errors)
    if number is None:
        return None
    if number != number.to_integral_value() or not 0 <= number <= COUNT_MAX:
        errors.append(f"{path}: expected a whole number from 0 to {COUNT_MAX}, found {value}")
        return None
    return int(number)


def _confidence(item, path, errors) -> str | None:
    return _choice(item.get("confidence"), f"{path}.confidence", errors, Confidence.values)


def _source(item, path, errors, model) -> str | None:
    return as_text(
        item.get("source"),
        f"{path}.source",
        errors,
        field=model_field(model, "source"),
        required=True,
    )


# --- quantities -----------------------------------------------------------------------------


@dataclass
class PlannedQuantity:
    fields: dict
    values: list[dict] = field(default_factory=list)


def validate_quantities(value, context) -> list[str]:
    """Check the section; leave the quantities (by key) in ``context.checked["quantities"]``."""
    errors: list[str] = []
    planned: dict[str, PlannedQuantity] = {}
    for index, item in enumerate(as_list(value, "quantities", errors)):
        path = f"quantities[{index}]"
        if not check_keys(item, path, errors, QUANTITY_KEYS):
            continue
        texts = {
            name: as_text(
                item.get(name),
                f"{path}.{name}",
                errors,
                field=model_field(Quantity, name),
                required=name in ("key", "label"),
            )
            for name in ("key", "label", "unit", "description")
        }
        values = _check_values(item.get("values"), f"{path}.values", errors)
        key = texts["key"]
        if key and key in planned:
            errors.append(f"{path}.key: {key!r} is declared twice")
        elif None not in texts.values():
            planned[key] = PlannedQuantity(fields=texts, values=values)
    context.checked["quantities"] = planned
    return errors


def _check_values(value, path, errors) -> list[dict]:
    checked, seen = [], set()
    for index, item in enumerate(as_list([] if value is None else value, path, errors)):
        at = f"{path}[{index}]"
        if not check_keys(item, at, errors, VALUE_KEYS):
            continue
        number = as_number(item.get("value"), f"{at}.value", errors)
        if number is not None and (number < 0 or abs(number) >= Decimal(10) ** 10):
            errors.append(f"{at}.value: must be from 0 to 9999999999, found {number}")
            number = None
        day = as_date(item.get("effective_from"), f"{at}.effective_from", errors)
        if day is not None and day in seen:
            errors.append(f"{at}.effective_from: {day} is given twice for this quantity")
            day = None
        seen.add(day)
        row = {
            "value": number,
            "effective_from": day,
            "source": _source(item, at, errors, QuantityValue),
            "confidence": _confidence(item, at, errors),
            "note": as_text(item.get("note"), f"{at}.note", errors),
        }
        if None not in row.values():
            checked.append(row)
    return checked


def load_quantities(value, rulebook: Rulebook, context, by) -> dict[str, Quantity]:
    planned: dict[str, PlannedQuantity] = context.checked["quantities"]
    created = {
        q.key: q
        for q in Quantity.objects.bulk_create(
            Quantity(rulebook=rulebook, **p.fields) for p in planned.values()
        )
    }
    QuantityValue.objects.bulk_create(
        QuantityValue(quantity=created[key], **row)
        for key, p in planned.items()
        for row in p.values
    )
    return created


def dump_quantities(rulebook: Rulebook, at: datetime.date | None) -> list:
    """Every quantity with its values (two queries). `at` is ignored: a figure's history is
    not the rules' history, and an export at a date still needs the event dates' values."""
    values: dict[int, list] = {}
    for v in QuantityValue.objects.of_rulebook(rulebook):
        values.setdefault(v.quantity_id, []).append(
            _without_empty(
                {
                    "value": json_number(v.value),
                    "effective_from": v.effective_from.isoformat(),
                    "source": v.source,
                    "confidence": v.confidence,
                    "note": v.note,
                }
            )
        )
    return [
        _without_empty(
            {
                "key": q.key,
                "label": q.label,
                "unit": q.unit,
                "description": q.description,
                "values": values.get(q.pk, []),
            }
        )
        for q in Quantity.objects.filter(rulebook=rulebook).order_by("key")
    ]


def _without_empty(item: dict) -> dict:
    return {k: v for k, v in item.items() if v not in ("", None, [])}


# --- parameter_bases ------------------------------------------------------------------------


def validate_bases(value, context) -> list[str]:
    errors: list[str] = []
    quantities = context.checked.get("quantities", {})
    checked, seen = [], {}
    for index, item in enumerate(as_list(value, "parameter_bases", errors)):
        path = f"parameter_bases[{index}]"
        if not check_keys(item, path, errors, BASIS_KEYS):
            continue
        rule = as_text(item.get("rule"), f"{path}.rule", errors, required=True)
        seq = _count(item.get("version"), f"{path}.version", errors)
        parameter = as_text(item.get("parameter"), f"{path}.parameter", errors, required=True)
        if rule and seq is not None and parameter:
            planned = context.planned.get(rule)
            version = None
            if planned is None:
                errors.append(f"{path}.rule: no rule {rule!r} in this file")
            elif not 1 <= seq <= len(planned.versions):
                errors.append(f"{path}.version: rule {rule!r} has no version {seq}")
            else:
                version = planned.versions[seq - 1]
            if version is not None and parameter not in version.parameters:
                errors.append(
                    f"{path}.parameter: version {seq} of rule {rule!r} states no {parameter!r}"
                )
            if (rule, seq, parameter) in seen:
                errors.append(
                    f"{path}: the same value's basis is given by {seen[rule, seq, parameter]}"
                )
            seen[rule, seq, parameter] = path
        keys = as_list(item.get("quantities"), f"{path}.quantities", errors)
        if not keys:
            errors.append(f"{path}.quantities: name at least one quantity")
        for i, key in enumerate(keys):
            if not isinstance(key, str) or key not in quantities:
                errors.append(f"{path}.quantities[{i}]: no quantity {describe(key)} in this file")
        if len(set(map(str, keys))) != len(keys):
            errors.append(f"{path}.quantities: a quantity is named twice")
        row = {
            "at": (rule, seq, parameter),
            "quantities": keys,
            "rounding": _choice(
                item.get("rounding"), f"{path}.rounding", errors, ParameterBasis.Rounding.values
            ),
            "when_absent": _choice(
                item.get("when_absent"),
                f"{path}.when_absent",
                errors,
                ParameterBasis.WhenAbsent.values,
                default="unavailable",
            ),
            "unit": as_text(
                item.get("unit"), f"{path}.unit", errors, field=model_field(ParameterBasis, "unit")
            ),
        }
        checked.append(row)
    context.checked["parameter_bases"] = checked
    return errors


def load_bases(value, rulebook: Rulebook, context, by) -> list[ParameterBasis]:
    quantities = context.loaded["quantities"]
    wanted = {row["at"]: row for row in context.checked["parameter_bases"]}
    versions = {context.versions[rule, seq].pk: (rule, seq) for rule, seq, _ in wanted}
    values = ParameterValue.objects.filter(version_id__in=versions).select_related("parameter")
    bases = []
    for pv in values:
        row = wanted.get((*versions[pv.version_id], pv.parameter.key))
        if row is None:
            continue
        basis = ParameterBasis.objects.create(
            parameter_value=pv,
            rounding=row["rounding"],
            when_absent=row["when_absent"],
            unit=row["unit"],
        )
        BasisTerm.objects.bulk_create(
            BasisTerm(basis=basis, quantity=quantities[key], position=position)
            for position, key in enumerate(row["quantities"])
        )
        bases.append(basis)
    return bases


def dump_bases(rulebook: Rulebook, at: datetime.date | None) -> list:
    bases = (
        ParameterBasis.objects.filter(parameter_value__parameter__rulebook=rulebook)
        .select_related("parameter_value__version__rule", "parameter_value__parameter")
        .prefetch_related(basis_terms_prefetch())
    )
    if at is not None:
        # An export at a date writes each rule's version in force then as its only version
        # (version 1 of the file): only those versions' bases, numbered so.
        in_force = RuleVersion.objects.filter(rule__rulebook=rulebook).in_force(on=at)
        bases = bases.filter(parameter_value__version__in=in_force.filter(repealed=False))
    rows = [
        {
            "rule": b.parameter_value.version.rule.key,
            "version": 1 if at is not None else b.parameter_value.version.seq,
            "parameter": b.parameter_value.parameter.key,
            "quantities": [q.key for q in b.summed],
            "rounding": b.rounding,
            "when_absent": b.when_absent,
            "unit": b.unit,
        }
        for b in bases
    ]
    rows.sort(key=lambda r: (r["rule"], r["version"], r["parameter"]))
    return [_without_empty(r) for r in rows]


# --- nomination_events ----------------------------------------------------------------------


def validate_events(value, context) -> list[str]:
    errors: list[str] = []
    checked, slugs = [], set()
    for index, item in enumerate(as_list(value, "nomination_events", errors)):
        path = f"nomination_events[{index}]"
        if not check_keys(item, path, errors, EVENT_KEYS):
            continue
        slug = as_text(
            item.get("slug"),
            f"{path}.slug",
            errors,
            field=model_field(NominationEvent, "slug"),
            required=True,
        )
        if slug and slug in slugs:
            errors.append(f"{path}.slug: {slug!r} is used twice")
        slugs.add(slug)
        parameter = as_text(item.get("parameter"), f"{path}.parameter", errors, required=True)
        if parameter and parameter not in context.parameter_keys:
            errors.append(f"{path}.parameter: no parameter {parameter!r} in this file")
        event = {
            "slug": slug,
            "title": as_text(
                item.get("title"),
                f"{path}.title",
                errors,
                field=model_field(NominationEvent, "title"),
                required=True,
            ),
            "date": as_date(item.get("date"), f"{path}.date", errors),
            "parameter": parameter,
            "reported_threshold": _count(
                item.get("reported_threshold"),
                f"{path}.reported_threshold",
                errors,
                required=False,
            ),
            "source": _source(item, path, errors, NominationEvent),
            "confidence": _confidence(item, path, errors),
            "note": as_text(item.get("note"), f"{path}.note", errors),
        }
        nominations = _check_nominations(item.get("nominations"), path, errors)
        checked.append((event, nominations))
    context.checked["nomination_events"] = checked
    return errors


def _check_nominations(value, path, errors) -> list[dict]:
    rows, names = [], set()
    items = as_list([] if value is None else value, f"{path}.nominations", errors)
    for index, item in enumerate(items):
        at = f"{path}.nominations[{index}]"
        if not check_keys(item, at, errors, NOMINATION_KEYS):
            continue
        candidate = as_text(
            item.get("candidate"),
            f"{at}.candidate",
            errors,
            field=model_field(Nomination, "candidate"),
            required=True,
        )
        if candidate and candidate in names:
            errors.append(f"{at}.candidate: {candidate!r} is listed twice")
        names.add(candidate)
        rows.append(
            {
                "candidate": candidate,
                "mp_nominations": _count(item.get("mp"), f"{at}.mp", errors),
                "clp_nominations": _count(item.get("clp"), f"{at}.clp", errors, required=False),
                "affiliate_nominations": _count(
                    item.get("affiliates"), f"{at}.affiliates", errors, required=False
                ),
                "source": _source(item, at, errors, Nomination),
                "confidence": _confidence(item, at, errors),
                "note": as_text(item.get("note"), f"{at}.note", errors),
            }
        )
    return rows


def load_events(value, rulebook: Rulebook, context, by) -> list[NominationEvent]:
    events = []
    for event, nominations in context.checked["nomination_events"]:
        created = NominationEvent.objects.create(
            rulebook=rulebook, **{**event, "parameter": context.parameters[event["parameter"]]}
        )
        Nomination.objects.bulk_create(Nomination(event=created, **row) for row in nominations)
        events.append(created)
    return events


def dump_events(rulebook: Rulebook, at: datetime.date | None) -> list:
    events = (
        NominationEvent.objects.filter(rulebook=rulebook)
        .select_related("parameter")
        .prefetch_related("nominations")
        .order_by("date", "slug")
    )
    if at is not None:
        events = events.filter(date__lte=at)
    return [
        _without_empty(
            {
                "slug": e.slug,
                "title": e.title,
                "date": e.date.isoformat(),
                "parameter": e.parameter.key,
                "reported_threshold": e.reported_threshold,
                "source": e.source,
                "confidence": e.confidence,
                "note": e.note,
                "nominations": [
                    _without_empty(
                        {
                            "candidate": n.candidate,
                            "mp": n.mp_nominations,
                            "clp": n.clp_nominations,
                            "affiliates": n.affiliate_nominations,
                            "source": n.source,
                            "confidence": n.confidence,
                            "note": n.note,
                        }
                    )
                    for n in e.nominations.all()
                ],
            }
        )
        for e in events
    ]


# Quantities before the bases that name them; both before the other apps' sections (100+).
SECTIONS = (
    ("quantities", validate_quantities, load_quantities, dump_quantities, 40),
    ("parameter_bases", validate_bases, load_bases, dump_bases, 41),
    ("nomination_events", validate_events, load_events, dump_events, 42),
)


def register_sections() -> None:
    """Add the three sections to rule book files (idempotent)."""
    from rulebook.exchange.sections import register_section

    for name, validate, load, dump, order in SECTIONS:
        register_section(name, validate=validate, load=load, dump=dump, order=order)
