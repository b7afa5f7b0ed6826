"""Member pages for proposals: the filtered list, and one proposal with its diffs and votes."""

from __future__ import annotations

from django.core.paginator import InvalidPage, Paginator
from django.db.models import Count, Prefetch, prefetch_related_objects
from django.shortcuts import render

from proposals.caching import per_reader
from proposals.checks import broken_citations
from proposals.filters import ProposalFilter
from proposals.models import Amendment, Membership, Proposal, Vote
from rulebook.diff import DiffInputTooLarge
from web.forms import BadQuery, PageForm
from web.naming import parameters_named, proposed_values, rules_named
from web.views.common import NotFound, member_page, rulebook_or_404

PAGE_SIZE = 50
# The amendments of a page's proposals with the rule and the version each was drafted against,
# in one query: the list names rules by number and heading, never by key.
_AMENDMENTS_NAMED = Prefetch(
    "amendments",
    queryset=Amendment.objects.select_related("rule", "base_version").order_by("order"),
)


@per_reader
@member_page
def proposal_list(request, rulebook):
    book = rulebook_or_404(rulebook)
    proposals = (
        Proposal.objects.visible_to(request.user)
        .filter(rulebook=book)
        .annotate(amendment_count=Count("amendments"))
        .prefetch_related(_AMENDMENTS_NAMED)
        .listed()
    )
    found = ProposalFilter(request.GET, queryset=proposals)
    if not found.is_valid():
        problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in found.errors.items())
        raise BadQuery(f"The filters could not be applied — {problems}")
    page_number = PageForm.read(request)["page"]
    paginator = Paginator(found.qs, PAGE_SIZE)
    try:
        page = paginator.page(page_number)
    except InvalidPage:
        raise NotFound(f"There is no page {page_number} of proposals.") from None
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "web/proposals/list.html",
        {
            "rulebook": book,
            "filter": found,
            "page": page,
            "proposals": page.object_list,
            "query": "",
            "filter_query": query.urlencode(),
        },
    )


@per_reader
@member_page
def proposal_detail(request, rulebook, pk):
    book = rulebook_or_404(rulebook)
    proposal = Proposal.objects.visible_to(request.user).filter(rulebook=book, pk=pk).first()
    if proposal is None:
        raise NotFound(f"There is no proposal {pk} in {book.title}.")
    amendments = list(
        proposal.amendments.with_staleness()
        .select_related("rule", "base_version", "produced_version", "parent", "after")
        .order_by("order")
    )
    # On the proposal itself, so that its decision (`Proposal.decision`) reads them too.
    prefetch_related_objects(
        [proposal],
        Prefetch("votes", queryset=Vote.objects.with_figures().order_by("held_on", "id")),
    )
    votes = list(proposal.votes.all())
    labels = parameters_named(book, [a.parameters for a in amendments])
    places = rules_named([r for a in amendments for r in (a.parent_id, a.after_id) if r])
    return render(
        request,
        "web/proposals/detail.html",
        {
            "rulebook": book,
            "proposal": proposal,
            "amendments": [_amendment_row(a, labels, places) for a in amendments],
            "votes": _with_members(votes),
            "broken_citations": broken_citations(proposal, amendments),
        },
    )


def _amendment_row(amendment: Amendment, labels: dict, places: dict) -> dict:
    try:
        diff = amendment.proposed_diff(from_label="in force", to_label="proposed")
    except DiffInputTooLarge:
        diff = None
    return {
        "amendment": amendment,
        "diff": diff,
        "stale": amendment.is_stale,
        "values": proposed_values(amendment.parameters, labels),
        "parent": places.get(amendment.parent_id),
        "after": places.get(amendment.after_id),
    }


def _with_members(votes):
    """Each vote with who sat on its body that day (both ends of a term count as served)."""
    memberships = list(
        Membership.objects.filter(body__in={v.body_id for v in votes}).order_by("name", "start")
    )
    rows = []
    for vote in votes:
        choices = {e.membership_id: e for e in vote.roll_call.all()}
        sitting = [
            {"membership": m, "roll_call": choices.get(m.pk)}
            for m in memberships
            if m.body_id == vote.body_id and m.covers(vote.held_on)
        ]
        rows.append({"vote": vote, "members": sitting})
    return rows
