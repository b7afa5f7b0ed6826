"""Citations as people write them: `4.II.2.B.i`, `Rule 4B(2)Bii`, `C5.IV.5`, `chapter 4 clause
II`. The parser (`written_citation`) is pure and never guesses; the search box sends a query
that cites exactly one rule on the date straight to it, and anything else is searched."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rulebook.citations import written_citation
from rulebook.models import Rulebook
from rulebook.services import rule_create, version_create

D = datetime.date.fromisoformat
SOURCE = {"provenance": "reconstructed", "source": "Test history"}

# --- the parser ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "number"),
    [
        ("4.II.2.B.i", "4.II.2.B.i"),
        ("4.ii.2.b.i", "4.II.2.B.i"),
        ("Rule 4B(2)Bii", "Rule 4B(2)Bii"),
        ("rule 4b(2)bii", "Rule 4B(2)Bii"),
        ("4B(2)Bii", "Rule 4B(2)Bii"),
        ("C5.IV.5", "5.IV.5"),
        ("c5.iv.5", "5.IV.5"),
        ("chapter 4 clause II", "4.II"),
        ("Chapter 4 Clause II.2.B", "4.II.2.B"),
        ("Chapter 4, Clause II, paragraph 2", "4.II.2"),
        ("  chapter   4  ", "4"),
        ("Rule 4.II", "4.II"),
        ("10.XIV.3.c.iv", "10.XIV.3.C.iv"),
    ],
)
def test_the_written_forms_give_the_stored_number(written, number):
    assert written_citation(written) == number


@pytest.mark.parametrize(
    "text",
    [
        "4",  # a bare number could be anything
        "4.2",  # a clause is a Roman numeral
        "4.II.X",  # a paragraph is a number
        "4 II 2",  # spaces without a word in front: as likely words as a number
        "4.II.2.B.i.i",  # six levels
        "clause II",  # no chapter
        "nomination",
        "the vote",
        "4.IIII",  # not a Roman numeral
        "",
        "4.II.2.BB",
        "Rule 4B(2)",
        "chapter",
    ],
)
def test_anything_else_is_not_a_citation(text):
    assert written_citation(text) is None


ROMANS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XIV", "XL", "XC"]


@st.composite
def numbers(draw):
    """A stored number of one to five levels: 4, 4.II, 4.II.2, 4.II.2.B, 4.II.2.B.iv."""
    levels = [
        str(draw(st.integers(1, 99))),
        draw(st.sampled_from(ROMANS)),
        str(draw(st.integers(1, 99))),
        draw(st.sampled_from("ABCDEFGH")),
        draw(st.sampled_from(ROMANS)).lower(),
    ]
    return levels[: draw(st.integers(2, 5))]


@given(numbers(), st.sampled_from(["", "C", "Rule ", "chapter ", "Ch. "]), st.booleans())
def test_any_number_written_dotted_with_a_prefix_in_any_case_is_read_back(levels, prefix, lower):
    stored = ".".join(levels)
    written = prefix + stored
    assert written_citation(written.lower() if lower else written) == stored


@given(numbers(), st.booleans())
def test_any_number_written_in_words_is_read_back(levels, commas):
    names = ["chapter", "clause", "paragraph", "sub-paragraph", "item"]
    joiner = ", " if commas else " "
    written = joiner.join(f"{name} {level}" for name, level in zip(names, levels, strict=False))
    assert written_citation(written) == ".".join(levels)


@given(st.text(max_size=80))
def test_the_parser_never_fails_and_its_answer_is_stable(text):
    number = written_citation(text)
    assert number is None or written_citation(number) == number


# --- the search box and the cite page --------------------------------------------------------


@pytest.fixture
def book(db):
    """A Labour-style book: 4, 4.II, 4.II.2.B and 4.II.2.B.ii (numbered Rule 4B(2)Bii before
    2013), 5.IV.5; and 4.III, numbered so by `old` until 2020 and by `new` from 2021."""
    book = Rulebook.objects.create(slug="lab", title="Labour-style rules")

    def rule(key, *versions):
        made = rule_create(rulebook=book, key=key)
        for day, number in versions:
            version_create(
                rule=made, effective_from=D(day), number=number, text=f"{key}.", **SOURCE
            )

    rule("c4", ("2008-01-01", "4"))
    rule("c4-ii", ("2008-01-01", "4.II"))
    rule("c4-ii-2-b", ("2008-01-01", "4.II.2.B"))
    rule("c4-ii-2-b-ii", ("2008-01-01", "Rule 4B(2)Bii"), ("2013-01-01", "4.II.2.B.ii"))
    rule("c5-iv-5", ("2008-01-01", "5.IV.5"))
    rule("old", ("2008-01-01", "4.III"), ("2020-01-01", "4.IV"))
    rule("new", ("2021-01-01", "4.III"))
    return book


def searched(client, q, **extra):
    return client.get("/lab/search/", {"q": q, **extra})


@pytest.mark.parametrize(
    ("q", "key"),
    [
        ("4.II.2.B.ii", "c4-ii-2-b-ii"),
        ("Rule 4B(2)Bii", "c4-ii-2-b-ii"),
        ("C5.IV.5", "c5-iv-5"),
        ("chapter 4 clause II", "c4-ii"),
        ("Chapter 4 Clause II.2.B", "c4-ii-2-b"),
        ("chapter 4", "c4"),
        ("4.III", "new"),
    ],
)
def test_a_citation_in_the_search_box_goes_straight_to_the_rule(client, book, q, key):
    response = searched(client, q)
    assert response.status_code == 302
    assert response["Location"] == f"/lab/rules/{key}/"


def test_the_date_picks_the_rule_of_that_day_and_is_kept(client, book):
    response = searched(client, "4.III", at="2015-06-01")
    assert response.status_code == 302
    assert response["Location"] == "/lab/rules/old/?at=2015-06-01"


def test_a_number_no_rule_bore_that_day_and_several_rules_bore_is_searched_instead(client, book):
    # 4.III: `old` until 2020, `new` from 2021; in 2020 neither, so no guess.
    response = searched(client, "4.III", at="2020-06-01")
    assert response.status_code == 200
    assert "Rules" in response.content.decode()


@pytest.mark.parametrize("q", ["4.IX", "4 II", "4", "clause II"])
def test_an_unknown_or_unrecognised_citation_is_searched(client, book, q):
    response = searched(client, q)
    assert response.status_code == 200
    assert "match" in response.content.decode()


def test_the_cite_page_learns_the_written_forms_too(client, book):
    response = client.get("/lab/cite/", {"ref": "C5.IV.5"})
    assert response.status_code == 302 and response["Location"] == "/lab/rules/c5-iv-5/"
    response = client.get("/lab/cite/", {"ref": "chapter 4 clause II"})
    assert response.status_code == 302 and response["Location"] == "/lab/rules/c4-ii/"
