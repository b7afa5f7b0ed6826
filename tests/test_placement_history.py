"""The structure on a date is the structure of that date: a version records where its rule sat
(parent and sibling order), so after a renumber and move the book on an earlier date shows the
old nesting and order, the changes report the move, and files carry it through a round trip."""

import datetime

import pytest
from rest_framework.test import APIClient

from rulebook.exchange import dump_document, read_document, rulebook_export, rulebook_import
from rulebook.exchange.values import InvalidRulebookFile
from rulebook.models import RuleVersion
from rulebook.placement import Placed, document_order, key_between, keys_in_order
from rulebook.selectors import rulebook_at, rulebook_changes
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
    assert (b["versions"][0]["parent"], b["versions"][0]["after"]) == ("c4-ii", "a")
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


def test_a_stated_placement_must_name_rules_of_the_file(db):
    assert sorted(
        problems(
            minimal(
                {"key": "a", "versions": [placed("1", parent="nowhere", after=None), LATEST]},
                {"key": "b", "versions": [placed("2", parent=None, after="b"), LATEST]},
                {"key": "c", "versions": [placed("3", parent="a"), LATEST]},
            )
        )
    ) == [
        "rules[0].versions[0].parent: there is no rule 'nowhere' in this file",
        "rules[1].versions[0].after: a rule cannot sit under or after itself",
        "rules[2].versions[0].after: a version that states where it sat gives both parent and "
        "after (null for none)",
    ]


def test_the_latest_version_sits_where_its_rule_is_listed(db):
    assert problems(
        minimal(
            {"key": "p", "versions": [version("1", "2015-01-01")]},
            {"key": "q", "versions": [version("2", "2015-01-01", parent="p", after=None)]},
        )
    ) == [
        "rules[1].versions[0].parent: the latest version sits where the rule is listed; state "
        "parent and after only on earlier versions"
    ]


def test_a_stated_placement_must_follow_a_sibling_in_force_under_that_parent(db):
    assert problems(
        minimal(
            {"key": "p", "versions": [version("1", "2015-01-01")]},
            {"key": "q", "versions": [version("2", "2015-01-01")]},
            {
                "key": "r",
                "parent": "q",
                "versions": [
                    version("1.1", "2015-01-01", parent="p", after="q"),
                    version("2.1", "2016-01-01"),
                ],
            },
        )
    ) == ["rules[2].versions[0].after: 'q' is not under p on 2015-01-01"]


def test_a_file_placement_puts_the_version_right_after_its_sibling(db):
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
                    version("1.1a", "2015-01-01", parent="p", after="p1"),
                    version("2.1", "2016-01-01"),
                ],
            },
        )
    )
    assert [key for key, _d, _n in outline(book, D("2015-06-01"))] == ["p", "p1", "r", "p2", "q"]
    assert [key for key, _d, _n in outline(book, D("2016-06-01"))] == ["p", "p1", "p2", "q", "r"]


def test_two_rules_that_each_followed_the_same_sibling_keep_the_order_of_their_dates(db):
    data = minimal(
        {"key": "p", "versions": [version("1", "2015-01-01")]},
        {"key": "s", "parent": "p", "versions": [version("1.1", "2015-01-01")]},
        {"key": "b", "parent": "p", "versions": [version("1.9", "2015-01-01")]},
        {"key": "q", "versions": [version("2", "2015-01-01")]},
        {
            "key": "x",
            "parent": "q",
            "versions": [version("1.2", "2018-01-01", parent="p", after="s"), LATEST],
        },
        {
            "key": "y",
            "parent": "q",
            "versions": [version("1.2", "2016-01-01", parent="p", after="s"), LATEST],
        },
    )
    book = rulebook_import(data=data)
    assert [k for k, _d, _n in outline(book, D("2017-01-01"))][:4] == ["p", "s", "y", "b"]
    assert [k for k, _d, _n in outline(book, D("2019-01-01"))][:5] == ["p", "s", "x", "y", "b"]
    exported = rulebook_export(rulebook=book)
    placements = {
        r["key"]: (r["versions"][0].get("parent"), r["versions"][0].get("after"))
        for r in exported["rules"]
    }
    assert placements["x"] == placements["y"] == ("p", "s")


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
