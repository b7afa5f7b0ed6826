"""Pending is never called in force: a change adopted but not yet in force is labelled pending
on the parameter page, the rule pages and in the API; the chart marks today; the banner on a
future date lists only what is still pending after it; feed entries are dated by adoption."""

import datetime
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.factories import add_version, adopt
from tests.worlds import coop_text, nomination_text, party_threshold
from web.charts import WIDTH, Label, step_chart

pytestmark = pytest.mark.django_db

D = datetime.date.fromisoformat
TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def long(day: datetime.date) -> str:
    return f"{day:%-d %B %Y}"


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.content.decode()[:300]
    return response.content.decode()


def banner(html: str) -> str:
    """The "waiting to take effect" banner of a page, or "" when it has none."""
    if 'id="pending-title"' not in html:
        return ""
    return html.split('id="pending-title"')[1].split("</aside>")[0]


@pytest.fixture
def threshold_25(coop):
    """The co-operative's nomination threshold goes to 25% in 90 days: adopted, not in force."""
    return add_version(
        coop.nominations,
        days(90),
        coop_text(25),
        number="2.3",
        heading="Nominations",
        parameters={"nomination_threshold": 25},
    )


# --- The parameter page, its chart, the rule pages and the API ----------------------------------


def test_the_parameter_page_labels_a_value_not_yet_in_force_pending(client, coop, threshold_25):
    html = page(client, "/coop/parameters/nomination_threshold/")
    rows = html.split("<tbody>")[1].split("</tbody>")[0].split("<tr")[1:]
    last, current = rows[-1], rows[-2]
    assert "25%" in last
    assert f"pending — takes effect on {long(days(90))}" in last
    assert "still in force" not in last and "in force</td>" not in last
    assert "20%" in current and long(days(90)) in current and "in force</td>" in current
    assert "superseded" in rows[0]
    assert "still in force" not in html
    assert f"from {long(days(90))}, 25% (pending)" in html  # the chart's description


def test_the_parameter_page_says_still_in_force_only_of_the_value_in_force(client, coop):
    html = page(client, "/coop/parameters/nomination_threshold/")
    rows = html.split("<tbody>")[1].split("</tbody>")[0].split("<tr")[1:]
    assert "still in force" in rows[-1] and "pending" not in html


def test_the_chart_marks_today_and_keeps_every_label_inside_the_picture(client, coop, threshold_25):
    html = page(client, "/coop/parameters/nomination_threshold/")
    svg = html.split("<svg")[1].split("</svg>")[0]
    assert '<g class="today"' in svg and ">Today</text>" in svg
    texts = re.findall(r"<text ([^>]*)>([^<]*)</text>", svg)
    assert len(texts) > 10
    for attributes, text in texts:
        x = float(re.search(r'\bx="([-\d.]+)"', attributes).group(1))
        anchor = re.search(r'text-anchor="(\w+)"', attributes)
        low, high = Label(x, 0, text, anchor.group(1) if anchor else "start").extent
        assert low >= 0 and high <= WIDTH, text
    assert ">25%</text>" in svg  # the pending value is drawn, and (above) not clipped


def test_a_pending_last_value_gets_a_visible_run_and_its_label_stays_inside():
    chart = step_chart(
        [
            (D("2016-01-01"), D("2021-09-29"), Decimal(15)),
            (D("2021-09-29"), D("2027-06-01"), Decimal(20)),
            (D("2027-06-01"), None, Decimal(25)),
        ],
        until=D("2027-01-01"),
        unit="%",
        today=D("2027-01-01"),
    )
    last = chart.steps[-1]
    assert last.label == "25%" and last.x2 - last.x1 > 10 and last.x2 == chart.right
    assert chart.steps[1].x1 < chart.today.x < last.x1  # today lies between the changes
    assert chart.today.text == "Today"
    for label in [chart.today, *(s.text for s in chart.steps)]:
        low, high = label.extent
        assert low >= 0 and high <= WIDTH, label


def test_a_chart_without_today_draws_no_today_line():
    chart = step_chart([(D("2016-01-01"), None, Decimal(3))], until=D("2020-01-01"))
    assert chart.today is None


dates = st.dates(min_value=D("1900-01-01"), max_value=D("2100-01-01"))


@settings(deadline=None)
@given(
    starts=st.lists(dates, min_size=1, max_size=8, unique=True),
    values=st.lists(st.decimals(0, 100_000, places=2), min_size=8, max_size=8),
    today=dates,
)
def test_every_label_and_the_today_line_lie_inside_the_picture(starts, values, today):
    starts.sort()
    points = [
        (start, starts[i + 1] if i + 1 < len(starts) else None, values[i])
        for i, start in enumerate(starts)
    ]
    chart = step_chart(points, until=today, unit="%", today=today)
    assert chart.left <= chart.today.x <= chart.right
    for label in [chart.today, *(s.text for s in chart.steps)]:
        low, high = label.extent
        assert low >= 0 and high <= WIDTH, label


