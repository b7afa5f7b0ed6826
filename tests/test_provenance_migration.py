"""The migrations that added provenance and placement set existing versions sensibly — from
their note, "recorded at adoption" for those an adopted amendment produced, the rule's current
placement — and leave the database refusing UPDATE of versions again afterwards."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("rulebook", "0004_audit_entries_find_their_record"),
    ("proposals", "0004_votes_can_be_voided"),
]


def migrate(targets=None):
    """Migrate to `targets` (default: every app's latest) and return the apps as they are then."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_apps(transactional_db):
    """The apps as before the migrations; the schema is brought forward again whatever happens."""
    try:
        yield migrate(BEFORE)
    finally:
        migrate()


def test_existing_versions_get_provenance_and_placement_and_stay_immutable(old_apps):
    old = old_apps
    Rulebook = old.get_model("rulebook", "Rulebook")
    Rule = old.get_model("rulebook", "Rule")
    RuleVersion = old.get_model("rulebook", "RuleVersion")
    Proposal = old.get_model("proposals", "Proposal")
    Amendment = old.get_model("proposals", "Amendment")
    book = Rulebook.objects.create(slug="old", title="Old")
    chapter = Rule.objects.create(rulebook=book, key="ch", position=1)
    rule = Rule.objects.create(rulebook=book, key="r", parent=chapter, position=2)
    day = datetime.date(2016, 1, 1)
    RuleVersion.objects.create(rule=chapter, seq=1, number="1", effective_from=day)
    printed = RuleVersion.objects.create(
        rule=rule, seq=1, number="1.1", effective_from=day, note="Text as printed. Source: Ed 2."
    )
    adopted = RuleVersion.objects.create(
        rule=rule, seq=2, number="1.1", effective_from=datetime.date(2018, 1, 1)
    )
    proposal = Proposal.objects.create(
        rulebook=book,
        reference="2017/1",
        title="Change",
        proposer="NEC",
        status="adopted",
        adopted_on=datetime.date(2017, 9, 27),
    )
    Amendment.objects.create(
        proposal=proposal, kind="amend", rule=rule, base_version=printed, produced_version=adopted
    )

    new = migrate()
    versions = new.get_model("rulebook", "RuleVersion").objects.order_by("rule_id", "seq")
    assert [(v.rule.key, v.seq, v.provenance, v.source) for v in versions] == [
        ("ch", 1, "reconstructed", "Not stated where this version was recorded."),
        ("r", 1, "printed", "Ed 2"),
        ("r", 2, "adopted", "2017/1 Change, adopted 2017-09-27"),
    ]
    placed = {(v.rule.key, v.seq): (v.parent_id, v.position) for v in versions}
    assert placed[("r", 1)] == placed[("r", 2)] == (chapter.pk, "05")
    assert placed[("ch", 1)] == (None, "05")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE rulebook_ruleversion SET text = 'changed' WHERE id = %s", [printed.pk]
        )
