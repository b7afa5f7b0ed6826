"""Cross-references on a rule book the demo does not have: recognised at each version's date,
linked on the rule page, listed as "cited by", refreshed when versions are recorded, and
warned about before a proposal renumbers or repeals a cited rule."""

import datetime

import pytest

from proposals.checks import admissibility_warnings, broken_citations
from proposals.models import Proposal
from rulebook.exchange import rulebook_import
from rulebook.exchange.exporting import rulebook_export
from rulebook.models import Reference, Rulebook
from rulebook.services import version_create
from tests.factories import ProposalFactory, amend

D = datetime.date.fromisoformat
SOURCE = {"provenance": "reconstructed", "source": "Written for the test"}


def version(number, heading, text, on):
    return {"number": number, "heading": heading, "text": text, "effective_from": on, **SOURCE}


def society() -> Rulebook:
    return rulebook_import(
        data={
            "rulebook": {"slug": "society", "title": "Friendly Society Rules"},
            "rules": [
                {"key": "c2", "versions": [
                    version("Chapter 2", "Officers", "The officers.", "2010-01-01"),
                ]},
                {"key": "c2-i", "parent": "c2", "versions": [
                    version("2.I", "Secretary", "The secretary keeps the minutes.", "2010-01-01"),
                ]},
                {"key": "c2-ii", "parent": "c2", "versions": [
                    version("2.II", "Treasurer", "The treasurer keeps accounts.", "2010-01-01"),
                    version("2.III", "Treasurer", "The treasurer keeps accounts.", "2016-01-01"),
                ]},
                {"key": "c2-iv", "parent": "c2", "versions": [
                    version("2.IV", "Audit", "Accounts kept under Clause II are audited yearly.",
                            "2010-01-01"),
                    version("2.IV", "Audit",
                            "Accounts kept under Chapter 2 Clause III are audited, "
                            "as are minutes under 2.I and the fund in rule 2.IX.", "2017-01-01"),
                ]},
                {"key": "c2-v", "parent": "c2", "versions": [
                    version("2.V", "Elections", "Officers under Chapter 2 Clause III and 2.I are "
                            "elected yearly.", "2017-01-01"),
                ]},
            ],
        }
    )  # fmt: skip


@pytest.fixture
def book(db):
    return society()


def refs(rulebook):
    return sorted(
        (r.version.rule.key, r.version.seq, r.written, r.target.key)
        for r in Reference.objects.filter(version__rule__rulebook=rulebook).select_related(
            "version__rule", "target"
        )
    )


def test_references_resolve_at_each_versions_date(book):
    assert refs(book) == [
        # 2010: "Clause II" inside Chapter 2 is 2.II, the treasurer (then so numbered).
        ("c2-iv", 1, "Clause II", "c2-ii"),
        # 2017: the treasurer is 2.III by then; 2.IX never existed and stays text.
        ("c2-iv", 2, "2.I", "c2-i"),
        ("c2-iv", 2, "Chapter 2 Clause III", "c2-ii"),
        ("c2-v", 1, "2.I", "c2-i"),
        ("c2-v", 1, "Chapter 2 Clause III", "c2-ii"),
    ]


def test_the_rule_page_links_references_and_lists_who_cites_it(client, book):
    page = client.get("/society/rules/c2-iv/").content.decode()
    assert (
        '<a class="xref" href="/society/rules/c2-ii/" title="Rule 2.III">Chapter 2 Clause III</a>'
        in page
    )
    assert '<a class="xref" href="/society/rules/c2-i/" title="Rule 2.I">2.I</a>' in page
    assert "rule 2.IX" in page and 'title="Rule 2.IX"' not in page  # unresolved: plain text

    treasurer = client.get("/society/rules/c2-ii/").content.decode()
    assert "Cited by" in treasurer and "2 references in other rules" in treasurer
    assert "2.IV</span> Audit" in treasurer and "2.V</span> Elections" in treasurer

    # On a date before 2017 only the audit rule's first version cited it, as "Clause II".
    then = client.get("/society/rules/c2-ii/?at=2012-01-01").content.decode()
    assert "1 reference in other rules" in then and "“Clause II”" in then
    assert "Elections" not in then
    assert (
        'href="/society/rules/c2-ii/?at=2012-01-01"'
        in client.get("/society/rules/c2-iv/?at=2012-01-01").content.decode()
    )


