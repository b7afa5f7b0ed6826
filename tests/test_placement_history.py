"""The structure on a date is the structure of that date: a version records where its rule sat
(parent and sibling order), so after a renumber and move the book on an earlier date shows the
old nesting and order, the changes report the move, and files carry it through a round trip."""

import datetime
import random

import pytest
from rest_framework.test import APIClient

from rulebook.exchange import dump_document, read_document, rulebook_export, rulebook_import
from rulebook.exchange.values import InvalidRulebookFile
from rulebook.models import RuleVersion
from rulebook.placement import Placed, document_order, key_between, keys_in_order
from rulebook.selectors import rulebook_at, rulebook_changes
from rulebook.services import rule_create, rule_move
from tests.factories import ProposalFactory, RulebookFactory, RuleFactory, add_version

D = datetime.date.fromisoformat
BEFORE, AFTER = D("2021-06-01"), D("2022-06-01")


def build_chapter():
    """Chapter 4 with clauses 4.I, 4.II (A, B with B.i under it, C) and 4.III (X), since 2016;
    then a proposal adopted in 2021 renumbers B to 4.III.2 and moves it, with B.i, under
    4.III after X, from 1 January 2022."""
    book = RulebookFactory(slug="moves", title="Moves Rule Book")
    rules = {}

    def rule(key, number, parent=None):
        rules[key] = RuleFactory(rulebook=book, key=key, parent=rules.get(parent))
        add_version(rules[key], "2016-01-01", f"Text of {number}.", number=number, heading=key)

    rule("c4", "4")
    rule("c4-i", "4.I", "c4")
    rule("c4-ii", "4.II", "c4")
    rule("a", "4.II.A", "c4-ii")
    rule("b", "4.II.B", "c4-ii")
    rule("b-i", "4.II.B.i", "b")
    rule("c", "4.II.C", "c4-ii")
    rule("c4-iii", "4.III", "c4")
    rule("x", "4.III.1", "c4-iii")
    renumber = {"kind": "renumber", "rule": "b", "number": "4.III.2", "parent": "c4-iii"}
    ProposalFactory(
        rulebook=book,
        reference="2021/9",
        title="Move nominations",
        amendments=[{**renumber, "after": "x"}],
        adopted=True,
        decided_on=D("2021-09-26"),
        effective_from=D("2022-01-01"),
    )
    return book


@pytest.fixture
def book(db):
    return build_chapter()


def outline(book, on):
    snapshot = rulebook_at(rulebook=book, on=on)
    return [(e.rule.key, e.depth, e.version.number) for e in snapshot.entries]


def test_the_book_on_an_earlier_date_shows_the_old_nesting_and_order(book):
    assert outline(book, BEFORE) == [
        ("c4", 0, "4"),
        ("c4-i", 1, "4.I"),
        ("c4-ii", 1, "4.II"),
        ("a", 2, "4.II.A"),
        ("b", 2, "4.II.B"),
        ("b-i", 3, "4.II.B.i"),
        ("c", 2, "4.II.C"),
        ("c4-iii", 1, "4.III"),
        ("x", 2, "4.III.1"),
    ]


def test_the_book_after_the_move_shows_the_rule_and_its_sub_rules_in_their_new_place(book):
    assert outline(book, AFTER) == [
        ("c4", 0, "4"),
        ("c4-i", 1, "4.I"),
        ("c4-ii", 1, "4.II"),
        ("a", 2, "4.II.A"),
        ("c", 2, "4.II.C"),
        ("c4-iii", 1, "4.III"),
        ("x", 2, "4.III.1"),
        ("b", 2, "4.III.2"),
        ("b-i", 3, "4.II.B.i"),
    ]


def test_the_move_is_a_new_version_carrying_the_new_placement(book):
    first, moved = RuleVersion.objects.filter(rule__key="b").order_by("seq")
    assert (first.parent.key, moved.parent.key) == ("c4-ii", "c4-iii")
    assert (first.text, first.provenance) == (moved.text, "reconstructed")
    assert moved.provenance == "adopted"


