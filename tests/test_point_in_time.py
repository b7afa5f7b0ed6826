"""The rule book as in force on any date, in document order, in a constant number of queries."""

import datetime

import pytest
from django.utils import timezone

from rulebook.models import Rule, RuleVersion
from rulebook.selectors import rulebook_at
from rulebook.services import rule_create
from tests.factories import RulebookFactory, add_version

pytestmark = pytest.mark.django_db

D = datetime.date.fromisoformat


@pytest.fixture
def standing_orders():
    """A small club's standing orders with a renumbering, a repeal and a future change."""
    book = RulebookFactory(slug="club")
    ch1 = rule_create(rulebook=book, key="ch1")
    ch2 = rule_create(rulebook=book, key="ch2")
    dues = rule_create(rulebook=book, key="dues", parent=ch1)
    quorum = rule_create(rulebook=book, key="quorum", parent=ch1, after=dues)
    # Inserted between ch1's children and ch2 in document order, though created last.
    officers = rule_create(rulebook=book, key="officers", parent=ch1)
    add_version(ch1, "2010-01-01", "", number="1", heading="Membership")
    add_version(ch2, "2010-01-01", "", number="2", heading="Meetings")
    add_version(dues, "2010-01-01", "Dues are £5.", number="1.1")
    add_version(dues, "2015-06-01", "Dues are £10.", number="1.1")
    add_version(quorum, "2010-01-01", "Quorum is 5.", number="1.2")
    add_version(quorum, "2012-01-01", "Quorum is 5 members.", number="1.3")
    add_version(quorum, "2020-01-01", repealed=True)
    add_version(officers, "2013-01-01", "There shall be a chair.", number="1.4")
    future = timezone.localdate() + datetime.timedelta(days=30)
    add_version(dues, future, "Dues are £12.", number="1.1")
    return book


def keys(snapshot):
    return [e.rule.key for e in snapshot.entries]


def test_rules_not_yet_made_are_absent_and_the_order_is_the_document_order(standing_orders):
    snapshot = rulebook_at(rulebook=standing_orders, on=D("2011-01-01"))
    assert keys(snapshot) == ["ch1", "dues", "quorum", "ch2"]
    assert [e.depth for e in snapshot.entries] == [0, 1, 1, 0]
    assert keys(rulebook_at(rulebook=standing_orders, on=D("2014-01-01"))) == [
        "ch1",
        "dues",
        "quorum",
        "officers",
        "ch2",
    ]


def test_each_rule_shows_the_version_in_force_on_the_date(standing_orders):
    texts = {
        e.rule.key: e.version.text
        for e in rulebook_at(rulebook=standing_orders, on=D("2015-05-31")).entries
    }
    assert texts["dues"] == "Dues are £5."
    assert texts["quorum"] == "Quorum is 5 members."
    on_the_day = rulebook_at(rulebook=standing_orders, on=D("2015-06-01"))
    assert {e.rule.key: e.version.text for e in on_the_day.entries}["dues"] == "Dues are £10."


def test_renumbered_rules_carry_their_number_of_the_time(standing_orders):
    def numbers(on):
        return {
            e.rule.key: e.version.number
            for e in rulebook_at(rulebook=standing_orders, on=on).entries
        }

    assert numbers(D("2011-06-01"))["quorum"] == "1.2"
    assert numbers(D("2012-06-01"))["quorum"] == "1.3"


def test_repealed_rules_are_left_out(standing_orders):
    assert "quorum" in keys(rulebook_at(rulebook=standing_orders, on=D("2019-12-31")))
    assert "quorum" not in keys(rulebook_at(rulebook=standing_orders, on=D("2020-01-01")))


def test_adopted_changes_not_yet_in_force_are_reported_as_pending(standing_orders):
    today = rulebook_at(rulebook=standing_orders, on=timezone.localdate())
    assert {e.rule.key: e.version.text for e in today.entries}["dues"] == "Dues are £10."
    assert [(v.rule.key, v.text) for v in today.pending] == [("dues", "Dues are £12.")]
    later = rulebook_at(
        rulebook=standing_orders, on=timezone.localdate() + datetime.timedelta(days=31)
    )
    assert later.pending == []
    assert {e.rule.key: e.version.text for e in later.entries}["dues"] == "Dues are £12."


