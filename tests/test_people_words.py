"""Wherever a person reads, rules are named by number and heading and parameters by label,
never by the keys of addresses and files (issue 12, item 1).

The world (`worlds.branch`) has keys such as `zq9-x-2-b-iii` and `zq_treasurer_branch_share`
that appear in no heading or label, so any page that shows one is caught.
"""

import datetime
import html as html_module
import json
import re

import pytest
from django.utils import timezone

from proposals.models import Amendment
from proposals.roles import DRAFTER
from rulebook.models import AuditEntry, Rule
from tests.factories import ProposalFactory, add_version, amend, staff
from tests.worlds import proposal_post

pytestmark = pytest.mark.django_db

KEYS = ("zq9", "zq_")  # every rule key and parameter key of the world starts so


def visible_text(markup: str) -> str:
    """What a reader sees: the markup without tags, comments and attribute values."""
    markup = re.sub(r"<!--.*?-->", " ", markup, flags=re.S)
    markup = re.sub(r"<(script|style)\b.*?</\1>", " ", markup, flags=re.S)
    return html_module.unescape(re.sub(r"<[^>]+>", " ", markup))


def read(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.content.decode()[:300]
    return response.content.decode()


def assert_no_keys(text: str) -> None:
    for key in KEYS:
        assert key not in text, text[max(0, text.find(key) - 200) : text.find(key) + 100]


def squeeze(text: str) -> str:
    """Runs of space as one; none before a colon or full stop (a tag's edge, not a space)."""
    return re.sub(r" ([:.])", r"\1", " ".join(text.split()))


@pytest.mark.parametrize(
    "url",
    [
        "/branch/",
        "/branch/proposals/",
        "/branch/proposals/{adopted}/",
        "/branch/proposals/{lost}/",
        "/branch/rules/zq9-x-2-b-iii/",
        "/branch/rules/zq9-x-2-b-iii/v/2/",
        "/branch/rules/zq9-x-2-b-iii/compare/?from=1&to=2",
        "/branch/rules/zq9-x-2-b-iii/blame/",
        "/branch/rules/zq9-x-3/",
        "/branch/rules/zq9-x-3/v/2/",
        "/branch/rules/zq9-x-3/compare/?from=1&to=2",
        "/branch/rules/zq9-x-3/blame/",
        "/branch/parameters/",
        "/branch/parameters/zq_treasurer_branch_share/",
        "/branch/changes/?from=2016-06-01&to=2021-06-01",
    ],
)
def test_no_page_a_member_reads_shows_a_rule_or_parameter_key(client, branch, url):
    markup = read(client, url.format(adopted=branch.adopted.pk, lost=branch.lost.pk))
    assert_no_keys(visible_text(markup))


def test_the_proposals_list_names_each_rule_by_number_and_heading_linked_to_its_page(
    client, branch
):
    markup = read(client, "/branch/proposals/")
    row = markup[markup.index(">2021/2<") :]
    row = row[: row.index("</tr>")]
    assert 'href="/branch/rules/zq9-x-2-b-iii/"' in row
    assert "9.X.2.B.iii Nominations for treasurer" in squeeze(visible_text(row))
    assert "Lost" in visible_text(row)


def test_the_proposal_page_names_its_rule_and_its_values_by_label_with_units(client, branch):
    text = squeeze(visible_text(read(client, f"/branch/proposals/{branch.lost.pk}/")))
    assert "Amend text: 9.X.2.B.iii Nominations for treasurer" in text
    assert "Treasurer nominations: share of branches: 5%" in text


def test_the_alternatives_on_the_rule_page_name_each_proposed_value_by_its_label(client, branch):
    markup = read(client, "/branch/rules/zq9-x-2-b-iii/")
    cards = markup[markup.index('class="alternatives"') :]
    text = squeeze(visible_text(cards))
    assert "Treasurer nominations: share of branches: 10%" in text
    assert "Treasurer nominations: share of branches: 5%" in text
    assert 'href="/branch/parameters/zq_treasurer_branch_share/"' in cards


def test_the_feeds_name_rules_by_number_and_heading_and_a_repeal_as_a_repeal(client, branch):
    feed = read(client, "/branch/feed/")
    titles = re.findall(r"<title>(.*?)</title>", feed)
    assert "9.X.3 Banners and flags: repealed, in force since 1 January 2020" in titles
    assert any(t.startswith("9.X.2.B.iii Nominations for treasurer — version 2") for t in titles)
    assert_no_keys(" ".join(titles))
    rule_feed = read(client, "/branch/rules/zq9-x-2-b-iii/feed/")
    title = re.search(r"<title>(.*?)</title>", rule_feed).group(1)
    assert title == (
        "Riverside Branch Standing Orders: changes to rule 9.X.2.B.iii Nominations for treasurer"
    )
    repealed_feed = read(client, "/branch/rules/zq9-x-3/feed/")
    assert "changes to rule 9.X.3 Banners and flags" in repealed_feed


def test_a_rule_is_named_by_its_wording_on_the_date_asked_for(branch):
    named = Rule.objects.with_current_wording().get(pk=branch.banners.pk)
    assert str(named) == "9.X.3 Banners and flags"  # repealed since: its last number
    assert str(Rule.objects.get(pk=branch.banners.pk)) == "zq9-x-3"  # not annotated: the key
    before = Rule.objects.with_current_wording(on=datetime.date(2015, 1, 1))
    assert str(before.get(pk=branch.treasurer.pk)) == "9.X.2.B.iii Nominations for treasurer"


# --- the admin -------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, branch):
    client.force_login(staff("words-admin", superuser=True))
    return client


def autocomplete(client, term: str) -> list[str]:
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "proposals", "model_name": "amendment", "field_name": "rule", "term": term},
    )
    assert response.status_code == 200
    return [row["text"] for row in response.json()["results"]]