def test_a_move_adopted_for_a_later_date_leaves_today_s_book_as_it_is(db):
    book = build_chapter()
    today = datetime.date.today()
    ProposalFactory(
        rulebook=book,
        reference="2026/2",
        amendments=[{"kind": "renumber", "rule": "a", "number": "4.I.1", "parent": "c4-i"}],
        adopted=True,
        decided_on=today - datetime.timedelta(days=3),
        effective_from=today + datetime.timedelta(days=30),
    )
    keys = [key for key, _depth, _number in outline(book, today)]
    assert keys.index("a") > keys.index("c4-ii")
    later = outline(book, today + datetime.timedelta(days=30))
    assert ("a", 2, "4.I.1") in later
    assert [k for k, _d, _n in later].index("a") < [k for k, _d, _n in later].index("c4-ii")


def test_the_contents_page_on_an_earlier_date_nests_the_rule_under_its_old_parent(client, book):
    response = client.get("/moves/", {"at": "2021-06-01"})
    assert response.status_code == 200
    html = response.content.decode()
    order = [html.index(f'id="{key}"') for key in ("c4-ii", "a", "b", "b-i", "c", "c4-iii", "x")]
    assert order == sorted(order)
    assert 'class="rule depth-2" id="b"' in html


def test_the_api_lists_the_parent_of_that_date(book):
    api = APIClient()
    earlier = api.get("/api/rulebooks/moves/rules/", {"at": "2021-06-01"})
    later = api.get("/api/rulebooks/moves/rules/", {"at": "2022-06-01"})
    assert (earlier.status_code, later.status_code) == (200, 200)
    parent = {r["key"]: r["parent"] for r in earlier.json()["results"]}
    assert parent["b"] == "c4-ii"
    assert {r["key"]: r["parent"] for r in later.json()["results"]}["b"] == "c4-iii"


def test_the_changes_report_the_move_with_both_parents(book):
    changes = rulebook_changes(rulebook=book, start=BEFORE, end=AFTER)
    (moved,) = changes.moved
    assert (moved.kind, moved.rule.key, moved.renumbered) == ("renumbered", "b", True)
    assert (moved.parent_before.number, moved.parent_after.number) == ("4.II", "4.III")


def test_the_changes_page_says_where_the_rule_moved(client, book):
    response = client.get("/moves/changes/", {"from": "2021-06-01", "to": "2022-06-01"})
    assert response.status_code == 200
    text = " ".join(response.content.decode().split())
    assert "1 moved" in text
    assert (
        'moved from under <span class="num">4.II</span> to under <span class="num">4.III</span>'
        in text
    )


def test_the_api_changes_report_the_move(book):
    response = APIClient().get(
        "/api/rulebooks/moves/changes/", {"from": "2021-06-01", "to": "2022-06-01"}
    )
    assert response.status_code == 200
    (change,) = response.json()["changes"]
    assert (change["kind"], change["renumbered"], change["moved"]) == ("renumbered", True, True)
    assert change["moved_from"] == {"rule": "c4-ii", "number": "4.II"}
    assert change["moved_to"] == {"rule": "c4-iii", "number": "4.III"}


def test_a_move_alone_is_reported_as_moved(db):
    book = build_chapter()
    ProposalFactory(
        rulebook=book,
        reference="2022/1",
        amendments=[{"kind": "renumber", "rule": "c", "number": "4.II.C", "parent": "c4-iii"}],
        adopted=True,
        decided_on=D("2022-09-25"),
        effective_from=D("2023-01-01"),
    )
    (change,) = rulebook_changes(rulebook=book, start=AFTER, end=D("2023-06-01")).items
    assert (change.kind, change.rule.key, change.moved) == ("moved", "c", True)


def test_the_book_on_a_date_takes_the_same_number_of_queries_with_moves(
    book, django_assert_num_queries
):
    with django_assert_num_queries(4):
        rulebook_at(rulebook=book, on=BEFORE)


