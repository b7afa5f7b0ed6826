"""The printed edition: the rule book on a date as a PDF, read back page by page with pypdf."""

import datetime
import html
import io
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from rulebook.models import Rulebook
from rulebook.services import rulebook_changed
from tests import worlds
from tests.factories import add_version
from tests.test_demo import CHAPTERS
from web import edition as edition_module
from web.edition import edition_pdf, previous_edition_date, rulebook_edition

pytestmark = pytest.mark.django_db

D = datetime.date.fromisoformat
# The demo on the day the 2021 NEC rule changes took effect: the edition before it is the one
# of 26 September 2018 (the 2018 conference's changes).
DEMO_DAY = "2021-09-29"


def load_demo():
    call_command("load_demo", stdout=StringIO())
    return Rulebook.objects.get(slug="labour")


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker):
    with worlds.built_once(django_db_blocker, load_demo) as book:
        yield book


@pytest.fixture(scope="module")
def demo_pages(demo_world, django_db_blocker):
    """The demo's edition typeset once for the module: the text of each page."""
    with django_db_blocker.unblock():
        pdf = edition_pdf(rulebook=demo_world, on=D(DEMO_DAY))
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def club_history():
    return Rulebook.objects.get(pk=worlds.club_history().pk)  # with its revision as stored


@pytest.fixture(scope="module")
def club_world(django_db_setup, django_db_blocker):
    with worlds.built_once(django_db_blocker, club_history) as book:
        yield book


def fresh(book: Rulebook) -> Rulebook:
    """The book as stored now (a test's writes move its revision; the world's copy stays)."""
    return Rulebook.objects.get(pk=book.pk)


def pages_of(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def squeezed(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_title_page_names_the_book_and_the_day_it_is_in_force(demo_pages):
    title = squeezed(demo_pages[0])
    assert "Labour Party Rule Book" in title
    assert "As in force on 29 September 2021" in title
    assert f"Generated on {datetime.date.today().strftime('%-d %B %Y')}" in title
    assert "Page 1" not in title  # no running header or page number on the title page


def test_the_contents_give_each_chapter_the_page_it_starts_on(demo_pages):
    contents = squeezed(demo_pages[1])
    assert contents.startswith("Contents")
    for number, name in enumerate(CHAPTERS, start=1):
        found = re.search(rf"Chapter {number} {re.escape(name)}[ .]*?(\d+)(?!\d)", contents)
        assert found, f"chapter {number} is missing from the contents"
        page = demo_pages[int(found.group(1)) - 1]
        # The chapter's page starts with its heading: chapters start on a new page.
        assert squeezed(page).startswith(f"Chapter {number} {name}"), name
    assert "Annex: Changes since 26 September 2018" in contents


def test_each_page_carries_the_running_header_with_its_chapter_and_its_number(demo_pages):
    total = len(demo_pages)
    assert total > len(CHAPTERS) + 2  # title, contents, a page per chapter, the annex
    for index, text in enumerate(demo_pages[1:], start=2):
        text = squeezed(text)
        assert f"Page {index} of {total}" in text
        assert "Labour Party Rule Book" in text
    chapter_four = next(p for p in demo_pages if squeezed(p).startswith("Chapter 4 "))
    # The header repeats the chapter's heading (once as the heading, once in the header).
    assert squeezed(chapter_four).count(f"Chapter 4 {CHAPTERS[3]}") == 2


def test_each_version_carries_its_provenance_mark_and_source(demo_pages):
    text = squeezed(" ".join(demo_pages))
    assert "Reconstructed" in text
    assert "Source: Labour Party Rule Book 2013-2016 structure" in text
    # The version the 2021 conference adopted names the proposal behind it.
    assert "Proposal 2021/NEC" in text


def test_the_annex_lists_the_changes_since_the_previous_edition_with_their_proposals(
    demo_pages,
):
    annex = squeezed(demo_pages[-1])
    assert annex.startswith("Annex: Changes since 26 September 2018")
    assert "the day the previous edition took effect" in annex
    assert "0 added, 2 changed, 0 repealed, 0 renumbered" in annex
    assert "4.II.2.B.i Nominations when there is a vacancy" in annex
    assert "Version 5 → 6" in annex
    assert "Proposal 2021/NEC" in annex
    assert re.search(r"10 ?20 per cent", annex)  # 10 struck through, 20 inserted: the diff


def test_the_previous_edition_is_the_one_before_the_edition_in_force(demo_world):
    assert previous_edition_date(rulebook=demo_world, on=D("2021-09-29")) == D("2018-09-26")
    # Any day of an edition has the same previous edition.
    assert previous_edition_date(rulebook=demo_world, on=D("2024-05-01")) == D("2018-09-26")
    assert previous_edition_date(rulebook=demo_world, on=D("2008-01-01")) is None
    assert previous_edition_date(rulebook=demo_world, on=D("2000-01-01")) is None


def test_the_annex_lists_added_repealed_and_renumbered_rules_with_the_proposal(club_world):
    pdf = edition_pdf(rulebook=club_world, on=D("2020-10-01"))
    pages = pages_of(pdf)
    annex = squeezed(pages[-1])
    assert annex.startswith("Annex: Changes since 1 April 2020")
    assert "1 added, 0 changed, 1 repealed, 1 renumbered" in annex
    added = annex[annex.index("Added") : annex.index("Repealed")]
    assert "1.2 Agenda" in added and "Proposal 2020/3" in added
    assert "The agenda goes with the notice." in added
    repealed = annex[annex.index("Repealed") : annex.index("Renumbered")]
    assert "2 Fees" in repealed and "Proposal 2020/3" in repealed
    renumbered = annex[annex.index("Renumbered") :]
    assert "1.2 1.3 Notice" in renumbered and "Proposal 2020/3" in renumbered


def test_a_chosen_since_date_lists_the_word_diff_in_print_style(club_world):
    edition = rulebook_edition(rulebook=club_world, on=D("2020-10-01"), since=D("2020-01-01"))
    page = edition_module.edition_html(edition, generated=D("2020-10-02"))
    assert "Changes since 1 January 2020" in page
    assert "the day the previous edition took effect" not in page
    changed = page[page.index("<h3>Changed</h3>") : page.index("<h3>Repealed</h3>")]
    assert "The quorum is <del>10 members</del><ins>20</ins>." in changed
    assert "Proposal 2020/1" in changed
    text = squeezed(" ".join(pages_of(edition_module.render_pdf(page))))
    assert "1 added, 1 changed, 1 repealed, 1 renumbered" in text


def test_the_first_edition_has_nothing_to_compare_with(club_world):
    pages = pages_of(edition_pdf(rulebook=club_world, on=D("2015-01-01")))
    assert "This is the first edition" in squeezed(pages[-1])


def test_the_contents_page_links_to_the_edition_of_its_day(client, club_world):
    response = client.get("/club/?at=2020-10-01")
    assert response.status_code == 200
    assert 'href="/club/edition.pdf?at=2020-10-01"' in response.content.decode()


def test_the_edition_is_served_as_a_pdf_typeset_once(
    client, club_world, monkeypatch, django_assert_num_queries
):
    calls = []
    typeset = edition_module.render_pdf
    monkeypatch.setattr(
        edition_module, "render_pdf", lambda *a, **k: calls.append(1) or typeset(*a, **k)
    )
    response = client.get("/club/edition.pdf?at=2020-10-01")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="club-2020-10-01.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF-")
    assert "As in force on 1 October 2020" in squeezed(pages_of(response.content)[0])
    # The page cache keeps the anonymous answer; the edition cache serves staff and the CLI.
    with django_assert_num_queries(1):  # the book's revision, then the kept copy
        again = client.get("/club/edition.pdf?at=2020-10-01")
    assert again.status_code == 200 and again.content == response.content
    assert edition_pdf(rulebook=club_world, on=D("2020-10-01")) == response.content
    assert len(calls) == 1


def test_a_new_version_moves_the_revision_and_the_edition_is_typeset_again(club_world):
    before = edition_pdf(rulebook=club_world, on=D("2020-10-01"))
    quorum = club_world.rules.get(key="quorum")
    add_version(quorum, "2020-06-01", "The quorum is 15 members.", number="1.1", heading="Quorum")
    rulebook_changed(club_world.pk)
    after = edition_pdf(rulebook=fresh(club_world), on=D("2020-10-01"))
    assert after != before
    assert "The quorum is 15 members." in squeezed(" ".join(pages_of(after)))


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("at=2021-02-30", "'at' must be a date written YYYY-MM-DD"),
        ("at=yesterday", "'at' must be a date written YYYY-MM-DD"),
        ("since=2020-13-01", "'since' must be a date written YYYY-MM-DD"),
        ("at=2020-01-01&since=2020-10-01", "'since' (2020-10-01) is after 'at' (2020-01-01)"),
        ("at=2020-01-01%00", "NUL character (in 'at')"),
    ],
)
def test_a_bad_date_is_a_400_naming_the_parameter(client, club_world, query, message):
    response = client.get(f"/club/edition.pdf?{query}")
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())


