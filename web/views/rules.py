"""One rule: its page with history and proposals, a version's permalink, compare, and blame."""

from __future__ import annotations

import functools

from django.db.models import prefetch_related_objects
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import etag

from proposals.caching import per_reader
from rulebook.diff import DiffInputTooLarge, compare
from rulebook.etags import fingerprint
from rulebook.models import RuleVersion, parameter_values_prefetch
from rulebook.quantities import attach_computed
from rulebook.selectors import rule_blame, still_pending
from web.forms import BadQuery, CompareForm, OnDateForm, today
from web.history import attach_proposals, rule_history
from web.naming import parameters_named, proposed_values
from web.references import cited_by, linked_text
from web.views.common import NotFound, expensive_page, member_page, rule_or_404

# Versions never change, so a page about fixed versions is cacheable for a day; bump this
# when the templates of those pages change, so that old ETags stop matching.
PAGE_REVISION = "2"


def immutable(view):
    """Let browsers and proxies keep a found page for a day; never an error page, since a
    missing version may be created tomorrow."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code in (200, 304):
            patch_cache_control(response, public=True, max_age=86_400)
        return response

    return wrapper


@per_reader
@member_page
def rule_detail(request, rulebook, key):
    rule = rule_or_404(rulebook, key)
    on = OnDateForm.read(request)["at"]
    history = rule_history(rule=rule, reader=request.user)
    versions = history.versions
    in_force = next((v for v in reversed(versions) if v.effective_from <= on), None)
    attach_computed([in_force] if in_force else [], on=on)
    now = today()
    context = {
        "rulebook": rule.rulebook,
        "rule": rule,
        "on": on,
        "is_today": on == now,
        "versions": versions,
        "in_force": in_force,
        "later": [v for v in versions if v.effective_from > on and v.effective_from <= now],
        "pending": still_pending(versions, on=on, today=now),
        "today": now,
        "title_version": in_force if in_force and not in_force.repealed else _last_named(versions),
        "compare_from": versions[-2].seq if len(versions) > 1 else None,
        "compare_to": versions[-1].seq if versions else None,
        "alternatives": _alternatives(history.amendments, rule, versions),
        "cited_by": cited_by(rule, on=on),
    }
    if in_force and not in_force.repealed:
        context["in_force_text"] = linked_text(in_force, on=on, today=now)
    return render(request, "web/rule.html", context)


def _last_named(versions):
    return next((v for v in reversed(versions) if not v.repealed), None)


def _alternatives(amendments, rule, versions):
    """Every amendment that targeted the rule, by conference year, with its diff to its base,
    its proposed values by label, and whether it has been overtaken (`Amendment.is_stale`).

    The parameters named come from the rule's versions (already loaded); a query only for
    a parameter no version of the rule states."""
    known = {pv.parameter.key: pv.parameter for v in versions for pv in v.parameter_values.all()}
    labels = parameters_named(rule.rulebook, [a.parameters for a in amendments], known)
    rows = []
    for amendment in amendments:
        try:
            diff = amendment.proposed_diff()
        except DiffInputTooLarge:
            diff = None
        rows.append(
            {
                "amendment": amendment,
                "diff": diff,
                "stale": amendment.is_stale,
                "values": proposed_values(amendment.parameters, labels),
            }
        )
    rows.sort(
        key=lambda r: (r["amendment"].proposal.conference_year or 0, r["amendment"].proposal_id)
    )
    return rows


def _safe_compare(a: str, b: str):
    try:
        return compare(a, b)
    except DiffInputTooLarge:
        return None


def _version_etag(request, rulebook, key, seq):
    found = _version_ids(rulebook, key, [seq])
    return _tag("v", *found.values()) if len(found) == 1 else None


def _version_ids(rulebook, key, seqs) -> dict[int, int]:
    if not all(isinstance(s, int) and 1 <= s < 2**31 for s in seqs):
        return {}
    return dict(
        RuleVersion.objects.filter(
            rule__rulebook__slug=rulebook, rule__key=key[:100], seq__in=seqs
        ).values_list("seq", "pk")
    )


def _tag(*parts) -> str:
    return fingerprint(PAGE_REVISION, *parts)


@immutable
@etag(_version_etag)
@member_page
def version_detail(request, rulebook, key, seq):
    rule = rule_or_404(rulebook, key)
    versions = list(rule.versions.filter(seq__in=[seq - 1, seq]).order_by("seq"))
    version = versions[-1] if versions and versions[-1].seq == seq else None
    if version is None:
        raise NotFound(f"Rule {rule.key} has no version {seq}.")
    version.rule = rule
    prefetch_related_objects([version], parameter_values_prefetch())
    attach_computed([version], on=version.effective_from)  # the figures when it took effect
    attach_proposals([version])
    previous = versions[0] if len(versions) == 2 else None
    return render(
        request,
        "web/version.html",
        {"rulebook": rule.rulebook, "rule": rule, "version": version, "previous": previous},
    )


def _compare_etag(request, rulebook, key):
    try:
        a, b = int(request.GET.get("from", "")), int(request.GET.get("to", ""))
    except ValueError:
        return None
    view = request.GET.get("view", "inline")
    found = _version_ids(rulebook, key, [a, b])
    return _tag("c", found.get(a), found.get(b), view) if a in found and b in found else None


@immutable
@etag(_compare_etag)
@expensive_page
@member_page
def compare_versions(request, rulebook, key):
    rule = rule_or_404(rulebook, key)
    query = CompareForm.read(request)
    start, end, view = query["from"], query["to"], query["view"]
    versions = list(rule.versions.order_by("seq"))  # all of them, for the chooser too
    found = {v.seq: v for v in versions}
    missing = [str(n) for n in (start, end) if n not in found]
    if missing:
        raise NotFound(f"Rule {rule.key} has no version {' or '.join(missing)}.")
    a, b = found[start], found[end]
    a.rule = b.rule = rule
    try:
        diff = compare(
            _as_text(a), _as_text(b), from_label=f"version {a.seq}", to_label=f"version {b.seq}"
        )
    except DiffInputTooLarge as exc:
        raise BadQuery(f"These versions are too long to compare: {exc}.") from None
    heading = _safe_compare(a.heading, b.heading)
    return render(
        request,
        "web/compare.html",
        {
            "rulebook": rule.rulebook,
            "rule": rule,
            "a": a,
            "b": b,
            "diff": diff,
            "heading_diff": heading,
            "view": view,
            "versions": versions,
        },
    )


def _as_text(version):
    return "" if version.repealed else version.text


@member_page
def blame_view(request, rulebook, key):
    rule = rule_or_404(rulebook, key)
    on = OnDateForm.read(request)["at"]
    result = rule_blame(rule=rule, on=on)
    introduced = {p.version.pk: p.version for p in result.passages}
    attach_proposals(list(introduced.values()))
    return render(
        request,
        "web/blame.html",
        {
            "rulebook": rule.rulebook,
            "rule": rule,
            "on": on,
            "blame": result,
            "legend": sorted(introduced.values(), key=lambda v: v.seq),
            "is_today": on == today(),
        },
    )