def test_markup_in_a_text_stays_escaped_around_links(db):
    rulebook_import(
        data={
            "rulebook": {"slug": "esc", "title": "Escapes"},
            "rules": [
                {"key": "a", "versions": [version("1.I", "A", "First.", "2010-01-01")]},
                {"key": "b", "versions": [
                    version("1.II", "B", "<script>x</script> see 1.I & <b>more</b>", "2010-01-01")
                ]},
            ],
        }
    )  # fmt: skip
    from django.test import Client

    page = Client().get("/esc/rules/b/").content.decode()
    assert '&lt;script&gt;x&lt;/script&gt; see <a class="xref"' in page
    assert "</a> &amp; &lt;b&gt;more&lt;/b&gt;" in page


def test_a_new_version_refreshes_references_from_its_date(book):
    rule = book.rules.get(key="c2-i")
    version_create(
        rule=rule,
        number="2.VI",
        heading="Secretary",
        text="The secretary keeps the minutes.",
        effective_from=D("2018-01-01"),
        provenance="reconstructed",
        source="Test",
    )
    # The 2017 versions still resolve 2.I (it was 2.I on their date); nothing else changed.
    assert ("c2-v", 1, "2.I", "c2-i") in refs(book)
    c2v = book.rules.get(key="c2-v")
    version_create(
        rule=c2v,
        number="2.V",
        heading="Elections",
        text="Officers under 2.VI and 2.I are elected yearly.",
        effective_from=D("2019-01-01"),
        provenance="reconstructed",
        source="Test",
    )
    # In 2019 2.VI is the secretary and no rule is numbered 2.I any more: left as text.
    assert [r for r in refs(book) if r[:2] == ("c2-v", 2)] == [("c2-v", 2, "2.VI", "c2-i")]


def test_a_renumbering_proposal_warns_for_exactly_the_citing_rules(book):
    proposal = ProposalFactory(
        rulebook=book,
        amendments=[{"kind": "renumber", "rule": "c2-ii", "number": "2.VII"}],
        submitted=True,
    )
    warnings = [w for w in admissibility_warnings(proposal) if w.code == "cited"]
    assert [w.message.split(" cites ")[0] for w in warnings] == ["2.IV Audit", "2.V Elections"]
    assert "“Chapter 2 Clause III”" in warnings[0].message
    assert "renumbers it 2.VII" in warnings[0].message
    # The member's page shows the same warnings.
    page_text = proposal_page(proposal)
    assert "References this proposal would break" in page_text
    assert page_text.count("renumbers it 2.VII") == 2


def proposal_page(proposal):
    from django.test import Client

    return Client().get(f"/{proposal.rulebook.slug}/proposals/{proposal.pk}/").content.decode()


def test_a_proposal_that_fixes_the_citing_text_is_not_warned_about_that_rule(book):
    proposal = ProposalFactory(
        rulebook=book,
        amendments=[
            {"kind": "renumber", "rule": "c2-ii", "number": "2.VII"},
            amend("c2-v", "Officers under Chapter 2 Clause VII and 2.I are elected yearly."),
        ],
    )
    amendments = list(proposal.amendments.select_related("rule", "base_version"))
    assert [w.message.split(" cites ")[0] for w in broken_citations(proposal, amendments)] == [
        "2.IV Audit"
    ]


def test_a_repeal_warns_and_a_text_change_does_not(book):
    repeal = ProposalFactory(rulebook=book, amendments=[{"kind": "repeal", "rule": "c2-i"}])
    messages = [w.message for w in admissibility_warnings(repeal) if w.code == "cited"]
    assert len(messages) == 2 and all("point at a repealed rule" in m for m in messages)
    wording = ProposalFactory(
        rulebook=book, amendments=[amend("c2-i", "The secretary keeps the minutes and records.")]
    )
    assert [w for w in admissibility_warnings(wording) if w.code == "cited"] == []


def test_no_warning_once_adopted(book):
    proposal = ProposalFactory(
        rulebook=book,
        amendments=[{"kind": "renumber", "rule": "c2-ii", "number": "2.VII"}],
        adopted=True,
    )
    assert proposal.status == Proposal.Status.ADOPTED
    assert [w for w in admissibility_warnings(proposal) if w.code == "cited"] == []


def test_references_survive_export_and_import(book):
    data = rulebook_export(rulebook=book)
    data["rulebook"]["slug"] = "society-copy"
    copy = rulebook_import(data=data)
    assert refs(copy) == refs(book)  # derived again from the same texts


@pytest.mark.postgres
def test_on_postgresql_too(book):
    test_references_resolve_at_each_versions_date(book)
