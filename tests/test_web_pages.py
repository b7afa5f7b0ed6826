"""Member pages show the rule book on any date, each rule's history and where it came from."""

import datetime

import pytest
from django.contrib.staticfiles import finders
from django.utils import timezone

pytestmark = pytest.mark.django_db


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content.decode()[:500]
    return response.content.decode()


def test_the_rule_book_on_a_past_date_shows_the_text_then_with_links_to_each_history(client, coop):
    html = page(client, "/coop/?at=2017-01-01")
    assert "15 per cent" in html and "20 per cent" not in html
    assert "Dues are &lt;b&gt;£5&lt;/b&gt; a year." in html
    assert 'href="/coop/rules/nominations/?at=2017-01-01"' in html
    assert "Flags." in html  # repealed only in 2019
    assert "Flags." not in page(client, "/coop/?at=2020-01-01")
    order = [html.index(f'id="h-{key}"') for key in ("membership", "dues", "elections", "quorum")]
    assert order == sorted(order)  # document order: chapters before their clauses


def test_the_rule_book_today_announces_adopted_changes_waiting_to_take_effect(client, coop):
    html = page(client, "/coop/")
    assert "Adopted changes waiting to take effect" in html
    assert "/coop/rules/dues/v/2/" in html
    assert coop.future.strftime("%-d %B %Y") in html
    assert 'action=""' in html and 'name="at"' in html  # the date picker is a plain GET form


def test_the_rule_page_shows_the_text_in_force_and_the_versions_with_their_permalinks(client, coop):
    html = page(client, "/coop/rules/nominations/")
    assert "20 per cent" in html
    for seq in (1, 2, 3, 4):
        assert f'href="/coop/rules/nominations/v/{seq}/"' in html
    assert 'href="/coop/rules/nominations/feed/"' in html
    assert 'href="/coop/parameters/nomination_threshold/"' in html
    past = page(client, "/coop/rules/nominations/?at=2018-01-01")
    assert "10 per cent" in past and "It has changed since" in past


def test_the_rule_page_names_the_proposal_and_votes_behind_each_version(client, coop):
    html = page(client, "/coop/rules/nominations/")
    assert f'href="/coop/proposals/{coop.p20.pk}/"' in html
    assert "Raise the threshold to 20%" in html
    assert "Roll call: how each member voted" in html
    assert "Ada Lovelace" in html  # NEC roll call with names
    assert "CLPs" in html and "61.5%" in html  # Conference card vote by section


def test_the_rule_page_sets_every_rival_proposal_side_by_side_with_its_outcome(client, coop):
    html = page(client, "/coop/rules/nominations/")
    section = html.split("Every proposal to change this rule")[1]
    for reference in ("2017/1", "2021/4", "2021/7", "2021/9"):
        assert reference in section
    assert "Lost" in section and "Adopted" in section
    assert "overtaken" in section  # 2021/9 was drafted against a version since replaced
    assert "Nomination threshold</a>: <strong>5%</strong>" in section  # by label (issue 12)


def test_choosing_two_versions_to_compare_is_a_plain_get_form_with_radio_buttons(client, coop):
    html = page(client, "/coop/rules/nominations/")
    assert 'method="get" action="/coop/rules/nominations/compare/"' in html
    assert 'type="radio" name="from" value="3" id="from-3" checked' in html
    assert 'type="radio" name="to" value="4" id="to-4" checked' in html


def test_a_rule_not_yet_made_or_repealed_says_so(client, coop):
    assert "not yet in the rule book" in page(client, "/coop/rules/deputy/?at=2020-01-01")
    assert "repealed since 1 January 2019" in page(client, "/coop/rules/old-rule/")


def test_a_version_permalink_shows_that_version_and_where_it_came_from(client, coop):
    html = page(client, "/coop/rules/nominations/v/2/")
    assert "10 per cent" in html and "permanent link" in html
    assert "Lower the threshold to 10%" in html
    assert 'href="/coop/rules/nominations/compare/?from=1&amp;to=2"' in html


