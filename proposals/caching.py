"""What an answer that shows proposals tells caches: it depends on who asked.

Drafts are shown only to those who may read them (`proposals.models.sees_drafts`), so a page or
API answer listing proposals differs by reader. Caches must keep one copy per credential
(`Vary: Cookie, Authorization`) and never share a draft reader's copy (`Cache-Control:
private`), so that nothing a member or an anonymous client is served was built with a draft.
"""

from __future__ import annotations

import functools

from django.utils.cache import patch_cache_control, patch_vary_headers

from proposals.models import sees_drafts


def vary_by_reader(response, user):
    """Mark `response`, built for `user`, as depending on the reader; returns it."""
    patch_vary_headers(response, ("Cookie", "Authorization"))
    if sees_drafts(user):
        patch_cache_control(response, private=True)
    return response


def per_reader(view):
    """Decorate a view whose answer (a 404 included) shows proposals: see `vary_by_reader`."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        return vary_by_reader(view(request, *args, **kwargs), request.user)

    return wrapper
