"""Anonymous reads of a rule book, kept in the shared cache and keyed on its revision.

Every member page under `/<rulebook>/…` and every API read under `/api/rulebooks/<slug>/…`
depends only on the book's record (and, for "today", on the date), and the record's revision
moves with every write to it (`rulebook.services.rulebook_changed`, in the write's
transaction). So an anonymous GET or HEAD is answered, after one indexed read of the
revision and before any view code runs:

- 304 when the client holds the ETag derived from (revision, path, query, representation,
  date);
- else the copy kept in the default cache (`CACHE_URL`) under that same key, if any;
- else by the view, whose 200 is then kept.

No copy can outlive the data it shows: a write moves the revision, and with it every key.
The revision is read through the router like the view's own reads, so a copy is always keyed
on the revision of the rows it was built from. Who is not anonymous — a session cookie
(members of staff) or an `Authorization` header (token clients) — neither reads nor fills
the shared cache, and their answers are marked private. An answer a view marked private
(`proposals.caching`, for readers who see drafts), one that sets a cookie, or any status but
200 is never kept.

Rate limits: a kept answer counts against exactly the limits its view applies (the API
view's throttles, the "expensive" scope of `web.views.common.expensive_page`), so the limits
mean the same whether or not a copy was kept; over a limit, the request falls through to the
view, which answers 429 as before.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags

from rulebook.api.throttles import page_allowed
from rulebook.etags import fingerprint
from rulebook.models import Rulebook

# Bump when the cached form of answers changes, so that old copies and ETags stop matching.
REPRESENTATION = "page-cache-1"
_SERVED = "_revision_cache_served"
_PENDING = "_revision_cache_pending"
_PRIVATE = "_revision_cache_private"


def _book_slug(request, view_kwargs) -> str | None:
    match = request.resolver_match
    if match is None:
        return None
    if match.namespace == "web":
        return view_kwargs.get("rulebook")
    if match.namespace == "api" and request.path.startswith("/api/rulebooks/"):
        return view_kwargs.get("slug")
    return None


def is_anonymous(request) -> bool:
    return (
        settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
    )


def _holds(request, etag: str) -> bool:
    wanted = parse_etags(request.headers.get("If-None-Match", ""))
    return "*" in wanted or etag in wanted


def _public(response) -> None:
    if "Cache-Control" not in response:
        patch_cache_control(
            response,
            public=True,
            max_age=settings.PAGE_CACHE_MAX_AGE,
            stale_while_revalidate=settings.PAGE_CACHE_STALE_WHILE_REVALIDATE,
        )


def _within_limits(request, view_func) -> bool:
    """Whether the view would let this client through its rate limits (counting the request)."""
    cls = getattr(view_func, "cls", None)
    if cls is not None:  # a DRF view: its own throttles, as it applies them
        view = cls(**getattr(view_func, "initkwargs", {}))
        return all(throttle.allow_request(request, view) for throttle in view.get_throttles())
    scope = getattr(view_func, "throttle_scope", None)
    return scope is None or page_allowed(request, scope)[0]


def _not_modified(etag: str, headers: dict | None = None) -> HttpResponseNotModified:
    response = HttpResponseNotModified()
    for name, value in (headers or {}).items():
        if name in ("Cache-Control", "Vary", "Content-Type"):
            response[name] = value
    response["ETag"] = etag
    _public(response)
    return response


class RevisionCacheMiddleware:
    """See the module: one home for the shared cache of rule-book reads."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.process_response(request, self.get_response(request))

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method not in ("GET", "HEAD"):
            return None
        slug = _book_slug(request, view_kwargs)
        if slug is None:
            return None
        if not is_anonymous(request):
            setattr(request, _PRIVATE, True)
            return None
        try:
            revision = Rulebook.objects.filter(slug=slug).values_list("revision", flat=True).first()
        except DatabaseError:
            return None  # the view meets the same fault and answers it (config.faults)
        if revision is None:
            return None  # the view answers its 404
        key = "page:" + fingerprint(
            REPRESENTATION,
            slug,
            revision,
            request.get_full_path(),
            request.headers.get("Accept", ""),
            timezone.localdate().isoformat(),
        )
        etag = f'"{key[5:]}"'
        held = _holds(request, etag)
        kept = None if held else cache.get(key)
        if (held or kept is not None) and not _within_limits(request, view_func):
            held, kept = False, None  # over a limit: the view answers its 429
        if held:
            setattr(request, _SERVED, True)
            return _not_modified(etag)
        if kept is not None:
            setattr(request, _SERVED, True)
            headers, content = kept
            if _holds(request, headers.get("ETag", etag)):
                return _not_modified(headers.get("ETag", etag), headers)
            response = HttpResponse(content)
            for name, value in headers.items():
                response[name] = value
            return response
        setattr(request, _PENDING, (key, etag))
        return None

    def process_response(self, request, response):
        if getattr(request, _SERVED, False):
            return response
        if getattr(request, _PRIVATE, False):
            if "Cache-Control" not in response:
                patch_cache_control(response, private=True)
            return response
        pending = getattr(request, _PENDING, None)
        if pending is None or response.status_code != 200 or response.streaming:
            return response
        control = response.get("Cache-Control", "")
        if "private" in control or "no-store" in control or response.cookies:
            return response
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            return response  # the page carries a CSRF token: not one to share
        key, etag = pending
        # The revision's ETag replaces a view's own (a version's, say): then a client that
        # revalidates is answered 304 before any view code and without reading the kept
        # copy, which a view's ETag would need. It changes with every write to the book, as
        # the kept copy does.
        response["ETag"] = etag
        _public(response)
        if request.method == "GET":
            cache.set(key, (dict(response.items()), response.content), settings.PAGE_CACHE_SECONDS)
        return response