def test_compare_shows_a_word_diff_inline_with_a_stats_line(client, coop):
    html = page(client, "/coop/rules/nominations/compare/?from=1&to=3")
    assert "<del>15</del>" in html and "<ins>20</ins>" in html
    assert "1 word added, 1 removed" in html


def test_compare_side_by_side_puts_the_versions_in_two_columns(client, coop):
    html = page(client, "/coop/rules/nominations/compare/?from=2&to=4&view=side")
    assert 'class="side-by-side"' in html
    assert "<del>10</del>" in html and "<ins>20</ins>" in html
    assert "Renumbered from 2.1 to 2.3" in html


def test_blame_links_each_passage_to_the_version_and_proposal_that_introduced_it(client, coop):
    html = page(client, "/coop/rules/nominations/blame/")
    assert 'href="#origin-v3"' in html and 'href="#origin-v1"' in html
    assert 'id="origin-v3"' in html
    assert f'href="/coop/proposals/{coop.p20.pk}/"' in html
    assert "Annual Conference" in html
    old = page(client, "/coop/rules/nominations/blame/?at=2017-01-01")
    assert 'href="#origin-v3"' not in old


def test_changes_between_two_dates_lists_added_repealed_changed_and_renumbered(client, coop):
    html = page(client, "/coop/changes/?from=2017-01-01&to=2022-06-01")
    assert "Deputy leader" in html.split('id="added-title"')[1]
    assert "Banners" in html.split('id="repealed-title"')[1]
    changed = html.split('id="changed-title"')[1]
    assert "<del>15</del>" in changed and "<ins>20</ins>" in changed
    assert "renumbered from 2.1" in changed
    assert page(client, "/coop/changes/").count("Nothing changed") <= 1


def test_changes_default_to_the_last_year(client, coop):
    html = page(client, "/coop/changes/")
    today = timezone.localdate()
    assert f'value="{today.isoformat()}"' in html
    assert f'value="{today.year - 1}-' in html


def test_the_proposals_list_filters_by_status_year_proposer_and_rule(client, coop):
    html = page(client, "/coop/proposals/")
    assert all(r in html for r in ("2017/1", "2021/4", "2021/7", "2021/9"))
    lost = page(client, "/coop/proposals/?status=lost")
    assert "2021/4" in lost and "2021/7" not in lost
    in_2017 = page(client, "/coop/proposals/?year=2017")
    assert "2017/1" in in_2017 and "2021/4" not in in_2017
    assert "2021/9" in page(client, "/coop/proposals/?proposer=riverside")
    assert "No proposal matches" in page(client, "/coop/proposals/?proposer=nobody")
    assert "2021/7" in page(client, "/coop/proposals/?rule=2.3")
    assert "No proposal matches" in page(client, "/coop/proposals/?rule=quorum")


def test_a_proposal_shows_its_diff_its_votes_and_who_sat_on_the_body_that_day(client, coop):
    html = page(client, f"/coop/proposals/{coop.p20.pk}/")
    assert "<del>10</del>" in html and "<ins>20</ins>" in html
    assert "Who sat on the Executive Committee on 28 August 2021 (5)" in html
    assert "Retired Member" not in html  # her term ended in 2015
    assert "choice-abstain" in html
    assert "adopted as" in html


def test_a_stale_proposal_says_so(client, coop):
    html = page(client, f"/coop/proposals/{coop.p15.pk}/")
    assert "Stale:" in html
    assert "No vote has been recorded" in html


