"""Watch pages: subscribe (a form with CSRF), confirm (a button), unsubscribe (a button, or
the one-click POST of RFC 8058). See `web.watch` for the steps.

These pages carry CSRF tokens or act on personal links, so none is ever kept by a cache:
`never_cache` marks them `private, no-store`, which the page cache (web/caching.py) and any
proxy respect. The rule, parameter and contents pages, which are cached, only link here.
"""

from __future__ import annotations

import functools
import hashlib

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from rulebook.api.throttles import page_allowed
from rulebook.models import RuleVersion
from web.forms import BadQuery, today
from web.views.common import NotFound, message_page, rulebook_or_404, too_many_requests
from web.watch import (
    watch_confirm,
    watch_for_unsubscribe,
    watch_pending,
    watch_subscribe,
    watch_unsubscribe,
)
from web.watch_forms import TargetForm, WatchForm
from web.watch_mail import already_message, confirmation_message

NOT_VALID = (
    "This link is not valid: it was used already, it expired (links last {days} days), or the "
    "watch was removed. You can ask again from the rule book's pages."
)


def watch_page(view):
    """Never cached; GET, HEAD and POST only; NotFound → 404 page, BadQuery → 400 page."""

    @never_cache
    @require_http_methods(["GET", "HEAD", "POST"])
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            return message_page(request, str(exc), status=404, slug=kwargs.get("rulebook"))
        except BadQuery as exc:
            return message_page(request, str(exc), status=400, slug=kwargs.get("rulebook"))

    return wrapper


class _AddressThrottle(SimpleRateThrottle):
    """Confirmation messages per address (`watch_address` rate), whoever asks: keyed on a
    hash of the address, so the counters hold no address."""

    scope = "watch_address"

    def __init__(self, email: str):
        self.ident = hashlib.sha256(email.strip().lower().encode()).hexdigest()
        super().__init__()

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.ident}


def _too_many(request, wait, slug):
    return too_many_requests(
        request,
        wait,
        "Too many requests to watch from your address or for this e-mail address",
        slug=slug,
    )


@watch_page
def watch_form(request, rulebook):
    book = rulebook_or_404(rulebook)
    if request.method != "POST":
        target = TargetForm(request.GET, rulebook=book)
        if not target.is_valid():
            raise BadQuery(" ".join(m for ms in target.errors.values() for m in ms))
        form = WatchForm(rulebook=book, initial=target.cleaned_data)
        return _form_page(request, book, form, target.cleaned_data["target"])
    allowed, wait = page_allowed(request, "watch")
    if not allowed:
        return _too_many(request, wait, rulebook)
    form = WatchForm(request.POST, rulebook=book)
    if not form.is_valid():
        target = form.cleaned_data.get("target")
        return _form_page(request, book, form, target, status=400)
    email = form.cleaned_data["email"]
    throttle = _AddressThrottle(email)
    if not throttle.allow_request(request, None):
        return _too_many(request, throttle.wait(), rulebook)
    subscribed = watch_subscribe(
        target=form.cleaned_data["target"], email=email, frequency=form.cleaned_data["frequency"]
    )
    watch = subscribed.watch
    if subscribed.token:
        message = confirmation_message(watch, subscribed.token)
    else:
        message = already_message(watch)
    try:
        message.send()
    except (OSError, ValueError):
        if subscribed.created:
            watch.delete()
        return message_page(
            request,
            "The message could not be sent just now; try again in a few minutes.",
            status=503,
            slug=rulebook,
        )
    # The same page whether the address is new, pending or already watching.
    return render(
        request, "web/watch/sent.html", {"rulebook": book, "email": email, "watch": watch}
    )


def _form_page(request, book, form, target, *, status=200):
    version = None
    if target is not None and target.rule is not None:
        version = RuleVersion.objects.in_force(on=today()).filter(rule=target.rule).first()
    return render(
        request,
        "web/watch/form.html",
        {
            "rulebook": book,
            "form": form,
            "target": target,
            "version": version if version and not version.repealed else None,
            "confirm_days": settings.WATCH_CONFIRM_DAYS,
        },
        status=status,
    )


@watch_page
def watch_confirm_page(request, rulebook, token):
    book = rulebook_or_404(rulebook)
    invalid = NOT_VALID.format(days=settings.WATCH_CONFIRM_DAYS)
    if request.method == "POST":
        watch = watch_confirm(token=token)
        if watch is None or watch.rulebook_id != book.pk:
            raise NotFound(invalid)
        return render(request, "web/watch/confirmed.html", {"rulebook": book, "watch": watch})
    watch = watch_pending(token=token)
    if watch is None or watch.rulebook_id != book.pk:
        raise NotFound(invalid)
    return render(request, "web/watch/confirm.html", {"rulebook": book, "watch": watch})


@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no token
@watch_page
def watch_unsubscribe_page(request, rulebook, pk, token):
    book = rulebook_or_404(rulebook)
    watch = watch_for_unsubscribe(pk=pk, token=token)
    if watch is None or watch.rulebook_id != book.pk:
        raise NotFound(
            "This link is not valid, or the watch was already removed: nothing is stored "
            "about it any more."
        )
    if request.method == "POST":
        label = watch.target_label
        watch_unsubscribe(watch=watch)
        return render(request, "web/watch/unsubscribed.html", {"rulebook": book, "label": label})
    return render(request, "web/watch/unsubscribe.html", {"rulebook": book, "watch": watch})