def test_a_past_date_reports_nothing_pending_that_was_recorded_later(standing_orders):
    assert rulebook_at(rulebook=standing_orders, on=D("2014-01-01")).pending == []


def test_in_force_queryset_picks_one_version_per_rule(standing_orders):
    versions = RuleVersion.objects.filter(rule__rulebook=standing_orders).in_force(
        on=D("2016-01-01")
    )
    assert sorted(v.rule.key for v in versions) == ["ch1", "ch2", "dues", "officers", "quorum"]


def placed(rule):
    """Provenance and placement for versions inserted in bulk (a sibling key in document
    order, see rulebook.placement)."""
    return {
        "provenance": "reconstructed",
        "source": "Test history",
        "parent_id": rule.parent_id,
        "position": f"{rule.position:06d}5",
    }


def _build_book(size):
    book = RulebookFactory(slug=f"big-{size}")
    chapters = max(1, size // 10)
    rules = []
    position = 0
    for c in range(chapters):
        position += 1
        chapter = Rule(rulebook=book, key=f"c{c}", position=position)
        rules.append(chapter)
    Rule.objects.bulk_create(rules)
    children = []
    for i in range(size - chapters):
        position += 1
        children.append(
            Rule(rulebook=book, key=f"r{i}", position=position, parent=rules[i % chapters])
        )
    Rule.objects.bulk_create(children)
    versions = []
    for rule in Rule.objects.filter(rulebook=book):
        versions.append(
            RuleVersion(
                rule=rule,
                seq=1,
                number=rule.key,
                text="old",
                effective_from=D("2010-01-01"),
                **placed(rule),
            )
        )
        versions.append(
            RuleVersion(
                rule=rule,
                seq=2,
                number=rule.key,
                text="new",
                effective_from=D("2015-01-01"),
                **placed(rule),
            )
        )
    RuleVersion.objects.bulk_create(versions)
    return book


@pytest.mark.parametrize("size", [10, 1000])
def test_the_rule_book_on_a_date_takes_a_constant_number_of_queries(
    size, django_assert_num_queries
):
    book = _build_book(size)
    with django_assert_num_queries(4):
        snapshot = rulebook_at(rulebook=book, on=D("2016-01-01"))
    assert len(snapshot.entries) == size
    assert {e.version.text for e in snapshot.entries} == {"new"}


def test_rules_placed_with_stale_objects_still_land_in_document_order():
    book = RulebookFactory(slug="stale-objects")
    ch1 = rule_create(rulebook=book, key="ch1")
    ch2 = rule_create(rulebook=book, key="ch2")
    first = rule_create(rulebook=book, key="ch1-a", parent=ch1)
    rule_create(rulebook=book, key="ch1-b", parent=ch1, after=first)
    # ch2 in memory still has the position it had before ch1's children pushed it down.
    rule_create(rulebook=book, key="ch2-a", parent=ch2)
    rule_create(rulebook=book, key="ch1-c", parent=ch1)
    order = list(
        Rule.objects.filter(rulebook=book).in_document_order().values_list("key", flat=True)
    )
    assert order == ["ch1", "ch1-a", "ch1-b", "ch1-c", "ch2", "ch2-a"]


def test_a_rule_whose_parent_is_not_in_force_sits_under_its_nearest_ancestor_that_is():
    book = RulebookFactory(slug="orphans")
    chapter = rule_create(rulebook=book, key="ch")
    clause = rule_create(rulebook=book, key="cl", parent=chapter)
    sub = rule_create(rulebook=book, key="sub", parent=clause)
    add_version(sub, "2008-01-01", "Older than its clause.", number="Rule 4B(2)Bii")
    add_version(chapter, "2013-01-01", "", number="4", heading="Elections")
    add_version(clause, "2013-01-01", "Clause text.", number="4.II")

    def depths(on):
        return [(e.rule.key, e.depth) for e in rulebook_at(rulebook=book, on=D(on)).entries]

    assert depths("2010-01-01") == [("sub", 0)]
    assert depths("2014-01-01") == [("ch", 0), ("cl", 1), ("sub", 2)]
    add_version(clause, "2015-01-01", repealed=True)
    assert depths("2016-01-01") == [("ch", 0), ("sub", 1)]
