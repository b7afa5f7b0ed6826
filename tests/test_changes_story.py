"""Changes between two dates tell each rule's story (every step in between, the proposal behind
it, a link to its diff) and read only the page's rules, whatever the size of the book."""

import datetime
import itertools
import time

import pytest
from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext

from rulebook.models import Rule, RuleVersion
from rulebook.selectors import rulebook_changes
from rulebook.story import span_outline, span_stories
from tests import worlds
from tests.factories import big_rulebook
from tests.worlds import built_once
from web.views.book import CHANGES_PAGE_SIZE

D = datetime.date.fromisoformat
SIZE = 1000  # rules, three versions each (2013, 2017, 2021)


def page(client, url, status=200, **params):
    response = client.get(url, params)
    assert response.status_code == status, response.content.decode()[:500]
    return response.content.decode()


def third_versions(book) -> None:
    """A third version of every rule of a `big_rulebook`, from 2021: new words, and the
    first clause of each chapter repealed."""
    rules = Rule.objects.filter(rulebook=book).order_by("position")
    latest = {v.rule_id: v for v in RuleVersion.objects.filter(rule__rulebook=book, seq=2)}
    versions = []
    for rule in rules:
        was = latest[rule.pk]
        repealed = rule.position % 20 == 1
        words = {"number": was.number, "heading": was.heading}
        words["text"] = f"Rule {rule.key}: members shall meet monthly."
        versions.append(
            RuleVersion(
                rule=rule,
                seq=3,
                **(dict.fromkeys(words, "") if repealed else words),
                repealed=repealed,
                effective_from=D("2021-09-27"),
                provenance="reconstructed",
                source="Generated for the tests",
                parent_id=was.parent_id,
                position=was.position,
            )
        )
    RuleVersion.objects.bulk_create(versions, batch_size=2000)


@pytest.fixture(scope="module")
def books_world(django_db_setup, django_db_blocker):
    def build():
        coop = worlds.coop()
        big = big_rulebook("big3", SIZE)
        third_versions(big)
        return coop, big

    with built_once(django_db_blocker, build) as built:
        yield built


@pytest.fixture
def books(db, books_world):
    return books_world


def changed_section(html: str) -> str:
    return html.split('id="changed-title"')[1].split("</section>")[0]


def test_the_story_of_a_rule_lists_every_step_with_the_proposal_and_a_link_to_its_diff(
    client, books
):
    coop, _ = books
    html = changed_section(
        page(client, "/coop/changes/", **{"from": "2016-06-01", "to": "2022-06-01"})
    )
    story = html.split('class="story"')[1]
    assert "3 steps in between" in story
    # 2017 (10%), 2021 (20%) by proposals, the 2022 renumbering typed in directly
    assert story.index("27 September 2017") < story.index("29 September 2021")
    assert story.index("29 September 2021") < story.index("1 January 2022")
    assert f'href="/coop/proposals/{coop.p2017.pk}/">2017/1</a>' in story
    assert f'href="/coop/proposals/{coop.p20.pk}/">2021/7</a>' in story
    for a, b in ((1, 2), (2, 3), (3, 4)):
        assert f'href="/coop/rules/nominations/compare/?from={a}&amp;to={b}"' in story
    # the net diff: 15 then, 20 now (the 10% of 2017 is a step, not the net change)
    assert "<del>15</del>" in html and "<ins>20</ins>" in html
    assert "<ins>10</ins>" not in html


def test_a_step_hidden_by_the_net_change_is_still_told(client, books):
    """15% -> 10% (2017) -> 20% (2021): between 2016 and 2021 the net change is 15 -> 20, and
    the 2017 step must still show with its proposal."""
    html = changed_section(
        page(client, "/coop/changes/", **{"from": "2016-06-01", "to": "2021-12-01"})
    )
    assert "2 steps in between" in html
    assert "Lower the threshold to 10%" in html and "Raise the threshold to 20%" in html


