"""History is guarded by PostgreSQL itself: TRUNCATE, late parameter values, edits of the
audit trail, and a least-privilege role for the running application."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from rulebook.models import AuditEntry, Parameter, ParameterValue, Rulebook, RuleVersion
from rulebook.services import audit_record, rule_create, version_create

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def history():
    book = Rulebook.objects.create(slug="guarded", title="Guarded")
    Parameter.objects.create(rulebook=book, key="quorum", label="Quorum")
    rule = rule_create(rulebook=book, key="quorum")
    version = version_create(
        rule=rule,
        effective_from=datetime.date(2016, 1, 1),
        number="1",
        text="The quorum is 8.",
        parameters={"quorum": 8},
        provenance="reconstructed",
        source="Test history",
    )
    audit_record(action="test.setup", subject="guarded")
    return version


def refused(statement: str, params=(), *, role: str | None = None) -> str:
    """Run one statement with maintenance mode off (as the application runs); return why it
    was refused. It must be refused, and leave nothing behind."""
    with pytest.raises(DatabaseError) as excinfo, transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL rulebook.maintenance = 'off'")
            # The fixture's rows were inserted in this test's transaction: fire their deferred
            # foreign-key checks now, or PostgreSQL refuses TRUNCATE for that reason instead.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            if role:
                cursor.execute(f'SET LOCAL ROLE "{role}"')
            cursor.execute(statement, params)
    return str(excinfo.value)


@pytest.mark.parametrize(
    "table", ["rulebook_ruleversion", "rulebook_parametervalue", "rulebook_auditentry"]
)
def test_truncating_a_history_table_is_refused(history, table):
    assert f"{table} cannot be truncated" in refused(f"TRUNCATE {table} CASCADE")
    assert RuleVersion.objects.filter(pk=history.pk).exists()
    assert AuditEntry.objects.filter(action="test.setup").exists()


@pytest.mark.django_db(transaction=True)
def test_a_parameter_value_cannot_be_added_to_an_existing_version(history):
    # transaction=True: the version was committed earlier, as a real old version is.
    other = Parameter.objects.create(rulebook=history.rule.rulebook, key="notice", label="Notice")
    message = refused(
        "INSERT INTO rulebook_parametervalue (version_id, parameter_id, value) VALUES (%s, %s, 7)",
        [history.pk, other.pk],
    )
    assert "recorded with its version" in message
    assert not ParameterValue.objects.filter(parameter=other).exists()


def test_a_version_and_its_values_in_one_transaction_are_accepted(history):
    version = version_create(
        rule=history.rule,
        effective_from=datetime.date(2018, 1, 1),
        number="1",
        text="The quorum is 6.",
        parameters={"quorum": 6},
        provenance="reconstructed",
        source="Test history",
    )
    assert version.parameter_values.get().value == 6


@pytest.mark.parametrize(
    "statement",
    ["UPDATE rulebook_auditentry SET subject = 'forged'", "DELETE FROM rulebook_auditentry"],
)
def test_the_audit_trail_cannot_be_rewritten_or_deleted(history, statement):
    assert "immutable" in refused(statement)
    assert AuditEntry.objects.get(action="test.setup").subject == "guarded"


@pytest.fixture
def app_role():
    name = "rulebook_app_test"
    call_command("create_app_role", name, stdout=StringIO())
    return name


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE rulebook_ruleversion SET text = 'rewritten'",
        "DELETE FROM rulebook_parametervalue",
        "UPDATE rulebook_auditentry SET subject = 'forged'",
        "TRUNCATE rulebook_ruleversion CASCADE",
    ],
)
def test_the_application_role_may_not_change_history_even_without_triggers(
    history, app_role, statement
):
    assert "permission denied" in refused(statement, role=app_role)
    assert RuleVersion.objects.get(pk=history.pk).text == "The quorum is 8."


def test_the_application_role_reads_and_appends_history_and_edits_working_tables(history, app_role):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'SET LOCAL ROLE "{app_role}"')
        cursor.execute("SELECT count(*) FROM rulebook_ruleversion")
        assert cursor.fetchone() == (1,)
        cursor.execute(
            "INSERT INTO rulebook_auditentry (at, action, subject, data) "
            "VALUES (now(), 'role.check', 'guarded', '{}')"
        )
        cursor.execute("UPDATE rulebook_rulebook SET title = 'Renamed' WHERE slug = 'guarded'")
        cursor.execute("RESET ROLE")
    assert AuditEntry.objects.filter(action="role.check").exists()
    assert Rulebook.objects.get(slug="guarded").title == "Renamed"
