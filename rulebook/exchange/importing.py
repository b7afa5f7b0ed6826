"""Creating a whole rule book from a checked file, in one transaction."""

from __future__ import annotations

from collections import defaultdict

from django.db import IntegrityError, transaction

from rulebook.exchange.checks import Plan, PlannedRule, check_document
from rulebook.exchange.sections import ImportContext, registered_sections
from rulebook.exchange.values import InvalidRulebookFile
from rulebook.models import Parameter, ParameterValue, Rule, Rulebook, RuleVersion
from rulebook.services import audit_record, references_refresh


def rulebook_import(*, data: dict, by=None) -> Rulebook:
    """Create a whole rule book from a parsed file, or raise InvalidRulebookFile.

    Steps: validate the whole document (and that its slug is free), writing nothing if any
    problem is found; then in one transaction create the rule book, its parameters, its rules
    (depth by depth, so parents exist first), their versions (first versions of every rule,
    then second versions …, which keeps the database's version-order trigger satisfied), the
    cross-references in their texts, the parameter values and each registered section; record
    an audit entry.
    """
    plan, errors, context = check_document(data)
    slug = plan.rulebook.get("slug")
    if slug and Rulebook.objects.filter(slug=slug).exists():
        errors.append(f"rulebook.slug: a rule book {slug!r} already exists")
    if errors:
        raise InvalidRulebookFile(errors)
    try:
        with transaction.atomic():
            return _write(plan, context, by)
    except IntegrityError:
        # Another import took the slug between our check and our insert.
        if Rulebook.objects.filter(slug=slug).exists():
            raise InvalidRulebookFile(
                [f"rulebook.slug: a rule book {slug!r} already exists"]
            ) from None
        raise


def _write(plan: Plan, context: ImportContext, by) -> Rulebook:
    rulebook = Rulebook.objects.create(**plan.rulebook)
    context.parameters = {
        p.key: p
        for p in Parameter.objects.bulk_create(
            Parameter(rulebook=rulebook, **declared) for declared in plan.parameters
        )
    }
    context.rules = _create_rules(rulebook, plan.rules)
    context.versions = _create_versions(plan.rules, context.rules, by)
    references_refresh(rulebook_id=rulebook.pk)
    ParameterValue.objects.bulk_create(
        ParameterValue(
            version=context.versions[rule.key, seq], parameter=context.parameters[key], value=value
        )
        for rule in plan.rules
        for seq, version in enumerate(rule.versions, start=1)
        for key, value in version.parameters.items()
    )
    for section in registered_sections():
        if section.name in context.data:
            context.loaded[section.name] = section.load(
                context.data[section.name], rulebook, context, by
            )
    audit_record(
        action="rulebook.import",
        subject=rulebook.slug,
        by=by,
        rulebook=rulebook,
        record=rulebook,
        data={
            "rules": len(context.rules),
            "versions": len(context.versions),
            "parameters": len(context.parameters),
            "sections": sorted(context.loaded),
        },
    )
    return rulebook


def _create_rules(rulebook: Rulebook, planned: list[PlannedRule]) -> dict[str, Rule]:
    by_depth = defaultdict(list)
    for position, rule in enumerate(planned, start=1):
        by_depth[rule.depth].append((position, rule))
    created: dict[str, Rule] = {}
    for depth in sorted(by_depth):
        rows = [
            Rule(
                rulebook=rulebook, key=rule.key, parent=created.get(rule.parent), position=position
            )
            for position, rule in by_depth[depth]
        ]
        created.update((row.key, row) for row in Rule.objects.bulk_create(rows))
    return created


def _create_versions(
    planned: list[PlannedRule], rules: dict[str, Rule], by
) -> dict[tuple[str, int], RuleVersion]:
    by_seq = defaultdict(list)
    for rule in planned:
        for seq, v in enumerate(rule.versions, start=1):
            by_seq[seq].append(
                RuleVersion(
                    rule=rules[rule.key],
                    seq=seq,
                    number=v.number,
                    heading=v.heading,
                    text=v.text,
                    effective_from=v.effective_from,
                    repealed=v.repealed,
                    note=v.note,
                    provenance=v.provenance,
                    source=v.source,
                    parent=rules[v.parent] if v.parent else None,
                    position=v.position,
                    created_by=by,
                )
            )
    created = {}
    for seq in sorted(by_seq):
        for row in RuleVersion.objects.bulk_create(by_seq[seq]):
            created[row.rule.key, seq] = row
    return created