def test_the_parameter_page_draws_an_accessible_step_chart_and_a_table(client, coop):
    html = page(client, "/coop/parameters/nomination_threshold/")
    assert (
        '<svg class="chart-wide" viewBox="0 0 640 280" role="img" '
        'aria-labelledby="chart-title-wide chart-desc-wide"'
    ) in html
    assert '<title id="chart-title-wide">' in html and '<desc id="chart-desc-wide">' in html
    assert "from 1 January 2016, 15%" in html and "from 29 September 2021, 20%" in html
    assert "<script" not in html
    assert ">2018</text>" in html and "Date in force" in html
    assert "<caption>Values over time</caption>" in html


def test_search_finds_current_and_past_versions_and_can_stick_to_a_date(client, coop):
    html = page(client, "/coop/search/?q=committee")
    # The four versions of the nomination rule, grouped: the best first, then the others.
    assert html.count('class="snippet"') == 1
    assert "Also matched in versions" in html and "<mark>" in html
    on_date = page(client, "/coop/search/?q=committee&at=2018-01-01")
    assert on_date.count('class="snippet"') == 1
    assert "10 per cent" in on_date


def test_search_without_words_asks_for_some(client, coop):
    assert "Type a word or a phrase" in page(client, "/coop/search/?q=")
    assert "Type a word or a phrase" in page(client, "/coop/search/")


def test_search_snippets_escape_the_rule_text(client, coop):
    html = page(client, "/coop/search/?q=dues&at=2020-01-01")
    assert "<b>" not in html  # PostgreSQL's ts_headline drops tags, the fallback escapes them
    assert "£5" in html and "<mark>Dues</mark>" in html


def test_cite_redirects_any_number_a_rule_ever_had_to_the_rule(client, coop):
    response = client.get("/coop/cite/?ref=2.3")
    assert response.status_code == 302 and response["Location"] == "/coop/rules/nominations/"
    response = client.get("/coop/cite/?ref=2.2&at=2019-05-01")
    assert response["Location"] == "/coop/rules/quorum/?at=2019-05-01"


def test_an_ambiguous_citation_picks_the_rule_of_the_day_or_lists_the_candidates(client, coop):
    assert client.get("/coop/cite/?ref=2.1&at=2018-01-01")["Location"] == (
        "/coop/rules/nominations/?at=2018-01-01"
    )
    assert client.get("/coop/cite/?ref=2.1&at=2023-01-01")["Location"] == (
        "/coop/rules/deputy/?at=2023-01-01"
    )
    html = page(client, "/coop/cite/?ref=2.1")
    assert "More than one rule has been numbered 2.1" in html
    assert "/coop/rules/nominations/" in html and "/coop/rules/deputy/" in html


def test_an_unknown_citation_is_a_404_that_says_so(client, coop):
    html = page(client, "/coop/cite/?ref=9.9", status=404)
    assert "has ever been numbered &#x27;9.9&#x27;" in html


def test_the_atom_feed_lists_adopted_changes_newest_first(client, coop):
    response = client.get("/coop/feed/")
    assert response["Content-Type"].startswith("application/atom+xml")
    xml = response.content.decode()
    assert xml.count("<entry>") == 12
    assert xml.index("Dues — version 2") < xml.index("Nominations — version 4")
    assert "&lt;del&gt;15&lt;/del&gt;" in xml  # the diff, escaped into the entry's summary
    rule_feed = client.get("/coop/rules/nominations/feed/").content.decode()
    assert rule_feed.count("<entry>") == 4


def test_pages_are_readable_without_javascript_and_printable(client, coop):
    for url in ("/coop/", "/coop/rules/nominations/", f"/coop/proposals/{coop.p20.pk}/"):
        html = page(client, url)
        assert "<script" not in html
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    with open(finders.find("web/site.css"), encoding="utf-8") as css:
        rules = css.read()
    assert "@media print" in rules and "@media (max-width" in rules


def test_today_is_the_default_date(client, coop):
    today = timezone.localdate()
    assert f'value="{today.isoformat()}"' in page(client, "/coop/rules/nominations/")
    assert today - datetime.timedelta(days=1) < coop.future