def test_a_rule_page_on_a_future_date_labels_its_values_pending(client, coop, threshold_25):
    html = page(client, f"/coop/rules/nominations/?at={days(120)}")
    shown = html.split('class="parameters"')[1].split("</dl>")[0]
    assert "25%" in shown and f"pending — takes effect on {long(days(90))}" in shown
    today = page(client, "/coop/rules/nominations/")
    assert "pending — takes effect" not in today.split('class="parameters"')[1].split("</dl>")[0]


def test_the_api_timeline_says_which_value_is_pending_in_force_or_superseded(client, party):
    add_version(
        party.nominations,
        days(90),
        nomination_text(12),
        number="4.II.2.B.i",
        parameters={"mp_threshold": 12},
    )
    response = client.get("/api/rulebooks/party/parameters/mp_threshold/")
    assert response.status_code == 200
    timeline = response.json()["timeline"]
    assert [(p["value"], p["status"]) for p in timeline] == [
        (15, "superseded"),
        (10, "superseded"),
        (20, "in force"),
        (12, "pending"),
    ]
    assert timeline[-1]["effective_from"] == days(90).isoformat()


def test_the_schema_documents_the_status_of_a_timeline_point(client, party):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()["components"]["schemas"]
    assert schema["TimelinePointStatus"]["enum"] == ["in force", "pending", "superseded"]


# --- Banners on a future date -------------------------------------------------------------------


@pytest.fixture
def dues_twice(coop):
    """Dues change twice: in 60 days (the world's) and again in 200."""
    return add_version(coop.dues, days(200), "Dues are £9 a year.", number="1.1", heading="Dues")


def test_the_contents_on_a_future_date_list_only_what_is_still_pending_after_it(
    client, coop, dues_twice
):
    assert coop.future == days(60)
    today = banner(page(client, "/coop/"))
    assert "/coop/rules/dues/v/2/" in today and "/coop/rules/dues/v/3/" in today
    between = page(client, f"/coop/?at={days(100)}")
    assert "Dues are £8 a year." in between  # in force on that date
    assert "/coop/rules/dues/v/2/" not in banner(between)
    assert "/coop/rules/dues/v/3/" in banner(between) and long(days(200)) in banner(between)
    assert banner(page(client, f"/coop/?at={days(300)}")) == ""


def test_the_rule_page_on_a_future_date_lists_only_what_is_still_pending_after_it(
    client, coop, dues_twice
):
    today = banner(page(client, "/coop/rules/dues/"))
    assert "Version 2</a>" in today and "Version 3</a>" in today
    between = page(client, f"/coop/rules/dues/?at={days(100)}")
    assert "Version 2</a>" not in banner(between) and "Version 3</a>" in banner(between)
    assert "?from=2&amp;to=3" in banner(between)  # what will change from the version then
    assert banner(page(client, f"/coop/rules/dues/?at={days(300)}")) == ""


# --- Feeds --------------------------------------------------------------------------------------

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(client, url) -> dict[str, dict]:
    response = client.get(url)
    assert response.status_code == 200
    feed = ET.fromstring(response.content)
    return {
        e.find(f"{ATOM}title").text: {
            "published": e.find(f"{ATOM}published").text[:10],
            "updated": e.find(f"{ATOM}updated").text[:10],
            "summary": e.find(f"{ATOM}summary").text,
        }
        for e in feed.iter(f"{ATOM}entry")
    }


def test_a_feed_entry_is_dated_by_adoption_and_says_it_is_in_force_since(client, coop):
    entry = entries(client, "/coop/rules/nominations/feed/")[
        "2.1 Nominations — version 3, in force since 29 September 2021"
    ]
    assert entry["published"] == "2021-09-28"  # the day proposal 2021/7's adoption was recorded
    assert entry["updated"] == "2021-09-29"  # the day it took effect, changing the wording
    assert "In force since 29 September 2021." in entry["summary"]


def test_a_feed_entry_for_a_pending_change_says_when_it_takes_effect(client, party):
    proposal = party_threshold(party, "2026/9", 12, carried=True, decided_on=days(-10))
    adopt(proposal, effective_from=days(90), adopted_on=days(-3))
    for url in ("/party/feed/", "/party/rules/c4-nominations/feed/"):
        title = f"4.II.2.B.i Nominations — version 4, takes effect on {long(days(90))}"
        entry = entries(client, url)[title]
        assert entry["published"] == entry["updated"] == days(-3).isoformat()
        assert f"Takes effect on {long(days(90))}." in entry["summary"]
        assert "in force" not in entry["summary"].lower()


def test_a_version_typed_in_for_the_future_is_dated_when_it_was_recorded(client, coop):
    entry = entries(client, "/coop/feed/")[
        f"1.1 Dues — version 2, takes effect on {long(coop.future)}"
    ]
    assert entry["published"] == timezone.now().date().isoformat()
    old = entries(client, "/coop/feed/")["1.2 Banners: repealed, in force since 1 January 2019"]
    assert old["published"] == "2019-01-01", "history entered later is dated when it took effect"