def test_the_admin_autocomplete_finds_a_rule_by_number_or_heading_and_names_it_so(admin_client):
    assert autocomplete(admin_client, "9.X.2.B.iii") == ["9.X.2.B.iii Nominations for treasurer"]
    assert autocomplete(admin_client, "treasurer") == ["9.X.2.B.iii Nominations for treasurer"]
    assert autocomplete(admin_client, "Notice of") == ["9.X.4 Notice of meetings"]
    # A rule numbered exactly so comes before those whose numbers merely contain it.
    assert autocomplete(admin_client, "9")[0] == "9 Officers"
    assert autocomplete(admin_client, "no such words") == []


def test_the_admin_rule_list_names_rules_and_their_parents_by_number_and_heading(admin_client):
    response = admin_client.get("/admin/rulebook/rule/", {"q": "treasurer"})
    assert response.status_code == 200
    text = squeeze(visible_text(response.content.decode()))
    assert "9.X.2.B.iii Nominations for treasurer" in text
    assert "9 Officers" in text  # its parent
    assert "1 rule" in text  # found once, however many of its versions matched


def test_an_amendment_reads_as_its_kind_and_the_rule_it_changes(branch):
    amendment = Amendment.objects.select_related("base_version").get(proposal=branch.lost)
    assert str(amendment) == "Amend text: 9.X.2.B.iii Nominations for treasurer"


# --- the admin's parameter inputs ---------------------------------------------------------------


@pytest.fixture
def draft(branch):
    return ProposalFactory(
        rulebook=branch.book,
        reference="2026/9",
        title="Raise the treasurer threshold",
        amendments=[
            amend(
                branch.treasurer,
                "Each nomination for treasurer needs the support of 12 per cent of branches.",
                parameters={branch.share.key: 12},
            )
        ],
    )


def change_page(client, draft) -> str:
    return read(client, f"/admin/proposals/proposal/{draft.pk}/change/")


def test_the_admin_shows_one_labelled_input_per_parameter_of_the_rule_typed_by_its_unit(
    admin_client, branch, draft
):
    markup = change_page(admin_client, draft)
    # The chosen rule, as the autocomplete shows it: by number and heading.
    assert "selected>9.X.2.B.iii Nominations for treasurer</option>" in markup
    field = markup[markup.index('class="rb-parameters"') :]
    field = field[: field.index("</div>")]
    inputs = re.findall(r"<input [^>]*>", field)
    names = [re.search(r'name="([^"]+)"', i).group(1) for i in inputs]
    assert names == [
        "amendments-0-parameters.zq_treasurer_branch_share",  # the one the rule states
        "amendments-0-parameters+value",  # and a value for another one
    ]
    share = inputs[0]
    assert 'type="number"' in share and 'value="12"' in share
    assert 'min="0"' in share and 'max="100"' in share  # a percentage
    label = re.search(r'<label for="([^"]+)">([^<]+)</label>', field)
    assert label.group(2) == "Treasurer nominations: share of branches"
    assert f'id="{label.group(1)}"' in share
    # The other parameters of the book, by label, to add one the rule does not state.
    options = re.findall(r'<option value="(zq_[a-z_]+)">([^<]+)</option>', field)
    assert options == [
        ("zq_spare_figure", "Honorarium of the secretary"),
        ("zq_meeting_notice_days", "Notice of a general meeting (days)"),
    ]
    assert "made-up" not in markup and '{"' not in visible_text(field)


