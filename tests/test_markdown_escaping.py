"""The Markdown export renders rule texts literally: nothing in a text becomes formatting."""

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from rulebook.exchange.markdown import _heading, _paragraphs

COMMONMARK = MarkdownIt("commonmark")
# Printable text with the characters Markdown treats specially well represented.
SPECIAL = [*"\\`*_<>[]()&~!#+-=.|:;\"'0123456789 ", "&amp;", "&copy;", "&#65;", "1. ", "- "]
LINE = st.lists(
    st.one_of(st.sampled_from(SPECIAL), st.text(st.characters(categories=["L", "N", "P", "S"]))),
    max_size=20,
).map("".join)


def rendered_text(markdown: str) -> str:
    """What a reader sees: the rendered HTML with tags dropped, entities decoded."""
    out = COMMONMARK.render(markdown)
    return html.unescape(re.sub(r"<[^>]+>", "", out))


def words(text: str) -> str:
    return " ".join(text.split())


@settings(max_examples=300, deadline=None)
@given(LINE)
def test_any_line_of_rule_text_renders_as_exactly_that_text(line):
    blocks = _paragraphs(line)
    assert words(rendered_text("\n\n".join(blocks))) == words(line)


@settings(max_examples=200, deadline=None)
@given(LINE)
def test_any_heading_renders_as_exactly_that_text(title):
    if not title.strip():
        return
    assert words(rendered_text(f"## {_heading(title)}")) == words(title)


def test_ampersands_and_entities_stay_as_written():
    text = "AT&T & co; write &amp; or &copy; literally; ~~not struck~~ ![not an image](x)"
    assert words(rendered_text(_paragraphs(text)[0])) == text
