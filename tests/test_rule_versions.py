"""Versions are immutable history, kept in order by the database as well as by the code."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction

from rulebook.models import ImmutableVersionError, ParameterValue, RuleVersion
from rulebook.services import version_create
from tests.factories import ParameterFactory, RuleFactory, add_version

pytestmark = pytest.mark.django_db


def test_versions_are_numbered_in_sequence_per_rule():
    rule = RuleFactory()
    other = RuleFactory(rulebook=rule.rulebook)
    assert [add_version(rule, d, "t").seq for d in ("2015-01-01", "2016-01-01")] == [1, 2]
    assert add_version(other, "2014-01-01", "x").seq == 1


def test_a_version_cannot_be_edited_through_the_orm():
    version = add_version(RuleFactory(), "2015-01-01", "original")
    version.text = "rewritten"
    with pytest.raises(ImmutableVersionError):
        version.save()
    with pytest.raises(ImmutableVersionError):
        RuleVersion.objects.filter(pk=version.pk).update(text="rewritten")
    with pytest.raises(ImmutableVersionError):
        RuleVersion.objects.update(text="rewritten")
    assert RuleVersion.objects.get(pk=version.pk).text == "original"


def test_a_version_cannot_be_deleted_through_the_orm():
    version = add_version(RuleFactory(), "2015-01-01", "original")
    with pytest.raises(ImmutableVersionError):
        version.delete()
    with pytest.raises(ImmutableVersionError):
        RuleVersion.objects.filter(pk=version.pk).delete()
    assert RuleVersion.objects.filter(pk=version.pk).exists()


def test_parameter_values_are_immutable_too():
    rule = RuleFactory()
    parameter = ParameterFactory(rulebook=rule.rulebook, key="threshold")
    version = add_version(rule, "2015-01-01", "15 per cent", parameters={"threshold": 15})
    value = version.parameter_values.get()
    assert value.parameter == parameter
    value.value = 10
    with pytest.raises(ImmutableVersionError):
        value.save()
    with pytest.raises(ImmutableVersionError):
        ParameterValue.objects.filter(pk=value.pk).update(value=10)


def test_a_version_taking_effect_before_the_latest_is_refused_with_a_clear_message():
    rule = RuleFactory(key="c4-nominations")
    add_version(rule, "2018-09-26", "10 per cent")
    with pytest.raises(ValidationError) as excinfo:
        add_version(rule, "2017-09-27", "older")
    message = str(excinfo.value.message_dict["effective_from"])
    assert "c4-nominations already has version 1 taking effect on 2018-09-26" in message
    assert rule.versions.count() == 1


def test_a_second_version_on_the_same_day_is_refused():
    rule = RuleFactory()
    add_version(rule, "2018-09-26", "a")
    with pytest.raises(ValidationError):
        add_version(rule, "2018-09-26", "b")


def test_unknown_parameters_are_refused_and_nothing_is_written():
    rule = RuleFactory()
    with pytest.raises(ValidationError) as excinfo:
        add_version(rule, "2018-09-26", "a", parameters={"no_such_thing": 3})
    assert "no_such_thing" in str(excinfo.value)
    assert rule.versions.count() == 0


def test_repealing_needs_an_existing_version_and_happens_once():
    rule = RuleFactory()
    with pytest.raises(ValidationError):
        add_version(rule, "2018-01-01", repealed=True)
    add_version(rule, "2017-01-01", "text")
    repeal = add_version(rule, "2018-01-01", repealed=True)
    assert repeal.repealed and repeal.text == ""
    with pytest.raises(ValidationError):
        add_version(rule, "2019-01-01", repealed=True)


def _raw_insert(rule, seq, effective_from):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO rulebook_ruleversion (rule_id, seq, number, heading, text, "
            "effective_from, repealed, note, created_at) "
            "VALUES (%s, %s, 'N', '', 't', %s, false, '', %s)",
            [rule.pk, seq, effective_from, datetime.datetime.now(datetime.UTC)],
        )


@pytest.mark.parametrize(
    ("seq", "effective_from"),
    [(3, "2019-01-01"), (2, "2015-01-01"), (1, "2019-01-01"), (2, "2016-01-01")],
    ids=["gap", "earlier-date", "duplicate-seq", "same-date"],
)
def test_the_database_refuses_out_of_order_versions_inserted_directly(seq, effective_from):
    rule = RuleFactory()
    add_version(rule, "2016-01-01", "first")
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        _raw_insert(rule, seq, effective_from)
    assert rule.versions.count() == 1


def test_the_database_refuses_a_direct_sql_update_of_a_version():
    version = add_version(RuleFactory(), "2016-01-01", "original")
    with pytest.raises((IntegrityError, DatabaseError)) as excinfo, transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE rulebook_ruleversion SET text = 'rewritten' WHERE id = %s", [version.pk]
            )
    assert "immutable" in str(excinfo.value)
    assert RuleVersion.objects.get(pk=version.pk).text == "original"


@pytest.mark.postgres
def test_postgres_refuses_a_direct_sql_delete_of_a_version_or_parameter_value():
    rule = RuleFactory()
    ParameterFactory(rulebook=rule.rulebook, key="threshold")
    version = add_version(rule, "2016-01-01", "original", parameters={"threshold": 15})
    for table, pk in [
        ("rulebook_ruleversion", version.pk),
        ("rulebook_parametervalue", version.parameter_values.get().pk),
    ]:
        with pytest.raises(DatabaseError) as excinfo, transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {table} WHERE id = %s", [pk])
        assert "immutable" in str(excinfo.value)
    assert RuleVersion.objects.filter(pk=version.pk).exists()


@pytest.mark.postgres
def test_postgres_refuses_a_direct_sql_update_of_a_parameter_value():
    rule = RuleFactory()
    ParameterFactory(rulebook=rule.rulebook, key="threshold")
    version = add_version(rule, "2016-01-01", "original", parameters={"threshold": 15})
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE rulebook_parametervalue SET value = 5 WHERE version_id = %s", [version.pk]
        )


def test_the_version_constraints_keep_repeals_empty_and_numbers_present():
    rule = RuleFactory()
    with pytest.raises(ValidationError):
        version_create(
            rule=rule,
            effective_from=datetime.date(2016, 1, 1),
            text="no number",
            provenance="reconstructed",
            source="Test history",
        )