def test_an_unknown_rule_book_is_a_404(client, db):
    response = client.get("/nobook/edition.pdf")
    assert response.status_code == 404


def test_the_edition_reads_a_fixed_number_of_queries_whatever_the_size_of_the_book(
    client, club_world, demo_world, django_assert_num_queries, monkeypatch
):
    monkeypatch.setattr(edition_module, "render_pdf", lambda html: b"%PDF-")
    # The page cache's revision, the book, then the edition's nine reads (web/edition.py).
    with django_assert_num_queries(11):
        assert client.get("/club/edition.pdf?at=2020-10-01").status_code == 200
    with django_assert_num_queries(11):
        assert client.get(f"/labour/edition.pdf?at={DEMO_DAY}").status_code == 200


def test_export_rulebook_writes_the_edition_to_a_file(club_world, tmp_path):
    out = StringIO()
    target = tmp_path / "club.pdf"  # the format is taken from the extension
    call_command("export_rulebook", "club", "--at", "2020-10-01", "--output", str(target),
                 stdout=out)  # fmt: skip
    assert f"Exported club as pdf to {target}" in out.getvalue()
    pages = pages_of(target.read_bytes())
    assert "As in force on 1 October 2020" in squeezed(pages[0])


def test_export_rulebook_refuses_to_write_a_pdf_to_a_text_stream(club_world):
    with pytest.raises(CommandError, match="binary: give --output FILE"):
        call_command("export_rulebook", "club", "--format", "pdf", stdout=StringIO())


def test_a_book_too_large_to_typeset_on_request_is_refused_with_the_command_to_use(
    client, club_world, monkeypatch
):
    monkeypatch.setattr(edition_module, "MAX_RULES_ON_REQUEST", 3)
    response = client.get("/club/edition.pdf?at=2020-10-01")
    assert response.status_code == 400
    text = html.unescape(response.content.decode())
    assert "has 4 rules, more than the 3 typeset on request" in text
    assert "export_rulebook club --at 2020-10-01 --format pdf" in text
    # The command has no limit.
    assert edition_pdf(rulebook=club_world, on=D("2020-10-01")).startswith(b"%PDF-")