def test_the_export_states_where_a_moved_version_sat(book):
    exported = rulebook_export(rulebook=book)
    b = next(rule for rule in exported["rules"] if rule["key"] == "b")
    assert b["parent"] == "c4-iii"
    # Under 4.II, places were A, B, C: B's old place is the 2nd.
    assert (b["versions"][0]["parent"], b["versions"][0]["position"]) == ("c4-ii", 2)
    assert "parent" not in b["versions"][1]
    b_i = next(rule for rule in exported["rules"] if rule["key"] == "b-i")
    assert "parent" not in b_i["versions"][0]  # it moved with its parent, still under it


def test_export_import_export_with_a_move_is_identical_and_keeps_the_old_structure(book):
    first = dump_document(rulebook_export(rulebook=book), "yaml")
    data = read_document(first.replace("slug: moves", "slug: moves-again"), format="yaml")
    copy = rulebook_import(data=data)
    second = dump_document(rulebook_export(rulebook=copy), "yaml")
    assert second == first.replace("slug: moves", "slug: moves-again")
    assert outline(copy, BEFORE) == outline(book, BEFORE)
    assert outline(copy, AFTER) == outline(book, AFTER)


def test_the_export_on_a_date_has_the_structure_of_that_date(book):
    exported = rulebook_export(rulebook=book, at=BEFORE)
    assert [(r["key"], r.get("parent")) for r in exported["rules"]][3:6] == [
        ("a", "c4-ii"),
        ("b", "c4-ii"),
        ("b-i", "b"),
    ]


def minimal(*rules):
    return {"rulebook": {"slug": "placed", "title": "Placed"}, "rules": list(rules)}


def version(number, effective_from, **fields):
    return {"number": number, "effective_from": effective_from, **fields}


def placed(number, **placement):
    return version(number, "2015-01-01", **placement)


LATEST = version("9", "2020-01-01")


def problems(data):
    with pytest.raises(InvalidRulebookFile) as caught:
        rulebook_import(data=data)
    return caught.value.errors


def test_a_stated_placement_must_name_rules_of_the_file_and_a_place(db):
    assert sorted(
        problems(
            minimal(
                {"key": "a", "versions": [placed("1", parent="nowhere", position=1), LATEST]},
                {"key": "b", "versions": [placed("2", parent="b", position=1), LATEST]},
                {"key": "c", "versions": [placed("3", parent="a"), LATEST]},
                {"key": "d", "versions": [placed("4", parent="a", position=0), LATEST]},
            )
        )
    ) == [
        "rules[0].versions[0].parent: there is no rule 'nowhere' in this file",
        "rules[1].versions[0].parent: a rule cannot sit under itself",
        "rules[2].versions[0].position: a version that states where it sat gives both parent "
        "(null for a chapter) and position",
        "rules[3].versions[0].position: expected a whole number from 1, found the number 0",
    ]


def test_the_latest_version_sits_where_its_rule_is_listed(db):
    assert problems(
        minimal(
            {"key": "p", "versions": [version("1", "2015-01-01")]},
            {"key": "q", "versions": [version("2", "2015-01-01", parent="p", position=1)]},
        )
    ) == [
        "rules[1].versions[0].parent: the latest version sits where the rule is listed; state "
        "parent and position only on earlier versions"
    ]


def test_a_place_is_one_rule_s_and_within_the_parent_s_places(db):
    assert problems(
        minimal(
            {"key": "p", "versions": [version("1", "2015-01-01")]},
            {"key": "p1", "parent": "p", "versions": [version("1.1", "2015-01-01")]},
            {"key": "q", "versions": [placed("2", parent="p", position=2), LATEST]},
            {"key": "r", "versions": [placed("3", parent="p", position=2), LATEST]},
            {"key": "s", "versions": [placed("4", parent="q", position=3), LATEST]},
        )
    ) == [
        "rules[3].versions[0].position: place 2 under p is already 'q''s (rules[2].versions[0])",
        "rules[4].versions[0].position: q has 1 place(s) in this file (its 0 rule(s) and 1 "
        "earlier place(s)), not 3",
    ]


