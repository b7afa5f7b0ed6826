"""Recognising cross-references in rule texts (rulebook/references.py): pure, so most of it is
properties. A level out of the scheme's order (4.II.A) is not a number: it stays text.
Unrecognised or ambiguous references are left as text, never guessed."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rulebook.references import Numbered, chapter_of, find_mentions, numbering, resolve

D = datetime.date.fromisoformat


def written(text, chapter=None):
    return [(text[m.start : m.end], m.number) for m in find_mentions(text, chapter=chapter)]


@pytest.mark.parametrize(
    ("text", "chapter", "expected"),
    [
        (
            "as set out in Chapter 4 Clause II.2.B, and rule 3.III.2.H.",
            None,
            [("Chapter 4 Clause II.2.B", "4.II.2.B"), ("rule 3.III.2.H", "3.III.2.H")],
        ),
        ("under 4.II.2.B.i the NEC", None, [("4.II.2.B.i", "4.II.2.B.i")]),
        ("as set out in Clause VIII", "4", [("Clause VIII", "4.VIII")]),
        ("as set out in Clause VIII", None, []),  # no chapter known: left as text
        ("members (see Chapter 2) may", "5", [("Chapter 2", "Chapter 2")]),
        ("Chapter 4, Clause II applies", None, [("Chapter 4, Clause II", "4.II")]),
        ("under Rule 4B(2)Bii then", None, [("Rule 4B(2)Bii", "Rule 4B(2)Bii")]),
        ("ends a sentence at 4.II.2.B. Next", None, [("4.II.2.B", "4.II.2.B")]),
        # Not references: decimals, invalid numerals, a level that does not parse.
        ("a threshold of 2.5 per cent, 10.5 votes", None, []),
        ("4.IIII and 4.VX", None, []),
        ("4.II.2.Bx is no number", None, []),
        ("Chapter 4.5 of another book", None, []),
        ("4.II.A is out of order", None, []),
        ("see C5.IV.5 below", None, []),  # a typed form, not one the rule book writes
    ],
)
def test_written_forms(text, chapter, expected):
    assert written(text, chapter) == expected


def test_chapter_of():
    assert chapter_of("4.II.2.B") == "4"
    assert chapter_of("Chapter 12") == "12"
    assert chapter_of("Rule 4B(2)Bii") is None
    assert chapter_of("") is None


ROMANS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
# The scheme's levels, in order below chapter and clause: paragraph, letter, item.
DEEPER = (
    st.integers(1, 30).map(str),
    st.sampled_from("ABCDEFGH"),
    st.sampled_from(["i", "ii", "iii", "iv", "v", "vi"]),
)
NUMBER = st.builds(
    lambda ch, roman, depth, levels: ".".join([str(ch), roman, *levels[:depth]]),
    st.integers(1, 15),
    st.sampled_from(ROMANS),
    st.integers(0, 3),
    st.tuples(*DEEPER),
)
# Filler words with no digits and no capitalised "Chapter"/"Clause"/"Rule".
FILLER = st.lists(
    st.sampled_from("the members shall elect a leader with nominations from each party".split()),
    min_size=1,
    max_size=6,
).map(" ".join)


@given(st.lists(st.tuples(FILLER, NUMBER), min_size=1, max_size=5), FILLER)
def test_numbers_embedded_in_text_are_found_exactly(pieces, tail):
    text, expected = "", []
    for filler, number in pieces:
        text += filler + " "
        start = len(text)
        text += number
        expected.append((start, start + len(number), number))
        text += ", "
    text += tail + "."
    found = [(m.start, m.end, m.number) for m in find_mentions(text)]
    assert found == expected


@given(st.text(max_size=300), st.sampled_from([None, "4"]))
def test_any_text_gives_ordered_spans_that_quote_the_text(text, chapter):
    mentions = find_mentions(text, chapter=chapter)
    previous_end = 0
    for mention in mentions:
        assert previous_end <= mention.start < mention.end <= len(text)
        previous_end = mention.end
        written_form = text[mention.start : mention.end]
        # What was written re-reads as the same number.
        again = find_mentions(written_form, chapter=chapter)
        assert [m.number for m in again] == [mention.number]


@given(NUMBER)
def test_the_long_form_means_the_dotted_number(number):
    chapter, rest = number.split(".", 1)
    assert [m.number for m in find_mentions(f"see Chapter {chapter} Clause {rest} now")] == [number]


def v(rule_id, number, start, until=None, repealed=False):
    return Numbered(rule_id, number, D(start), D(until) if until else None, repealed)


NUMBERS = numbering(
    [
        v(1, "4.II.2.B", "2013-01-01", "2018-01-01"),
        v(1, "4.II.3", "2018-01-01"),  # renumbered in 2018
        v(2, "4.II.2.B", "2018-01-01"),  # another rule takes the number
        v(3, "4.II.4", "2013-01-01", "2020-01-01"),
        v(3, "4.II.4", "2020-01-01", repealed=True),
        v(4, "4.II.5", "2013-01-01"),
        v(5, "4.II.5", "2013-01-01"),  # two rules share a number
    ]
)


@pytest.mark.parametrize(
    ("number", "on", "expected"),
    [
        ("4.II.2.B", "2015-06-01", 1),
        ("4.ii.2.b", "2015-06-01", 1),  # numbers compare without case
        ("4.II.2.B", "2019-06-01", 2),  # resolved on the citing version's date
        ("4.II.3", "2015-06-01", None),  # not yet so numbered
        ("4.II.4", "2019-12-31", 3),
        ("4.II.4", "2020-01-01", None),  # repealed: left as text
        ("4.II.5", "2015-06-01", None),  # ambiguous: never guessed
        ("9.IX", "2015-06-01", None),
    ],
)
def test_resolve_on_a_date(number, on, expected):
    assert resolve(number, on=D(on), numbers=NUMBERS) == expected