@pytest.fixture
def drafter_client(client, branch):
    client.force_login(staff("words-drafter", DRAFTER))
    return client


def post_parameters(client, branch, draft, **values):
    amendment = draft.amendments.get()
    row = {
        "id": amendment.pk,
        "kind": "amend",
        "rule": branch.treasurer.pk,
        "number": amendment.number,
        "heading": amendment.heading,
        "text": amendment.text,
    }
    data = proposal_post(
        branch.book,
        existing=[row],
        reference=draft.reference,
        title=draft.title,
        proposer=draft.proposer,
        conference_year="",
    )
    del data["amendments-0-parameters"]  # the inputs, not JSON
    data.update({f"amendments-0-{name}": value for name, value in values.items()})
    return client.post(f"/admin/proposals/proposal/{draft.pk}/change/", data), amendment


def test_typing_a_value_saves_it_through_the_services(drafter_client, branch, draft):
    response, amendment = post_parameters(
        drafter_client,
        branch,
        draft,
        **{"parameters.zq_treasurer_branch_share": "12.5", "parameters+key": "zq_spare_figure"},
        **{"parameters+value": "300"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    amendment.refresh_from_db()
    assert amendment.parameters == {"zq_treasurer_branch_share": 12.5, "zq_spare_figure": 300}
    entry = AuditEntry.objects.filter(action="amendment.update").order_by("-id").first()
    assert entry is not None and "parameters" in json.dumps(entry.data)


def test_a_value_that_is_no_number_is_refused_naming_the_parameter_and_nothing_is_saved(
    drafter_client, branch, draft
):
    response, amendment = post_parameters(
        drafter_client, branch, draft, **{"parameters.zq_treasurer_branch_share": "ten"}
    )
    assert response.status_code == 200
    assert "Treasurer nominations: share of branches: give a number, not &#x27;ten&#x27;." in (
        response.content.decode()
    )
    amendment.refresh_from_db()
    assert amendment.parameters == {"zq_treasurer_branch_share": 12}


def test_a_value_the_services_refuse_is_shown_on_the_form(drafter_client, branch, draft):
    response, amendment = post_parameters(
        drafter_client, branch, draft, **{"parameters.zq_no_such_thing": "3"}
    )
    assert response.status_code == 200
    assert "has no parameter &#x27;zq_no_such_thing&#x27;" in response.content.decode()
    amendment.refresh_from_db()
    assert amendment.parameters == {"zq_treasurer_branch_share": 12}


def test_a_repeal_waiting_to_take_effect_names_the_rule_it_repeals(client, branch):
    soon = timezone.localdate() + datetime.timedelta(days=30)
    add_version(branch.treasurer, soon, repealed=True)
    text = squeeze(visible_text(read(client, "/branch/")))
    assert f"Repeal of 9.X.2.B.iii Nominations for treasurer takes effect on {soon:%-d %B %Y}" in (
        text
    )
    assert_no_keys(text)


def test_the_admin_lists_of_versions_and_parameters_lead_with_words(admin_client):
    response = admin_client.get("/admin/rulebook/ruleversion/")
    assert response.status_code == 200
    text = squeeze(visible_text(response.content.decode()))
    assert "9.X.2.B.iii Nominations for treasurer, version 2, from 2019-10-01" in text
    assert "Repeal, version 2, from 2020-01-01" in text
    assert "zq9" not in text
    response = admin_client.get("/admin/rulebook/parameter/")
    links = re.findall(r'<th class="field-__str__"><a [^>]*>([^<]+)</a>', response.content.decode())
    assert sorted(links) == [
        "Honorarium of the secretary",
        "Notice of a general meeting",
        "Treasurer nominations: share of branches",
    ]