def test_a_stated_place_puts_the_version_among_the_parent_s_children(db):
    book = rulebook_import(
        data=minimal(
            {"key": "p", "versions": [version("1", "2015-01-01")]},
            {"key": "p1", "parent": "p", "versions": [version("1.1", "2015-01-01")]},
            {"key": "p2", "parent": "p", "versions": [version("1.2", "2015-01-01")]},
            {"key": "q", "versions": [version("2", "2015-01-01")]},
            {
                "key": "r",
                "parent": "q",
                "versions": [
                    version("1.1a", "2015-01-01", parent="p", position=2),
                    version("2.1", "2016-01-01"),
                ],
            },
        )
    )
    assert [key for key, _d, _n in outline(book, D("2015-06-01"))] == ["p", "p1", "r", "p2", "q"]
    assert [key for key, _d, _n in outline(book, D("2016-06-01"))] == ["p", "p1", "p2", "q", "r"]
    exported = rulebook_export(rulebook=book)
    assert exported["rules"][-1]["versions"][0]["position"] == 2


def test_sibling_keys_always_fit_between_their_neighbours():
    keys = keys_in_order(12)
    assert keys == sorted(keys)
    for low, high in [(None, keys[0]), (keys[3], keys[4]), (keys[-1], None), ("15", "151")]:
        key = key_between(low, high)
        assert (low is None or low < key) and (high is None or key < high)
        assert not key.endswith("0")


def test_document_order_walks_the_tree_and_hides_rules_not_in_force():
    placed = [
        Placed("child", "gone", "5", 3),
        Placed("gone", "top", "5", 2, shown=False),
        Placed("top", None, "5", 1),
        Placed("first", "top", "1", 4),
    ]
    assert document_order(placed) == [("top", 0), ("first", 1), ("child", 1)]


def random_history(seed: int):
    """A book of two chapters whose rules are moved, reordered and inserted at random, each
    change a new version one year after the last, through the services."""
    rng = random.Random(seed)
    book = RulebookFactory(slug=f"random-{seed}", title="Random")
    year = 2000
    chapters = [RuleFactory(rulebook=book, key=f"ch{i}") for i in range(2)]
    rules = list(chapters)
    for rule in chapters:
        add_version(rule, f"{year}-01-01", number=rule.key)
    for step in range(14):
        year += 1
        if step < 5 or rng.random() < 0.3:
            parent = rng.choice(rules)
            siblings = [r for r in rules if r.parent_id == parent.pk]
            after = rng.choice([None, *siblings])
            rule = rule_create(rulebook=book, key=f"r{step}", parent=parent, after=after)
            rules.append(rule)
        else:
            rule = rng.choice([r for r in rules if r not in chapters])
            blocked = {rule.pk} | {r.pk for r in rules if _under(r, rule)}
            parent = rng.choice([r for r in rules if r.pk not in blocked])
            siblings = [r for r in rules if r.parent_id == parent.pk and r.pk not in blocked]
            rule_move(rule=rule, parent=parent, after=rng.choice([None, *siblings]))
            for r in rules:
                r.refresh_from_db()
        add_version(rule, f"{year}-01-01", number=f"{rule.key}.{year}")
    return book


def _under(rule, ancestor) -> bool:
    while rule.parent_id is not None:
        if rule.parent_id == ancestor.pk:
            return True
        rule = rule.parent
    return False


@pytest.mark.parametrize("seed", range(12))
def test_random_moves_read_back_identically_on_every_date(db, seed):
    book = random_history(seed)
    first = dump_document(rulebook_export(rulebook=book), "yaml")
    copy_slug = f"copy-{seed}"
    copy = rulebook_import(data=read_document(first.replace(book.slug, copy_slug), format="yaml"))
    assert dump_document(rulebook_export(rulebook=copy), "yaml") == first.replace(
        book.slug, copy_slug
    )
    for year in range(2000, 2016):
        on = datetime.date(year, 6, 1)
        assert outline(copy, on) == outline(book, on), on