def test_an_added_rule_tells_its_first_version(client, books):
    html = page(client, "/coop/changes/", **{"from": "2021-12-01", "to": "2022-06-01"})
    added = html.split('id="added-title"')[1].split("</section>")[0]
    assert "Deputy leader" in added
    assert "diff of this step" not in added  # nothing before the first version to compare


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2016-06-01", "2022-06-01"),
        ("2010-01-01", "2030-01-01"),
        ("2018-01-01", "2019-06-01"),
        ("2017-09-27", "2017-09-27"),
        ("2021-01-01", "2021-12-31"),
    ],
)
def test_the_lean_outline_finds_exactly_the_changes_of_the_whole_book_read(books, start, end):
    coop, big = books
    for book in (coop.book, big):
        whole = rulebook_changes(rulebook=book, start=D(start), end=D(end))
        outline = span_outline(rulebook=book, start=D(start), end=D(end))
        stories = span_stories(outline, outline.rows)
        assert [(s.change.rule.key, s.change.kind) for s in stories] == [
            (c.rule.key, c.kind) for c in whole.items
        ]
        assert [(s.change.renumbered, s.change.moved) for s in stories] == [
            (c.renumbered, c.moved) for c in whole.items
        ]
        assert outline.counts() == whole.counts()
        moved = [(s.change.parent_before, s.change.parent_after) for s in stories if s.change.moved]
        assert moved == [(c.parent_before, c.parent_after) for c in whole.moved]


def test_a_page_of_changes_reads_only_the_page_s_versions(client, books):
    """The 1,000-rule book has 3,000 versions; a page builds the versions of its rules
    (both ends and the steps between), not the book's."""
    built = itertools.count()

    def count(sender, **kwargs):
        next(built)

    post_init.connect(count, sender=RuleVersion)
    try:
        html = page(
            client, "/big3/changes/", **{"from": "2014-01-01", "to": "2022-01-01", "page": 3}
        )
    finally:
        post_init.disconnect(count, sender=RuleVersion)
    # the page's rules, less the first clause of each chapter, repealed in 2021 and listed
    repeals = sum(1 for n in range(2 * CHANGES_PAGE_SIZE, 3 * CHANGES_PAGE_SIZE) if n % 20 == 1)
    assert html.count('<article class="change">') == CHANGES_PAGE_SIZE - repeals
    assert next(built) <= 3 * CHANGES_PAGE_SIZE + 1


def test_a_page_of_changes_runs_as_many_queries_on_the_big_book_as_on_the_small_one(
    client, books, django_assert_num_queries
):
    with CaptureQueriesContext(connection) as small:
        page(client, "/coop/changes/", **{"from": "2016-06-01", "to": "2025-06-01"})
    queries = len(small)
    assert queries >= 5  # book, outline, versions, parameters, amendments with proposals
    for number in (1, 7):
        with django_assert_num_queries(queries):
            page(
                client,
                "/big3/changes/",
                **{"from": "2014-01-01", "to": "2022-01-01", "page": number},
            )


def test_a_page_of_changes_of_a_thousand_rule_book_is_served_cold_within_a_second(client, books):
    from django.core.cache import cache

    timings = []
    for number in (1, 5, 10):
        cache.clear()
        started = time.perf_counter()
        page(client, "/big3/changes/", **{"from": "2014-01-01", "to": "2022-01-01", "page": number})
        timings.append(time.perf_counter() - started)
    print("changes page of a 1,000-rule x 3-version book, cold, s:", timings)
    # The target is under 1 s; the best of three leaves room for a loaded two-core machine.
    assert min(timings) < 1.0, timings


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"from": "2021-02-30"}, 400, "must be a date"),
        ({"to": "yesterday"}, 400, "must be a date"),
        ({"from": "2022-01-01", "to": "2021-01-01"}, 400, "is after"),
        ({"from": "2016-01-01", "page": "0"}, 400, "whole number"),
        ({"from": "2016-01-01", "page": "40"}, 404, "no page 40"),
    ],
)
def test_bad_input_is_answered_with_a_clear_message(client, books, params, status, message):
    assert message in page(client, "/coop/changes/", status, **params)


def test_an_unknown_rule_book_has_no_changes(client, books):
    assert "no rule book" in page(client, "/nowhere/changes/", 404)
