"""Token authentication that a client cannot brute-force.

After `TOKEN_FAILURE_LIMIT` wrong tokens from one address within `TOKEN_LOCKOUT_SECONDS`,
every token from that address is refused with a 429 until the window passes, before the
token is even looked up; the lockout is written to the audit trail once. Counters live in
the shared cache, so every worker sees them. (django-axes does the same for the admin's
login form; it does not cover DRF's tokens.)
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from rest_framework import authentication, exceptions

from rulebook.api.throttles import client_ip
from rulebook.services import audit_record


def _key(address: str) -> str:
    return f"rulebook:token-failures:{address}"


class GuardedTokenAuthentication(authentication.TokenAuthentication):
    def authenticate(self, request):
        if not authentication.get_authorization_header(request):
            return None
        address = client_ip(request)
        if (cache.get(_key(address)) or 0) >= settings.TOKEN_FAILURE_LIMIT:
            raise exceptions.Throttled(
                wait=settings.TOKEN_LOCKOUT_SECONDS,
                detail="Too many wrong tokens from this address; try again later.",
            )
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed:
            self._count_failure(address)
            raise

    def _count_failure(self, address: str) -> None:
        key = _key(address)
        cache.add(key, 0, timeout=settings.TOKEN_LOCKOUT_SECONDS)
        try:
            failures = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, failures := 1, timeout=settings.TOKEN_LOCKOUT_SECONDS)
        if failures == settings.TOKEN_FAILURE_LIMIT:
            audit_record(
                action="auth.token_lockout",
                subject=f"API tokens from {address}",
                data={"address": address, "failures": failures},
            )
