"""Member pages: fetch, check the input, build a context, render. No login needed to read."""

import datetime

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from rulebook.models import Parameter, Rule, Rulebook
from rulebook.selectors import parameter_timeline, rulebook_at


@require_GET
def healthz(request):
    """Liveness only: answers without touching the database."""
    return HttpResponse("ok", content_type="text/plain")


class BadQuery(ValueError):
    pass


def parse_date_param(request, name, default=None):
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise BadQuery(f"'{name}' must be a date written YYYY-MM-DD, not {raw[:40]!r}.") from None


def bad_request(request, message):
    return render(request, "rulebook/bad_request.html", {"message": message}, status=400)


def index(request):
    rulebooks = list(Rulebook.objects.all())
    if len(rulebooks) == 1:
        return contents(request, rulebooks[0].slug)
    return render(request, "rulebook/index.html", {"rulebooks": rulebooks})


def contents(request, rulebook):
    book = get_object_or_404(Rulebook, slug=rulebook)
    try:
        on = parse_date_param(request, "at", default=timezone.localdate())
    except BadQuery as exc:
        return bad_request(request, str(exc))
    snapshot = rulebook_at(rulebook=book, on=on)
    return render(
        request,
        "rulebook/contents.html",
        {"rulebook": book, "snapshot": snapshot, "today": timezone.localdate()},
    )


def rule_detail(request, rulebook, key):
    rule = get_object_or_404(
        Rule.objects.select_related("rulebook"), rulebook__slug=rulebook, key=key
    )
    try:
        on = parse_date_param(request, "at", default=timezone.localdate())
    except BadQuery as exc:
        return bad_request(request, str(exc))
    versions = list(rule.versions.order_by("seq"))
    in_force = next((v for v in reversed(versions) if v.effective_from <= on), None)
    return render(
        request,
        "rulebook/rule.html",
        {
            "rulebook": rule.rulebook,
            "rule": rule,
            "on": on,
            "versions": versions,
            "in_force": in_force,
        },
    )


def version_detail(request, rulebook, key, seq):
    rule = get_object_or_404(
        Rule.objects.select_related("rulebook"), rulebook__slug=rulebook, key=key
    )
    version = get_object_or_404(rule.versions, seq=seq)
    return render(
        request,
        "rulebook/version.html",
        {"rulebook": rule.rulebook, "rule": rule, "version": version},
    )


def parameter_detail(request, rulebook, key):
    parameter = get_object_or_404(
        Parameter.objects.select_related("rulebook"), rulebook__slug=rulebook, key=key
    )
    return render(
        request,
        "rulebook/parameter.html",
        {
            "rulebook": parameter.rulebook,
            "parameter": parameter,
            "timeline": parameter_timeline(parameter=parameter),
        },
    )
